package io.releasepipeline.scenario;

import static io.releasepipeline.testkit.Simulation.APP;
import static io.releasepipeline.testkit.Simulation.NEW;
import static io.releasepipeline.testkit.Simulation.PR;
import static io.releasepipeline.testkit.Simulation.STABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.evidence.EvidenceReport;
import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.testkit.FakeEvidenceStore;
import io.releasepipeline.testkit.Simulation;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * "Previous release stable for >= 1 hour" on an empty history: an evidence store with no record (a runner's
 * discarded disk, a wrong path) never passes it silently; the app's first release is declared, and the declaration
 * is in the record.
 */
class FirstReleaseScenarioTest {

    private final Simulation sim = new Simulation();
    private final FakeEvidenceStore empty = new FakeEvidenceStore();

    @Test
    @DisplayName("an empty history fails the stability gate with the remedy, and nothing is changed")
    void anEmptyHistoryIsNotAPass() {
        ReleaseResult result = sim.builder().evidence(empty).build().promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.GATES_FAILED);
        assertThat(result.failedGates()).singleElement().satisfies(g -> {
            assertThat(g.gate()).isEqualTo("previous-release-stable");
            assertThat(g.reason()).contains("no previous release of backend on record", "--first-release");
        });
        assertThat(sim.ci.isMerged(PR)).isFalse();
        assertThat(sim.platform.trafficHistory()).isEmpty();
    }

    @Test
    @DisplayName("a release declared first passes it, and the record and report say so; resume keeps the declaration")
    void aDeclaredFirstReleaseIsPromotedAndRecorded() {
        ReleasePipeline dying = CrashResumeScenarioTest.dying(sim, new CrashResumeScenarioTest.CrashingStore(empty,
                "GATES_PASSED", false)).build();
        assertThatThrownBy(() -> dying.promote(ReleaseRequest.ofPullRequest(PR).withReleaseId("pr123-first")
                .withFirstRelease())).isInstanceOf(CrashResumeScenarioTest.Crash.class);

        // Resumed before the merge: the gates run again, still as a declared first release.
        ReleaseResult result = sim.builder().evidence(empty).build().resume("pr123-first");

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(result.record().firstRelease()).isTrue();
        assertThat(result.gates()).filteredOn(g -> g.gate().equals("previous-release-stable")).singleElement()
                .satisfies(g -> assertThat(g.reason()).contains("declared the first"));
        assertThat(empty.read(APP, "pr123-first")).hasValueSatisfying(r -> assertThat(r.firstRelease()).isTrue());
        assertThat(EvidenceReport.markdown(result.record(), "t.svg")).contains("| First release | **yes** (declared");
        assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(NEW));
    }

    @Test
    @DisplayName("declaring a first release over a history fails the gate instead of skipping it")
    void aFirstReleaseOverAHistoryIsRefused() {
        ReleaseResult result = sim.pipeline().promote(ReleaseRequest.ofPullRequest(PR).withFirstRelease());

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.GATES_FAILED);
        assertThat(result.failedGates()).extracting(GateResult::reason).singleElement().satisfies(r -> assertThat(r)
                .contains("declared the first release of backend, but release pr100-previous (PROMOTED) is on record"));
        assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(STABLE));
        assertThat(sim.clock.elapsed()).isLessThan(Duration.ofSeconds(1));
    }
}
