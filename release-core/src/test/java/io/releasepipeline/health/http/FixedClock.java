package io.releasepipeline.health.http;

import io.releasepipeline.time.ReleaseClock;
import java.time.Duration;
import java.time.Instant;

/** A clock stopped at one instant: the smoke check must take its result's time from here, not from the wall. */
final class FixedClock implements ReleaseClock {

    static final Instant NOW = Instant.parse("2025-03-14T09:20:00Z");

    @Override
    public Instant now() {
        return NOW;
    }

    @Override
    public void sleep(Duration duration) {
        throw new UnsupportedOperationException("a smoke check must not wait on the release clock");
    }

    @Override
    public void wakeUp() {
    }
}
