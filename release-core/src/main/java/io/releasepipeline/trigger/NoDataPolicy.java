package io.releasepipeline.trigger;

/**
 * What the error-rate trigger does when there is too little traffic to judge (fewer requests than its minimum,
 * or no metric at all) when a step's observation ends. It also decides what too little traffic means for a rollback's
 * recovery watch ({@link RecoveryPolicy}): HOLD watches until the timeout then counts the rollback done but
 * unverified, FAIL calls it not recovered at the timeout, IGNORE ends the watch unverified at once.
 */
public enum NoDataPolicy {
    /**
     * The default. Keep observing, up to the trigger's hold limit, for enough traffic to judge; if it never comes,
     * the step completes and the result and evidence say the error rate was not verified.
     */
    HOLD,
    /** Roll back: a release that cannot be verified is not promoted. */
    FAIL,
    /** Treat it as OK at once; the evidence still records that there was no data. */
    IGNORE
}
