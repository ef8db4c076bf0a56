package io.releasepipeline.scenario;

import static io.releasepipeline.testkit.Simulation.NEW;
import static io.releasepipeline.testkit.Simulation.PR;
import static io.releasepipeline.testkit.Simulation.STABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.ReleaseInProgressException;
import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.evidence.GateStatus;
import io.releasepipeline.evidence.ReleaseLock;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.spi.DeployRun;
import io.releasepipeline.spi.DeploymentState;
import io.releasepipeline.spi.Incident;
import io.releasepipeline.spi.RevisionMode;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.testkit.FakeCi;
import io.releasepipeline.testkit.FakeEvidenceStore;
import io.releasepipeline.testkit.Simulation;
import io.releasepipeline.traffic.TrafficPlan;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The runbook end to end in virtual time, with the test kit's fakes. */
class PromotionScenarioTest {

    private final Simulation sim = new Simulation();

    private ReleaseResult promote() {
        return promote(sim.pipeline());
    }

    private static ReleaseResult promote(ReleasePipeline pipeline) {
        return pipeline.promote(ReleaseRequest.ofPullRequest(PR));
    }

    private void assertNothingChanged() {
        assertThat(sim.ci.isMerged(PR)).as("merged").isFalse();
        assertThat(sim.platform.trafficHistory()).as("traffic changes").isEmpty();
        assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(STABLE));
    }

    @Test
    @DisplayName("happy path: gates, merge, deploy run, v2 at 100%, 10 minutes observed, evidence")
    void happyPath() {
        ReleaseResult result = promote();

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(result.gates()).allMatch(GateResult::passed).hasSize(8);
        assertThat(sim.ci.isMerged(PR)).isTrue();
        assertThat(sim.platform.trafficHistory()).containsExactly(TrafficWeights.all(NEW));
        assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(NEW));
        // merge at t+0, the deploy run completes at t+4m, then 10 minutes of observation
        assertThat(sim.clock.elapsed()).isEqualTo(Duration.ofMinutes(14));

        ReleaseRecord record = result.record();
        assertThat(record.previousRevision()).contains(STABLE);
        assertThat(record.newRevision()).contains(NEW);
        assertThat(record.mergeCommitSha()).isEqualTo(sim.ci.mergeCommitSha(PR));
        assertThat(record.approvers()).containsExactly("alice");
        assertThat(record.deployRun()).hasValueSatisfying(r -> assertThat(r.succeeded()).isTrue());
        assertThat(record.smokeChecks()).hasSize(1).allMatch(s -> s.passed());
        assertThat(record.verdicts()).extracting(v -> v.trigger())
                .containsExactly("smoke-check", "health-endpoint", "error-rate");
        assertThat(record.verdicts()).noneMatch(v -> v.firing());
        assertThat(sim.evidence.read(Simulation.APP, result.releaseId())).contains(record);
        assertThat(result.evidenceLocation()).isPresent();
        assertThat(sim.evidence.currentLock(Simulation.APP)).isEmpty();

        FakeCi.Deployment deployment = sim.ci.deployments().get(0);
        assertThat(sim.ci.deploymentStatuses(deployment.id())).extracting(FakeCi.DeploymentStatus::state)
                .containsExactly(DeploymentState.IN_PROGRESS, DeploymentState.SUCCESS);
        assertThat(sim.ci.comments(PR)).isEmpty();
        assertThat(sim.events(ReleaseEvent.ReleaseFinished.class)).singleElement()
                .satisfies(e -> assertThat(e.outcome()).isEqualTo(ReleaseOutcome.PROMOTED));
        assertThat(sim.evidence.journal(Simulation.APP, result.releaseId())).extracting(j -> j.state())
                .containsExactly("STARTED", "GATES_PASSED", "MERGING", "MERGED", "CREATING_DEPLOYMENT", "DEPLOYMENT",
                        "DEPLOYED", "NEW_REVISION", "SHIFTING", "OBSERVING", "STEP_PASSED", "FINISHING", "FINISHED");
    }

    static Stream<Arguments> gates() {
        return Stream.of(
                Arguments.of("required-checks", (Consumer<Simulation>) s -> s.ci.pr(PR).checkFails("tests")),
                Arguments.of("no-open-incidents", (Consumer<Simulation>) s -> s.incidents.open(new Incident("77",
                        "checkout down", "SEV-1", "", Optional.empty()))),
                Arguments.of("previous-release-stable", (Consumer<Simulation>) s -> s.evidence.seed(
                        FakeEvidenceStore.rolledBackRecord(Simulation.APP, "pr122", "v0", STABLE,
                                s.clock.now().minus(Duration.ofMinutes(20))))),
                Arguments.of("reviews", (Consumer<Simulation>) s -> s.ci.pr(PR).changesRequestedBy("bob")),
                Arguments.of("breaking-changes-documented", (Consumer<Simulation>) s -> s.ci.pr(PR)
                        .body("## Summary\nno section")));
    }

    @ParameterizedTest(name = "{0} failing alone blocks the release and changes nothing")
    @MethodSource("gates")
    void eachGateFailingAlone(String gate, Consumer<Simulation> breakIt) {
        breakIt.accept(sim);

        ReleaseResult result = promote();

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.GATES_FAILED);
        assertThat(result.failedGates()).extracting(GateResult::gate).containsExactly(gate);
        assertThat(result.failedGates().get(0).status()).isEqualTo(GateStatus.FAIL);
        assertNothingChanged();
        assertThatThrownBy(result::orThrow).hasMessageContaining(gate).hasMessageContaining("nothing was changed");
    }

    @Test
    @SuppressWarnings("unchecked") // the arguments above are built as Consumer<Simulation>
    void allGatesFailingAreReportedTogether() {
        gates().forEach(args -> ((Consumer<Simulation>) args.get()[1]).accept(sim));

        ReleaseResult result = promote();

        assertThat(result.failedGates()).extracting(GateResult::gate).containsExactly("required-checks",
                "no-open-incidents", "previous-release-stable", "reviews", "breaking-changes-documented");
        assertNothingChanged();
        assertThat(sim.events(ReleaseEvent.GateEvaluated.class)).hasSize(8);
    }

    @Test
    void evaluatingGatesAloneChangesNothing() {
        sim.ci.pr(PR).checkFails("lint");
        List<GateResult> results = sim.pipeline().evaluateGates(ReleaseRequest.ofPullRequest(PR));
        assertThat(results).filteredOn(r -> !r.passed()).extracting(GateResult::gate).containsExactly(
                "required-checks");
        assertNothingChanged();
        assertThat(sim.evidence.latest(Simulation.APP, 10)).hasSize(1);
    }

    @Test
    void aGateThatCannotReadItsProviderIsAnErrorNotAPass() {
        sim.incidents.failAlways("openIncidents");
        ReleaseResult result = promote();
        assertThat(result.failedGates()).singleElement().satisfies(g -> {
            assertThat(g.gate()).isEqualTo("no-open-incidents");
            assertThat(g.status()).isEqualTo(GateStatus.ERROR);
            assertThat(g.reason()).startsWith("could not decide:");
        });
        assertNothingChanged();
    }

    @Test
    void aFailedDeployRunStopsWithProductionUntouched() {
        sim.ci.deployRunTakes(Duration.ofMinutes(3), DeployRun.Conclusion.FAILURE);

        ReleaseResult result = promote();

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ABORTED);
        assertThat(sim.ci.isMerged(PR)).isTrue();
        assertThat(sim.platform.trafficHistory()).isEmpty();
        assertThat(sim.platform.revisionNames()).containsExactly(STABLE);
        assertThat(result.record().notes()).anySatisfy(n -> assertThat(n).contains("ended failure")
                .contains("production still serves v1 (untouched)").contains("revert it or fix forward"));
        assertThat(sim.events()).filteredOn(ReleaseEvent.ReleaseFinished.class::isInstance)
                .map(e -> ((ReleaseEvent.ReleaseFinished) e).summary()).as("the summary does not repeat the outcome "
                        + "listeners print before it").singleElement().asString().doesNotStartWith("ABORTED")
                .contains("ended failure");
        FakeCi.Deployment deployment = sim.ci.deployments().get(0);
        assertThat(sim.ci.deploymentStatuses(deployment.id())).extracting(FakeCi.DeploymentStatus::state)
                .containsExactly(DeploymentState.IN_PROGRESS, DeploymentState.ERROR);
    }

    @Test
    void aDeployRunThatNeverAppearsTimesOut() {
        sim.ci.deployRunNeverAppears();
        ReleaseResult result = promote();
        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ABORTED);
        assertThat(result.record().notes()).anySatisfy(n -> assertThat(n).contains("no deploy run started")
                .contains("within 15m"));
        assertThat(sim.clock.elapsed()).isEqualTo(ReleasePipeline.DEFAULT_DEPLOY_TIMEOUT);
    }

    @Nested
    class NewRevisionNeverReady {

        @Test
        void inMultipleModeNothingMovedSoNothingIsUndone() {
            sim.platform.revisionNeverReady(NEW);
            ReleaseResult result = promote();
            assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ABORTED);
            assertThat(result.record().notes()).anySatisfy(n -> assertThat(n)
                    .contains("the new revision v2 was not ready within 5m"));
            assertThat(sim.platform.trafficHistory()).isEmpty();
        }

        @Test
        void inSingleModeTheDeployMovedTrafficSoItIsRolledBack() {
            sim.platform.revisionMode(RevisionMode.SINGLE);
            sim.platform.revisionNeverReady(NEW);
            ReleaseResult result = promote();
            assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
            assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(STABLE));
            assertThat(sim.platform.calls()).contains("activate(v1)");
        }
    }

    @Test
    void aSecondReleaseWhileOneHoldsTheLockIsRefusedBeforeAnySideEffect() {
        ReleaseLock held = sim.evidence.seedLiveLock(Simulation.APP, "pr99-20260105-080000", "runner-7",
                sim.clock.now().minus(Duration.ofMinutes(3)));
        assertThatThrownBy(this::promote).isInstanceOf(ReleaseInProgressException.class)
                .hasMessageContaining("release pr99-20260105-080000 in progress since 2026-01-05T08:57:00Z on runner-7")
                .hasMessageContaining("owner " + held.owner() + ", live");
        assertNothingChanged();
    }

    @Test
    void transientProviderErrorsAreRetriedOnTheClock() {
        sim.platform.failNext("setTraffic", 2, true);
        ReleaseResult result = promote();
        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(sim.events(ReleaseEvent.ProviderCallRetried.class)).hasSize(2)
                .allSatisfy(e -> assertThat(e.error()).contains("429"));
        assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(NEW));
    }

    @Test
    @DisplayName("a deployment record whose create lost its answer, and a status that failed once, are retried: one "
            + "record with every status")
    void deploymentRecordsSurviveTransientFaults() {
        sim.ci.failNextAfterApplying("createDeployment");
        sim.ci.failNext("recordDeploymentStatus", 1, true);

        ReleaseResult result = promote();

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(sim.ci.deployments()).singleElement().satisfies(d -> {
            assertThat(d.releaseId()).isEqualTo(result.releaseId());
            assertThat(sim.ci.deploymentStatuses(d.id())).extracting(FakeCi.DeploymentStatus::state)
                    .containsExactly(DeploymentState.IN_PROGRESS, DeploymentState.SUCCESS);
        });
        assertThat(sim.events(ReleaseEvent.Warning.class)).isEmpty();
    }

    @Test
    void aPermanentPlatformFailureMidCanaryRollsBackAndNeverLeavesTrafficSplit() {
        ReleasePipeline pipeline = sim.builder().trafficPlan(TrafficPlan.canary(10, 50, 100))
                .listener(e -> {
                    if (e instanceof ReleaseEvent.TrafficShifted t && t.to().weightOf(NEW) == 10) {
                        sim.platform.failNext("setTraffic", 1, false);
                    }
                }).build();

        ReleaseResult result = promote(pipeline);

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(result.rollback().orElseThrow().details().reason()).contains("setTraffic")
                .contains("failed");
        assertThat(sim.platform.trafficHistory()).containsExactly(TrafficWeights.split(STABLE, NEW, 10),
                TrafficWeights.all(STABLE));
        assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(STABLE));
    }

    @Test
    void aListenerThatThrowsNeverBreaksARelease() {
        ReleasePipeline pipeline = sim.builder().listener(e -> {
            throw new IllegalStateException("listener bug");
        }).build();
        assertThat(promote(pipeline).outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
    }
}
