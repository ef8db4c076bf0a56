package io.releasepipeline.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.releasepipeline.github.GitHubWireMockSupport.API;
import static io.releasepipeline.github.GitHubWireMockSupport.approvalRun;
import static io.releasepipeline.github.GitHubWireMockSupport.array;
import static io.releasepipeline.github.GitHubWireMockSupport.environmentApproval;
import static io.releasepipeline.github.GitHubWireMockSupport.pendingDeployment;
import static io.releasepipeline.github.GitHubWireMockSupport.repository;
import static io.releasepipeline.github.GitHubWireMockSupport.workflowRuns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.releasepipeline.spi.ApprovalRequest;
import io.releasepipeline.testkit.VirtualClock;
import io.releasepipeline.testkit.contract.ApprovalProviderContract;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link GitHubEnvironmentApprovals} keeps the approval provider contract against a WireMock GitHub with the REST
 * docs' shapes. Dispatching the approval workflow for a question moves the "approval runs" scenario to a state
 * whose run list also holds that question's run, waiting on the environment's reviewers, as GitHub lists a
 * dispatched run; the kit's {@link Decider} is a reviewer on "Review deployments": it publishes the run's review
 * history for a decided state and switches the run's scenario to it. How many times people were asked is how many
 * dispatches GitHub received with the question's release id and step.
 */
class GitHubEnvironmentApprovalsContractTest extends ApprovalProviderContract {

    private static final String ENVIRONMENT = GitHubEnvironmentApprovals.DEFAULT_ENVIRONMENT;
    private static final String RUNS = API + "/actions/workflows/release-approval.yml/runs";
    private static final String DISPATCHES = API + "/actions/workflows/release-approval.yml/dispatches";
    private static final String RUNS_SCENARIO = "approval runs";
    private static final long FIRST_RUN_ID = 7301;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final WireMockExtension github = GitHubStubs.newServer();

    private GitHubStubs stubs;

    @Override
    protected ApprovalFixture fixture() {
        stubs = new GitHubStubs(github);
        stubs.publish(API, repository("main"));
        // Every subset of dispatched questions is a state of the run list; a dispatch adds its question's run.
        int all = 1 << QUESTIONS.size();
        for (int asked = 0; asked < all; asked++) {
            List<String> runs = new ArrayList<>();
            for (int i = 0; i < QUESTIONS.size(); i++) {
                if ((asked & 1 << i) != 0) {
                    runs.add(waitingRun(i));
                }
            }
            stubs.publish(RUNS, workflowRuns(runs.toArray(String[]::new)), RUNS_SCENARIO, listState(asked));
            for (int i = 0; i < QUESTIONS.size(); i++) {
                if ((asked & 1 << i) == 0) {
                    ApprovalRequest q = QUESTIONS.get(i);
                    github.stubFor(post(urlPathEqualTo(DISPATCHES)).atPriority(1).inScenario(RUNS_SCENARIO)
                            .whenScenarioStateIs(listState(asked))
                            .withRequestBody(matchingJsonPath("$.inputs.release_id", equalTo(q.releaseId())))
                            .withRequestBody(matchingJsonPath("$.inputs.weight", equalTo(String.valueOf(q.weight()))))
                            .willReturn(aResponse().withStatus(204)).willSetStateTo(listState(asked | 1 << i)));
                }
            }
        }
        // A second dispatch of a question already listed: GitHub starts another run; the list is left as it was.
        github.stubFor(post(urlPathEqualTo(DISPATCHES)).atPriority(5).willReturn(aResponse().withStatus(204)));
        for (int i = 0; i < QUESTIONS.size(); i++) {
            String run = API + "/actions/runs/" + runId(i);
            stubs.publish(run, waitingRun(i), reviewScenario(i), STARTED);
            stubs.publish(run + "/approvals", array(), reviewScenario(i), STARTED);
            stubs.publish(run + "/pending_deployments", array(pendingDeployment(ENVIRONMENT)));
        }
        GitHubEnvironmentApprovals approvals = GitHubEnvironmentApprovals.builder(
                stubs.connection(new VirtualClock()).build()).build();
        return new ApprovalFixture(approvals, new Reviewer(), this::dispatches);
    }

    /** A reviewer of the environment deciding in GitHub's UI: the run's review history and status change. */
    private final class Reviewer implements Decider {

        @Override
        public void approve(ApprovalRequest request, String by, String comment) {
            decide(request, "approved", "in_progress", null, by, comment);
        }

        @Override
        public void reject(ApprovalRequest request, String by, String comment) {
            decide(request, "rejected", "completed", "failure", by, comment);
        }

        private void decide(ApprovalRequest request, String state, String status, String conclusion, String by,
                String comment) {
            int i = QUESTIONS.indexOf(request);
            String run = API + "/actions/runs/" + runId(i);
            stubs.publish(run, approvalRun(runId(i), request.releaseId(), request.weight(), status, conclusion),
                    reviewScenario(i), state);
            stubs.publish(run + "/approvals", array(environmentApproval(state, by, ENVIRONMENT, comment)),
                    reviewScenario(i), state);
            github.setScenarioState(reviewScenario(i), state);
        }
    }

    private static String listState(int asked) {
        return asked == 0 ? STARTED : "asked " + Integer.toBinaryString(asked);
    }

    private static String reviewScenario(int question) {
        return "review of run " + runId(question);
    }

    private static long runId(int question) {
        return FIRST_RUN_ID + question;
    }

    private static String waitingRun(int question) {
        ApprovalRequest q = QUESTIONS.get(question);
        return approvalRun(runId(question), q.releaseId(), q.weight(), "waiting", null);
    }

    /** How many times GitHub was asked to dispatch the approval workflow for {@code request}'s release and step. */
    private int dispatches(ApprovalRequest request) {
        int n = 0;
        for (var e : stubs.servedInOrder()) {
            if (e.getRequest().getMethod().equals(RequestMethod.POST) && e.getRequest().getUrl().equals(DISPATCHES)) {
                JsonNode inputs = body(e.getRequest().getBodyAsString()).path("inputs");
                if (inputs.path("release_id").asText().equals(request.releaseId())
                        && inputs.path("weight").asText().equals(String.valueOf(request.weight()))) {
                    n++;
                }
            }
        }
        return n;
    }

    private static JsonNode body(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
