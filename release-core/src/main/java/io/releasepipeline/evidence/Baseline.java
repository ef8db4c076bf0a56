package io.releasepipeline.evidence;

import io.releasepipeline.format.Format;
import io.releasepipeline.spi.ErrorRateReading;
import io.releasepipeline.trigger.ErrorRateTrigger;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The stable revision's error rate measured before traffic first moved to the new revision: what "the error rate
 * returns to baseline" (the runbook's Rollback Procedure, step 2) is judged against after a rollback. Read over the
 * error-rate trigger's window ending when it was measured, or, from a source that reads behind (a log source waiting
 * for ingestion), that window shifted back: {@code from} and {@code to} are always the interval judged, which ends
 * before traffic first moved. A read that found too little traffic, or failed, is
 * recorded as such ({@link Status#NO_DATA}, {@link Status#FAILED}) and never blocked the release; a recovery watch
 * then judges against the error-rate trigger's threshold instead. Immutable.
 *
 * @param status what the read found
 * @param revision the revision read (the stable one)
 * @param from the judged interval's start
 * @param to the judged interval's end: when it was measured, less how far behind the source reads
 * @param requests requests counted in the window; 0 unless {@link Status#MEASURED}
 * @param serverErrors 5xx answers counted in the window; 0 unless {@link Status#MEASURED}
 * @param detail why there is no number ({@link Status#NO_DATA}, {@link Status#FAILED}); empty when measured
 * @param measuredAt when it was read; {@code to} when not given (records written before it was kept)
 */
public record Baseline(Status status, String revision, Instant from, Instant to, long requests, long serverErrors,
        String detail, Instant measuredAt) {

    /** What the baseline read found. */
    public enum Status {
        /** Requests and 5xx answers were counted (possibly fewer requests than needed to judge). */
        MEASURED,
        /** No request was counted in the window (no traffic, or the metric was not there yet). */
        NO_DATA,
        /** The read failed after the provider policy's retries. */
        FAILED
    }

    /**
     * Validates.
     *
     * @param status what the read found
     * @param revision the revision read (the stable one)
     * @param from the judged interval's start
     * @param to the judged interval's end: when it was measured, less how far behind the source reads
     * @param requests requests counted in the window; 0 unless {@link Status#MEASURED}
     * @param serverErrors 5xx answers counted in the window; 0 unless {@link Status#MEASURED}
     * @param detail why there is no number ({@link Status#NO_DATA}, {@link Status#FAILED}); empty when measured
     * @param measuredAt when it was read; {@code to} when not given (records written before it was kept)
     */
    public Baseline {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        detail = detail == null ? "" : detail;
        measuredAt = measuredAt == null ? to : measuredAt;
        if (requests < 0 || serverErrors < 0 || serverErrors > requests) {
            throw new IllegalArgumentException("need 0 <= serverErrors <= requests, got " + serverErrors + " of "
                    + requests);
        }
    }

    /**
     * A baseline judged up to {@code to} and measured then: a source that reads the window as asked. Validates.
     *
     * @param status what the read found
     * @param revision the revision read (the stable one)
     * @param from the judged interval's start
     * @param to the judged interval's end: when it was measured, less how far behind the source reads
     * @param requests requests counted in the window; 0 unless {@link Status#MEASURED}
     * @param serverErrors 5xx answers counted in the window; 0 unless {@link Status#MEASURED}
     * @param detail why there is no number ({@link Status#NO_DATA}, {@link Status#FAILED}); empty when measured
     */
    public Baseline(Status status, String revision, Instant from, Instant to, long requests, long serverErrors,
            String detail) {
        this(status, revision, from, to, requests, serverErrors, detail, to);
    }

    /**
     * The baseline a reading of the stable revision, read at {@code measuredAt}, gives; its interval is the one the
     * reading judged.
     *
     * @param reading the stable revision's error-rate reading
     * @param measuredAt when it was read; {@code to} when not given (records written before it was kept)
     * @return the baseline a reading of the stable revision, read at {@code measuredAt}, gives; its interval is the
     *     one the reading judged
     */
    public static Baseline of(ErrorRateReading reading, Instant measuredAt) {
        if (reading instanceof ErrorRateReading.Measured m) {
            return new Baseline(Status.MEASURED, m.revision(), m.from(), m.to(), m.requests(), m.serverErrors(), "",
                    measuredAt);
        }
        if (reading instanceof ErrorRateReading.Failed f) {
            return new Baseline(Status.FAILED, f.revision(), f.from(), f.to(), 0, 0, f.reason(), measuredAt);
        }
        ErrorRateReading.NoData n = (ErrorRateReading.NoData) reading;
        return new Baseline(Status.NO_DATA, n.revision(), n.from(), n.to(), 0, 0, n.reason(), measuredAt);
    }

    /**
     * The 5xx fraction (0..1) when measured with at least one request.
     *
     * @return the 5xx fraction (0..1) when measured with at least one request
     */
    public Optional<Double> rate() {
        return status == Status.MEASURED && requests > 0 ? Optional.of((double) serverErrors / requests)
                : Optional.empty();
    }

    /**
     * True when measured over at least {@code minimumRequests} requests: enough traffic to judge against.
     *
     * @param minimumRequests the fewest requests worth judging against
     * @return true when measured over at least {@code minimumRequests} requests: enough traffic to judge against
     */
    public boolean usable(long minimumRequests) {
        return status == Status.MEASURED && requests >= Math.max(1, minimumRequests);
    }

    /**
     * In words, for notes and reports: {@code 5xx 0.4% of 3,000 requests on v1 over 5m} or why there is no number;
     * from a source that reads behind, followed by the judged interval as trigger verdicts name it
     * ({@link ErrorRateTrigger#judged(Instant, Instant, Instant)}): {@code (judged 09:02:00Z .. 09:07:00Z, 3m behind)}
     * with full dates.
     *
     * @return the baseline in words
     */
    public String describe() {
        String over = " on " + revision + " over " + Format.duration(Duration.between(from, to))
                + ErrorRateTrigger.judged(from, to, measuredAt);
        return switch (status) {
            case MEASURED -> "5xx " + Format.percent(rate().orElse(0.0)) + " of " + Format.count(requests) + " request"
                    + (requests == 1 ? "" : "s") + over;
            case NO_DATA -> "no data" + over + ": " + detail;
            case FAILED -> "the read failed" + over + ": " + detail;
        };
    }
}
