package io.releasepipeline.cli;

import io.releasepipeline.ApprovalTimeoutAction;
import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleasePipelineBuilder;
import io.releasepipeline.cli.config.CliConfig;
import io.releasepipeline.cli.config.HttpChecks;
import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.event.ReleaseListener;
import io.releasepipeline.evidence.EvidenceLink;
import io.releasepipeline.evidence.EvidenceStore;
import io.releasepipeline.gate.Gate;
import io.releasepipeline.gate.Gates;
import io.releasepipeline.spi.CiProvider;
import io.releasepipeline.spi.HealthSignalProvider;
import io.releasepipeline.spi.IncidentProvider;
import io.releasepipeline.spi.PlatformProvider;
import io.releasepipeline.traffic.TrafficPlan;
import io.releasepipeline.trigger.NoDataPolicy;
import io.releasepipeline.trigger.Triggers;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * A config and a provider factory, turned into what a command needs: each provider made once, on first use, and
 * the pipeline with the config's gates, triggers, traffic plan and timings. Not thread-safe; one per CLI run.
 */
final class Wiring implements AutoCloseable {

    final CliConfig config;
    private final ProviderFactory factory;
    private final java.util.function.Function<String, String> environment;
    private PlatformProvider platform;
    private CiProvider ci;
    private IncidentProvider incidents;
    private HealthSignalProvider signals;
    private EvidenceStore evidence;

    Wiring(CliConfig config, ProviderFactory factory, java.util.function.Function<String, String> environment) {
        this.config = config;
        this.factory = factory;
        this.environment = environment;
    }

    PlatformProvider platform() {
        if (platform == null) {
            platform = factory.platform(config);
        }
        return platform;
    }

    EvidenceStore evidence() {
        if (evidence == null) {
            evidence = factory.evidence(config);
        }
        return evidence;
    }

    /** The GitHub reads that resolve a GitHub Actions event, made on first use. */
    io.releasepipeline.github.GitHubTriggerChecks triggerChecks() {
        return factory.triggerChecks(config);
    }

    /** The CI provider (GitHub) the pipeline uses, made on first use; for read-only looks such as a dry run. */
    io.releasepipeline.spi.CiProvider ci() {
        if (ci == null) {
            ci = factory.ci(config);
            incidents = factory.incidents(config);
        }
        return ci;
    }

    /** A pipeline wired to every provider the config arms; the listener gets every event. */
    ReleasePipeline pipeline(ReleaseListener listener) {
        ReleasePipelineBuilder b = ReleasePipeline.builder()
                .platform(platform()).ci(ci()).incidents(incidents).evidence(evidence())
                .gates(gates(config.gates()))
                .smokeCheck(HttpChecks.smokeCheck(config.smoke()))
                .rollbackTriggers(triggers(config.rollback(), config.rollback().alerts().enabled()
                        ? java.util.Optional.of(factory.alerts(config)) : java.util.Optional.empty()))
                .trafficPlan(trafficPlan(config.traffic()))
                .migrations(migrations(config.migrations()))
                .observationWindow(config.observation())
                .deployPollInterval(config.polling().deployRunInterval())
                .deployTimeout(config.polling().deployTimeout())
                .revisionPollInterval(config.polling().revisionInterval())
                .revisionReadyTimeout(config.polling().revisionReadyTimeout())
                .listener(listener);
        if (config.rollback().errorRate().enabled()) {
            if (signals == null) {
                signals = factory.healthSignals(config);
            }
            b.healthSignals(signals);
        }
        if (config.rollback().health().enabled()) {
            b.healthProbe(HttpChecks.healthProbe(config.smoke(), config.rollback().health()));
        }
        if (config.rollback().canaryAnalysis().enabled() && signals == null) {
            signals = factory.healthSignals(config);
            b.healthSignals(signals);
        }
        config.app().url().ifPresent(b::environmentUrl);
        b.evidenceLink(evidenceLink(environment));
        config.evidence().template().ifPresent(b::evidenceTemplate);
        if (!config.traffic().approvalBefore().isEmpty()) {
            CliConfig.Approvals a = config.traffic().approvals();
            b.approvals(factory.approvals(config)).approvalTimeout(a.timeout(),
                    ApprovalTimeoutAction.valueOf(a.onTimeout().toUpperCase(Locale.ROOT)));
        }
        HookWiring.apply(b, config, factory, environment);
        return b.build();
    }

    /**
     * Checks, before a release changes anything, that the error rate can be read the way the config says: with
     * {@code rollback.errorRate.source: logs}, the query runs once on the revision serving most traffic now, over the
     * trigger's window, and must answer the shape the provider reads. Call after {@link #pipeline}. Makes no call for
     * Azure Monitor's metric, whose shape is fixed.
     *
     * @throws InvalidConfigurationException if the query answers another shape (exit 64)
     * @throws io.releasepipeline.error.ProviderException if the workspace or the platform cannot be read (exit 69)
     */
    void checkHealthSignals() {
        if (!(signals instanceof io.releasepipeline.azure.LogAnalyticsErrorRate logs)) {
            return;
        }
        String serving = platform().traffic().weights().weights().entrySet().stream()
                .max(java.util.Map.Entry.comparingByValue()).map(java.util.Map.Entry::getKey)
                .orElse(config.app().name());
        java.time.Instant now = java.time.Instant.now();
        try {
            logs.verifyQuery(serving, now.minus(config.rollback().errorRate().window()), now);
        } catch (InvalidConfigurationException e) {
            String where = config.rollback().errorRate().logs().map(CliConfig.Logs::querySource)
                    .orElse("rollback.errorRate.logs.query");
            throw new InvalidConfigurationException("release configuration", e.problems().stream()
                    .map(p -> where + ": " + p.substring(p.indexOf(':') + 1).trim() + " (checked on " + serving
                            + " before anything changed)").toList());
        }
    }

    /**
     * Where pull-request notes link the evidence. In a GitHub Actions run ({@code GITHUB_SERVER_URL},
     * {@code GITHUB_REPOSITORY} and {@code GITHUB_RUN_ID} set, as the runner sets them) evidence in local files is
     * linked to the run's page, whose artifacts hold it once the workflow uploads them; Blob storage's URL is linked as
     * it is. Elsewhere only a URL location is linked, and a note names a local file alone. Values that do not look like
     * the runner's are ignored.
     */
    static EvidenceLink evidenceLink(java.util.function.Function<String, String> environment) {
        String server = environment.apply("GITHUB_SERVER_URL");
        String repository = environment.apply("GITHUB_REPOSITORY");
        String runId = environment.apply("GITHUB_RUN_ID");
        if (server == null || repository == null || runId == null || !server.matches("https?://[A-Za-z0-9.:-]+/?")
                || !repository.matches("[A-Za-z0-9-]+/[A-Za-z0-9._-]+") || !runId.matches("[0-9]{1,20}")) {
            return EvidenceLink.ofLocation();
        }
        return EvidenceLink.orPage(server.replaceAll("/$", "") + "/" + repository + "/actions/runs/" + runId);
    }

    static List<Gate> gates(CliConfig.Gates g) {
        List<Gate> gates = new ArrayList<>();
        gates.add(Gates.requiredChecks(g.requiredChecks()));
        if (!g.incidentLabels().isEmpty()) {
            gates.add(Gates.noOpenIncidents(new LinkedHashSet<>(g.incidentLabels())));
        }
        gates.add(Gates.previousReleaseStable(g.stableFor()));
        gates.add(g.approvalsOnHead() ? Gates.minimumApprovalsOnHead(g.minimumApprovals())
                : Gates.minimumApprovals(g.minimumApprovals()));
        if (g.breakingChangesDocumented()) {
            gates.add(Gates.breakingChangesDocumented());
        }
        return gates;
    }

    static Triggers triggers(CliConfig.Rollback r, java.util.Optional<io.releasepipeline.spi.AlertSource> alerts) {
        Triggers.Builder b = Triggers.builder()
                .smokeInterval(r.smoke().interval())
                .healthProbeInterval(r.health().interval())
                .errorRateInterval(r.errorRate().interval());
        if (r.smoke().enabled()) {
            b.smokeFailingFor(r.smoke().failingFor());
        } else {
            b.withoutSmokeTrigger();
        }
        if (r.health().enabled()) {
            b.healthDownFor(r.health().downFor());
        } else {
            b.withoutHealthTrigger();
        }
        b.onReadError(io.releasepipeline.trigger.ReadErrorPolicy.valueOf(
                r.errorRate().onReadError().replace('-', '_').toUpperCase(Locale.ROOT)));
        if (r.errorRate().enabled()) {
            b.errorRateAbove(r.errorRate().threshold(), r.errorRate().window())
                    .minimumRequests(r.errorRate().minimumRequests())
                    .noDataPolicy(NoDataPolicy.valueOf(r.errorRate().noData().toUpperCase(Locale.ROOT)))
                    .holdLimit(r.errorRate().holdLimit());
        } else {
            b.withoutErrorRateTrigger();
        }
        if (r.canaryAnalysis().enabled()) {
            b.canaryAnalysis(r.canaryAnalysis().maxIncrease());
        }
        alerts.ifPresent(a -> b.onAlerts(a).alertInterval(r.alerts().interval()));
        b.advisory(r.advisory().toArray(String[]::new));
        if (r.recovery().enabled()) {
            b.recovery(r.recovery().tolerance(), r.recovery().timeout());
        } else {
            b.withoutRecoveryWatch();
        }
        return b.build();
    }

    /** The {@code migrations:} section as the library's detection and policy. */
    static io.releasepipeline.migration.MigrationDetection migrations(CliConfig.Migrations m) {
        io.releasepipeline.migration.MigrationDetection d = io.releasepipeline.migration.MigrationDetection
                .declaredOnly().orPaths(m.paths().toArray(String[]::new)).orLabels(m.labels().toArray(String[]::new));
        return d.withoutRollbackHook(m.withoutRollbackHook().equals("roll-forward-only")
                ? io.releasepipeline.migration.MigrationDetection.WithoutRollbackHook.ROLL_FORWARD_ONLY
                : io.releasepipeline.migration.MigrationDetection.WithoutRollbackHook.WARN);
    }

    static TrafficPlan trafficPlan(CliConfig.Traffic t) {
        return TrafficPlan.canary(t.steps().stream().mapToInt(Integer::intValue).toArray())
                .withStepPause(t.stepPause())
                .withApprovalBefore(t.approvalBefore().stream().mapToInt(Integer::intValue).toArray());
    }

    @Override
    public void close() {
        factory.close();
    }
}
