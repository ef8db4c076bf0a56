package io.releasepipeline.internal;

import io.releasepipeline.LockTakeover;
import io.releasepipeline.ReleaseConfig;
import io.releasepipeline.ReleaseInProgressException;
import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.RollbackRequest;
import io.releasepipeline.RollbackResult;
import io.releasepipeline.UnknownTargetException;
import io.releasepipeline.error.ProviderException;
import io.releasepipeline.error.ReleaseException;
import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.evidence.JournalEntry;
import io.releasepipeline.evidence.LockOwner;
import io.releasepipeline.evidence.ReleaseLock;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.format.SafeText;
import io.releasepipeline.spi.PullRequest;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The {@link ReleasePipeline} implementation: takes the app's release lock, runs a {@link Promotion} or a
 * {@link StandaloneRollback}, releases the lock. Immutable apart from the release in flight. Not public API.
 */
public final class Engine implements ReleasePipeline {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Engine.class);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private final ReleaseConfig config;
    private final ProviderCalls calls;
    private final Events events;
    private final AtomicReference<ReleaseOps> inFlight = new AtomicReference<>();

    /** Creates the engine from a validated configuration. */
    public Engine(ReleaseConfig config) {
        this.config = config;
        this.calls = new ProviderCalls(config.providerPolicy(), config.clock());
        this.events = new Events(config.listeners());
    }

    /**
     * A new release id: {@code <prefix>-<yyyyMMdd-HHmmss>-<6 random base32>}, e.g.
     * {@code pr42-20261201-101500-k3v7qa}. Sorts by start time to the second; the random tail (30 bits from a
     * SecureRandom) keeps ids started in the same second by different processes or hosts apart. Valid as a file and
     * a blob name.
     */
    static String newReleaseId(String prefix, java.time.Instant now) {
        return prefix + "-" + ID_TIME.format(now) + "-" + LockOwner.randomBase32(6);
    }

    @Override
    public ReleaseResult promote(ReleaseRequest request) {
        String releaseId = request.releaseId().orElseGet(() -> newReleaseId("pr" + request.pullRequest(),
                config.clock().now()));
        ReleaseOps ops = new ReleaseOps(config, calls, events, releaseId);
        return locked(ops, LockTakeover.IF_STALE, () -> new Promotion(ops, request, config.clock().now()).run());
    }

    @Override
    public ReleaseResult resume(String releaseId) {
        return resume(releaseId, LockTakeover.IF_STALE);
    }

    @Override
    public ReleaseResult resume(String releaseId, LockTakeover takeover) {
        String app = config.platform().appName();
        ReleaseOps ops = new ReleaseOps(config, calls, events, releaseId);
        List<JournalEntry> journal = ops.evidence("journal(" + releaseId + ")", e -> e.journal(app, releaseId));
        if (journal.isEmpty()) {
            throw new UnknownTargetException(UnknownTargetException.Kind.RELEASE, app, releaseId, resumable(ops, app));
        }
        ResumePoint point;
        try {
            point = ResumePoint.of(releaseId, journal);
        } catch (IllegalArgumentException e) {
            throw new ReleaseException("cannot resume release " + releaseId + " of " + app + ": " + e.getMessage());
        }
        // The record is written just before FINISHED is journaled: a record means the release had finished.
        Optional<ReleaseRecord> written = ops.evidence("read(" + releaseId + ")", e -> e.read(app, releaseId));
        if (written.isPresent()) {
            // Under the lock: its holder may still be running and about to journal the end itself.
            return locked(ops, takeover, () -> {
                if (!point.finished()) {
                    // It stopped between writing its record and journaling the end: the deployment's last status
                    // may be missing (posting it twice only repeats it). Journaled (and fenced) before it is posted;
                    // a journal that fails does not stop a closing record.
                    ReleaseRecord r = written.get();
                    ops.continueJournalAfter(point.lastSequence());
                    try {
                        ops.transition(new io.releasepipeline.evidence.JournalState.Resumed(point.lastState()),
                                Optional.empty());
                    } catch (ReleaseOps.JournalWriteFailed e) {
                        ops.warn(e.getMessage() + "; recording the end anyway");
                    }
                    Evidence.finalState(r.outcome()).ifPresent(state -> new Evidence(ops).deploymentStatus(
                            point.deploymentId(), state, "release " + releaseId + " " + r.outcome().name()
                                    .toLowerCase() + " (status recorded on resume)", Optional.empty()));
                    try {
                        ops.transition(new io.releasepipeline.evidence.JournalState.Finished(r.outcome()),
                                Optional.empty());
                    } catch (ReleaseOps.JournalWriteFailed e) {
                        ops.warn(e.getMessage() + "; its evidence record says how it ended");
                    }
                }
                return new ReleaseResult(releaseId, written.get().outcome(), written.get(), Optional.empty(),
                        Optional.empty());
            });
        }
        if (point.finished()) {
            throw new ReleaseException("release " + releaseId + " finished but its evidence record is missing from "
                    + config.evidence().providerName());
        }
        ops.continueJournalAfter(point.lastSequence());
        // Before the merge nothing had changed and the gates run again, so the record starts afresh.
        Optional<ReleaseRecord> goOnFrom = point.headSha().isPresent() ? point.snapshot() : Optional.empty();
        return locked(ops, takeover, () -> new Promotion(ops, point.request(), journal.get(0).at(), goOnFrom)
                .resume(point));
    }

    /** The app's releases whose journal shows they stopped midway, the most recently started first. */
    private static List<String> resumable(ReleaseOps ops, String app) {
        List<String> ids = ops.evidence("journaledReleases(" + app + ")", e -> e.journaledReleases(app));
        java.util.Map<String, java.time.Instant> started = new java.util.HashMap<>();
        for (String id : ids) {
            List<JournalEntry> journal = ops.evidence("journal(" + id + ")", e -> e.journal(app, id));
            try {
                if (!journal.isEmpty() && !ResumePoint.of(id, journal).finished()) {
                    started.put(id, journal.get(0).at());
                }
            } catch (RuntimeException notResumable) {
                // A standalone rollback (run it again instead) or a journal this version cannot read.
            }
        }
        return started.entrySet().stream()
                .sorted(java.util.Map.Entry.<String, java.time.Instant>comparingByValue().reversed())
                .map(java.util.Map.Entry::getKey).toList();
    }

    @Override
    public Optional<ReleaseLock> currentLock() {
        String app = config.platform().appName();
        ReleaseOps ops = new ReleaseOps(config, calls, events, "lock-check");
        return ops.evidence("currentLock(" + app + ")", e -> e.currentLock(app));
    }

    @Override
    public boolean breakLock(String releaseId) {
        String app = config.platform().appName();
        ReleaseOps ops = new ReleaseOps(config, calls, events, releaseId);
        boolean broken = ops.evidence("breakLock(" + app + ")", e -> e.breakLock(app, releaseId));
        if (broken) {
            org.slf4j.LoggerFactory.getLogger(Engine.class).warn("release lock of {} held by {} broken by request",
                    app, releaseId);
        }
        return broken;
    }

    @Override
    public List<GateResult> evaluateGates(ReleaseRequest request) {
        ReleaseOps ops = new ReleaseOps(config, calls, events, "gates-pr" + request.pullRequest());
        PullRequest pr;
        try {
            pr = ops.ci("pullRequest(#" + request.pullRequest() + ")", c -> c.pullRequest(request.pullRequest()));
        } catch (ProviderException e) {
            return List.of(GateResult.error(Preconditions.PULL_REQUEST, "could not read pull request #"
                    + request.pullRequest() + ": " + e.getMessage()));
        }
        return Checklist.evaluate(ops, request, pr, stable -> { }).results();
    }

    @Override
    public io.releasepipeline.spi.DeployMatch deployMatch(ReleaseRequest request) {
        ReleaseOps ops = new ReleaseOps(config, calls, events, "deploy-check-pr" + request.pullRequest());
        PullRequest pr = ops.ci("pullRequest(#" + request.pullRequest() + ")",
                c -> c.pullRequest(request.pullRequest()));
        return DeployCheck.match(ops, pr);
    }

    @Override
    public RollbackResult rollback(RollbackRequest request) {
        String releaseId = newReleaseId("rollback", config.clock().now());
        ReleaseOps ops = new ReleaseOps(config, calls, events, releaseId);
        return locked(ops, LockTakeover.IF_STALE, () -> new StandaloneRollback(ops, request).run());
    }

    @Override
    public boolean requestRollback(String reason) {
        ReleaseOps ops = inFlight.get();
        if (ops == null) {
            return false;
        }
        ops.requestStop(reason == null || reason.isBlank() ? "manual rollback requested" : reason);
        return true;
    }

    @Override
    public ReleaseConfig config() {
        return config;
    }

    /**
     * Runs {@code body} holding the app's lock for a new owner (random, one per run). A live holder, or a stale
     * holder of another release, refuses with {@link ReleaseInProgressException}; a stale holder of this release is
     * taken over by the store; with {@link LockTakeover#FORCE}, a live holder of this release is broken first (logged
     * at ERROR) and the lock taken.
     */
    private <T> T locked(ReleaseOps ops, LockTakeover takeover, Supplier<T> body) {
        String app = config.platform().appName();
        LockOwner owner = LockOwner.random();
        Optional<ReleaseLock> holder = tryLock(ops, app, owner);
        if (holder.isPresent() && takeover == LockTakeover.FORCE && holder.get().releaseId().equals(ops.releaseId)) {
            ReleaseLock live = holder.get();
            LOG.error("FORCED TAKEOVER: breaking the live release lock of {} held by {} to resume it here; if that "
                    + "process is still running it stops at its next journal write", app,
                    SafeText.line(live.describe()));
            ops.warn("forced takeover of the release lock held by " + live.describe());
            ops.evidence("breakLock(" + app + ")", e -> e.breakLock(app, live.releaseId()));
            holder = tryLock(ops, app, owner);
        }
        if (holder.isPresent()) {
            ReleaseLock l = holder.get();
            throw new ReleaseInProgressException(l, l.isStale(config.clock().now()));
        }
        ops.lockedBy(owner);
        if (!inFlight.compareAndSet(null, ops)) {
            unlockQuietly(ops, app);
            throw new ReleaseException("this pipeline is already running release " + inFlight.get().releaseId
                    + "; one release per app at a time");
        }
        T result;
        try {
            result = body.get();
        } catch (RuntimeException | Error e) {
            ops.deferredError().filter(d -> d != e).ifPresent(e::addSuppressed);
            throw e;
        } finally {
            inFlight.compareAndSet(ops, null);
            // The lock is released with the interrupt still cleared (a Blob call fails on an interrupted thread);
            // the caller gets its interrupt back afterwards.
            ops.safetyFirst();
            unlockQuietly(ops, app);
            ops.restoreInterrupt();
        }
        // An Error that struck while the release made things safe or recorded its end: those went on, now it
        // propagates, as every Error does.
        Optional<Error> deferred = ops.deferredError();
        if (deferred.isPresent()) {
            throw deferred.get();
        }
        return result;
    }

    private Optional<ReleaseLock> tryLock(ReleaseOps ops, String app, LockOwner owner) {
        return ops.evidence("tryLock(" + app + ")",
                e -> e.tryLock(app, ops.releaseId, owner, config.host(), config.clock().now()));
    }

    private void unlockQuietly(ReleaseOps ops, String app) {
        Optional<LockOwner> owner = ops.lockOwner();
        if (owner.isEmpty()) {
            return;
        }
        try {
            try {
                ops.evidence("unlock(" + app + ")", e -> {
                    e.unlock(app, owner.get());
                    return null;
                });
            } catch (io.releasepipeline.error.ReleaseInterruptedException e) {
                // Interrupted while letting go: the release is over, the interrupt goes back to the caller (restored
                // after this), and the lock is released once more with the flag cleared.
                ops.interruptedBy(e);
                ops.evidence("unlock(" + app + ")", s -> {
                    s.unlock(app, owner.get());
                    return null;
                });
            }
        } catch (ProviderException | io.releasepipeline.error.ReleaseInterruptedException e) {
            ops.warn("the release lock of " + app + " could not be released: " + e.getMessage()
                    + "; it goes stale once this process is gone; resume the release or break its lock then");
        }
    }
}
