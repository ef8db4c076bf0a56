package io.releasepipeline.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SystemReleaseClockTest {

    private final ReleaseClock clock = ReleaseClock.system();

    @Test
    void aWakeUpEndsASleepEarly() throws Exception {
        CompletableFuture<Long> slept = CompletableFuture.supplyAsync(() -> {
            long t0 = System.nanoTime();
            clock.sleep(Duration.ofMinutes(5));
            return System.nanoTime() - t0;
        });
        // Keep waking until the sleeper has gone to sleep and come back: no timing assumption.
        while (!slept.isDone()) {
            clock.wakeUp();
            Thread.onSpinWait();
        }
        assertThat(slept.get(10, TimeUnit.SECONDS)).isLessThan(TimeUnit.MINUTES.toNanos(1));
    }

    @Test
    void aWakeUpWithNobodyAsleepEndsTheNextSleepAtOnce() {
        clock.wakeUp();
        long t0 = System.nanoTime();
        clock.sleep(Duration.ofMinutes(5));
        assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(10));
        // Only once: the wake-up was used.
        long t1 = System.nanoTime();
        clock.sleep(Duration.ofMillis(50));
        assertThat(System.nanoTime() - t1).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
    }
}
