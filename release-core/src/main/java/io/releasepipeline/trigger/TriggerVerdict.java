package io.releasepipeline.trigger;

import java.time.Instant;
import java.util.Objects;

/**
 * One trigger's verdict at one moment, with a reason that quotes the numbers
 * ("5xx 7.9% over 5m of 1,204 requests; threshold 5%").
 *
 * @param trigger the trigger's name
 * @param state ok, firing or no data
 * @param reason why, with numbers
 * @param at when it was evaluated
 */
public record TriggerVerdict(String trigger, TriggerState state, String reason, Instant at) {

    /**
     * Validates.
     *
     * @param trigger the trigger's name
     * @param state ok, firing or no data
     * @param reason why, with numbers
     * @param at when it was evaluated
     */
    public TriggerVerdict {
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(at, "at");
    }

    /**
     * True when the trigger says roll back.
     *
     * @return true when the trigger says roll back
     */
    public boolean firing() {
        return state == TriggerState.FIRING;
    }

    @Override
    public String toString() {
        return trigger + " " + state + ": " + reason;
    }
}
