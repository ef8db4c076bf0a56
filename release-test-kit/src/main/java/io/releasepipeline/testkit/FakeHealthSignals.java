package io.releasepipeline.testkit;

import io.releasepipeline.spi.ErrorRateReading;
import io.releasepipeline.spi.HealthSignalProvider;
import io.releasepipeline.time.ClockAware;
import io.releasepipeline.time.ReleaseClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map.Entry;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Scripted error-rate telemetry: per revision, a piecewise-constant request rate (requests per minute) and 5xx
 * fraction over virtual time, integrated over the window asked for. Offsets count from the virtual clock's start
 * (or from this fake's creation on another clock).
 *
 * <pre>{@code
 * FakeHealthSignals signals = new FakeHealthSignals(clock);
 * signals.revision("v2").requestsPerMinute(600).errorRate(0.01).errorRateFrom(Duration.ofMinutes(7), 0.08);
 * // or let the request rate follow the platform's traffic split: v2 at 10% of 600 rpm gets 60 rpm
 * signals.followTraffic(platform, 600);
 * }</pre>
 *
 * <p>{@link #errorRate} integrates over {@code [from, min(to, now)]}: requests = ∫ rpm, errors = ∫ rpm × rate,
 * each rounded to the nearest whole request; a window with no whole request is {@link ErrorRateReading.NoData},
 * never a zero rate. A revision's request rate is its own script when it has one, else (with
 * {@link #followTraffic}) the app's rate times the revision's weight in the split in place at each instant, else
 * zero. Its error rate is 0 until scripted. With {@link #readsBehind(Duration)} it reads, and names, the window
 * asked for shifted back by that much.
 *
 * <p>Operation for {@link #failNext}: {@code errorRate} (only counted). Thread-safe.
 */
public final class FakeHealthSignals extends ScriptedFake implements HealthSignalProvider, ClockAware {

    private static final double NANOS_PER_MINUTE = 60e9;

    private final ReleaseClock clock;
    private final Instant origin;
    private final Map<String, RevisionScript> scripts = new HashMap<>();
    private FakePlatform platform;
    private double appRequestsPerMinute;
    private Duration readsBehind = Duration.ZERO;

    /**
     * Telemetry on {@code clock}: no revision has requests until scripted.
     *
     * @param clock the clock whose start the scripts' offsets count from
     */
    public FakeHealthSignals(ReleaseClock clock) {
        super("fake-health-signals", Set.of("errorRate"));
        this.clock = Objects.requireNonNull(clock, "clock");
        this.origin = Windows.origin(clock);
    }

    /**
     * The clock this fake's scripted error rates count from: the pipeline must run on it ({@code .clock(clock)}), which
     * its {@code build()} checks.
     *
     * @return the clock given at construction
     */
    @Override
    public ReleaseClock clock() {
        return clock;
    }

    /**
     * The script of {@code revision}, created empty if new: {@code signals.revision("v2").errorRate(0.08)}.
     *
     * @param revision the revision's name
     * @return the script of {@code revision}, created empty if new: {@code signals.revision("v2").errorRate(0.08)}
     */
    public synchronized RevisionScript revision(String revision) {
        return scripts.computeIfAbsent(revision, RevisionScript::new);
    }

    /**
     * Revisions without their own request-rate script receive {@code appRequestsPerMinute} × their weight in
     * {@code platform}'s split at each instant: {@code signals.followTraffic(platform, 600)}.
     *
     * @param platform the platform whose traffic split is followed
     * @param appRequestsPerMinute the app's total requests per minute
     * @return this {@code FakeHealthSignals}, for chaining
     */
    public synchronized FakeHealthSignals followTraffic(FakePlatform platform, double appRequestsPerMinute) {
        this.platform = Objects.requireNonNull(platform, "platform");
        this.appRequestsPerMinute = notNegative(appRequestsPerMinute);
        return this;
    }

    /**
     * Reads {@code delay} behind the window asked for, as a log source waiting for ingestion does: a reading of
     * {@code [from, to]} counts and names {@code [from - delay, to - delay]}, and {@link #readsBehind()} answers
     * {@code delay}. Default: zero.
     *
     * @param delay how far behind, zero or positive
     * @return this {@code FakeHealthSignals}, for chaining
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    public synchronized FakeHealthSignals readsBehind(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("readsBehind must be zero or positive, got " + delay);
        }
        this.readsBehind = delay;
        return this;
    }

    /** How far behind the window asked for this fake reads: zero unless set by {@link #readsBehind(Duration)}. */
    @Override
    public synchronized Duration readsBehind() {
        return readsBehind;
    }

    @Override
    public ErrorRateReading errorRate(String revision, Instant askedFrom, Instant askedTo) {
        FakePlatform followed;
        Instant from;
        Instant to;
        synchronized (this) {
            call("errorRate");
            followed = platform;
            from = askedFrom.minus(readsBehind);
            to = askedTo.minus(readsBehind);
        }
        // The platform's timeline is read outside this fake's lock so that the two locks are never nested.
        List<FakePlatform.TrafficAt> timeline = followed == null ? List.of() : followed.trafficTimeline();
        synchronized (this) {
            Instant now = clock.now();
            Instant end = to.isAfter(now) ? now : to;
            RevisionScript script = scripts.get(revision);
            TreeSet<Instant> cuts = new TreeSet<>();
            cuts.add(from);
            cuts.add(end);
            if (script != null) {
                cuts.addAll(script.requestsPerMinute.subMap(from, false, end, false).keySet());
                cuts.addAll(script.errorRate.subMap(from, false, end, false).keySet());
                if (script.trafficSince.isAfter(from) && script.trafficSince.isBefore(end)) {
                    cuts.add(script.trafficSince);
                }
            }
            for (FakePlatform.TrafficAt t : timeline) {
                if (t.at().isAfter(from) && t.at().isBefore(end)) {
                    cuts.add(t.at());
                }
            }
            double requests = 0;
            double errors = 0;
            Instant start = null;
            for (Instant cut : cuts) {
                if (start != null && cut.isAfter(start)) {
                    double minutes = Duration.between(start, cut).toNanos() / NANOS_PER_MINUTE;
                    double n = requestsPerMinute(script, timeline, revision, start) * minutes;
                    requests += n;
                    errors += n * (script == null ? 0 : valueAt(script.errorRate, start));
                }
                start = cut;
            }
            long wholeRequests = Math.round(requests);
            if (wholeRequests < 1) {
                return new ErrorRateReading.NoData(revision, from, to, "no requests to " + revision
                        + " in the window");
            }
            long wholeErrors = Math.min(wholeRequests, Math.round(errors));
            return new ErrorRateReading.Measured(revision, from, to, wholeRequests, wholeErrors);
        }
    }

    @Override
    public synchronized String toString() {
        return "FakeHealthSignals" + scripts.keySet();
    }

    private double requestsPerMinute(RevisionScript script, List<FakePlatform.TrafficAt> timeline, String revision,
            Instant at) {
        if (script != null && at.isBefore(script.trafficSince)) {
            return 0;
        }
        if (script != null && !script.requestsPerMinute.isEmpty()) {
            return valueAt(script.requestsPerMinute, at);
        }
        int weight = 0;
        for (FakePlatform.TrafficAt t : timeline) {
            if (t.at().isAfter(at)) {
                break;
            }
            weight = t.weights().weightOf(revision);
        }
        return appRequestsPerMinute * weight / 100.0;
    }

    private static double valueAt(TreeMap<Instant, Double> script, Instant at) {
        Entry<Instant, Double> e = script.floorEntry(at);
        return e == null ? 0 : e.getValue();
    }

    private static double notNegative(double value) {
        if (!(value >= 0)) {
            throw new IllegalArgumentException("must be a number >= 0, got " + value);
        }
        return value;
    }

    private static double fraction(double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException("a 5xx fraction must be 0..1, got " + value);
        }
        return value;
    }

    /** The script of one revision; each method applies at once and returns this script. Thread-safe. */
    public final class RevisionScript {

        private final TreeMap<Instant, Double> requestsPerMinute = new TreeMap<>();
        private final TreeMap<Instant, Double> errorRate = new TreeMap<>();
        private Instant trafficSince = Instant.MIN;

        private RevisionScript(String revision) {
            Objects.requireNonNull(revision, "revision");
        }

        /**
         * Receives {@code rpm} requests per minute from the start on: {@code .requestsPerMinute(600)}.
         *
         * @param rpm requests per minute, zero or more
         * @return this {@code RevisionScript}, for chaining
         */
        public RevisionScript requestsPerMinute(double rpm) {
            return requestsPerMinuteFrom(Duration.ZERO, rpm);
        }

        /**
         * Receives {@code rpm} requests per minute from {@code offset} on: {@code .requestsPerMinuteFrom(ofMinutes(5),
         * 0)}.
         *
         * @param offset from the clock's start
         * @param rpm requests per minute, zero or more
         * @return this {@code RevisionScript}, for chaining
         */
        public RevisionScript requestsPerMinuteFrom(Duration offset, double rpm) {
            synchronized (FakeHealthSignals.this) {
                requestsPerMinute.put(origin.plus(offset), notNegative(rpm));
            }
            return this;
        }

        /**
         * Answers {@code fraction} of its requests with a 5xx from the start on: {@code .errorRate(0.01)}.
         *
         * @param fraction the 5xx fraction, 0 to 1
         * @return this {@code RevisionScript}, for chaining
         */
        public RevisionScript errorRate(double fraction) {
            return errorRateFrom(Duration.ZERO, fraction);
        }

        /**
         * Answers {@code fraction} with a 5xx from {@code offset} on: {@code .errorRateFrom(ofMinutes(3), 0.08)}.
         *
         * @param offset from the clock's start
         * @param fraction the 5xx fraction, 0 to 1
         * @return this {@code RevisionScript}, for chaining
         */
        public RevisionScript errorRateFrom(Duration offset, double fraction) {
            synchronized (FakeHealthSignals.this) {
                errorRate.put(origin.plus(offset), fraction(fraction));
            }
            return this;
        }

        /**
         * Answers {@code fraction} with a 5xx in {@code [from, until)}, then the rate in effect before again:
         * {@code .errorRateBetween(ofMinutes(3), ofMinutes(4), 0.5)}.
         *
         * @param from from the clock's start, inclusive
         * @param until from the clock's start, exclusive
         * @param fraction the 5xx fraction, 0 to 1
         * @return this {@code RevisionScript}, for chaining
         */
        public RevisionScript errorRateBetween(Duration from, Duration until, double fraction) {
            synchronized (FakeHealthSignals.this) {
                if (until.compareTo(from) <= 0) {
                    throw new IllegalArgumentException("need from < until, got " + from + ".." + until);
                }
                double after = valueAt(errorRate, origin.plus(until));
                errorRate.put(origin.plus(from), fraction(fraction));
                errorRate.put(origin.plus(until), after);
            }
            return this;
        }

        /**
         * Receives no request before {@code offset}, whatever the rate scripts say: {@code
         * .trafficSince(ofMinutes(6))}.
         *
         * @param offset from the clock's start
         * @return this {@code RevisionScript}, for chaining
         */
        public RevisionScript trafficSince(Duration offset) {
            synchronized (FakeHealthSignals.this) {
                trafficSince = origin.plus(offset);
            }
            return this;
        }
    }
}
