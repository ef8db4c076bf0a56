package io.releasepipeline.evidence;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.releasepipeline.spi.Alert;
import io.releasepipeline.spi.AlertSource;
import io.releasepipeline.trigger.CanaryAnalysisTrigger;
import io.releasepipeline.trigger.NoDataPolicy;
import io.releasepipeline.trigger.ReadErrorPolicy;
import io.releasepipeline.trigger.RollbackTrigger;
import io.releasepipeline.trigger.Triggers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Every sample the engine took while it observed a release's traffic steps, and the policy it judged them with: what
 * a backtest replays ({@code io.releasepipeline.backtest.Backtest}). Written compactly, in a documented and
 * versioned format ({@code docs/samples-format.md}): times are whole milliseconds after the step's start, columns
 * are parallel arrays, health probe times are deltas, repeated texts are written once. Immutable.
 *
 * <p>Bounded: at most {@link #MAX_SAMPLES} samples per release (all signals together). A release that takes more
 * (a manual approval awaited for hours) keeps the first ones and says where it stopped ({@link Step#truncated}); a
 * backtest replays it up to there.
 *
 * @param format the format's version, {@link #FORMAT}
 * @param policy the policy that was live: what a determinism check replays
 * @param steps each observation in the order it ran: a traffic step's window, or a wait for a manual approval
 */
public record Samples(int format, Policy policy, List<Step> steps) {

    /** The current format version. */
    public static final int FORMAT = 1;

    /** The most samples one release keeps, all signals together. */
    public static final int MAX_SAMPLES = 20_000;

    /**
     * Validates and copies.
     *
     * @param format the format's version, {@link #FORMAT}
     * @param policy the policy that was live: what a determinism check replays
     * @param steps each observation in the order it ran: a traffic step's window, or a wait for a manual approval
     */
    public Samples {
        Objects.requireNonNull(policy, "policy");
        steps = steps == null ? List.of() : List.copyOf(steps);
    }

    /**
     * The total number of samples kept.
     *
     * @return the total number of samples kept
     */
    public int count() {
        return steps.stream().mapToInt(Step::count).sum();
    }

    /**
     * The rollback policy that judged the samples, as numbers (custom triggers by name only: they are code).
     *
     * @param smokeFailingFor the smoke trigger's threshold, when armed
     * @param healthDownFor the health trigger's threshold, when armed
     * @param errorRate the error-rate trigger, when armed
     * @param canaryMaxIncrease canary analysis's allowed increase, when armed
     * @param alerts whether the alert trigger was armed
     * @param advisory the triggers in advisory mode
     * @param onReadError the read error policy
     * @param healthProbeInterval interval between health probes
     * @param smokeInterval interval between smoke checks
     * @param errorRateInterval interval between error-rate readings
     * @param alertInterval interval between reads of a polled alert source
     * @param custom the names of custom triggers (not replayable from the record)
     */
    public record Policy(Optional<Duration> smokeFailingFor, Optional<Duration> healthDownFor,
            Optional<ErrorRate> errorRate, Optional<Double> canaryMaxIncrease, boolean alerts, List<String> advisory,
            ReadErrorPolicy onReadError, Duration healthProbeInterval, Duration smokeInterval,
            Duration errorRateInterval, Duration alertInterval, List<String> custom) {

        /**
         * Validates and copies.
         *
         * @param smokeFailingFor the smoke trigger's threshold, when armed
         * @param healthDownFor the health trigger's threshold, when armed
         * @param errorRate the error-rate trigger, when armed
         * @param canaryMaxIncrease canary analysis's allowed increase, when armed
         * @param alerts whether the alert trigger was armed
         * @param advisory the triggers in advisory mode
         * @param onReadError the read error policy
         * @param healthProbeInterval interval between health probes
         * @param smokeInterval interval between smoke checks
         * @param errorRateInterval interval between error-rate readings
         * @param alertInterval interval between reads of a polled alert source
         * @param custom the names of custom triggers (not replayable from the record)
         */
        public Policy {
            smokeFailingFor = smokeFailingFor == null ? Optional.empty() : smokeFailingFor;
            healthDownFor = healthDownFor == null ? Optional.empty() : healthDownFor;
            errorRate = errorRate == null ? Optional.empty() : errorRate;
            canaryMaxIncrease = canaryMaxIncrease == null ? Optional.empty() : canaryMaxIncrease;
            advisory = advisory == null ? List.of() : List.copyOf(advisory);
            custom = custom == null ? List.of() : List.copyOf(custom);
            Objects.requireNonNull(onReadError, "onReadError");
            Objects.requireNonNull(healthProbeInterval, "healthProbeInterval");
            Objects.requireNonNull(smokeInterval, "smokeInterval");
            Objects.requireNonNull(errorRateInterval, "errorRateInterval");
            Objects.requireNonNull(alertInterval, "alertInterval");
        }

        /**
         * The policy of {@code triggers}, as numbers.
         *
         * @param triggers the trigger policy
         * @return the policy of {@code triggers}, as numbers
         */
        public static Policy of(Triggers triggers) {
            Optional<ErrorRate> errorRate = triggers.errorRate().map(e -> new ErrorRate(e.threshold(), e.window(),
                    e.minimumRequests(), e.noDataPolicy(), e.holdLimit()));
            return new Policy(triggers.smokeFailingFor(), triggers.healthDownFor(), errorRate,
                    triggers.canaryAnalysis().map(CanaryAnalysisTrigger::maxIncrease),
                    triggers.alertSource().isPresent(), new java.util.TreeSet<>(triggers.advisory()).stream().toList(),
                    triggers.onReadError(), triggers.healthProbeInterval(), triggers.smokeInterval(),
                    triggers.errorRateInterval(), triggers.alertInterval(),
                    triggers.custom().stream().map(RollbackTrigger::name).toList());
        }

        /**
         * The triggers this policy describes, to replay it; a recorded alert trigger judges the recorded alerts (its
         * source is never read).
         *
         * @return the triggers this policy describes, to replay it; a recorded alert trigger judges the recorded
         *     alerts (its source is never read)
         * @throws IllegalStateException when it had custom triggers, which are code the record cannot hold
         */
        public Triggers toTriggers() {
            if (!custom.isEmpty()) {
                throw new IllegalStateException("the live policy had custom triggers " + custom
                        + ", which are code: pass them to the backtest with the policy");
            }
            Triggers.Builder b = Triggers.builder().healthProbeInterval(healthProbeInterval)
                    .smokeInterval(smokeInterval).errorRateInterval(errorRateInterval).alertInterval(alertInterval)
                    .onReadError(onReadError).advisory(advisory.toArray(String[]::new));
            smokeFailingFor.ifPresentOrElse(b::smokeFailingFor, b::withoutSmokeTrigger);
            healthDownFor.ifPresentOrElse(b::healthDownFor, b::withoutHealthTrigger);
            errorRate.ifPresentOrElse(e -> b.errorRateAbove(e.threshold(), e.window())
                    .minimumRequests(e.minimumRequests()).noDataPolicy(e.noDataPolicy()).holdLimit(e.holdLimit()),
                    b::withoutErrorRateTrigger);
            canaryMaxIncrease.ifPresent(b::canaryAnalysis);
            if (alerts) {
                b.onAlerts(recordedAlerts());
            }
            return b.build();
        }
    }

    /**
     * The alert source of a replayed policy (a candidate's alert trigger, the recorded live one): its alerts come from
     * the record, so it is never read; reading it throws {@link UnsupportedOperationException}. Stateless.
     *
     * @return the alert source of a replayed policy (a candidate's alert trigger, the recorded live one): its alerts
     *     come from the record, so it is never read; reading it throws {@link UnsupportedOperationException}
     */
    public static AlertSource recordedAlerts() {
        return RecordedAlerts.INSTANCE;
    }

    /** See {@link #recordedAlerts()}. */
    private enum RecordedAlerts implements AlertSource {
        INSTANCE;

        @Override
        public String providerName() {
            return "recorded alerts";
        }

        @Override
        public List<Alert> firing(Instant since) {
            throw new UnsupportedOperationException("a replayed policy judges the recorded alerts");
        }
    }

    /**
     * The error-rate trigger's settings.
     *
     * @param threshold the 5xx fraction above which it fires
     * @param window the trailing window
     * @param minimumRequests fewer requests is no data
     * @param noDataPolicy what no data means at a step's end
     * @param holdLimit how long a step is held for data
     */
    public record ErrorRate(double threshold, Duration window, long minimumRequests, NoDataPolicy noDataPolicy,
            Duration holdLimit) {

        /**
         * Validates.
         *
         * @param threshold the 5xx fraction above which it fires
         * @param window the trailing window
         * @param minimumRequests fewer requests is no data
         * @param noDataPolicy what no data means at a step's end
         * @param holdLimit how long a step is held for data
         */
        public ErrorRate {
            Objects.requireNonNull(window, "window");
            Objects.requireNonNull(noDataPolicy, "noDataPolicy");
            Objects.requireNonNull(holdLimit, "holdLimit");
        }
    }

    /** How a step's observation ended. */
    public enum End {
        /** Every trigger stayed quiet (or the awaited approval came) and the step passed. */
        PASSED,
        /** A trigger fired. */
        FIRED,
        /** Someone asked for a rollback. */
        STOPPED,
        /** The observation was cut short (the process stopped, a provider failed); a resumed release observes anew. */
        INTERRUPTED
    }

    /**
     * One observation: a traffic step's window, or the watch kept while a manual approval was awaited.
     *
     * @param revision the revision observed
     * @param stable the stable revision sharing traffic, when traffic was split
     * @param weight the new revision's share of traffic, percent
     * @param start when the observation started (millisecond precision: every time below is whole milliseconds
     *     after it)
     * @param window the step's observation window (for an approval wait: the approval timeout)
     * @param approval true for a watch kept while a manual approval was awaited (ended by the decision, not the
     *     window)
     * @param end how it ended
     * @param closedAt when it ended, milliseconds after {@code start}
     * @param ends the times (milliseconds after {@code start}) the observation judged the window's end: once per
     *     round of samples from the window's end on (the samples of the round first), and at the end of a hold
     * @param health every health probe
     * @param smoke every smoke check
     * @param errorRate every error-rate reading
     * @param alerts every read of the alert source
     * @param truncated set when the release's sample budget ran out during this step: from when on nothing was kept
     */
    public record Step(String revision, Optional<String> stable, int weight, Instant start, Duration window,
            boolean approval, End end, long closedAt, List<Long> ends, Health health, Smoke smoke,
            List<ErrorRateSample> errorRate, Alerts alerts, Optional<Long> truncated) {

        /**
         * Validates and copies.
         *
         * @param revision the revision observed
         * @param stable the stable revision sharing traffic, when traffic was split
         * @param weight the new revision's share of traffic, percent
         * @param start when the observation started (millisecond precision: every time below is whole milliseconds
         *     after it)
         * @param window the trailing window
         * @param approval true for a watch kept while a manual approval was awaited (ended by the decision, not the
         *     window)
         * @param end how it ended
         * @param closedAt when it ended, milliseconds after {@code start}
         * @param ends the times (milliseconds after {@code start}) the observation judged the window's end: once per
         *     round of samples from the window's end on (the samples of the round first), and at the end of a hold
         * @param health every health probe
         * @param smoke every smoke check
         * @param errorRate the error-rate trigger, when armed
         * @param alerts whether the alert trigger was armed
         * @param truncated set when the release's sample budget ran out during this step: from when on nothing was
         *     kept
         */
        public Step {
            Objects.requireNonNull(revision, "revision");
            stable = stable == null ? Optional.empty() : stable;
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(window, "window");
            Objects.requireNonNull(end, "end");
            ends = ends == null ? List.of() : List.copyOf(ends);
            health = health == null ? Health.EMPTY : health;
            smoke = smoke == null ? Smoke.EMPTY : smoke;
            errorRate = errorRate == null ? List.of() : List.copyOf(errorRate);
            alerts = alerts == null ? Alerts.EMPTY : alerts;
            truncated = truncated == null ? Optional.empty() : truncated;
        }

        /**
         * The number of samples kept.
         *
         * @return the number of samples kept
         */
        public int count() {
            return health.count() + smoke.checks().size() + errorRate.size() + alerts.t().size();
        }
    }

    /**
     * Health probe results, as columns.
     *
     * @param t each probe's time: the first in milliseconds after the step's start, each next one in milliseconds
     *     after the one before
     * @param up each probe's verdict, one character each: {@code 1} up, {@code 0} down
     * @param ms each probe's latency in milliseconds
     * @param detail the probe's description, written at the first probe and then only where it changes
     */
    public record Health(List<Long> t, String up, List<Long> ms, List<Detail> detail) {

        static final Health EMPTY = new Health(List.of(), "", List.of(), List.of());

        /**
         * Validates and copies.
         *
         * @param t each probe's time: the first in milliseconds after the step's start, each next one in milliseconds
         *     after the one before
         * @param up each probe's verdict, one character each: {@code 1} up, {@code 0} down
         * @param ms each probe's latency in milliseconds
         * @param detail the probe's description, written at the first probe and then only where it changes
         */
        public Health {
            t = t == null ? List.of() : List.copyOf(t);
            up = up == null ? "" : up;
            ms = ms == null ? List.of() : List.copyOf(ms);
            detail = detail == null ? List.of() : List.copyOf(detail);
            if (up.length() != t.size() || ms.size() != t.size()) {
                throw new IllegalArgumentException("health columns differ in length: t " + t.size() + ", up "
                        + up.length() + ", ms " + ms.size());
            }
        }

        /**
         * The number of probes.
         *
         * @return the number of probes
         */
        public int count() {
            return t.size();
        }
    }

    /**
     * A description that holds from probe {@code from} (an index into the columns) until the next one.
     *
     * @param from the index of the first probe it describes
     * @param text the description
     */
    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    @JsonPropertyOrder({"from", "text"})
    public record Detail(int from, String text) {

        /**
         * Validates.
         *
         * @param from the index of the first probe it describes
         * @param text the description
         */
        public Detail {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * Smoke checks.
     *
     * @param endpoints the endpoints' names, which each check's results point into
     * @param checks each check
     */
    public record Smoke(List<String> endpoints, List<SmokeCheck> checks) {

        static final Smoke EMPTY = new Smoke(List.of(), List.of());

        /**
         * Validates and copies.
         *
         * @param endpoints the endpoints' names, which each check's results point into
         * @param checks each check
         */
        public Smoke {
            endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
            checks = checks == null ? List.of() : List.copyOf(checks);
        }
    }

    /**
     * One smoke check: {@code [t, [[endpoint, passed, status, median, p95, error], ...]]}.
     *
     * @param t when, milliseconds after the step's start
     * @param results each endpoint's result
     */
    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    @JsonPropertyOrder({"t", "results"})
    public record SmokeCheck(long t, List<EndpointSample> results) {

        /**
         * Validates and copies.
         *
         * @param t each probe's time: the first in milliseconds after the step's start, each next one in milliseconds
         *     after the one before
         * @param results each endpoint's result
         */
        public SmokeCheck {
            results = results == null ? List.of() : List.copyOf(results);
        }
    }

    /**
     * One endpoint's smoke result: {@code [endpoint, passed, status, medianMs, p95Ms, error]}, nulls where absent.
     *
     * @param endpoint index into {@link Smoke#endpoints}
     * @param passed whether it passed
     * @param status the HTTP status, or null
     * @param medianMs the median warm latency in milliseconds, or null
     * @param p95Ms the 95th percentile warm latency in milliseconds, or null
     * @param error what went wrong, or null
     */
    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    @JsonPropertyOrder({"endpoint", "passed", "status", "medianMs", "p95Ms", "error"})
    public record EndpointSample(int endpoint, boolean passed, Integer status, Long medianMs, Long p95Ms,
            String error) {
    }

    /**
     * One error-rate reading, of the new revision and (while traffic was split) of the stable one.
     *
     * @param t when, milliseconds after the step's start
     * @param canary the new revision's reading
     * @param stable the stable revision's reading, while traffic was split
     */
    public record ErrorRateSample(long t, Reading canary, Optional<Reading> stable) {

        /**
         * Validates.
         *
         * @param t each probe's time: the first in milliseconds after the step's start, each next one in milliseconds
         *     after the one before
         * @param canary the new revision's reading
         * @param stable the stable revision sharing traffic, when traffic was split
         */
        public ErrorRateSample {
            Objects.requireNonNull(canary, "canary");
            stable = stable == null ? Optional.empty() : stable;
        }
    }

    /**
     * One revision's reading: {@code [from, to, requests, errors, noData, failed]}. Measured: {@code requests} and
     * {@code errors} set; no data: {@code noData} says why; failed: {@code failed} says why. {@code from} and
     * {@code to} are the interval it counted, milliseconds after the step's start (negative before it).
     *
     * @param from the interval's start
     * @param to the interval's end
     * @param requests requests counted, or null
     * @param errors 5xx answers counted, or null
     * @param noData why there was no data, or null
     * @param failed why the read failed, or null
     */
    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    @JsonPropertyOrder({"from", "to", "requests", "errors", "noData", "failed"})
    public record Reading(long from, long to, Long requests, Long errors, String noData, String failed) {
    }

    /**
     * Reads of the alert source, as columns.
     *
     * @param t each read's time, milliseconds after the step's start
     * @param v each read's answer, an index into {@code states}
     * @param states the distinct answers
     */
    public record Alerts(List<Long> t, List<Integer> v, List<AlertState> states) {

        static final Alerts EMPTY = new Alerts(List.of(), List.of(), List.of());

        /**
         * Validates and copies.
         *
         * @param t each probe's time: the first in milliseconds after the step's start, each next one in milliseconds
         *     after the one before
         * @param v each read's answer, an index into {@code states}
         * @param states the distinct answers
         */
        public Alerts {
            t = t == null ? List.of() : List.copyOf(t);
            v = v == null ? List.of() : List.copyOf(v);
            states = states == null ? List.of() : List.copyOf(states);
            if (t.size() != v.size()) {
                throw new IllegalArgumentException("alert columns differ in length: t " + t.size() + ", v "
                        + v.size());
            }
        }
    }

    /**
     * One answer of the alert source: the alerts firing, or why the read failed.
     *
     * @param firing the alerts firing
     * @param error why the read failed, when it did
     */
    public record AlertState(List<Alert> firing, Optional<String> error) {

        /**
         * Validates and copies.
         *
         * @param firing the alerts firing
         * @param error what went wrong, or null
         */
        public AlertState {
            firing = firing == null ? List.of() : List.copyOf(firing);
            error = error == null ? Optional.empty() : error;
        }
    }
}
