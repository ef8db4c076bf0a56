package io.releasepipeline.trigger;

import java.time.Instant;

/**
 * A condition that, when it fires during observation, makes the engine roll back. Built-in triggers come from
 * {@link Triggers}; custom ones implement this. Must be thread-safe and fast (called at every observation tick).
 */
public interface RollbackTrigger {

    /** The trigger's name in verdicts and evidence. */
    String name();

    /** Judges what has been observed so far. Never null. */
    TriggerVerdict evaluate(Observations observations, Instant now);
}
