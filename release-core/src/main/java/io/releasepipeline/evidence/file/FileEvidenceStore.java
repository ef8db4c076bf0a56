package io.releasepipeline.evidence.file;

import io.releasepipeline.error.ProviderException;
import io.releasepipeline.evidence.EvidenceJson;
import io.releasepipeline.evidence.EvidenceMarkdown;
import io.releasepipeline.evidence.EvidenceReport;
import io.releasepipeline.evidence.EvidenceStore;
import io.releasepipeline.evidence.JournalEntry;
import io.releasepipeline.evidence.LockOwner;
import io.releasepipeline.evidence.ReleaseLock;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.format.SafeText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runbook's evidence on a file system: each release's record as {@code YYYY-MM-DD-<app>-<releaseId>.md} (the
 * report people read), its {@code .svg} timeline chart and its {@code .json} twin (the record itself, read back by
 * {@link #read} and {@link #latest}), under {@code .ops/evidence/} by default. The date is the release's start, in
 * UTC.
 *
 * <pre>
 * .ops/evidence/
 *   2025-03-14-trade-nexus-backend-rel-418.md     the report (EvidenceReport), links the chart
 *   2025-03-14-trade-nexus-backend-rel-418.svg    the timeline chart
 *   2025-03-14-trade-nexus-backend-rel-418.json   the record (EvidenceJson); written last, it commits the record
 *   .journal/&lt;app&gt;/&lt;releaseId&gt;/0000000001.json   one file per journal entry
 *   .locks/&lt;app&gt;.lock                              the release lock (JSON): releaseId, owner, host,
 *                                                    since, expiresAt
 *   .locks/&lt;app&gt;.live                              OS-locked by the holder's process while it holds the lock
 *   .locks/&lt;app&gt;.guard                             an empty file, locked while the lock or a record changes
 * </pre>
 *
 * <p>Every file is written atomically (temporary file in the same directory, fsync, atomic rename or link, fsync
 * of the directory), so a crash leaves the old state or the new one, never a torn file. Evidence and journal
 * entries are never overwritten: writing different content under an existing name fails, writing identical
 * content again is a no-op. App names and release ids become file names, so they are restricted to letters,
 * digits, {@code .}, {@code _} and {@code -} (at most 128, not starting with {@code .}, no {@code ..}); anything
 * else is rejected with a {@link ProviderException}, never silently rewritten.
 *
 * <p>Thread-safe, and safe across processes sharing the directory on a local file system: changes to an app's
 * lock and records happen under an OS file lock on {@code .locks/<app>.guard} (plus an in-process monitor, since
 * the JVM allows one file lock per file). Network file systems that do not honour {@code flock}/{@code fcntl}
 * locks get atomic writes but not the cross-process guarantee. Every method blocks on file I/O; failures are
 * permanent {@link ProviderException}s naming the file.
 */
public final class FileEvidenceStore implements EvidenceStore {

    /** The default root, relative to the working directory: {@code .ops/evidence}, as in the runbook. */
    public static final Path DEFAULT_ROOT = Path.of(".ops", "evidence");

    /** This provider's name in events, logs and exceptions: {@code file-evidence}. */
    public static final String PROVIDER_NAME = "file-evidence";

    private static final Logger LOG = LoggerFactory.getLogger(FileEvidenceStore.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final Pattern DATE_PREFIX = Pattern.compile("\\d{4}-\\d{2}-\\d{2}-");
    private static final Pattern JOURNAL_FILE = Pattern.compile("\\d{10}\\.json");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    /** One monitor per guard file in this JVM, shared by every store instance on the same directory. */
    private static final Map<Path, Object> MONITORS = new ConcurrentHashMap<>();

    /**
     * How long a release lock lives after its holder's last heartbeat unless renewed: 60 s (heartbeat every 15 s).
     * A holder whose process died is found dead sooner, at once, on a file system that honours OS locks.
     */
    public static final Duration DEFAULT_LOCK_TTL = Duration.ofSeconds(60);

    /** Release locks this JVM holds, by lock file: shared by every store instance on the same directory. */
    private static final Map<Path, Held> HELD = new ConcurrentHashMap<>();

    private final Path root;
    private final Duration lockTtl;
    /** Lock expiry is judged on this machine's real clock: locks are shared with other processes. */
    private final Clock clock = Clock.systemUTC();

    private FileEvidenceStore(Path root, Duration lockTtl) {
        this.root = root;
        this.lockTtl = lockTtl;
    }

    /**
     * A store under {@link #DEFAULT_ROOT} in the working directory. Creates nothing until the first write.
     *
     * @return a store under {@link #DEFAULT_ROOT} in the working directory
     */
    public static FileEvidenceStore ofDefaults() {
        return of(DEFAULT_ROOT);
    }

    /**
     * A store under {@code root}. Creates nothing until the first write.
     *
     * @param root the directory the store writes under
     * @return a store under {@code root}
     * @throws NullPointerException if {@code root} is null
     */
    public static FileEvidenceStore of(Path root) {
        return new FileEvidenceStore(Objects.requireNonNull(root, "root").toAbsolutePath().normalize(),
                DEFAULT_LOCK_TTL);
    }

    /**
     * The absolute root directory.
     *
     * @return the absolute root directory
     */
    public Path root() {
        return root;
    }

    @Override
    public String providerName() {
        return PROVIDER_NAME;
    }

    /**
     * Writes the chart, the report and then the JSON record, which commits it. Idempotent for an identical record;
     * fails for a different record of the same release (whatever its date) or a different release whose file name
     * collides.
     *
     * @return the path of the Markdown report
     * @throws ProviderException on an invalid name, a conflicting record or an I/O failure
     */
    @Override
    public String write(ReleaseRecord record) {
        return write(record, EvidenceMarkdown.report());
    }

    /**
     * As {@link #write(ReleaseRecord)}, with the {@code .md} file rendered by {@code markdown} (a filled
     * {@link io.releasepipeline.evidence.EvidenceTemplate}, followed by or placing the full report).
     *
     * @return the path of the Markdown file
     * @throws ProviderException on an invalid name, a conflicting record or an I/O failure
     */
    @Override
    public String write(ReleaseRecord record, EvidenceMarkdown renderer) {
        java.util.Objects.requireNonNull(renderer, "renderer");
        String operation = "write(app=" + record.app() + ", release=" + record.releaseId() + ")";
        requireNames(operation, record.app(), record.releaseId());
        String base = DAY.format(record.startedAt()) + "-" + record.app() + "-" + record.releaseId();
        Path json = root.resolve(base + ".json");
        Path markdown = root.resolve(base + ".md");
        return withGuard(record.app(), operation, () -> {
            Optional<Path> existing = Files.exists(json) ? Optional.of(json)
                    : find(record.app(), record.releaseId(), operation).map(Found::path);
            if (existing.isPresent()) {
                ReleaseRecord there = readRecord(existing.get(), operation);
                if (there.equals(record)) {
                    return markdown.toString();
                }
                throw ProviderException.permanent(PROVIDER_NAME, operation, conflict(record, there, existing.get()),
                        null);
            }
            Files.createDirectories(root);
            // The report and chart are derived from the record; until the JSON exists they may be replaced.
            AtomicFiles.replace(root.resolve(base + ".svg"),
                    EvidenceReport.svg(record).getBytes(StandardCharsets.UTF_8));
            AtomicFiles.replace(markdown,
                    renderer.render(record, base + ".svg").getBytes(StandardCharsets.UTF_8));
            if (!AtomicFiles.writeNew(json, EvidenceJson.toBytes(record))) {
                throw ProviderException.permanent(PROVIDER_NAME, operation, json + " appeared while writing; "
                        + "another writer does not use this store's lock", null);
            }
            LOG.info("wrote evidence of release {} of {} to {}", record.releaseId(), record.app(), markdown);
            return markdown.toString();
        });
    }

    private static String conflict(ReleaseRecord record, ReleaseRecord there, Path path) {
        if (!there.app().equals(record.app()) || !there.releaseId().equals(record.releaseId())) {
            return path + " already holds release " + there.releaseId() + " of app " + there.app()
                    + ": the file names collide; use a release id that cannot be read as part of the app name";
        }
        return "release " + record.releaseId() + " of " + record.app() + " already has evidence at " + path
                + " with different content; evidence is never overwritten";
    }

    /**
     * The committed record of a release, found by name whatever its date.
     *
     * @throws ProviderException on an invalid name, an unreadable record or an I/O failure
     */
    @Override
    public Optional<ReleaseRecord> read(String app, String releaseId) {
        String operation = "read(app=" + app + ", release=" + releaseId + ")";
        requireNames(operation, app, releaseId);
        return find(app, releaseId, operation).map(Found::record);
    }

    /**
     * The app's records newest first by start time (then by release id, descending), at most {@code limit}.
     *
     * @throws IllegalArgumentException if {@code limit} is negative
     * @throws ProviderException on an invalid name, an unreadable record or an I/O failure
     */
    @Override
    public List<ReleaseRecord> latest(String app, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        }
        String operation = "latest(app=" + app + ")";
        requireNames(operation, app);
        String suffix = "-" + app + "-";
        return records(operation, name -> name.startsWith(suffix, 10)).stream()
                .map(Found::record)
                .filter(r -> r.app().equals(app))
                .sorted(Comparator.comparing(ReleaseRecord::startedAt).thenComparing(ReleaseRecord::releaseId)
                        .reversed())
                .limit(limit)
                .toList();
    }

    /**
     * Writes the entry as {@code .journal/<app>/<releaseId>/<sequence>.json}, durably, before returning. Identical
     * re-appends are no-ops; a different entry under the same sequence fails. An entry file that cannot be parsed
     * (a write torn by a crash on a file system that broke its promises) is replaced.
     *
     * @throws ProviderException on an invalid name, a conflicting entry or an I/O failure
     */
    @Override
    public void appendJournal(JournalEntry entry) {
        String operation = "appendJournal(app=" + entry.app() + ", release=" + entry.releaseId() + ", sequence="
                + entry.sequence() + ")";
        requireNames(operation, entry.app(), entry.releaseId());
        Path dir = journalDir(entry.app(), entry.releaseId());
        Path file = dir.resolve(String.format(Locale.ROOT, "%010d.json", entry.sequence()));
        byte[] bytes = EvidenceJson.toBytes(entry);
        io(operation, () -> {
            Files.createDirectories(dir);
            if (AtomicFiles.writeNew(file, bytes)) {
                return null;
            }
            Optional<JournalEntry> there = parseJournal(file);
            if (there.isEmpty()) {
                LOG.warn("journal entry {} was torn; replacing it", file);
                AtomicFiles.replace(file, bytes);
            } else if (!there.get().equals(entry)) {
                throw ProviderException.permanent(PROVIDER_NAME, operation, "journal entry " + entry.sequence()
                        + " already exists with different content (state " + there.get().state() + " at "
                        + there.get().at() + ", not " + entry.state() + " at " + entry.at() + ")", null);
            }
            return null;
        });
    }

    /**
     * The release's journal in sequence order. A last entry that cannot be parsed is a torn write and is left out
     * (with a warning); an unparseable entry before the last is corruption and fails.
     *
     * @throws ProviderException on an invalid name, a corrupt entry or an I/O failure
     */
    @Override
    public List<JournalEntry> journal(String app, String releaseId) {
        String operation = "journal(app=" + app + ", release=" + releaseId + ")";
        requireNames(operation, app, releaseId);
        Path dir = journalDir(app, releaseId);
        return io(operation, () -> {
            if (!Files.isDirectory(dir)) {
                return List.of();
            }
            List<Path> files;
            try (Stream<Path> listing = Files.list(dir)) {
                files = listing.filter(p -> JOURNAL_FILE.matcher(p.getFileName().toString()).matches()).sorted()
                        .toList();
            }
            List<JournalEntry> entries = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                Optional<JournalEntry> entry = parseJournal(files.get(i));
                if (entry.isPresent()) {
                    entries.add(entry.get());
                } else if (i == files.size() - 1) {
                    LOG.warn("ignoring torn last journal entry {}", files.get(i));
                } else {
                    throw ProviderException.permanent(PROVIDER_NAME, operation, "journal entry " + files.get(i)
                            + " is corrupt and is not the last one, so it is not a torn write; inspect it", null);
                }
            }
            return entries;
        });
    }

    /**
     * The releases with a directory under {@code .journal/<app>/} that holds at least one entry.
     *
     * @throws ProviderException on an invalid name or an I/O failure
     */
    @Override
    public List<String> journaledReleases(String app) {
        String operation = "journaledReleases(app=" + app + ")";
        requireNames(operation, app);
        Path dir = root.resolve(".journal").resolve(app);
        return io(operation, () -> {
            if (!Files.isDirectory(dir)) {
                return List.of();
            }
            List<String> ids = new ArrayList<>();
            try (Stream<Path> releases = Files.list(dir)) {
                for (Path release : releases.filter(Files::isDirectory).sorted().toList()) {
                    try (Stream<Path> entries = Files.list(release)) {
                        if (entries.anyMatch(p -> JOURNAL_FILE.matcher(p.getFileName().toString()).matches())) {
                            ids.add(release.getFileName().toString());
                        }
                    }
                }
            }
            return List.copyOf(ids);
        });
    }

    /**
     * Takes the lock by writing {@code .locks/<app>.lock} under the app's guard, or returns its holder (see
     * {@link EvidenceStore#tryLock} for the rules). On success this JVM holds an OS lock on
     * {@code .locks/<app>.live} for as long as it holds the release lock (so another process on a file system that
     * honours locks sees at once when the holder's process dies), and a daemon thread named
     * {@code file-lock-heartbeat-<app>} renews the lock file's {@code expiresAt} every quarter of the lock TTL (see
     * {@link #withLockTtl}). A holder is stale when its {@code expiresAt} has passed on this machine's clock, or when
     * no process holds its {@code .live} lock (its process died).
     *
     * @throws ProviderException on an invalid name, an unreadable lock file or an I/O failure
     */
    @Override
    public Optional<ReleaseLock> tryLock(String app, String releaseId, LockOwner owner, String host, Instant now) {
        String operation = "tryLock(app=" + app + ", release=" + releaseId + ")";
        requireNames(operation, app, releaseId);
        Objects.requireNonNull(owner, "owner");
        return withGuard(app, operation, () -> {
            Optional<ReleaseLock> holder = readLock(app, operation);
            if (holder.isPresent()) {
                ReleaseLock h = holder.get();
                if (owner.holds(h)) {
                    return Optional.empty();
                }
                if (!isDead(app, h)) {
                    return holder;
                }
                if (!h.releaseId().equals(releaseId)) {
                    return Optional.of(h.staleAt(clock.instant()));
                }
                LOG.warn("taking over the stale release lock of {} held by {} (its process is gone)", app,
                        SafeText.line(h.describe()));
                forgetHeld(lockFile(app), h.owner());
            }
            ReleaseLock mine = new ReleaseLock(app, releaseId, owner.id(), host, now, clock.instant().plus(lockTtl));
            AtomicFiles.replace(lockFile(app), EvidenceJson.toBytes(mine));
            hold(app, owner);
            return Optional.empty();
        });
    }

    /**
     * Deletes the lock file if {@code owner} holds it, then stops its heartbeat and gives back its {@code .live} OS
     * lock.
     *
     * @throws ProviderException on an invalid name or an I/O failure
     */
    @Override
    public void unlock(String app, LockOwner owner) {
        String operation = "unlock(app=" + app + ", owner=" + owner.id() + ")";
        requireNames(operation, app);
        withGuard(app, operation, () -> {
            if (readLock(app, operation).filter(owner::holds).isPresent()) {
                AtomicFiles.delete(lockFile(app));
            }
            forgetHeld(lockFile(app), owner.id());
            return null;
        });
    }

    /**
     * True if the lock file names {@code owner}, its {@code expiresAt} has not passed and its heartbeat did not find
     * the lock lost.
     *
     * @throws ProviderException on an invalid name, an unreadable lock file or an I/O failure
     */
    @Override
    public boolean holdsLock(String app, LockOwner owner) {
        String operation = "holdsLock(app=" + app + ", owner=" + owner.id() + ")";
        requireNames(operation, app);
        Held held = HELD.get(lockFile(app));
        if (held != null && held.owner.equals(owner.id()) && held.lost) {
            return false;
        }
        return io(operation, () -> readLock(app, operation)
                .filter(l -> owner.holds(l) && !l.isStale(clock.instant())).isPresent());
    }

    /**
     * The lock's holder, read from {@code .locks/<app>.lock}; a stale holder (see {@link #tryLock}) comes back with
     * its {@code expiresAt} at or before now.
     *
     * @throws ProviderException on an invalid name, an unreadable lock file or an I/O failure
     */
    @Override
    public Optional<ReleaseLock> currentLock(String app) {
        String operation = "currentLock(app=" + app + ")";
        requireNames(operation, app);
        return withGuard(app, operation, () -> {
            Optional<ReleaseLock> holder = readLock(app, operation);
            return holder.isPresent() && isDead(app, holder.get())
                    ? Optional.of(holder.get().staleAt(clock.instant())) : holder;
        });
    }

    /**
     * Deletes the lock file if {@code releaseId} holds it, whatever owner or host took it, and logs a warning. A
     * holder in this JVM has its heartbeat stopped; a holder elsewhere finds the lock gone at its next heartbeat or
     * {@link #holdsLock}.
     *
     * @throws ProviderException on an invalid name or an I/O failure
     */
    @Override
    public boolean breakLock(String app, String releaseId) {
        String operation = "breakLock(app=" + app + ", release=" + releaseId + ")";
        requireNames(operation, app, releaseId);
        Optional<ReleaseLock> broken = withGuard(app, operation, () -> {
            Optional<ReleaseLock> holder = readLock(app, operation).filter(l -> l.releaseId().equals(releaseId));
            if (holder.isPresent()) {
                AtomicFiles.delete(lockFile(app));
                Held held = HELD.get(lockFile(app));
                if (held != null && held.owner.equals(holder.get().owner())) {
                    held.lost = true;
                    forgetHeld(lockFile(app), held.owner);
                }
            }
            return holder;
        });
        broken.ifPresent(l -> LOG.warn("broke the release lock of {} held by {}", app, SafeText.line(l.describe())));
        return broken.isPresent();
    }

    /**
     * A copy of this store whose locks expire {@code ttl} after their last heartbeat (heartbeat every quarter of
     * it). A holder is also found dead at once, whatever the TTL, when its process is gone and the file system
     * honours OS locks. Default: {@link #DEFAULT_LOCK_TTL}.
     *
     * @param ttl how long a lock lives without a heartbeat, positive
     * @return a copy of this store whose locks expire {@code ttl} after their last heartbeat (heartbeat every quarter
     *     of it)
     * @throws IllegalArgumentException if {@code ttl} is shorter than 200 ms
     */
    public FileEvidenceStore withLockTtl(Duration ttl) {
        if (ttl.compareTo(Duration.ofMillis(200)) < 0) {
            throw new IllegalArgumentException("lock TTL must be at least 200 ms, got " + ttl);
        }
        return new FileEvidenceStore(root, ttl);
    }

    /**
     * How long a lock lives after its last heartbeat.
     *
     * @return how long a lock lives after its last heartbeat
     */
    public Duration lockTtl() {
        return lockTtl;
    }

    /**
     * Whether holder {@code h} is dead, under the guard: not a holder in this JVM, and either its expiry has passed
     * or no process holds its {@code .live} OS lock.
     */
    private boolean isDead(String app, ReleaseLock h) throws IOException {
        Held here = HELD.get(lockFile(app));
        if (here != null && here.owner.equals(h.owner()) && !here.lost) {
            return false;
        }
        if (h.isStale(clock.instant())) {
            return true;
        }
        Path live = liveFile(app);
        // Closing any channel on a file drops every OS lock this process holds on it: never probe a .live file
        // that this JVM holds.
        if (here != null || !Files.exists(live)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(live, StandardOpenOption.WRITE)) {
            FileLock probe = channel.tryLock();
            if (probe == null) {
                return false;
            }
            probe.release();
            return true;
        } catch (OverlappingFileLockException heldInThisJvm) {
            // Another store in this JVM holds it (a lock it has since lost): only the expiry can tell.
            return false;
        }
    }

    /** Under the guard: records that {@code owner} holds the app's lock here, takes the .live lock, starts beating. */
    private void hold(String app, LockOwner owner) throws IOException {
        Path file = lockFile(app);
        Held previous = HELD.get(file);
        if (previous != null) {
            forgetHeld(file, previous.owner);
        }
        FileChannel channel = FileChannel.open(liveFile(app), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock live;
        try {
            live = channel.tryLock();
        } catch (OverlappingFileLockException | IOException e) {
            live = null;
        }
        if (live == null) {
            // The previous holder's process still holds it (it was found stale by its expiry): the heartbeat alone
            // keeps this lock alive.
            channel.close();
            channel = null;
        }
        ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "file-lock-heartbeat-" + app);
            t.setDaemon(true);
            return t;
        });
        Held held = new Held(owner.id(), channel, live, beat);
        HELD.put(file, held);
        long period = Math.max(50, lockTtl.toMillis() / 4);
        beat.scheduleAtFixedRate(() -> heartbeat(app, held), period, period, TimeUnit.MILLISECONDS);
    }

    /** One heartbeat: renews the lock file's expiry if {@code held} still holds it; marks it lost otherwise. */
    private void heartbeat(String app, Held held) {
        String operation = "heartbeat(app=" + app + ", owner=" + held.owner + ")";
        try {
            withGuard(app, operation, () -> {
                Optional<ReleaseLock> now = readLock(app, operation);
                if (now.isEmpty() || !now.get().owner().equals(held.owner)) {
                    held.lost = true;
                    LOG.error("lost the release lock of {}: it is now {}; the release stops before its next side "
                            + "effect", app, SafeText.line(now.map(l -> "held by " + l.describe()).orElse("free")));
                    forgetHeld(lockFile(app), held.owner);
                    return null;
                }
                ReleaseLock l = now.get();
                if (l.isStale(clock.instant())) {
                    held.lost = true;
                    LOG.error("the release lock of {} held by {} expired at {} before its heartbeat renewed it", app,
                            SafeText.line(l.describe()), l.expiresAt());
                    return null;
                }
                AtomicFiles.replace(lockFile(app), EvidenceJson.toBytes(new ReleaseLock(l.app(), l.releaseId(),
                        l.owner(), l.host(), l.since(), clock.instant().plus(lockTtl))));
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("could not renew the release lock of {}: {}; retrying until it expires", app,
                    SafeText.line(String.valueOf(e.getMessage())));
        }
    }

    /** Stops the heartbeat and gives back the .live lock of {@code owner}'s hold on {@code file}, if any. */
    private static void forgetHeld(Path file, String owner) {
        Held held = HELD.get(file);
        if (held == null || !held.owner.equals(owner) || !HELD.remove(file, held)) {
            return;
        }
        // shutdown, not shutdownNow: this may run on the heartbeat thread itself, which must not be interrupted
        // while it holds a file channel (an interrupt closes the channel).
        held.heartbeat.shutdown();
        try {
            if (held.live != null) {
                held.live.release();
            }
            if (held.channel != null) {
                held.channel.close();
            }
        } catch (IOException e) {
            LOG.warn("could not release {}: {}", file, SafeText.line(String.valueOf(e.getMessage())));
        }
    }

    /** A release lock this JVM holds: its owner, its .live OS lock (null if it could not be had), its heartbeat. */
    private static final class Held {
        final String owner;
        final FileChannel channel;
        final FileLock live;
        final ScheduledExecutorService heartbeat;
        volatile boolean lost;

        Held(String owner, FileChannel channel, FileLock live, ScheduledExecutorService heartbeat) {
            this.owner = owner;
            this.channel = channel;
            this.live = live;
            this.heartbeat = heartbeat;
        }
    }

    @Override
    public String toString() {
        return "FileEvidenceStore[" + root + "]";
    }

    private Optional<ReleaseLock> readLock(String app, String operation) throws IOException {
        Path file = lockFile(app);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(EvidenceJson.fromBytes(bytes, ReleaseLock.class));
        } catch (UncheckedIOException e) {
            throw ProviderException.permanent(PROVIDER_NAME, operation, "lock file " + file + " is unreadable; if "
                    + "no release of " + app + " is running, delete it by hand", e);
        }
    }

    private Path lockFile(String app) {
        return root.resolve(".locks").resolve(app + ".lock");
    }

    private Path liveFile(String app) {
        return root.resolve(".locks").resolve(app + ".live");
    }

    private Path journalDir(String app, String releaseId) {
        return root.resolve(".journal").resolve(app).resolve(releaseId);
    }

    private static Optional<JournalEntry> parseJournal(Path file) throws IOException {
        try {
            return Optional.of(EvidenceJson.fromBytes(Files.readAllBytes(file), JournalEntry.class));
        } catch (UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /** A committed record and where it lives. */
    private record Found(Path path, ReleaseRecord record) {
    }

    private Optional<Found> find(String app, String releaseId, String operation) {
        String tail = "-" + app + "-" + releaseId + ".json";
        return records(operation, name -> name.length() == 10 + tail.length() && name.endsWith(tail)).stream()
                .filter(f -> f.record().app().equals(app) && f.record().releaseId().equals(releaseId))
                .findFirst();
    }

    /** Every committed record whose file name (after the date prefix) passes {@code nameFilter}. */
    private List<Found> records(String operation, java.util.function.Predicate<String> nameFilter) {
        return io(operation, () -> {
            if (!Files.isDirectory(root)) {
                return List.of();
            }
            List<Path> files;
            try (Stream<Path> listing = Files.list(root)) {
                files = listing.filter(p -> {
                    String name = p.getFileName().toString();
                    return name.endsWith(".json") && DATE_PREFIX.matcher(name).lookingAt() && nameFilter.test(name);
                }).sorted().toList();
            }
            List<Found> found = new ArrayList<>();
            for (Path file : files) {
                found.add(new Found(file, readRecord(file, operation)));
            }
            return found;
        });
    }

    private static ReleaseRecord readRecord(Path file, String operation) throws IOException {
        try {
            return EvidenceJson.fromBytes(Files.readAllBytes(file), ReleaseRecord.class);
        } catch (UncheckedIOException e) {
            throw ProviderException.permanent(PROVIDER_NAME, operation, "evidence record " + file
                    + " is not a valid record; it was edited or damaged outside this store", e);
        }
    }

    /** Runs {@code action} holding the app's guard: an in-JVM monitor and an OS lock on the guard file. */
    private <T> T withGuard(String app, String operation, IoAction<T> action) {
        Path guard = root.resolve(".locks").resolve(app + ".guard");
        Object monitor = MONITORS.computeIfAbsent(guard, g -> new Object());
        return io(operation, () -> {
            synchronized (monitor) {
                Files.createDirectories(guard.getParent());
                try (FileChannel channel = FileChannel.open(guard, StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE)) {
                    FileLock lock = channel.lock();
                    try {
                        return action.run();
                    } finally {
                        lock.release();
                    }
                }
            }
        });
    }

    private static <T> T io(String operation, IoAction<T> action) {
        try {
            return action.run();
        } catch (IOException e) {
            throw ProviderException.permanent(PROVIDER_NAME, operation, e.getClass().getSimpleName() + ": "
                    + e.getMessage(), e);
        }
    }

    /** File I/O that may fail. */
    @FunctionalInterface
    private interface IoAction<T> {
        T run() throws IOException;
    }

    private static void requireNames(String operation, String... names) {
        List<String> problems = new ArrayList<>();
        for (String name : names) {
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches() || name.contains("..") || name.startsWith(".")) {
                problems.add("'" + name.replaceAll("\\p{Cntrl}", "?") + "'");
            }
        }
        if (!problems.isEmpty()) {
            throw ProviderException.permanent(PROVIDER_NAME, operation, "invalid name " + String.join(", ", problems)
                    + ": app names and release ids become file names, so they may contain only letters, digits, "
                    + "'.', '_' and '-' (1 to 128, not starting with '.', no '..')", null);
        }
    }
}
