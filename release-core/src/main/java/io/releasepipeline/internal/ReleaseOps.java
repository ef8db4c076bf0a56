package io.releasepipeline.internal;

import io.releasepipeline.error.ProviderException;
import io.releasepipeline.ReleaseConfig;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.JournalEntry;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.internal.ProviderCalls.Idempotency;
import io.releasepipeline.spi.CiProvider;
import io.releasepipeline.evidence.EvidenceStore;
import io.releasepipeline.spi.Incident;
import io.releasepipeline.spi.PlatformProvider;
import io.releasepipeline.time.ReleaseClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
    private final AtomicReference<String> stopRequest = new AtomicReference<>();
    private int journalSequence;

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

    void emit(ReleaseEvent event) {
        events.emit(event);
    }

    void warn(String message) {
        log.warn("release {}: {}", releaseId, message);
        emit(new ReleaseEvent.Warning(releaseId, now(), message));
    }

    /** Asks the release to stop (manual rollback); wakes it up if it sleeps. */
    void requestStop(String reason) {
        stopRequest.compareAndSet(null, reason);
        config.clock().wakeUp();
    }

    Optional<String> stopRequested() {
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

    <T> T healthSignals(String operation, java.util.function.Supplier<T> action) {
        return calls.call(config.healthSignals(), operation, Idempotency.IDEMPOTENT, false, retryListener(), action);
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

    /** The app's split now, read even through an open breaker; empty when the platform cannot be read. */
    Optional<io.releasepipeline.spi.TrafficWeights> readTrafficQuietly() {
        try {
            return Optional.of(platformMustTry("traffic()", p -> p.traffic()).weights());
        } catch (ProviderException e) {
            return Optional.empty();
        }
    }

    List<ReleaseRecord> recentReleases() {
        return evidence("latest(" + app() + ")", e -> e.latest(app(), HISTORY));
    }

    /** Continues a journal whose last entry has {@code sequence} (a resumed release). */
    void continueJournalAfter(int sequence) {
        this.journalSequence = sequence;
    }

    /**
     * Journals a transition before acting on it. Returns false (after a warning) when the journal cannot be
     * written; callers decide whether that stops them.
     */
    boolean journal(String state, Map<String, String> data) {
        JournalEntry entry = new JournalEntry(app(), releaseId, ++journalSequence, now(), state, data);
        try {
            evidence("appendJournal(" + releaseId + "#" + entry.sequence() + ")", e -> {
                e.appendJournal(entry);
                return null;
            });
            return true;
        } catch (ProviderException e) {
            warn("could not journal " + state + ": " + e.getMessage());
            return false;
        }
    }

    /** Sleeps until {@code until} or a stop request, whichever comes first. */
    void sleepUntil(Instant until) {
        if (stopRequested().isEmpty()) {
            config.clock().sleepUntil(until);
        }
    }

    void sleep(Duration d) {
        sleepUntil(now().plus(d));
    }
}
