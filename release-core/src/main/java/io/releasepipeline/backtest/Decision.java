package io.releasepipeline.backtest;

import io.releasepipeline.trigger.TriggerVerdict;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a policy decided about one release: what the live policy really did, or what a candidate would have done.
 *
 * @param kind the decision
 * @param at when it was taken, for a rollback
 * @param verdict the verdict that decided it, for a rollback
 * @param weight the traffic step it was taken at (percent to the new revision), 0 when none
 * @param detail why, in words
 */
public record Decision(Kind kind, Optional<Instant> at, Optional<TriggerVerdict> verdict, int weight, String detail) {

    /** The kinds of decision. */
    public enum Kind {
        /** Every step passed and the release promoted. */
        PROMOTED,
        /** A trigger fired: rolled back. */
        ROLLED_BACK,
        /** Live only: someone asked for a rollback (a known-bad release). */
        MANUAL_ROLLBACK,
        /**
         * Candidate only: nothing fired through the recorded samples, which end where the live release rolled back
         * (or stopped otherwise): the candidate would have gone on.
         */
        CONTINUED,
        /** Live only: the release ended for a reason no rollback policy decides (gates, deploy, a failed shift). */
        OTHER,
        /** Candidate only: it would have held a step for data past what was recorded. */
        INCONCLUSIVE,
        /** The record cannot answer: no samples (an older record), or the candidate needs what was not sampled. */
        NOT_REPLAYABLE
    }

    /**
     * Validates.
     *
     * @param kind the decision
     * @param at when it was taken, for a rollback
     * @param verdict the verdict that decided it, for a rollback
     * @param weight the traffic step it was taken at (percent to the new revision), 0 when none
     * @param detail why, in words
     */
    public Decision {
        Objects.requireNonNull(kind, "kind");
        at = at == null ? Optional.empty() : at;
        verdict = verdict == null ? Optional.empty() : verdict;
        detail = detail == null ? "" : detail;
    }

    /**
     * True for a rollback a policy took by itself (a trigger), not by hand.
     *
     * @return true for a rollback a policy took by itself (a trigger), not by hand
     */
    public boolean rolledBack() {
        return kind == Kind.ROLLED_BACK;
    }

    /**
     * The trigger that decided it, for a rollback.
     *
     * @return the trigger that decided it, for a rollback
     */
    public Optional<String> trigger() {
        return verdict.map(TriggerVerdict::trigger);
    }

    static Decision of(Kind kind, String detail) {
        return new Decision(kind, Optional.empty(), Optional.empty(), 0, detail);
    }

    static Decision rollback(Kind kind, TriggerVerdict verdict, int weight) {
        return new Decision(kind, Optional.of(verdict.at()), Optional.of(verdict), weight, verdict.reason());
    }
}
