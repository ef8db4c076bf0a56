package io.releasepipeline.cli.demo;

import io.releasepipeline.error.ProviderException;
import io.releasepipeline.evidence.EvidenceStore;
import io.releasepipeline.evidence.JournalEntry;
import io.releasepipeline.evidence.LockOwner;
import io.releasepipeline.evidence.ReleaseLock;
import io.releasepipeline.evidence.ReleaseRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The demo's evidence store, which remembers the release locks the demo took so that an interrupted demo (Ctrl-C)
 * gives them back from its shutdown hook instead of leaving a lock that stops every later demo. Once
 * {@link #releaseAll()} has run, no new lock is taken, so a release starting while the JVM shuts down cannot leave
 * one behind. Everything else is the wrapped store's.
 *
 * <p>Thread-safe: taking and giving back locks synchronize on this object; other calls go straight through.
 */
final class DemoLocks implements EvidenceStore {

    private final EvidenceStore store;
    /** Owner by app, for the locks this demo holds. */
    private final Map<String, LockOwner> held = new LinkedHashMap<>();
    private boolean closing;

    DemoLocks(EvidenceStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * Gives back every lock this demo holds and refuses new ones. For the shutdown hook; safe to call more than
     * once and from any thread. Never throws: a lock it cannot give back is named on {@code System.err}.
     */
    void releaseAll() {
        List<Map.Entry<String, LockOwner>> locks;
        synchronized (this) {
            closing = true;
            locks = new ArrayList<>(held.entrySet());
            held.clear();
        }
        for (Map.Entry<String, LockOwner> lock : locks) {
            try {
                store.unlock(lock.getKey(), lock.getValue());
            } catch (RuntimeException e) {
                System.err.println("release demo: could not give back the lock of " + lock.getKey() + " held by "
                        + lock.getValue().id() + ": " + e.getMessage() + "; see `release status` and run `release "
                        + "unlock --demo --release <id>`");
            }
        }
    }

    @Override
    public String providerName() {
        return store.providerName();
    }

    @Override
    public boolean retriesOwnCalls() {
        return store.retriesOwnCalls();
    }

    @Override
    public synchronized Optional<ReleaseLock> tryLock(String app, String releaseId, LockOwner owner, String host,
            Instant now) {
        if (closing) {
            throw ProviderException.permanent(store.providerName(), "tryLock(" + app + ", " + releaseId + ")",
                    "the demo is shutting down; no new release starts", null);
        }
        Optional<ReleaseLock> holder = store.tryLock(app, releaseId, owner, host, now);
        if (holder.isEmpty()) {
            held.put(app, owner);
        }
        return holder;
    }

    @Override
    public synchronized void unlock(String app, LockOwner owner) {
        store.unlock(app, owner);
        held.remove(app, owner);
    }

    @Override
    public boolean holdsLock(String app, LockOwner owner) {
        return store.holdsLock(app, owner);
    }

    @Override
    public synchronized boolean breakLock(String app, String releaseId) {
        boolean broken = store.breakLock(app, releaseId);
        if (broken) {
            held.entrySet().removeIf(e -> e.getKey().equals(app) && !store.holdsLock(app, e.getValue()));
        }
        return broken;
    }

    @Override
    public Optional<ReleaseLock> currentLock(String app) {
        return store.currentLock(app);
    }

    @Override
    public String write(ReleaseRecord record) {
        return store.write(record);
    }

    @Override
    public String write(ReleaseRecord record, io.releasepipeline.evidence.EvidenceMarkdown markdown) {
        return store.write(record, markdown);
    }

    @Override
    public Optional<ReleaseRecord> read(String app, String releaseId) {
        return store.read(app, releaseId);
    }

    @Override
    public List<ReleaseRecord> latest(String app, int limit) {
        return store.latest(app, limit);
    }

    @Override
    public void appendJournal(JournalEntry entry) {
        store.appendJournal(entry);
    }

    @Override
    public List<JournalEntry> journal(String app, String releaseId) {
        return store.journal(app, releaseId);
    }

    @Override
    public List<String> journaledReleases(String app) {
        return store.journaledReleases(app);
    }

    @Override
    public String toString() {
        return "DemoLocks[" + store + "]";
    }
}
