package io.releasepipeline;

import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a promotion ended, with its full record.
 *
 * @param releaseId the release's id
 * @param outcome how it ended
 * @param record the evidence record (also written to the evidence store)
 * @param rollback the rollback, when there was one
 * @param evidenceLocation where the evidence was written, when it was
 */
public record ReleaseResult(String releaseId, ReleaseOutcome outcome, ReleaseRecord record,
        Optional<RollbackResult> rollback, Optional<String> evidenceLocation) {

    /**
     * Validates.
     *
     * @param releaseId the release's id
     * @param outcome how it ended
     * @param record the evidence record (also written to the evidence store)
     * @param rollback the rollback, when there was one
     * @param evidenceLocation where the evidence was written, when it was
     */
    public ReleaseResult {
        Objects.requireNonNull(releaseId, "releaseId");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(record, "record");
        rollback = rollback == null ? Optional.empty() : rollback;
        evidenceLocation = evidenceLocation == null ? Optional.empty() : evidenceLocation;
    }

    /**
     * Every gate verdict.
     *
     * @return every gate verdict
     */
    public List<GateResult> gates() {
        return record.gates();
    }

    /**
     * The gates that did not pass.
     *
     * @return the gates that did not pass
     */
    public List<GateResult> failedGates() {
        return record.gates().stream().filter(g -> !g.passed()).toList();
    }

    /**
     * True when the new revision was promoted.
     *
     * @return true when the new revision was promoted
     */
    public boolean promoted() {
        return outcome == ReleaseOutcome.PROMOTED;
    }

    /**
     * Returns this result if the release was promoted, or merged with nothing to deploy
     * ({@link ReleaseOutcome#NOTHING_TO_DEPLOY}); otherwise throws the matching exception:
     * {@link GatesFailedException}, {@link RollbackFailedException}, or {@link ReleaseFailedException}.
     *
     * @return this {@code ReleaseResult}, for chaining
     */
    public ReleaseResult orThrow() {
        switch (outcome) {
            case PROMOTED:
            case NOTHING_TO_DEPLOY:
                return this;
            case GATES_FAILED:
                throw new GatesFailedException(releaseId, failedGates());
            case ROLLBACK_FAILED:
                throw new RollbackFailedException(rollback.orElseThrow());
            default:
                throw new ReleaseFailedException(this);
        }
    }
}
