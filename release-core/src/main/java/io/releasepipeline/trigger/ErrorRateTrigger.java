package io.releasepipeline.trigger;

import io.releasepipeline.format.Format;
import io.releasepipeline.spi.ErrorRateReading;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;

/**
 * Fires when the new revision's 5xx fraction over a trailing window exceeds a threshold ("more than 5% 5xx in 5
 * minutes"), given at least a minimum number of requests; fewer requests are {@link TriggerState#NO_DATA}, and a
 * read that failed is {@link TriggerState#ERROR}. Immutable.
 *
 * @param threshold the 5xx fraction above which it fires, in (0, 1)
 * @param window the trailing window the rate is read over
 * @param minimumRequests fewer requests than this in the window is no data
 * @param noDataPolicy what no data means when a step's observation ends
 * @param holdLimit how much longer a step is observed under {@link NoDataPolicy#HOLD}
 */
public record ErrorRateTrigger(double threshold, Duration window, long minimumRequests, NoDataPolicy noDataPolicy,
        Duration holdLimit) implements RollbackTrigger {

    /** The name in verdicts and evidence; also {@link Triggers}{@code .}ERROR_RATE. */
    public static final String NAME = "error-rate";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<Signal> signals() {
        return Set.of(Signal.ERROR_RATE);
    }

    @Override
    public TriggerVerdict evaluate(Observations observations, Instant now) {
        String limit = "threshold " + Format.percent(threshold);
        return observations.latestErrorRate().map(reading -> {
            if (reading instanceof ErrorRateReading.Measured m) {
                String numbers = "5xx " + Format.percent(m.rate()) + " over " + Format.duration(window) + " of "
                        + Format.count(m.requests()) + " request" + (m.requests() == 1 ? "" : "s") + judged(m, now);
                if (m.requests() < minimumRequests) {
                    return new TriggerVerdict(NAME, TriggerState.NO_DATA, numbers + "; fewer than the "
                            + Format.count(minimumRequests) + " requests needed to judge", now);
                }
                TriggerState state = m.rate() > threshold ? TriggerState.FIRING : TriggerState.OK;
                return new TriggerVerdict(NAME, state, numbers + "; " + limit, now);
            }
            if (reading instanceof ErrorRateReading.Failed f) {
                return new TriggerVerdict(NAME, TriggerState.ERROR, "the error rate could not be read: "
                        + f.reason(), now);
            }
            ErrorRateReading.NoData nd = (ErrorRateReading.NoData) reading;
            return new TriggerVerdict(NAME, TriggerState.NO_DATA, "no data over " + Format.duration(window) + ": "
                    + nd.reason(), now);
        }).orElseGet(() -> new TriggerVerdict(NAME, TriggerState.NO_DATA, "no error-rate reading yet", now));
    }

    /**
     * How far behind the verdict a reading may end and still count as the trailing window ending then: the read's
     * own time. One second.
     */
    public static final Duration JUDGED_SLACK = Duration.ofSeconds(1);

    /**
     * The interval a reading judged, in words, when it is not the trailing window ending {@code now}: a source that
     * reads behind (Log Analytics, for ingestion) says which interval its numbers are, so verdicts, baselines and
     * recovery readings do too: {@code " (judged 2026-01-05T09:02:00Z .. 2026-01-05T09:07:00Z, 3m behind)"}, with a
     * leading space, at second precision. Empty for a reading of the window ending {@code now}, or less than
     * {@link #JUDGED_SLACK} before it (the time the read itself took on a real clock, not an interval worth naming).
     * Stateless and thread-safe.
     *
     * @param reading the reading, whose {@code from} and {@code to} are the interval it judged
     * @param now when it was read
     * @return the words, or an empty string
     */
    public static String judged(ErrorRateReading reading, Instant now) {
        return judged(reading.from(), reading.to(), now);
    }

    /**
     * {@link #judged(ErrorRateReading, Instant)} for an interval {@code [from, to]} read at {@code now}, e.g. a
     * recorded baseline's. Stateless and thread-safe.
     *
     * @param from the interval's start
     * @param to the interval's end
     * @param now when it was read
     * @return the words, with a leading space, or an empty string when {@code to} is less than
     *     {@link #JUDGED_SLACK} before {@code now}
     */
    public static String judged(Instant from, Instant to, Instant now) {
        if (Duration.between(to, now).compareTo(JUDGED_SLACK) < 0) {
            return "";
        }
        return " (judged " + from.truncatedTo(ChronoUnit.SECONDS) + " .. " + to.truncatedTo(ChronoUnit.SECONDS)
                + ", " + Format.duration(Duration.between(to, now)) + " behind)";
    }
}
