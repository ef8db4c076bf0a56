package io.releasepipeline.trigger;

/**
 * What a step does when, at the end of its observation, the error-rate signal (error-rate trigger or canary
 * analysis) could not be read: the last read failed (permission refused, server errors after retries, throttled).
 * A failed read is never "no traffic" and never healthy. Set with {@link Triggers.Builder#onReadError}. For a
 * rollback's recovery watch ({@link RecoveryPolicy}): HOLD_THEN_ROLLBACK and ROLLBACK call a watch whose reads kept
 * failing until the timeout not recovered; PROMOTE_WITH_NOTE ends it unverified at the first failed read.
 */
public enum ReadErrorPolicy {
    /**
     * The default. Keep observing, up to the error-rate trigger's hold limit, for a read that succeeds; if none
     * does, roll back, and say in the record that the error rate could not be read.
     */
    HOLD_THEN_ROLLBACK,
    /** Roll back at the end of the step: a release whose error rate cannot be read is not promoted. */
    ROLLBACK,
    /**
     * Go on without the error rate; the result's notes, the evidence and a warning say that it could not be read.
     * For signals known to be optional; never the default.
     */
    PROMOTE_WITH_NOTE
}
