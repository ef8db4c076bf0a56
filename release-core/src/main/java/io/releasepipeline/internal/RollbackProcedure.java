package io.releasepipeline.internal;

import io.releasepipeline.error.ProviderException;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.RollbackDetails;
import io.releasepipeline.evidence.TrafficChange;
import io.releasepipeline.health.SmokeResult;
import io.releasepipeline.health.SmokeTarget;
import io.releasepipeline.spi.AppTraffic;
import io.releasepipeline.spi.Revision;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.trigger.TriggerVerdict;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
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

    private final ReleaseOps ops;
    private final ReleaseRecord.Builder record;
    private TrafficWeights trafficAfter;

    RollbackProcedure(ReleaseOps ops, ReleaseRecord.Builder record) {
        this.ops = ops;
        this.record = record;
    }

    /** Rolls back to {@code to}; never throws for a provider failure (that is a failed rollback). */
    RollbackDetails run(String reason, Optional<TriggerVerdict> trigger, Optional<String> from, String to,
            boolean databaseMigration) {
        return run(reason, trigger, from, to, databaseMigration, Optional.empty(), Optional.empty());
    }

    /**
     * As {@link #run(String, Optional, Optional, String, boolean)}, with what the caller read of the target
     * revision and the traffic moments ago, so that the rollback does not read them again.
     */
    RollbackDetails run(String reason, Optional<TriggerVerdict> trigger, Optional<String> from, String to,
            boolean databaseMigration, Optional<Revision> knownTarget, Optional<AppTraffic> knownTraffic) {
        Instant started = ops.now();
        log.warn("release {}: rolling back to {}: {}", ops.releaseId, to, reason);
        ops.emit(new ReleaseEvent.RollbackStarted(ops.releaseId, started, reason, from.orElse("unknown"), to));
        ops.journal("ROLLING_BACK", Map.of("to", to, "reason", reason));
        Optional<SmokeResult> smoke = Optional.empty();
        String detail = null;
        boolean succeeded = false;
        try {
            Revision target = knownTarget.isPresent() ? knownTarget.get()
                    : ops.platformMustTry("revision(" + to + ")", p -> p.revision(to))
                            .orElseThrow(() -> new RollbackStepFailed("revision " + to + " no longer exists on the "
                                    + "platform; roll forward or name another revision"));
            if (target.hasFailed()) {
                throw new RollbackStepFailed("revision " + to + " is in a failed state (provisioning "
                        + target.provisioning() + ", running " + target.running() + ")");
            }
            // Before any change: a platform that cannot move traffic in the app's mode would refuse the split after
            // the target was activated, leaving a half-done rollback and a note that contradicts the platform.
            AppTraffic traffic = knownTraffic.isPresent() ? knownTraffic.get()
                    : ops.platformMustTry("traffic()", p -> p.traffic());
            Optional<String> refused = io.releasepipeline.RollbackTargets.refusal(traffic,
                    ops.config.platform().canMoveTraffic(traffic.mode()), to);
            if (refused.isPresent()) {
                trafficAfter = traffic.weights();
                throw new RollbackStepFailed("refused before any change: " + refused.get());
            }
            if (!target.active()) {
                ops.platformMustTry("activate(" + to + ")", p -> {
                    p.activate(to);
                    return null;
                });
                target = awaitReady(to);
                // Activation changes nothing in the split, so a split read before it still holds.
            }
            moveAllTraffic(to, "rollback: " + reason, Optional.of(traffic));
            smoke = Optional.of(smokeUntilPass(to, target.url()));
            succeeded = smoke.get().passed();
            if (!succeeded) {
                detail = "traffic is on " + to + " but its smoke check fails: " + smoke.get().summary();
            }
        } catch (RollbackStepFailed e) {
            detail = e.getMessage();
        } catch (ProviderException e) {
            detail = e.getMessage();
        } catch (RuntimeException e) {
            log.error("release {}: rollback failed unexpectedly", ops.releaseId, e);
            detail = "unexpected " + e;
        }
        Instant finished = ops.now();
        RollbackDetails details = new RollbackDetails(reason, trigger, from, to, started, finished, succeeded, smoke,
                databaseMigration ? Optional.of(MIGRATION_WARNING) : Optional.empty(), Optional.ofNullable(detail));
        record.rollback(details);
        if (databaseMigration) {
            record.note(MIGRATION_WARNING);
            log.error("release {}: {}", ops.releaseId, MIGRATION_WARNING);
        }
        ops.emit(new ReleaseEvent.RollbackFinished(ops.releaseId, finished, succeeded, to,
                succeeded ? "traffic on " + to + ", smoke check passed" : detail));
        return details;
    }

    /** The split after the rollback: as read back when traffic moved, else read now; empty if unreadable. */
    Optional<TrafficWeights> readTraffic() {
        return trafficAfter != null ? Optional.of(trafficAfter) : ops.readTrafficQuietly();
    }

    private void moveAllTraffic(String to, String reason, Optional<AppTraffic> known) {
        TrafficWeights target = TrafficWeights.all(to);
        AppTraffic before = known.isPresent() ? known.get() : ops.platformMustTry("traffic()", p -> p.traffic());
        if (before.weights().withoutZeros().equals(target)) {
            trafficAfter = before.weights();
            return;
        }
        ProviderException firstFailure = null;
        for (int attempt = 1; attempt <= 2; attempt++) {
            boolean refused = false;
            try {
                ops.platformMustTry("setTraffic(" + target + ")", p -> {
                    p.setTraffic(target);
                    return null;
                });
                firstFailure = null;
            } catch (ProviderException e) {
                firstFailure = e;
                refused = !e.isTransient();
            }
            AppTraffic after = ops.platformMustTry("traffic()", p -> p.traffic());
            if (after.weights().withoutZeros().equals(target)) {
                trafficAfter = after.weights();
                TrafficChange change = new TrafficChange(ops.now(), before.weights(), after.weights(), reason);
                record.traffic(change);
                ops.emit(new ReleaseEvent.TrafficShifted(ops.releaseId, change.at(), before.weights(),
                        after.weights(), reason));
                return;
            }
            // A refusal (not a transient failure) would only be refused again: say so instead of "trying once more".
            boolean again = attempt == 1 && !refused;
            log.warn("release {}: traffic is {} after setting {}; {}", ops.releaseId, after.weights(), target,
                    again ? "trying once more" : refused ? "the platform refused it, giving up" : "giving up");
            trafficAfter = after.weights();
            if (!again) {
                break;
            }
        }
        throw new RollbackStepFailed("could not move traffic to " + to
                + (firstFailure != null ? ": " + firstFailure.getMessage() : ": the platform did not apply the split"));
    }

    private Revision awaitReady(String revision) {
        Instant deadline = ops.now().plus(ops.config.revisionReadyTimeout());
        while (true) {
            Revision r = ops.platformMustTry("revision(" + revision + ")", p -> p.revision(revision))
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

    /** Smoke checks {@code revision} until it passes or has failed for the smoke trigger's threshold. */
    private SmokeResult smokeUntilPass(String revision, Optional<String> url) {
        Duration patience = ops.config.triggers().smokeFailingFor().orElse(Duration.ZERO);
        Instant deadline = ops.now().plus(patience);
        SmokeTarget target = new SmokeTarget(revision, url);
        while (true) {
            SmokeResult result = Probes.smoke(ops, target);
            ops.emit(new ReleaseEvent.SmokeChecked(ops.releaseId, result.at(), result));
            if (result.passed() || !ops.now().isBefore(deadline)) {
                record.smoke(result);
                return result;
            }
            ops.clock().sleep(ops.config.triggers().smokeInterval());
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
