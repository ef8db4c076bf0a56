package io.releasepipeline.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.LeaseStateType;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobBreakLeaseOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.azure.storage.blob.specialized.BlobLeaseClient;
import com.azure.storage.blob.specialized.BlobLeaseClientBuilder;
import io.releasepipeline.azure.internal.ArmSettings;
import io.releasepipeline.azure.internal.AzureErrors;
import io.releasepipeline.azure.internal.EnvironmentTokenCredential;
import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.evidence.EvidenceJson;
import io.releasepipeline.evidence.EvidenceMarkdown;
import io.releasepipeline.evidence.EvidenceReport;
import io.releasepipeline.evidence.EvidenceStore;
import io.releasepipeline.evidence.JournalEntry;
import io.releasepipeline.evidence.LockOwner;
import io.releasepipeline.evidence.ReleaseLock;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.format.SafeText;
import io.releasepipeline.format.Urls;
import io.releasepipeline.format.VariableNames;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Release evidence, journals and the one-release-per-app lock in an Azure Blob Storage container, laid out like
 * the filesystem store:
 * <ul>
 * <li>{@code evidence/<app>/<YYYY-MM-DD>-<app>-<releaseId>.md}: the report people read ({@link EvidenceReport}),
 * linking its {@code .svg} timeline chart next to it;</li>
 * <li>{@code evidence/<app>/<YYYY-MM-DD>-<app>-<releaseId>.json}: the final record itself ({@link EvidenceJson}, the
 * format every store shares), written last: it commits the record, and {@link #read} and {@link #latest} use it
 * alone. The date is the release's start, in UTC;</li>
 * <li>{@code journal/<app>/<releaseId>/<sequence>.json}: one blob per journal entry;</li>
 * <li>{@code locks/<app>.lock}: the lock, a blob lease; the blob holds who took it.</li>
 * </ul>
 * Records and journal entries are single Put Blobs with {@code If-None-Match: *}, so they are atomic and never
 * overwritten; writing the same content again is a no-op, different content is an error. The report and chart are
 * derived from the record and may be replaced until its {@code .json} exists.
 *
 * <p>The lock is a lease of {@link Builder#leaseDuration(Duration)} (default 60 s) whose id is the owner's private
 * random token ({@link LockOwner#token()}), never derived from the app or the release: only the process that took
 * it can renew or release it. While this store holds a lease it renews it on a daemon thread
 * ({@code blob-lease-renewer-<app>}) every quarter of the lease duration; a failed renewal is retried every second
 * until the lease would really expire, and only then is the lock lost (logged at ERROR, {@link #holdsLock} false,
 * so the engine stops at its next journal write). A process that dies leaves a stale lock once its lease expires
 * (within one lease duration): a resume of the same release takes it over, any other release is refused until it is
 * resumed or broken. {@link #breakLock(String, String)} ends a lease at once, from any process. {@link #close()}
 * stops renewing.
 *
 * <p>Thread-safe and safe across processes. Calls block on I/O; failures are {@link AzureProviderException}s. The
 * connection string and account key never appear in a log line, a message or {@link #toString()}.
 */
public final class BlobEvidenceStore implements EvidenceStore, AutoCloseable {

    /** This provider's name in logs, events and evidence. */
    public static final String PROVIDER_NAME = "azure-blob";
    /** The container used unless told otherwise. */
    public static final String DEFAULT_CONTAINER = "release-evidence";
    /** How long a lock lease lasts between renewals: 60 s, the longest finite lease Blob Storage grants. */
    public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(BlobEvidenceStore.class);
    private static final int DATE_LENGTH = "YYYY-MM-DD".length();
    private static final String JSON = "application/json";
    private static final String MARKDOWN = "text/markdown; charset=utf-8";
    private static final String SVG = "image/svg+xml";

    private final BlobContainerClient container;
    private final Duration leaseDuration;
    private final String description;
    /** How soon a failed renewal is tried again (until the lease would expire). */
    private static final Duration RENEWAL_RETRY = Duration.ofSeconds(1);

    /** How long a loser waits for the winner of a race to write its name into the lock blob. */
    private static final Duration HOLDER_WRITE_WAIT = Duration.ofSeconds(3);

    /** The leases this store holds, by app. */
    private final Map<String, HeldLease> heldLeases = new ConcurrentHashMap<>();
    /** The owners whose lease this store found lost: they never hold a lock again. */
    private final java.util.Set<String> lostOwners = ConcurrentHashMap.newKeySet();
    private volatile boolean containerReady;

    private BlobEvidenceStore(Builder b) {
        BlobServiceClientBuilder service = new BlobServiceClientBuilder()
                .retryOptions(new RetryOptions(new ExponentialBackoffOptions().setMaxRetries(b.maxRetries)
                        .setBaseDelay(b.retryBaseDelay).setMaxDelay(b.retryMaxDelay)));
        if (b.connectionString != null) {
            service.connectionString(b.connectionString);
        } else {
            service.endpoint(b.endpoint.toString()).credential(b.credential != null ? b.credential
                    : EnvironmentTokenCredential.forStorage(b.tokenVariable, b.environment, b.endpoint));
        }
        if (b.httpClient != null) {
            service.httpClient(b.httpClient);
        }
        this.container = service.buildClient().getBlobContainerClient(b.container);
        this.leaseDuration = b.leaseDuration;
        this.description = "BlobEvidenceStore[" + container.getBlobContainerUrl() + "]";
    }

    /**
     * A new builder. Not thread-safe; build once and share the store.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String providerName() {
        return PROVIDER_NAME;
    }

    /** True: the Azure SDK retries 429, 5xx and I/O failures itself. */
    @Override
    public boolean retriesOwnCalls() {
        return true;
    }

    /**
     * {@inheritDoc} Uploads the chart, then the report, then the JSON record, which commits it; a record of the same
     * release already there (whatever its date) is kept, and must be equal.
     *
     * @return the URL of the Markdown report
     */
    @Override
    public String write(ReleaseRecord record) {
        return write(record, EvidenceMarkdown.report());
    }

    /**
     * {@inheritDoc} The {@code .md} blob is what {@code markdown} renders (a filled
     * {@link io.releasepipeline.evidence.EvidenceTemplate}, followed by or placing the full report).
     *
     * @return the URL of the Markdown blob
     */
    @Override
    public String write(ReleaseRecord record, EvidenceMarkdown markdown) {
        java.util.Objects.requireNonNull(markdown, "markdown");
        String base = evidenceBase(record.app(), record.releaseId(), record.startedAt());
        String operation = "write(" + record.releaseId() + ")";
        return call(operation, () -> {
            Optional<String> existing = findRecord(record.app(), record.releaseId());
            if (existing.isEmpty()) {
                String svgName = base.substring(base.lastIndexOf('/') + 1) + ".svg";
                upload(container.getBlobClient(base + ".svg"), utf8(EvidenceReport.svg(record)), SVG, null);
                upload(container.getBlobClient(base + ".md"), utf8(markdown.render(record, svgName)),
                        MARKDOWN, null);
                if (createOnce(container.getBlobClient(base + ".json"), EvidenceJson.toBytes(record))) {
                    return urlOf(base + ".md");
                }
                existing = Optional.of(base + ".json");
            }
            if (!readRecord(existing.get()).equals(record)) {
                throw conflict(operation, "a different final record of release " + record.releaseId()
                        + " already exists at " + urlOf(existing.get()) + "; records are never overwritten");
            }
            return urlOf(existing.get().substring(0, existing.get().length() - ".json".length()) + ".md");
        });
    }

    @Override
    public Optional<ReleaseRecord> read(String app, String releaseId) {
        checkName("app", app);
        checkName("releaseId", releaseId);
        return call("read(" + releaseId + ")", () -> findRecord(app, releaseId).map(this::readRecord));
    }

    /**
     * {@inheritDoc} Lists the app's evidence blobs and downloads the newest days' records until {@code limit} are
     * known, so the cost grows with the limit, not with the history.
     */
    @Override
    public List<ReleaseRecord> latest(String app, int limit) {
        checkName("app", app);
        if (limit < 1) {
            return List.of();
        }
        String prefix = "evidence/" + app + "/";
        return call("latest(" + app + ")", () -> {
            List<String> names = list(prefix).stream().filter(n -> n.endsWith(".json"))
                    .sorted(Comparator.reverseOrder()).toList();
            List<ReleaseRecord> records = new ArrayList<>();
            String lastDay = null;
            for (String name : names) {
                String day = name.substring(prefix.length(), Math.min(name.length(), prefix.length() + DATE_LENGTH));
                if (records.size() >= limit && !day.equals(lastDay)) {
                    break;
                }
                records.add(readRecord(name));
                lastDay = day;
            }
            records.sort(Comparator.comparing(ReleaseRecord::startedAt).thenComparing(ReleaseRecord::releaseId)
                    .reversed());
            return List.copyOf(records.subList(0, Math.min(limit, records.size())));
        });
    }

    /**
     * {@inheritDoc} Lists the app's record blobs ({@code evidence/<app>/*.json}) and downloads them one at a time; a
     * blob that does not parse as a record is reported by its blob name and skipped.
     */
    @Override
    public void readAll(String app, java.util.function.Consumer<ReleaseRecord> onRecord,
            java.util.function.BiConsumer<String, String> onUnreadable) {
        checkName("app", app);
        String prefix = "evidence/" + app + "/";
        String operation = "readAll(" + app + ")";
        List<String> names = call(operation, () -> list(prefix).stream().filter(n -> n.endsWith(".json")).sorted()
                .toList());
        for (String name : names) {
            byte[] bytes = call(operation, () -> container.getBlobClient(name).downloadContent().toBytes());
            ReleaseRecord record;
            try {
                record = EvidenceJson.fromBytes(bytes, ReleaseRecord.class);
            } catch (java.io.UncheckedIOException e) {
                onUnreadable.accept(name, "is not a valid release record (" + EvidenceJson.problem(e) + "); it was "
                        + "edited or damaged outside the store: restore it or delete the blob");
                continue;
            }
            if (record == null) {
                onUnreadable.accept(name, "is not a release record (it holds JSON null); restore it or delete the "
                        + "blob");
                continue;
            }
            onRecord.accept(record);
        }
    }

    @Override
    public void appendJournal(JournalEntry entry) {
        checkName("app", entry.app());
        checkName("releaseId", entry.releaseId());
        String operation = "appendJournal(" + entry.releaseId() + "#" + entry.sequence() + ")";
        call(operation, () -> {
            BlobClient blob = container.getBlobClient(journalPrefix(entry.app(), entry.releaseId())
                    + entry.sequence() + ".json");
            if (!createOnce(blob, EvidenceJson.toBytes(entry))
                    && !EvidenceJson.fromBytes(blob.downloadContent().toBytes(), JournalEntry.class).equals(entry)) {
                throw conflict(operation, "journal entry " + entry.sequence() + " of release " + entry.releaseId()
                        + " already exists with different content; a journal is append-only");
            }
            return null;
        });
    }

    @Override
    public List<JournalEntry> journal(String app, String releaseId) {
        checkName("app", app);
        checkName("releaseId", releaseId);
        return call("journal(" + releaseId + ")", () -> list(journalPrefix(app, releaseId)).stream()
                .map(name -> EvidenceJson.fromBytes(container.getBlobClient(name).downloadContent().toBytes(),
                        JournalEntry.class))
                .sorted(Comparator.comparingInt(JournalEntry::sequence))
                .toList());
    }

    /** {@inheritDoc} One listing of {@code journal/<app>/}. */
    @Override
    public List<String> journaledReleases(String app) {
        checkName("app", app);
        String prefix = "journal/" + app + "/";
        return call("journaledReleases(" + app + ")", () -> list(prefix).stream()
                .map(name -> name.substring(prefix.length()))
                .filter(rest -> rest.indexOf('/') > 0)
                .map(rest -> rest.substring(0, rest.indexOf('/')))
                .distinct().sorted().toList());
    }

    /**
     * {@inheritDoc} Acquires the lock blob's lease with the owner's private token as the lease id (creating the blob
     * on first use). A lease already held by another owner means a live holder. A free lease whose blob still names
     * another owner is a stale lock (its holder died and the lease expired, or it was never released): taken over
     * for the same release, reported otherwise. The holder is written into the blob under the lease, and the lease is
     * renewed on a daemon thread named {@code blob-lease-renewer-<app>} every quarter of the lease duration until
     * {@link #unlock} or {@link #close()}; a renewal that fails is retried every second until the lease would really
     * expire, and only then is the lock lost (logged at ERROR; {@link #holdsLock} answers false).
     */
    @Override
    public Optional<ReleaseLock> tryLock(String app, String releaseId, LockOwner owner, String host, Instant now) {
        checkName("app", app);
        checkName("releaseId", releaseId);
        return call("tryLock(" + app + ", " + releaseId + ")", () -> {
            BlobClient blob = container.getBlobClient(lockBlob(app));
            BlobLeaseClient lease = leaseClient(blob, owner);
            try {
                acquire(blob, lease);
            } catch (BlobStorageException e) {
                if (e.getStatusCode() == 409) {
                    return Optional.of(holderOfActiveLease(app, blob));
                }
                throw e;
            }
            Optional<ReleaseLock> before = holder(app, blob);
            if (before.isPresent() && !owner.holds(before.get())) {
                if (!before.get().releaseId().equals(releaseId)) {
                    lease.releaseLease();
                    return Optional.of(before.get().staleAt(Instant.now()));
                }
                LOG.warn("Taking over the stale release lock of {} held by {} (its lease expired)", app,
                        SafeText.line(before.get().describe()));
            }
            ReleaseLock mine = before.filter(owner::holds).orElseGet(() -> new ReleaseLock(app, releaseId,
                    owner.id(), host, now, Instant.now().plus(leaseDuration)));
            blob.uploadWithResponse(new BlobParallelUploadOptions(BinaryData.fromBytes(EvidenceJson.toBytes(mine)))
                    .setHeaders(new BlobHttpHeaders().setContentType(JSON))
                    .setRequestConditions(new BlobRequestConditions().setLeaseId(lease.getLeaseId())),
                    null, Context.NONE);
            startRenewing(app, owner, lease);
            LOG.info("Took the release lock of {} for {} as {} ({})", app, releaseId, owner.id(), urlOf(lockBlob(app)));
            return Optional.empty();
        });
    }

    /** {@inheritDoc} Clears the holder from the blob under the lease, then releases the lease. */
    @Override
    public void unlock(String app, LockOwner owner) {
        checkName("app", app);
        stopRenewing(app, owner);
        call("unlock(" + app + ", " + owner.id() + ")", () -> {
            BlobClient blob = container.getBlobClient(lockBlob(app));
            BlobLeaseClient lease = leaseClient(blob, owner);
            try {
                // Clear the holder first, so a reader never sees a released lock's holder under a new lease.
                blob.uploadWithResponse(new BlobParallelUploadOptions(BinaryData.fromBytes(new byte[0]))
                        .setRequestConditions(new BlobRequestConditions().setLeaseId(lease.getLeaseId())),
                        null, Context.NONE);
                lease.releaseLease();
                LOG.info("Released the release lock of {} held by {}", app, owner.id());
            } catch (BlobStorageException notOurs) {
                if (!leaseNotOurs(notOurs)) {
                    throw notOurs;
                }
            }
            return null;
        });
    }

    /**
     * {@inheritDoc} Renews the lease with the owner's token: the service itself answers whether the lease is still
     * this owner's. False at once for a lease this store already found lost.
     */
    @Override
    public boolean holdsLock(String app, LockOwner owner) {
        checkName("app", app);
        if (lostOwners.contains(owner.id())) {
            return false;
        }
        HeldLease held = heldLeases.get(app);
        return call("holdsLock(" + app + ", " + owner.id() + ")", () -> {
            try {
                leaseClient(container.getBlobClient(lockBlob(app)), owner).renewLease();
            } catch (BlobStorageException e) {
                if (leaseNotOurs(e)) {
                    if (held != null && held.owner.equals(owner)) {
                        lose(app, held, "the lease is no longer this owner's (" + e.getErrorCode() + ")");
                    }
                    return false;
                }
                throw e;
            }
            if (held != null && held.owner.equals(owner)) {
                held.renewed = Instant.now();
            }
            return true;
        });
    }

    /**
     * {@inheritDoc} A leased blob is a live holder (its {@code expiresAt} a lease duration from now); a blob that
     * names a holder without an active lease is a stale one.
     */
    @Override
    public Optional<ReleaseLock> currentLock(String app) {
        checkName("app", app);
        return call("currentLock(" + app + ")", () -> {
            BlobClient blob = container.getBlobClient(lockBlob(app));
            BlobProperties properties;
            try {
                properties = blob.getProperties();
            } catch (BlobStorageException e) {
                if (e.getStatusCode() == 404) {
                    return Optional.empty();
                }
                throw e;
            }
            if (properties.getLeaseState() != LeaseStateType.LEASED) {
                return holder(app, blob).map(l -> l.staleAt(Instant.now()));
            }
            return Optional.of(holderOfActiveLease(app, blob));
        });
    }

    /**
     * {@inheritDoc} Breaks an active lease at once (break period 0) and clears the holder from the blob, so the
     * lock is free; a holder in this process stops renewing, one elsewhere finds its lease gone at its next renewal
     * or {@link #holdsLock}.
     */
    @Override
    public boolean breakLock(String app, String releaseId) {
        checkName("app", app);
        checkName("releaseId", releaseId);
        Optional<ReleaseLock> current = currentLock(app);
        if (current.isEmpty() || !current.get().releaseId().equals(releaseId)) {
            return false;
        }
        HeldLease here = heldLeases.get(app);
        if (here != null) {
            lose(app, here, "its lock was broken by request");
        }
        return call("breakLock(" + app + ", " + releaseId + ")", () -> {
            BlobClient blob = container.getBlobClient(lockBlob(app));
            try {
                new BlobLeaseClientBuilder().blobClient(blob).buildClient().breakLeaseWithResponse(
                        new BlobBreakLeaseOptions().setBreakPeriod(Duration.ZERO), null, Context.NONE);
            } catch (BlobStorageException notLeased) {
                if (notLeased.getStatusCode() != 409) {
                    throw notLeased;
                }
            }
            try {
                blob.uploadWithResponse(new BlobParallelUploadOptions(BinaryData.fromBytes(new byte[0])), null,
                        Context.NONE);
            } catch (BlobStorageException takenMeanwhile) {
                if (takenMeanwhile.getStatusCode() != 412 && takenMeanwhile.getStatusCode() != 409) {
                    throw takenMeanwhile;
                }
            }
            LOG.warn("Broke the release lock of {} held by {}", app, SafeText.line(current.get().describe()));
            return true;
        });
    }

    /**
     * Renews the app's lease this store holds, now; the background renewer calls this. A failure is retried (the
     * caller schedules the next try) until the lease would really expire; then, or at once if the service says the
     * lease is no longer ours (broken, taken over), the lock is lost: logged at ERROR, renewing stops, and
     * {@link #holdsLock} answers false.
     *
     * @return true if the lease is still held
     */
    boolean renewHeldLease(String app) {
        HeldLease held = heldLeases.get(app);
        if (held == null || held.lost) {
            return false;
        }
        try {
            held.lease.renewLease();
            held.renewed = Instant.now();
            return true;
        } catch (BlobStorageException e) {
            if (leaseNotOurs(e)) {
                lose(app, held, "the lease is no longer this owner's (" + e.getErrorCode() + ")");
                return false;
            }
            return renewalFailed(app, held, e);
        } catch (RuntimeException e) {
            return renewalFailed(app, held, e);
        }
    }

    /** Whether the service refused a lease call because the lease is gone or another's (409, 412, 404). */
    private static boolean leaseNotOurs(BlobStorageException e) {
        int status = e.getStatusCode();
        return status == 409 || status == 412 || status == 404;
    }

    private boolean renewalFailed(String app, HeldLease held, RuntimeException e) {
        String why = AzureErrors.translate(PROVIDER_NAME, "renewLease", e).getMessage();
        if (!Instant.now().isBefore(held.renewed.plus(leaseDuration))) {
            lose(app, held, "renewals failed until the lease expired: " + why);
            return false;
        }
        LOG.warn("Could not renew the release lock of {} ({}); retrying until it would expire at {}", app,
                SafeText.line(why),
                held.renewed.plus(leaseDuration));
        return true;
    }

    private void lose(String app, HeldLease held, String why) {
        if (!held.lost) {
            held.lost = true;
            lostOwners.add(held.owner.id());
            LOG.error("Lost the release lock of {} held by {}: {}; the release stops before its next side effect",
                    app, held.owner.id(), SafeText.line(why));
        }
        heldLeases.remove(app, held);
        held.renewer.shutdown();
    }

    /** Stops renewing leases (they then expire within one lease duration unless released). Idempotent. */
    @Override
    public void close() {
        heldLeases.values().forEach(h -> h.renewer.shutdown());
        heldLeases.clear();
    }

    /** The container's URL; never a key or connection string. */
    @Override
    public String toString() {
        return description;
    }

    private void acquire(BlobClient blob, BlobLeaseClient lease) {
        int seconds = (int) leaseDuration.getSeconds();
        try {
            lease.acquireLease(seconds);
        } catch (BlobStorageException e) {
            if (e.getStatusCode() != 404) {
                throw e;
            }
            createOnce(blob, new byte[0]);
            lease.acquireLease(seconds);
        }
    }

    private void startRenewing(String app, LockOwner owner, BlobLeaseClient lease) {
        HeldLease previous = heldLeases.get(app);
        if (previous != null && previous.owner.equals(owner)) {
            return;
        }
        if (previous != null) {
            lose(app, previous, "another owner in this process took the lock");
        }
        ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "blob-lease-renewer-" + app);
            t.setDaemon(true);
            return t;
        });
        HeldLease held = new HeldLease(owner, lease, renewer);
        heldLeases.put(app, held);
        long period = Math.max(1, leaseDuration.toMillis() / 4);
        renewer.schedule(new Runnable() {
            @Override
            public void run() {
                boolean renewedNow = renewHeldLease(app);
                Instant due = held.renewed.plusMillis(period);
                if (!held.lost && !renewer.isShutdown()) {
                    long next = renewedNow && Instant.now().isBefore(due)
                            ? Duration.between(Instant.now(), due).toMillis() : RENEWAL_RETRY.toMillis();
                    renewer.schedule(this, Math.max(1, Math.min(next, period)), TimeUnit.MILLISECONDS);
                }
            }
        }, period, TimeUnit.MILLISECONDS);
    }

    private void stopRenewing(String app, LockOwner owner) {
        HeldLease held = heldLeases.get(app);
        if (held != null && held.owner.equals(owner) && heldLeases.remove(app, held)) {
            held.renewer.shutdown();
        }
    }

    /** A lease this store holds: whose, its client, its renewer thread, when it was last renewed. */
    private static final class HeldLease {
        final LockOwner owner;
        final BlobLeaseClient lease;
        final ScheduledExecutorService renewer;
        volatile Instant renewed = Instant.now();
        volatile boolean lost;

        HeldLease(LockOwner owner, BlobLeaseClient lease, ScheduledExecutorService renewer) {
            this.owner = owner;
            this.lease = lease;
            this.renewer = renewer;
        }
    }

    /**
     * The holder of an active lease. The winner of a race writes its name just after acquiring the lease, so an
     * empty blob is re-read for up to {@link #HOLDER_WRITE_WAIT} before the holder is reported unknown.
     */
    private ReleaseLock holderOfActiveLease(String app, BlobClient blob) {
        long deadline = System.nanoTime() + HOLDER_WRITE_WAIT.toNanos();
        while (true) {
            Optional<ReleaseLock> holder = holder(app, blob);
            if (holder.isPresent()) {
                return live(holder.get());
            }
            if (System.nanoTime() > deadline) {
                return unknownHolder(app);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    /** A holder whose lease is active: the service vouches for it for a lease duration from now. */
    private ReleaseLock live(ReleaseLock l) {
        return new ReleaseLock(l.app(), l.releaseId(), l.owner(), l.host(), l.since(),
                Instant.now().plus(leaseDuration));
    }

    private Optional<ReleaseLock> holder(String app, BlobClient blob) {
        byte[] content = blob.downloadContent().toBytes();
        if (content.length == 0) {
            return Optional.empty();
        }
        ReleaseLock lock = EvidenceJson.fromBytes(content, ReleaseLock.class);
        return lock.app().equals(app) ? Optional.of(lock) : Optional.empty();
    }

    private ReleaseLock unknownHolder(String app) {
        Instant now = Instant.now();
        return new ReleaseLock(app, "(unknown: being taken or released)", ReleaseLock.UNKNOWN_OWNER, "(unknown)",
                now, now.plus(leaseDuration));
    }

    /** The lease client of {@code owner}: its private token is the lease id, never derived from app or release. */
    private static BlobLeaseClient leaseClient(BlobClient blob, LockOwner owner) {
        return new BlobLeaseClientBuilder().blobClient(blob).leaseId(owner.token()).buildClient();
    }

    /** Creates the JSON blob unless it exists; returns false if it existed. */
    private boolean createOnce(BlobClient blob, byte[] content) {
        try {
            upload(blob, content, JSON, new BlobRequestConditions().setIfNoneMatch("*"));
            return true;
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 409 || e.getStatusCode() == 412) {
                return false;
            }
            throw e;
        }
    }

    /** One Put Blob of {@code content}; {@code conditions} null replaces whatever is there. */
    private void upload(BlobClient blob, byte[] content, String contentType, BlobRequestConditions conditions) {
        ensureContainer();
        blob.uploadWithResponse(new BlobParallelUploadOptions(BinaryData.fromBytes(content))
                .setHeaders(new BlobHttpHeaders().setContentType(contentType)).setRequestConditions(conditions),
                null, Context.NONE);
    }

    /** The name of the committed record of a release, whatever its date. */
    private Optional<String> findRecord(String app, String releaseId) {
        String prefix = "evidence/" + app + "/";
        String suffix = "-" + app + "-" + releaseId + ".json";
        return list(prefix).stream()
                .filter(name -> name.length() == prefix.length() + DATE_LENGTH + suffix.length()
                        && name.endsWith(suffix))
                .findFirst();
    }

    private ReleaseRecord readRecord(String blobName) {
        return EvidenceJson.fromBytes(container.getBlobClient(blobName).downloadContent().toBytes(),
                ReleaseRecord.class);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private List<String> list(String prefix) {
        ensureContainer();
        List<String> names = new ArrayList<>();
        for (BlobItem item : container.listBlobs(new ListBlobsOptions().setPrefix(prefix), null)) {
            names.add(item.getName());
        }
        return names;
    }

    private void ensureContainer() {
        if (!containerReady) {
            container.createIfNotExists();
            containerReady = true;
        }
    }

    /** The blob's URL as people read it: slashes left as they are. */
    private String urlOf(String blobName) {
        return container.getBlobContainerUrl() + "/" + blobName;
    }

    /** {@code evidence/<app>/<YYYY-MM-DD>-<app>-<releaseId>}: each of the record's blobs adds its extension. */
    private static String evidenceBase(String app, String releaseId, Instant startedAt) {
        checkName("app", app);
        checkName("releaseId", releaseId);
        return "evidence/" + app + "/" + startedAt.atOffset(ZoneOffset.UTC).toLocalDate() + "-" + app + "-"
                + releaseId;
    }

    private static String journalPrefix(String app, String releaseId) {
        return "journal/" + app + "/" + releaseId + "/";
    }

    private static String lockBlob(String app) {
        return "locks/" + app + ".lock";
    }

    private static void checkName(String what, String value) {
        if (value == null || value.isBlank() || value.contains("/") || value.contains("\\")) {
            throw new IllegalArgumentException(what + " must be a non-blank name without '/' or '\\', got '"
                    + value + "'");
        }
    }

    private static AzureProviderException conflict(String operation, String message) {
        return new AzureProviderException(PROVIDER_NAME, operation, message, false, null, 409, "EvidenceConflict",
                null);
    }

    private <T> T call(String operation, Supplier<T> body) {
        return AzureErrors.call(PROVIDER_NAME, operation, body);
    }

    /**
     * Why the endpoint a connection string names cannot be used, or empty: an explicit {@code BlobEndpoint} must pass
     * {@link Urls}' transport rule (plain http only to loopback, as Azurite's; no user info; no query), and
     * {@code DefaultEndpointsProtocol=http} without one would send requests, a SAS among them, to the public
     * service in clear. The text shows neither the connection string nor the endpoint's user info or query.
     */
    static Optional<String> connectionStringProblem(String connectionString) {
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        for (String part : connectionString.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                settings.put(part.substring(0, eq).strip().toLowerCase(java.util.Locale.ROOT),
                        part.substring(eq + 1).strip());
            }
        }
        String endpoint = settings.get("blobendpoint");
        if (endpoint != null) {
            URI uri;
            try {
                uri = new URI(endpoint);
            } catch (java.net.URISyntaxException e) {
                return Optional.of("its BlobEndpoint is not a valid URL (" + e.getReason() + ")");
            }
            Optional<String> transport = Urls.transportProblem(uri, false);
            if (transport.isPresent()) {
                return Optional.of("its BlobEndpoint " + transport.get());
            }
            if (uri.getRawQuery() != null) {
                return Optional.of("its BlobEndpoint must not have a query (give a SAS as SharedAccessSignature=...)");
            }
            return Optional.empty();
        }
        if ("http".equalsIgnoreCase(settings.get("defaultendpointsprotocol"))
                && !"true".equalsIgnoreCase(settings.get("usedevelopmentstorage"))) {
            return Optional.of("DefaultEndpointsProtocol=http would reach the storage account in clear; use "
                    + "DefaultEndpointsProtocol=https (plain http only with a loopback BlobEndpoint, e.g. Azurite's)");
        }
        return Optional.empty();
    }

    /**
     * Builds a {@link BlobEvidenceStore}: either a connection string, or an endpoint with a credential (or a storage
     * access token from an environment variable). Setter order does not matter; {@link #build()} validates everything
     * at once. Not thread-safe.
     */
    public static final class Builder {

        private String connectionString;
        private URI endpoint;
        private TokenCredential credential;
        private String tokenVariable;
        private Function<String, String> environment = System::getenv;
        private String container = DEFAULT_CONTAINER;
        private Duration leaseDuration = DEFAULT_LEASE_DURATION;
        private int maxRetries = ContainerAppsPlatform.DEFAULT_MAX_RETRIES;
        private Duration retryBaseDelay = ContainerAppsPlatform.DEFAULT_RETRY_BASE_DELAY;
        private Duration retryMaxDelay = ContainerAppsPlatform.DEFAULT_RETRY_MAX_DELAY;
        private HttpClient httpClient;

        private Builder() {
        }

        /**
         * A storage connection string (account key or SAS). Never logged. Exclusive with {@link #endpoint}. Its
         * {@code BlobEndpoint}, if any, must be https, or plain http to a loopback host (Azurite); checked at
         * {@link #build()} without quoting the string.
         *
         * @param connectionString a storage connection string (account key or SAS)
         * @return this builder
         */
        public Builder connectionString(String connectionString) {
            this.connectionString = connectionString;
            return this;
        }

        /**
         * The Blob service endpoint, e.g. {@code https://<account>.blob.core.windows.net}, used with
         * {@link #credential(TokenCredential)} (the identity needs Storage Blob Data Contributor). Must be https
         * (bearer tokens go over https only), without user info or a query; checked at {@link #build()}.
         *
         * @param endpoint the Blob service endpoint, e.g. {@code https://<account>.blob.core.windows.net}, used with
         *     {@link #credential(TokenCredential)} (the identity needs Storage Blob Data Contributor)
         * @return this builder
         */
        public Builder endpoint(URI endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /**
         * The credential for {@link #endpoint(URI)}. Exclusive with {@link #bearerTokenFromEnvironment(String)}.
         *
         * @param credential the credential for {@link #endpoint(URI)}
         * @return this builder
         */
        public Builder credential(TokenCredential credential) {
            this.credential = credential;
            return this;
        }

        /**
         * For {@link #endpoint(URI)}: a storage access token that a CI system already holds, read from environment
         * variable {@code variable} (e.g. from {@code az account get-access-token --resource
         * https://storage.azure.com/}). It is used for Blob storage alone: a JWT issued for another audience (a
         * Resource Manager token) is refused rather than sent, and an expired one too. {@code build()} fails if the
         * variable is unset or empty. The token is never logged. Exclusive with {@link #credential(TokenCredential)}.
         *
         * @param variable the environment variable's name
         * @return this builder
         */
        public Builder bearerTokenFromEnvironment(String variable) {
            this.tokenVariable = variable;
            return this;
        }

        /**
         * Where {@link #bearerTokenFromEnvironment(String)} reads its variable. Default:
         * {@link System#getenv(String)}.
         *
         * @param environment variable name to value; null for an unset variable
         * @return this builder
         */
        public Builder environment(Function<String, String> environment) {
            this.environment = java.util.Objects.requireNonNull(environment, "environment");
            return this;
        }

        /**
         * The container, created on first use if missing. Default: {@link #DEFAULT_CONTAINER}.
         *
         * @param container the container, created on first use if missing
         * @return this builder
         */
        public Builder container(String container) {
            this.container = container;
            return this;
        }

        /**
         * How long the lock lease lasts between renewals, 15 to 60 s. A dead process's lock frees itself after at
         * most this long. Default: {@link #DEFAULT_LEASE_DURATION}.
         *
         * @param duration how long the lock lease lasts between renewals, 15 to 60 s
         * @return this builder
         */
        public Builder leaseDuration(Duration duration) {
            this.leaseDuration = duration;
            return this;
        }

        /**
         * The Azure SDK's retry of 429, 5xx and I/O failures. Defaults as {@link ContainerAppsPlatform}'s.
         *
         * @param maxRetries retries after the first attempt, at least 0
         * @param baseDelay the first retry's delay, positive
         * @param maxDelay the longest delay between two attempts, at least {@code baseDelay}
         * @return this builder
         */
        public Builder retry(int maxRetries, Duration baseDelay, Duration maxDelay) {
            this.maxRetries = maxRetries;
            this.retryBaseDelay = baseDelay;
            this.retryMaxDelay = maxDelay;
            return this;
        }

        /**
         * The HTTP client. Default: the Azure SDK's Netty client.
         *
         * @param httpClient the HTTP client
         * @return this builder
         */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = httpClient;
            return this;
        }

        /**
         * Validates and builds. Makes no network call (the container is created on first use).
         *
         * @return a new {@code BlobEvidenceStore} with this builder's settings
         * @throws InvalidConfigurationException listing every problem found
         */
        public BlobEvidenceStore build() {
            List<String> problems = new ArrayList<>();
            boolean byString = connectionString != null && !connectionString.isBlank();
            if (byString == (endpoint != null)) {
                problems.add("connection: give either connectionString(...) or endpoint(...) with credential(...)");
            }
            if (endpoint != null) {
                ArmSettings.httpsEndpointProblem(endpoint).ifPresent(p -> problems.add("endpoint: " + p));
            }
            if (byString) {
                connectionStringProblem(connectionString).ifPresent(p -> problems.add("connectionString: " + p));
            }
            if (endpoint != null && credential == null && tokenVariable == null) {
                problems.add("credential: required with endpoint(...): give credential(...) or "
                        + "bearerTokenFromEnvironment(...)");
            }
            if (credential != null && tokenVariable != null) {
                problems.add("credential: both a TokenCredential and bearerTokenFromEnvironment(\""
                        + VariableNames.shown(tokenVariable) + "\") were given; choose one");
            }
            if (tokenVariable != null) {
                if (endpoint == null) {
                    problems.add("bearerTokenFromEnvironment: only with endpoint(...) (a connection string carries "
                            + "its own key)");
                }
                Optional<String> notAName = VariableNames.problem("bearerTokenFromEnvironment(name)", tokenVariable);
                if (notAName.isPresent()) {
                    problems.add("bearerTokenFromEnvironment: " + notAName.get());
                } else {
                    String token = environment.apply(tokenVariable);
                    if (token == null || token.isBlank()) {
                        problems.add("bearerTokenFromEnvironment: environment variable " + tokenVariable
                                + " is not set or empty; export a storage access token in it or use credential(...)");
                    }
                }
            }
            if (container == null || !container.matches("[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]")) {
                problems.add("container: 3-63 lowercase letters, digits and single hyphens, got '" + container + "'");
            }
            if (leaseDuration == null || leaseDuration.getSeconds() < 15 || leaseDuration.getSeconds() > 60
                    || leaseDuration.getNano() != 0) {
                problems.add("leaseDuration: whole seconds from 15 to 60, got " + leaseDuration);
            }
            if (maxRetries < 0 || retryBaseDelay == null || retryMaxDelay == null || retryBaseDelay.isNegative()
                    || retryBaseDelay.isZero() || retryMaxDelay.compareTo(retryBaseDelay) < 0) {
                problems.add("retry: need maxRetries >= 0 and 0 < baseDelay <= maxDelay");
            }
            if (!problems.isEmpty()) {
                throw new InvalidConfigurationException("BlobEvidenceStore", problems);
            }
            try {
                return new BlobEvidenceStore(this);
            } catch (IllegalArgumentException e) {
                // Not the SDK's message: it could quote part of the connection string.
                throw new InvalidConfigurationException("BlobEvidenceStore", List.of("connection: the connection "
                        + "string or endpoint is malformed; expected AccountName=...;AccountKey=... or a SAS form"));
            }
        }
    }
}
