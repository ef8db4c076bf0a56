/**
 * Azure providers for release-pipeline: {@link io.releasepipeline.azure.ContainerAppsPlatform} (revisions and
 * traffic of an Azure Container App through Resource Manager), {@link io.releasepipeline.azure.AzureMonitorErrorRate}
 * (a revision's 5xx rate from Azure Monitor's {@code Requests} metric), {@link io.releasepipeline.azure.AzureMonitorAlerts}
 * (Azure Monitor alerts fired on the app, polled) and {@link io.releasepipeline.azure.AzureAlertWebhook} (the same
 * alerts pushed by an action group's webhook into an {@link io.releasepipeline.trigger.AlertInbox}, the caller
 * authenticated by a shared secret or by an Entra ID token checked by
 * {@link io.releasepipeline.azure.EntraIdAuthentication}), and
 * {@link io.releasepipeline.azure.BlobEvidenceStore} (evidence, journal and the release lock in Azure Blob Storage).
 *
 * <h2>Canaries and revision modes</h2>
 * A canary ({@code TrafficPlan.canary(10, 50, 100)}) needs the app in <em>Multiple</em> revision mode. In
 * <em>Single</em> mode a new revision takes all traffic at once and weights cannot be set; the engine refuses a plan
 * that splits traffic at its "platform settled" gate, before anything changes, and it does so even when the provider
 * is built with {@link io.releasepipeline.azure.ContainerAppsPlatform.Builder#switchToMultipleRevisionMode(boolean)}
 * (that option only lets {@code setTraffic} switch the mode itself). Switch the mode ahead of the first canary
 * ({@code az containerapp revision set-mode --mode multiple} or
 * {@link io.releasepipeline.azure.ContainerAppsPlatform#ensureMultipleRevisionMode()}).
 *
 * <p>The deploy must create the new revision at 0%: in Multiple mode, {@code az containerapp update} with the
 * ingress traffic pinned to the stable revision by name (as this module's PATCHes always leave it), never
 * {@code latestRevision: true}, which would hand the new revision the traffic before the first step.
 */
package io.releasepipeline.azure;
