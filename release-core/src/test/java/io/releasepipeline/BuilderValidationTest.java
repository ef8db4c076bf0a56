package io.releasepipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.traffic.TrafficPlan;
import io.releasepipeline.trigger.Triggers;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BuilderValidationTest {

    @Test
    void listsEveryProblemAtOnce() {
        InvalidConfigurationException e = catchThrowableOfType(InvalidConfigurationException.class,
                () -> ReleasePipeline.builder()
                        .trafficPlan(TrafficPlan.canary(50, 10))
                        .rollbackTriggers(Triggers.builder().errorRateAbove(5, Duration.ofMinutes(5)).build())
                        .observationWindow(Duration.ZERO)
                        .build());
        assertThat(e.problems()).contains(
                "platform: required; give a PlatformProvider (e.g. the Azure Container Apps provider)",
                "ci: required; give a CiProvider (e.g. the GitHub provider)",
                "evidence: required; give an EvidenceStore (e.g. the filesystem store)",
                "smokeCheck: required; give a SmokeCheck (e.g. the HTTP smoke checker)",
                "rollbackTriggers.errorRate.threshold: must be between 0 and 1 (a fraction: 0.05 is 5%), got 5.0",
                "trafficPlan.steps[1]: weights must increase, got 10 after 50",
                "trafficPlan: the last step must be 100, got 10",
                "observationWindow: must be positive, got PT0S");
        assertThat(e.problems()).anyMatch(p -> p.startsWith("healthSignals: required while the error-rate trigger"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("healthProbe: required while the health trigger"));
        assertThat(e.getMessage()).startsWith("release pipeline configuration is invalid (" + e.problems().size()
                + " problems):");
    }
}
