package io.releasepipeline;

import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.RollbackDetails;
import io.releasepipeline.spi.TrafficWeights;
import java.util.Objects;
import java.util.Optional;

/**
 * What a rollback did.
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
