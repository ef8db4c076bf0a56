package io.releasepipeline;

import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.RollbackDetails;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.trigger.TriggerVerdict;
import io.releasepipeline.trigger.Triggers;
import java.util.Objects;
import java.util.Optional;

/**
 * What a rollback did: the details recorded in the evidence, and what was read back afterwards. A promotion's
 * rollback is {@link ReleaseResult#rollback()}; a standalone one is returned by {@code ReleasePipeline.rollback}.
 * Immutable.
 *
 * @param releaseId the release (or standalone rollback) id
 * @param details what happened, as recorded in the evidence
 * @param trafficAfter the split read back from the platform after the rollback, when it could be read
 * @param evidenceLocation where the evidence was written, when it was
 */
public record RollbackResult(String releaseId, RollbackDetails details, Optional<TrafficWeights> trafficAfter,
        Optional<String> evidenceLocation) {

    /**
     * Validates.
     *
     * @param releaseId the release (or standalone rollback) id
     * @param details what happened, as recorded in the evidence
     * @param trafficAfter the split read back from the platform after the rollback, when it could be read
     * @param evidenceLocation where the evidence was written, when it was
     */
    public RollbackResult {
        Objects.requireNonNull(releaseId, "releaseId");
        Objects.requireNonNull(details, "details");
        trafficAfter = trafficAfter == null ? Optional.empty() : trafficAfter;
        evidenceLocation = evidenceLocation == null ? Optional.empty() : evidenceLocation;
    }

    /**
     * The verdict of the trigger that started this rollback. Empty for a standalone rollback (its request's reason
     * is {@code details().reason()}) and for one a failure started rather than a trigger.
     *
     * @return the verdict, when a trigger started this rollback
     */
    public Optional<TriggerVerdict> rolledBackBy() {
        return details.trigger();
    }

    /**
     * The name of the trigger that started this rollback: one of {@link Triggers#BUILT_IN} or a custom trigger's
     * name. Empty as {@link #rolledBackBy()} is.
     *
     * @return the trigger's name, when a trigger started this rollback
     */
    public Optional<String> rollbackTrigger() {
        return rolledBackBy().map(TriggerVerdict::trigger);
    }

    /**
     * True when traffic is on the target revision and its smoke check passed.
     *
     * @return true when traffic is on the target revision and its smoke check passed
     */
    public boolean succeeded() {
        return details.succeeded();
    }

    /**
     * How the rollback ended: {@link ReleaseOutcome#ROLLBACK_FAILED} unless it {@link #succeeded()};
     * {@link ReleaseOutcome#ROLLED_BACK_HOOK_FAILED} when it did but a hook that runs on rollback failed
     * ({@link RollbackDetails#hookFailure()}: page someone, what it was meant to undo may still be in place);
     * {@link ReleaseOutcome#ROLLED_BACK_NOT_RECOVERED} when it did but the error rate of the revision traffic went
     * back to did not return to baseline within the recovery timeout (page someone: the previous revision is failing
     * too); {@link ReleaseOutcome#ROLLED_BACK} otherwise (recovered, or not watched/verified, as
     * {@link RollbackDetails#recovery()} says).
     *
     * @return how the rollback ended: {@link ReleaseOutcome#ROLLBACK_FAILED} unless it {@link #succeeded()}; {@link
     *     ReleaseOutcome#ROLLED_BACK_HOOK_FAILED} when it did but a hook that runs on rollback failed ({@link
     *     RollbackDetails#hookFailure()}: page someone, what it was meant to undo may still be in place); {@link
     *     ReleaseOutcome#ROLLED_BACK_NOT_RECOVERED} when it did but the error rate of the revision traffic went back
     *     to did not return to baseline within the recovery timeout (page someone: the previous revision is failing
     *     too); {@link ReleaseOutcome#ROLLED_BACK} otherwise (recovered, or not watched/verified, as {@link
     *     RollbackDetails#recovery()} says)
     */
    public ReleaseOutcome outcome() {
        if (!succeeded()) {
            return ReleaseOutcome.ROLLBACK_FAILED;
        }
        if (details.hookFailure().isPresent()) {
            return ReleaseOutcome.ROLLED_BACK_HOOK_FAILED;
        }
        return details.recovery().filter(r -> r.pagesSomeone()).isPresent() ? ReleaseOutcome.ROLLED_BACK_NOT_RECOVERED
                : ReleaseOutcome.ROLLED_BACK;
    }

    /**
     * Throws {@link RollbackFailedException} unless it succeeded; returns this otherwise.
     *
     * @return this {@code RollbackResult}, for chaining
     */
    public RollbackResult orThrow() {
        if (!succeeded()) {
            throw new RollbackFailedException(this);
        }
        return this;
    }
}
