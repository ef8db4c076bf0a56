package io.releasepipeline.evidence;

import io.releasepipeline.health.SmokeResult;
import io.releasepipeline.trigger.TriggerVerdict;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a rollback did.
 *
 * @param reason why it was started, in words
 * @param trigger the trigger verdict that started it, when a trigger did
 * @param fromRevision the revision that was serving (the failed one), when known
 * @param toRevision the revision traffic went back to
 * @param startedAt when it started
 * @param finishedAt when it finished
 * @param succeeded whether traffic is on {@code toRevision} and its smoke check passed
 * @param smoke the smoke check of {@code toRevision} after the shift, when one ran
 * @param migrationWarning set when the release carried a database migration that must be rolled back by hand
 * @param detail what went wrong, when it failed
 * @param recovery whether the error rate of {@code toRevision} returned to baseline afterwards (the runbook's
 *     "error rate returns to baseline"), when the rollback succeeded; empty in records written before it was watched
 * @param hookFailure set when a hook that runs on rollback failed, could not run, or (a migration rollback) was not
 *     run because traffic was not all back: which, and why. Page someone: what it was meant to undo may be in place
 */
public record RollbackDetails(String reason, Optional<TriggerVerdict> trigger, Optional<String> fromRevision,
        String toRevision, Instant startedAt, Instant finishedAt, boolean succeeded, Optional<SmokeResult> smoke,
        Optional<String> migrationWarning, Optional<String> detail, Optional<Recovery> recovery,
        Optional<String> hookFailure) {

    /**
     * Validates.
     *
     * @param reason why it was started, in words
     * @param trigger the trigger verdict that started it, when a trigger did
     * @param fromRevision the revision that was serving (the failed one), when known
     * @param toRevision the revision traffic went back to
     * @param startedAt when it started
     * @param finishedAt when it finished
     * @param succeeded whether traffic is on {@code toRevision} and its smoke check passed
     * @param smoke the smoke check of {@code toRevision} after the shift, when one ran
     * @param migrationWarning set when the release carried a database migration that must be rolled back by hand
     * @param detail what went wrong, when it failed
     * @param recovery whether the error rate of {@code toRevision} returned to baseline afterwards (the runbook's
     *     "error rate returns to baseline"), when the rollback succeeded; empty in records written before it was
     *     watched
     * @param hookFailure set when a hook that runs on rollback failed, could not run, or (a migration rollback) was
     *     not run because traffic was not all back: which, and why. Page someone: what it was meant to undo may be in
     *     place
     */
    public RollbackDetails {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(toRevision, "toRevision");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        trigger = trigger == null ? Optional.empty() : trigger;
        fromRevision = fromRevision == null ? Optional.empty() : fromRevision;
        smoke = smoke == null ? Optional.empty() : smoke;
        migrationWarning = migrationWarning == null ? Optional.empty() : migrationWarning;
        detail = detail == null ? Optional.empty() : detail;
        recovery = recovery == null ? Optional.empty() : recovery;
        hookFailure = hookFailure == null ? Optional.empty() : hookFailure;
    }

    /**
     * What a rollback did, with no hook failure recorded.
     *
     * @param reason why it was started, in words
     * @param trigger the trigger verdict that started it, when a trigger did
     * @param fromRevision the revision that was serving (the failed one), when known
     * @param toRevision the revision traffic went back to
     * @param startedAt when it started
     * @param finishedAt when it finished
     * @param succeeded whether traffic is on {@code toRevision} and its smoke check passed
     * @param smoke the smoke check of {@code toRevision} after the shift, when one ran
     * @param migrationWarning set when the release carried a database migration that must be rolled back by hand
     * @param detail what went wrong, when it failed
     * @param recovery whether the error rate of {@code toRevision} returned to baseline afterwards (the runbook's
     *     "error rate returns to baseline"), when the rollback succeeded; empty in records written before it was
     *     watched
     */
    public RollbackDetails(String reason, Optional<TriggerVerdict> trigger, Optional<String> fromRevision,
            String toRevision, Instant startedAt, Instant finishedAt, boolean succeeded, Optional<SmokeResult> smoke,
            Optional<String> migrationWarning, Optional<String> detail, Optional<Recovery> recovery) {
        this(reason, trigger, fromRevision, toRevision, startedAt, finishedAt, succeeded, smoke, migrationWarning,
                detail, recovery, Optional.empty());
    }

    /**
     * What a rollback did, with no recovery watch recorded.
     *
     * @param reason why it was started, in words
     * @param trigger the trigger verdict that started it, when a trigger did
     * @param fromRevision the revision that was serving (the failed one), when known
     * @param toRevision the revision traffic went back to
     * @param startedAt when it started
     * @param finishedAt when it finished
     * @param succeeded whether traffic is on {@code toRevision} and its smoke check passed
     * @param smoke the smoke check of {@code toRevision} after the shift, when one ran
     * @param migrationWarning set when the release carried a database migration that must be rolled back by hand
     * @param detail what went wrong, when it failed
     */
    public RollbackDetails(String reason, Optional<TriggerVerdict> trigger, Optional<String> fromRevision,
            String toRevision, Instant startedAt, Instant finishedAt, boolean succeeded, Optional<SmokeResult> smoke,
            Optional<String> migrationWarning, Optional<String> detail) {
        this(reason, trigger, fromRevision, toRevision, startedAt, finishedAt, succeeded, smoke, migrationWarning,
                detail, Optional.empty(), Optional.empty());
    }

    /**
     * The recovery watch when it ended {@link Recovery.Status#NOT_RECOVERED} (page someone): named next to a failed
     * rollback hook too, whose outcome ({@code ROLLED_BACK_HOOK_FAILED}) takes precedence. Empty otherwise.
     *
     * @return the recovery watch when it ended {@link Recovery.Status#NOT_RECOVERED} (page someone): named next to a
     *     failed rollback hook too, whose outcome ({@code ROLLED_BACK_HOOK_FAILED}) takes precedence
     */
    public Optional<Recovery> notRecovered() {
        return recovery.filter(Recovery::pagesSomeone);
    }

    /**
     * A copy with {@code recovery} recorded.
     *
     * @param recovery whether the error rate of {@code toRevision} returned to baseline afterwards (the runbook's
     *     "error rate returns to baseline"), when the rollback succeeded; empty in records written before it was
     *     watched
     * @return a copy with {@code recovery} recorded
     */
    public RollbackDetails withRecovery(Recovery recovery) {
        return new RollbackDetails(reason, trigger, fromRevision, toRevision, startedAt, finishedAt, succeeded, smoke,
                migrationWarning, detail, Optional.of(recovery), hookFailure);
    }
}
