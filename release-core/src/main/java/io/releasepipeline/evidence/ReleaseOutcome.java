package io.releasepipeline.evidence;

/** How a release (or a standalone rollback) ended. */
public enum ReleaseOutcome {
    /** Still running (journal records only). */
    IN_PROGRESS,
    /** The new revision serves 100% and passed observation. */
    PROMOTED,
    /** A gate did not pass; nothing was changed. */
    GATES_FAILED,
    /** Stopped before any traffic moved (merge refused, deploy run failed or never came); traffic untouched. */
    ABORTED,
    /** Traffic was moved back to the previous revision, which passed its smoke check. */
    ROLLED_BACK,
    /**
     * Traffic was moved back to the previous revision and its smoke check passed, but its error rate did not return
     * to the baseline measured before traffic moved, within the recovery timeout: the previous revision is failing
     * too, so the cause may not be the release. Page someone. Also the outcome when, by the error-rate trigger's
     * policies, its recovery could not be judged (no data policy FAIL, or a read that kept failing under
     * HOLD_THEN_ROLLBACK or ROLLBACK); {@link Recovery#detail()} says which.
     */
    ROLLED_BACK_NOT_RECOVERED,
    /**
     * Traffic was moved back to the previous revision, but a hook that runs on rollback (for example the one that
     * undoes a database migration) failed or timed out: what it was meant to undo may still be in place. Page
     * someone.
     */
    ROLLED_BACK_HOOK_FAILED,
    /** A rollback was needed and did not complete: page someone. */
    ROLLBACK_FAILED,
    /**
     * A roll-forward-only release went bad: traffic was frozen where it was, and the alarm raised. Roll forward with
     * a fix.
     */
    FROZEN,
    /**
     * Merged, and nothing to deploy: no file the pull request changes matches the deploy workflow's filter, so no deploy
     * run starts. No deployment record was created, no deploy run awaited, traffic untouched; the record says which
     * files and which filter.
     */
    NOTHING_TO_DEPLOY
}
