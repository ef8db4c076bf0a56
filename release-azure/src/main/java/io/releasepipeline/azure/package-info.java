/**
 * Azure providers for release-pipeline: {@link io.releasepipeline.azure.ContainerAppsPlatform} (revisions and
 * traffic of an Azure Container App through Resource Manager), {@link io.releasepipeline.azure.AzureMonitorErrorRate}
 * (a revision's 5xx rate from Azure Monitor's {@code Requests} metric) and
 * {@link io.releasepipeline.azure.BlobEvidenceStore} (evidence, journal and the release lock in Azure Blob Storage).
 */
package io.releasepipeline.azure;
