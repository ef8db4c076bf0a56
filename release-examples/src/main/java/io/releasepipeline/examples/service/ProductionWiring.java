package io.releasepipeline.examples.service;

import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.approval.ApiApprovals;
import io.releasepipeline.azure.AzureMonitorErrorRate;
import io.releasepipeline.azure.ContainerAppsPlatform;
import io.releasepipeline.evidence.file.FileEvidenceStore;
import io.releasepipeline.gate.Gates;
import io.releasepipeline.github.GitHubCiProvider;
import io.releasepipeline.github.GitHubConnection;
import io.releasepipeline.github.GitHubIncidentProvider;
import io.releasepipeline.github.TokenSource;
import io.releasepipeline.health.http.Endpoint;
import io.releasepipeline.health.http.HttpHealthProbe;
import io.releasepipeline.health.http.HttpSmokeCheck;
import io.releasepipeline.time.ReleaseClock;
import io.releasepipeline.traffic.TrafficPlan;
import io.releasepipeline.trigger.Triggers;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * The {@link PromotionService} wired to production: Azure Container Apps, Azure Monitor, GitHub. Compiled with the
 * examples so it stays true, and not run by their tests (it needs an Azure subscription and a GitHub token). Only
 * the providers and the clock differ from {@link LocalPromotionService}; the service is the same.
 *
 * <p>Credentials: Azure through {@code DefaultAzureCredential} (managed identity in the cloud, {@code az login} on
 * a laptop), GitHub through the {@code GITHUB_TOKEN} environment variable; neither is ever logged.
 */
public final class ProductionWiring {

    private ProductionWiring() {
    }

    /**
     * Starts the service for one app on Container Apps, its repository on GitHub.
     *
     * @param subscriptionId the Azure subscription holding the container app
     * @param address where the service listens
     * @return the running service; close it on shutdown
     * @throws io.releasepipeline.error.InvalidConfigurationException when a provider or the pipeline is
     *     misconfigured (every problem listed, nothing started)
     */
    public static PromotionService start(String subscriptionId, InetSocketAddress address) {
        // tag::production[]
        ReleaseClock clock = ReleaseClock.system();
        ApiApprovals approvals = new ApiApprovals(clock, question -> { /* post question.summary() to chat */ });
        GitHubConnection github = GitHubConnection.builder()
            .repository("org/trade-nexus").token(TokenSource.fromEnvironment("GITHUB_TOKEN")).build();
        ReleasePipeline pipeline = ReleasePipeline.builder()
            .platform(ContainerAppsPlatform.builder()
                .subscriptionId(subscriptionId).resourceGroup("trade-nexus").appName("trade-nexus-backend").build())
            .healthSignals(AzureMonitorErrorRate.builder()
                .subscriptionId(subscriptionId).resourceGroup("trade-nexus").appName("trade-nexus-backend").build())
            .ci(GitHubCiProvider.builder(github).deployWorkflow("backend-deploy.yml").build())
            .incidents(GitHubIncidentProvider.builder(github).build())
            .evidence(FileEvidenceStore.of(Path.of(".ops/evidence")))   // or BlobEvidenceStore
            .smokeCheck(HttpSmokeCheck.builder().baseUrl("https://backend.example.com")
                .endpoint(Endpoint.get("/health")).endpoint(Endpoint.get("/v1/markets?limit=5")).build())
            .healthProbe(HttpHealthProbe.builder().baseUrl("https://backend.example.com").build())
            .gates(Gates.runbookDefaults())
            .rollbackTriggers(Triggers.runbookDefaults())
            .trafficPlan(TrafficPlan.canary(50, 100).withApprovalBefore(100))
            .approvals(approvals)
            .clock(clock)
            .build();
        return PromotionService.start(address, pipeline, approvals);
        // end::production[]
    }
}
