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
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.EvidenceReport;
import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.evidence.GateStatus;
import io.releasepipeline.evidence.JournalEntry;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.spi.DeployMatch;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.testkit.Simulation;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A pull request whose merge starts no deploy run (the deploy workflow runs only for {@code backend/**}, the pull
 * request changes only docs and frontend files): merged, recorded, finished at once as {@code NOTHING_TO_DEPLOY},
 * with no deployment record, no deploy run awaited and no traffic touched; before this, the release waited 15 minutes
 * for a run that never came and aborted. The fake CI starts no deploy run for such a merge, as GitHub would not.
 */
class NothingToDeployScenarioTest {

    private static final String RELEASE = "pr123-docs";

    private final Simulation sim = new Simulation();

    NothingToDeployScenarioTest() {
        sim.ci.deploysOnlyUnder("backend");
        sim.ci.pr(PR).changes("docs/runbook.md", "frontend/src/quotes.ts");
    }

    private ReleaseResult promote(ReleasePipeline pipeline) {
        return pipeline.promote(ReleaseRequest.ofPullRequest(PR).withReleaseId(RELEASE));
    }

    private void assertNoDeployAndNoTraffic() {
        assertThat(sim.ci.count("findDeployRun")).as("deploy run polls").isZero();
        assertThat(sim.ci.count("deployRun")).as("deploy run reads").isZero();
        assertThat(sim.ci.deployments()).as("deployment records").isEmpty();
        assertThat(sim.platform.trafficHistory()).as("traffic changes").isEmpty();
        assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(STABLE));
    }

    @Test
    @DisplayName("post-merge: a pull request merged before the release with nothing to deploy ends the same way")
    void postMergeWithNothingToDeploy() {
        String mergeSha = sim.ci.pr(PR).mergedOutsideRelease();

        ReleaseResult result = promote(sim.pipeline());

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.NOTHING_TO_DEPLOY);
        assertThat(sim.ci.count("merge")).as("never merged again").isZero();
        assertThat(sim.clock.elapsed()).as("no 15-minute wait for a run that never comes").isEqualTo(Duration.ZERO);
        assertNoDeployAndNoTraffic();
        ReleaseRecord record = result.record();
        assertThat(record.mode()).isEqualTo(ReleaseRecord.Mode.POST_MERGE);
        assertThat(record.mergeCommitSha()).contains(mergeSha);
        assertThat(record.deployMatch()).hasValueSatisfying(m -> assertThat(m.deploys()).isFalse());
        assertThat(record.notes()).anySatisfy(n -> assertThat(n).contains("nothing to deploy"));
        assertThat(sim.evidence.journal(APP, RELEASE)).extracting(JournalEntry::state)
                .containsExactly("STARTED", "GATES_PASSED", "FINISHING", "FINISHED");
    }

    @Test
    @DisplayName("merged, nothing to deploy: exit at once, no deploy run, no deployment record, traffic untouched")
    void mergedWithNothingToDeploy() {
        ReleaseResult result = promote(sim.pipeline());

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.NOTHING_TO_DEPLOY);
        assertThat(result.orThrow()).isSameAs(result);
        assertThat(sim.ci.isMerged(PR)).isTrue();
        assertThat(sim.ci.count("merge")).isEqualTo(1);
        assertThat(sim.clock.elapsed()).as("no 15-minute wait for a run that never comes").isEqualTo(Duration.ZERO);
        assertNoDeployAndNoTraffic();
        assertThat(sim.ci.comments(PR)).isEmpty();
        sim.clock.advance(Duration.ofHours(1));
        assertThat(sim.platform.revision(NEW)).as("no deploy happened later either").isEmpty();

        ReleaseRecord record = result.record();
        assertThat(record.mergeCommitSha()).isEqualTo(sim.ci.mergeCommitSha(PR));
        assertThat(record.newRevision()).isEmpty();
        assertThat(record.deployRun()).isEmpty();
        assertThat(record.trafficChanges()).isEmpty();
        assertThat(record.deployMatch()).hasValueSatisfying(m -> {
            assertThat(m.deploys()).isFalse();
            assertThat(m.filter()).isEqualTo("on.push.paths [backend/**]");
            assertThat(m.files()).containsExactly("docs/runbook.md", "frontend/src/quotes.ts");
            assertThat(m.changedFiles()).isEqualTo(2);
        });
        assertThat(record.gates()).hasSize(8).allMatch(GateResult::passed)
                .filteredOn(g -> g.gate().equals("deploy-filter")).singleElement()
                .satisfies(g -> assertThat(g.reason()).startsWith("nothing to deploy: none of the 2 changed files "
                        + "matches").contains("docs/runbook.md", "on.push.paths [backend/**]", "NOTHING_TO_DEPLOY"));
        assertThat(record.notes()).singleElement().asString().startsWith("merged as ")
                .contains("with nothing to deploy", "docs/runbook.md, frontend/src/quotes.ts",
                        "on.push.paths [backend/**]", "no deployment record", "traffic was not touched");
        assertThat(sim.evidence.read(APP, RELEASE)).contains(record);
        assertThat(EvidenceReport.markdown(record, "chart.svg"))
                .contains("**Merged, nothing to deploy: no deploy run, traffic untouched**")
                .contains("**Nothing to deploy**", "`docs/runbook.md`", "`on.push.paths [backend/**]`");

        assertThat(sim.evidence.journal(APP, RELEASE)).extracting(JournalEntry::state)
                .containsExactly("STARTED", "GATES_PASSED", "MERGING", "MERGED", "FINISHING", "FINISHED");
        assertThat(sim.events(ReleaseEvent.Merged.class)).hasSize(1);
        assertThat(sim.events(ReleaseEvent.ReleaseFinished.class)).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(ReleaseOutcome.NOTHING_TO_DEPLOY);
            assertThat(e.summary()).contains("nothing to deploy", "on.push.paths [backend/**]");
        });
        assertThat(sim.evidence.currentLock(APP)).isEmpty();
    }

    @Test
    @DisplayName("one changed file the filter selects is enough: the release deploys and promotes as before")
    void aSelectedFileDeploys() {
        sim.ci.pr(PR).changes("docs/runbook.md", "backend/app/quotes.py");

        ReleaseResult result = promote(sim.pipeline());

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(sim.clock.elapsed()).isEqualTo(Duration.ofMinutes(14));
        assertThat(result.record().deployMatch()).hasValueSatisfying(m -> {
            assertThat(m.deploys()).isTrue();
            assertThat(m.files()).containsExactly("backend/app/quotes.py");
        });
        assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(NEW));
    }

    @Test
    @DisplayName("a change the CI system lists only in part is never taken as nothing to deploy")
    void anIncompleteListDeploys() {
        sim.ci.pr(PR).changesMoreThanListed();

        ReleaseResult result = promote(sim.pipeline());

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(result.record().deployMatch()).hasValueSatisfying(m -> assertThat(m.deploys()).isTrue());
        assertThat(sim.ci.count("findDeployRun")).isPositive();
    }

    @Test
    @DisplayName("a deploy filter that cannot be read is an ERROR gate: nothing merged, nothing guessed")
    void unreadableFilterBlocks() {
        sim.ci.failAlways("deployMatch", false);

        ReleaseResult result = promote(sim.pipeline());

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.GATES_FAILED);
        assertThat(result.failedGates()).singleElement().satisfies(g -> {
            assertThat(g.gate()).isEqualTo("deploy-filter");
            assertThat(g.status()).isEqualTo(GateStatus.ERROR);
            assertThat(g.reason()).contains("could not tell whether merging #123 starts the deploy run",
                    "400 bad request (scripted)", "nothing was changed");
        });
        assertThat(sim.ci.isMerged(PR)).isFalse();
        assertNoDeployAndNoTraffic();
        assertThat(result.record().deployMatch()).isEmpty();
    }

    @Test
    @DisplayName("changed files that cannot be read for a while are read again (retried), then decide")
    void transientFailureIsRetried() {
        sim.ci.failNext("changedFiles", 2, true);

        ReleaseResult result = promote(sim.pipeline());

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.NOTHING_TO_DEPLOY);
        assertThat(sim.ci.count("changedFiles")).isEqualTo(3);
    }

    @Test
    @DisplayName("the gates and the dry run's check show it and change nothing; the answer holds after the merge")
    void gatesShowIt() {
        ReleasePipeline pipeline = sim.pipeline();
        ReleaseRequest request = ReleaseRequest.ofPullRequest(PR);

        List<GateResult> gates = pipeline.evaluateGates(request);
        DeployMatch match = pipeline.deployMatch(request);

        assertThat(gates).filteredOn(g -> g.gate().equals("deploy-filter")).singleElement()
                .satisfies(g -> {
                    assertThat(g.status()).isEqualTo(GateStatus.PASS);
                    assertThat(g.reason()).startsWith("nothing to deploy");
                });
        assertThat(match.deploys()).isFalse();
        assertThat(sim.ci.isMerged(PR)).isFalse();
        assertNoDeployAndNoTraffic();

        promote(pipeline);
        assertThat(pipeline.deployMatch(request)).isEqualTo(match);
    }

    @Test
    @DisplayName("a merge refused after the gates aborts the release as before, with nothing merged")
    void mergeRefused() {
        sim.ci.pr(PR).headMovesBeforeMerge(io.releasepipeline.testkit.FakeCi.sha("pushed-late"));

        ReleaseResult result = promote(sim.pipeline());

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ABORTED);
        assertThat(sim.ci.isMerged(PR)).isFalse();
        assertThat(result.record().notes()).anySatisfy(n -> assertThat(n).startsWith("merge refused (HEAD_CHANGED)"));
        assertNoDeployAndNoTraffic();
    }

    static Stream<Arguments> boundaries() {
        return Stream.of("GATES_PASSED", "MERGING", "MERGED", "FINISHED")
                .flatMap(s -> Stream.of(Arguments.of(s, false), Arguments.of(s, true)));
    }

    @ParameterizedTest(name = "dies {1} journaling {0}: resumed to NOTHING_TO_DEPLOY, merged once, no deploy run")
    @MethodSource("boundaries")
    void aCrashResumesToTheSameOutcome(String state, boolean afterJournaling) {
        ReleasePipeline dying = CrashResumeScenarioTest.dying(sim,
                new CrashResumeScenarioTest.CrashingStore(sim.evidence, state, afterJournaling)).build();
        assertThatThrownBy(() -> promote(dying)).isInstanceOf(CrashResumeScenarioTest.Crash.class);

        sim.clock.advance(Duration.ofSeconds(30));
        ReleaseResult result = sim.pipeline().resume(RELEASE);

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.NOTHING_TO_DEPLOY);
        assertThat(sim.ci.count("merge")).isEqualTo(1);
        assertThat(sim.ci.isMerged(PR)).isTrue();
        assertNoDeployAndNoTraffic();
        ReleaseRecord record = sim.evidence.read(APP, RELEASE).orElseThrow();
        assertThat(record.outcome()).isEqualTo(ReleaseOutcome.NOTHING_TO_DEPLOY);
        assertThat(record.mergeCommitSha()).isEqualTo(sim.ci.mergeCommitSha(PR));
        assertThat(record.deployMatch()).hasValueSatisfying(m -> assertThat(m.deploys()).isFalse());
        assertThat(record.notes()).anySatisfy(n -> assertThat(n).contains("with nothing to deploy"));
        if (!state.equals("FINISHED")) {
            assertThat(record.notes()).anySatisfy(n -> assertThat(n).startsWith("resumed after the previous process "
                    + "stopped at"));
        }
        assertThat(sim.evidence.journal(APP, RELEASE)).last().satisfies(j -> assertThat(j.state())
                .isEqualTo("FINISHED"));
        assertThat(sim.evidence.currentLock(APP)).isEmpty();
    }
}
