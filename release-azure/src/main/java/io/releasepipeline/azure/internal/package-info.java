/** Implementation details of the Azure providers. Not public API: may change in any release. */
package io.releasepipeline.azure.internal;
