package io.releasepipeline.testkit;

import io.releasepipeline.time.ReleaseClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * A deterministic clock for tests and simulations: time stands still until someone sleeps or advances it, and
 * then jumps. A sleeping engine therefore runs an hour-long release in milliseconds.
 *
 * <p>Scheduled actions ({@link #schedule(Duration, Runnable)}) run on the sleeping thread at their exact virtual
 * time, in time order (ties in scheduling order); a sleep that crosses one returns right after it ran, which the
 * {@link ReleaseClock} contract allows, so the engine re-checks its state (a manual rollback requested by the
 * action is seen at once).
 *
 * <p>Thread-safe. Meant for one release at a time per clock: two threads sleeping on one virtual clock each move
 * it forward independently, which is deterministic only when they take turns.
 */
public final class VirtualClock implements ReleaseClock {

    /** Where a new clock starts unless told otherwise: 2026-01-05T09:00:00Z (a Monday morning). */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-05T09:00:00Z");

    private final Instant start;
    private final PriorityQueue<Scheduled> queue = new PriorityQueue<>();
    private Instant now;
    private long sequence;
    private long sleeps;

    /** A clock at {@link #DEFAULT_START}. */
    public VirtualClock() {
        this(DEFAULT_START);
    }

    /**
     * A clock at {@code start}.
     *
     * @param start the time at the start
     */
    public VirtualClock(Instant start) {
        this.start = Objects.requireNonNull(start, "start");
        this.now = start;
    }

    @Override
    public synchronized Instant now() {
        return now;
    }

    /**
     * Where this clock started.
     *
     * @return where this clock started
     */
    public Instant start() {
        return start;
    }

    /**
     * Time elapsed since the start.
     *
     * @return the time elapsed since the start
     */
    public synchronized Duration elapsed() {
        return Duration.between(start, now);
    }

    /**
     * The instant {@code offset} after the start ("t+3m").
     *
     * @param offset from the start
     * @return the instant {@code offset} after the start ("t+3m")
     */
    public Instant at(Duration offset) {
        return start.plus(offset);
    }

    /**
     * How many times something slept on this clock.
     *
     * @return how many times something slept on this clock
     */
    public synchronized long sleeps() {
        return sleeps;
    }

    /**
     * Moves virtual time on by {@code duration}. Keeps the {@link ReleaseClock} contract as a real clock does: on an
     * interrupted thread it throws at once (the flag stays set), so a simulation meets interrupts as production does.
     *
     * @throws io.releasepipeline.error.ReleaseInterruptedException if the calling thread is interrupted
     */
    @Override
    public void sleep(Duration duration) {
        if (Thread.currentThread().isInterrupted()) {
            throw new io.releasepipeline.error.ReleaseInterruptedException("interrupted while waiting on the virtual "
                    + "clock", new InterruptedException());
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException("cannot sleep for a negative duration: " + duration);
        }
        Scheduled due;
        synchronized (this) {
            sleeps++;
            Instant target = now.plus(duration);
            due = queue.peek();
            if (due == null || due.at.isAfter(target)) {
                now = target;
                return;
            }
            queue.poll();
            if (due.at.isAfter(now)) {
                now = due.at;
            }
        }
        due.action.run();
    }

    /**
     * Moves time forward by {@code duration}, running every action scheduled up to then.
     *
     * @param duration how far to move, zero or positive
     */
    public void advance(Duration duration) {
        Instant target;
        synchronized (this) {
            target = now.plus(duration);
        }
        while (true) {
            Scheduled due;
            synchronized (this) {
                due = queue.peek();
                if (due == null || due.at.isAfter(target)) {
                    now = target.isAfter(now) ? target : now;
                    return;
                }
                queue.poll();
                if (due.at.isAfter(now)) {
                    now = due.at;
                }
            }
            due.action.run();
        }
    }

    @Override
    public void wakeUp() {
        // Sleeps on a virtual clock never block; an action that requests a wake-up already ends its sleep.
    }

    /**
     * Runs {@code action} when virtual time reaches {@code offset} after the start.
     *
     * @param offset from the start
     * @param action what to run
     */
    public synchronized void scheduleAt(Duration offset, Runnable action) {
        queue.add(new Scheduled(start.plus(offset), sequence++, Objects.requireNonNull(action, "action")));
    }

    /**
     * Runs {@code action} when virtual time reaches {@code delay} from now.
     *
     * @param delay from now
     * @param action what to run
     */
    public synchronized void schedule(Duration delay, Runnable action) {
        queue.add(new Scheduled(now.plus(delay), sequence++, Objects.requireNonNull(action, "action")));
    }

    @Override
    public synchronized String toString() {
        return "VirtualClock[" + now + ", t+" + Duration.between(start, now) + "]";
    }

    private record Scheduled(Instant at, long seq, Runnable action) implements Comparable<Scheduled> {
        @Override
        public int compareTo(Scheduled o) {
            int c = at.compareTo(o.at);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}
