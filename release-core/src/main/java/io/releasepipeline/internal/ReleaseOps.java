package io.releasepipeline.internal;

import io.releasepipeline.LockLostException;
import io.releasepipeline.ReleaseConfig;
import io.releasepipeline.error.ProviderException;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.EvidenceStore;
import io.releasepipeline.evidence.JournalCodec;
import io.releasepipeline.evidence.JournalEntry;
import io.releasepipeline.evidence.JournalState;
import io.releasepipeline.evidence.LockOwner;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.format.SafeText;
import io.releasepipeline.internal.ProviderCalls.Idempotency;
import io.releasepipeline.spi.AppTraffic;
import io.releasepipeline.spi.CiProvider;
import io.releasepipeline.spi.ErrorRateReading;
import io.releasepipeline.spi.Incident;
import io.releasepipeline.spi.PlatformProvider;
import io.releasepipeline.spi.Revision;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.time.ReleaseClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one release (or standalone rollback) uses to act: provider calls under the policy, tagged with the release
 * id; events; the journal; the manual-rollback flag. Owned by one release's thread, except {@link #requestStop}.
 */
final class ReleaseOps {

    private static final Logger log = LoggerFactory.getLogger(ReleaseOps.class);

    /** How many recent records the stability gate and the previous-revision search read. */
    static final int HISTORY = 50;

    final ReleaseConfig config;
    final String releaseId;
    private final ProviderCalls calls;
    private final Events events;
    /** The stop reason of a release whose thread was interrupted. */
    static final String INTERRUPTED = "the release's thread was interrupted (cancelled)";

    private final AtomicReference<String> stopRequest = new AtomicReference<>();
    private int journalSequence;
    /** The thread that runs the release: only its interrupt is a cancel (a helper thread's is its own business). */
    private final Thread owner = Thread.currentThread();
    private volatile boolean safety;
    private volatile boolean interrupted;
    /** An Error that struck during the safety action or the records, rethrown at the engine's boundary. */
    private Error deferred;
    /** Who holds the app's lock for this release; null until the engine takes it. */
    private volatile LockOwner lockOwner;
    /** What this release last read or had confirmed of its app. */
    private final KnownPlatform known = new KnownPlatform();

    ReleaseOps(ReleaseConfig config, ProviderCalls calls, Events events, String releaseId) {
        this.config = config;
        this.calls = calls;
        this.events = events;
        this.releaseId = releaseId;
    }

    String app() {
        return config.platform().appName();
    }

    ReleaseClock clock() {
        return config.clock();
    }

    Instant now() {
        return config.clock().now();
    }

    /**
     * Delivers an event. A listener's {@link RuntimeException} is logged by {@link Events}; its {@link Error}
     * propagates (the engine's boundary makes things safe, then rethrows it), except once the release is making
     * things safe ({@link #safetyFirst()}): then it is logged and the safety action goes on.
     */
    void emit(ReleaseEvent event) {
        try {
            events.emit(event);
        } catch (Error e) {
            if (!safety) {
                throw e;
            }
            log.error("release {}: a listener threw {} on {} while the release was stopping safely; going on, "
                    + "then rethrowing it", releaseId, SafeText.line(e.toString()), event.getClass().getSimpleName());
            deferError(e);
        }
    }

    /**
     * Keeps an {@link Error} that struck while the release was making things safe or recording its end, so that the
     * safety action and the records go on; the engine's boundary rethrows the first one kept once the lock is
     * released ({@link #deferredError()}). Later ones are added to it as suppressed.
     */
    void deferError(Error e) {
        if (deferred == null) {
            deferred = e;
        } else if (deferred != e) {
            deferred.addSuppressed(e);
        }
    }

    /** The first {@link Error} kept by {@link #deferError}, if any. */
    Optional<Error> deferredError() {
        return Optional.ofNullable(deferred);
    }

    void warn(String message) {
        log.warn("release {}: {}", releaseId, SafeText.line(message));
        emit(new ReleaseEvent.Warning(releaseId, now(), message));
    }

    /** Asks the release to stop (manual rollback); wakes it up if it sleeps. */
    void requestStop(String reason) {
        stopRequest.compareAndSet(null, reason);
        config.clock().wakeUp();
    }

    /**
     * Why the release was asked to stop, if it was: {@link #requestStop} or an interrupt of the release's thread
     * (seen here; the flag is then cleared for the safety action and restored at the engine's boundary). Call from
     * the release's thread.
     */
    Optional<String> stopRequested() {
        if (Thread.currentThread() == owner && owner.isInterrupted()) {
            safetyFirst();
        }
        return Optional.ofNullable(stopRequest.get());
    }

    private ProviderCalls.RetryListener retryListener() {
        return (provider, operation, attempt, wait, error) -> emit(new ReleaseEvent.ProviderCallRetried(releaseId,
                now(), provider, operation, attempt, wait, error.getMessage()));
    }

    <T> T platform(String operation, Function<PlatformProvider, T> action) {
        return calls.call(config.platform(), operation, Idempotency.IDEMPOTENT, false, retryListener(),
                () -> action.apply(config.platform()));
    }

    /** A platform call during a rollback: tried even when the breaker is open. */
    <T> T platformMustTry(String operation, Function<PlatformProvider, T> action) {
        return calls.call(config.platform(), operation, Idempotency.IDEMPOTENT, true, retryListener(),
                () -> action.apply(config.platform()));
    }

    <T> T ci(String operation, Function<CiProvider, T> action) {
        return calls.call(config.ci(), operation, Idempotency.IDEMPOTENT, false, retryListener(),
                () -> action.apply(config.ci()));
    }

    /** A CI call that must not be repeated (comments). */
    <T> T ciOnce(String operation, Function<CiProvider, T> action) {
        return calls.call(config.ci(), operation, Idempotency.NOT_IDEMPOTENT, false, retryListener(),
                () -> action.apply(config.ci()));
    }

    <T> T evidence(String operation, Function<EvidenceStore, T> action) {
        return calls.call(config.evidence(), operation, Idempotency.IDEMPOTENT, true, retryListener(),
                () -> action.apply(config.evidence()));
    }

    List<Incident> incidents(Set<String> severities) {
        return calls.call(config.incidents(), "openIncidents(" + severities + ")", Idempotency.IDEMPOTENT, false,
                retryListener(), () -> config.incidents().openIncidents(severities));
    }

    /**
     * {@code revision}'s error rate over {@code from}..{@code to}, through the provider policy (retries, breaker); a
     * read that still fails is a {@link ErrorRateReading.Failed} reading, never a {@link ProviderException}.
     * {@code purpose} (e.g. {@code baseline}), when not empty, names the read in retries and logs.
     */
    ErrorRateReading errorRate(String revision, String purpose, Instant from, Instant to) {
        String operation = "errorRate(" + revision + (purpose.isEmpty() ? "" : ", " + purpose) + ")";
        try {
            return calls.call(config.healthSignals(), operation, Idempotency.IDEMPOTENT, false, retryListener(),
                    () -> config.healthSignals().errorRate(revision, from, to));
        } catch (ProviderException e) {
            return new ErrorRateReading.Failed(revision, from, to, e.getMessage());
        }
    }

    List<io.releasepipeline.spi.Alert> alerts(io.releasepipeline.spi.AlertSource source, Instant since) {
        return calls.call(source, "firing(" + since + ")", Idempotency.IDEMPOTENT, false, retryListener(),
                () -> source.firing(since));
    }

    <T> T approvals(String operation, Function<io.releasepipeline.spi.ApprovalProvider, T> action) {
        io.releasepipeline.spi.ApprovalProvider provider = config.approvals().orElseThrow();
        return calls.call(provider, operation, Idempotency.IDEMPOTENT, false, retryListener(),
                () -> action.apply(provider));
    }

    /**
     * One poll of the approval provider, made off the promotion's thread: a single attempt (the next poll is the
     * retry), so no retry waits on the clock and no events come from that thread.
     */
    <T> T approvalPoll(String operation, Function<io.releasepipeline.spi.ApprovalProvider, T> action) {
        io.releasepipeline.spi.ApprovalProvider provider = config.approvals().orElseThrow();
        return calls.call(provider, operation, Idempotency.NOT_IDEMPOTENT, false, (p, o, a, w, e) -> { },
                () -> action.apply(provider));
    }

    /** The app's split now, read even through an open breaker; empty when the platform cannot be read. */
    Optional<TrafficWeights> readTrafficQuietly() {
        try {
            return Optional.of(readTraffic(true).weights());
        } catch (ProviderException e) {
            return Optional.empty();
        }
    }

    /** The split as this release knows it (fresh), else read now; empty when the platform cannot be read. */
    Optional<TrafficWeights> trafficQuietly() {
        Optional<AppTraffic> fresh = known.traffic(now());
        return fresh.isPresent() ? fresh.map(AppTraffic::weights) : readTrafficQuietly();
    }

    // ---- the platform, through what this release knows of it (KnownPlatform)

    private <T> T platformCall(boolean mustTry, String operation, Function<PlatformProvider, T> action) {
        return mustTry ? platformMustTry(operation, action) : platform(operation, action);
    }

    /** Reads the app's traffic now, and remembers it; {@code mustTry} goes through an open breaker (a rollback). */
    AppTraffic readTraffic(boolean mustTry) {
        AppTraffic read = platformCall(mustTry, "traffic()", PlatformProvider::traffic);
        known.traffic(read, now());
        return read;
    }

    /** The traffic as this release last read or had it confirmed, if fresh; else read now. */
    AppTraffic traffic(boolean mustTry) {
        Optional<AppTraffic> fresh = known.traffic(now());
        return fresh.isPresent() ? fresh.get() : readTraffic(mustTry);
    }

    /** Every revision, read now, and remembered. */
    List<Revision> listRevisions(boolean mustTry) {
        List<Revision> read = platformCall(mustTry, "listRevisions()", PlatformProvider::listRevisions);
        known.revisions(read, now());
        return read;
    }

    /** One revision, read now, and remembered; empty if the platform does not know it. */
    Optional<Revision> readRevision(String name, boolean mustTry) {
        Optional<Revision> read = platformCall(mustTry, "revision(" + name + ")", p -> p.revision(name));
        read.ifPresent(r -> known.revision(r, now()));
        return read;
    }

    /** One revision as this release last read it, if fresh; else read now. */
    Optional<Revision> revision(String name, boolean mustTry) {
        Optional<Revision> fresh = known.revision(name, now());
        return fresh.isPresent() ? fresh : readRevision(name, mustTry);
    }

    /** Activates a revision; it is then known active. */
    void activate(String name, boolean mustTry) {
        platformCall(mustTry, "activate(" + name + ")", p -> {
            p.activate(name);
            return null;
        });
        known.activated(name, now());
    }

    /**
     * Sets the split, handing the provider the traffic this release knows (if fresh) so that it need not read the
     * app first, and returns the split in place, which is then what this release knows: the platform's confirmation
     * when it is the split asked for, else (an answer that differs, or none) the split read back. A failed call
     * leaves the traffic unknown (it may or may not have applied): the next step reads it.
     */
    AppTraffic setTraffic(TrafficWeights target, boolean mustTry) {
        Optional<AppTraffic> current = known.traffic(now());
        known.forgetTraffic();
        AppTraffic confirmed = platformCall(mustTry, "setTraffic(" + target + ")",
                p -> current.isPresent() ? p.setTraffic(target, current.get()) : p.setTraffic(target));
        if (confirmed == null || !confirmed.weights().withoutZeros().equals(target.withoutZeros())) {
            // Not taken at its word: what is in place is what counts.
            return readTraffic(mustTry);
        }
        known.traffic(confirmed, now());
        return confirmed;
    }

    /** When the traffic this release would act on was read or confirmed; empty when it would be read now. */
    Optional<Instant> trafficKnownAt() {
        return known.trafficAt(now());
    }

    /** Forgets the traffic: something outside the release (the deploy run) may have changed it. */
    void forgetTraffic() {
        known.forgetTraffic();
    }

    List<ReleaseRecord> recentReleases() {
        return evidence("latest(" + app() + ")", e -> e.latest(app(), HISTORY));
    }

    /** Records that {@code owner} holds the app's lock for this release: journal writes are fenced by it. */
    void lockedBy(LockOwner owner) {
        this.lockOwner = owner;
    }

    /** Who holds the app's lock for this release, if the engine took it. */
    Optional<LockOwner> lockOwner() {
        return Optional.ofNullable(lockOwner);
    }

    /** Continues a journal whose last entry has {@code sequence} (a resumed release). */
    void continueJournalAfter(int sequence) {
        this.journalSequence = sequence;
    }

    /**
     * The one place a release moves from state to state: journals {@code state} (with the record as it stands, if
     * given) durably, before the caller acts on it.
     *
     * @throws JournalWriteFailed if the entry could not be written (the store failed, or could not say whether this
     *     release still holds the lock): the caller must not take its next side effect, though it may still make
     *     production safe
     * @throws LockLostException if another owner holds the app's lock (or nobody does) now: the caller must take no
     *     side effect at all, not even a rollback; whoever holds the lock now (a resume of this release) finishes it.
     *     Never wrapped, so that no "safety first" handler of a failed journal write goes on with a side effect
     */
    void transition(JournalState state, Optional<ReleaseRecord> snapshot) {
        JournalEntry entry = JournalCodec.encode(app(), releaseId, ++journalSequence, now(), state, snapshot);
        try {
            journal(entry);
        } catch (LockLostException e) {
            throw e;
        } catch (io.releasepipeline.error.ReleaseInterruptedException e) {
            // A cancel during the write: the flag is cleared (and restored at the boundary) so that what follows,
            // the safety action and the records, can still reach the providers.
            interruptedBy(e);
            throw new JournalWriteFailed(state, e);
        } catch (RuntimeException e) {
            throw new JournalWriteFailed(state, e);
        }
    }

    /** Appends one entry; throws whatever the store throws. Kept small: the lock check goes here. */
    void journal(JournalEntry entry) {
        fence(entry.state());
        evidence("appendJournal(" + releaseId + "#" + entry.sequence() + ")", e -> {
            e.appendJournal(entry);
            return null;
        });
    }

    /**
     * The fencing check before a side effect: this release still holds the app's lock. A store that cannot answer
     * fails the journal write like any other failure ({@link ProviderException}); a lock this release no longer
     * holds is a {@link LockLostException} naming who holds it now. Either way nothing is written.
     */
    private void fence(String state) {
        LockOwner holder = lockOwner;
        boolean held;
        try {
            held = holder != null && evidence("holdsLock(" + app() + ")", e -> e.holdsLock(app(), holder));
        } catch (ProviderException e) {
            // Unknown is not "held": the journal write fails, and the caller stops before its next side effect.
            throw ProviderException.permanent(config.evidence().providerName(), "appendJournal(" + state + ")",
                    "could not check that this release still holds the lock: " + e.getMessage(), e);
        }
        if (!held) {
            Optional<io.releasepipeline.evidence.ReleaseLock> now;
            try {
                now = evidence("currentLock(" + app() + ")", e -> e.currentLock(app()));
            } catch (ProviderException e) {
                now = Optional.empty();
            }
            LockLostException lost = new LockLostException(app(), releaseId, now);
            log.error("release {}: {}", releaseId, SafeText.line(lost.getMessage()));
            throw lost;
        }
    }

    /**
     * From here on the release only makes things safe and records how it ended: the interrupt flag is cleared (and
     * remembered, so {@link #restoreInterrupt()} sets it again at the engine's boundary), because a provider call on
     * an interrupted thread fails at once (Reactor's {@code Mono.block()}); and an {@link Error} thrown by a listener
     * no longer stops anything. Idempotent; call from the release's thread.
     */
    void safetyFirst() {
        if (Thread.currentThread() != owner) {
            return;
        }
        safety = true;
        if (Thread.interrupted()) {
            interrupted = true;
            stopRequest.compareAndSet(null, INTERRUPTED);
        }
    }

    /** Sets the interrupt flag again if {@link #safetyFirst()} or a stop check cleared it. */
    void restoreInterrupt() {
        if (interrupted && Thread.currentThread() == owner) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the release's thread was interrupted (the flag is cleared while the release stops safely). */
    boolean wasInterrupted() {
        return interrupted;
    }

    /** A journal entry that could not be written: the release must stop before its next side effect. */
    static final class JournalWriteFailed extends io.releasepipeline.error.ReleaseException {
        private static final long serialVersionUID = 1L;
        private final transient JournalState state;

        JournalWriteFailed(JournalState state, RuntimeException cause) {
            super("could not journal " + state.name() + ": " + (cause.getMessage() != null ? cause.getMessage()
                    : cause.toString()), cause);
            this.state = state;
        }

        JournalState state() {
            return state;
        }
    }

    /**
     * Sleeps until {@code until} or a stop request, whichever comes first. An interrupt while sleeping is a stop
     * request ({@link #stopRequested()} then says so), not a failure.
     */
    void sleepUntil(Instant until) {
        if (stopRequested().isEmpty()) {
            try {
                config.clock().sleepUntil(until);
            } catch (io.releasepipeline.error.ReleaseInterruptedException e) {
                interruptedBy(e);
            }
        }
    }

    /** Takes a {@link io.releasepipeline.error.ReleaseInterruptedException} as the stop request it is. */
    void interruptedBy(io.releasepipeline.error.ReleaseInterruptedException e) {
        log.warn("release {}: interrupted ({}); stopping safely", releaseId,
                SafeText.line(String.valueOf(e.getMessage())));
        safetyFirst();
        Thread.interrupted();
        interrupted = true;
        stopRequest.compareAndSet(null, INTERRUPTED);
    }

    void sleep(Duration d) {
        sleepUntil(now().plus(d));
    }
}
