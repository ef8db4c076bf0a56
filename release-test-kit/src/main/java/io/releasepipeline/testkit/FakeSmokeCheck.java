package io.releasepipeline.testkit;

import io.releasepipeline.health.EndpointResult;
import io.releasepipeline.health.SmokeCheck;
import io.releasepipeline.health.SmokeResult;
import io.releasepipeline.health.SmokeTarget;
import io.releasepipeline.time.ClockAware;
import io.releasepipeline.time.ReleaseClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A scripted smoke check: every revision passes with a warm latency of {@link #DEFAULT_LATENCY} unless scripted
 * to fail (every endpoint answers 503) in a window of virtual time, or to be slow (an endpoint whose median
 * latency is not under the {@link #DEFAULT_LATENCY_SLO} fails, as in the runbook's "warm latency must be
 * &lt; 500ms"). Offsets count from the virtual clock's start.
 *
 * <pre>{@code
 * FakeSmokeCheck smoke = new FakeSmokeCheck(clock)
 *         .failingBetween("v2", Duration.ofMinutes(6), Duration.ofMinutes(9))   // FAIL for 3 minutes
 *         .slow("v3", Duration.ofMillis(800));                                  // FAIL: over the 500 ms SLO
 * assertThat(smoke.runs("v2")).isEqualTo(14);
 * }</pre>
 *
 * <p>Never throws for a failing endpoint. Thread-safe.
 */
public final class FakeSmokeCheck implements SmokeCheck, ClockAware {

    /** The endpoints checked unless told otherwise. */
    public static final List<String> DEFAULT_ENDPOINTS = List.of("/health", "/v1/status");
    /** The median warm latency of a revision not scripted slow: 120 ms. */
    public static final Duration DEFAULT_LATENCY = Duration.ofMillis(120);
    /** The runbook's SLO-2: warm latency must be under 500 ms. */
    public static final Duration DEFAULT_LATENCY_SLO = Duration.ofMillis(500);

    private final ReleaseClock clock;
    private final Windows failing;
    private final Map<String, Duration> latency = new HashMap<>();
    private final Map<String, long[]> runs = new HashMap<>();
    private List<String> endpoints = DEFAULT_ENDPOINTS;
    private Duration slo = DEFAULT_LATENCY_SLO;
    private Duration runTakes = Duration.ZERO;
    private long totalRuns;
    private SmokeResult last;

    /**
     * A smoke check whose scripts count from {@code clock}'s start; every revision passes until scripted.
     *
     * @param clock the clock whose start the scripts' offsets count from
     */
    public FakeSmokeCheck(ReleaseClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.failing = new Windows(clock);
    }

    /**
     * The clock this fake's failure windows count from: the pipeline must run on it ({@code .clock(clock)}), which its
     * {@code build()} checks.
     *
     * @return the clock given at construction
     */
    @Override
    public ReleaseClock clock() {
        return clock;
    }

    /**
     * The endpoints each run checks (default {@link #DEFAULT_ENDPOINTS}): {@code .endpoints("/health")}.
     *
     * @param paths the endpoints each run checks (default {@link #DEFAULT_ENDPOINTS}): {@code .endpoints("/health")}
     * @return this {@code FakeSmokeCheck}, for chaining
     */
    public synchronized FakeSmokeCheck endpoints(String... paths) {
        if (paths.length == 0) {
            throw new IllegalArgumentException("name at least one endpoint");
        }
        this.endpoints = List.of(paths);
        return this;
    }

    /**
     * The latency SLO (default 500 ms): an endpoint whose median is not under it fails.
     *
     * @param latencySlo the latency SLO (default 500 ms): an endpoint whose median is not under it fails
     * @return this {@code FakeSmokeCheck}, for chaining
     */
    public synchronized FakeSmokeCheck latencySlo(Duration latencySlo) {
        this.slo = Objects.requireNonNull(latencySlo, "latencySlo");
        return this;
    }

    /**
     * Each run sleeps this long on the clock it is given, as a real check would (default zero).
     *
     * @param duration each run sleeps this long on the clock it is given, as a real check would (default zero)
     * @return this {@code FakeSmokeCheck}, for chaining
     */
    public synchronized FakeSmokeCheck runTakes(Duration duration) {
        this.runTakes = Objects.requireNonNull(duration, "duration");
        return this;
    }

    /**
     * {@code revision} fails from {@code offset} on: {@code .failingFrom("v2", Duration.ofMinutes(3))}.
     *
     * @param revision the revision's name
     * @param offset from the clock's start
     * @return this {@code FakeSmokeCheck}, for chaining
     */
    public synchronized FakeSmokeCheck failingFrom(String revision, Duration offset) {
        failing.add(revision, offset, null);
        return this;
    }

    /**
     * {@code revision} fails in {@code [from, until)}: {@code .failingBetween("v2", ofMinutes(3), ofMinutes(6))}.
     *
     * @param revision the revision's name
     * @param from from the clock's start, inclusive
     * @param until from the clock's start, exclusive
     * @return this {@code FakeSmokeCheck}, for chaining
     */
    public synchronized FakeSmokeCheck failingBetween(String revision, Duration from, Duration until) {
        failing.add(revision, from, until);
        return this;
    }

    /**
     * {@code revision} fails always: {@code .failing("v2")}.
     *
     * @param revision the revision's name
     * @return this {@code FakeSmokeCheck}, for chaining
     */
    public FakeSmokeCheck failing(String revision) {
        return failingFrom(revision, Duration.ZERO);
    }

    /**
     * Every endpoint of {@code revision} answers with this median latency: {@code .slow("v2", ofMillis(800))}.
     *
     * @param revision the revision's name
     * @param medianLatency each endpoint's median latency
     * @return this {@code FakeSmokeCheck}, for chaining
     */
    public synchronized FakeSmokeCheck slow(String revision, Duration medianLatency) {
        latency.put(revision, Objects.requireNonNull(medianLatency, "medianLatency"));
        return this;
    }

    /**
     * How many runs checked {@code revision}.
     *
     * @param revision the revision's name
     * @return how many runs checked {@code revision}
     */
    public synchronized long runs(String revision) {
        long[] n = runs.get(revision);
        return n == null ? 0 : n[0];
    }

    /**
     * How many runs there were, for every revision.
     *
     * @return how many runs there were, for every revision
     */
    public synchronized long runs() {
        return totalRuns;
    }

    /**
     * The result of the last run, if any.
     *
     * @return the result of the last run, if any
     */
    public synchronized Optional<SmokeResult> lastResult() {
        return Optional.ofNullable(last);
    }

    @Override
    public SmokeResult run(SmokeTarget target, ReleaseClock runClock) {
        Duration takes;
        synchronized (this) {
            takes = runTakes;
        }
        if (!takes.isZero()) {
            runClock.sleep(takes);
        }
        synchronized (this) {
            String revision = target.revision();
            Instant at = runClock.now();
            boolean down = failing.covers(revision, at);
            Duration median = latency.getOrDefault(revision, DEFAULT_LATENCY);
            Duration p95 = median.plus(median.dividedBy(2));
            List<EndpointResult> results = new ArrayList<>(endpoints.size());
            for (String endpoint : endpoints) {
                if (down) {
                    results.add(EndpointResult.failed(endpoint, Optional.of(503), "503 Service Unavailable"));
                } else if (median.compareTo(slo) >= 0) {
                    results.add(new EndpointResult(endpoint, false, Optional.of(200), Optional.of(median),
                            Optional.of(p95), Optional.of("median " + median.toMillis() + "ms is not under the "
                                    + slo.toMillis() + "ms SLO")));
                } else {
                    results.add(EndpointResult.ok(endpoint, 200, median, p95));
                }
            }
            runs.computeIfAbsent(revision, r -> new long[1])[0]++;
            totalRuns++;
            last = SmokeResult.of(revision, at, results);
            return last;
        }
    }

    @Override
    public synchronized String toString() {
        return "FakeSmokeCheck[" + totalRuns + " runs]";
    }
}
