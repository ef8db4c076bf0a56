package io.releasepipeline.internal;

import io.releasepipeline.time.ReleaseClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A minimal virtual clock for core unit tests: sleeping moves time and is recorded. */
final class StepClock implements ReleaseClock {

    private Instant now = Instant.parse("2026-01-05T09:00:00Z");
    final List<Duration> sleeps = new ArrayList<>();

    @Override
    public synchronized Instant now() {
        return now;
    }

    @Override
    public synchronized void sleep(Duration duration) {
        sleeps.add(duration);
        now = now.plus(duration);
    }

    @Override
    public void wakeUp() {
    }
}
