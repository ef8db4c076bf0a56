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
     * @return where the record now lives, for people (a path or URL)
     */
    String write(ReleaseRecord record);

    /** The final record of a release, if one was written. */
    Optional<ReleaseRecord> read(String app, String releaseId);

    /**
     * The app's most recent final records, newest first (by start time), at most {@code limit}. Used by the
     * stability gate and to find the previous good release.
     */
    List<ReleaseRecord> latest(String app, int limit);

    /**
     * Appends one state transition to the release's journal, durably, before the engine acts on it. Appending an
     * entry with a sequence number already present is a no-op if identical and an error otherwise.
     */
    void appendJournal(JournalEntry entry);

    /** The release's journal, in sequence order; empty if none. */
    List<JournalEntry> journal(String app, String releaseId);

    /**
     * The ids of the app's releases that have a journal, in any order. Read-only. Lets a person who names a release
     * that does not exist be told which do. Default: an empty list, for a store that cannot list its journals.
     */
    default List<String> journaledReleases(String app) {
        return List.of();
    }

    /**
     * Takes the app's release lock for {@code releaseId}, or reports who holds it. Taking a lock already held by
     * the same release id succeeds (re-entrant across a crash and resume).
     *
     * @return empty if the lock is now held by {@code releaseId}; otherwise the current holder
     */
    Optional<ReleaseLock> tryLock(String app, String releaseId, String host, Instant now);

    /** Releases the lock if {@code releaseId} holds it; otherwise does nothing. */
    void unlock(String app, String releaseId);

    /** The current lock holder, if any. */
    Optional<ReleaseLock> currentLock(String app);

    /**
     * Breaks the app's lock if it is held by {@code releaseId}, whatever process holds it. For stale locks left by
     * a dead process; an explicit human decision, never automatic.
     *
     * @return true if a lock was broken
     */
    boolean breakLock(String app, String releaseId);
}
