package io.releasepipeline.scenario;

import static io.releasepipeline.testkit.Simulation.PR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleasePipelineBuilder;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.approval.ApiApprovals;
import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.health.http.Endpoint;
import io.releasepipeline.health.http.HttpHealthProbe;
import io.releasepipeline.health.http.HttpSmokeCheck;
import io.releasepipeline.testkit.FakeCi;
import io.releasepipeline.testkit.FakeEvidenceStore;
import io.releasepipeline.testkit.FakeHealthProbe;
import io.releasepipeline.testkit.FakeHealthSignals;
import io.releasepipeline.testkit.FakeIncidents;
import io.releasepipeline.testkit.FakePlatform;
import io.releasepipeline.testkit.FakeSmokeCheck;
import io.releasepipeline.testkit.Simulation;
import io.releasepipeline.testkit.VirtualClock;
import io.releasepipeline.time.ReleaseClock;
import io.releasepipeline.traffic.TrafficPlan;
import io.releasepipeline.trigger.AlertInbox;
import io.releasepipeline.trigger.Triggers;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A pipeline and fakes on clocks that do not agree used to build, and then a simulation waited minutes in real time
 * for virtual time that never came. {@code build()} now refuses it, with the remedy, before anything runs.
 */
class ClockMismatchScenarioTest {

    @Test
    @DisplayName("fakes on a VirtualClock and a pipeline without .clock(clock): refused at build() in one problem naming "
            + "every fake, with the fix, and nothing called")
    void fakesOnAVirtualClockPipelineOnTheSystemClock() {
        Simulation sim = new Simulation();
        ReleasePipelineBuilder withoutClock = ReleasePipeline.builder().platform(sim.platform).ci(sim.ci)
                .evidence(sim.evidence).incidents(sim.incidents).healthSignals(sim.signals).smokeCheck(sim.smoke)
                .healthProbe(sim.probe);

        assertThatThrownBy(withoutClock::build).isInstanceOfSatisfying(InvalidConfigurationException.class, e -> {
            assertThat(e.problems()).as("one mistake, said once, every fake named").singleElement().asString()
                    .startsWith("platform: FakePlatform, ci: FakeCi, healthSignals: FakeHealthSignals, smokeCheck: "
                            + "FakeSmokeCheck, healthProbe: FakeHealthProbe run on a VirtualClock, the pipeline on the "
                            + "system clock (.clock(...) was not called)")
                    .contains("a simulation hangs in real time", "the clock the providers were built on, "
                            + ".clock(clock), or build them on the pipeline's clock");
        });
        assertThat(sim.ci.calls()).as("nothing ran").isEmpty();
        assertThat(sim.platform.calls()).isEmpty();
        assertThat(sim.clock.sleeps()).isZero();
    }

    @Test
    @DisplayName("the reverse, a pipeline on a VirtualClock with a fake on the system clock, is refused the same way")
    void pipelineOnAVirtualClockFakeOnTheSystemClock() {
        Simulation sim = new Simulation();
        FakeCi wallClockCi = new FakeCi(ReleaseClock.system());

        assertThatThrownBy(() -> sim.builder().ci(wallClockCi).build())
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .containsExactly("ci: FakeCi runs on the system clock, the pipeline on a VirtualClock; the "
                                + "release would wait on its clock for times the provider counts on the other (a "
                                + "simulation hangs in real time, or its timeouts pass at once). Give the pipeline "
                                + "the clock the provider was built on, .clock(clock), or build the provider on the "
                                + "pipeline's clock"));
    }

    @Test
    @DisplayName("a fake on another VirtualClock than the pipeline's is refused: one clock never moves")
    void twoVirtualClocks() {
        Simulation sim = new Simulation();

        assertThatThrownBy(() -> sim.builder().clock(new VirtualClock()).build())
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .singleElement().asString()
                        .startsWith("platform: FakePlatform, ci: FakeCi, healthSignals: FakeHealthSignals, "
                                + "smokeCheck: FakeSmokeCheck, healthProbe: FakeHealthProbe run on another "
                                + "VirtualClock than the pipeline's; "));
    }

    @Test
    @DisplayName("an inbox or approvals that wake another clock than the pipeline's are refused, even two system "
            + "clocks: the release would only notice at its next poll")
    void wakingProvidersNeedThePipelinesVeryClock() {
        ReleaseClock pipelineClock = ReleaseClock.system();
        ReleaseClock other = ReleaseClock.system();
        ReleasePipelineBuilder b = onTheSystemClock(other)
                .rollbackTriggers(Triggers.builder().onAlerts(new AlertInbox(other)).build())
                .trafficPlan(TrafficPlan.canary(10, 100).withApprovalBefore(100))
                .approvals(new ApiApprovals(other, question -> { }));

        assertThatThrownBy(b::build).isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(
                e.problems()).containsExactly(
                        "approvals: ApiApprovals, rollbackTriggers.alertSource: AlertInbox run on another system "
                                + "clock than the pipeline's; the release sleeps on its own clock, so it would "
                                + "notice a decision or an alert only at its next poll. Give the pipeline the clock "
                                + "the providers were built on, .clock(clock), or build them on the pipeline's "
                                + "clock"));
        assertThat(b.clock(other).build()).as("on the very clock they wake").isNotNull();
        assertThat(pipelineClock.keepsTimeWith(other)).as("two system clocks keep the same time").isTrue();
    }

    @Test
    @DisplayName("matching setups build: the Simulation, fakes on the system clock with no .clock, and production "
            + "providers, which know no clock")
    void matchingSetupsBuild() {
        Simulation sim = new Simulation();
        assertThat(sim.pipeline().promote(ReleaseRequest.ofPullRequest(PR)).outcome())
                .isEqualTo(ReleaseOutcome.PROMOTED);

        // Fakes built on one system clock, the pipeline on its default one: both tell the wall clock's time.
        assertThat(onTheSystemClock(ReleaseClock.system()).build()).isNotNull();

        // Production providers take time from what they call: they build with a pipeline on any clock.
        HttpSmokeCheck smoke = HttpSmokeCheck.builder().baseUrl("https://backend.example.com")
                .endpoint(Endpoint.get("/health")).build();
        HttpHealthProbe probe = HttpHealthProbe.builder().baseUrl("https://backend.example.com").build();
        assertThat(sim.builder().smokeCheck(smoke).healthProbe(probe).build().config().smokeCheck()).isSameAs(smoke);
        assertThat(onTheSystemClock(ReleaseClock.system()).smokeCheck(smoke).healthProbe(probe).build().config()
                .healthProbe()).containsSame(probe);
    }

    /** Every provider a fake on {@code clock}, except where a test replaces one; the pipeline's clock not given. */
    private static ReleasePipelineBuilder onTheSystemClock(ReleaseClock clock) {
        FakePlatform platform = new FakePlatform(clock);
        return ReleasePipeline.builder().platform(platform).ci(new FakeCi(clock)).evidence(new FakeEvidenceStore())
                .incidents(new FakeIncidents()).healthSignals(new FakeHealthSignals(clock))
                .smokeCheck(new FakeSmokeCheck(clock)).healthProbe(new FakeHealthProbe(clock)).gates(List.of());
    }
}
