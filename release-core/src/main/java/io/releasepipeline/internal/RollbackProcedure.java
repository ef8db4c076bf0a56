package io.releasepipeline.internal;

import io.releasepipeline.error.ProviderException;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.Baseline;
import io.releasepipeline.evidence.JournalState;
import io.releasepipeline.evidence.Recovery;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.RollbackDetails;
import io.releasepipeline.evidence.TrafficChange;
import io.releasepipeline.format.SafeText;
import io.releasepipeline.health.SmokeResult;
import io.releasepipeline.health.SmokeTarget;
import io.releasepipeline.spi.AppTraffic;
import io.releasepipeline.spi.Revision;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.trigger.TriggerVerdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runbook's rollback: activate the previous revision if it is inactive, move all traffic to it, smoke check
 * it. Idempotent: every step first looks at what is already in place. Refused before any change when the platform
 * cannot move traffic in the app's revision mode. Never leaves traffic split when it can help it: a traffic call that
 * failed transiently or was not applied is read back and tried once more (a refusal is not). Not thread-safe.
 */
final class RollbackProcedure {

    private static final Logger log = LoggerFactory.getLogger(RollbackProcedure.class);

    /** Said loudly in the result, the evidence and the incident note. */
    static final String MIGRATION_WARNING = "This release carried a database migration. Rolling back traffic does "
            + "NOT roll back the schema: follow the migration rollback procedure separately.";

    /**
     * How long the smoke check of the revision rolled back to may keep failing after a cancel before the rollback is
     * called failed: none, one check. A cancelled CI job has about ten seconds (SIGINT, 7.5 s, SIGTERM, 2.5 s, kill)
     * and the revision rolled back to was serving moments ago.
     */
    static final Duration CANCEL_SMOKE_PATIENCE = Duration.ZERO;

    /**
     * What a rollback found and did, for the caller to record: the details, the traffic change it made (if any),
     * the smoke check it judged by, its notes, and the split afterwards (empty if it could not be read).
     */
    record Result(RollbackDetails details, List<TrafficChange> trafficChanges, Optional<SmokeResult> smoke,
            List<String> notes, Optional<TrafficWeights> trafficAfter) {

        Result {
            trafficChanges = List.copyOf(trafficChanges);
            notes = List.copyOf(notes);
        }

        /** Adds what the rollback found to {@code record}. */
        void recordInto(ReleaseRecord.Builder record) {
            trafficChanges.forEach(record::traffic);
            smoke.ifPresent(record::smoke);
            record.rollback(details);
            notes.forEach(record::note);
        }
    }

    private final ReleaseOps ops;
    private final Supplier<Optional<ReleaseRecord>> snapshot;
    private final List<TrafficChange> trafficChanges = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private TrafficWeights trafficAfter;
    /** When traffic was back on the target: moved there, or found there. */
    private Instant trafficBackAt;
    /**
     * What runs once the traffic rollback ended (succeeded or not) and before the recovery watch: the ON_ROLLBACK
     * hooks, since a migration they undo may be what the previous revision needs to recover.
     */
    @FunctionalInterface
    interface AfterTraffic {
        /**
         * Runs the step; {@code succeeded} says whether traffic is back and its smoke check passed.
         *
         * @return why the step pages someone (a hook failed), or empty
         */
        Optional<String> run(boolean succeeded, Optional<TrafficWeights> trafficAfter);
    }

    private AfterTraffic afterTraffic = (succeeded, after) -> Optional.empty();

    /** The baseline the recovery watch judges by when the record being rolled back has none. */
    private final Optional<Baseline> knownBaseline;

    /**
     * A rollback for one run; {@code snapshot} gives the record as it stands, journaled with ROLLING_BACK so that a
     * resumed release keeps it, and the baseline its recovery watch judges by.
     */
    RollbackProcedure(ReleaseOps ops, Supplier<Optional<ReleaseRecord>> snapshot) {
        this(ops, snapshot, Optional.empty());
    }

    /** A rollback whose recovery is judged against {@code baseline} (a standalone rollback's, from the history). */
    RollbackProcedure(ReleaseOps ops, Supplier<Optional<ReleaseRecord>> snapshot, Optional<Baseline> baseline) {
        this.ops = ops;
        this.snapshot = snapshot;
        this.knownBaseline = baseline;
    }

    /** Runs {@code step} once the traffic rollback ended, before the recovery watch. */
    RollbackProcedure afterTraffic(AfterTraffic step) {
        this.afterTraffic = step;
        return this;
    }

    /** The baseline of the record being rolled back, else the one given. */
    private Optional<Baseline> baseline() {
        return snapshot.get().flatMap(ReleaseRecord::baseline).or(() -> knownBaseline);
    }

    /**
     * Rolls back from {@code from} to {@code to}; never throws for a provider failure (that is a failed rollback).
     * What the release already knows of the target revision and the traffic (read or confirmed moments ago, see
     * {@link KnownPlatform}) is acted on without reading it again, so that with the target active the first request
     * is the traffic change itself; a target the release last saw inactive is activated first. {@code cancelled} (a
     * stop request or an interrupt) smoke checks the target once instead of for the smoke trigger's patience
     * ({@link #CANCEL_SMOKE_PATIENCE}), so that the rollback fits the grace a cancelled CI job gets. Runs with the
     * interrupt flag cleared ({@link ReleaseOps#safetyFirst()}); goes on when its own journal entry cannot be
     * written, and says so in its notes: putting traffic back comes first. Call once per instance.
     *
     * @return what it found and did, for the caller to record ({@link Result#recordInto})
     */
    Result run(String reason, Optional<TriggerVerdict> trigger, Optional<String> from, String to,
            boolean databaseMigration, boolean cancelled) {
        ops.safetyFirst();
        Instant started = ops.now();
        log.warn("release {}: rolling back to {}: {}", ops.releaseId, SafeText.line(to), SafeText.line(reason));
        try {
            ops.transition(new JournalState.RollingBack(to, reason), snapshot.get());
        } catch (ReleaseOps.JournalWriteFailed e) {
            String note = e.getMessage() + "; rolled back anyway (safety first)";
            notes.add(note);
            ops.warn(note);
        }
        ops.emit(new ReleaseEvent.RollbackStarted(ops.releaseId, started, reason, from.orElse("unknown"), to));
        Optional<SmokeResult> smoke = Optional.empty();
        String detail = null;
        boolean succeeded = false;
        try {
            Revision target = ops.revision(to, true).orElseThrow(() -> new RollbackStepFailed("revision " + to
                    + " no longer exists on the platform; roll forward or name another revision"));
            if (target.hasFailed()) {
                throw new RollbackStepFailed("revision " + to + " is in a failed state (provisioning "
                        + target.provisioning() + ", running " + target.running() + ")");
            }
            // Before any change: a platform that cannot move traffic in the app's mode would refuse the split after
            // the target was activated, leaving a half-done rollback and a note that contradicts the platform.
            Optional<Instant> knownAt = ops.trafficKnownAt().filter(at -> at.isBefore(ops.now()));
            AppTraffic traffic = ops.traffic(true);
            Optional<String> refused = io.releasepipeline.RollbackTargets.refusal(traffic,
                    ops.config.platform().canMoveTraffic(traffic.mode()), to);
            if (refused.isPresent()) {
                trafficAfter = traffic.weights();
                throw new RollbackStepFailed("refused before any change: " + refused.get());
            }
            boolean activated = !target.active();
            if (activated) {
                // Traffic moves right after the activation: the revision starts as a scaled-to-zero one does on its
                // first request, and the smoke check below waits for it to be ready before it judges.
                ops.activate(to, true);
                // Activation changes nothing in the split, so a split read before it still holds.
            }
            // The split it moves from is what the release last read or confirmed: said so when that was earlier
            // (a change by hand since is not seen; the change itself names absolute weights, so it is right anyway).
            moveAllTraffic(to, "rollback: " + reason + knownAt.map(at -> "; from the split as this release last "
                    + "confirmed it, at " + at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)).orElse(""),
                    traffic);
            smoke = Optional.of(smokeUntilPass(to, target.url(), cancelled ? CANCEL_SMOKE_PATIENCE
                    : ops.config.triggers().smokeFailingFor().orElse(Duration.ZERO),
                    activated ? Optional.of(traffic) : Optional.empty()));
            succeeded = smoke.get().passed();
            if (!succeeded) {
                detail = "traffic is on " + to + " but its smoke check fails: " + smoke.get().summary();
            }
        } catch (RollbackStepFailed e) {
            detail = e.getMessage();
        } catch (ProviderException e) {
            detail = e.getMessage();
        } catch (RuntimeException e) {
            log.error("release {}: rollback failed unexpectedly", ops.releaseId, SafeText.loggable(e));
            detail = "unexpected " + e;
        }
        Optional<String> hookFailure = afterTraffic.run(succeeded, readTraffic());
        Optional<Recovery> recovery = Optional.empty();
        if (succeeded) {
            // Runbook step 2, "error rate returns to baseline": one call, after everything that puts traffic back.
            recovery = Optional.of(new RecoveryWatch(ops).watch(to, trafficBackAt, baseline(), cancelled));
        }
        Instant finished = ops.now();
        RollbackDetails details = new RollbackDetails(reason, trigger, from, to, started, finished, succeeded, smoke,
                databaseMigration ? Optional.of(MIGRATION_WARNING) : Optional.empty(), Optional.ofNullable(detail),
                recovery, hookFailure);
        if (databaseMigration) {
            notes.add(MIGRATION_WARNING);
            log.error("release {}: {}", ops.releaseId, MIGRATION_WARNING);
        }
        ops.emit(new ReleaseEvent.RollbackFinished(ops.releaseId, finished, succeeded, to,
                succeeded ? "traffic on " + to + ", smoke check passed" + recovery.map(r -> "; " + r.detail())
                        .orElse("") : detail));
        return new Result(details, trafficChanges, smoke, notes, readTraffic());
    }

    /** The split after the rollback: as read back when traffic moved, else read now; empty if unreadable. */
    private Optional<TrafficWeights> readTraffic() {
        return trafficAfter != null ? Optional.of(trafficAfter) : ops.readTrafficQuietly();
    }

    /**
     * Moves all traffic to {@code to} from {@code before} (the split as the release knows it): one change, confirmed
     * by the platform's answer. A change that failed or did not apply is read back; a transient failure is tried
     * once more, and so is a refusal that a stale known state explains (the target deactivated by someone since,
     * activated now). Any other refusal would only be refused again.
     */
    private void moveAllTraffic(String to, String reason, AppTraffic before) {
        TrafficWeights target = TrafficWeights.all(to);
        if (before.weights().withoutZeros().equals(target)) {
            trafficAfter = before.weights();
            trafficBackAt = ops.now();
            return;
        }
        ProviderException firstFailure = null;
        for (int attempt = 1; attempt <= 2; attempt++) {
            boolean refused = false;
            AppTraffic after = null;
            try {
                after = ops.setTraffic(target, true);
                firstFailure = null;
            } catch (ProviderException e) {
                firstFailure = e;
                refused = !e.isTransient();
            }
            if (after == null) {
                // Failed, its outcome unknown: what is in place now is what counts.
                after = ops.readTraffic(true);
            }
            if (after.weights().withoutZeros().equals(target)) {
                trafficBackAt = recordChange(before.weights(), after.weights(), reason).at();
                return;
            }
            trafficAfter = after.weights();
            boolean explained = attempt == 1 && firstFailure != null && staleTargetReactivated(to, after);
            // A refusal (not a transient failure) would only be refused again: say so instead of "trying once more".
            boolean again = attempt == 1 && (!refused || explained);
            log.warn("release {}: traffic is {} after setting {}; {}", ops.releaseId,
                    SafeText.line(after.weights().toString()), SafeText.line(target.toString()),
                    explained ? "the target was inactive, activated it, trying once more"
                            : again ? "trying once more"
                            : refused ? "the platform refused it, giving up" : "giving up");
            if (!again) {
                break;
            }
        }
        throw new RollbackStepFailed("could not move traffic to " + to
                + (firstFailure != null ? ": " + firstFailure.getMessage() : ": the platform did not apply the split"));
    }

    /** Records and announces a traffic change this rollback made; the split after it is {@code to}. */
    private TrafficChange recordChange(TrafficWeights from, TrafficWeights to, String reason) {
        TrafficChange change = new TrafficChange(ops.now(), from, to, reason);
        trafficChanges.add(change);
        trafficAfter = to;
        ops.emit(new ReleaseEvent.TrafficShifted(ops.releaseId, change.at(), from, to, reason));
        return change;
    }

    /**
     * After a failed change: reads the target revision again and activates it if someone deactivated it since the
     * release last saw it, which explains the failure. False when the fresh read explains nothing, or the app's
     * mode (read back in {@code now}) refuses the move.
     */
    private boolean staleTargetReactivated(String to, AppTraffic now) {
        if (io.releasepipeline.RollbackTargets.refusal(now, ops.config.platform().canMoveTraffic(now.mode()), to)
                .isPresent()) {
            return false;
        }
        try {
            Optional<Revision> fresh = ops.readRevision(to, true);
            if (fresh.isEmpty() || fresh.get().active()) {
                return false;
            }
            ops.activate(to, true);
            return true;
        } catch (ProviderException e) {
            log.warn("release {}: could not check whether {} is still active: {}", ops.releaseId, SafeText.line(to),
                    SafeText.line(e.getMessage()));
            return false;
        }
    }

    private Revision awaitReady(String revision) {
        Instant deadline = ops.now().plus(ops.config.revisionReadyTimeout());
        while (true) {
            Revision r = ops.readRevision(revision, true)
                    .orElseThrow(() -> new RollbackStepFailed("revision " + revision + " disappeared"));
            if (r.isReady()) {
                return r;
            }
            if (r.hasFailed() || !ops.now().isBefore(deadline)) {
                throw new RollbackStepFailed("revision " + revision + " did not become ready after activation "
                        + "(provisioning " + r.provisioning() + ", running " + r.running() + ", health " + r.health()
                        + ")");
            }
            ops.clock().sleep(ops.config.revisionPollInterval());
        }
    }

    /**
     * Smoke checks {@code revision} until it passes or has failed for the smoke trigger's threshold. A revision this
     * rollback activated ({@code movedFrom} present: the split before the move) may still be starting: when its
     * first check fails, the revision is polled until ready (up to the revision-ready timeout) and the threshold
     * counts from then; if it never gets ready, traffic goes back to {@code movedFrom}, which was serving, rather
     * than stay on a revision that cannot serve.
     */
    private SmokeResult smokeUntilPass(String revision, Optional<String> url, Duration patience,
            Optional<AppTraffic> movedFrom) {
        Instant deadline = ops.now().plus(patience);
        SmokeTarget target = new SmokeTarget(revision, url);
        boolean awaitedReady = movedFrom.isEmpty();
        while (true) {
            SmokeResult result = Probes.smoke(ops, target);
            ops.emit(new ReleaseEvent.SmokeChecked(ops.releaseId, result.at(), result));
            if (result.passed()) {
                return result;
            }
            if (!awaitedReady) {
                awaitedReady = true;
                Revision ready;
                try {
                    ready = awaitReady(revision);
                } catch (RollbackStepFailed | ProviderException e) {
                    throw new RollbackStepFailed(e.getMessage() + moveBack(revision, movedFrom.get()));
                }
                target = new SmokeTarget(revision, ready.url().or(() -> url));
                deadline = ops.now().plus(patience);
                continue;
            }
            if (!ops.now().isBefore(deadline)) {
                return result;
            }
            ops.clock().sleep(ops.config.triggers().smokeInterval());
        }
    }

    /**
     * Puts traffic back on {@code before} after the revision rolled back to turned out unable to serve; says what
     * happened, for the failure's message.
     */
    private String moveBack(String revision, AppTraffic before) {
        String reason = "rollback undone: " + revision + " did not become ready after activation";
        try {
            AppTraffic after = ops.setTraffic(before.weights(), true);
            recordChange(TrafficWeights.all(revision), after.weights(), reason);
            return after.weights().withoutZeros().equals(before.weights().withoutZeros())
                    ? "; traffic was put back on " + before.weights() + ", which served before the rollback, rather "
                            + "than left on a revision that cannot serve"
                    : "; putting traffic back on " + before.weights() + " did not apply: traffic is " + after.weights();
        } catch (ProviderException e) {
            trafficAfter = null;
            return "; putting traffic back on " + before.weights() + " failed (" + e.getMessage() + "): traffic is on "
                    + revision + ", which cannot serve";
        }
    }

    /** A rollback step that cannot go on, with a message for the person on call. */
    static final class RollbackStepFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RollbackStepFailed(String message) {
            super(message);
        }
    }
}
