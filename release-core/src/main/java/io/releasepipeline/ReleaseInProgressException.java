package io.releasepipeline;

import io.releasepipeline.error.ReleaseException;
import io.releasepipeline.evidence.ReleaseLock;
import java.time.Instant;
import java.util.Optional;

/**
 * Another release (or another process running the same release) holds the app's release lock. Nothing was changed.
 * If the holder is live, wait for it to finish (or, if you know its process is gone, {@code resume --force} it);
 * if it is stale (its process died without releasing the lock), resume that release or break its lock explicitly.
 */
public class ReleaseInProgressException extends ReleaseException {

    private static final long serialVersionUID = 1L;

    /** The release that holds the lock. */
    private final String releaseId;
    /** When it took the lock. */
    private final Instant since;
    /** The host it runs on. */
    private final String host;
    /** The holder's owner id, {@link ReleaseLock#UNKNOWN_OWNER} when not known. */
    private final String owner;
    /** Whether the holder's process died without releasing the lock. */
    private final boolean stale;

    /**
     * Creates the exception for the release that holds the lock (owner unknown, live).
     *
     * @param app the app
     * @param releaseId the release that holds the lock
     * @param since when it took the lock
     * @param host the host it runs on
     */
    public ReleaseInProgressException(String app, String releaseId, Instant since, String host) {
        super("release " + releaseId + " in progress since " + since + " on " + host + " for app " + app
                + "; wait for it, resume it, or break its lock if that process is gone");
        this.releaseId = releaseId;
        this.since = since;
        this.host = host;
        this.owner = ReleaseLock.UNKNOWN_OWNER;
        this.stale = false;
    }

    /**
     * Creates the exception for {@code holder}, which is stale when {@code stale} (its process died without
     * releasing the lock) and live otherwise.
     *
     * @param holder the lock as read
     * @param stale whether its holder's process died
     */
    public ReleaseInProgressException(ReleaseLock holder, boolean stale) {
        super(message(holder, stale));
        this.releaseId = holder.releaseId();
        this.since = holder.since();
        this.host = holder.host();
        this.owner = holder.owner();
        this.stale = stale;
    }

    private static String message(ReleaseLock holder, boolean stale) {
        if (stale) {
            return "release " + holder.releaseId() + " in progress since " + holder.since() + " on " + holder.host()
                    + " for app " + holder.app() + " holds the lock but its process is gone (owner " + holder.owner()
                    + ", lock stale since " + holder.expiresAt() + "); resume it (`release resume --release "
                    + holder.releaseId() + "`) or break its lock (`release unlock --release " + holder.releaseId()
                    + "`)";
        }
        return "release " + holder.releaseId() + " in progress since " + holder.since() + " on " + holder.host()
                + " for app " + holder.app() + " (owner " + holder.owner() + ", live: lock renewed until "
                + holder.expiresAt() + "); wait for it; only if you know its process is gone, take it over with "
                + "`release resume --force`";
    }

    /**
     * The release that holds the lock.
     *
     * @return the release that holds the lock
     */
    public String releaseId() {
        return releaseId;
    }

    /**
     * When it took the lock.
     *
     * @return when it took the lock
     */
    public Instant since() {
        return since;
    }

    /**
     * The host it runs on.
     *
     * @return the host it runs on
     */
    public String host() {
        return host;
    }

    /**
     * The public id of the holder, {@link ReleaseLock#UNKNOWN_OWNER} when not known.
     *
     * @return the public id of the holder, {@link ReleaseLock#UNKNOWN_OWNER} when not known
     */
    public String owner() {
        return owner;
    }

    /**
     * Whether the holder is stale (its process died), as opposed to live; empty owner means unknown.
     *
     * @return whether the holder is stale (its process died), as opposed to live; empty owner means unknown
     */
    public boolean stale() {
        return stale;
    }

    /**
     * The holder's owner id if known.
     *
     * @return the holder's owner id if known
     */
    public Optional<String> knownOwner() {
        return owner.equals(ReleaseLock.UNKNOWN_OWNER) ? Optional.empty() : Optional.of(owner);
    }
}
