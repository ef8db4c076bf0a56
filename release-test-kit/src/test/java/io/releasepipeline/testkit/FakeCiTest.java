package io.releasepipeline.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.error.ProviderException;
import io.releasepipeline.spi.DeployRun;
import io.releasepipeline.spi.DeploymentState;
import io.releasepipeline.spi.MergeRefusedException;
import io.releasepipeline.spi.Reviews;
import io.releasepipeline.spi.Revision;
import io.releasepipeline.spi.RevisionMode;
import io.releasepipeline.spi.TrafficWeights;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FakeCiTest {

    private final VirtualClock clock = new VirtualClock();
    private final FakeCi ci = new FakeCi(clock);
    private final FakePlatform platform = new FakePlatform(clock).serving("v1").deployRevisionOn(ci);

    @Test
    void theDeployRunAppearsQueuesRunsAndCompletesOnTheScriptedTimeline() {
        ci.deployRunTakes(Duration.ofMinutes(4), DeployRun.Conclusion.SUCCESS);
        String merge = ci.merge(123, ci.pr(123).head());

        clock.sleep(Duration.ofSeconds(9));
        assertThat(ci.findDeployRun(merge)).isEmpty();
        clock.sleep(Duration.ofSeconds(1));
        DeployRun queued = ci.findDeployRun(merge).orElseThrow();
        assertThat(queued.status()).isEqualTo(DeployRun.Status.QUEUED);
        clock.sleep(Duration.ofSeconds(5));
        assertThat(ci.deployRun(queued.id()).status()).isEqualTo(DeployRun.Status.IN_PROGRESS);
        assertThat(platform.revision("v2")).isEmpty();

        clock.sleep(Duration.ofMinutes(4).minusSeconds(15));
        assertThat(ci.deployRun(queued.id()).succeeded()).isTrue();
        Revision v2 = platform.revision("v2").orElseThrow();
        assertThat(v2.createdAt()).isEqualTo(clock.at(Duration.ofMinutes(4)));
        assertThat(v2.active()).isTrue();
        assertThat(v2.trafficWeight()).isZero();
        assertThat(v2.image()).get().asString().endsWith(merge);
    }

    @Test
    void aMergeTheDeployFilterSelectsNothingOfStartsNoDeployRunLikeGitHub() {
        ci.deploysOnlyUnder("backend");
        ci.pr(1).changes("docs/README.md");
        ci.pr(2).changes("docs/README.md").changesMoreThanListed();
        String docsOnly = ci.merge(1, ci.pr(1).head());
        String unknown = ci.merge(2, ci.pr(2).head());

        clock.sleep(Duration.ofHours(1));

        assertThat(ci.findDeployRun(docsOnly)).isEmpty();
        assertThat(ci.findDeployRun(unknown)).as("an incomplete list may hide a backend file").isPresent();
        assertThat(ci.deployMatch(ci.pullRequest(1), ci.changedFiles(1)).deploys()).isFalse();
        assertThat(ci.changedFiles(2).complete()).isFalse();
    }

    @Test
    void inSingleModeTheNewRevisionTakesAllTrafficAndTheOldOneIsDeactivated() {
        platform.revisionMode(RevisionMode.SINGLE);
        ci.merge(1, ci.pr(1).head());
        clock.sleep(Duration.ofHours(1));

        assertThat(platform.traffic().weights()).isEqualTo(TrafficWeights.all("v2"));
        assertThat(platform.revision("v1")).get().extracting(Revision::active).isEqualTo(false);
        assertThat(platform.trafficHistory()).as("the engine set no traffic").isEmpty();
    }

    @Test
    void aFailedRunOrNoRunCreatesNoRevision() {
        ci.deployRunTakes(Duration.ofMinutes(3), DeployRun.Conclusion.FAILURE);
        String first = ci.merge(1, ci.pr(1).head());
        ci.deployRunNeverAppears();
        String second = ci.merge(2, ci.pr(2).head());
        clock.sleep(Duration.ofHours(1));

        assertThat(ci.findDeployRun(first)).get().extracting(DeployRun::conclusion)
                .isEqualTo(Optional.of(DeployRun.Conclusion.FAILURE));
        assertThat(ci.findDeployRun(second)).isEmpty();
        assertThat(platform.revisionNames()).containsExactly("v1");
    }

    @Test
    void aHeadThatMovedBeforeTheMergeIsRefusedAndNothingIsMerged() {
        String judged = ci.pr(7).head();
        ci.pr(7).headMovesBeforeMerge(FakeCi.sha("force-push"));

        assertThatThrownBy(() -> ci.merge(7, judged)).isInstanceOfSatisfying(MergeRefusedException.class,
                e -> assertThat(e.reason()).isEqualTo(MergeRefusedException.Reason.HEAD_CHANGED));
        assertThat(ci.isMerged(7)).isFalse();
        assertThat(ci.calls()).containsExactly("merge(#7, " + judged.substring(0, 7) + ")");
    }

    @Test
    void notMergeableWhileGitHubComputesOrForDrafts() {
        ci.pr(1).mergeabilityUnknown();
        ci.pr(2).draft(true);
        ci.pr(3).mergeForbidden();
        assertThatThrownBy(() -> ci.merge(1, ci.pr(1).head())).isInstanceOfSatisfying(MergeRefusedException.class,
                e -> assertThat(e.reason()).isEqualTo(MergeRefusedException.Reason.NOT_MERGEABLE));
        assertThatThrownBy(() -> ci.merge(2, ci.pr(2).head())).isInstanceOfSatisfying(MergeRefusedException.class,
                e -> assertThat(e.reason()).isEqualTo(MergeRefusedException.Reason.NOT_MERGEABLE));
        assertThatThrownBy(() -> ci.merge(3, ci.pr(3).head())).isInstanceOfSatisfying(MergeRefusedException.class,
                e -> assertThat(e.reason()).isEqualTo(MergeRefusedException.Reason.FORBIDDEN));
        assertThat(ci.pullRequest(1).mergeable()).isEmpty();
    }

    @Test
    void aMergeWhoseAnswerWasLostReturnsTheSameShaWhenRetried() {
        ci.failNextAfterApplying("merge");
        String head = ci.pr(5).head();

        assertThatThrownBy(() -> ci.merge(5, head)).isInstanceOfSatisfying(ProviderException.class,
                e -> assertThat(e.isTransient()).isTrue());
        assertThat(ci.isMerged(5)).isTrue();
        assertThat(ci.merge(5, head)).isEqualTo(ci.mergeCommitSha(5).orElseThrow());
        clock.sleep(Duration.ofHours(1));
        assertThat(platform.revisionNames()).as("one deploy, one revision").containsExactly("v1", "v2");
    }

    @Test
    void approvalsCountEachReviewersLatestVerdictOnTheAskedCommit() {
        String old = ci.pr(9).head();
        ci.pr(9).approvedBy("alice", "bob").changesRequestedBy("carol").changesRequestedBy("bob");
        ci.pr(9).pushes(FakeCi.sha("new")).approvedBy("dave");

        Reviews onOld = ci.reviews(9, Optional.of(old));
        assertThat(onOld.approvedBy()).containsExactly("alice");
        assertThat(onOld.changesRequestedBy()).containsExactly("carol", "bob");
        assertThat(ci.reviews(9, Optional.of(ci.pr(9).head())).approvedBy()).containsExactly("dave");
        assertThat(ci.reviews(9, Optional.empty()).approvedBy()).containsExactly("alice", "dave");
    }

    @Test
    void onlyReviewersWhoMayWriteCountAndEachPermissionReadCanFail() {
        ci.collaborator("bob", "read").collaborator("carol", "triage").collaborator("erin", "maintain")
                .collaborator("mallory", "none");
        ci.pr(9).approvedBy("alice", "bob", "erin", "mallory").changesRequestedBy("carol");

        Reviews reviews = ci.reviews(9, Optional.empty());

        assertThat(reviews.approvedBy()).containsExactly("alice", "erin");
        assertThat(reviews.changesRequestedBy()).isEmpty();
        assertThat(reviews.roles()).containsOnly(org.assertj.core.api.Assertions.entry("alice", "write"),
                org.assertj.core.api.Assertions.entry("erin", "maintain"));
        assertThat(reviews.notCounted()).extracting(n -> n.reviewer() + " " + n.verdict() + ": " + n.reason())
                .containsExactly("bob APPROVED: read permission", "mallory APPROVED: no access to the repository",
                        "carol CHANGES_REQUESTED: triage permission");
        assertThat(ci.count("permission")).isEqualTo(5);

        ci.failNext("permission", 1, true);
        assertThatThrownBy(() -> ci.reviews(9, Optional.empty())).isInstanceOfSatisfying(ProviderException.class,
                e -> assertThat(e.operation()).isEqualTo("permission"));
    }

    @Test
    void checksAreKeptPerCommit() {
        ci.pr(4).checkPasses("tests").checkPending("lint");
        assertThat(ci.checks(ci.pr(4).head())).extracting(c -> c.name() + ":" + c.state())
                .containsExactly("tests:COMPLETED", "lint:PENDING");
        ci.pr(4).pushes(FakeCi.sha("next"));
        assertThat(ci.checks(ci.pr(4).head())).isEmpty();
    }

    @Test
    void commentsAndDeploymentStatusesAreRecorded() {
        ci.pr(3);
        ci.comment(3, "rolled back to v1");
        String id = ci.createDeployment("abc", "production", "r-1", "release r-1");
        ci.recordDeploymentStatus(id, DeploymentState.IN_PROGRESS, "shifting", Optional.empty(), Optional.empty());

        assertThat(ci.comments(3)).containsExactly("rolled back to v1");
        assertThat(ci.deploymentStatuses(id)).extracting(FakeCi.DeploymentStatus::state)
                .containsExactly(DeploymentState.IN_PROGRESS);
        assertThatThrownBy(() -> ci.recordDeploymentStatus(id, DeploymentState.SUCCESS, "x".repeat(141),
                Optional.empty(), Optional.empty())).isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.statusCode()).isEqualTo(422));
        assertThatThrownBy(() -> ci.comment(404, "?")).isInstanceOf(ProviderException.class);
    }
}
