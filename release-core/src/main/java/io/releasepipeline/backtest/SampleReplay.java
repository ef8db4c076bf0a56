package io.releasepipeline.backtest;

import io.releasepipeline.trigger.TriggerVerdict;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What replaying one record's samples through a policy found, step by step, before any comparison with what really
 * happened ({@link Backtest} compares). Immutable.
 *
 * @param ending how it ended
 * @param fired the verdict that fired, for {@link Ending#FIRED}
 * @param step the index of the step it ended in
 * @param weight that step's traffic weight
 * @param verdicts every verdict the engine would have put into the evidence, in order
 * @param detail why, in words, for the endings other than {@link Ending#PASSED} and {@link Ending#FIRED}
 * @param caveats what the reader should know about how faithful the replay is
 */
public record SampleReplay(Ending ending, Optional<TriggerVerdict> fired, int step, int weight,
        List<TriggerVerdict> verdicts, String detail, List<String> caveats) {

    /** How a replay of one release's samples ended. */
    public enum Ending {
        /** Every step passed. */
        PASSED,
        /** A trigger fired. */
        FIRED,
        /** The samples ran out where the live release stopped observing (its rollback) before anything fired. */
        RAN_OUT,
        /** The policy would have held a step for data past what was recorded. */
        INCONCLUSIVE,
        /** The policy needs samples the record does not have. */
        NOT_REPLAYABLE
    }

    /**
     * Validates and copies.
     *
     * @param ending how it ended
     * @param fired the verdict that fired, for {@link Ending#FIRED}
     * @param step the index of the step it ended in
     * @param weight that step's traffic weight
     * @param verdicts every verdict the engine would have put into the evidence, in order
     * @param detail why, in words, for the endings other than {@link Ending#PASSED} and {@link Ending#FIRED}
     * @param caveats what the reader should know about how faithful the replay is
     */
    public SampleReplay {
        Objects.requireNonNull(ending, "ending");
        fired = fired == null ? Optional.empty() : fired;
        verdicts = verdicts == null ? List.of() : List.copyOf(verdicts);
        detail = detail == null ? "" : detail;
        caveats = caveats == null ? List.of() : List.copyOf(caveats);
    }
}
