package io.releasepipeline.github;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.entry;

import io.releasepipeline.error.ProviderException;
import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.gate.GateContext;
import io.releasepipeline.gate.Gates;
import io.releasepipeline.spi.CheckResult;
import io.releasepipeline.spi.DeployRun;
import io.releasepipeline.spi.DeploymentState;
import io.releasepipeline.spi.Incident;
import io.releasepipeline.spi.MergeRefusedException;
import io.releasepipeline.spi.PullRequest;
import io.releasepipeline.spi.Reviews;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link GitHubCiProvider} against WireMock answering like GitHub. */
class GitHubCiProviderTest extends GitHubWireMockSupport {

    static final String PR = API + "/pulls/42";

    @Test
    @DisplayName("the provider retries its own calls, so the engine adds no second retry layer")
    void retriesOwnCalls() {
        assertThat(ci().retriesOwnCalls()).isTrue();
        assertThat(ci().repository()).isEqualTo(REPO);
        assertThat(ci().providerName()).isEqualTo("github");
    }

    @Nested
    @DisplayName("pull request")
    class PullRequests {

        @Test
        @DisplayName("mergeable null (still computing) is asked again after a wait on the clock, then true")
        void mergeableNullThenTrue() {
            github.stubFor(getPath(PR).inScenario("mergeable").whenScenarioStateIs(STARTED)
                    .willReturn(json(200, pullRequest(42, "open", null, false, null)))
                    .willSetStateTo("computed"));
            github.stubFor(getPath(PR).inScenario("mergeable").whenScenarioStateIs("computed")
                    .willReturn(json(200, pullRequest(42, "open", true, false, null))));

            PullRequest pr = ci().pullRequest(42);

            assertThat(pr.mergeable()).hasValue(true);
            assertThat(clock.sleeps()).containsExactly(GitHubCiProvider.DEFAULT_MERGEABLE_RECHECK_DELAY);
            github.verify(2, getRequestedFor(urlPathEqualTo(PR)));
            assertThat(pr.headSha()).isEqualTo(HEAD_SHA);
            assertThat(pr.body()).isEmpty();
            assertThat(pr.labels()).containsExactly("backend", "breaking-change");
            assertThat(pr.draft()).isFalse();
            assertThat(pr.baseRef()).isEqualTo("main");
            assertThat(pr.state()).isEqualTo(PullRequest.State.OPEN);
            assertThat(pr.mergeCommitSha()).isEmpty();
            assertThat(pr.url()).isEqualTo("https://github.com/" + REPO + "/pull/42");
        }

        @Test
        @DisplayName("mergeable still null after the bounded re-asks is reported as unknown (empty)")
        void mergeableStillComputing() {
            github.stubFor(getPath(PR).willReturn(json(200, pullRequest(42, "open", null, false, "Adds X"))));

            PullRequest pr = ci().pullRequest(42);

            assertThat(pr.mergeable()).isEmpty();
            assertThat(pr.body()).isEqualTo("Adds X");
            github.verify(1 + GitHubCiProvider.DEFAULT_MERGEABLE_RECHECKS, getRequestedFor(urlPathEqualTo(PR)));
        }

        @Test
        @DisplayName("a merged pull request reports MERGED and its merge commit")
        void merged() {
            github.stubFor(getPath(PR).willReturn(json(200, pullRequest(42, "closed", null, true, null))));

            PullRequest pr = ci().pullRequest(42);

            assertThat(pr.state()).isEqualTo(PullRequest.State.MERGED);
            assertThat(pr.mergeCommitSha()).hasValue(MERGE_SHA);
            assertThat(clock.sleeps()).isEmpty();
        }
    }

    @Nested
    @DisplayName("reviews")
    class ApprovalsTests {

        static final String OLD = "0000000000000000000000000000000000000001";

        void givenReviews() {
            String page2 = API + "/pulls/42/reviews?per_page=100&page=2";
            github.stubFor(getPath(API + "/pulls/42/reviews").withQueryParam("page", equalTo("2"))
                    .willReturn(json(200, array(
                            review(7, "carol", 3, "CHANGES_REQUESTED", HEAD_SHA),
                            review(8, "dave", 4, "APPROVED", HEAD_SHA),
                            review(9, "erin", 5, "PENDING", HEAD_SHA),
                            review(10, "frank", 6, "DISMISSED", HEAD_SHA)))));
            github.stubFor(getPath(API + "/pulls/42/reviews").withQueryParam("per_page", equalTo("100"))
                    .atPriority(10)
                    .willReturn(json(200, array(
                            review(1, "alice", 1, "APPROVED", OLD),
                            review(2, "bob", 2, "COMMENTED", HEAD_SHA),
                            review(3, "carol", 3, "APPROVED", OLD),
                            review(4, "dave", 4, "CHANGES_REQUESTED", OLD),
                            review(5, "frank", 6, "APPROVED", HEAD_SHA),
                            review(6, "bob", 2, "COMMENTED", HEAD_SHA)))
                            .withHeader("Link", nextPage(page2))));
            for (String writer : List.of("alice", "bob", "carol", "dave", "erin", "frank")) {
                stubs.givenCollaborator(writer, 1, "write", "write");
            }
        }

        @Test
        @DisplayName("each reviewer's latest verdict counts, across pages; approve-then-request-changes blocks")
        void latestVerdictPerReviewer() {
            givenReviews();

            Reviews a = ci().reviews(42, Optional.empty());

            assertThat(a.approvedBy()).containsExactly("alice", "dave");
            assertThat(a.changesRequestedBy()).containsExactly("carol");
        }

        @Test
        @DisplayName("only reviewers with write permission count, asked of the collaborator permission API once per "
                + "reviewer; author_association is not trusted; the gate's reason names who counted and who did not")
        void onlyWritersCount() {
            github.stubFor(getPath(API + "/pulls/42/reviews").willReturn(json(200, array(
                    review(1, "alice", 1, "APPROVED", HEAD_SHA, "COLLABORATOR"),
                    review(2, "bob", 2, "APPROVED", HEAD_SHA, "MEMBER"),
                    review(3, "carol", 3, "APPROVED", HEAD_SHA, "NONE"),
                    review(4, "dave", 4, "CHANGES_REQUESTED", HEAD_SHA, "MEMBER"),
                    review(5, "erin", 5, "APPROVED", HEAD_SHA, "OWNER"),
                    review(6, "alice", 1, "APPROVED", HEAD_SHA, "COLLABORATOR")))));
            stubs.givenCollaborator("alice", 1, "write", "maintain");
            stubs.givenCollaborator("bob", 2, "read", "read");
            github.stubFor(getPath(API + "/collaborators/carol/permission").willReturn(json(404,
                    "{\"message\": \"Not Found\", \"documentation_url\": \"https://docs.github.com/rest\", "
                            + "\"status\": \"404\"}")));
            stubs.givenCollaborator("dave", 4, "read", "triage");
            stubs.givenCollaborator("erin", 5, "admin", "admin");

            Reviews r = ci().reviews(42, Optional.empty());
            GateResult gate = Gates.minimumApprovals(1).evaluate(new ReviewsOnly(r));

            assertThat(r.approvedBy()).containsExactly("erin", "alice");
            assertThat(r.changesRequestedBy()).isEmpty();
            assertThat(r.roles()).containsOnly(entry("alice", "maintain"), entry("erin", "admin"));
            assertThat(r.notCounted()).extracting(n -> n.reviewer() + " " + n.verdict() + ": " + n.reason())
                    .containsExactly("bob APPROVED: read permission", "carol APPROVED: no access to the repository",
                            "dave CHANGES_REQUESTED: triage permission");
            for (String login : List.of("alice", "bob", "carol", "dave", "erin")) {
                github.verify(1, getRequestedFor(urlPathEqualTo(API + "/collaborators/" + login + "/permission")));
            }
            assertThat(gate.passed()).isTrue();
            assertThat(gate.reason()).isEqualTo("2 approving reviews, 1 required: approved by erin (admin), "
                    + "alice (maintain); bob's approval not counted: read permission; carol's approval not counted: "
                    + "no access to the repository; dave's request for changes not counted: triage permission");
        }

        @Test
        @DisplayName("a permission GitHub will not say (403) fails the read with the call named and no token: never "
                + "a guess")
        void permissionUnreadable() {
            github.stubFor(getPath(API + "/pulls/42/reviews").willReturn(json(200, array(
                    review(1, "alice", 1, "APPROVED", HEAD_SHA)))));
            github.stubFor(getPath(API + "/collaborators/alice/permission").willReturn(json(403,
                    "{\"message\": \"Resource not accessible by integration\", \"status\": \"403\"}")));

            ProviderException e = catchThrowableOfType(ProviderException.class,
                    () -> ci().reviews(42, Optional.empty()));

            assertThat(e.isTransient()).isFalse();
            assertThat(e.getMessage()).contains("reviews(#42)", "collaborators/alice/permission", "403",
                    "Resource not accessible by integration").doesNotContain(TOKEN);
        }

        @Test
        @DisplayName("restricted to the head commit, approvals of older commits do not count and are named")
        void headOnly() {
            givenReviews();

            Reviews a = ci().reviews(42, Optional.of(HEAD_SHA));

            assertThat(a.approvedBy()).containsExactly("dave");
            assertThat(a.changesRequestedBy()).containsExactly("carol");
            assertThat(a.notCounted()).extracting(n -> n.reviewer() + ": " + n.reason())
                    .containsExactly("alice: given on 0000000, not on the head 6dcb09b");
        }

        /**
         * The approvalsOnHead decision table against GitHub's shapes: a dismissed review is listed with state
         * DISMISSED (GitHub changes the review's state; the branch rule "dismiss stale pull request approvals when new
         * commits are pushed" does it on a push), a later review is a new entry.
         */
        @Test
        @DisplayName("approvalsOnHead decision table: older approvals count only without it; requests for changes "
                + "block on any commit; dismissed reviews are no verdict")
        void approvalsOnHeadTable() {
            github.stubFor(getPath(API + "/pulls/42/reviews").willReturn(json(200, array(
                    review(1, "alice", 1, "APPROVED", HEAD_SHA),
                    review(2, "bob", 2, "APPROVED", OLD),
                    review(3, "carol", 3, "CHANGES_REQUESTED", OLD),
                    review(4, "dave", 4, "CHANGES_REQUESTED", OLD),
                    review(5, "erin", 5, "DISMISSED", OLD),
                    review(6, "grace", 7, "APPROVED", OLD),
                    review(7, "dave", 4, "APPROVED", HEAD_SHA),
                    review(8, "frank", 6, "APPROVED", HEAD_SHA),
                    review(9, "frank", 6, "CHANGES_REQUESTED", HEAD_SHA),
                    review(10, "grace", 7, "COMMENTED", HEAD_SHA)))));
            for (String writer : List.of("alice", "bob", "carol", "dave", "erin", "frank", "grace")) {
                stubs.givenCollaborator(writer, 1, "write", "write");
            }

            Reviews anyCommit = ci().reviews(42, Optional.empty());
            github.resetRequests();
            Reviews onHead = ci().reviews(42, Optional.of(HEAD_SHA));

            assertThat(anyCommit.approvedBy()).containsExactly("alice", "bob", "grace", "dave");
            assertThat(anyCommit.changesRequestedBy()).containsExactly("carol", "frank");
            assertThat(anyCommit.notCounted()).isEmpty();
            assertThat(onHead.approvedBy()).containsExactly("alice", "dave");
            assertThat(onHead.changesRequestedBy()).as("carol's request on an older commit still blocks")
                    .containsExactly("carol", "frank");
            assertThat(onHead.notCounted()).extracting(n -> n.reviewer() + " " + n.verdict() + ": " + n.reason())
                    .containsExactly("bob APPROVED: given on 0000000, not on the head 6dcb09b",
                            "grace APPROVED: given on 0000000, not on the head 6dcb09b");
            for (String stale : List.of("bob", "grace", "erin")) {
                github.verify(0, getRequestedFor(urlPathEqualTo(API + "/collaborators/" + stale + "/permission")));
            }
        }
    }

    @Nested
    @DisplayName("checks")
    class Checks {

        static final String RUNS = API + "/commits/" + HEAD_SHA + "/check-runs";
        static final String STATUS = API + "/commits/" + HEAD_SHA + "/status";

        void givenCheckRunsOnTwoPages() {
            github.stubFor(getPath(RUNS).withQueryParam("filter", equalTo("latest")).atPriority(10)
                    .willReturn(json(200, "{\"total_count\": 4, \"check_runs\": " + array(
                            checkRun(1, "lint", "completed", "success"),
                            checkRun(2, "typecheck", "in_progress", null)) + "}")
                            .withHeader("Link", nextPage("/repositories/1296269/commits/" + HEAD_SHA
                                    + "/check-runs?filter=latest&per_page=100&page=2"))));
            github.stubFor(getPath("/repositories/1296269/commits/" + HEAD_SHA + "/check-runs")
                    .willReturn(json(200, "{\"total_count\": 4, \"check_runs\": " + array(
                            checkRun(3, "tests", "completed", "failure"),
                            checkRun(4, "contract-governance", "completed", "neutral")) + "}")));
        }

        @Test
        @DisplayName("check runs across two pages and legacy statuses combine by name; a pending status is pending")
        void combined() {
            givenCheckRunsOnTwoPages();
            github.stubFor(getPath(STATUS).willReturn(json(200, combinedStatus("pending",
                    status("deploy-preview", "pending"), status("security/snyk", "error")))));

            List<CheckResult> checks = ci().checks(HEAD_SHA);

            assertThat(checks).extracting(CheckResult::name).containsExactly("lint", "typecheck", "tests",
                    "contract-governance", "deploy-preview", "security/snyk");
            assertThat(checks.get(0).passed()).isTrue();
            assertThat(checks.get(0).url()).hasValue("https://github.com/" + REPO + "/runs/1");
            assertThat(checks.get(1).state()).isEqualTo(CheckResult.State.PENDING);
            assertThat(checks.get(2).conclusion()).hasValue(CheckResult.Conclusion.FAILURE);
            assertThat(checks.get(3).conclusion()).hasValue(CheckResult.Conclusion.NEUTRAL);
            assertThat(checks.get(4).state()).isEqualTo(CheckResult.State.PENDING);
            assertThat(checks.get(4).url()).hasValue("https://ci.example.com/deploy-preview");
            assertThat(checks.get(5).conclusion()).hasValue(CheckResult.Conclusion.FAILURE);
        }

        @Test
        @DisplayName("no legacy statuses (combined state 'pending', total 0) adds no pending check")
        void noStatusesIsNotPending() {
            github.stubFor(getPath(RUNS).willReturn(json(200, "{\"total_count\": 1, \"check_runs\": "
                    + array(checkRun(1, "lint", "completed", "success")) + "}")));
            github.stubFor(getPath(STATUS).willReturn(json(200, combinedStatus("pending"))));

            List<CheckResult> checks = ci().checks(HEAD_SHA);

            assertThat(checks).extracting(CheckResult::name).containsExactly("lint");
            assertThat(checks).allMatch(CheckResult::passed);
        }

        @Test
        @DisplayName("a required check that never reported fails the required-checks gate")
        void requiredCheckMissing() {
            github.stubFor(getPath(RUNS).willReturn(json(200, "{\"total_count\": 2, \"check_runs\": " + array(
                    checkRun(1, "lint", "completed", "success"), checkRun(2, "tests", "completed", "success"))
                    + "}")));
            github.stubFor(getPath(STATUS).willReturn(json(200, combinedStatus("pending"))));
            GitHubCiProvider ci = ci();

            GateResult result = Gates.requiredChecks("lint", "tests", "typecheck")
                    .evaluate(new ChecksOnly(ci.checks(HEAD_SHA)));

            assertThat(result.passed()).isFalse();
            assertThat(result.reason()).contains("typecheck has not reported");
        }

        @Test
        @DisplayName("required checks come from branch protection and rulesets together")
        void requiredFromProtectionAndRulesets() {
            github.stubFor(getPath(API + "/branches/main/protection/required_status_checks").willReturn(json(200, """
                    {"url": "https://api.github.com/repos/octo-org/trade-nexus/branches/main/protection/required_status_checks",
                     "strict": true, "contexts": ["lint", "tests"],
                     "checks": [{"context": "lint", "app_id": 15368}, {"context": "tests", "app_id": null}]}
                    """)));
            github.stubFor(getPath(API + "/rules/branches/main").willReturn(json(200, """
                    [{"type": "required_status_checks", "ruleset_source_type": "Repository", "ruleset_id": 42,
                      "parameters": {"strict_required_status_checks_policy": false,
                                     "required_status_checks": [{"context": "typecheck"}, {"context": "tests"}]}},
                     {"type": "pull_request", "ruleset_id": 42, "parameters": {"required_approving_review_count": 1}}]
                    """)));

            assertThat(ci().requiredChecks("main")).containsExactly("lint", "tests", "typecheck");
        }

        @Test
        @DisplayName("an unprotected branch (404) contributes no required checks; rulesets still do")
        void unprotectedBranch() {
            github.stubFor(getPath(API + "/branches/main/protection/required_status_checks")
                    .willReturn(json(404, "{\"message\": \"Branch not protected\"}")));
            github.stubFor(getPath(API + "/rules/branches/main").willReturn(json(200, "[]")));

            assertThat(ci().requiredChecks("main")).isEmpty();
        }
    }

    @Nested
    @DisplayName("merge")
    class Merge {

        static final String MERGE = PR + "/merge";

        @Test
        @DisplayName("200 merges pinned to the head sha with the configured method and returns the merge commit")
        void merged() {
            github.stubFor(put(urlPathEqualTo(MERGE)).willReturn(json(200,
                    "{\"sha\": \"" + MERGE_SHA + "\", \"merged\": true, \"message\": \"Pull Request successfully merged\"}")));

            assertThat(ci().merge(42, HEAD_SHA)).isEqualTo(MERGE_SHA);
            github.verify(putRequestedFor(urlPathEqualTo(MERGE)).withRequestBody(equalToJson(
                    "{\"merge_method\": \"squash\", \"sha\": \"" + HEAD_SHA + "\"}")));
        }

        @Test
        @DisplayName("405 is a NOT_MERGEABLE refusal carrying GitHub's reason")
        void notMergeable() {
            github.stubFor(put(urlPathEqualTo(MERGE)).willReturn(json(405,
                    "{\"message\": \"Pull Request is not mergeable\", \"documentation_url\": \"https://docs.github.com\"}")));
            github.stubFor(getPath(PR).willReturn(json(200, pullRequest(42, "open", false, false, null))));

            MergeRefusedException e = catchThrowableOfType(MergeRefusedException.class, () -> ci().merge(42, HEAD_SHA));

            assertThat(e.reason()).isEqualTo(MergeRefusedException.Reason.NOT_MERGEABLE);
            assertThat(e.statusCode()).isEqualTo(405);
            assertThat(e.isTransient()).isFalse();
            assertThat(e.getMessage()).contains("Pull Request is not mergeable", "nothing was merged");
        }

        @Test
        @DisplayName("405 on a pull request already merged at that head is success (idempotent)")
        void alreadyMerged() {
            github.stubFor(put(urlPathEqualTo(MERGE)).willReturn(json(405,
                    "{\"message\": \"Pull Request is not mergeable\"}")));
            github.stubFor(getPath(PR).willReturn(json(200, pullRequest(42, "closed", null, true, null))));

            assertThat(ci().merge(42, HEAD_SHA)).isEqualTo(MERGE_SHA);
        }

        @Test
        @DisplayName("409 is a HEAD_CHANGED refusal: the head moved since the gates judged it")
        void headChanged() {
            github.stubFor(put(urlPathEqualTo(MERGE)).willReturn(json(409,
                    "{\"message\": \"Head branch was modified. Review and try the merge again.\"}")));

            MergeRefusedException e = catchThrowableOfType(MergeRefusedException.class, () -> ci().merge(42, HEAD_SHA));

            assertThat(e.reason()).isEqualTo(MergeRefusedException.Reason.HEAD_CHANGED);
            assertThat(e.statusCode()).isEqualTo(409);
            assertThat(e.getMessage()).contains("6dcb09b", "Head branch was modified");
        }

        @Test
        @DisplayName("403 without a rate limit is a FORBIDDEN refusal naming the token's source")
        void forbidden() {
            github.stubFor(put(urlPathEqualTo(MERGE)).willReturn(json(403,
                    "{\"message\": \"Resource not accessible by integration\"}")));

            MergeRefusedException e = catchThrowableOfType(MergeRefusedException.class, () -> ci().merge(42, HEAD_SHA));

            assertThat(e.reason()).isEqualTo(MergeRefusedException.Reason.FORBIDDEN);
            assertThat(e.getMessage()).contains("configured token").doesNotContain(TOKEN);
        }

        @Test
        @DisplayName("a refusal whose body echoes the request's Authorization (a proxy's) never carries the token, "
                + "whatever its shape: a classic 40-hex token is masked too")
        void refusalEchoingTheToken() {
            String classic = "4f9d3c0a7e1b2d5c8f6a9e0b3d7c1a5e2f8b4d6c";
            github.stubFor(put(urlPathEqualTo(MERGE)).willReturn(json(403, "{\"message\": \"Resource not accessible "
                    + "by integration (proxy saw Authorization: token " + classic + ")\", \"errors\": [{\"token\": \""
                    + classic + "\"}]}")));
            GitHubCiProvider ci = GitHubCiProvider.builder(connection(b -> b.token(TokenSource.ofToken(classic))))
                    .build();

            MergeRefusedException e = catchThrowableOfType(MergeRefusedException.class, () -> ci.merge(42, HEAD_SHA));

            assertThat(e.reason()).isEqualTo(MergeRefusedException.Reason.FORBIDDEN);
            assertThat(e.getMessage()).contains("Resource not accessible by integration", "***")
                    .doesNotContain(classic);
        }

        @Test
        @DisplayName("a rate-limited 403 is waited out and retried, not taken for a FORBIDDEN refusal")
        void rateLimitedIsNotForbidden() {
            github.stubFor(put(urlPathEqualTo(MERGE)).inScenario("limited").whenScenarioStateIs(STARTED)
                    .willReturn(json(403, "{\"message\": \"You have exceeded a secondary rate limit.\"}")
                            .withHeader("retry-after", "5"))
                    .willSetStateTo("ok"));
            github.stubFor(put(urlPathEqualTo(MERGE)).inScenario("limited").whenScenarioStateIs("ok")
                    .willReturn(json(200, "{\"sha\": \"" + MERGE_SHA + "\", \"merged\": true}")));

            assertThat(ci().merge(42, HEAD_SHA)).isEqualTo(MERGE_SHA);
            assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(5));
        }

        @Test
        @DisplayName("the merge method is configurable")
        void mergeMethod() {
            github.stubFor(put(urlPathEqualTo(MERGE)).willReturn(json(200, "{\"sha\": \"" + MERGE_SHA + "\"}")));

            GitHubCiProvider.builder(connection()).mergeMethod(MergeMethod.REBASE).build().merge(42, HEAD_SHA);

            github.verify(putRequestedFor(urlPathEqualTo(MERGE))
                    .withRequestBody(matchingJsonPath("$.merge_method", equalTo("rebase"))));
        }
    }

    @Nested
    @DisplayName("deploy run")
    class DeployRuns {

        static final String RUNS = API + "/actions/workflows/backend-deploy.yml/runs";
        static final String RUN = API + "/actions/runs/30433642";

        @ParameterizedTest(name = "completed with {0}")
        @CsvSource({"success, SUCCESS", "failure, FAILURE", "cancelled, CANCELLED"})
        @DisplayName("the run appears after two polls and goes queued -> in_progress -> completed")
        void lifecycle(String conclusion, DeployRun.Conclusion expected) {
            GitHubCiProvider ci = ci();
            publish(RUNS, workflowRuns());

            assertThat(ci.findDeployRun(MERGE_SHA)).isEmpty();
            assertThat(ci.findDeployRun(MERGE_SHA)).isEmpty();
            publish(RUNS, workflowRuns(workflowRun(30433642, "queued", null)));
            DeployRun found = ci.findDeployRun(MERGE_SHA).orElseThrow();
            assertThat(found.status()).isEqualTo(DeployRun.Status.QUEUED);
            assertThat(found.commitSha()).isEqualTo(MERGE_SHA);

            publish(RUN, workflowRun(30433642, "in_progress", null));
            assertThat(ci.deployRun(found.id()).status()).isEqualTo(DeployRun.Status.IN_PROGRESS);
            publish(RUN, workflowRun(30433642, "completed", conclusion));
            DeployRun done = ci.deployRun(found.id());

            assertThat(done.isCompleted()).isTrue();
            assertThat(done.conclusion()).hasValue(expected);
            assertThat(done.url()).isEqualTo("https://github.com/" + REPO + "/actions/runs/30433642");
            github.verify(3, getRequestedFor(urlPathEqualTo(RUNS)).withQueryParam("head_sha", equalTo(MERGE_SHA)));
        }

        @Test
        @DisplayName("of several runs for the commit (re-runs), the newest is the deploy run; waiting maps to WAITING")
        void newestRun() {
            publish(RUNS, workflowRuns(workflowRun(30433650, "waiting", null), workflowRun(30433642, "completed",
                    "failure")));

            DeployRun run = GitHubCiProvider.builder(connection()).deployEvent("push").build()
                    .findDeployRun(MERGE_SHA).orElseThrow();

            assertThat(run.id()).isEqualTo("30433650");
            assertThat(run.status()).isEqualTo(DeployRun.Status.WAITING);
            github.verify(getRequestedFor(urlPathEqualTo(RUNS)).withQueryParam("event", equalTo("push")));
        }
    }

    @Nested
    @DisplayName("incident note and deployments")
    class Writes {

        @Test
        @DisplayName("the incident note is posted as a pull request comment, as given")
        void comment() {
            github.stubFor(post(urlPathEqualTo(API + "/issues/42/comments")).willReturn(json(201,
                    "{\"id\": 1, \"html_url\": \"https://github.com/" + REPO + "/pull/42#issuecomment-1\"}")));
            String note = "Rolled back: error rate 7.2% > 5% for 5m; trade-nexus-backend--r41 serves 100%. "
                    + "Evidence: https://evidence.example/2026-01-05-r42.md";

            ci().comment(42, note);

            github.verify(postRequestedFor(urlPathEqualTo(API + "/issues/42/comments"))
                    .withRequestBody(equalToJson("{\"body\": \"" + note + "\"}")));
        }

        @Test
        @DisplayName("a deployment is created for the commit with the release id in its payload, and its statuses "
                + "carry the app and evidence links")
        void deployment() {
            stubs.givenDeploymentRecords(42, "r42");
            github.stubFor(post(urlPathEqualTo(API + "/deployments/1/statuses"))
                    .willReturn(json(201, "{\"id\": 1, \"state\": \"success\"}")));
            GitHubCiProvider ci = ci();

            String id = ci.createDeployment(MERGE_SHA, "production", "r42", "release of #42");
            ci.recordDeploymentStatus(id, DeploymentState.IN_PROGRESS, "x".repeat(200),
                    Optional.of("https://backend.example.com"), Optional.of("https://evidence.example/r42.md"));
            ci.recordDeploymentStatus(id, DeploymentState.INACTIVE, "rolled back", Optional.empty(),
                    Optional.empty());

            assertThat(id).isEqualTo("1");
            github.verify(getRequestedFor(urlPathEqualTo(API + "/deployments"))
                    .withQueryParam("sha", equalTo(MERGE_SHA)).withQueryParam("environment", equalTo("production")));
            github.verify(postRequestedFor(urlPathEqualTo(API + "/deployments")).withRequestBody(equalToJson(
                    "{\"ref\": \"" + MERGE_SHA + "\", \"environment\": \"production\", \"auto_merge\": false, "
                            + "\"required_contexts\": [], \"description\": \"release of #42\", "
                            + "\"payload\": {\"release_id\": \"r42\"}}")));
            github.verify(postRequestedFor(urlPathEqualTo(API + "/deployments/1/statuses")).withRequestBody(
                    equalToJson("{\"state\": \"in_progress\", \"description\": \"" + "x".repeat(139) + "\u2026\", "
                            + "\"environment_url\": \"https://backend.example.com\", "
                            + "\"log_url\": \"https://evidence.example/r42.md\"}")));
            github.verify(postRequestedFor(urlPathEqualTo(API + "/deployments/1/statuses")).withRequestBody(
                    equalToJson("{\"state\": \"inactive\", \"description\": \"rolled back\"}")));
        }

        @Test
        @DisplayName("GitHub's 202 (no deployment created) is an error, not an id, and is not tried again")
        void deploymentNotCreated() {
            publish(API + "/deployments", "[]");
            github.stubFor(post(urlPathEqualTo(API + "/deployments")).willReturn(json(202,
                    "{\"message\": \"Auto-merged main into topic-branch on deployment.\"}")));

            ProviderException e = catchThrowableOfType(ProviderException.class,
                    () -> ci().createDeployment(MERGE_SHA, "production", "r42", "release"));

            assertThat(e.getMessage()).contains("202", "created no deployment");
            assertThat(e.isTransient()).isFalse();
            github.verify(1, postRequestedFor(urlPathEqualTo(API + "/deployments")));
        }
    }

    @Nested
    @DisplayName("deployment records under transient faults")
    class DeploymentFaults {

        static final String LIST = API + "/deployments";

        @Test
        @DisplayName("a create answered 502 after GitHub created it is found by its release id, not created twice")
        void lostAnswerIsFound() {
            stubs.publish(LIST, "[]", "lost answer", STARTED);
            stubs.publish(LIST, "[" + GitHubStubs.deployment("7", "r42") + "]", "lost answer", "created");
            github.stubFor(post(urlPathEqualTo(LIST)).inScenario("lost answer").whenScenarioStateIs(STARTED)
                    .willReturn(json(502, "{\"message\": \"Server Error\"}")).willSetStateTo("created"));

            String id = ci().createDeployment(MERGE_SHA, "production", "r42", "release r42");

            assertThat(id).isEqualTo("7");
            github.verify(1, postRequestedFor(urlPathEqualTo(LIST)));
            assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(1));
        }

        @Test
        @DisplayName("a create that timed out without creating anything is created on the next attempt")
        void failedCreateIsRepeated() {
            publish(LIST, "[]");
            github.stubFor(post(urlPathEqualTo(LIST)).inScenario("flaky").whenScenarioStateIs(STARTED)
                    .willReturn(json(504, "")).willSetStateTo("ok"));
            github.stubFor(post(urlPathEqualTo(LIST)).inScenario("flaky").whenScenarioStateIs("ok")
                    .willReturn(json(201, GitHubStubs.deployment("8", "r42"))));

            assertThat(ci().createDeployment(MERGE_SHA, "production", "r42", "release r42")).isEqualTo("8");
            github.verify(2, postRequestedFor(urlPathEqualTo(LIST)));
            github.verify(2, getRequestedFor(urlPathEqualTo(LIST)));
        }

        @Test
        @DisplayName("another release's deployment of the same commit and environment is not taken for this one's")
        void otherReleasesAreIgnored() {
            publish(LIST, "[" + GitHubStubs.deployment("5", "r41") + ", {\"id\": 6, \"payload\": \"{\\\"release_id\\\""
                    + ": \\\"r40\\\"}\", \"environment\": \"production\"}]");
            github.stubFor(post(urlPathEqualTo(LIST)).willReturn(json(201, GitHubStubs.deployment("9", "r42"))));

            assertThat(ci().createDeployment(MERGE_SHA, "production", "r42", "release r42")).isEqualTo("9");
        }

        @Test
        @DisplayName("a deployment whose payload is a JSON string (as GitHub returns one given as a string) is found")
        void stringPayloadIsFound() {
            publish(LIST, "[{\"id\": 11, \"payload\": \"{\\\"release_id\\\": \\\"r42\\\"}\", "
                    + "\"environment\": \"production\"}]");

            assertThat(ci().createDeployment(MERGE_SHA, "production", "r42", "release r42")).isEqualTo("11");
            github.verify(0, postRequestedFor(urlPathEqualTo(LIST)));
        }

        @Test
        @DisplayName("persistent server errors end in a transient error after maxAttempts creates")
        void persistentFailure() {
            publish(LIST, "[]");
            github.stubFor(post(urlPathEqualTo(LIST)).willReturn(json(503, "")));

            ProviderException e = catchThrowableOfType(ProviderException.class,
                    () -> ci().createDeployment(MERGE_SHA, "production", "r42", "release r42"));

            assertThat(e.isTransient()).isTrue();
            github.verify(GitHubConnection.DEFAULT_MAX_ATTEMPTS, postRequestedFor(urlPathEqualTo(LIST)));
        }

        @Test
        @DisplayName("a deployment status answered 502 is posted again")
        void statusIsRetried() {
            github.stubFor(post(urlPathEqualTo(LIST + "/7/statuses")).inScenario("status").whenScenarioStateIs(STARTED)
                    .willReturn(json(502, "")).willSetStateTo("ok"));
            github.stubFor(post(urlPathEqualTo(LIST + "/7/statuses")).inScenario("status").whenScenarioStateIs("ok")
                    .willReturn(json(201, "{\"id\": 1, \"state\": \"success\"}")));

            ci().recordDeploymentStatus("7", DeploymentState.SUCCESS, "promoted v2", Optional.empty(),
                    Optional.empty());

            github.verify(2, postRequestedFor(urlPathEqualTo(LIST + "/7/statuses")));
        }
    }

    /** A gate context that only knows the reviews, for judging them with the core's gate. */
    private static final class ReviewsOnly extends ChecksOnly {
        private final Reviews reviews;

        ReviewsOnly(Reviews reviews) {
            super(List.of());
            this.reviews = reviews;
        }

        @Override
        public Reviews reviews(boolean headOnly) {
            return reviews;
        }
    }

    /** A gate context that only knows the checks, for judging them with the core's gate. */
    private static class ChecksOnly implements GateContext {
        private final List<CheckResult> checks;

        ChecksOnly(List<CheckResult> checks) {
            this.checks = new ArrayList<>(checks);
        }

        @Override
        public String app() {
            return "trade-nexus-backend";
        }

        @Override
        public Instant now() {
            return Instant.EPOCH.plus(Duration.ofDays(1));
        }

        @Override
        public PullRequest pullRequest() {
            return new PullRequest(42, "t", HEAD_SHA, "main", "", List.of(), false, PullRequest.State.OPEN,
                    Optional.of(true), Optional.empty(), "");
        }

        @Override
        public Reviews reviews(boolean headOnly) {
            return Reviews.none();
        }

        @Override
        public List<CheckResult> checks() {
            return checks;
        }

        @Override
        public List<Incident> openIncidents(Set<String> severities) {
            return List.of();
        }

        @Override
        public List<ReleaseRecord> recentReleases() {
            return List.of();
        }
    }
}
