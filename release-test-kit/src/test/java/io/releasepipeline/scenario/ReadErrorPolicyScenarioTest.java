package io.releasepipeline.scenario;

import static io.releasepipeline.testkit.Simulation.PR;
import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.EvidenceReport;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.testkit.Simulation;
import io.releasepipeline.trigger.ReadErrorPolicy;
import io.releasepipeline.trigger.TriggerState;
import io.releasepipeline.trigger.Triggers;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A metrics read that fails is its own verdict, ERROR, with its own policy; it never promotes silently. */
class ReadErrorPolicyScenarioTest {

    private final Simulation sim = new Simulation();

    private ReleaseResult promote(Triggers triggers) {
        return sim.builder().rollbackTriggers(triggers).build().promote(ReleaseRequest.ofPullRequest(PR));
    }

    @Test
    @DisplayName("ROLLBACK rolls back at the end of the window, with no hold")
    void rollback() {
        sim.signals.failAlways("errorRate", false);

        ReleaseResult result = promote(Triggers.builder().onReadError(ReadErrorPolicy.ROLLBACK).build());

        // The signal stays unreadable after the rollback too, so its recovery cannot be verified: under the same
        // policy that is not recovered, after the recovery timeout (10m).
        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK_NOT_RECOVERED);
        assertThat(result.rollback().orElseThrow().details().startedAt()).isEqualTo(sim.clock.at(Duration.ofMinutes(14)));
        assertThat(sim.clock.elapsed()).isEqualTo(Duration.ofMinutes(24));
        assertThat(result.rollback().orElseThrow().details().reason()).contains("read error policy ROLLBACK");
        assertThat(result.rollback().orElseThrow().details().recovery()).hasValueSatisfying(r -> assertThat(r.detail())
                .startsWith("NOT RECOVERED: the error rate of v1 could not be read within 10m (read error policy "
                        + "ROLLBACK)"));
    }

    @Test
    @DisplayName("PROMOTE_WITH_NOTE promotes, and the notes, a warning and the report's ERROR verdict say so")
    void promoteWithNote() {
        sim.signals.failAlways("errorRate", false);

        ReleaseResult result = promote(Triggers.builder().onReadError(ReadErrorPolicy.PROMOTE_WITH_NOTE).build());

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(result.record().notes()).filteredOn(n -> !n.startsWith("error-rate baseline not usable"))
                .singleElement().satisfies(n -> assertThat(n)
                .startsWith("error rate not verified at 100%: its signal could not be read (PROMOTE_WITH_NOTE)"));
        assertThat(result.record().verdicts()).anySatisfy(v -> assertThat(v.state()).isEqualTo(TriggerState.ERROR));
        assertThat(sim.events(ReleaseEvent.Warning.class)).anySatisfy(w -> assertThat(w.message())
                .contains("its signal could not be read"));
        assertThat(EvidenceReport.markdown(result.record(), "timeline.svg")).contains("ERROR").contains("**error**");
    }

    @Test
    @DisplayName("a read that fails for a while and then succeeds is held for, then judged on the good read")
    void recoversDuringTheHold() {
        sim.signals.failAlways("errorRate", true);
        sim.clock.scheduleAt(Duration.ofMinutes(15), () -> sim.signals.recover("errorRate"));

        ReleaseResult result = promote(Triggers.runbookDefaults());

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(result.record().verdicts()).noneSatisfy(v -> assertThat(v.state()).isEqualTo(TriggerState.ERROR));
    }
}
