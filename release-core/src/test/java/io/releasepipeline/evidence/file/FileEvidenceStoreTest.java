package io.releasepipeline.evidence.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.ReleaseInProgressException;
import io.releasepipeline.error.ProviderException;
import io.releasepipeline.evidence.EvidenceFixtures;
import io.releasepipeline.evidence.EvidenceJson;
import io.releasepipeline.evidence.JournalEntry;
import io.releasepipeline.evidence.LockOwner;
import io.releasepipeline.evidence.ReleaseLock;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class FileEvidenceStoreTest {

    private static final Instant T0 = EvidenceFixtures.T0;
    private static final String BASE = "2025-03-14-trade-nexus-backend-rel-2025-03-14-pr-418";

    @TempDir
    Path dir;

    private FileEvidenceStore store() {
        return FileEvidenceStore.of(dir.resolve(".ops/evidence"));
    }

    private Path evidence() {
        return dir.resolve(".ops/evidence");
    }

    private static ReleaseRecord record(String app, String releaseId, Instant startedAt) {
        return ReleaseRecord.builder(releaseId, app, ReleaseRecord.Kind.PROMOTION, startedAt)
                .outcome(ReleaseOutcome.PROMOTED).finishedAt(startedAt.plusSeconds(600)).build();
    }

    private static List<String> tree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.map(p -> root.relativize(p).toString()).filter(s -> !s.isEmpty()).sorted().toList();
        }
    }

    @Nested
    @DisplayName("evidence records")
    class Records {

        @Test
        @DisplayName("are written as dated .md, .svg and .json files, the report linking the chart, and read back equal")
        void writeAndRead() throws IOException {
            ReleaseRecord record = EvidenceFixtures.rolledBackRelease();

            String where = store().write(record);

            assertThat(where).isEqualTo(evidence().resolve(BASE + ".md").toString());
            assertThat(tree(evidence())).contains(BASE + ".md", BASE + ".svg", BASE + ".json")
                    .noneMatch(name -> name.endsWith(".tmp"));
            assertThat(Files.readString(evidence().resolve(BASE + ".md"))).contains("![timeline](" + BASE + ".svg)");
            assertThat(EvidenceJson.fromBytes(Files.readAllBytes(evidence().resolve(BASE + ".json")),
                    ReleaseRecord.class)).isEqualTo(record);
            assertThat(FileEvidenceStore.of(evidence()).read("trade-nexus-backend", "rel-2025-03-14-pr-418"))
                    .contains(record);
        }

        @Test
        @DisplayName("files get the same permissions as any file created there (people read them), not owner-only")
        @EnabledOnOs({OS.LINUX, OS.MAC})
        void readablePermissions() throws IOException {
            store().write(record("app", "r1", T0));
            Path plain = Files.createFile(evidence().resolve("plain"));

            for (String ext : List.of(".md", ".svg", ".json")) {
                assertThat(Files.getPosixFilePermissions(evidence().resolve("2025-03-14-app-r1" + ext)))
                        .isEqualTo(Files.getPosixFilePermissions(plain));
            }
        }

        @Test
        @DisplayName("the date in the name is the start day in UTC")
        void utcDate() throws IOException {
            store().write(record("app", "r1", Instant.parse("2025-03-14T23:30:00-05:00")));

            assertThat(tree(evidence())).contains("2025-03-15-app-r1.json");
        }

        @Test
        @DisplayName("writing the identical record again succeeds and changes nothing")
        void identicalRewrite() throws IOException {
            ReleaseRecord record = EvidenceFixtures.rolledBackRelease();
            store().write(record);
            byte[] before = Files.readAllBytes(evidence().resolve(BASE + ".json"));

            String where = store().write(record);

            assertThat(where).endsWith(BASE + ".md");
            assertThat(Files.readAllBytes(evidence().resolve(BASE + ".json"))).isEqualTo(before);
        }

        @Test
        @DisplayName("existing evidence is never overwritten by a different record of the same release")
        void noOverwrite() throws IOException {
            ReleaseRecord first = record("app", "r1", T0);
            store().write(first);
            ReleaseRecord changed = ReleaseRecord.builder("r1", "app", ReleaseRecord.Kind.PROMOTION, T0)
                    .outcome(ReleaseOutcome.ROLLED_BACK).build();
            ReleaseRecord nextDay = record("app", "r1", T0.plus(Duration.ofDays(1)));

            assertThatThrownBy(() -> store().write(changed)).isInstanceOf(ProviderException.class)
                    .hasMessageContaining("already has evidence").hasMessageContaining("never overwritten");
            assertThatThrownBy(() -> store().write(nextDay)).isInstanceOf(ProviderException.class)
                    .hasMessageContaining("2025-03-14-app-r1.json");
            assertThat(store().read("app", "r1")).contains(first);
            assertThat(Files.readString(evidence().resolve("2025-03-14-app-r1.md"))).contains("**PROMOTED**");
        }

        @Test
        @DisplayName("two releases whose names collide on disk are told apart and the second is refused")
        void collidingNames() {
            ReleaseRecord ab = record("a-b", "c", T0);
            store().write(ab);

            assertThatThrownBy(() -> store().write(record("a", "b-c", T0))).isInstanceOf(ProviderException.class)
                    .hasMessageContaining("collide");
            assertThat(store().read("a-b", "c")).contains(ab);
            assertThat(store().read("a", "b-c")).isEmpty();
        }

        @Test
        @DisplayName("a report left by a crash before its record was committed is replaced")
        void uncommittedReportReplaced() throws IOException {
            Files.createDirectories(evidence());
            Files.writeString(evidence().resolve("2025-03-14-app-r1.md"), "half a report");

            store().write(record("app", "r1", T0));

            assertThat(Files.readString(evidence().resolve("2025-03-14-app-r1.md"))).startsWith("# Release evidence");
        }

        @Test
        @DisplayName("latest() returns the app's records newest first by start time, at most limit")
        void latest() {
            ReleaseRecord oldest = record("app", "r-old", T0.minus(Duration.ofDays(30)));
            ReleaseRecord morning = record("app", "r-z-morning", T0);
            ReleaseRecord evening = record("app", "r-a-evening", T0.plus(Duration.ofHours(10)));
            ReleaseRecord newest = record("app", "r-new", T0.plus(Duration.ofDays(2)));
            for (ReleaseRecord r : List.of(morning, newest, oldest, evening, record("other", "r-x", T0),
                    record("app-two", "r-y", T0.plus(Duration.ofDays(5))))) {
                store().write(r);
            }

            assertThat(store().latest("app", 3)).containsExactly(newest, evening, morning);
            assertThat(store().latest("app", 10)).containsExactly(newest, evening, morning, oldest);
            assertThat(store().latest("app", 0)).isEmpty();
            assertThat(FileEvidenceStore.of(dir.resolve("nowhere")).latest("app", 5)).isEmpty();
        }

        @Test
        @DisplayName("a damaged record is an error naming the file, not silently skipped")
        void damagedRecord() throws IOException {
            store().write(record("app", "r1", T0));
            Files.writeString(evidence().resolve("2025-03-14-app-r1.json"), "{\"releaseId\": \"r1\", ");

            assertThatThrownBy(() -> store().latest("app", 5)).isInstanceOf(ProviderException.class)
                    .hasMessageContaining("2025-03-14-app-r1.json");
        }
    }

    @Nested
    @DisplayName("names")
    class Names {

        @Test
        @DisplayName("path traversal and odd characters in app names and release ids are rejected, nothing written")
        void traversalRejected() throws IOException {
            FileEvidenceStore store = store();
            for (String bad : List.of("../etc", "..", "a/b", "a\\b", ".hidden", "", "a..b", "app name",
                    "x".repeat(129), "caf\u00e9")) {
                assertThatThrownBy(() -> store.write(record(bad, "r1", T0)), bad)
                        .isInstanceOf(ProviderException.class).hasMessageContaining("invalid name");
                assertThatThrownBy(() -> store.write(record("app", bad, T0)), bad)
                        .isInstanceOf(ProviderException.class).hasMessageContaining("may contain only letters");
                assertThatThrownBy(() -> store.appendJournal(new JournalEntry("app", bad, 1, T0, "S", Map.of())))
                        .isInstanceOf(ProviderException.class);
                assertThatThrownBy(() -> store.tryLock(bad, "r1", LockOwner.random(), "h", T0))
                        .isInstanceOf(ProviderException.class);
                assertThatThrownBy(() -> store.read("app", bad)).isInstanceOf(ProviderException.class);
            }
            assertThat(tree(dir)).isEmpty();
        }

        @Test
        @DisplayName("letters, digits, dot, underscore and dash are accepted as they are")
        void allowedNames() {
            store().write(record("Trade_Nexus.backend-2", "v1.2.3_rc-1", T0));

            assertThat(store().read("Trade_Nexus.backend-2", "v1.2.3_rc-1")).isPresent();
        }
    }

    @Nested
    @DisplayName("the journal")
    class Journal {

        private JournalEntry entry(int sequence, String state) {
            return new JournalEntry("app", "r1", sequence, T0.plusSeconds(sequence), state,
                    Map.of("revision", "app--2", "weight", String.valueOf(sequence * 10)));
        }

        private Path journalDir() {
            return evidence().resolve(".journal/app/r1");
        }

        @Test
        @DisplayName("entries are durable files read back in sequence order by any store on the directory")
        void appendAndRead() throws IOException {
            store().appendJournal(entry(2, "MERGING"));
            store().appendJournal(entry(1, "GATES"));
            store().appendJournal(entry(10, "SHIFTING"));

            assertThat(FileEvidenceStore.of(evidence()).journal("app", "r1")).extracting(JournalEntry::state)
                    .containsExactly("GATES", "MERGING", "SHIFTING");
            assertThat(tree(journalDir())).containsExactly("0000000001.json", "0000000002.json", "0000000010.json");
            assertThat(store().journal("app", "other")).isEmpty();
        }

        @Test
        @DisplayName("re-appending an identical entry is a no-op; a different entry under the same sequence fails")
        void idempotentAppend() {
            store().appendJournal(entry(1, "GATES"));
            store().appendJournal(entry(1, "GATES"));

            assertThatThrownBy(() -> store().appendJournal(entry(1, "MERGING")))
                    .isInstanceOf(ProviderException.class)
                    .hasMessageContaining("journal entry 1 already exists with different content");
            assertThat(store().journal("app", "r1")).containsExactly(entry(1, "GATES"));
        }

        @Test
        @DisplayName("a torn last entry is ignored, and appending that sequence again replaces it")
        void tornTail() throws IOException {
            store().appendJournal(entry(1, "GATES"));
            store().appendJournal(entry(2, "MERGING"));
            byte[] whole = EvidenceJson.toBytes(entry(3, "SHIFTING"));
            Files.write(journalDir().resolve("0000000003.json"), java.util.Arrays.copyOf(whole, whole.length / 2));
            Files.writeString(journalDir().resolve(".0000000004.json.123.tmp"), "{\"app\":");

            assertThat(store().journal("app", "r1")).extracting(JournalEntry::sequence).containsExactly(1, 2);

            store().appendJournal(entry(3, "SHIFTING"));
            assertThat(store().journal("app", "r1")).extracting(JournalEntry::sequence).containsExactly(1, 2, 3);
        }

        @Test
        @DisplayName("a damaged entry before the last is corruption, not a torn write, and fails")
        void corruptMiddle() throws IOException {
            store().appendJournal(entry(1, "GATES"));
            store().appendJournal(entry(2, "MERGING"));
            Files.writeString(journalDir().resolve("0000000001.json"), "garbage");

            assertThatThrownBy(() -> store().journal("app", "r1")).isInstanceOf(ProviderException.class)
                    .hasMessageContaining("0000000001.json").hasMessageContaining("not the last");
        }
    }

    @Nested
    @DisplayName("the release lock")
    class Lock {

        private final LockOwner a = LockOwner.random();
        private final LockOwner b = LockOwner.random();

        @Test
        @DisplayName("is exclusive: a second release learns who holds it (release, owner, host, since), live")
        void exclusive() throws IOException {
            try {
                assertThat(store().tryLock("app", "r1", a, "agent-7", T0)).isEmpty();

                Optional<ReleaseLock> holder = store().tryLock("app", "r2", b, "agent-9", T0.plusSeconds(60));

                ReleaseLock l = holder.orElseThrow();
                assertThat(l).extracting(ReleaseLock::releaseId, ReleaseLock::owner, ReleaseLock::host,
                        ReleaseLock::since).containsExactly("r1", a.id(), "agent-7", T0);
                assertThat(l.isStale(Instant.now())).isFalse();
                assertThat(new ReleaseInProgressException(l, false).getMessage())
                        .startsWith("release r1 in progress since 2025-03-14T09:20:00Z on agent-7 for app app (owner "
                                + a.id() + ", live");
                assertThat(store().currentLock("app")).contains(l);
                String onDisk = Files.readString(evidence().resolve(".locks/app.lock"));
                assertThat(EvidenceJson.fromBytes(onDisk.getBytes(StandardCharsets.UTF_8), ReleaseLock.class))
                        .isEqualTo(l);
                assertThat(onDisk).as("the private token is never written").doesNotContain(a.token());
            } finally {
                store().unlock("app", a);
            }
        }

        @Test
        @DisplayName("a live holder renews its lock past its TTL; unlock stops the heartbeat thread")
        void heartbeat() {
            FileEvidenceStore store = store().withLockTtl(Duration.ofMillis(400));
            store.tryLock("app", "r1", a, "agent-7", T0);
            Instant firstExpiry = store.currentLock("app").orElseThrow().expiresAt();
            assertThat(heartbeatThreads()).containsExactly("file-lock-heartbeat-app");

            await(() -> Instant.now().isAfter(firstExpiry.plusMillis(400)), "two TTLs to pass");

            assertThat(store.holdsLock("app", a)).as("renewed by its heartbeat").isTrue();
            assertThat(store.currentLock("app").orElseThrow().expiresAt()).isAfter(firstExpiry);
            assertThat(store.tryLock("app", "r1", b, "agent-8", T0)).as("still live").isPresent();
            store.unlock("app", a);
            await(() -> heartbeatThreads().isEmpty(), "the heartbeat thread to end");
            assertThat(store.currentLock("app")).isEmpty();
        }

        @Test
        @DisplayName("a holder whose lock another process took over finds it lost at its next heartbeat")
        void lostToAnotherProcess() throws IOException {
            FileEvidenceStore store = store().withLockTtl(Duration.ofMillis(400));
            store.tryLock("app", "r1", a, "agent-7", T0);
            ReleaseLock taken = new ReleaseLock("app", "r1", b.id(), "agent-8", T0, Instant.now().plusSeconds(600));
            Files.write(evidence().resolve(".locks/app.lock"), EvidenceJson.toBytes(taken));

            await(() -> heartbeatThreads().isEmpty(), "the heartbeat to find the lock lost and stop");

            assertThat(store.holdsLock("app", a)).isFalse();
            store.unlock("app", a);
            assertThat(store.currentLock("app")).get().extracting(ReleaseLock::owner).isEqualTo(b.id());
        }

        @Test
        @DisplayName("a lock whose expiry passed with no live process is stale; a resume of its release takes it")
        void expired() throws IOException {
            Files.createDirectories(evidence().resolve(".locks"));
            ReleaseLock dead = new ReleaseLock("app", "r1", "o-dead", "agent-7", T0, Instant.now().minusSeconds(1));
            Files.write(evidence().resolve(".locks/app.lock"), EvidenceJson.toBytes(dead));

            assertThat(store().tryLock("app", "r2", a, "agent-8", T0)).contains(dead);
            assertThat(store().tryLock("app", "r1", a, "agent-8", T0)).isEmpty();
            assertThat(store().holdsLock("app", a)).isTrue();
            store().unlock("app", a);
        }

        @Test
        @DisplayName("a lock file from a version without owners reads as stale, owner unknown")
        void legacy() throws IOException {
            Files.createDirectories(evidence().resolve(".locks"));
            Files.writeString(evidence().resolve(".locks/app.lock"), "{\"app\":\"app\",\"releaseId\":\"r1\","
                    + "\"host\":\"agent-7\",\"since\":\"2025-03-14T09:20:00Z\"}");

            assertThat(store().currentLock("app")).get().satisfies(l -> {
                assertThat(l.owner()).isEqualTo(ReleaseLock.UNKNOWN_OWNER);
                assertThat(l.isStale(Instant.now())).isTrue();
            });
        }

        @Test
        @DisplayName("of many stores racing for the lock at once, exactly one wins and the rest name it")
        void race() throws Exception {
            int racers = 8;
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(racers);
            List<LockOwner> owners = new ArrayList<>();
            try {
                List<Future<Optional<ReleaseLock>>> results = new ArrayList<>();
                for (int i = 0; i < racers; i++) {
                    String id = "r" + i;
                    LockOwner owner = LockOwner.random();
                    owners.add(owner);
                    FileEvidenceStore own = store();
                    results.add(pool.submit((Callable<Optional<ReleaseLock>>) () -> {
                        start.await();
                        return own.tryLock("app", id, owner, "host-" + id, T0);
                    }));
                }
                start.countDown();
                List<Optional<ReleaseLock>> outcomes = new ArrayList<>();
                for (Future<Optional<ReleaseLock>> f : results) {
                    outcomes.add(f.get(30, TimeUnit.SECONDS));
                }

                String winner = store().currentLock("app").orElseThrow().releaseId();
                assertThat(outcomes).filteredOn(Optional::isEmpty).hasSize(1);
                assertThat(outcomes).filteredOn(Optional::isPresent)
                        .allSatisfy(o -> assertThat(o.orElseThrow().releaseId()).isEqualTo(winner));
            } finally {
                pool.shutdownNow();
                owners.forEach(o -> store().unlock("app", o));
            }
        }

        @Test
        @DisplayName("holds across processes: another JVM with the same release id is refused while this one lives")
        void acrossProcesses() throws Exception {
            store().tryLock("app", "r1", a, "parent-host", T0);

            assertThat(runChild("r1")).isEqualTo("held-by r1 parent-host");
            assertThat(runChild("r-child")).isEqualTo("held-by r1 parent-host");
            store().unlock("app", a);
            assertThat(runChild("r-child")).isEqualTo("acquired");
            // The child exited without unlocking: its process is gone, so its lock is stale at once.
            assertThat(store().tryLock("app", "r1", a, "parent-host", T0)).get().satisfies(l -> {
                assertThat(l.releaseId()).isEqualTo("r-child");
                assertThat(l.isStale(Instant.now())).as("stale: " + l).isTrue();
            });
            assertThat(store().tryLock("app", "r-child", a, "parent-host", T0)).as("its resume takes it").isEmpty();
            store().unlock("app", a);
        }

        private List<String> heartbeatThreads() {
            return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                    .filter(n -> n.startsWith("file-lock-heartbeat-")).toList();
        }

        private void await(java.util.function.BooleanSupplier condition, String what) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("waited 20 s for " + what);
                }
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }

        private String runChild(String releaseId) throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    LockFromAnotherProcess.class.getName(), evidence().toString(), "app", releaseId)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as(out).isZero();
            return out;
        }
    }
}
