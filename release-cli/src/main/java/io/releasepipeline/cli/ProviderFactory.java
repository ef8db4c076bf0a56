package io.releasepipeline.cli;

import io.releasepipeline.cli.config.CliConfig;
import io.releasepipeline.evidence.EvidenceStore;
import io.releasepipeline.spi.CiProvider;
import io.releasepipeline.spi.HealthSignalProvider;
import io.releasepipeline.spi.IncidentProvider;
import io.releasepipeline.spi.PlatformProvider;

/**
 * Turns a validated {@code release.yaml} into providers. The CLI asks for each provider only when a command needs
 * it, so a command that reads nothing from GitHub never needs a GitHub token. {@link CloudProviderFactory} is the
 * production wiring (Azure Container Apps, Azure Monitor, GitHub, files or Blob storage); tests pass their own.
 *
 * <p>One factory serves one CLI run: the CLI asks for each provider at most once and calls {@link #close()} when the
 * command ends. Methods throw {@link io.releasepipeline.error.InvalidConfigurationException} for a setting only they can
 * check (an environment variable that is not set), naming the variable, never a value.
 */
public interface ProviderFactory extends AutoCloseable {

    /** The cloud platform that runs the app. */
    PlatformProvider platform(CliConfig config);

    /** The CI system and code host. */
    CiProvider ci(CliConfig config);

    /** Where open incidents are tracked. */
    IncidentProvider incidents(CliConfig config);

    /** Error-rate telemetry. */
    HealthSignalProvider healthSignals(CliConfig config);

    /** Monitoring alerts about the app, when {@code rollback.alerts} is enabled. */
    default io.releasepipeline.spi.AlertSource alerts(CliConfig config) {
        throw new io.releasepipeline.error.InvalidConfigurationException("release.yaml", java.util.List.of(
                "rollback.alerts: this provider setup has no alert source; disable rollback.alerts"));
    }

    /** Where people approve traffic steps, when {@code traffic.approvalBefore} names any. */
    default io.releasepipeline.spi.ApprovalProvider approvals(CliConfig config) {
        throw new io.releasepipeline.error.InvalidConfigurationException("release.yaml", java.util.List.of(
                "traffic.approvalBefore: this provider setup has no approval provider; remove approvalBefore"));
    }

    /**
     * The GitHub reads that turn a GitHub Actions event into a pull request to release (the commenter's permission,
     * a commit's pull request), for {@code release promote --event}. Default: this provider setup has none.
     */
    default io.releasepipeline.github.GitHubTriggerChecks triggerChecks(CliConfig config) {
        throw new io.releasepipeline.error.InvalidConfigurationException("release.yaml", java.util.List.of(
                "github: this provider setup cannot read GitHub events; give --pr instead of --event"));
    }

    /**
     * A hook that dispatches a GitHub workflow and watches its run, for a hook configured with {@code workflow:}.
     * Default: this provider setup has none.
     *
     * @param hook the hook's settings; {@link CliConfig.Hook#workflow()} is present
     */
    default io.releasepipeline.hook.ReleaseHook workflowHook(CliConfig config, CliConfig.Hook hook) {
        throw new io.releasepipeline.error.InvalidConfigurationException("release.yaml", java.util.List.of(
                hook.path() + ".workflow: this provider setup cannot dispatch GitHub workflows; use a webhook or "
                        + "command hook"));
    }

    /** Evidence, the journal and the release lock. */
    EvidenceStore evidence(CliConfig config);

    /** Releases what the providers hold (lease renewals, connections). Default: nothing. */
    @Override
    default void close() {
    }
}
