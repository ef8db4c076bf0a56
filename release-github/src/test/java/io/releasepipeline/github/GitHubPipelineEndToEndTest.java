package io.releasepipeline.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.releasepipeline.github.GitHubWireMockSupport.API;
import static io.releasepipeline.github.GitHubWireMockSupport.HEAD_SHA;
import static io.releasepipeline.github.GitHubWireMockSupport.MERGE_SHA;
import static io.releasepipeline.github.GitHubWireMockSupport.TOKEN;
import static io.releasepipeline.github.GitHubWireMockSupport.approvalRun;
import static io.releasepipeline.github.GitHubWireMockSupport.array;
import static io.releasepipeline.github.GitHubWireMockSupport.environmentApproval;
import static io.releasepipeline.github.GitHubWireMockSupport.pendingDeployment;
import static io.releasepipeline.github.GitHubWireMockSupport.repository;
import static io.releasepipeline.github.GitHubWireMockSupport.workflowRuns;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.releasepipeline.ApprovalTimeoutAction;
import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleasePipelineBuilder;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.StepApproval;
import io.releasepipeline.format.SafeText;
import io.releasepipeline.gate.Gates;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.testkit.FakeEvidenceStore;
import io.releasepipeline.testkit.FakeHealthProbe;
import io.releasepipeline.testkit.FakeHealthSignals;
import io.releasepipeline.testkit.FakePlatform;
import io.releasepipeline.testkit.FakeSmokeCheck;
import io.releasepipeline.testkit.VirtualClock;
import io.releasepipeline.traffic.TrafficPlan;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real {@link ReleasePipeline} with the GitHub CI and incident providers over a WireMock GitHub, and the test kit's
 * fakes for the platform, evidence, signals, smoke check and probe. The engine, the fakes and the GitHub client all
 * run on one {@link VirtualClock}, so the client's write spacing and the engine's polling are virtual.
 *
 * <p>GitHub's story: pull request #123 is open and passes every runbook gate; merged at its head, its deploy run
 * appears at t+30s, runs from t+1m and succeeds at t+4m, when the platform gains the revision it built.
 */
class GitHubPipelineEndToEndTest {

    static final int PR = 123;
    static final String APP = "trade-nexus-backend";
    static final String STABLE = "v1";
    static final String NEW = "v2";
    static final long RUN_ID = GitHubStubs.DEPLOY_RUN_ID;
    static final String RUNS = "/actions/workflows/" + GitHubCiProvider.DEFAULT_DEPLOY_WORKFLOW + "/runs";
    static final String RUN = "/actions/runs/" + RUN_ID;
    static final String BODY = "## Summary\\nQuotes in EUR.\\n\\n## Breaking changes\\n"
            + "- GET /quotes returns amounts in EUR";

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final WireMockExtension github = GitHubStubs.newServer();

    private final VirtualClock clock = new VirtualClock();
    private final FakePlatform platform = new FakePlatform(APP, clock).serving(STABLE);
    private final FakeEvidenceStore evidence = new FakeEvidenceStore().seed(FakeEvidenceStore.promotedRecord(APP,
            "pr100-previous", STABLE, clock.now().minus(Duration.ofHours(3))));
    private final FakeSmokeCheck smoke = new FakeSmokeCheck(clock);
    private final List<ReleaseEvent> events = Collections.synchronizedList(new ArrayList<>());
    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    private GitHubStubs stubs;
    private PrintStream originalErr;

    @BeforeEach
    void githubAndLogs() {
        stubs = new GitHubStubs(github);
        stubs.givenMergeablePullRequest(PR, BODY, Gates.DEFAULT_REQUIRED_CHECKS.toArray(String[]::new));
        stubs.givenDeploymentRecords(PR);
        stubs.givenChangedFiles(PR, "backend/app/quotes.py", "docs/quotes.md");
        stubs.givenDeployWorkflow(GitHubStubs.DEPLOY_WORKFLOW_YAML);
        stubs.publish(API + "/issues", array()); // no open issue labelled SEV-1 or SEV-2
        stubs.givenDeployRunOfTheMerge(clock, platform);
        // slf4j-simple writes to whatever System.err is at the time of each log call.
        originalErr = System.err;
        System.setErr(new PrintStream(new Tee(logs, originalErr), true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreLogs() {
        System.setErr(originalErr);
    }

    /**
     * What GitHub sees up to the deploy run's success, in order: the gate reads (the pull request, its changed files
     * and the deploy workflow's filter, then the gates in the runbook's order: checks and statuses, incidents per
     * label, reviews and the approver's permission), the pinned merge, the look-up of the release's deployment record (none yet), the deployment
     * and its in-progress status (writes one virtual second apart), then the deploy run polled every 15 s: the run list
     * until the run appears at t+30s, then the run itself, answered 304 while it has not changed.
     */
    static final List<String> UNTIL_DEPLOYED = concat(
            List.of("GET /pulls/123 200",
                    "GET /pulls/123/files?per_page=100 200",
                    "GET /contents/.github/workflows/backend-deploy.yml?ref=main 200",
                    "GET /commits/" + HEAD_SHA + "/check-runs?filter=latest&per_page=100 200",
                    "GET /commits/" + HEAD_SHA + "/status?per_page=100 200",
                    "GET /issues?state=open&labels=SEV-1&per_page=100 200",
                    "GET /issues?state=open&labels=SEV-2&per_page=100 200",
                    "GET /pulls/123/reviews?per_page=100 200",
                    "GET /collaborators/alice/permission 200",
                    "PUT /pulls/123/merge 200",
                    "GET /deployments?sha=" + MERGE_SHA + "&environment=production&per_page=100 200",
                    "POST /deployments 201",
                    "POST /deployments/1/statuses 201",
                    "GET " + RUNS + "?head_sha=" + MERGE_SHA + "&per_page=10 200",        // t+2s: no run yet
                    "GET " + RUNS + "?head_sha=" + MERGE_SHA + "&per_page=10 (if-none-match) 304",
                    "GET " + RUNS + "?head_sha=" + MERGE_SHA + "&per_page=10 (if-none-match) 200", // t+30s: queued
                    "GET " + RUN + " 200",
                    "GET " + RUN + " (if-none-match) 200"),                              // t+1m: in progress
            Collections.nCopies(11, "GET " + RUN + " (if-none-match) 304"),             // t+1m15s .. t+3m45s
            List.of("GET " + RUN + " (if-none-match) 200"));                            // t+4m: success

    @Test
    @DisplayName("promoting #123 reads the gates from GitHub, merges pinned to the head, watches the deploy run "
            + "with conditional polls and records the deployment as success")
    void promotes() {
        ReleaseResult result = pipeline().promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).as("%s", result.record().notes()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(platform.currentWeights()).contains(TrafficWeights.all(NEW));
        assertThat(requests()).hasSize(31)
                .containsExactlyElementsOf(concat(UNTIL_DEPLOYED, List.of("POST /deployments/1/statuses 201")));
        assertMergedAndDeployed();
        assertThat(events).filteredOn(ReleaseEvent.DeployRunUpdated.class::isInstance)
                .as("the deploy run seen as GitHub changed it, on the virtual clock")
                .extracting(ReleaseEvent::at).containsExactly(clock.at(Duration.ofSeconds(30)),
                        clock.at(Duration.ofMinutes(1)), clock.at(Duration.ofMinutes(4)));
        assertThat(deploymentStates()).containsExactly("in_progress", "success");
        assertNoTokenLeaked(result);
    }

    @Test
    @DisplayName("a pull request that changes no deployed path is merged pinned to its head and ends NOTHING_TO_DEPLOY: "
            + "no deployment, no deploy run poll, traffic untouched")
    void nothingToDeploy() {
        stubs.givenChangedFiles(PR, "docs/quotes.md", "backend/docs/api.md", "README.md<-docs/README.md");

        ReleaseResult result = pipeline().promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).as("%s", result.record().notes()).isEqualTo(ReleaseOutcome.NOTHING_TO_DEPLOY);
        assertThat(requests()).containsExactlyElementsOf(concat(UNTIL_DEPLOYED.subList(0, 10)));
        assertThat(requests().get(9)).isEqualTo("PUT /pulls/123/merge 200");
        assertThat(platform.trafficHistory()).isEmpty();
        assertThat(platform.currentWeights()).contains(TrafficWeights.all(STABLE));
        assertThat(result.record().deployMatch()).hasValueSatisfying(m -> {
            assertThat(m.deploys()).isFalse();
            assertThat(m.filter()).isEqualTo(".github/workflows/backend-deploy.yml@main on.push.branches [main], "
                    + "on.push.paths [backend/**, !backend/docs/**]");
            assertThat(m.files()).containsExactly("docs/quotes.md", "backend/docs/api.md", "README.md",
                    "docs/README.md");
        });
        assertThat(result.record().mergeCommitSha()).contains(MERGE_SHA);
        assertNoTokenLeaked(result);
    }

    @Test
    @DisplayName("an approver's permission GitHub will not say (403): the reviews gate is an ERROR, nothing is merged")
    void approverPermissionUnreadable() {
        github.stubFor(get(urlPathEqualTo(API + "/collaborators/alice/permission")).atPriority(0)
                .willReturn(aResponse().withStatus(403).withHeader("Content-Type", "application/json; charset=utf-8")
                        .withBody("{\"message\": \"Resource not accessible by integration\", \"status\": \"403\"}")));

        ReleaseResult result = pipeline().promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.GATES_FAILED);
        assertThat(result.gates()).filteredOn(g -> g.gate().equals("reviews")).singleElement().satisfies(g -> {
            assertThat(g.status()).isEqualTo(io.releasepipeline.evidence.GateStatus.ERROR);
            assertThat(g.reason()).contains("could not decide", "collaborators/alice/permission", "403");
        });
        assertThat(requests()).noneMatch(r -> r.startsWith("PUT ")).contains("GET /collaborators/alice/permission 403");
        assertThat(platform.trafficHistory()).isEmpty();
        assertThat(logs.toString(StandardCharsets.UTF_8) + events + result).doesNotContain(TOKEN);
    }

    @Test
    @DisplayName("when the new revision's smoke check fails, the rollback records the deployment as failure and "
            + "posts an incident note on #123 naming the trigger, the revision now serving and the evidence")
    void rollsBack() {
        smoke.failing(NEW);

        ReleaseResult result = pipeline().promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).as("%s", result.record().notes()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(platform.currentWeights()).contains(TrafficWeights.all(STABLE));
        assertThat(requests()).hasSize(32).containsExactlyElementsOf(concat(UNTIL_DEPLOYED,
                List.of("POST /deployments/1/statuses 201", "POST /issues/123/comments 201")));
        assertMergedAndDeployed();
        assertThat(deploymentStates()).containsExactly("in_progress", "failure");
        assertThat(writes("/deployments/1/statuses").get(1).path("description").asText())
                .startsWith("rolled back: smoke-check FIRING");
        String note = writes("/issues/123/comments").get(0).path("body").asText();
        assertThat(note).contains("was rolled back")
                .contains("**Trigger:** `smoke-check` smoke check failing for 2m15s")
                .contains("**Now serving:** `" + STABLE + "` at 100% of traffic")
                .contains("**Failed revision:** `" + NEW + "`")
                .contains("**Evidence:** `" + SafeText.fileName(result.evidenceLocation().orElseThrow()) + "`");
        assertNoTokenLeaked(result);
    }

    /**
     * The canary 10% -> 50% -> (approval) -> 100%, approved through a protected GitHub environment: the release asks
     * by dispatching the approval workflow, GitHub lists its run (waiting for the environment's reviewers) once it
     * has the dispatch, and a reviewer decides at t+20m, about six virtual minutes after the question (the 50% step
     * is observed until about t+14m).
     */
    @Nested
    @DisplayName("manual approval through a GitHub environment")
    class ManualApproval {

        static final String RELEASE = "pr123-canary";
        static final long APPROVAL_RUN_ID = 7301;
        static final String WORKFLOW = API + "/actions/workflows/" + GitHubEnvironmentApprovals.DEFAULT_WORKFLOW;
        static final String APPROVAL_RUN = API + "/actions/runs/" + APPROVAL_RUN_ID;
        static final String ENVIRONMENT = GitHubEnvironmentApprovals.DEFAULT_ENVIRONMENT;
        static final Duration DECIDED = Duration.ofMinutes(20);

        @BeforeEach
        void approvalWorkflow() {
            String dispatched = "approval dispatched";
            stubs.publish(API, repository("main"));
            stubs.publish(WORKFLOW + "/runs", workflowRuns(), dispatched, STARTED);
            github.stubFor(post(urlPathEqualTo(WORKFLOW + "/dispatches")).inScenario(dispatched)
                    .willReturn(aResponse().withStatus(204)).willSetStateTo(dispatched));
            String waiting = approvalRun(APPROVAL_RUN_ID, RELEASE, 100, "waiting", null);
            stubs.publish(WORKFLOW + "/runs", workflowRuns(waiting), dispatched, dispatched);
            stubs.publish(APPROVAL_RUN, waiting);
            stubs.publish(APPROVAL_RUN + "/pending_deployments", array(pendingDeployment(ENVIRONMENT)));
            stubs.publish(APPROVAL_RUN + "/approvals", array());
        }

        @Test
        @DisplayName("approved by a reviewer on GitHub: the release goes to 100%, is promoted, and the record names "
                + "the reviewer and their comment")
        void approved() {
            reviewedAt(DECIDED, "approved", "alice", "canary numbers look fine", "in_progress", null);

            ReleaseResult result = promoteWithApproval(Duration.ofMinutes(30));

            assertThat(result.outcome()).as("%s", result.record().notes()).isEqualTo(ReleaseOutcome.PROMOTED);
            assertThat(platform.currentWeights()).contains(TrafficWeights.all(NEW));
            assertReviewed(result, true, "alice", "canary numbers look fine");
            assertThat(events).filteredOn(ReleaseEvent.ApprovalDecided.class::isInstance)
                    .extracting(e -> ((ReleaseEvent.ApprovalDecided) e).by()).containsExactly("alice");
            assertThat(approvalPolls()).as("polls of the run cost 304s except its first answers and its change")
                    .filteredOn(e -> e.getResponse().getStatus() == 200).extracting(e -> e.getRequest().getUrl())
                    .containsExactly(APPROVAL_RUN + "/approvals", APPROVAL_RUN + "/pending_deployments",
                            APPROVAL_RUN, APPROVAL_RUN, APPROVAL_RUN + "/approvals");
            assertThat(approvalPolls()).as("polled every 15 s for about six minutes").hasSizeGreaterThan(60)
                    .filteredOn(e -> e.getResponse().getStatus() == 304).hasSizeGreaterThan(60);
        }

        @Test
        @DisplayName("rejected by a reviewer on GitHub: the release rolls back from 50% and the record says who "
                + "rejected it and why")
        void rejected() {
            reviewedAt(DECIDED, "rejected", "bob", "p99 latency doubled at 50%", "completed", "failure");

            ReleaseResult result = promoteWithApproval(Duration.ofMinutes(30));

            assertThat(result.outcome()).as("%s", result.record().notes()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
            assertThat(platform.currentWeights()).contains(TrafficWeights.all(STABLE));
            assertReviewed(result, false, "bob", "p99 latency doubled at 50%");
            assertThat(result.record().rollback()).hasValueSatisfying(rb -> assertThat(rb.reason())
                    .isEqualTo("step to 100% rejected by bob: p99 latency doubled at 50%"));
        }

        @Test
        @DisplayName("nobody decides within the 30-minute approval timeout: the REJECT action rolls the release "
                + "back, and the record says the wait timed out")
        void timesOut() {
            ReleaseResult result = promoteWithApproval(Duration.ofMinutes(30));

            assertThat(result.outcome()).as("%s", result.record().notes()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
            assertThat(platform.currentWeights()).contains(TrafficWeights.all(STABLE));
            StepApproval approval = singleApproval(result);
            assertThat(approval.timedOut()).isTrue();
            assertThat(approval.approved()).isFalse();
            assertThat(Duration.between(approval.requestedAt(), approval.decidedAt()))
                    .isEqualTo(Duration.ofMinutes(30));
        }

        @Test
        @DisplayName("an approval workflow missing from the repository stops the release at the question: it rolls "
                + "back from 50%, and the reason names the workflow file")
        void workflowMissing() {
            github.stubFor(get(urlPathEqualTo(WORKFLOW + "/runs")).atPriority(0).willReturn(aResponse()
                    .withStatus(404).withHeader("Content-Type", "application/json; charset=utf-8")
                    .withBody("{\"message\": \"Not Found\", \"status\": \"404\"}")));

            ReleaseResult result = pipeline((builder, connection) -> builder
                    .trafficPlan(TrafficPlan.canary(10, 50, 100).withApprovalBefore(100))
                    .approvals(GitHubEnvironmentApprovals.builder(connection).build()))
                    .promote(ReleaseRequest.ofPullRequest(PR).withReleaseId(RELEASE));

            assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
            assertThat(platform.currentWeights()).contains(TrafficWeights.all(STABLE));
            assertThat(result.record().rollback()).hasValueSatisfying(rb -> assertThat(rb.reason())
                    .contains("approval workflow release-approval.yml was not found in octo-org/trade-nexus"));
            assertThat(writes("/actions/workflows/release-approval.yml/dispatches")).isEmpty();
        }

        private ReleaseResult promoteWithApproval(Duration timeout) {
            ReleaseResult result = pipeline((builder, connection) -> builder
                    .trafficPlan(TrafficPlan.canary(10, 50, 100).withApprovalBefore(100))
                    .approvals(GitHubEnvironmentApprovals.builder(connection).build())
                    .approvalTimeout(timeout, ApprovalTimeoutAction.REJECT))
                    .promote(ReleaseRequest.ofPullRequest(PR).withReleaseId(RELEASE));
            assertThat(writes("/actions/workflows/" + GitHubEnvironmentApprovals.DEFAULT_WORKFLOW + "/dispatches"))
                    .as("the reviewers were asked once, with the question as the workflow's inputs")
                    .singleElement().satisfies(d -> {
                        assertThat(d.path("ref").asText()).isEqualTo("main");
                        assertThat(d.path("inputs").path("release_id").asText()).isEqualTo(RELEASE);
                        assertThat(d.path("inputs").path("weight").asText()).isEqualTo("100");
                        assertThat(d.path("inputs").path("revision").asText()).isEqualTo(NEW);
                    });
            assertNoTokenLeaked(result);
            return result;
        }

        /** At {@code at}, {@code login} reviews the run for the environment and the run moves on. */
        private void reviewedAt(Duration at, String state, String login, String comment, String runStatus,
                String conclusion) {
            clock.scheduleAt(at, () -> {
                stubs.publish(APPROVAL_RUN + "/approvals", array(environmentApproval(state, login, ENVIRONMENT,
                        comment)));
                stubs.publish(APPROVAL_RUN, approvalRun(APPROVAL_RUN_ID, RELEASE, 100, runStatus, conclusion));
            });
        }

        private void assertReviewed(ReleaseResult result, boolean approved, String login, String comment) {
            StepApproval approval = singleApproval(result);
            assertThat(approval.approved()).isEqualTo(approved);
            assertThat(approval.by()).contains(login);
            assertThat(approval.comment()).isEqualTo(comment);
            assertThat(approval.decidedAt()).as("seen at the first poll after the review")
                    .isBetween(clock.at(DECIDED), clock.at(DECIDED.plusSeconds(15)));
        }

        private StepApproval singleApproval(ReleaseResult result) {
            assertThat(result.record().approvals()).hasSize(1);
            StepApproval approval = result.record().approvals().get(0);
            assertThat(approval.weight()).isEqualTo(100);
            assertThat(approval.requestedAt()).as("asked after the 50% step was observed, before the decision")
                    .isBetween(clock.at(Duration.ofMinutes(14)), clock.at(Duration.ofMinutes(15)));
            return approval;
        }

        /** The reads of the approval run and its reviews, oldest first. */
        private List<ServeEvent> approvalPolls() {
            return stubs.servedInOrder().stream().filter(e -> e.getRequest().getUrl().startsWith(APPROVAL_RUN))
                    .toList();
        }
    }

    // ---- the world --------------------------------------------------------------------------------------------

    private ReleasePipeline pipeline() {
        return pipeline((builder, connection) -> { });
    }

    /** The pipeline on the WireMock GitHub; {@code customize} may add providers on the same connection. */
    private ReleasePipeline pipeline(BiConsumer<ReleasePipelineBuilder, GitHubConnection> customize) {
        GitHubConnection connection = stubs.connection(clock).build();
        ReleasePipelineBuilder builder = ReleasePipeline.builder()
                .platform(platform)
                .ci(GitHubCiProvider.builder(connection).build())
                .incidents(GitHubIncidentProvider.builder(connection).build())
                .evidence(evidence)
                .healthSignals(new FakeHealthSignals(clock).followTraffic(platform, 600))
                .smokeCheck(smoke)
                .healthProbe(new FakeHealthProbe(clock))
                .clock(clock)
                .host("e2e-host")
                .environmentUrl("https://backend.example.com")
                .listener(events::add);
        customize.accept(builder, connection);
        return builder.build();
    }

    // ---- reading what GitHub saw ------------------------------------------------------------------------------

    private void assertMergedAndDeployed() {
        assertThat(writes("/pulls/123/merge")).singleElement().satisfies(merge -> {
            assertThat(merge.path("sha").asText()).isEqualTo(HEAD_SHA);
            assertThat(merge.path("merge_method").asText()).isEqualTo("squash");
        });
        assertThat(writes("/deployments")).singleElement().satisfies(deployment -> {
            assertThat(deployment.path("ref").asText()).isEqualTo(MERGE_SHA);
            assertThat(deployment.path("environment").asText()).isEqualTo("production");
        });
    }

    private List<String> deploymentStates() {
        return writes("/deployments/1/statuses").stream().map(s -> s.path("state").asText()).toList();
    }

    /** The JSON bodies written to {@code path} (relative to the repository), oldest first. */
    private List<JsonNode> writes(String path) {
        return stubs.servedInOrder().stream().filter(e -> !e.getRequest().getMethod().equals(RequestMethod.GET))
                .filter(e -> e.getRequest().getUrl().equals(API + path)).map(GitHubPipelineEndToEndTest::body)
                .toList();
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> part : parts) {
            all.addAll(part);
        }
        return List.copyOf(all);
    }

    /** Each request as {@code METHOD path?query status}, the path relative to the repository, oldest first. */
    private List<String> requests() {
        return stubs.servedInOrder().stream().map(e -> e.getRequest().getMethod() + " "
                + e.getRequest().getUrl().substring(API.length())
                + (e.getRequest().containsHeader("If-None-Match") ? " (if-none-match)" : "") + " "
                + e.getResponse().getStatus()).toList();
    }

    private void assertNoTokenLeaked(ReleaseResult result) {
        List<ServeEvent> served = stubs.servedInOrder();
        assertThat(served).as("every request authenticated with the token, so a leak would show")
                .allSatisfy(e -> assertThat(e.getRequest().getHeader("Authorization")).isEqualTo("Bearer " + TOKEN));
        assertThat(served).allSatisfy(e -> {
            assertThat(e.getRequest().getUrl()).doesNotContain(TOKEN);
            assertThat(e.getRequest().getBodyAsString()).doesNotContain(TOKEN);
        });
        String logged = logs.toString(StandardCharsets.UTF_8);
        assertThat(logged).as("the release and every GitHub call were logged")
                .contains("promoting pull request #" + PR, "GitHub PUT " + API + "/pulls/123/merge -> 200");
        assertThat(logged).doesNotContain(TOKEN);
        assertThat(events.toString()).doesNotContain(TOKEN);
        assertThat(result.toString()).doesNotContain(TOKEN);
    }

    private static JsonNode body(ServeEvent e) {
        try {
            return JSON.readTree(e.getRequest().getBodyAsString());
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    /** Copies log output to the capture and to the original stream. */
    private static final class Tee extends OutputStream {
        private final OutputStream capture;
        private final OutputStream original;

        Tee(OutputStream capture, OutputStream original) {
            this.capture = capture;
            this.original = original;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            capture.write(b);
            original.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            capture.write(b, off, len);
            original.write(b, off, len);
        }
    }
}
