package io.releasepipeline.azure;

import static io.releasepipeline.azure.EvidenceSamples.START;
import static io.releasepipeline.azure.EvidenceSamples.entry;
import static io.releasepipeline.azure.EvidenceSamples.fullRecord;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.evidence.EvidenceReport;
import io.releasepipeline.evidence.JournalEntry;
import io.releasepipeline.evidence.LockOwner;
import io.releasepipeline.evidence.ReleaseLock;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.file.FileEvidenceStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Blob evidence store against a real Azurite started by the test. */
class BlobEvidenceStoreTest {

    private static final String APP = "trade-nexus-backend";

    private static Azurite azurite;

    private String containerName;
    private BlobEvidenceStore store;
    /** A second store on the same container: another process. */
    private BlobEvidenceStore otherProcess;

    @BeforeAll
    static void startAzurite() throws IOException {
        azurite = Azurite.shared();
    }

    @BeforeEach
    void newContainer() {
        containerName = "ev-" + UUID.randomUUID().toString().substring(0, 8);
        store = newStore();
        otherProcess = newStore();
    }

    @AfterEach
    void closeStores() {
        store.close();
        otherProcess.close();
    }

    private BlobEvidenceStore newStore() {
        return BlobEvidenceStore.builder().connectionString(azurite.connectionString()).container(containerName)
                .leaseDuration(Duration.ofSeconds(15)).retry(2, Duration.ofMillis(1), Duration.ofMillis(5)).build();
    }

    private BlobContainerClient container() {
        return new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .getBlobContainerClient(containerName);
    }

    private List<String> blobNames() {
        return container().listBlobs().stream().map(BlobItem::getName).sorted().toList();
    }

    @Nested
    @DisplayName("evidence")
    class Evidence {

        @Test
        @DisplayName("a written record reads back equal; evidence/<app>/<date>-<app>-<id> has .json, .md and .svg")
        void writeRead() {
            ReleaseRecord record = fullRecord("rel-1");

            String location = store.write(record);

            assertThat(otherProcess.read(APP, "rel-1")).contains(record);
            String base = "evidence/" + APP + "/2026-01-05-" + APP + "-rel-1";
            assertThat(blobNames()).containsExactly(base + ".json", base + ".md", base + ".svg");
            assertThat(location).as("the report people read").endsWith("/" + containerName + "/" + base + ".md");
            assertThat(container().getBlobClient(base + ".md").downloadContent().toString())
                    .isEqualTo(EvidenceReport.markdown(record, "2026-01-05-" + APP + "-rel-1.svg"));
            assertThat(container().getBlobClient(base + ".svg").getProperties().getContentType())
                    .isEqualTo("image/svg+xml");
            assertThat(store.read(APP, "rel-2")).isEmpty();
            assertThat(store.read(APP, "1")).as("a release id that is a suffix of another").isEmpty();
        }

        @Test
        @DisplayName("written with the team's evidence template, the .md blob is the template filled in; the record "
                + "is the same")
        void writeWithTemplate() {
            ReleaseRecord record = fullRecord("rel-1");
            io.releasepipeline.evidence.EvidenceTemplate template = io.releasepipeline.evidence.EvidenceTemplate
                    .parse("form", "# {{app}} {{release_id}}\n\n{{gates_table}}\n");

            String location = store.write(record, template);

            String base = "evidence/" + APP + "/2026-01-05-" + APP + "-rel-1";
            assertThat(location).endsWith("/" + containerName + "/" + base + ".md");
            assertThat(container().getBlobClient(base + ".md").downloadContent().toString())
                    .isEqualTo(template.render(record, "2026-01-05-" + APP + "-rel-1.svg"))
                    .startsWith("# `" + APP + "` `rel-1`\n");
            assertThat(otherProcess.read(APP, "rel-1")).contains(record);
            assertThat(store.write(record)).as("identical record, whatever renders the Markdown").isEqualTo(location);
        }

        @Test
        @DisplayName("writing the identical record again succeeds; a different one for the same release fails")
        void neverOverwrites() {
            ReleaseRecord record = fullRecord("rel-1");
            store.write(record);

            assertThat(otherProcess.write(record)).endsWith("rel-1.md");
            ReleaseRecord different = ReleaseRecord.builder("rel-1", APP, ReleaseRecord.Kind.PROMOTION, START)
                    .outcome(ReleaseOutcome.PROMOTED).build();
            assertThatThrownBy(() -> otherProcess.write(different)).isInstanceOfSatisfying(
                    AzureProviderException.class, e -> assertThat(e.getMessage())
                            .contains("a different final record of release rel-1", "never overwritten"));
            assertThat(store.read(APP, "rel-1")).contains(record);
            ReleaseRecord sameReleaseOtherDay = fullRecord("rel-1", START.plus(Duration.ofDays(1)));
            assertThatThrownBy(() -> otherProcess.write(sameReleaseOtherDay))
                    .isInstanceOf(AzureProviderException.class);
            assertThat(blobNames()).noneMatch(name -> name.contains("2026-01-06"));
        }

        @Test
        @DisplayName("the filesystem store's files, byte for byte; each store reads the records the other wrote")
        void sameAsFileStore(@TempDir Path dir) throws IOException {
            FileEvidenceStore files = FileEvidenceStore.of(dir);
            ReleaseRecord both = fullRecord("rel-1");
            files.write(both);
            store.write(both);

            String prefix = "evidence/" + APP + "/";
            List<String> fileNames;
            try (Stream<Path> listing = Files.list(dir)) {
                fileNames = listing.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted()
                        .toList();
            }
            assertThat(blobNames()).containsExactlyElementsOf(fileNames.stream().map(n -> prefix + n).toList());
            for (String name : fileNames) {
                assertThat(container().getBlobClient(prefix + name).downloadContent().toBytes()).as(name)
                        .isEqualTo(Files.readAllBytes(dir.resolve(name)));
            }

            ReleaseRecord byFiles = fullRecord("rel-2", START.plus(Duration.ofDays(1)));
            files.write(byFiles);
            String byFilesJson = "2026-01-06-" + APP + "-rel-2.json";
            container().getBlobClient(prefix + byFilesJson).upload(BinaryData.fromFile(dir.resolve(byFilesJson)));
            assertThat(store.read(APP, "rel-2")).contains(byFiles);

            ReleaseRecord byBlob = fullRecord("rel-3", START.plus(Duration.ofDays(2)));
            store.write(byBlob);
            String byBlobJson = "2026-01-07-" + APP + "-rel-3.json";
            Files.write(dir.resolve(byBlobJson), container().getBlobClient(prefix + byBlobJson).downloadContent()
                    .toBytes());
            assertThat(files.read(APP, "rel-3")).contains(byBlob);
        }

        @Test
        @DisplayName("latest answers the app's newest records first, at most the limit, other apps excluded")
        void latest() {
            List<ReleaseRecord> written = new ArrayList<>();
            for (int day = 0; day < 4; day++) {
                for (int hour = 0; hour < 2; hour++) {
                    Instant start = START.plus(Duration.ofDays(day)).plus(Duration.ofHours(hour * 5L));
                    ReleaseRecord r = fullRecord("rel-" + day + "-" + hour, start);
                    store.write(r);
                    written.add(r);
                }
            }
            store.write(ReleaseRecord.builder("x", "other-app", ReleaseRecord.Kind.ROLLBACK,
                    START.plus(Duration.ofDays(9))).build());

            assertThat(store.latest(APP, 3)).extracting(ReleaseRecord::releaseId)
                    .containsExactly("rel-3-1", "rel-3-0", "rel-2-1");
            assertThat(store.latest(APP, 100)).hasSize(8);
            assertThat(store.latest("nobody", 5)).isEmpty();
        }

        @Test
        @DisplayName("readAll reads every record of the app one at a time, names a blob that is no record and goes on")
        void readAllSkipsWhatIsNoRecord() {
            store.write(fullRecord("rel-1"));
            store.write(fullRecord("rel-2", START.plus(Duration.ofDays(1))));
            store.write(ReleaseRecord.builder("x", "other-app", ReleaseRecord.Kind.ROLLBACK, START).build());
            String garbage = "evidence/" + APP + "/2026-01-06-" + APP + "-rel-3.json";
            container().getBlobClient(garbage).upload(com.azure.core.util.BinaryData.fromString("{\"releaseId\": "
                    + "\"rel-3\", cut"));
            String empty = "evidence/" + APP + "/2026-01-07-" + APP + "-rel-4.json";
            container().getBlobClient(empty).upload(com.azure.core.util.BinaryData.fromString("null"));
            List<String> read = new ArrayList<>();
            List<String> unreadable = new ArrayList<>();

            store.readAll(APP, r -> read.add(r.releaseId()), (name, why) -> unreadable.add(name + ": " + why));

            assertThat(read).containsExactlyInAnyOrder("rel-1", "rel-2");
            assertThat(unreadable).containsExactlyInAnyOrder(garbage + ": is not a valid release record (Unexpected "
                    + "character ('c' (code 99)): was expecting double-quote to start field name at line 1, column "
                    + "24); it was edited or damaged outside the store: restore it or delete the blob",
                    empty + ": is not a release record (it holds JSON null); restore it or delete the blob");
        }
    }

    @Nested
    @DisplayName("journal")
    class Journal {

        @Test
        @DisplayName("entries come back in sequence order, one blob each")
        void ordered() {
            store.appendJournal(entry("rel-1", 2, "SHIFTING"));
            store.appendJournal(entry("rel-1", 10, "DONE"));
            store.appendJournal(entry("rel-1", 1, "MERGING"));
            store.appendJournal(entry("rel-2", 1, "MERGING"));

            assertThat(otherProcess.journal(APP, "rel-1")).extracting(JournalEntry::sequence).containsExactly(1, 2, 10);
            assertThat(blobNames()).contains("journal/" + APP + "/rel-1/1.json", "journal/" + APP + "/rel-1/10.json");
            assertThat(store.journal(APP, "rel-9")).isEmpty();
        }

        @Test
        @DisplayName("re-appending an identical entry is a no-op; a different entry with the same sequence fails")
        void appendOnly() {
            store.appendJournal(entry("rel-1", 1, "MERGING"));
            otherProcess.appendJournal(entry("rel-1", 1, "MERGING"));

            assertThatThrownBy(() -> otherProcess.appendJournal(entry("rel-1", 1, "SHIFTING")))
                    .isInstanceOfSatisfying(AzureProviderException.class, e -> assertThat(e.getMessage())
                            .contains("journal entry 1 of release rel-1 already exists"));
            assertThat(store.journal(APP, "rel-1")).extracting(JournalEntry::state).containsExactly("MERGING");
        }
    }

    @Nested
    @DisplayName("lock")
    class Lock {

        private final LockOwner a = LockOwner.random();
        private final LockOwner b = LockOwner.random();

        @Test
        @DisplayName("one release at a time: the second is told who holds the lock, until it is released")
        void exclusive() {
            assertThat(store.tryLock(APP, "rel-1", a, "host-a", START)).isEmpty();

            Optional<ReleaseLock> holder = otherProcess.tryLock(APP, "rel-2", b, "host-b", START.plusSeconds(5));
            assertThat(holder).get().extracting(ReleaseLock::releaseId, ReleaseLock::owner, ReleaseLock::host,
                    ReleaseLock::since).containsExactly("rel-1", a.id(), "host-a", START);
            assertThat(otherProcess.currentLock(APP)).get().extracting(ReleaseLock::owner).isEqualTo(a.id());

            otherProcess.unlock(APP, b);
            assertThat(store.currentLock(APP)).as("unlock by a non-holder does nothing").isPresent();

            store.unlock(APP, a);
            assertThat(otherProcess.currentLock(APP)).isEmpty();
            assertThat(otherProcess.tryLock(APP, "rel-2", b, "host-b", START.plusSeconds(9))).isEmpty();
            assertThat(store.currentLock(APP)).map(ReleaseLock::releaseId).contains("rel-2");
        }

        @Test
        @DisplayName("the lease id is the owner's random token, and the blob names the owner, never the token")
        void leaseIdIsTheOwnersToken() {
            store.tryLock(APP, "rel-1", a, "host-a", START);

            String content = container().getBlobClient("locks/" + APP + ".lock").downloadContent().toString();
            assertThat(content).contains(a.id()).doesNotContain(a.token());
            assertThat(new com.azure.storage.blob.specialized.BlobLeaseClientBuilder()
                    .blobClient(container().getBlobClient("locks/" + APP + ".lock")).leaseId(a.token())
                    .buildClient().renewLease()).isEqualTo(a.token());
        }

        @Test
        @DisplayName("the same release from another process is refused while the first one's lease lives")
        void notReentrantAcrossProcesses() {
            assertThat(store.tryLock(APP, "rel-1", a, "host-a", START)).isEmpty();
            store.close(); // the first process stops renewing; its lease is still active

            assertThat(otherProcess.tryLock(APP, "rel-1", b, "host-c", START.plusSeconds(30)))
                    .get().extracting(ReleaseLock::owner).isEqualTo(a.id());
            assertThat(otherProcess.holdsLock(APP, b)).isFalse();
            assertThat(store.holdsLock(APP, a)).isTrue();
        }

        @Test
        @DisplayName("breakLock ends a lock held by the given release from any process; the holder notices")
        void breakStale() {
            store.tryLock(APP, "rel-1", a, "host-a", START);
            assertThat(store.renewHeldLease(APP)).isTrue();

            assertThat(otherProcess.breakLock(APP, "rel-2")).isFalse();
            assertThat(otherProcess.breakLock(APP, "rel-1")).isTrue();

            assertThat(otherProcess.currentLock(APP)).isEmpty();
            assertThat(store.renewHeldLease(APP)).as("the lost lease is dropped, not silently renewed").isFalse();
            assertThat(store.holdsLock(APP, a)).isFalse();
            assertThat(otherProcess.tryLock(APP, "rel-2", b, "host-b", START)).isEmpty();
            assertThat(otherProcess.breakLock(APP, "rel-1")).as("no longer held by rel-1").isFalse();
            assertThat(store.holdsLock(APP, a)).isFalse();
        }

        @Test
        @DisplayName("failed renewals are retried; the lock is lost only once the lease has really expired")
        void renewalRetriedUntilExpiry() {
            java.util.concurrent.atomic.AtomicBoolean failRenewals = new java.util.concurrent.atomic.AtomicBoolean();
            com.azure.core.http.HttpClient real = com.azure.core.http.HttpClient.createDefault();
            BlobEvidenceStore flaky = BlobEvidenceStore.builder().connectionString(azurite.connectionString())
                    .container(containerName).leaseDuration(Duration.ofSeconds(15))
                    .retry(1, Duration.ofMillis(1), Duration.ofMillis(5))
                    .httpClient(request -> failRenewals.get() && "renew".equals(
                            request.getHeaders().getValue("x-ms-lease-action"))
                            ? reactor.core.publisher.Mono.error(new IOException("injected: connection reset"))
                            : real.send(request))
                    .build();
            try {
                assertThat(flaky.tryLock(APP, "rel-1", a, "host-a", START)).isEmpty();
                failRenewals.set(true);
                Instant failingSince = Instant.now();

                assertThat(flaky.renewHeldLease(APP)).as("one failure does not drop the lease").isTrue();
                assertThat(renewerThreads()).contains("blob-lease-renewer-" + APP);
                await(() -> !renewerThreads().contains("blob-lease-renewer-" + APP), Duration.ofSeconds(40));

                assertThat(Duration.between(failingSince, Instant.now())).as("kept until the lease expired")
                        .isGreaterThanOrEqualTo(Duration.ofSeconds(14));
                assertThat(flaky.holdsLock(APP, a)).as("then lost").isFalse();
                assertThat(otherProcess.currentLock(APP)).get().satisfies(
                        l -> assertThat(l.isStale(Instant.now())).as("the expired lease is stale: " + l).isTrue());
            } finally {
                flaky.close();
            }
        }

        private List<String> renewerThreads() {
            return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                    .filter(n -> n.startsWith("blob-lease-renewer-")).toList();
        }

        private void await(java.util.function.BooleanSupplier condition, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("condition not met within " + timeout);
                }
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            }
        }

        @Test
        @DisplayName("of many processes racing for the lock, exactly one gets it")
        void race() throws Exception {
            List<BlobEvidenceStore> processes = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                processes.add(newStore());
            }
            ExecutorService pool = Executors.newFixedThreadPool(processes.size());
            try {
                List<Future<Optional<ReleaseLock>>> attempts = new ArrayList<>();
                for (int i = 0; i < processes.size(); i++) {
                    BlobEvidenceStore p = processes.get(i);
                    String release = "rel-" + i;
                    attempts.add(pool.submit((Callable<Optional<ReleaseLock>>) () ->
                            p.tryLock(APP, release, LockOwner.random(), "host", START)));
                }
                int winners = 0;
                for (Future<Optional<ReleaseLock>> attempt : attempts) {
                    winners += attempt.get().isEmpty() ? 1 : 0;
                }
                assertThat(winners).isEqualTo(1);
            } finally {
                pool.shutdownNow();
                processes.forEach(BlobEvidenceStore::close);
            }
        }

        @Test
        @DisplayName("no lock blob yet means no lock")
        void none() {
            assertThat(store.currentLock(APP)).isEmpty();
            assertThat(store.breakLock(APP, "rel-1")).isFalse();
            store.unlock(APP, LockOwner.random());
        }
    }

    @Test
    @DisplayName("configuration is validated at once, and the account key never shows in toString or errors")
    void configuration() {
        assertThat(store.toString()).contains(containerName).doesNotContain(Azurite.devKey(), "AccountKey");
        assertThatThrownBy(() -> BlobEvidenceStore.builder().container("Bad_Name").leaseDuration(Duration.ofSeconds(5))
                .build()).isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .hasSize(3).anySatisfy(p -> assertThat(p).startsWith("connection:"))
                        .anySatisfy(p -> assertThat(p).startsWith("container:"))
                        .anySatisfy(p -> assertThat(p).startsWith("leaseDuration:")));
        assertThatThrownBy(() -> BlobEvidenceStore.builder().connectionString("AccountKey=c2VjcmV0;nonsense").build())
                .isInstanceOf(InvalidConfigurationException.class).hasMessageNotContaining("c2VjcmV0");
    }
}
