package io.releasepipeline;

import io.releasepipeline.evidence.GateResult;
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
    /** How long a step waits for a person's approval before its timeout action. */
    Duration DEFAULT_APPROVAL_TIMEOUT = Duration.ofHours(1);

    /**
     * A builder with the runbook's defaults; providers must be given explicitly.
     *
     * @return a builder with the runbook's defaults; providers must be given explicitly
     */
    static ReleasePipelineBuilder builder() {
        return new ReleasePipelineBuilder();
    }

    /**
     * Promotes a pull request through the whole runbook. Blocks until the release is promoted, rolled back or
     * stopped. A pull request whose merge starts no deploy run (no changed file matches the deploy workflow's filter)
     * is merged and ends {@link io.releasepipeline.evidence.ReleaseOutcome#NOTHING_TO_DEPLOY} at once, with no deploy
     * run awaited and no traffic touched. Returns a result for every outcome once the release has started; {@link
     * ReleaseResult#orThrow()} turns a non-promotion into an exception.
     *
     * @param request the pull request to promote, with its options
     * @return how the release ended, with its record
     * @throws ReleaseInProgressException if another release of the app holds the lock (nothing was changed)
     * @throws io.releasepipeline.error.ProviderException if the evidence store cannot be reached to take the lock
     *     (nothing was changed)
     */
    ReleaseResult promote(ReleaseRequest request);

    /**
     * Evaluates every gate for a pull request and changes nothing: the pre-promotion checklist alone.
     *
     * @param request the pull request to judge
     * @return every gate's verdict, in the gates' order
     */
    List<GateResult> evaluateGates(ReleaseRequest request);

    /**
     * Whether merging the pull request starts the deploy run: its changed files against the deploy workflow's
     * filter, as the CI system judges them. This is the engine's {@code deploy-filter} check alone (it is also among
     * {@link #evaluateGates}); when it finds nothing to deploy, {@link #promote} merges and ends
     * {@link io.releasepipeline.evidence.ReleaseOutcome#NOTHING_TO_DEPLOY}. Changes nothing; works for an open or a
     * merged pull request.
     *
     * @param request the pull request to judge
     * @return whether merging the pull request starts the deploy run: its changed files against the deploy workflow's
     *     filter, as the CI system judges them
     * @throws io.releasepipeline.error.ProviderException when the CI system cannot tell (then {@link #evaluateGates}
     *     reports the check as an ERROR, which blocks a promotion before anything changes)
     */
    io.releasepipeline.spi.DeployMatch deployMatch(ReleaseRequest request);

    /**
     * Rolls back on its own (the runbook's {@code rollback.sh}): finds the previous good revision (or the named
     * one), activates it if needed, moves all traffic to it, smoke checks it, watches its error rate return to the
     * baseline the rolled-back release recorded ({@link io.releasepipeline.trigger.RecoveryPolicy}; the error-rate
     * threshold without one), records evidence and posts the incident note; {@link RollbackResult#outcome()} says
     * whether it recovered. Idempotent: a rollback to the revision already serving everything only verifies it.
     *
     * <p>It reads what it needs to decide (the traffic, the recent records, the named revision) before it journals
     * or changes anything. A rollback the platform cannot carry out in the app's revision mode is refused before any
     * change and returned as failed, with the traffic as it stays.
     *
     * @param request where to roll back to, and why
     * @return how the rollback ended, with its record
     * @throws ReleaseInProgressException if a release of the app holds the lock; use {@link #requestRollback}
     *     to stop a release in flight
     * @throws UnknownTargetException if the named revision does not exist (it lists those that do); nothing was
     *     changed or recorded
     * @throws io.releasepipeline.error.ProviderException if the platform or the evidence store cannot be read before
     *     the rollback starts; nothing was changed or recorded
     */
    RollbackResult rollback(RollbackRequest request);

    /**
     * The manual trigger ("critical functionality broken") and the way to cancel a release: makes the release in
     * flight stop at once, from any thread (thread-safe, never blocks). Interrupting the release's thread does the
     * same, and so do SIGINT and SIGTERM through the CLI.
     *
     * <p>What a stop does depends on where the release is: before any traffic moved it ends
     * {@link io.releasepipeline.evidence.ReleaseOutcome#ABORTED} (before the merge nothing was changed; after it the
     * merge is left for people); once traffic moved, including a release at 100% still under observation, all traffic
     * goes back to the stable revision ({@link io.releasepipeline.evidence.ReleaseOutcome#ROLLED_BACK}). At 100% the
     * release is rolled back, not promoted, because it was not judged good yet: the observation window is the runbook's
     * judgment, and a cancel must not turn an unjudged revision into a promotion nobody decided. A roll-forward-only
     * release freezes instead.
     *
     * <p>The rollback runs with the thread's interrupt flag cleared (restored before {@link #promote} returns)
     * and is bounded for a CI runner's grace: the stable revision's smoke check is tried once rather than for the
     * smoke trigger's patience, and the error rate's return to baseline is not watched (the record says so). During
     * a rollback's recovery watch (a release's, or a standalone {@link #rollback}'s), a call ends the watch at once,
     * unverified; traffic stays where the rollback put it. The outcome is journaled and recorded, the deployment
     * status set, the lock released.
     *
     * @param reason why, for the evidence and the incident note
     * @return false when no release of this pipeline is in flight (use {@link #rollback} instead)
     */
    boolean requestRollback(String reason);

    /**
     * Finishes a release whose process died, from its journal in the evidence store: a release that had not
     * merged runs again from the gates; one that had merged goes on from where it stopped, never repeating the
     * merge or a traffic shift that happened (each step first looks at what is in place), observing the current
     * step again in full; a rollback that had started is finished. A finished release returns its record.
     *
     * @param releaseId the release to finish
     * @return how the release ended, with its record
     * @throws UnknownTargetException if the release has no journal (it lists the releases that can be resumed);
     *     nothing was changed
     * @throws ReleaseInProgressException if another release holds the app's lock, or another process that is
     *     still alive runs this release (only a stale lock, whose holder's process is gone, is taken over)
     */
    ReleaseResult resume(String releaseId);

    /**
     * {@link #resume(String)} with an explicit lock takeover rule: {@link LockTakeover#IF_STALE} (what
     * {@code resume(releaseId)} does) takes the lock over only from a holder whose process is gone;
     * {@link LockTakeover#FORCE} also breaks a live holder's lock of this release.
     *
     * @param releaseId the release to finish
     * @param takeover when the lock may be taken over
     * @return how the release ended, with its record
     * @throws ReleaseInProgressException if a live holder has the lock (and {@code takeover} is not FORCE), or
     *     another release holds it, live or stale; nothing was changed
     */
    ReleaseResult resume(String releaseId, LockTakeover takeover);

    /**
     * Who holds the app's release lock, if anyone.
     *
     * @return who holds the app's release lock, if anyone
     */
    java.util.Optional<io.releasepipeline.evidence.ReleaseLock> currentLock();

    /**
     * Breaks the app's release lock if {@code releaseId} holds it, whatever process holds it: for a lock left by a
     * dead process, as an explicit decision. Resuming the release is usually better; it takes the lock itself.
     *
     * @param releaseId the release whose lock to break
     * @return true if a lock was broken
     */
    boolean breakLock(String releaseId);

    /**
     * What this pipeline was built with.
     *
     * @return what this pipeline was built with
     */
    ReleaseConfig config();
}
