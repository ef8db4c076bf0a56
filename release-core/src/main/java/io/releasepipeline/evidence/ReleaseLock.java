package io.releasepipeline.evidence;

import java.time.Instant;
import java.util.Objects;

/**
 * Who holds an app's release lock.
 *
 * @param app the app
 * @param releaseId the release holding it
 * @param host the host it runs on
 * @param since when it took the lock
 */
public record ReleaseLock(String app, String releaseId, String host, Instant since) {

    /** Validates. */
    public ReleaseLock {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(releaseId, "releaseId");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(since, "since");
    }
}
