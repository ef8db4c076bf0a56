package io.releasepipeline;

import io.releasepipeline.error.ReleaseException;
import java.time.Instant;

/**
 * Another release of the same app holds the release lock. Nothing was changed. Wait for it to finish, resume
 * it, or break its lock explicitly if its process is gone.
 */
public class ReleaseInProgressException extends ReleaseException {

    private static final long serialVersionUID = 1L;

    private final String releaseId;
    private final Instant since;
    private final String host;

    /** Creates the exception for the release that holds the lock. */
    public ReleaseInProgressException(String app, String releaseId, Instant since, String host) {
        super("release " + releaseId + " in progress since " + since + " on " + host + " for app " + app
                + "; wait for it, resume it, or break its lock if that process is gone");
        this.releaseId = releaseId;
        this.since = since;
        this.host = host;
    }

    /** The release that holds the lock. */
    public String releaseId() {
        return releaseId;
    }

    /** When it took the lock. */
    public Instant since() {
        return since;
    }

    /** The host it runs on. */
    public String host() {
        return host;
    }
}
