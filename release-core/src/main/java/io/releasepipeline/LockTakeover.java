package io.releasepipeline;

/**
 * What {@link ReleasePipeline#resume(String, LockTakeover)} may do with the app's release lock when another process
 * holds it for the release being resumed.
 */
public enum LockTakeover {

    /**
     * The default: take the lock only if it is free or its holder is stale (its process is gone: missed heartbeats,
     * an expired lease). A live holder refuses with {@link ReleaseInProgressException}; nothing is changed.
     */
    IF_STALE,

    /**
     * Break a live holder's lock of the same release and take it (logged at ERROR). For a holder you know is dead
     * but whose lock has not yet expired. If it was in fact alive, it stops at its next journal write
     * ({@link LockLostException}). Never breaks the lock of another release.
     */
    FORCE
}
