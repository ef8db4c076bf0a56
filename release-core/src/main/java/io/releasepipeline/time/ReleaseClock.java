package io.releasepipeline.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The one source of time for a release: every timestamp the engine records and every wait it makes goes
 * through this interface, so that the test kit's virtual clock can run an hour-long release in milliseconds.
 *
 * <p>Implementations must be thread-safe. {@link #sleep(Duration)} may return early (for instance when a
 * manual rollback is requested through {@link #wakeUp()}); callers always re-check {@link #now()} and their
 * own conditions after it returns.
 */
public interface ReleaseClock {

    /**
     * The current instant. Never null.
     *
     * @return the current instant
     */
    Instant now();

    /**
     * Waits for at most {@code duration}, possibly less. A virtual clock advances its time instead of waiting.
     *
     * @param duration the longest wait, zero or positive
     * @throws IllegalArgumentException if the duration is negative
     * @throws io.releasepipeline.error.ReleaseInterruptedException if the calling thread is interrupted
     */
    void sleep(Duration duration);

    /**
     * Makes every thread currently in {@link #sleep(Duration)} on this clock return early. Used by the manual
     * rollback trigger so that a release observing for ten minutes reacts at once. Thread-safe, never blocks.
     */
    void wakeUp();

    /**
     * Waits until {@code deadline}, or returns at once if it has passed; may return early like {@link #sleep}.
     *
     * @param deadline when to wake up
     */
    default void sleepUntil(Instant deadline) {
        Duration left = Duration.between(now(), deadline);
        if (!left.isNegative() && !left.isZero()) {
            sleep(left);
        }
    }

    /**
     * True when this clock and {@code other} tell the same time and wake alike, so that a pipeline on one and a
     * provider on the other agree on every instant and every wait. Default: only the very same clock. The system
     * clock also agrees with every other system clock ({@link #system()} returns a new one on each call). A
     * clock that wraps another should agree with what it wraps.
     *
     * @param other the clock to compare with; may be null (never agrees)
     * @return whether the two keep the same time
     */
    default boolean keepsTimeWith(ReleaseClock other) {
        return this == other;
    }

    /**
     * A {@link java.time.Clock} view of this clock, in UTC, for libraries that take one.
     *
     * @return a {@link java.time.Clock} view of this clock, in UTC, for libraries that take one
     */
    default Clock asJavaClock() {
        ReleaseClock self = this;
        return new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                throw new UnsupportedOperationException("a release clock is always UTC");
            }

            @Override
            public Instant instant() {
                return self.now();
            }
        };
    }

    /**
     * The wall clock; sleeps really wait.
     *
     * @return the wall clock; sleeps really wait
     */
    static ReleaseClock system() {
        return new SystemReleaseClock();
    }
}
