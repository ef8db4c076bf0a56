package io.releasepipeline.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.spi.ErrorRateReading;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A reading of another interval than the trailing window ending now (a source that reads behind for ingestion, as Log
 * Analytics does) is quoted with that interval, so the verdict, and the evidence made of it, say what was judged.
 */
class JudgedIntervalTest {

    private static final Instant NOW = Instant.parse("2026-01-05T09:05:00.250Z");

    @Test
    @DisplayName("the error-rate verdict names the interval judged and how far behind now it ends")
    void errorRate() {
        Observations obs = new Observations("v2", NOW.minusSeconds(600));
        obs.recordErrorRate(new ErrorRateReading.Measured("v2", NOW.minusSeconds(480), NOW.minusSeconds(180), 200,
                40));

        TriggerVerdict v = new ErrorRateTrigger(0.05, java.time.Duration.ofMinutes(5), 10, NoDataPolicy.HOLD,
                java.time.Duration.ofMinutes(5)).evaluate(obs, NOW);

        assertThat(v.state()).isEqualTo(TriggerState.FIRING);
        assertThat(v.reason()).isEqualTo("5xx 20.0% over 5m of 200 requests (judged 2026-01-05T08:57:00Z .. "
                + "2026-01-05T09:02:00Z, 3m behind); threshold 5.0%");

        obs.recordErrorRate(new ErrorRateReading.Measured("v2", NOW.minusSeconds(300), NOW, 200, 40));
        assertThat(new ErrorRateTrigger(0.05, java.time.Duration.ofMinutes(5), 10, NoDataPolicy.HOLD,
                java.time.Duration.ofMinutes(5)).evaluate(obs, NOW).reason()).doesNotContain("judged");
        // A read that took a moment on a real clock ends just before the verdict: still the trailing window.
        obs.recordErrorRate(new ErrorRateReading.Measured("v2", NOW.minusSeconds(301), NOW.minusMillis(200), 200, 40));
        assertThat(new ErrorRateTrigger(0.05, java.time.Duration.ofMinutes(5), 10, NoDataPolicy.HOLD,
                java.time.Duration.ofMinutes(5)).evaluate(obs, NOW).reason()).doesNotContain("judged");
    }

    @Test
    @DisplayName("canary analysis names it too")
    void canary() {
        Observations obs = new Observations("v2", NOW.minusSeconds(600));
        obs.recordErrorRate(new ErrorRateReading.Measured("v2", NOW.minusSeconds(480), NOW.minusSeconds(180), 200,
                40));
        obs.recordStableErrorRate(new ErrorRateReading.Measured("v1", NOW.minusSeconds(480), NOW.minusSeconds(180),
                2000, 20));

        TriggerVerdict v = new CanaryAnalysisTrigger(0.01, 10).evaluate(obs, NOW);

        assertThat(v.state()).isEqualTo(TriggerState.FIRING);
        assertThat(v.reason()).contains("canary v2 5xx 20.0% of 200 vs stable v1 1.0% of 2,000 (judged "
                + "2026-01-05T08:57:00Z .. 2026-01-05T09:02:00Z, 3m behind)");
    }
}
