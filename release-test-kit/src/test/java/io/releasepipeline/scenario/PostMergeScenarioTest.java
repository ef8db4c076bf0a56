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
import io.releasepipeline.evidence.GateStatus;
import io.releasepipeline.evidence.JournalEntry;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.spi.DeploymentState;
import io.releasepipeline.spi.Incident;
import io.releasepipeline.spi.RevisionMode;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.testkit.Simulation;
import io.releasepipeline.traffic.TrafficPlan;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Post-merge releases, in virtual time: the pull request was merged in GitHub's UI (branch protection doing the
 * checks) and the release picks up at its merge commit's deploy run. The gates are still evaluated and recorded,
 * marked as unable to stop the merge; a failing gate keeps traffic off the new revision; incidents, traffic, smoke,
 * observation, rollback and resume work as before the merge.
 */
class PostMergeScenarioTest {

    private static final String RELEASE = "pr123-post-merge";

    private final Simulation sim = new Simulation();

    private ReleaseResult promote() {
        return sim.pipeline().promote(ReleaseRequest.ofPullRequest(PR).withReleaseId(RELEASE));
    }

    @Test
    @DisplayName("a merged pull request is promoted from its deploy run: never merged again, gates recorded as post-merge")
    void promotesFromTheDeployRunOfTheMergeCommit() {
        String mergeSha = sim.ci.pr(PR).mergedOutsideRelease();

        ReleaseResult result = promote();

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(sim.ci.count("merge")).as("merge calls").isZero();
        assertThat(sim.platform.trafficHistory()).containsExactly(TrafficWeights.all(NEW));
        // the deploy run started with the merge at t+0 and took 4 minutes; then 10 minutes observed
        assertThat(sim.clock.elapsed()).isEqualTo(Duration.ofMinutes(14));
        ReleaseRecord record = result.record();
        assertThat(record.mode()).isEqualTo(ReleaseRecord.Mode.POST_MERGE);
        assertThat(record.mergeCommitSha()).contains(mergeSha);
        assertThat(record.previousRevision()).contains(STABLE);
        assertThat(record.newRevision()).contains(NEW);
        assertThat(record.gates()).hasSize(8).allMatch(GateResult::passed);
        assertThat(record.gates().get(0).reason()).contains("merged before this release", "could not stop the merge");
        assertThat(record.notes()).anySatisfy(n -> assertThat(n).startsWith("post-merge: pull request #123 was merged"));
        assertThat(sim.ci.deploymentStatuses(sim.ci.deployments().get(0).id())).last()
                .satisfies(s -> assertThat(s.state()).isEqualTo(DeploymentState.SUCCESS));
        assertThat(sim.evidence.journal(APP, RELEASE)).extracting(JournalEntry::state)
                .containsExactly("STARTED", "GATES_PASSED", "MERGED_BEFORE_RELEASE", "CREATING_DEPLOYMENT",
                        "DEPLOYMENT", "DEPLOYED", "NEW_REVISION", "SHIFTING", "OBSERVING", "STEP_PASSED", "FINISHING",
                        "FINISHED");
        assertThat(EvidenceReport.markdown(record, "t.svg")).contains("**before the release** (post-merge)",
                "Evaluated after the pull request had been merged");
    }

    @Test
    @DisplayName("a gate failing after the merge: GATES_FAILED, no traffic to the new revision, a note on the pull request")
    void aFailingGateKeepsTrafficOffTheNewRevision() {
        sim.ci.pr(PR).mergedOutsideRelease();
        sim.incidents.open(new Incident("77", "checkout down", "SEV-1", "", Optional.empty()));

        ReleaseResult result = promote();
        sim.clock.advance(Duration.ofMinutes(10));

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.GATES_FAILED);
        assertThat(result.failedGates()).extracting(GateResult::gate).containsExactly("no-open-incidents");
        assertThat(result.record().mode()).isEqualTo(ReleaseRecord.Mode.POST_MERGE);
        assertThat(result.record().notes()).anySatisfy(n -> assertThat(n).contains("did not pass after the merge",
                "no traffic was moved to the new revision", "production still serves v1", "revert it or fix forward"));
        assertThat(sim.platform.trafficHistory()).isEmpty();
        // the deploy created v2 by now, and it serves nothing
        assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(STABLE));
        assertThat(sim.ci.count("merge")).isZero();
        assertThat(sim.ci.deployments()).isEmpty();
        assertThat(sim.ci.comments(PR)).singleElement().satisfies(c -> assertThat(c)
                .contains("gates failed after the merge", "could not stop the merge", "`no-open-incidents` FAIL"));
        assertThat(EvidenceReport.markdown(result.record(), "t.svg"))
                .contains("Gates failed after the merge: the new revision was given no traffic");
    }

    @Test
    @DisplayName("a pull request closed without merging is still refused, changing nothing")
    void aClosedUnmergedPullRequestIsRefused() {
        sim.ci.pr(PR).closed();

        ReleaseResult result = promote();

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.GATES_FAILED);
        assertThat(result.failedGates()).first().satisfies(g -> {
            assertThat(g.gate()).isEqualTo("pull-request");
            assertThat(g.reason()).contains("is closed without being merged");
        });
        assertThat(result.record().mode()).isEqualTo(ReleaseRecord.Mode.PRE_MERGE);
        assertThat(sim.platform.trafficHistory()).isEmpty();
        assertThat(sim.ci.comments(PR)).isEmpty();
    }

    @Test
    @DisplayName("a second trigger for a merge already promoted releases nothing twice")
    void aMergeAlreadyPromotedIsNotReleasedTwice() {
        sim.ci.pr(PR).mergedOutsideRelease();
        assertThat(promote().outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        sim.clock.advance(Duration.ofHours(2));

        ReleaseResult again = sim.pipeline().promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(again.outcome()).isEqualTo(ReleaseOutcome.GATES_FAILED);
        assertThat(again.failedGates()).extracting(GateResult::reason).anySatisfy(r -> assertThat(r)
                .contains("was already promoted by release " + RELEASE + " as v2", "nothing to release"));
        assertThat(sim.platform.trafficHistory()).containsExactly(TrafficWeights.all(NEW));
    }

    @Test
    @DisplayName("a trigger firing after the merge rolls back to the stable revision and posts the incident note")
    void aTriggerAfterTheMergeRollsBack() {
        sim.ci.pr(PR).mergedOutsideRelease();
        sim.probe.failingFor(NEW, Duration.ofMinutes(6), Duration.ofSeconds(31));

        ReleaseResult result = promote();

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(STABLE));
        assertThat(sim.ci.comments(PR)).singleElement().satisfies(c -> assertThat(c).contains("was rolled back"));
        assertThat(result.record().mode()).isEqualTo(ReleaseRecord.Mode.POST_MERGE);
    }

    @Test
    @DisplayName("a canary after the merge steps through 10, 50, 100 like one before it")
    void aCanaryAfterTheMerge() {
        sim.ci.pr(PR).mergedOutsideRelease();

        ReleaseResult result = sim.builder().trafficPlan(TrafficPlan.canary(10, 50, 100)).build()
                .promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(sim.platform.trafficHistory()).containsExactly(TrafficWeights.split(STABLE, NEW, 10),
                TrafficWeights.split(STABLE, NEW, 50), TrafficWeights.all(NEW));
    }

    @Test
    @DisplayName("single revision mode: the deploy already moved traffic before the release started; it is observed in place with v1 as the rollback target")
    void theDeployAlreadyServesTheNewRevision() {
        sim.platform.revisionMode(RevisionMode.SINGLE);
        sim.ci.pr(PR).mergedOutsideRelease();
        sim.clock.advance(Duration.ofMinutes(5));
        assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(NEW));
        sim.smoke.failingFrom(NEW, Duration.ZERO);

        ReleaseResult result = promote();

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(result.record().previousRevision()).contains(STABLE);
        assertThat(result.record().newRevision()).contains(NEW);
        assertThat(result.record().notes()).anySatisfy(n -> assertThat(n).contains(
                "the deploy had already moved all traffic to v2", "with v1 as the rollback target"));
        assertThat(result.record().trafficChanges()).first().satisfies(c -> assertThat(c.reason())
                .isEqualTo("moved by the deploy (single revision mode)"));
        assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(STABLE));
    }

    @Test
    @DisplayName("single revision mode, healthy: promoted without one traffic call")
    void theDeployAlreadyServesAHealthyNewRevision() {
        sim.platform.revisionMode(RevisionMode.SINGLE);
        sim.ci.pr(PR).mergedOutsideRelease();
        sim.clock.advance(Duration.ofMinutes(5));

        ReleaseResult result = promote();

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(sim.platform.trafficHistory()).isEmpty();
        assertThat(result.record().newRevision()).contains(NEW);
    }

    static Stream<Arguments> boundaries() {
        List<String> states = List.of("GATES_PASSED", "MERGED_BEFORE_RELEASE", "DEPLOYMENT", "DEPLOYED",
                "NEW_REVISION", "SHIFTING", "OBSERVING", "STEP_PASSED");
        return states.stream().flatMap(s -> Stream.of(Arguments.of(s, false), Arguments.of(s, true)));
    }

    @ParameterizedTest(name = "a post-merge release that dies {1} journaling {0} is resumed and promoted")
    @MethodSource("boundaries")
    void aPostMergeReleaseResumes(String state, boolean afterJournaling) {
        sim.ci.pr(PR).mergedOutsideRelease();
        ReleasePipeline dying = CrashResumeScenarioTest.dying(sim,
                new CrashResumeScenarioTest.CrashingStore(sim.evidence, state, afterJournaling)).build();
        assertThatThrownBy(() -> dying.promote(ReleaseRequest.ofPullRequest(PR).withReleaseId(RELEASE)))
                .isInstanceOf(CrashResumeScenarioTest.Crash.class);

        sim.clock.advance(Duration.ofSeconds(30));
        ReleaseResult result = sim.pipeline().resume(RELEASE);

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(sim.ci.count("merge")).isZero();
        assertThat(sim.platform.trafficHistory()).containsExactly(TrafficWeights.all(NEW));
        ReleaseRecord record = sim.evidence.read(APP, RELEASE).orElseThrow();
        assertThat(record.mode()).isEqualTo(ReleaseRecord.Mode.POST_MERGE);
        assertThat(record.gates()).hasSize(8).allMatch(GateResult::passed);
        assertThat(record.notes()).anySatisfy(n -> assertThat(n).startsWith("resumed after the previous process"));
        assertThat(sim.evidence.currentLock(APP)).isEmpty();
    }

    @Test
    @DisplayName("gates and dry runs judge a merged pull request too, and refuse a closed one")
    void evaluatingGatesAloneOnAMergedPullRequest() {
        sim.ci.pr(PR).mergedOutsideRelease();

        List<GateResult> gates = sim.pipeline().evaluateGates(ReleaseRequest.ofPullRequest(PR));

        assertThat(gates).hasSize(8).allMatch(GateResult::passed);
        assertThat(gates.get(0).reason()).contains("(post-merge)");
        assertThat(sim.platform.trafficHistory()).isEmpty();
        assertThat(sim.evidence.journal(APP, RELEASE)).isEmpty();
        assertThat(gates.get(0).status()).isEqualTo(GateStatus.PASS);
    }
}
