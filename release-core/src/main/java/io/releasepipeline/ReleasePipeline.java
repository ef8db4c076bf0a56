package io.releasepipeline;

import io.releasepipeline.gate.GateResult;
import java.time.Duration;
import java.util.List;

/**
 * The runbook as code: promotes a release (gates, merge, deploy run, new revision, traffic plan, smoke check,
 * observation, evidence) and rolls it back on its own when a trigger fires.
 *
 * <pre>{@code
 * ReleasePipeline pipeline = ReleasePipeline.builder()
 *     .platform(platform).ci(ci).evidence(store).incidents(incidents).healthSignals(signals)
 *     .gates(Gates.runbookDefaults())
 *     .smokeCheck(smoke).healthProbe(probe)
 *     .rollbackTriggers(Triggers.runbookDefaults())
 *     .trafficPlan(TrafficPlan.immediate())
 *     .build();
 * ReleaseResult result = pipeline.promote(ReleaseRequest.ofPullRequest(123));
 * }</pre>
 *
 * <p>Thread-safety: a pipeline is immutable and thread-safe. One release per app runs at a time (the evidence
 * store's lock); {@link #requestRollback(String)} may be called from any thread while a release observes.
 */
public interface ReleasePipeline {

    /** "Expected duration: ~3-5 minutes" for the deploy run; the engine gives it three times the upper bound. */
    Duration DEFAULT_DEPLOY_TIMEOUT = Duration.ofMinutes(15);
    /** How often the deploy run is polled (GitHub answers unchanged polls with a free 304). */
    Duration DEFAULT_DEPLOY_POLL_INTERVAL = Duration.ofSeconds(15);
    /** How long a new or reactivated revision may take to become ready. */
    Duration DEFAULT_REVISION_READY_TIMEOUT = Duration.ofMinutes(5);
    /** How often a revision's state is polled while waiting for it. */
    Duration DEFAULT_REVISION_POLL_INTERVAL = Duration.ofSeconds(5);
    /** How long the new revision is watched at 100% before the release is declared good. */
    Duration DEFAULT_OBSERVATION_WINDOW = Duration.ofMinutes(10);

    /** A builder with the runbook's defaults; providers must be given explicitly. */
    static ReleasePipelineBuilder builder() {
        return new ReleasePipelineBuilder();
    }

    /**
     * Promotes a pull request through the whole runbook. Blocks until the release is promoted, rolled back or
     * stopped. Returns a result for every outcome once the release has started; {@link ReleaseResult#orThrow()}
     * turns a non-promotion into an exception.
     *
     * @throws ReleaseInProgressException if another release of the app holds the lock (nothing was changed)
     * @throws ProviderException if the evidence store cannot be reached to take the lock (nothing was changed)
     */
    ReleaseResult promote(ReleaseRequest request);

    /**
     * Evaluates every gate for a pull request and changes nothing: the pre-promotion checklist alone.
     */
    List<GateResult> evaluateGates(ReleaseRequest request);

    /**
     * Rolls back on its own (the runbook's {@code rollback.sh}): finds the previous good revision (or the named
     * one), activates it if needed, moves all traffic to it, smoke checks it, records evidence and posts the
     * incident note. Idempotent: a rollback to the revision already serving everything only verifies it.
     *
     * @throws ReleaseInProgressException if a release of the app holds the lock; use {@link #requestRollback}
     *     to stop a release in flight
     */
    RollbackResult rollback(RollbackRequest request);

    /**
     * The manual trigger ("critical functionality broken"): makes the release in flight roll back at once, from any
     * thread. Returns false when no release of this pipeline is observing (use {@link #rollback} instead).
     */
    boolean requestRollback(String reason);

    /** What this pipeline was built with. */
    ReleaseConfig config();
}
