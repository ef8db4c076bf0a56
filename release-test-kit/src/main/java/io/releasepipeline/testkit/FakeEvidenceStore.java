package io.releasepipeline.testkit;

import io.releasepipeline.evidence.EvidenceStore;
import io.releasepipeline.evidence.JournalEntry;
import io.releasepipeline.evidence.LockOwner;
import io.releasepipeline.evidence.ReleaseLock;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.RollbackDetails;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * An in-memory evidence store with the SPI's semantics: final records are never overwritten (an identical rewrite
 * succeeds, different content fails), {@link #latest} is newest first by start time, journal sequences are
 * append-only (an identical duplicate is a no-op, a different one fails), and one lock per app held by an owner
 * (re-entrant for that owner only), with the SPI's live/stale rules. The fake has no heartbeat thread: a lock it
 * gives out stays live until it is unlocked, broken, or its holder is declared dead with {@link #abandonLocks()}
 * (the process was killed); a seeded lock is live while its {@code expiresAt} is after the caller's {@code now}
 * (the engine's clock, so virtual time decides), unless seeded with {@link #seedLiveLock}.
 *
 * <pre>{@code
 * FakeEvidenceStore evidence = new FakeEvidenceStore();
 * // "the previous release was rolled back 20 min ago"
 * evidence.seed(FakeEvidenceStore.rolledBackRecord("trade-nexus-backend", "r-41", "v2", "v1",
 *         clock.now().minus(Duration.ofMinutes(20))));
 * ...
 * assertThat(evidence.read(app, releaseId)).get().extracting(ReleaseRecord::outcome).isEqualTo(ROLLED_BACK);
 * }</pre>
 *
 * <p>Operations for {@link #failNext}: {@code write, read, latest, appendJournal, journal, tryLock, unlock,
 * holdsLock, currentLock, breakLock}. {@link #calls()} logs {@code write(app/id)},
 * {@code appendJournal(app/id#3 MERGING)}, {@code tryLock(app, id)}, {@code unlock(app, id)},
 * {@code breakLock(app, id)} ({@code holdsLock}, the engine's fencing check, is not logged). Thread-safe.
 */
public final class FakeEvidenceStore extends ScriptedFake implements EvidenceStore {

    private static final Set<String> OPERATIONS = Set.of("write", "read", "latest", "appendJournal", "journal",
            "tryLock", "unlock", "holdsLock", "currentLock", "breakLock");
    /** How long a lock the fake gives out is said to run between renewals (it is live until unlocked anyway). */
    private static final Duration LOCK_TTL = Duration.ofSeconds(60);
    /** How long a seeded release lasted before it finished. */
    private static final Duration SEEDED_RELEASE_LENGTH = Duration.ofMinutes(15);

    private final Map<String, ReleaseRecord> records = new HashMap<>();
    private final Map<String, String> markdowns = new HashMap<>();
    private final Map<String, TreeMap<Integer, JournalEntry>> journals = new HashMap<>();
    private final Map<String, ReleaseLock> locks = new HashMap<>();
    /** Owners whose process is alive: their locks are live whatever the time. */
    private final Set<String> liveOwners = new java.util.HashSet<>();

    /** An empty store. */
    public FakeEvidenceStore() {
        super("fake-evidence", OPERATIONS);
    }

    // ---------------------------------------------------------------- seeding

    /**
     * Stores {@code record} as if an earlier release wrote it, replacing any record of that id; not logged.
     *
     * @param record the record to store
     * @return this {@code FakeEvidenceStore}, for chaining
     */
    public synchronized FakeEvidenceStore seed(ReleaseRecord record) {
        records.put(key(record.app(), record.releaseId()), record);
        return this;
    }

    /**
     * Puts a lock in place as if another process held it; not logged. It is live while its {@code expiresAt} is
     * after the {@code now} a caller passes to {@link #tryLock}, stale after: {@code seedLock(new ReleaseLock(app,
     * "r-dead", "o-dead", "runner-3", since, since.plusSeconds(60)))}.
     *
     * @param lock the lock to put in place
     * @return this {@code FakeEvidenceStore}, for chaining
     */
    public synchronized FakeEvidenceStore seedLock(ReleaseLock lock) {
        locks.put(lock.app(), lock);
        return this;
    }

    /**
     * Puts in place a lock held by a live process elsewhere (a random owner that keeps renewing it), whatever the
     * time; not logged. Returns the lock.
     *
     * @param app the app the lock is for
     * @param releaseId the release holding it
     * @param host the holder's host
     * @param since when the holder took it
     * @return the lock in place
     */
    public synchronized ReleaseLock seedLiveLock(String app, String releaseId, String host, Instant since) {
        LockOwner owner = LockOwner.random();
        ReleaseLock lock = new ReleaseLock(app, releaseId, owner.id(), host, since, since.plus(LOCK_TTL));
        locks.put(app, lock);
        liveOwners.add(owner.id());
        return lock;
    }

    /**
     * Puts in place a lock whose holder's process died (stale whatever the time); not logged. Returns the lock.
     *
     * @param app the app the lock is for
     * @param releaseId the release holding it
     * @param host the holder's host
     * @param since when the holder took it
     * @return the lock in place
     */
    public synchronized ReleaseLock seedStaleLock(String app, String releaseId, String host, Instant since) {
        ReleaseLock lock = new ReleaseLock(app, releaseId, LockOwner.random().id(), host, since, since);
        locks.put(app, lock);
        return lock;
    }

    /**
     * Every holder's process dies (a kill -9): their locks stay in place, now stale (expired at their start), and
     * {@link #holdsLock} answers false for them.
     *
     * @return this {@code FakeEvidenceStore}, for chaining
     */
    public synchronized FakeEvidenceStore abandonLocks() {
        liveOwners.clear();
        locks.replaceAll((app, l) -> new ReleaseLock(l.app(), l.releaseId(), l.owner(), l.host(), l.since(),
                l.since()));
        return this;
    }

    /**
     * Another live process breaks the app's lock and takes it for {@code releaseId} (what a forced resume
     * elsewhere does): the holder finds it lost at its next {@link #holdsLock}. Returns the new lock.
     *
     * @param app the app whose lock is taken over
     * @param releaseId the release the new holder runs
     * @param host the new holder's host
     * @param now when it takes the lock
     * @return the new lock
     */
    public synchronized ReleaseLock takeOverLock(String app, String releaseId, String host, Instant now) {
        ReleaseLock before = locks.get(app);
        if (before != null) {
            liveOwners.remove(before.owner());
        }
        return seedLiveLock(app, releaseId, host, now);
    }

    /**
     * A promotion that brought {@code revision} and finished at {@code finishedAt} (started 15 min earlier):
     * {@code promotedRecord(app, "r-40", "v1", clock.now().minus(Duration.ofHours(2)))}.
     *
     * @param app the app
     * @param releaseId the record's release id
     * @param revision the revision it promoted
     * @param finishedAt when it finished
     * @return a promotion that brought {@code revision} and finished at {@code finishedAt} (started 15 min earlier):
     *     {@code promotedRecord(app, "r-40", "v1", clock.now().minus(Duration.ofHours(2)))}
     */
    public static ReleaseRecord promotedRecord(String app, String releaseId, String revision, Instant finishedAt) {
        return ReleaseRecord.builder(releaseId, app, ReleaseRecord.Kind.PROMOTION,
                        finishedAt.minus(SEEDED_RELEASE_LENGTH))
                .outcome(ReleaseOutcome.PROMOTED).newRevision(revision).finishedAt(finishedAt).build();
    }

    /**
     * A promotion of {@code failedRevision} rolled back to {@code restoredRevision}, finished at
     * {@code finishedAt}: {@code rolledBackRecord(app, "r-41", "v2", "v1", clock.now().minus(Duration.ofMinutes(20)))}.
     *
     * @param app the app
     * @param releaseId the record's release id
     * @param failedRevision the revision that was rolled back
     * @param restoredRevision the revision that serves again
     * @param finishedAt when it finished
     * @return a promotion of {@code failedRevision} rolled back to {@code restoredRevision}, finished at {@code
     *     finishedAt}: {@code rolledBackRecord(app, "r-41", "v2", "v1", clock.now().minus(Duration.ofMinutes(20)))}
     */
    public static ReleaseRecord rolledBackRecord(String app, String releaseId, String failedRevision,
            String restoredRevision, Instant finishedAt) {
        return rollbackRecord(app, releaseId, failedRevision, restoredRevision, finishedAt, true);
    }

    /**
     * A promotion of {@code failedRevision} whose rollback to {@code restoredRevision} failed (blocks later
     * releases): {@code rollbackFailedRecord(app, "r-42", "v3", "v2", clock.now().minus(Duration.ofHours(3)))}.
     *
     * @param app the app
     * @param releaseId the record's release id
     * @param failedRevision the revision whose rollback failed
     * @param restoredRevision the revision the rollback meant to restore
     * @param finishedAt when it finished
     * @return a promotion of {@code failedRevision} whose rollback to {@code restoredRevision} failed (blocks later
     *     releases): {@code rollbackFailedRecord(app, "r-42", "v3", "v2", clock.now().minus(Duration.ofHours(3)))}
     */
    public static ReleaseRecord rollbackFailedRecord(String app, String releaseId, String failedRevision,
            String restoredRevision, Instant finishedAt) {
        return rollbackRecord(app, releaseId, failedRevision, restoredRevision, finishedAt, false);
    }

    /**
     * A release that ended with {@code outcome} without moving traffic (e.g. {@code GATES_FAILED},
     * {@code ABORTED}): {@code record(app, "r-43", ReleaseOutcome.ABORTED, clock.now())}.
     *
     * @param app the app
     * @param releaseId the record's release id
     * @param outcome how it ended
     * @param finishedAt when it finished
     * @return a release that ended with {@code outcome} without moving traffic (e.g. {@code GATES_FAILED}, {@code
     *     ABORTED}): {@code record(app, "r-43", ReleaseOutcome.ABORTED, clock.now())}
     */
    public static ReleaseRecord record(String app, String releaseId, ReleaseOutcome outcome, Instant finishedAt) {
        return ReleaseRecord.builder(releaseId, app, ReleaseRecord.Kind.PROMOTION,
                finishedAt.minus(SEEDED_RELEASE_LENGTH)).outcome(outcome).finishedAt(finishedAt).build();
    }

    private static ReleaseRecord rollbackRecord(String app, String releaseId, String failedRevision,
            String restoredRevision, Instant finishedAt, boolean succeeded) {
        Instant startedAt = finishedAt.minus(SEEDED_RELEASE_LENGTH);
        RollbackDetails rollback = new RollbackDetails("seeded rollback", Optional.empty(),
                Optional.of(failedRevision), restoredRevision, finishedAt.minus(Duration.ofMinutes(1)), finishedAt,
                succeeded, Optional.empty(), Optional.empty(),
                succeeded ? Optional.empty() : Optional.of("seeded rollback failure"));
        return ReleaseRecord.builder(releaseId, app, ReleaseRecord.Kind.PROMOTION, startedAt)
                .outcome(succeeded ? ReleaseOutcome.ROLLED_BACK : ReleaseOutcome.ROLLBACK_FAILED)
                .previousRevision(restoredRevision).newRevision(failedRevision).rollback(rollback)
                .finishedAt(finishedAt).build();
    }

    // ---------------------------------------------------------------- SPI

    @Override
    public synchronized String write(ReleaseRecord record) {
        String key = key(record.app(), record.releaseId());
        call("write", "write(" + key + ")");
        ReleaseRecord existing = records.get(key);
        if (existing != null && !existing.equals(record)) {
            throw refused("write", 409, "release " + key + " already has a different final record; records are"
                    + " never overwritten");
        }
        records.put(key, record);
        applied("write");
        return "memory:evidence/" + key;
    }

    /**
     * As {@link #write(ReleaseRecord)}, and keeps the Markdown {@code markdown} renders (chart name
     * {@code <releaseId>.svg}) for {@link #markdown}. A failed or refused write keeps nothing.
     */
    @Override
    public synchronized String write(ReleaseRecord record, io.releasepipeline.evidence.EvidenceMarkdown markdown) {
        String location = write(record);
        markdowns.putIfAbsent(key(record.app(), record.releaseId()),
                markdown.render(record, record.releaseId() + ".svg"));
        return location;
    }

    /**
     * The Markdown evidence written with the record of {@code releaseId}, when it was written with one.
     *
     * @param app the app
     * @param releaseId the release's id
     * @return the Markdown evidence written with the record of {@code releaseId}, when it was written with one
     */
    public synchronized Optional<String> markdown(String app, String releaseId) {
        return Optional.ofNullable(markdowns.get(key(app, releaseId)));
    }

    @Override
    public synchronized Optional<ReleaseRecord> read(String app, String releaseId) {
        call("read");
        return Optional.ofNullable(records.get(key(app, releaseId)));
    }

    @Override
    public synchronized List<ReleaseRecord> latest(String app, int limit) {
        call("latest");
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, got " + limit);
        }
        List<ReleaseRecord> mine = new ArrayList<>();
        for (ReleaseRecord r : records.values()) {
            if (r.app().equals(app)) {
                mine.add(r);
            }
        }
        mine.sort(Comparator.comparing(ReleaseRecord::startedAt).reversed()
                .thenComparing(ReleaseRecord::releaseId, Comparator.reverseOrder()));
        return List.copyOf(mine.subList(0, Math.min(limit, mine.size())));
    }

    @Override
    public synchronized void appendJournal(JournalEntry entry) {
        String key = key(entry.app(), entry.releaseId());
        call("appendJournal", "appendJournal(" + key + "#" + entry.sequence() + " " + entry.state() + ")");
        TreeMap<Integer, JournalEntry> journal = journals.computeIfAbsent(key, k -> new TreeMap<>());
        JournalEntry existing = journal.get(entry.sequence());
        if (existing != null && !existing.equals(entry)) {
            throw refused("appendJournal", 409, "journal of " + key + " already has a different entry #"
                    + entry.sequence() + " (" + existing.state() + ")");
        }
        journal.put(entry.sequence(), entry);
        applied("appendJournal");
    }

    @Override
    public synchronized List<JournalEntry> journal(String app, String releaseId) {
        call("journal");
        TreeMap<Integer, JournalEntry> journal = journals.get(key(app, releaseId));
        return journal == null ? List.of() : List.copyOf(journal.values());
    }

    @Override
    public synchronized List<String> journaledReleases(String app) {
        call("journal");
        String prefix = app + "/";
        return journals.entrySet().stream().filter(e -> e.getKey().startsWith(prefix) && !e.getValue().isEmpty())
                .map(e -> e.getKey().substring(prefix.length())).sorted().toList();
    }

    @Override
    public synchronized Optional<ReleaseLock> tryLock(String app, String releaseId, LockOwner owner, String host,
            Instant now) {
        call("tryLock", "tryLock(" + app + ", " + releaseId + ")");
        ReleaseLock holder = locks.get(app);
        if (holder != null && !owner.holds(holder)) {
            if (liveOwners.contains(holder.owner())) {
                // A live holder keeps renewing: its claim runs a TTL past the caller's now.
                return Optional.of(new ReleaseLock(holder.app(), holder.releaseId(), holder.owner(), holder.host(),
                        holder.since(), now.plus(LOCK_TTL)));
            }
            if (!holder.isStale(now)) {
                return Optional.of(holder);
            }
            if (!holder.releaseId().equals(releaseId)) {
                return Optional.of(holder.staleAt(now));
            }
            holder = null;
        }
        if (holder == null) {
            locks.put(app, new ReleaseLock(app, releaseId, owner.id(), host, now, now.plus(LOCK_TTL)));
            liveOwners.add(owner.id());
        }
        applied("tryLock");
        return Optional.empty();
    }

    @Override
    public synchronized void unlock(String app, LockOwner owner) {
        call("unlock", "unlock(" + app + ", " + Optional.ofNullable(locks.get(app)).filter(owner::holds)
                .map(ReleaseLock::releaseId).orElse(owner.id()) + ")");
        locks.computeIfPresent(app, (a, lock) -> owner.holds(lock) ? null : lock);
        liveOwners.remove(owner.id());
        applied("unlock");
    }

    @Override
    public synchronized boolean holdsLock(String app, LockOwner owner) {
        call("holdsLock");
        ReleaseLock lock = locks.get(app);
        return lock != null && owner.holds(lock) && liveOwners.contains(owner.id());
    }

    @Override
    public synchronized Optional<ReleaseLock> currentLock(String app) {
        call("currentLock");
        return Optional.ofNullable(locks.get(app));
    }

    @Override
    public synchronized boolean breakLock(String app, String releaseId) {
        call("breakLock", "breakLock(" + app + ", " + releaseId + ")");
        ReleaseLock lock = locks.get(app);
        boolean broken = lock != null && lock.releaseId().equals(releaseId);
        if (broken) {
            locks.remove(app);
            liveOwners.remove(lock.owner());
        }
        applied("breakLock");
        return broken;
    }

    @Override
    public synchronized String toString() {
        return "FakeEvidenceStore[" + records.size() + " records, locks " + locks.values() + "]";
    }

    private static String key(String app, String releaseId) {
        return app + "/" + releaseId;
    }
}
