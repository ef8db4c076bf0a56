package io.releasepipeline.internal;

import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.Baseline;
import io.releasepipeline.evidence.Recovery;
import io.releasepipeline.evidence.TimelinePoint;
import io.releasepipeline.format.Format;
import io.releasepipeline.format.SafeText;
import io.releasepipeline.spi.ErrorRateReading;
import io.releasepipeline.trigger.ErrorRateTrigger;
import io.releasepipeline.trigger.NoDataPolicy;
import io.releasepipeline.trigger.ReadErrorPolicy;
import io.releasepipeline.trigger.RecoveryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runbook's "error rate returns to baseline" (Rollback Procedure, step 2): after traffic went back to a revision
 * and its smoke check passed, reads that revision's error rate at the error-rate trigger's interval, over windows
 * whose judged interval starts no earlier than the moment traffic went back (errors served before the rollback
 * never count) and are at most the trigger's window long, until a reading with at least the trigger's minimum
 * requests is at or under the limit, or the {@link RecoveryPolicy#timeout()} passes.
 *
 * <p>A source that reads behind ({@link io.releasepipeline.spi.HealthSignalProvider#readsBehind()}, e.g. Log
 * Analytics waiting for ingestion) judges the window asked for shifted back by that much; the watch therefore asks
 * only for windows that start at least that long after traffic went back, and skips a tick while no such window has
 * ended yet (a skipped tick is no reading; if the timeout passes before any, it is too little data, judged by the
 * {@link NoDataPolicy}). Every reading names the interval it judged, as trigger verdicts do.
 *
 * <p>The limit: the {@link Baseline}'s 5xx fraction plus {@link RecoveryPolicy#tolerance()} when the baseline is
 * usable (measured over at least the minimum requests); otherwise the error-rate trigger's threshold.
 *
 * <p>How the watch ends ({@link Recovery.Status}):
 * <ul>
 *   <li>a reading within the limit: RECOVERED, at once;</li>
 *   <li>the timeout, after any reading with enough traffic above the limit: NOT_RECOVERED (page someone);</li>
 *   <li>too little traffic (fewer requests than the minimum, or no data) follows the trigger's {@link NoDataPolicy}:
 *       IGNORE ends the watch at once as UNVERIFIED; HOLD keeps watching and, if enough traffic never comes by the
 *       timeout, ends UNVERIFIED; FAIL keeps watching and then ends NOT_RECOVERED;</li>
 *   <li>a read that failed follows the {@link ReadErrorPolicy}: PROMOTE_WITH_NOTE ends the watch at once as
 *       UNVERIFIED; HOLD_THEN_ROLLBACK and ROLLBACK keep watching for a read that succeeds and, if none does by the
 *       timeout, end NOT_RECOVERED (traffic is already back, so "roll back" means "page someone").</li>
 * </ul>
 * A cancelled release (a stop request or an interrupt before the rollback) is not watched: a cancelled CI job has
 * about ten seconds. A stop during the watch ends it UNVERIFIED. The watch never moves traffic, never journals, and
 * never throws: a provider failure is a failed read, and an {@link Error} is kept for the engine's boundary
 * ({@link ReleaseOps#deferError}) while the watch ends UNVERIFIED. Not thread-safe; one per rollback.
 */
final class RecoveryWatch {

    private static final Logger log = LoggerFactory.getLogger(RecoveryWatch.class);

    /** The signal name of the watch's readings on the timeline and in events. */
    static final String SIGNAL = "recovery";

    private final ReleaseOps ops;
    private final List<TimelinePoint> readings = new ArrayList<>();

    RecoveryWatch(ReleaseOps ops) {
        this.ops = ops;
    }

    /**
     * Watches {@code revision}, to which traffic went back at {@code trafficBack}, against {@code baseline} (ignored
     * unless it was measured on {@code revision}).
     */
    Recovery watch(String revision, Instant trafficBack, Optional<Baseline> baseline, boolean cancelled) {
        Instant started = ops.now();
        RecoveryPolicy policy = ops.config.triggers().recovery();
        Optional<ErrorRateTrigger> trigger = ops.config.triggers().errorRate();
        if (!policy.enabled()) {
            return notWatched(revision, started, "recovery not watched: disabled by configuration; the rollback is "
                    + "verified by its smoke check alone");
        }
        if (trigger.isEmpty() || ops.config.healthSignals() == null) {
            return notWatched(revision, started, "recovery not watched: the error-rate trigger is disarmed, so there "
                    + "is no error-rate signal; the rollback is verified by its smoke check alone");
        }
        if (cancelled) {
            return notWatched(revision, started, "recovery not watched: cancelled (" + ops.stopRequested()
                    .orElse("stop requested") + "); a cancelled job has no time to watch the error rate for minutes. "
                    + "Check " + revision + "'s error rate by hand");
        }
        Optional<Baseline> base = baseline.filter(b -> b.revision().equals(revision));
        ErrorRateTrigger t = trigger.get();
        double limit;
        String against;
        if (base.isPresent() && base.get().usable(t.minimumRequests())) {
            limit = base.get().rate().orElseThrow() + policy.tolerance();
            against = "the baseline (" + base.get().describe() + ", measured " + stamp(base.get().measuredAt())
                    + ") + tolerance "
                    + Format.percent(policy.tolerance()) + " = " + Format.percent(limit);
        } else {
            limit = t.threshold();
            against = "the error-rate threshold " + Format.percent(limit) + ", because there is no usable baseline ("
                    + base.map(b -> b.describe() + (b.status() == Baseline.Status.MEASURED ? "; fewer than "
                            + t.minimumRequests() + " requests" : ""))
                            .orElse(baseline.isPresent() ? "the one recorded is of " + baseline.get().revision()
                                    : "none was recorded for " + revision) + ")";
        }
        try {
            return run(revision, trafficBack, started, limit, against, policy, t);
        } catch (Error e) {
            ops.deferError(e);
            log.error("release {}: {} during the recovery watch; traffic stays on {}", ops.releaseId,
                    SafeText.line(e.toString()), SafeText.line(revision));
            return end(Recovery.Status.UNVERIFIED, revision, started, limit, against, "recovery watch stopped by "
                    + e.getClass().getSimpleName() + " after " + readings.size() + " reading(s); traffic stays on "
                    + revision);
        } catch (RuntimeException e) {
            log.error("release {}: the recovery watch failed unexpectedly", ops.releaseId, SafeText.loggable(e));
            return end(Recovery.Status.UNVERIFIED, revision, started, limit, against, "recovery watch failed "
                    + "unexpectedly (" + e + ") after " + readings.size() + " reading(s); traffic stays on "
                    + revision);
        }
    }

    private Recovery run(String revision, Instant trafficBack, Instant started, double limit, String against,
            RecoveryPolicy policy, ErrorRateTrigger t) {
        Duration interval = ops.config.triggers().errorRateInterval();
        Instant deadline = started.plus(policy.timeout());
        Duration behind = ops.config.healthSignals().readsBehind();
        behind = behind == null || behind.isNegative() ? Duration.ZERO : behind;
        // The earliest start of a window asked for whose judged interval (shifted back by `behind`) starts when
        // traffic went back: errors served before the rollback must never count.
        Instant earliest = trafficBack.plus(behind);
        if (!behind.isZero()) {
            log.info("release {}: the error-rate source reads {} behind: the recovery watch judges intervals from {} "
                    + "on, the first readable after {}", ops.releaseId, Format.duration(behind), stamp(trafficBack),
                    stamp(earliest));
        }
        ops.emit(new ReleaseEvent.Waiting(ops.releaseId, started, "the error rate of " + revision + " to return to "
                + Format.percent(limit) + " or under", deadline));
        String lastHigh = null;
        String lastUnjudged = null;
        boolean lastFailed = false;
        Instant next = started.plus(interval);
        while (true) {
            ops.sleepUntil(next.isAfter(deadline) ? deadline : next);
            Optional<String> stop = ops.stopRequested();
            if (stop.isPresent()) {
                return end(Recovery.Status.UNVERIFIED, revision, started, limit, against, "recovery watch stopped ("
                        + stop.get() + ") after " + readings.size() + " reading(s); traffic stays on " + revision);
            }
            Instant now = ops.now();
            Instant windowStart = now.minus(t.window());
            Instant from = windowStart.isAfter(earliest) ? windowStart : earliest;
            if (!now.isAfter(from)) {
                if (lastUnjudged == null && lastHigh == null && !lastFailed) {
                    lastUnjudged = "no interval since traffic went back at " + stamp(trafficBack) + " could be "
                            + "judged yet: the error-rate source reads " + Format.duration(behind) + " behind";
                }
            } else {
                ErrorRateReading reading = ops.errorRate(revision, SIGNAL, from, now);
                String words = describe(reading, now);
                if (reading instanceof ErrorRateReading.Measured m && m.requests() >= t.minimumRequests()) {
                    boolean within = m.rate() <= limit;
                    point(now, within, Optional.of(m.rate()), words + (within ? ": within " : ": above ")
                            + Format.percent(limit));
                    if (within) {
                        return end(Recovery.Status.RECOVERED, revision, started, limit, against, "recovered: at "
                                + stamp(now) + " " + words + ", within " + Format.percent(limit));
                    }
                    lastHigh = words;
                    lastUnjudged = null;
                    lastFailed = false;
                } else if (reading instanceof ErrorRateReading.Failed f) {
                    point(now, false, Optional.empty(), "ERROR: " + words);
                    lastFailed = true;
                    lastUnjudged = words;
                    if (ops.config.triggers().onReadError() == ReadErrorPolicy.PROMOTE_WITH_NOTE) {
                        return end(Recovery.Status.UNVERIFIED, revision, started, limit, against,
                                "recovery not verified (read error policy PROMOTE_WITH_NOTE): " + words);
                    }
                } else {
                    Optional<Double> value = reading instanceof ErrorRateReading.Measured m ? Optional.of(m.rate())
                            : Optional.empty();
                    String low = words + "; fewer than the " + Format.count(t.minimumRequests())
                            + " requests needed to judge";
                    point(now, true, value, low);
                    lastFailed = false;
                    lastUnjudged = low;
                    if (t.noDataPolicy() == NoDataPolicy.IGNORE) {
                        return end(Recovery.Status.UNVERIFIED, revision, started, limit, against,
                                "recovery not verified (no data policy IGNORE): " + low);
                    }
                }
            }
            if (!now.isBefore(deadline)) {
                return timedOut(revision, started, limit, against, policy, t, lastHigh, lastUnjudged, lastFailed);
            }
            next = next.plus(interval);
            if (!next.isAfter(now)) {
                next = now.plus(interval);
            }
        }
    }

    private Recovery timedOut(String revision, Instant started, double limit, String against, RecoveryPolicy policy,
            ErrorRateTrigger t, String lastHigh, String lastUnjudged, boolean lastFailed) {
        String within = " within " + Format.duration(policy.timeout());
        if (lastHigh != null) {
            return end(Recovery.Status.NOT_RECOVERED, revision, started, limit, against, "NOT RECOVERED: the error "
                    + "rate of " + revision + " did not return to " + Format.percent(limit) + " or under" + within
                    + "; last judged reading: " + lastHigh + (lastUnjudged != null ? "; latest: " + lastUnjudged : "")
                    + ". The previous revision is failing too: the cause may not be the release");
        }
        if (lastFailed) {
            return end(Recovery.Status.NOT_RECOVERED, revision, started, limit, against, "NOT RECOVERED: the error "
                    + "rate of " + revision + " could not be read" + within + " (read error policy "
                    + ops.config.triggers().onReadError() + "): " + lastUnjudged);
        }
        String why = lastUnjudged != null ? lastUnjudged : "no reading";
        if (t.noDataPolicy() == NoDataPolicy.FAIL) {
            return end(Recovery.Status.NOT_RECOVERED, revision, started, limit, against, "NOT RECOVERED: too little "
                    + "traffic to judge the error rate of " + revision + within + " (no data policy FAIL): " + why);
        }
        return end(Recovery.Status.UNVERIFIED, revision, started, limit, against, "recovery not verified: too little "
                + "traffic to judge the error rate of " + revision + within + " (no data policy " + t.noDataPolicy()
                + "): " + why);
    }

    private static String describe(ErrorRateReading reading, Instant now) {
        String over = " on " + reading.revision() + " over " + Format.duration(Duration.between(reading.from(),
                reading.to())) + ErrorRateTrigger.judged(reading, now);
        if (reading instanceof ErrorRateReading.Measured m) {
            return "5xx " + Format.percent(m.rate()) + " of " + Format.count(m.requests()) + " request"
                    + (m.requests() == 1 ? "" : "s") + over;
        }
        if (reading instanceof ErrorRateReading.Failed f) {
            return "the error rate could not be read" + over + ": " + f.reason();
        }
        return "no data" + over + ": " + ((ErrorRateReading.NoData) reading).reason();
    }

    /** An instant at second precision, as the rest of the evidence writes it. */
    private static Instant stamp(Instant at) {
        return at.truncatedTo(ChronoUnit.SECONDS);
    }

    private void point(Instant at, boolean ok, Optional<Double> value, String detail) {
        readings.add(new TimelinePoint(at, SIGNAL, ok, value, detail));
        ops.emit(new ReleaseEvent.SignalObserved(ops.releaseId, at, SIGNAL, ok, detail));
    }

    private Recovery notWatched(String revision, Instant at, String why) {
        ops.warn(why);
        return new Recovery(Recovery.Status.NOT_WATCHED, revision, at, at, Optional.empty(), "", List.of(), why);
    }

    private Recovery end(Recovery.Status status, String revision, Instant started, double limit, String against,
            String detail) {
        if (status == Recovery.Status.RECOVERED) {
            log.info("release {}: {}", ops.releaseId, SafeText.line(detail));
        } else if (status == Recovery.Status.NOT_RECOVERED) {
            log.error("release {}: {}", ops.releaseId, SafeText.line(detail));
            ops.emit(new ReleaseEvent.Warning(ops.releaseId, ops.now(), detail));
        } else {
            ops.warn(detail);
        }
        return new Recovery(status, revision, started, ops.now(), Optional.of(limit), against, readings, detail);
    }
}
