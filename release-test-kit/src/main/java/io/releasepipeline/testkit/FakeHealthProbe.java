package io.releasepipeline.testkit;

import io.releasepipeline.health.HealthProbe;
import io.releasepipeline.health.SmokeTarget;
import io.releasepipeline.time.ClockAware;
import io.releasepipeline.time.ReleaseClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A scripted synthetic health monitor: every revision is up unless scripted down in a window of virtual time
 * (offsets from the virtual clock's start). Down answers {@code 503}; it never throws.
 *
 * <pre>{@code
 * // "health down from t+3m for 31 s"
 * FakeHealthProbe probe = new FakeHealthProbe(clock).failingFor("v2", Duration.ofMinutes(3), Duration.ofSeconds(31));
 * assertThat(probe.probes("v2")).isGreaterThan(30);
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class FakeHealthProbe implements HealthProbe, ClockAware {

    private final ReleaseClock clock;
    private final Windows down;
    private final Map<String, long[]> probes = new HashMap<>();
    private long totalProbes;

    /**
     * A probe whose scripts count from {@code clock}'s start; every revision is up until scripted.
     *
     * @param clock the clock whose start the scripts' offsets count from
     */
    public FakeHealthProbe(ReleaseClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.down = new Windows(clock);
    }

    /**
     * The clock this fake's down windows count from: the pipeline must run on it ({@code .clock(clock)}), which its
     * {@code build()} checks.
     *
     * @return the clock given at construction
     */
    @Override
    public ReleaseClock clock() {
        return clock;
    }

    /**
     * {@code revision} is down from {@code offset} on: {@code .failingFrom("v2", Duration.ofMinutes(3))}.
     *
     * @param revision the revision's name
     * @param offset from the clock's start
     * @return this {@code FakeHealthProbe}, for chaining
     */
    public synchronized FakeHealthProbe failingFrom(String revision, Duration offset) {
        down.add(revision, offset, null);
        return this;
    }

    /**
     * {@code revision} is down in {@code [from, until)}: {@code .failingBetween("v2", ofMinutes(3), ofMinutes(4))}.
     *
     * @param revision the revision's name
     * @param from from the clock's start, inclusive
     * @param until from the clock's start, exclusive
     * @return this {@code FakeHealthProbe}, for chaining
     */
    public synchronized FakeHealthProbe failingBetween(String revision, Duration from, Duration until) {
        down.add(revision, from, until);
        return this;
    }

    /**
     * {@code revision} is down for {@code length} from {@code offset}: {@code .failingFor("v2", ofMinutes(3),
     * ofSeconds(31))}.
     *
     * @param revision the revision's name
     * @param offset from the clock's start
     * @param length how long it is down
     * @return this {@code FakeHealthProbe}, for chaining
     */
    public FakeHealthProbe failingFor(String revision, Duration offset, Duration length) {
        return failingBetween(revision, offset, offset.plus(length));
    }

    /**
     * How many probes hit {@code revision}.
     *
     * @param revision the revision's name
     * @return how many probes hit {@code revision}
     */
    public synchronized long probes(String revision) {
        long[] n = probes.get(revision);
        return n == null ? 0 : n[0];
    }

    /**
     * How many probes there were, for every revision.
     *
     * @return how many probes there were, for every revision
     */
    public synchronized long probes() {
        return totalProbes;
    }

    @Override
    public synchronized ProbeResult probe(SmokeTarget target) {
        String revision = target.revision();
        probes.computeIfAbsent(revision, r -> new long[1])[0]++;
        totalProbes++;
        return down.covers(revision, clock.now())
                ? ProbeResult.down("503 Service Unavailable from " + revision)
                : ProbeResult.up("200 OK from " + revision);
    }

    @Override
    public synchronized String toString() {
        return "FakeHealthProbe[" + totalProbes + " probes]";
    }
}
