package io.releasepipeline.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualClockTest {

    private final VirtualClock clock = new VirtualClock();

    @Test
    void sleepJumpsTime() {
        clock.sleep(Duration.ofMinutes(90));
        assertThat(clock.elapsed()).isEqualTo(Duration.ofMinutes(90));
        assertThat(clock.sleeps()).isEqualTo(1);
    }

    @Test
    void sleepOnAnInterruptedThreadThrowsAtOnceAndKeepsTheFlag() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> clock.sleep(Duration.ofMinutes(1)))
                    .isInstanceOf(io.releasepipeline.error.ReleaseInterruptedException.class);
            assertThat(Thread.currentThread().isInterrupted()).as("the flag stays set").isTrue();
            assertThat(clock.elapsed()).as("no time passed").isZero();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void sleepCrossingAnActionRunsItAtItsTimeAndReturnsRightAfter() {
        List<Duration> seenAt = new ArrayList<>();
        clock.scheduleAt(Duration.ofMinutes(3), () -> seenAt.add(clock.elapsed()));

        clock.sleep(Duration.ofMinutes(10));

        assertThat(seenAt).containsExactly(Duration.ofMinutes(3));
        assertThat(clock.elapsed()).isEqualTo(Duration.ofMinutes(3));
        clock.sleep(Duration.ofMinutes(1));
        assertThat(clock.elapsed()).isEqualTo(Duration.ofMinutes(4));
    }

    @Test
    void advanceRunsEveryDueActionInTimeOrderThenTiesInSchedulingOrder() {
        List<String> order = new ArrayList<>();
        clock.scheduleAt(Duration.ofMinutes(2), () -> order.add("b"));
        clock.schedule(Duration.ofMinutes(1), () -> order.add("a"));
        clock.scheduleAt(Duration.ofMinutes(2), () -> order.add("c"));
        clock.scheduleAt(Duration.ofMinutes(9), () -> order.add("late"));

        clock.advance(Duration.ofMinutes(5));

        assertThat(order).containsExactly("a", "b", "c");
        assertThat(clock.elapsed()).isEqualTo(Duration.ofMinutes(5));
    }
}
