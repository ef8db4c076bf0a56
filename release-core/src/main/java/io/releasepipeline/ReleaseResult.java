package io.releasepipeline;

import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.trigger.TriggerVerdict;
import io.releasepipeline.trigger.Triggers;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a promotion ended, with its full record. Immutable.
 *
 * <p>What rolled a release back is one call away: {@link #rollbackTrigger()} names the trigger
 * ({@link Triggers#HEALTH_ENDPOINT}, {@link Triggers#MANUAL}, a custom trigger's name...), {@link #rolledBackBy()}
 * gives its verdict with the reason and the numbers. The rollback itself is {@link #rollback()}; the record holds the
 * very same details as written to the evidence ({@code rollback().get().details()} is
 * {@code record().rollback().get()}).
 *
 * <pre>{@code
 * if (result.rollbackTrigger().filter(Triggers.ERROR_RATE::equals).isPresent()) { ... }
 * }</pre>
 *
 * @param releaseId the release's id
 * @param outcome how it ended
 * @param record the evidence record (also written to the evidence store)
 * @param rollback the rollback, when there was one: present exactly when {@code record().rollback()} is (made from
 *     the record's details when not given, as for a finished release resumed), with the same details plus the
 *     split read back after it
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
        evidenceLocation = evidenceLocation == null ? Optional.empty() : evidenceLocation;
        if (rollback == null || rollback.isEmpty()) {
            Optional<String> location = evidenceLocation;
            rollback = record.rollback().map(d -> new RollbackResult(releaseId, d, Optional.empty(), location));
        }
    }

    /**
     * The verdict of the trigger that started the rollback: which trigger, why (with the numbers), and when. Empty
     * when nothing rolled back, or when something other than a trigger did: a traffic shift that did not apply, an
     * approval rejected or timed out, a stop while the release waited (for an approval, before observing);
     * {@code rollback().get().details().reason()} says which. A smoke check that fails is the
     * {@link Triggers#SMOKE_CHECK} trigger's verdict, so it is named here.
     *
     * @return the verdict, when a trigger rolled this release back
     */
    public Optional<TriggerVerdict> rolledBackBy() {
        return rollback.flatMap(RollbackResult::rolledBackBy);
    }

    /**
     * The name of the trigger that started the rollback: one of {@link Triggers#BUILT_IN} or a custom trigger's
     * name. Empty as {@link #rolledBackBy()} is.
     *
     * @return the trigger's name, when a trigger rolled this release back
     */
    public Optional<String> rollbackTrigger() {
        return rolledBackBy().map(TriggerVerdict::trigger);
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
