package io.releasepipeline.trigger;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The running state of one pass/fail signal (health probes, smoke checks) during a step's observation: when it
 * last passed, and its latest sample. Kept incrementally, so a ten-minute observation at one probe a second costs
 * nothing per tick. Not thread-safe; owned by one release.
 */
public final class SignalTrack {

    private final Instant start;
    private Instant lastOkAt;
    private Instant latestAt;
    private boolean latestOk = true;
    private String latestDetail = "";
    private long samples;

    /**
     * A track whose last known good moment is {@code start} (the step began from a healthy state).
     *
     * @param start when the step began
     */
    public SignalTrack(Instant start) {
        this.start = start;
        this.lastOkAt = start;
    }

    /**
     * Records one sample.
     *
     * @param at when the sample was taken
     * @param ok whether it was good
     * @param detail what it said
     */
    public void record(Instant at, boolean ok, String detail) {
        samples++;
        latestAt = at;
        latestOk = ok;
        latestDetail = detail;
        if (ok) {
            lastOkAt = at;
        }
    }

    /**
     * When the track started.
     *
     * @return when the track started
     */
    public Instant start() {
        return start;
    }

    /**
     * How many samples were recorded.
     *
     * @return how many samples were recorded
     */
    public long samples() {
        return samples;
    }

    /**
     * True when the latest sample failed.
     *
     * @return true when the latest sample failed
     */
    public boolean failing() {
        return samples > 0 && !latestOk;
    }

    /**
     * How long the signal has been failing, as of its latest sample: from the last passing sample (or the start) to
     * the latest failing one. Errs long by at most one sample interval, never short, so a threshold is never
     * missed; empty when the latest sample passed.
     *
     * @return how long the signal has been failing, as of its latest sample: from the last passing sample (or the
     *     start) to the latest failing one
     */
    public Optional<Duration> failingFor() {
        return failing() ? Optional.of(Duration.between(lastOkAt, latestAt)) : Optional.empty();
    }

    /**
     * When the signal last passed (or the track's start).
     *
     * @return when the signal last passed (or the track's start)
     */
    public Instant lastOkAt() {
        return lastOkAt;
    }

    /**
     * The latest sample's detail.
     *
     * @return the latest sample's detail
     */
    public String latestDetail() {
        return latestDetail;
    }

    /**
     * When the latest sample was taken, if any.
     *
     * @return when the latest sample was taken, if any
     */
    public Optional<Instant> latestAt() {
        return Optional.ofNullable(latestAt);
    }
}
