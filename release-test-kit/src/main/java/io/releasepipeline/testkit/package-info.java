/**
 * The test kit: a {@link io.releasepipeline.testkit.VirtualClock} and thread-safe, scriptable fakes of every
 * provider, for the engine's virtual-time scenario tests and benchmarks. Scripts are stated in virtual time
 * (offsets from the clock's start) and evaluated when read, so the fakes work on any clock.
 */
package io.releasepipeline.testkit;
