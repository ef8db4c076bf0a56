package io.releasepipeline.github;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.error.ProviderException;
import io.releasepipeline.spi.ApprovalDecision;
import io.releasepipeline.spi.ApprovalRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link GitHubEnvironmentApprovals} against a WireMock GitHub with the REST docs' shapes: the dispatch of the
 * approval workflow, finding its run by title, and the run's review history and pending deployments.
 */
class GitHubEnvironmentApprovalsTest extends GitHubWireMockSupport {

    static final String RELEASE = "pr123-20260105-090000";
    static final long RUN_ID = 7301;
    static final String RUNS = API + "/actions/workflows/release-approval.yml/runs";
    static final String DISPATCHES = API + "/actions/workflows/release-approval.yml/dispatches";
    static final String RUN = API + "/actions/runs/" + RUN_ID;
    static final String ENVIRONMENT = GitHubEnvironmentApprovals.DEFAULT_ENVIRONMENT;
    static final ApprovalRequest TO_100 = new ApprovalRequest(RELEASE, "trade-nexus-backend", "v2", 100,
            "may v2 go to 100%?", Optional.of(MERGE_SHA));

    private static final ObjectMapper JSON = new ObjectMapper();

    GitHubEnvironmentApprovals approvals() {
        return GitHubEnvironmentApprovals.builder(connection()).build();
    }

    @BeforeEach
    void repository() {
        publish(API, repository("main"));
        github.stubFor(post(urlPathEqualTo(DISPATCHES)).willReturn(aResponse204()));
    }

    @Nested
    @DisplayName("request")
    class Request {

        @Test
        @DisplayName("dispatches the approval workflow on the default branch with the question as inputs, once: "
                + "asking again in the same process sends nothing")
        void dispatchesOnce() {
            publish(RUNS, workflowRuns());
            GitHubEnvironmentApprovals approvals = approvals();

            approvals.request(TO_100);
            approvals.request(TO_100);

            assertThat(dispatches()).singleElement().satisfies(d -> {
                assertThat(d.path("ref").asText()).isEqualTo("main");
                assertThat(d.path("inputs").path("release_id").asText()).isEqualTo(RELEASE);
                assertThat(d.path("inputs").path("weight").asText()).isEqualTo("100");
                assertThat(d.path("inputs").path("revision").asText()).isEqualTo("v2");
                assertThat(d.path("inputs").path("summary").asText()).isEqualTo("may v2 go to 100%?");
                assertThat(d.path("inputs").size()).as("a workflow rejects inputs it does not declare").isEqualTo(4);
            });
            assertThat(served()).filteredOn(e -> e.getRequest().getUrl().startsWith(RUNS)).singleElement()
                    .satisfies(e -> assertThat(e.getRequest().getUrl())
                            .isEqualTo(RUNS + "?event=workflow_dispatch&per_page=100"));
        }

        @Test
        @DisplayName("is idempotent across processes: with the run for this release and step already listed, "
                + "nothing is dispatched")
        void runAlreadyThere() {
            publish(RUNS, workflowRuns(approvalRun(RUN_ID, RELEASE, 100, "waiting", null)));

            approvals().request(TO_100);

            assertThat(dispatches()).isEmpty();
        }

        @Test
        @DisplayName("a run for another step, or for a release whose id merely contains this one, is not this "
                + "question's run")
        void otherRunsDoNotCount() {
            publish(RUNS, workflowRuns(approvalRun(1, RELEASE, 10, "completed", "success"),
                    approvalRun(2, RELEASE + "-retry", 100, "waiting", null),
                    approvalRun(3, "x" + RELEASE, 100, "waiting", null)));

            approvals().request(TO_100);

            assertThat(dispatches()).hasSize(1);
        }

        @Test
        @DisplayName("on a configured ref, the repository is not read")
        void configuredRef() {
            publish(RUNS, workflowRuns());

            GitHubEnvironmentApprovals.builder(connection()).ref("release/2026").build().request(TO_100);

            assertThat(dispatches()).singleElement()
                    .satisfies(d -> assertThat(d.path("ref").asText()).isEqualTo("release/2026"));
            assertThat(served()).noneMatch(e -> e.getRequest().getUrl().equals(API));
        }

        @Test
        @DisplayName("a workflow file that does not exist (404) fails with an error naming the file, and "
                + "dispatches nothing")
        void workflowMissing() {
            github.stubFor(getPath(RUNS).willReturn(json(404, "{\"message\": \"Not Found\", "
                    + "\"documentation_url\": \"https://docs.github.com/rest/actions/workflow-runs\", "
                    + "\"status\": \"404\"}")));

            assertThatThrownBy(() -> approvals().request(TO_100)).isInstanceOf(ProviderException.class)
                    .hasMessageContaining("approval workflow release-approval.yml was not found in " + REPO)
                    .hasMessageContaining(".github/workflows/release-approval.yml")
                    .hasMessageNotContaining(TOKEN)
                    .satisfies(e -> assertThat(((ProviderException) e).isTransient()).isFalse());
            assertThat(dispatches()).isEmpty();
        }

        @Test
        @DisplayName("a dispatch GitHub refuses (422) names the workflow, the ref and the inputs it must declare")
        void dispatchRefused() {
            publish(RUNS, workflowRuns());
            github.stubFor(post(urlPathEqualTo(DISPATCHES)).atPriority(1).willReturn(json(422,
                    "{\"message\": \"Unexpected inputs provided: [\\\"summary\\\"]\", \"status\": \"422\"}")));

            assertThatThrownBy(() -> approvals().request(TO_100)).isInstanceOf(ProviderException.class)
                    .hasMessageContaining("approval workflow release-approval.yml on main")
                    .hasMessageContaining("Unexpected inputs provided")
                    .hasMessageContaining("release_id, weight, revision and summary");
        }
    }

    @Nested
    @DisplayName("decision")
    class Decision {

        @BeforeEach
        void runWaiting() {
            publish(RUNS, workflowRuns(approvalRun(RUN_ID, RELEASE, 100, "waiting", null)));
            publish(RUN, approvalRun(RUN_ID, RELEASE, 100, "waiting", null));
            publish(RUN + "/pending_deployments", array(pendingDeployment(ENVIRONMENT)));
            publish(RUN + "/approvals", array());
        }

        @Test
        @DisplayName("is empty before the run is listed, and while it waits for the environment's reviewers; "
                + "polling again costs only 304s")
        void emptyWhileWaiting() {
            publish(RUNS, workflowRuns());
            GitHubEnvironmentApprovals approvals = approvals();
            assertThat(approvals.decision(TO_100)).isEmpty();
            publish(RUNS, workflowRuns(approvalRun(RUN_ID, RELEASE, 100, "waiting", null)));

            assertThat(approvals.decision(TO_100)).as("found in the list").isEmpty();
            assertThat(approvals.decision(TO_100)).as("the run read itself").isEmpty();
            int before = served().size();
            assertThat(approvals.decision(TO_100)).isEmpty();

            List<ServeEvent> poll = served().subList(before, served().size());
            assertThat(poll).extracting(e -> e.getRequest().getUrl())
                    .containsExactly(RUN, RUN + "/approvals", RUN + "/pending_deployments");
            assertThat(poll).allSatisfy(e -> assertThat(e.getResponse().getStatus()).isEqualTo(304));
        }

        @Test
        @DisplayName("an approval by a reviewer of the environment is the decision: their login, their comment, "
                + "dated when it was seen")
        void approved() {
            publish(RUN + "/approvals", array(environmentApproval("approved", "alice", ENVIRONMENT,
                    "Canary numbers look fine")));
            clock.advance(Duration.ofMinutes(7));

            GitHubEnvironmentApprovals provider = approvals();
            ApprovalDecision seen = new ApprovalDecision(true, "alice", clock.now(), "Canary numbers look fine");
            assertThat(provider.decision(TO_100)).contains(seen);
            // Read again later, it is the same decision: dated when it was first seen, not at each poll.
            clock.advance(Duration.ofMinutes(2));
            assertThat(provider.decision(TO_100)).contains(seen);
        }

        @Test
        @DisplayName("a rejection is a decision not to go on, even when someone else approved")
        void rejected() {
            publish(RUN, approvalRun(RUN_ID, RELEASE, 100, "completed", "failure"));
            publish(RUN + "/approvals", array(
                    environmentApproval("approved", "alice", ENVIRONMENT, "fine by me"),
                    environmentApproval("rejected", "bob", ENVIRONMENT, "p99 latency doubled")));

            assertThat(approvals().decision(TO_100)).hasValueSatisfying(d -> {
                assertThat(d.approved()).isFalse();
                assertThat(d.by()).isEqualTo("bob");
                assertThat(d.comment()).isEqualTo("p99 latency doubled");
            });
        }

        /**
         * Who may approve is enforced by GitHub: only the environment's required reviewers can review its pending
         * deployment ({@code POST .../pending_deployments} refuses anyone else), and the run's review history holds
         * only their reviews. The provider reads nothing anyone else can write: no pull request or issue comment, no
         * workflow input, not the run's conclusion, not who the pending deployment says could approve.
         */
        @Test
        @DisplayName("who may approve is GitHub's to enforce: the decision comes only from the run's review history "
                + "for the configured environment; nothing else a person can write is read as one")
        void onlyTheEnvironmentsReviewHistoryDecides() {
            publish(RUN + "/pending_deployments", array(pendingDeployment(ENVIRONMENT)
                    .replace("\"current_user_can_approve\": false", "\"current_user_can_approve\": true")));
            GitHubEnvironmentApprovals provider = approvals();

            assertThat(provider.decision(TO_100)).as("the token's user could approve: that is no approval").isEmpty();
            publish(RUN + "/approvals", array(
                    environmentApproval("approved", "mallory", "mallory-sandbox", "ship it"),
                    environmentApproval("approved", "carol", ENVIRONMENT, "numbers look fine")));
            publish(RUN, approvalRun(RUN_ID, RELEASE, 100, "in_progress", null));

            assertThat(provider.decision(TO_100)).hasValueSatisfying(d -> {
                assertThat(d.approved()).isTrue();
                assertThat(d.by()).as("the reviewer of " + ENVIRONMENT + ", not of another environment")
                        .isEqualTo("carol");
            });
            assertThat(served()).allSatisfy(e -> {
                assertThat(e.getRequest().getMethod()).isEqualTo(RequestMethod.GET);
                assertThat(e.getRequest().getUrl().replaceAll("\\?.*", "")).isIn(RUNS, RUN, RUN + "/approvals",
                        RUN + "/pending_deployments");
            });
        }

        @Test
        @DisplayName("a review for another environment, or a comment without a verdict, is not a decision")
        void otherEnvironmentIgnored() {
            publish(RUN + "/approvals", array(environmentApproval("approved", "carol", "staging", "ok for staging"),
                    environmentApproval("pending", "dave", ENVIRONMENT, "looking at the dashboards")));

            assertThat(approvals().decision(TO_100)).isEmpty();
        }

        @Test
        @DisplayName("a run waiting on another environment is a configuration error naming both environments")
        void waitingOnAnotherEnvironment() {
            publish(RUN + "/pending_deployments", array(pendingDeployment("production")));

            assertThatThrownBy(() -> approvals().decision(TO_100)).isInstanceOf(ProviderException.class)
                    .hasMessageContaining("waits on environment(s) [production], not on " + ENVIRONMENT);
        }

        @Test
        @DisplayName("a run that completed without a review for the environment is never taken as approved")
        void completedWithoutReview() {
            publish(RUNS, workflowRuns(approvalRun(RUN_ID, RELEASE, 100, "completed", "success")));

            assertThatThrownBy(() -> approvals().decision(TO_100)).isInstanceOf(ProviderException.class)
                    .hasMessageContaining("completed (success) without a review for environment " + ENVIRONMENT)
                    .hasMessageContaining("no required reviewers");
        }
    }

    @Test
    @DisplayName("the README's approval workflow declares exactly the dispatched inputs, targets the default "
            + "environment, and its run-name, as GitHub renders it, is found again (so nothing is dispatched twice)")
    void documentedWorkflowFits() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher block = Pattern.compile("<!-- release-approval.yml -->\\s*```yaml\\n(.*?)```", Pattern.DOTALL)
                .matcher(readme);
        assertThat(block.find()).as("the README has the workflow marked <!-- release-approval.yml -->").isTrue();
        String workflow = block.group(1);
        Matcher inputs = Pattern.compile("(?m)^      (\\w+): \\{").matcher(workflow);
        List<String> declared = new ArrayList<>();
        while (inputs.find()) {
            declared.add(inputs.group(1));
        }
        assertThat(declared).containsExactly("release_id", "weight", "revision", "summary");
        assertThat(workflow).contains("environment: " + ENVIRONMENT);
        Matcher runName = Pattern.compile("(?m)^run-name: \"(.*)\"$").matcher(workflow);
        assertThat(runName.find()).isTrue();
        String title = runName.group(1).replace("${{ inputs.release_id }}", RELEASE)
                .replace("${{ inputs.weight }}", "100");
        publish(RUNS, workflowRuns(approvalRun(RUN_ID, RELEASE, 100, "waiting", null)
                .replace("Approve " + RELEASE + " to 100%", title)));

        approvals().request(TO_100);

        assertThat(dispatches()).isEmpty();
    }

    @Test
    @DisplayName("the builder reports every invalid setting at once")
    void builderValidates() {
        assertThatThrownBy(() -> GitHubEnvironmentApprovals.builder(connection()).workflow(".github/workflows/x.yml")
                .environment(" ").ref("").build()).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("github.approvals.workflow")
                .hasMessageContaining("github.approvals.environment")
                .hasMessageContaining("github.approvals.ref");
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder aResponse204() {
        return com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(204);
    }

    /** The bodies POSTed to the dispatch endpoint, oldest first. */
    private List<JsonNode> dispatches() {
        return served().stream().filter(e -> e.getRequest().getMethod().equals(RequestMethod.POST))
                .filter(e -> e.getRequest().getUrl().equals(DISPATCHES)).map(e -> {
                    try {
                        return JSON.readTree(e.getRequest().getBodyAsString());
                    } catch (IOException x) {
                        throw new AssertionError(x);
                    }
                }).toList();
    }
}
