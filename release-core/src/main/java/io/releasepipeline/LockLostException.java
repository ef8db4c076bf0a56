package io.releasepipeline;

import io.releasepipeline.error.ReleaseException;
import io.releasepipeline.evidence.ReleaseLock;
import java.util.Optional;

/**
 * This process no longer holds the app's release lock: its lease expired or was broken, its heartbeat lapsed, or
 * another process took the lock over. Thrown by the journal write that precedes every side effect (fencing), so the
 * release stops before its next side effect and takes none after it: no rollback, no evidence record, no deployment
 * status, no comment. Whoever holds the lock now is in charge of the app; a {@code resume} of this release (the
 * usual new holder) finishes it from the journal, rolling back if traffic was left split. Two processes acting on
 * one app at once (one rolling back while the other shifts) would be worse than a split that the holder resolves.
 * The message names the app, the release and who holds the lock now.
 */
public class LockLostException extends ReleaseException {

    private static final long serialVersionUID = 1L;

    /** The app whose lock was lost. */
    private final String app;
    /** The release that lost it. */
    private final String releaseId;
    private final transient Optional<ReleaseLock> holder;

    /**
     * Creates the exception for release {@code releaseId} of {@code app}; {@code holder} is who holds it now.
     *
     * @param app the app
     * @param releaseId the release that lost the lock
     * @param holder who holds the lock now; empty when it is free
     */
    public LockLostException(String app, String releaseId, Optional<ReleaseLock> holder) {
        super("release " + releaseId + " of " + app + " lost the app's release lock; it is now "
                + holder.map(h -> "held by " + h.describe()).orElse("free")
                + "; stopped before the next side effect");
        this.app = app;
        this.releaseId = releaseId;
        this.holder = holder;
    }

    /**
     * The app.
     *
     * @return the app
     */
    public String app() {
        return app;
    }

    /**
     * The release that lost the lock.
     *
     * @return the release that lost the lock
     */
    public String releaseId() {
        return releaseId;
    }

    /**
     * Who holds the lock now, if anyone (as read when the loss was found).
     *
     * @return who holds the lock now, if anyone (as read when the loss was found)
     */
    public Optional<ReleaseLock> holder() {
        return holder == null ? Optional.empty() : holder;
    }
}
