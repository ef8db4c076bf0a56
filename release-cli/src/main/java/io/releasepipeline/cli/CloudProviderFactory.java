package io.releasepipeline.cli;

import io.releasepipeline.azure.AzureMonitorErrorRate;
import io.releasepipeline.azure.BlobEvidenceStore;
import io.releasepipeline.azure.ContainerAppsPlatform;
import io.releasepipeline.azure.LogAnalyticsErrorRate;
import io.releasepipeline.cli.config.CliConfig;
import io.releasepipeline.cli.config.ConfigReader;
import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.evidence.EvidenceStore;
import io.releasepipeline.evidence.file.FileEvidenceStore;
import io.releasepipeline.format.VariableNames;
import io.releasepipeline.github.GitHubCiProvider;
import io.releasepipeline.github.GitHubConnection;
import io.releasepipeline.github.GitHubIncidentProvider;
import io.releasepipeline.github.MergeMethod;
import io.releasepipeline.github.TokenSource;
import io.releasepipeline.spi.CiProvider;
import io.releasepipeline.spi.HealthSignalProvider;
import io.releasepipeline.spi.IncidentProvider;
import io.releasepipeline.spi.PlatformProvider;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The production wiring: Azure Container Apps and Azure Monitor through Resource Manager (or the error rate from a Log
 * Analytics workspace), GitHub over its REST API, evidence as files or in a Blob container. Tokens come from
 * environment variables named in the config; a variable that is not set is an {@link InvalidConfigurationException}
 * naming it. An Azure token from the environment is the library's ({@code bearerTokenFromEnvironment}): it ends at its
 * own {@code exp}, and each token goes to its own service only (Resource Manager's to Resource Manager, the storage
 * token to Blob storage). Not thread-safe; one per CLI run.
 */
public final class CloudProviderFactory implements ProviderFactory {

    private final Function<String, String> environment;
    private final Optional<com.azure.core.http.HttpClient> azureHttpClient;
    private GitHubConnection github;
    private BlobEvidenceStore blob;

    /** Reads environment variables from the process environment. */
    public CloudProviderFactory() {
        this(System::getenv, Optional.empty());
    }

    /**
     * @param environment where environment variables are read (tests pass a map)
     * @param azureHttpClient the HTTP client for Azure, e.g. one trusting a private CA; the SDK's default when empty
     */
    public CloudProviderFactory(Function<String, String> environment,
            Optional<com.azure.core.http.HttpClient> azureHttpClient) {
        this.environment = environment;
        this.azureHttpClient = azureHttpClient;
    }

    @Override
    public PlatformProvider platform(CliConfig config) {
        return connect(ContainerAppsPlatform.builder(), config).pollInterval(config.azure().pollInterval())
                .operationTimeout(config.azure().operationTimeout())
                .switchToMultipleRevisionMode(config.azure().switchToMultipleRevisionMode()).build();
    }

    /**
     * The error rate: Azure Monitor's metric of the app, or with {@code rollback.errorRate.source: logs} a KQL query on
     * the Log Analytics workspace, with its own token (a Resource Manager token is never sent to Log Analytics).
     */
    @Override
    public HealthSignalProvider healthSignals(CliConfig config) {
        Optional<CliConfig.Logs> logs = config.rollback().errorRate().logs();
        if (!config.rollback().errorRate().source().equals("logs") || logs.isEmpty()) {
            return connect(AzureMonitorErrorRate.builder(), config).build();
        }
        CliConfig.Logs l = logs.get();
        LogAnalyticsErrorRate.Builder b = LogAnalyticsErrorRate.builder().workspaceId(l.workspaceId())
                .query(l.query()).ingestionDelay(l.ingestionDelay()).requestTimeout(l.requestTimeout());
        l.endpoint().ifPresent(b::endpoint);
        if (l.tokenVariable().isPresent()) {
            String variable = l.tokenVariable().get();
            required(variable, "rollback.errorRate.logs.tokenVariable", "a Log Analytics access token");
            b.bearerTokenFromEnvironment(variable).environment(environment);
        } else if (config.azure().tokenVariable().isPresent()) {
            // ConfigReader refuses this; the Resource Manager token must never reach Log Analytics.
            throw new InvalidConfigurationException("release configuration", List.of(
                    ConfigReader.LOGS_TOKEN_REQUIRED));
        }
        azureHttpClient.ifPresent(b::httpClient);
        return b.build();
    }

    @Override
    public io.releasepipeline.spi.AlertSource alerts(CliConfig config) {
        return connect(io.releasepipeline.azure.AzureMonitorAlerts.builder(), config).build();
    }

    /** The app, endpoint, credential and HTTP client every Azure provider takes. */
    private <B extends io.releasepipeline.azure.ArmClientBuilder<B>> B connect(B b, CliConfig config) {
        b.subscriptionId(config.app().subscription()).resourceGroup(config.app().resourceGroup())
                .appName(config.app().name());
        config.azure().endpoint().ifPresent(b::managementEndpoint);
        config.azure().tokenVariable().ifPresent(variable -> {
            required(variable, "azure.credential.tokenVariable", "an Azure access token");
            // The library's credential: the token's own expiry, and never sent to anything but Resource Manager.
            b.bearerTokenFromEnvironment(variable).environment(environment);
        });
        azureHttpClient.ifPresent(b::httpClient);
        return b;
    }

    @Override
    public io.releasepipeline.spi.ApprovalProvider approvals(CliConfig config) {
        return io.releasepipeline.github.GitHubEnvironmentApprovals.builder(connection(config))
                .workflow(config.traffic().approvals().workflow())
                .environment(config.traffic().approvals().environment()).build();
    }

    @Override
    public CiProvider ci(CliConfig config) {
        GitHubCiProvider.Builder b = GitHubCiProvider.builder(connection(config))
                .deployWorkflow(config.github().deployWorkflow())
                .mergeMethod(MergeMethod.valueOf(config.github().mergeMethod().toUpperCase(Locale.ROOT)));
        config.github().deployPaths().ifPresent(b::deployPaths);
        return b.build();
    }

    @Override
    public io.releasepipeline.github.GitHubTriggerChecks triggerChecks(CliConfig config) {
        return new io.releasepipeline.github.GitHubTriggerChecks(connection(config));
    }

    /** {@inheritDoc} <p>On the same GitHub connection (token, rate limits) as the other GitHub providers. */
    @Override
    public io.releasepipeline.hook.ReleaseHook workflowHook(CliConfig config, CliConfig.Hook hook) {
        CliConfig.WorkflowSettings w = hook.workflow().orElseThrow();
        return io.releasepipeline.github.GitHubWorkflowHook.builder(connection(config)).name(hook.name())
                .workflow(w.file()).ref(w.ref()).inputs(w.inputs()).pollInterval(w.pollInterval())
                .timeout(hook.timeout()).build();
    }

    @Override
    public IncidentProvider incidents(CliConfig config) {
        return GitHubIncidentProvider.builder(connection(config)).build();
    }

    @Override
    public EvidenceStore evidence(CliConfig config) {
        if (config.evidence().blob().isEmpty()) {
            return FileEvidenceStore.of(config.evidence().directory().orElse(FileEvidenceStore.DEFAULT_ROOT));
        }
        CliConfig.Blob settings = config.evidence().blob().get();
        BlobEvidenceStore.Builder b = BlobEvidenceStore.builder().container(settings.container());
        settings.connectionStringVariable().ifPresent(v -> b.connectionString(
                required(v, "evidence.blob.connectionStringVariable", "the storage connection string")));
        settings.endpoint().ifPresent(endpoint -> {
            b.endpoint(endpoint);
            if (settings.tokenVariable().isPresent()) {
                String variable = settings.tokenVariable().get();
                required(variable, "evidence.blob.tokenVariable", "an Azure Storage access token");
                b.bearerTokenFromEnvironment(variable).environment(environment);
            } else if (config.azure().tokenVariable().isPresent()) {
                // ConfigReader refuses this; the Resource Manager token must never reach Blob storage.
                throw new InvalidConfigurationException("release configuration", List.of(
                        ConfigReader.BLOB_TOKEN_REQUIRED));
            } else {
                b.credential(new com.azure.identity.DefaultAzureCredentialBuilder().build());
            }
        });
        azureHttpClient.ifPresent(b::httpClient);
        blob = b.build();
        return blob;
    }

    @Override
    public void close() {
        if (blob != null) {
            blob.close();
        }
    }

    private GitHubConnection connection(CliConfig config) {
        if (github == null) {
            String variable = config.github().tokenVariable();
            required(variable, "github.tokenVariable", "a GitHub token");
            github = GitHubConnection.builder().apiUrl(config.github().apiUrl())
                    .repository(config.github().repository())
                    .token(new TokenSource() {
                        @Override
                        public Optional<String> token() {
                            return Optional.ofNullable(environment.apply(variable)).filter(t -> !t.isBlank());
                        }

                        @Override
                        public String description() {
                            return "environment variable " + VariableNames.shown(variable);
                        }
                    })
                    .requestTimeout(config.github().requestTimeout())
                    .minWriteInterval(config.github().minWriteInterval())
                    .build();
        }
        return github;
    }

    private String required(String variable, String path, String what) {
        String value = environment.apply(variable);
        if (value == null || value.isBlank()) {
            throw new InvalidConfigurationException("release configuration", List.of(path
                    + ": environment variable " + VariableNames.shown(variable) + " is not set or empty; export "
                    + what + " in it"));
        }
        return value;
    }
}
