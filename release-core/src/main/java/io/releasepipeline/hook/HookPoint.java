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
     * A rollback put traffic back on the previous revision (or tried to: these hooks run after the traffic rollback
     * whether it succeeded or not, and their context's reason says which). A hook that fails never stops the traffic
     * rollback, which comes first; it makes the outcome page-someone. Migration-rollback hooks
     * ({@link Hooks#migrationRollback()}) run here only when traffic is verifiably all on the previous revision:
     * undoing a schema while the new revision still serves would break it.
     */
    ON_ROLLBACK,
    /** A roll-forward-only release went bad and traffic was frozen where it was. */
    ON_FREEZE
}
