package io.releasepipeline.time;

import io.releasepipeline.error.ReleaseInterruptedException;
import java.time.Duration;
import java.time.Instant;

/**
 * The wall clock. Sleeps wait on a monitor so that {@link #wakeUp()} can end them early. A wake-up that finds nobody
 * asleep is kept for the next sleep, which then returns at once: a manual rollback requested just after the release
 * checked for one, but before it fell asleep, is not lost for a whole observation window.
 */
final class SystemReleaseClock implements ReleaseClock {

    private final Object monitor = new Object();
    private long wakeUps;
    private int sleepers;
    private boolean pendingWake;

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
            if (pendingWake) {
                pendingWake = false;
                return;
            }
            long seen = wakeUps;
            long left;
            sleepers++;
            try {
                while (seen == wakeUps && (left = deadline - System.nanoTime()) > 0) {
                    monitor.wait(Math.max(1, left / 1_000_000), 0);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ReleaseInterruptedException("interrupted while waiting", e);
            } finally {
                sleepers--;
            }
        }
    }

    @Override
    public void wakeUp() {
        synchronized (monitor) {
            wakeUps++;
            if (sleepers == 0) {
                pendingWake = true;
            }
            monitor.notifyAll();
        }
    }

    @Override
    public boolean keepsTimeWith(ReleaseClock other) {
        return other instanceof SystemReleaseClock;
    }

    @Override
    public String toString() {
        return "SystemReleaseClock";
    }
}
