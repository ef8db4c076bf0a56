package io.releasepipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.spi.PullRequest;
import io.releasepipeline.spi.Revision;
import io.releasepipeline.spi.TrafficWeights;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One decision per row of the README's resume table: the journal weighed against what the world says now. */
class ResumeDecisionTest {

    private static final Instant T = Instant.parse("2026-01-05T09:00:00Z");

    private static ResumePoint journal(Optional<String> headSha, Optional<String> stable, Optional<String> newRevision,
            Set<Integer> passed, Optional<String> rollingBack, String lastState) {
        return new ResumePoint(lastState, 7, T, ReleaseRequest.ofPullRequest(123), List.of(), headSha, stable,
                Optional.empty(), Optional.empty(), newRevision, passed, rollingBack, false, Optional.empty(), false,
                java.util.Map.of());
    }

    private static PullRequest pr(PullRequest.State state) {
        return new PullRequest(123, "t", "head1", "main", "", List.of(), false, state, Optional.of(true),
                state == PullRequest.State.MERGED ? Optional.of("merge99") : Optional.empty(), "");
    }

    private static Revision revision(String name, Instant created, String image) {
        return new Revision(name, created, true, 0, Revision.Health.HEALTHY, Revision.Provisioning.PROVISIONED,
                Revision.Running.RUNNING, Optional.of(image), Optional.empty());
    }

    private static List<Revision> noRevisionsNeeded() {
        return fail("the revisions should not be read for this decision");
    }

    @Test
    void aRollbackThatHadStartedIsFinishedWhateverTheSplit() {
        ResumeDecision d = ResumeDecision.decide(journal(Optional.of("head1"), Optional.of("v1"), Optional.of("v2"),
                Set.of(10), Optional.of("error-rate FIRING"), "ROLLING_BACK"), pr(PullRequest.State.MERGED),
                TrafficWeights.all("v1"), ResumeDecisionTest::noRevisionsNeeded);
        assertThat(d).isInstanceOfSatisfying(ResumeDecision.FinishRollback.class,
                f -> assertThat(f.reason()).isEqualTo("error-rate FIRING"));
    }

    @Test
    void beforeTheMergeWithNothingMergedTheGatesRunAgain() {
        ResumeDecision d = ResumeDecision.decide(journal(Optional.empty(), Optional.empty(), Optional.empty(),
                Set.of(), Optional.empty(), "GATES_PASSED"), pr(PullRequest.State.OPEN), TrafficWeights.all("v1"),
                ResumeDecisionTest::noRevisionsNeeded);
        assertThat(d).isInstanceOf(ResumeDecision.RerunFromGates.class);
    }

    @Test
    void beforeTheMergeButMergedAndSplitRollsBackToTheRevisionThatDoesNotRunTheMerge() {
        ResumeDecision d = ResumeDecision.decide(journal(Optional.empty(), Optional.empty(), Optional.empty(),
                Set.of(), Optional.empty(), "STARTED"), pr(PullRequest.State.MERGED),
                TrafficWeights.split("v1", "v2", 10), () -> List.of(
                        revision("v2", T.minusSeconds(5000), "acr.io/app:merge99"),
                        revision("v1", T, "acr.io/app:older11")));
        assertThat(d).isInstanceOfSatisfying(ResumeDecision.RollBack.class, r -> {
            assertThat(r.stable()).isEqualTo("v1");
            assertThat(r.from()).contains("v2");
        });
    }

    @Test
    void afterTheMergeOnlyTheStepsWhoseTrafficIsStillInPlaceCount() {
        ResumePoint shiftingTo50 = journal(Optional.of("head1"), Optional.of("v1"), Optional.of("v2"), Set.of(10),
                Optional.empty(), "SHIFTING");
        assertThat(ResumeDecision.decide(shiftingTo50, pr(PullRequest.State.MERGED), TrafficWeights.split("v1", "v2",
                10), ResumeDecisionTest::noRevisionsNeeded))
                .isInstanceOfSatisfying(ResumeDecision.GoOn.class, g -> assertThat(g.passedWeights())
                        .containsExactly(10));
        assertThat(ResumeDecision.decide(shiftingTo50, pr(PullRequest.State.MERGED), TrafficWeights.all("v1"),
                ResumeDecisionTest::noRevisionsNeeded))
                .isInstanceOfSatisfying(ResumeDecision.GoOn.class, g -> assertThat(g.passedWeights()).isEmpty());
    }
}
