package io.releasepipeline.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.spi.ErrorRateReading;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TriggersTest {

    private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

    @Test
    void defaultsAreTheRunbooksNumbers() {
        Triggers t = Triggers.runbookDefaults();
        assertThat(t.smokeFailingFor()).contains(Duration.ofMinutes(2));
        assertThat(t.healthDownFor()).contains(Duration.ofSeconds(30));
        assertThat(t.errorRate()).hasValueSatisfying(e -> {
            assertThat(e.threshold()).isEqualTo(0.05);
            assertThat(e.window()).isEqualTo(Duration.ofMinutes(5));
        });
        assertThat(t.all()).extracting(RollbackTrigger::name)
                .containsExactly("smoke-check", "health-endpoint", "error-rate");
    }

    @Test
    void reportsEveryProblemWithItsPath() {
        Triggers t = Triggers.builder().errorRateAbove(5, Duration.ofMinutes(5)).minimumRequests(0)
                .healthProbeInterval(Duration.ZERO).build();
        assertThat(t.problems("rollback")).containsExactlyInAnyOrder(
                "rollback.healthProbeInterval: must be positive, got PT0S",
                "rollback.errorRate.threshold: must be between 0 and 1 (a fraction: 0.05 is 5%), got 5.0",
                "rollback.errorRate.minimumRequests: must be at least 1, got 0");
    }

    @Test
    void healthDownFiresOnlyPastTheThreshold() {
        RollbackTrigger health = trigger("health-endpoint");
        Observations obs = new Observations("v2", T0);
        for (int s = 0; s <= 10; s++) {
            obs.health().record(T0.plusSeconds(s), true, "200");
        }
        for (int s = 11; s <= 40; s++) {
            obs.health().record(T0.plusSeconds(s), false, "503");
        }
        TriggerVerdict at40 = health.evaluate(obs, T0.plusSeconds(40));
        assertThat(at40.state()).isEqualTo(TriggerState.OK);
        assertThat(at40.reason()).contains("failing for 30s");
        obs.health().record(T0.plusSeconds(41), false, "503");
        TriggerVerdict at41 = health.evaluate(obs, T0.plusSeconds(41));
        assertThat(at41.state()).isEqualTo(TriggerState.FIRING);
        assertThat(at41.reason()).contains("failing for 31s").contains("threshold 30s").contains("503");
    }

    @Test
    void errorRateQuotesItsNumbers() {
        RollbackTrigger rate = trigger("error-rate");
        Observations obs = new Observations("v2", T0);
        assertThat(rate.evaluate(obs, T0).state()).isEqualTo(TriggerState.NO_DATA);
        obs.recordErrorRate(new ErrorRateReading.Measured("v2", T0, T0.plusSeconds(300), 1204, 95));
        TriggerVerdict v = rate.evaluate(obs, T0.plusSeconds(300));
        assertThat(v.state()).isEqualTo(TriggerState.FIRING);
        assertThat(v.reason()).isEqualTo("5xx 7.9% over 5m of 1,204 requests; threshold 5.0%");
        obs.recordErrorRate(new ErrorRateReading.Measured("v2", T0, T0.plusSeconds(300), 40, 30));
        assertThat(rate.evaluate(obs, T0).state()).isEqualTo(TriggerState.NO_DATA);
        obs.recordErrorRate(new ErrorRateReading.NoData("v2", T0, T0.plusSeconds(300), "no requests"));
        assertThat(rate.evaluate(obs, T0).reason()).contains("no requests");
        obs.recordErrorRate(new ErrorRateReading.Measured("v2", T0, T0.plusSeconds(300), 1000, 50));
        assertThat(rate.evaluate(obs, T0).state()).isEqualTo(TriggerState.OK);
    }

    private static RollbackTrigger trigger(String name) {
        return Triggers.runbookDefaults().all().stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow();
    }
}
