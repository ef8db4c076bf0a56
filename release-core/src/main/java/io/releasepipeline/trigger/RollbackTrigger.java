package io.releasepipeline.trigger;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * A condition that, when it fires during observation, makes the engine roll back. Built-in triggers come from
 * {@link Triggers}; custom ones implement this. Must be thread-safe and fast (called at every observation tick).
 */
public interface RollbackTrigger {

    /**
     * The trigger's name in verdicts and evidence.
     *
     * @return the trigger's name in verdicts and evidence
     */
    String name();

    /**
     * Judges what has been observed so far. Never null.
     *
     * @param observations what has been observed since the step started
     * @param now the release clock's time
     * @return the verdict: fire, hold or pass, with why
     */
    TriggerVerdict evaluate(Observations observations, Instant now);

    /**
     * The signals this trigger judges: it is evaluated after each new sample of one of them (and once more when a
     * step ends). Default: every signal, so a custom trigger is evaluated after every sample.
     *
     * @return the signals this trigger judges: it is evaluated after each new sample of one of them (and once more
     *     when a step ends)
     */
    default Set<Signal> signals() {
        return EnumSet.allOf(Signal.class);
    }
}
