package io.releasepipeline.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.error.ProviderException;
import io.releasepipeline.evidence.EvidenceStore;
import io.releasepipeline.evidence.JournalEntry;
import io.releasepipeline.evidence.LockOwner;
import io.releasepipeline.evidence.ReleaseLock;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.TrafficChange;
import io.releasepipeline.spi.TrafficWeights;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link EvidenceStore} keeps, as JUnit 5 tests. A store's test extends this class and
 * implements {@link #store()}: an empty store (a fresh temporary directory, a fresh Azurite container), and
 * {@link #lockHeldByDeadProcess}.
 */
public abstract class EvidenceStoreContract {

    /**
     * An empty store. Called before each test.
     *
     * @return an empty store
     */
    protected abstract EvidenceStore store();

    /** The app the contract writes for. */
    protected static final String APP = "contract-app";
    /** The instant the contract's records start at. */
    protected static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

    private EvidenceStore store;

    /** Takes a fresh store. */
    @BeforeEach
    void takeStore() {
        store = store();
    }

    /**
     * A promoted record with nested values, so a round trip exercises the whole format.
     *
     * @param releaseId the record's release id
     * @param startedAt when the release started
     * @return a promoted record with nested values, so a round trip exercises the whole format
     */
    protected static ReleaseRecord record(String releaseId, Instant startedAt) {
        return ReleaseRecord.builder(releaseId, APP, ReleaseRecord.Kind.PROMOTION, startedAt)
                .outcome(ReleaseOutcome.PROMOTED).pullRequest(123, "https://github.com/org/repo/pull/123")
                .headSha("abc123").mergeCommitSha("def456").previousRevision("v1").newRevision("v2")
                .approvers(List.of("alice")).traffic(new TrafficChange(startedAt.plusSeconds(300),
                        TrafficWeights.all("v1"), TrafficWeights.all("v2"), "promote"))
                .note("contract").finishedAt(startedAt.plus(Duration.ofMinutes(15))).build();
    }

    private static JournalEntry entry(String releaseId, int sequence, String state) {
        return new JournalEntry(APP, releaseId, sequence, T0.plusSeconds(sequence), state, Map.of("pr", "123"));
    }

    /** Final records. */
    @Nested
    @DisplayName("records")
    class Records {

        @Test
        @DisplayName("names itself")
        void names() {
            assertThat(store.providerName()).isNotBlank();
        }

        @Test
        @DisplayName("a written record reads back equal, and write says where it lives")
        void roundTrip() {
            ReleaseRecord r = record("r-1", T0);
            assertThat(store.write(r)).isNotBlank();
            assertThat(store.read(APP, "r-1")).contains(r);
        }

        @Test
        @DisplayName("an unknown release reads empty")
        void unknown() {
            assertThat(store.read(APP, "r-none")).isEmpty();
        }

        @Test
        @DisplayName("writing the identical record again succeeds")
        void identicalRewrite() {
            store.write(record("r-1", T0));
            store.write(record("r-1", T0));
            assertThat(store.read(APP, "r-1")).contains(record("r-1", T0));
        }

        @Test
        @DisplayName("a different record for the same release is refused and the first one kept")
        void neverOverwrites() {
            ReleaseRecord first = record("r-1", T0);
            store.write(first);
            ReleaseRecord other = ReleaseRecord.builder("r-1", APP, ReleaseRecord.Kind.PROMOTION, T0)
                    .outcome(ReleaseOutcome.ROLLED_BACK).build();
            assertThatThrownBy(() -> store.write(other)).isInstanceOf(ProviderException.class);
            assertThat(store.read(APP, "r-1")).contains(first);
        }

        @Test
        @DisplayName("latest is newest first by start time, at most limit, and only of the app")
        void latest() {
            store.write(record("r-2", T0.plusSeconds(7200)));
            store.write(record("r-1", T0));
            store.write(record("r-3", T0.plusSeconds(3600 * 3)));
            store.write(ReleaseRecord.builder("r-other", "other-app", ReleaseRecord.Kind.PROMOTION,
                    T0.plusSeconds(3600 * 4)).outcome(ReleaseOutcome.PROMOTED).build());

            assertThat(store.latest(APP, 10)).extracting(ReleaseRecord::releaseId).containsExactly("r-3", "r-2", "r-1");
            assertThat(store.latest(APP, 2)).extracting(ReleaseRecord::releaseId).containsExactly("r-3", "r-2");
            assertThat(store.latest("no-such-app", 10)).isEmpty();
        }
    }

    /** The journal of state transitions. */
    @Nested
    @DisplayName("journal")
    class Journal {

        @Test
        @DisplayName("entries read back in sequence order")
        void appendOrder() {
            store.appendJournal(entry("r-1", 1, "GATES"));
            store.appendJournal(entry("r-1", 2, "MERGING"));
            store.appendJournal(entry("r-1", 3, "DEPLOYING"));
            assertThat(store.journal(APP, "r-1")).extracting(JournalEntry::state)
                    .containsExactly("GATES", "MERGING", "DEPLOYING");
        }

        @Test
        @DisplayName("a release without a journal reads empty, and journals do not mix between releases")
        void separate() {
            store.appendJournal(entry("r-1", 1, "GATES"));
            assertThat(store.journal(APP, "r-2")).isEmpty();
            assertThat(store.journal(APP, "r-1")).hasSize(1);
        }

        @Test
        @DisplayName("journaledReleases names every release of the app with a journal, and only that app's")
        void journaledReleases() {
            assertThat(store.journaledReleases(APP)).isEmpty();
            store.appendJournal(entry("r-1", 1, "GATES"));
            store.appendJournal(entry("r-1", 2, "MERGING"));
            store.appendJournal(entry("r-2", 1, "GATES"));
            store.appendJournal(new JournalEntry("other-app", "r-9", 1, T0, "GATES", Map.of()));

            assertThat(store.journaledReleases(APP)).containsExactlyInAnyOrder("r-1", "r-2");
            assertThat(store.journaledReleases("other-app")).containsExactly("r-9");
        }

        @Test
        @DisplayName("appending an identical entry again is a no-op")
        void identicalDuplicate() {
            store.appendJournal(entry("r-1", 1, "GATES"));
            store.appendJournal(entry("r-1", 1, "GATES"));
            assertThat(store.journal(APP, "r-1")).containsExactly(entry("r-1", 1, "GATES"));
        }

        @Test
        @DisplayName("appending a different entry with a used sequence fails and keeps the first")
        void conflictingDuplicate() {
            store.appendJournal(entry("r-1", 1, "GATES"));
            assertThatThrownBy(() -> store.appendJournal(entry("r-1", 1, "MERGING")))
                    .isInstanceOf(ProviderException.class);
            assertThat(store.journal(APP, "r-1")).containsExactly(entry("r-1", 1, "GATES"));
        }
    }

    /**
     * Puts in place, in {@code store}, a lock of {@code releaseId} for {@link #APP} whose holder's process is gone
     * (it took the lock and died without releasing it), as the store would find it: a file store's lock left by a
     * dead JVM, an expired Blob lease with its holder still recorded, a fake's abandoned lock.
     *
     * @param store the store under test
     * @param releaseId the release whose lock it is
     */
    protected abstract void lockHeldByDeadProcess(EvidenceStore store, String releaseId);

    /** The one-release-per-app lock, held by owners. */
    @Nested
    @DisplayName("lock")
    class Lock {

        private final LockOwner a = LockOwner.random();
        private final LockOwner b = LockOwner.random();

        @Test
        @DisplayName("a free lock is taken and reported by currentLock with its release, owner and host, live")
        void take() {
            assertThat(store.currentLock(APP)).isEmpty();
            assertThat(store.tryLock(APP, "r-1", a, "host-a", T0)).isEmpty();
            ReleaseLock held = store.currentLock(APP).orElseThrow();
            assertThat(held).extracting(ReleaseLock::releaseId, ReleaseLock::owner, ReleaseLock::host)
                    .containsExactly("r-1", a.id(), "host-a");
            assertThat(store.holdsLock(APP, a)).isTrue();
        }

        @Test
        @DisplayName("the lock is exclusive: another owner of another release gets the holder back")
        void exclusive() {
            store.tryLock(APP, "r-1", a, "host-a", T0);
            assertThat(store.tryLock(APP, "r-2", b, "host-b", T0.plusSeconds(5)))
                    .get().extracting(ReleaseLock::releaseId, ReleaseLock::owner).containsExactly("r-1", a.id());
            assertThat(store.currentLock(APP)).get().extracting(ReleaseLock::owner).isEqualTo(a.id());
            assertThat(store.holdsLock(APP, b)).isFalse();
        }

        @Test
        @DisplayName("the same release id from another owner is refused while the holder lives (not re-entrant)")
        void sameReleaseOtherOwner() {
            store.tryLock(APP, "r-1", a, "host-a", T0);
            assertThat(store.tryLock(APP, "r-1", b, "host-b", T0.plusSeconds(1)))
                    .get().extracting(ReleaseLock::owner).isEqualTo(a.id());
            assertThat(store.holdsLock(APP, a)).isTrue();
            assertThat(store.holdsLock(APP, b)).isFalse();
        }

        @Test
        @DisplayName("the lock is re-entrant for its own owner, keeping the original time and host")
        void reentrant() {
            store.tryLock(APP, "r-1", a, "host-a", T0);
            assertThat(store.tryLock(APP, "r-1", a, "host-a", T0.plusSeconds(60))).isEmpty();
            assertThat(store.currentLock(APP)).get().extracting(ReleaseLock::owner, ReleaseLock::since)
                    .containsExactly(a.id(), T0);
        }

        @Test
        @DisplayName("the lock is per app")
        void perApp() {
            store.tryLock(APP, "r-1", a, "host-a", T0);
            assertThat(store.tryLock("other-app", "r-2", b, "host-b", T0)).isEmpty();
            store.unlock("other-app", b);
        }

        @Test
        @DisplayName("unlock by the owner frees the lock; unlock by another owner of the same release does nothing")
        void unlock() {
            store.tryLock(APP, "r-1", a, "host-a", T0);
            store.unlock(APP, b);
            assertThat(store.currentLock(APP)).isPresent();
            assertThat(store.holdsLock(APP, a)).isTrue();
            store.unlock(APP, a);
            assertThat(store.currentLock(APP)).isEmpty();
            assertThat(store.holdsLock(APP, a)).isFalse();
            assertThat(store.tryLock(APP, "r-2", b, "host-b", T0)).isEmpty();
            store.unlock(APP, b);
        }

        @Test
        @DisplayName("breakLock breaks only a lock held by the given release, and its owner no longer holds it")
        void breakLock() {
            store.tryLock(APP, "r-1", a, "host-a", T0);
            assertThat(store.breakLock(APP, "r-2")).isFalse();
            assertThat(store.currentLock(APP)).isPresent();
            assertThat(store.breakLock(APP, "r-1")).isTrue();
            assertThat(store.currentLock(APP)).isEmpty();
            assertThat(store.holdsLock(APP, a)).as("the broken owner learns it").isFalse();
            assertThat(store.breakLock(APP, "r-1")).isFalse();
        }

        @Test
        @DisplayName("a lock taken over after a break is not the old owner's: holdsLock false, unlock leaves it")
        void fencedAfterTakeover() {
            store.tryLock(APP, "r-1", a, "host-a", T0);
            store.breakLock(APP, "r-1");
            assertThat(store.tryLock(APP, "r-1", b, "host-b", T0.plusSeconds(1))).isEmpty();
            assertThat(store.holdsLock(APP, a)).isFalse();
            store.unlock(APP, a);
            assertThat(store.currentLock(APP)).get().extracting(ReleaseLock::owner).isEqualTo(b.id());
            store.unlock(APP, b);
        }

        @Test
        @DisplayName("a dead holder's lock of the same release is taken over (resume after a crash)")
        void staleSameReleaseTakenOver() {
            lockHeldByDeadProcess(store, "r-1");
            assertThat(store.currentLock(APP)).get().satisfies(l -> {
                assertThat(l.releaseId()).isEqualTo("r-1");
                assertThat(l.isStale(Instant.now())).as("stale: " + l).isTrue();
            });
            assertThat(store.tryLock(APP, "r-1", a, "host-a", Instant.now())).isEmpty();
            assertThat(store.currentLock(APP)).get().extracting(ReleaseLock::owner).isEqualTo(a.id());
            assertThat(store.holdsLock(APP, a)).isTrue();
            store.unlock(APP, a);
        }

        @Test
        @DisplayName("a dead holder's lock of another release is reported stale and kept: resume it or break it")
        void staleOtherReleaseRefused() {
            lockHeldByDeadProcess(store, "r-1");
            Instant now = Instant.now();
            assertThat(store.tryLock(APP, "r-2", a, "host-a", now)).get().satisfies(l -> {
                assertThat(l.releaseId()).isEqualTo("r-1");
                assertThat(l.isStale(Instant.now())).as("stale: " + l).isTrue();
            });
            assertThat(store.holdsLock(APP, a)).isFalse();
            assertThat(store.breakLock(APP, "r-1")).isTrue();
            assertThat(store.tryLock(APP, "r-2", a, "host-a", now)).isEmpty();
            store.unlock(APP, a);
        }

        @Test
        @DisplayName("two threads racing for the lock with the same release id, 20 times: exactly one owner wins")
        void raceOfTwoOwners() throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                for (int round = 0; round < 20; round++) {
                    LockOwner first = LockOwner.random();
                    LockOwner second = LockOwner.random();
                    CyclicBarrier start = new CyclicBarrier(2);
                    Future<Optional<ReleaseLock>> one = pool.submit(() -> race(start, first));
                    Future<Optional<ReleaseLock>> two = pool.submit(() -> race(start, second));
                    Optional<ReleaseLock> r1 = one.get(60, TimeUnit.SECONDS);
                    Optional<ReleaseLock> r2 = two.get(60, TimeUnit.SECONDS);

                    assertThat(r1.isEmpty() ^ r2.isEmpty()).as("round %d: exactly one wins: %s / %s", round, r1, r2)
                            .isTrue();
                    LockOwner winner = r1.isEmpty() ? first : second;
                    LockOwner loser = r1.isEmpty() ? second : first;
                    assertThat(r1.or(() -> r2)).get().extracting(ReleaseLock::owner).isEqualTo(winner.id());
                    assertThat(store.holdsLock(APP, winner)).isTrue();
                    assertThat(store.holdsLock(APP, loser)).isFalse();
                    store.unlock(APP, winner);
                    assertThat(store.currentLock(APP)).as("round %d", round).isEmpty();
                }
            } finally {
                pool.shutdownNow();
            }
        }

        private Optional<ReleaseLock> race(CyclicBarrier start, LockOwner owner) throws Exception {
            start.await(30, TimeUnit.SECONDS);
            return store.tryLock(APP, "pr42-20261201-101500", owner, "host-" + owner.id(), T0);
        }
    }
}
