package io.releasepipeline.examples.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.ReleasePipelineBuilder;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.TrafficChange;
import io.releasepipeline.testkit.Simulation;
import io.releasepipeline.trigger.Triggers;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Our release policy, stated as tests. Copy this class, put your policy in {@link TeamReleasePolicy}, and write
 * each promise your team makes as a scenario on the test kit's fakes: a {@link Simulation} is a release world in
 * virtual time (an app serving v1, a pull request that passes every gate, a four-minute deploy run creating v2,
 * healthy signals), so a release of twenty minutes runs in milliseconds. Script what goes wrong, promote, assert.
 */
class TeamReleasePolicyTest {

    final Simulation sim = new Simulation();

    @Test
    @DisplayName("a clean release promotes in under 20 minutes")
    void cleanReleasePromotesInUnderTwentyMinutes() {
        ReleaseResult result = release(TeamReleasePolicy::applyTo);

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(Duration.between(result.record().startedAt(), result.record().finishedAt().orElseThrow()))
                .isLessThan(Duration.ofMinutes(20));
    }

    @Test
    @DisplayName("a 3% error rate on the canary rolls back within 5 minutes of the canary taking traffic")
    void threePercentOnTheCanaryRollsBackWithinFiveMinutes() {
        threePercentOnTheCanaryRollsBackWithinFiveMinutes(TeamReleasePolicy::applyTo);
    }

    // tag::promise[]
    @Test
    @DisplayName("a health endpoint down for 60 s rolls back")
    void healthDownSixtySecondsRollsBack() {
        sim.probe.failingFor(Simulation.NEW, Duration.ofMinutes(6), Duration.ofSeconds(60));  // on the canary

        ReleaseResult result = release(TeamReleasePolicy::applyTo);

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(result.rollbackTrigger()).hasValue(Triggers.HEALTH_ENDPOINT);
        assertThat(sim.platform.traffic().weights().weightOf(Simulation.STABLE)).isEqualTo(100);
    }
    // end::promise[]

    @Test
    @DisplayName("the harness fails a policy that would not catch the fault: the runbook's 5% lets 3% through")
    void aPolicyThatMissesTheFaultFails() {
        UnaryOperator<ReleasePipelineBuilder> runbookThreshold =
                b -> b.trafficPlan(TeamReleasePolicy.TRAFFIC).rollbackTriggers(Triggers.runbookDefaults());

        assertThatThrownBy(() -> threePercentOnTheCanaryRollsBackWithinFiveMinutes(runbookThreshold))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("ROLLED_BACK").hasMessageContaining("PROMOTED");
    }

    // ---- the promises, each a scenario any policy can be put through --------------------------------------------

    void threePercentOnTheCanaryRollsBackWithinFiveMinutes(UnaryOperator<ReleasePipelineBuilder> policy) {
        sim.signals.revision(Simulation.NEW).errorRate(0.03);  // from its first request on

        ReleaseResult result = release(policy);

        assertThat(result.outcome()).as("outcome").isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(result.rollbackTrigger()).hasValue(Triggers.ERROR_RATE);
        Instant canaryTookTraffic = result.record().trafficChanges().stream()
                .filter(c -> c.to().weightOf(Simulation.NEW) > 0).map(TrafficChange::at).findFirst().orElseThrow();
        Instant trafficRestored = result.record().trafficChanges().stream()
                .filter(c -> c.to().weightOf(Simulation.STABLE) == 100).map(TrafficChange::at).reduce((a, b) -> b)
                .orElseThrow();
        assertThat(Duration.between(canaryTookTraffic, trafficRestored)).isLessThanOrEqualTo(Duration.ofMinutes(5));
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    ReleaseResult release(UnaryOperator<ReleasePipelineBuilder> policy) {
        return policy.apply(sim.builder()).build().promote(ReleaseRequest.ofPullRequest(Simulation.PR));
    }
}
