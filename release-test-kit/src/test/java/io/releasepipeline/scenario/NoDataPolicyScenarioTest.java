package io.releasepipeline.scenario;

import static io.releasepipeline.testkit.Simulation.NEW;
import static io.releasepipeline.testkit.Simulation.PR;
import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.testkit.Simulation;
import io.releasepipeline.trigger.NoDataPolicy;
import io.releasepipeline.trigger.Triggers;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Too little traffic to judge the error rate (fewer than the trigger's minimum requests) is NO_DATA, never
 * healthy; what it means at the end of a step is the policy's call.
 */
class NoDataPolicyScenarioTest {

    private final Simulation sim = new Simulation();

    private ReleaseResult promote(NoDataPolicy policy) {
        // 10 requests a minute: 50 over the 5-minute window, under the default minimum of 100.
        sim.signals.revision(NEW).requestsPerMinute(10);
        return sim.builder().rollbackTriggers(Triggers.builder().noDataPolicy(policy).build()).build()
                .promote(ReleaseRequest.ofPullRequest(PR));
    }

    @Test
    @DisplayName("HOLD (the default) observes one more window for traffic, then promotes with an explicit warning")
    void hold() {
        assertThat(Triggers.DEFAULT_NO_DATA_POLICY).isEqualTo(NoDataPolicy.HOLD);
        ReleaseResult result = promote(NoDataPolicy.HOLD);

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(sim.clock.elapsed()).isEqualTo(Duration.ofMinutes(4 + 10 + 5));
        assertThat(result.record().notes()).singleElement().satisfies(n -> assertThat(n)
                .startsWith("error rate not verified at 100% (HOLD): 5xx 0.0% over 5m of 50 requests")
                .contains("fewer than the 100 requests needed to judge"));
    }

    @Test
    @DisplayName("HOLD ends as soon as enough traffic arrives")
    void holdEndsWithTraffic() {
        sim.signals.revision(NEW).requestsPerMinute(10).requestsPerMinuteFrom(Duration.ofMinutes(15), 600);
        ReleaseResult result = sim.pipeline().promote(ReleaseRequest.ofPullRequest(PR));
        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        // The reading at t+16m covers [11m, 16m]: 40 + 600 requests, enough to judge.
        assertThat(sim.clock.elapsed()).isEqualTo(Duration.ofMinutes(16));
        assertThat(result.record().notes()).isEmpty();
    }

    @Test
    @DisplayName("FAIL rolls back a release whose error rate could not be verified")
    void fail() {
        ReleaseResult result = promote(NoDataPolicy.FAIL);

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(result.rollback().orElseThrow().details().reason()).contains("no data policy FAIL")
                .contains("50 requests");
        // Rolled back at t+14m; v1's first reading after the rollback (600 requests, no 5xx) shows it recovered.
        assertThat(result.rollback().orElseThrow().details().startedAt()).isEqualTo(sim.clock.at(Duration.ofMinutes(14)));
        assertThat(sim.clock.elapsed()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    @DisplayName("IGNORE promotes at the end of the window and still records that there was no data")
    void ignore() {
        ReleaseResult result = promote(NoDataPolicy.IGNORE);

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(sim.clock.elapsed()).isEqualTo(Duration.ofMinutes(14));
        assertThat(result.record().notes()).singleElement().satisfies(n -> assertThat(n)
                .startsWith("error rate not verified at 100% (IGNORE)"));
    }

    @Test
    @DisplayName("a health signal that fails is an ERROR, not no data: IGNORE (for no data) does not promote it; "
            + "the default read error policy holds for 5 minutes, then rolls back and says so")
    void failingSignalIsAnErrorNotNoData() {
        sim.signals.failAlways("errorRate");
        ReleaseResult result = sim.builder().rollbackTriggers(Triggers.builder().noDataPolicy(NoDataPolicy.IGNORE)
                .build()).build().promote(ReleaseRequest.ofPullRequest(PR));

        // Still unreadable after the rollback: its recovery cannot be verified either, which the default read error
        // policy does not call recovered (after the 10-minute recovery timeout).
        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK_NOT_RECOVERED);
        assertThat(result.rollback().orElseThrow().details().startedAt()).isBetween(
                sim.clock.at(Duration.ofMinutes(19)), sim.clock.at(Duration.ofMinutes(20)));
        assertThat(result.rollback().orElseThrow().details().reason()).contains("HOLD_THEN_ROLLBACK");
        assertThat(result.record().verdicts()).anySatisfy(v -> {
            assertThat(v.trigger()).isEqualTo("error-rate");
            assertThat(v.state()).isEqualTo(io.releasepipeline.trigger.TriggerState.ERROR);
        });
        assertThat(result.record().notes()).anySatisfy(n -> assertThat(n)
                .startsWith("error rate not verified at 100%: its signal could not be read (HOLD_THEN_ROLLBACK)"));
        assertThat(result.record().timeline()).filteredOn(p -> p.signal().equals("error-rate")).isNotEmpty()
                .allSatisfy(p -> {
                    assertThat(p.ok()).isFalse();
                    assertThat(p.detail()).startsWith("ERROR: the error rate could not be read");
                });
    }
}
