package io.releasepipeline.github;

import io.releasepipeline.testkit.VirtualClock;
import io.releasepipeline.time.ReleaseClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A virtual clock that records every wait asked of it, so tests assert on backoff without sleeping. */
final class RecordingClock implements ReleaseClock {

    private final VirtualClock clock = new VirtualClock();
    private final List<Duration> sleeps = new ArrayList<>();

    @Override
    public Instant now() {
        return clock.now();
    }

    @Override
    public synchronized void sleep(Duration duration) {
        sleeps.add(duration);
        clock.sleep(duration);
    }

    @Override
    public void wakeUp() {
        clock.wakeUp();
    }

    /** Moves time forward without it counting as a wait (the engine's own polling interval). */
    void advance(Duration duration) {
        clock.advance(duration);
    }

    synchronized List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }

    Duration elapsed() {
        return clock.elapsed();
    }
}
