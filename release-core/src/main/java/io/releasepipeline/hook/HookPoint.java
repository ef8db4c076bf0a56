package io.releasepipeline.hook;

/** Where in a release a {@link ReleaseHook} runs. */
public enum HookPoint {
    /**
     * The gates passed and the merge is next. A hook that answers {@link HookResult.Status#FAILED} vetoes the release
     * like a failed gate (nothing is merged or changed); one that could not run ({@link HookResult.Status#ERROR})
     * stops it like a gate that could not be evaluated.
     */
    BEFORE_MERGE,
    /** The new revision serves 100% and passed observation. A failure is recorded; it never undoes the promotion. */
    AFTER_PROMOTION,
    /**
     * Traffic was moved back to the previous revision (or the move was tried). Runs even when the traffic rollback
     * failed; a hook that fails never stops the traffic rollback, it makes the outcome page-someone.
     */
    ON_ROLLBACK,
    /** A roll-forward-only release went bad and traffic was frozen where it was. */
    ON_FREEZE
}
