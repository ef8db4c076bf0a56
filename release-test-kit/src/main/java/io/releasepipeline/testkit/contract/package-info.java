/**
 * Provider contract kits: one abstract JUnit 5 class per SPI. A provider's {@code ...ContractTest} extends the
 * kit and implements its fixture hook; every fake in the test kit does the same.
 */
package io.releasepipeline.testkit.contract;
