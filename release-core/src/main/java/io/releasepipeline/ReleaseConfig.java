package io.releasepipeline;

import io.releasepipeline.event.ReleaseListener;
import io.releasepipeline.evidence.EvidenceLink;
import io.releasepipeline.evidence.EvidenceStore;
import io.releasepipeline.evidence.EvidenceTemplate;
import io.releasepipeline.gate.Gate;
import io.releasepipeline.health.HealthProbe;
import io.releasepipeline.health.SmokeCheck;
import io.releasepipeline.hook.Hooks;
import io.releasepipeline.spi.ApprovalProvider;
import io.releasepipeline.spi.CiProvider;
import io.releasepipeline.spi.HealthSignalProvider;
import io.releasepipeline.spi.IncidentProvider;
import io.releasepipeline.spi.PlatformProvider;
import io.releasepipeline.time.ReleaseClock;
import io.releasepipeline.traffic.TrafficPlan;
import io.releasepipeline.trigger.Triggers;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything a pipeline was built with; immutable, produced by {@link ReleasePipelineBuilder#build()}.
 *
 * @param platform the cloud platform
 * @param ci the CI system
 * @param evidence the evidence store
 * @param incidents the incident source
 * @param healthSignals the error-rate signal
 * @param gates the pre-promotion gates
 * @param smokeCheck the smoke check
 * @param healthProbe the health probe, when the health trigger is armed
 * @param triggers the rollback triggers
 * @param trafficPlan how traffic moves
 * @param observationWindow how long the last step is observed
 * @param deployTimeout how long the deploy run may take to appear and complete
 * @param deployPollInterval how often the deploy run is polled
 * @param revisionReadyTimeout how long a revision may take to become ready
 * @param revisionPollInterval how often a revision's state is polled
 * @param providerPolicy retries and circuit breaking of provider calls
 * @param clock the one clock
 * @param listeners event listeners
 * @param host this host's name, for the release lock
 * @param environmentUrl the app's public URL, for deployment records and notes
 * @param approvals where people approve steps, when the plan has approvals
 * @param approvalTimeout how long a step waits for a decision
 * @param approvalTimeoutAction what happens when nobody decides in time
 * @param evidenceLink the public link to a release's evidence, for pull-request notes and deployment statuses
 * @param hooks the hooks run at points of each release
 * @param evidenceTemplate the team's evidence template the Markdown evidence is filled from; empty for the
 *     built-in report
 * @param migrations how a release is judged to carry a database migration, and what one without a
 *     migration-rollback hook does
 */
public record ReleaseConfig(PlatformProvider platform, CiProvider ci, EvidenceStore evidence,
        IncidentProvider incidents, HealthSignalProvider healthSignals, List<Gate> gates, SmokeCheck smokeCheck,
        Optional<HealthProbe> healthProbe, Triggers triggers, TrafficPlan trafficPlan, Duration observationWindow,
        Duration deployTimeout, Duration deployPollInterval, Duration revisionReadyTimeout,
        Duration revisionPollInterval, ProviderPolicy providerPolicy, ReleaseClock clock,
        List<ReleaseListener> listeners, String host, Optional<String> environmentUrl,
        Optional<ApprovalProvider> approvals, Duration approvalTimeout, ApprovalTimeoutAction approvalTimeoutAction,
        EvidenceLink evidenceLink, Hooks hooks, Optional<EvidenceTemplate> evidenceTemplate,
        io.releasepipeline.migration.MigrationDetection migrations) {

    /**
     * Copies the lists.
     *
     * @param platform the cloud platform
     * @param ci the CI system
     * @param evidence the evidence store
     * @param incidents the incident source
     * @param healthSignals the error-rate signal
     * @param gates the pre-promotion gates
     * @param smokeCheck the smoke check
     * @param healthProbe the health probe, when the health trigger is armed
     * @param triggers the rollback triggers
     * @param trafficPlan how traffic moves
     * @param observationWindow how long the last step is observed
     * @param deployTimeout how long the deploy run may take to appear and complete
     * @param deployPollInterval how often the deploy run is polled
     * @param revisionReadyTimeout how long a revision may take to become ready
     * @param revisionPollInterval how often a revision's state is polled
     * @param providerPolicy retries and circuit breaking of provider calls
     * @param clock the one clock
     * @param listeners event listeners
     * @param host this host's name, for the release lock
     * @param environmentUrl the app's public URL, for deployment records and notes
     * @param approvals where people approve steps, when the plan has approvals
     * @param approvalTimeout how long a step waits for a decision
     * @param approvalTimeoutAction what happens when nobody decides in time
     * @param evidenceLink the public link to a release's evidence, for pull-request notes and deployment statuses
     * @param hooks the hooks run at points of each release
     * @param evidenceTemplate the team's evidence template the Markdown evidence is filled from; empty for the
     *     built-in report
     * @param migrations how a release is judged to carry a database migration, and what one without a
     *     migration-rollback hook does
     */
    public ReleaseConfig {
        gates = List.copyOf(gates);
        listeners = List.copyOf(listeners);
        evidenceTemplate = evidenceTemplate == null ? Optional.empty() : evidenceTemplate;
    }
}
