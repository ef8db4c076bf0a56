package io.releasepipeline.time;

import io.releasepipeline.ReleaseInterruptedException;
import java.time.Duration;
import java.time.Instant;

/** The wall clock. Sleeps wait on a monitor so that {@link #wakeUp()} can end them early. */
final class SystemReleaseClock implements ReleaseClock {

    private final Object monitor = new Object();
    private long wakeUps;

    @Override
    public Instant now() {
        return Instant.now();
    }

    @Override
    public void sleep(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("cannot sleep for a negative duration: " + duration);
        }
        long deadline = System.nanoTime() + duration.toNanos();
        synchronized (monitor) {
            long seen = wakeUps;
            long left;
            while (seen == wakeUps && (left = deadline - System.nanoTime()) > 0) {
                try {
                    monitor.wait(Math.max(1, left / 1_000_000), 0);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ReleaseInterruptedException("interrupted while waiting", e);
                }
            }
        }
    }

    @Override
    public void wakeUp() {
        synchronized (monitor) {
            wakeUps++;
            monitor.notifyAll();
        }
    }

    @Override
    public String toString() {
        return "SystemReleaseClock";
    }
}
