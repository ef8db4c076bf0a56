package io.releasepipeline.evidence;

import java.time.Instant;
import java.util.Objects;

/**
 * Who holds an app's release lock, and until when its claim runs unless renewed. A live holder renews its claim
 * (the file store's heartbeat, the Blob store's lease renewal); a holder whose claim ran out, or whose process the
 * store knows is gone, is stale: its process died without releasing the lock. A stale lock is taken over only by a
 * resume of the same release, or broken explicitly; see {@link io.releasepipeline.evidence.EvidenceStore}.
 *
 * @param app the app
 * @param releaseId the release holding it
 * @param owner the public id of the holder ({@link LockOwner#id()}); {@code (unknown)} in a lock written by a
 *     version without owners
 * @param host the host it runs on
 * @param since when it took the lock
 * @param expiresAt when its claim runs out unless renewed, as its store reports it; at or before the time of the
 *     read for a stale lock
 */
public record ReleaseLock(String app, String releaseId, String owner, String host, Instant since,
        Instant expiresAt) {

    /** The owner reported for a lock written by a version that had no owners. */
    public static final String UNKNOWN_OWNER = "(unknown)";

    /**
     * Validates. A lock read from an older version's file has no owner and no expiry: it reads as owned by
     * {@link #UNKNOWN_OWNER} and expired at {@code since} (stale, since nothing renews it).
     *
     * @param app the app
     * @param releaseId the release holding it
     * @param owner the public id of the holder ({@link LockOwner#id()}); {@code (unknown)} in a lock written by a
     *     version without owners
     * @param host the host it runs on
     * @param since when it took the lock
     * @param expiresAt when its claim runs out unless renewed, as its store reports it; at or before the time of the
     *     read for a stale lock
     * @throws NullPointerException if app, release id, host or since is null
     */
    public ReleaseLock {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(releaseId, "releaseId");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(since, "since");
        owner = owner == null ? UNKNOWN_OWNER : owner;
        expiresAt = expiresAt == null ? since : expiresAt;
    }

    /**
     * Whether the holder's claim had run out at {@code now}: its process is presumed dead.
     *
     * @param now the time of the read
     * @return whether the holder's claim had run out at {@code now}: its process is presumed dead
     */
    public boolean isStale(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /**
     * This lock as seen after its holder was found dead at {@code now}: expired at the latest at {@code now}.
     *
     * @param now when the holder was found dead
     * @return this lock as seen after its holder was found dead at {@code now}: expired at the latest at {@code now}
     */
    public ReleaseLock staleAt(Instant now) {
        return expiresAt.isAfter(now) ? new ReleaseLock(app, releaseId, owner, host, since, now) : this;
    }

    /**
     * "release r1 (owner o-abc, host h, since t)": how messages name the holder.
     *
     * @return the holder, in words
     */
    public String describe() {
        return "release " + releaseId + " (owner " + owner + " on " + host + ", since " + since + ")";
    }
}
