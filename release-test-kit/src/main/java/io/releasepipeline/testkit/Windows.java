package io.releasepipeline.testkit;

import io.releasepipeline.time.ReleaseClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-revision time windows ("failing from t+3m for 31 s"), offsets counted from an origin: the virtual clock's
 * start, or the time the script was created on another clock. Not thread-safe; its owner synchronizes.
 */
final class Windows {

    private final Instant origin;
    private final Map<String, List<Instant[]>> byRevision = new HashMap<>();

    Windows(ReleaseClock clock) {
        this.origin = origin(clock);
    }

    /** Where offsets count from: a virtual clock's start, otherwise the clock's current time. */
    static Instant origin(ReleaseClock clock) {
        return clock instanceof VirtualClock v ? v.start() : clock.now();
    }

    Instant at(Duration offset) {
        return origin.plus(offset);
    }

    /** Adds [from, until) after the origin; {@code until} null means forever. */
    void add(String revision, Duration from, Duration until) {
        if (from.isNegative() || (until != null && until.compareTo(from) <= 0)) {
            throw new IllegalArgumentException("a window needs 0 <= from < until, got " + from + ".." + until);
        }
        byRevision.computeIfAbsent(revision, r -> new ArrayList<>())
                .add(new Instant[] {at(from), until == null ? Instant.MAX : at(until)});
    }

    boolean covers(String revision, Instant at) {
        List<Instant[]> windows = byRevision.get(revision);
        if (windows == null) {
            return false;
        }
        for (Instant[] w : windows) {
            if (!at.isBefore(w[0]) && at.isBefore(w[1])) {
                return true;
            }
        }
        return false;
    }
}
