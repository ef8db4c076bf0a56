package io.releasepipeline.scenario;

import static io.releasepipeline.testkit.Simulation.NEW;
import static io.releasepipeline.testkit.Simulation.PR;
import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.RollbackRequest;
import io.releasepipeline.RollbackResult;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.testkit.Simulation;
import io.releasepipeline.trigger.TriggerState;
import io.releasepipeline.trigger.Triggers;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What rolled a release back is one call away ({@link ReleaseResult#rollbackTrigger()},
 * {@link ReleaseResult#rolledBackBy()}), and the result's rollback and the record's are one story: the same details,
 * present together, also for a finished release resumed.
 */
class RollbackTriggerScenarioTest {

    private final Simulation sim = new Simulation();

    @Test
    @DisplayName("a trigger's rollback: its name and verdict in one call, the same as the record's")
    void triggerInOneCall() {
        sim.probe.failingFor(NEW, Duration.ofMinutes(6), Duration.ofSeconds(31));

        ReleaseResult result = sim.pipeline().promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(result.rollbackTrigger()).contains(Triggers.HEALTH_ENDPOINT);
        assertThat(result.rolledBackBy()).hasValueSatisfying(v -> {
            assertThat(v.state()).isEqualTo(TriggerState.FIRING);
            assertThat(v.reason()).contains("health endpoint failing for 31s");
        });
        assertThat(result.rolledBackBy()).isEqualTo(result.record().rollback().orElseThrow().trigger());
        assertThat(result.rollback().orElseThrow().details()).isSameAs(result.record().rollback().orElseThrow());
        assertThat(result.rollback().orElseThrow().rollbackTrigger()).contains(Triggers.HEALTH_ENDPOINT);
    }

    @Test
    @DisplayName("a manual rollback is named manual; a promotion has no rollback trigger")
    void manualAndNone() {
        ReleasePipeline pipeline = sim.pipeline();
        sim.clock.scheduleAt(Duration.ofMinutes(8), () -> pipeline.requestRollback("checkout is broken"));

        ReleaseResult manual = pipeline.promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(manual.rollbackTrigger()).contains(Triggers.MANUAL);
        assertThat(manual.rolledBackBy().orElseThrow().reason()).isEqualTo("checkout is broken");

        Simulation quiet = new Simulation();
        ReleaseResult promoted = quiet.pipeline().promote(ReleaseRequest.ofPullRequest(PR));
        assertThat(promoted.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(promoted.rollback()).isEmpty();
        assertThat(promoted.rollbackTrigger()).isEmpty();
        assertThat(promoted.rolledBackBy()).isEmpty();
    }

    @Test
    @DisplayName("a finished rolled-back release, resumed, has its rollback and trigger from the record too")
    void resumedFinishedReleaseKeepsItsRollback() {
        sim.smoke.failingFrom(NEW, Duration.ofMinutes(5));
        ReleaseResult first = sim.pipeline().promote(ReleaseRequest.ofPullRequest(PR));
        assertThat(first.rollbackTrigger()).contains(Triggers.SMOKE_CHECK);

        ReleaseResult resumed = sim.pipeline().resume(first.releaseId());

        assertThat(resumed.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(resumed.rollback()).as("the same story as the record's rollback").isPresent();
        assertThat(resumed.rollback().orElseThrow().details()).isEqualTo(resumed.record().rollback().orElseThrow());
        assertThat(resumed.rollbackTrigger()).contains(Triggers.SMOKE_CHECK);
    }

    @Test
    @DisplayName("a standalone rollback has no trigger: its reason is the request's")
    void standaloneRollbackHasNoTrigger() {
        RollbackResult rb = sim.pipeline().rollback(RollbackRequest.toPrevious("smoke failing").forPullRequest(PR));

        assertThat(rb.rollbackTrigger()).isEmpty();
        assertThat(rb.rolledBackBy()).isEmpty();
        assertThat(rb.details().reason()).contains("smoke failing");
    }
}
