package io.releasepipeline.internal;

import io.releasepipeline.error.ProviderException;
import io.releasepipeline.ReleaseConfig;
import io.releasepipeline.error.ReleaseException;
import io.releasepipeline.ReleaseInProgressException;
import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.RollbackRequest;
import io.releasepipeline.RollbackResult;
import io.releasepipeline.UnknownTargetException;
import io.releasepipeline.evidence.JournalEntry;
import io.releasepipeline.evidence.ReleaseLock;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.GateResult;
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

    @Override
    public ReleaseResult promote(ReleaseRequest request) {
        String releaseId = request.releaseId().orElseGet(() -> "pr" + request.pullRequest() + "-"
                + ID_TIME.format(config.clock().now()));
        ReleaseOps ops = new ReleaseOps(config, calls, events, releaseId);
        return locked(ops, () -> new Promotion(ops, request, config.clock().now()).run());
    }

    @Override
    public ReleaseResult resume(String releaseId) {
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
            if (!point.finished()) {
                // It stopped between writing its record and journaling the end: the deployment's last status may
                // be missing (posting it twice only repeats it).
                ReleaseRecord r = written.get();
                Evidence.finalState(r.outcome()).ifPresent(state -> new Evidence(ops).deploymentStatus(
                        point.deploymentId(), state, "release " + releaseId + " " + r.outcome().name().toLowerCase()
                                + " (status recorded on resume)", Optional.empty()));
                ops.continueJournalAfter(point.lastSequence());
                ops.journal("FINISHED", java.util.Map.of("outcome", r.outcome().name()));
            }
            unlockQuietly(ops, app);
            return new ReleaseResult(releaseId, written.get().outcome(), written.get(), Optional.empty(),
                    Optional.empty());
        }
        if (point.finished()) {
            throw new ReleaseException("release " + releaseId + " finished but its evidence record is missing from "
                    + config.evidence().providerName());
        }
        ops.continueJournalAfter(point.lastSequence());
        // Before the merge nothing had changed and the gates run again, so the record starts afresh.
        Optional<ReleaseRecord> goOnFrom = point.headSha().isPresent() ? point.snapshot() : Optional.empty();
        return locked(ops, () -> new Promotion(ops, point.request(), journal.get(0).at(), goOnFrom).resume(point));
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
        String releaseId = "rollback-" + ID_TIME.format(config.clock().now());
        ReleaseOps ops = new ReleaseOps(config, calls, events, releaseId);
        return locked(ops, () -> new StandaloneRollback(ops, request).run());
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

    private <T> T locked(ReleaseOps ops, Supplier<T> body) {
        String app = config.platform().appName();
        Optional<ReleaseLock> holder = ops.evidence("tryLock(" + app + ")",
                e -> e.tryLock(app, ops.releaseId, config.host(), config.clock().now()));
        if (holder.isPresent()) {
            ReleaseLock l = holder.get();
            throw new ReleaseInProgressException(app, l.releaseId(), l.since(), l.host());
        }
        if (!inFlight.compareAndSet(null, ops)) {
            unlockQuietly(ops, app);
            throw new ReleaseException("this pipeline is already running release " + inFlight.get().releaseId
                    + "; one release per app at a time");
        }
        try {
            return body.get();
        } finally {
            inFlight.compareAndSet(ops, null);
            unlockQuietly(ops, app);
        }
    }

    private void unlockQuietly(ReleaseOps ops, String app) {
        try {
            ops.evidence("unlock(" + app + ")", e -> {
                e.unlock(app, ops.releaseId);
                return null;
            });
        } catch (ProviderException e) {
            ops.warn("the release lock of " + app + " could not be released: " + e.getMessage()
                    + "; break it explicitly once this process is gone");
        }
    }
}
