package io.releasepipeline.evidence;

import io.releasepipeline.spi.Provider;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where releases leave their record: the evidence of each release, a journal of its state transitions, and the
 * one-release-per-app lock. The filesystem store writes the runbook's {@code .ops/evidence/} files; the Blob store
 * writes blobs.
 *
 * <p>Contract: implementations are thread-safe and safe across processes sharing the same storage; calls block
 * on I/O; failures are {@link io.releasepipeline.error.ProviderException}s. Writes are atomic: a reader sees the whole
 * record or none of it, never half.
 */
public interface EvidenceStore extends Provider {

    /**
     * Writes the final record of a release. Atomic. Never overwrites: writing a record whose release id already
     * has a final record with different content fails; writing the identical record again succeeds (idempotent).
     *
     * @param record the final record
     * @return where the record now lives, for people (a path or URL)
     */
    String write(ReleaseRecord record);

    /**
     * Writes the final record as {@link #write(ReleaseRecord)} does, with its Markdown evidence rendered by
     * {@code markdown} (a team's {@link EvidenceTemplate}, or {@link EvidenceMarkdown#report()}) instead of the
     * built-in report. The record itself (and so idempotency and conflicts) is unchanged: writing the identical record
     * again succeeds whatever the Markdown. The pipeline calls this one.
     *
     * <p>Default: {@link #write(ReleaseRecord)}, ignoring {@code markdown}, for a store that keeps no Markdown (the
     * filesystem and Blob stores override it).
     *
     * @param record the final record
     * @param markdown renders the Markdown evidence
     * @return where the record now lives, for people (a path or URL)
     */
    default String write(ReleaseRecord record, EvidenceMarkdown markdown) {
        return write(record);
    }

    /**
     * The final record of a release, if one was written.
     *
     * @param app the app
     * @param releaseId the release
     * @return the final record of a release, if one was written
     */
    Optional<ReleaseRecord> read(String app, String releaseId);

    /**
     * The app's most recent final records, newest first (by start time), at most {@code limit}. Used by the
     * stability gate and to find the previous good release.
     *
     * @param app the app
     * @param limit the most records to return, positive
     * @return the app's most recent final records, newest first (by start time), at most {@code limit}
     */
    List<ReleaseRecord> latest(String app, int limit);

    /**
     * Reads every final record of {@code app}, one at a time, for a reader of the whole history (a backtest):
     * {@code onRecord} gets each record, {@code onUnreadable} the name of each stored record that cannot be read as
     * one and why, and the reading goes on. In no particular order. Read-only. Default: every record of
     * {@link #latest} (where an unreadable record fails the whole read), for a store that cannot do better.
     *
     * @param app the app
     * @param onRecord gets each record
     * @param onUnreadable gets each unreadable record's name and what is wrong with it
     * @throws io.releasepipeline.error.ProviderException if the store cannot be listed or a record cannot be fetched
     */
    default void readAll(String app, java.util.function.Consumer<ReleaseRecord> onRecord,
            java.util.function.BiConsumer<String, String> onUnreadable) {
        latest(app, Integer.MAX_VALUE).forEach(onRecord);
    }

    /**
     * Appends one state transition to the release's journal, durably, before the engine acts on it. Appending an
     * entry with a sequence number already present is a no-op if identical and an error otherwise.
     *
     * @param entry the entry
     */
    void appendJournal(JournalEntry entry);

    /**
     * The release's journal, in sequence order; empty if none.
     *
     * @param app the app
     * @param releaseId the release
     * @return the release's journal, in sequence order; empty if none
     */
    List<JournalEntry> journal(String app, String releaseId);

    /**
     * The ids of the app's releases that have a journal, in any order. Read-only. Lets a person who names a release
     * that does not exist be told which do. Default: an empty list, for a store that cannot list its journals.
     *
     * @param app the app
     * @return the ids of the app's releases that have a journal, in any order
     */
    default List<String> journaledReleases(String app) {
        return List.of();
    }

    /**
     * Takes the app's release lock for {@code owner}, running release {@code releaseId}, or reports who holds it.
     * A lock is held by an owner, not by a release id:
     * <ul>
     * <li>free: taken; returns empty;</li>
     * <li>held by {@code owner}: kept as it is (re-entrant for the same owner only); returns empty;</li>
     * <li>held by a live other owner, whatever its release id (a second process running the same release is
     * another owner): returns the holder, nothing changed;</li>
     * <li>held by a stale other owner (its process is gone: see below) of the same release id: taken over (a
     * resume after a crash), logged at WARN; returns empty;</li>
     * <li>held by a stale other owner of another release: returns the holder as stale (its
     * {@link ReleaseLock#expiresAt()} at or before now), nothing changed: that release must be resumed or its lock
     * broken explicitly before another starts.</li>
     * </ul>
     * While {@code owner} holds the lock the store keeps its claim alive (a heartbeat or a lease renewal on a
     * daemon thread, stopped by {@link #unlock}); if the claim cannot be kept until it would expire, the lock is lost
     * and {@link #holdsLock} answers false. Liveness is judged by the store on its own time (real time for real
     * stores), not by {@code now}. The check and the take are one atomic step across processes.
     *
     * @param app the app
     * @param releaseId the release the owner runs
     * @param owner the process asking, with its own id
     * @param host the host it runs on, for people
     * @param now the caller's clock: recorded as {@link ReleaseLock#since()}
     * @return empty if {@code owner} now holds the lock; otherwise the current holder
     */
    Optional<ReleaseLock> tryLock(String app, String releaseId, LockOwner owner, String host, Instant now);

    /**
     * Releases the lock if {@code owner} holds it and stops keeping it alive; otherwise changes nothing (a lock
     * taken over by another owner is not touched). Idempotent.
     *
     * @param app the app
     * @param owner the owner that took the lock
     */
    void unlock(String app, LockOwner owner);

    /**
     * Whether {@code owner} holds the app's lock now and its claim is alive: the fencing check the engine makes
     * before every side effect. False if the lock was broken, taken over, expired, or its renewal failed until it
     * would expire. Reads the store (it never answers from memory alone, except to answer false for a lock it
     * knows it lost).
     *
     * @param app the app
     * @param owner the owner that took the lock
     * @return whether {@code owner} holds the app's lock now and its claim is alive: the fencing check the engine
     *     makes before every side effect
     * @throws io.releasepipeline.error.ProviderException if the store cannot be read (the caller cannot tell, and must
     *     treat it as a failed journal write)
     */
    boolean holdsLock(String app, LockOwner owner);

    /**
     * The current holder, if any, live or stale: a stale holder's {@link ReleaseLock#expiresAt()} is at or before
     * the time of the read.
     *
     * @param app the app
     * @return the current holder, if any, live or stale: a stale holder's {@link ReleaseLock#expiresAt()} is at or
     *     before the time of the read
     */
    Optional<ReleaseLock> currentLock(String app);

    /**
     * Breaks the app's lock if it is held by {@code releaseId}, whatever owner and process holds it, live or stale.
     * For a lock left by a dead process, or a forced takeover; an explicit human decision, never automatic. A live
     * holder learns it at its next {@link #holdsLock} and stops.
     *
     * @param app the app
     * @param releaseId the release whose lock to break
     * @return true if a lock was broken
     */
    boolean breakLock(String app, String releaseId);
}
