package io.releasepipeline.cli.wiring;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.releasepipeline.cli.demo.GitHubPayloads;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * GitHub's REST API (2022-11-28) on WireMock at {@code http://127.0.0.1:PORT}, answering what the real
 * {@code GitHubCiProvider} and {@code GitHubIncidentProvider} ask during a release, in GitHub's response shapes: the
 * pull request (open and mergeable until merged, then closed and merged), its reviews, check runs and legacy
 * statuses, the merge pinned to the head sha, the deploy workflow's run for the merge commit (listed once merged),
 * open incidents, deployment records (looked up, then created) and issue comments, the pull request's changed files
 * and the deploy workflow's file (its {@code on.push.paths} filter). Merge listeners run when a merge answers 200, as a deploy
 * pipeline starts on the merge commit. Thread-safe as WireMock is.
 */
final class GitHubStandIn implements AutoCloseable {

    static final String REPO = GitHubPayloads.REPO;
    static final String API = "/repos/" + REPO;
    static final String HEAD_SHA = GitHubPayloads.HEAD_SHA;
    static final String MERGE_SHA = GitHubPayloads.MERGE_SHA;
    static final long RUN_ID = 30433642L;
    private static final ObjectMapper JSON = new ObjectMapper();

    final WireMockServer server = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort()
            .jettyStopTimeout(0L));
    private final List<Runnable> mergeListeners = new CopyOnWriteArrayList<>();

    GitHubStandIn() {
        server.start();
        server.addMockServiceRequestListener((request, response) -> {
            if (request.getMethod().getName().equals("PUT") && request.getUrl().matches(".*/pulls/\\d+/merge")
                    && response.getStatus() == 200) {
                mergeListeners.forEach(Runnable::run);
            }
        });
    }

    /** {@code http://127.0.0.1:PORT}, the {@code github.apiUrl}. */
    String baseUrl() {
        return server.baseUrl();
    }

    /** Forgets every stub, request and listener; then answers no incidents and accepts deployment records. */
    void reset() {
        server.resetAll();
        mergeListeners.clear();
        server.stubFor(get(urlPathEqualTo(API + "/issues")).willReturn(json(200, List.of())));
        server.stubFor(post(urlPathMatching(API + "/issues/\\d+/comments")).willReturn(json(201, Map.of("id", 1,
                "html_url", "https://github.com/" + REPO + "/pull/123#issuecomment-1"))));
        // The release looks for its own deployment record before creating one (none yet).
        server.stubFor(get(urlPathEqualTo(API + "/deployments")).willReturn(json(200, List.of())));
        server.stubFor(post(urlPathEqualTo(API + "/deployments")).willReturn(json(201, Map.of("id", 1,
                "environment", "production", "sha", MERGE_SHA))));
        server.stubFor(get(urlPathEqualTo(API + "/contents/" + GitHubPayloads.DEPLOY_WORKFLOW_PATH))
                .willReturn(json(200, GitHubPayloads.workflowFile(GitHubPayloads.DEPLOY_WORKFLOW))));
        server.stubFor(post(urlPathMatching(API + "/deployments/1/statuses")).willReturn(json(201, Map.of("id",
                1, "state", "success"))));
    }

    /** Runs {@code listener} on each successful merge. */
    void onMerge(Runnable listener) {
        mergeListeners.add(listener);
    }

    /**
     * Pull request {@code number}: open and mergeable at {@link #HEAD_SHA}, approved by alice (write permission), the
     * {@code checks} passed, breaking changes documented; merging it pinned to the head answers 200 and reads merged
     * afterwards; once merged, the deploy workflow's run for the merge commit is listed, completed with
     * {@code conclusion}.
     */
    GitHubStandIn pullRequest(int number, List<String> checks, String conclusion) {
        String scenario = "pr" + number;
        String pr = API + "/pulls/" + number;
        server.stubFor(get(urlPathEqualTo(pr)).inScenario(scenario).whenScenarioStateIs(STARTED)
                .willReturn(json(200, GitHubPayloads.pullRequest(number, false))));
        server.stubFor(get(urlPathEqualTo(pr)).inScenario(scenario).whenScenarioStateIs("merged")
                .willReturn(json(200, GitHubPayloads.pullRequest(number, true))));
        server.stubFor(put(urlPathEqualTo(pr + "/merge")).inScenario(scenario).whenScenarioStateIs(STARTED)
                .withRequestBody(matchingJsonPath("$.sha", equalTo(HEAD_SHA)))
                .willReturn(json(200, Map.of("sha", MERGE_SHA, "merged", true,
                        "message", "Pull Request successfully merged")))
                .willSetStateTo("merged"));
        server.stubFor(put(urlPathEqualTo(pr + "/merge")).inScenario(scenario).whenScenarioStateIs("merged")
                .willReturn(json(405, Map.of("message", "Pull Request is not mergeable",
                        "documentation_url", "https://docs.github.com/rest/pulls/pulls#merge-a-pull-request"))));
        server.stubFor(get(urlPathEqualTo(pr + "/files")).willReturn(json(200,
                List.of(GitHubPayloads.changedFile("backend/app/quotes.py")))));
        server.stubFor(get(urlPathEqualTo(pr + "/reviews")).willReturn(json(200, List.of(Map.of("id", 80,
                "user", Map.of("login", "alice", "id", 1), "state", "APPROVED", "commit_id", HEAD_SHA,
                "submitted_at", "2026-01-05T08:00:00Z")))));
        // Only reviewers with write permission count: GitHub says alice has it.
        server.stubFor(get(urlPathEqualTo(API + "/collaborators/alice/permission")).willReturn(json(200,
                Map.of("permission", "write", "role_name", "write", "user", Map.of("login", "alice", "id", 1)))));
        List<Map<String, Object>> runs = checks.stream().<Map<String, Object>>map(name -> Map.of("id",
                Math.abs(name.hashCode()), "name", name, "head_sha", HEAD_SHA, "status", "completed",
                "conclusion", "success")).toList();
        server.stubFor(get(urlPathEqualTo(API + "/commits/" + HEAD_SHA + "/check-runs"))
                .willReturn(json(200, Map.of("total_count", runs.size(), "check_runs", runs))));
        server.stubFor(get(urlPathEqualTo(API + "/commits/" + HEAD_SHA + "/status"))
                .willReturn(json(200, Map.of("state", "pending", "statuses", List.of(), "total_count", 0,
                        "sha", HEAD_SHA))));
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("id", RUN_ID);
        run.put("name", "Backend deploy");
        run.put("head_sha", MERGE_SHA);
        run.put("head_branch", "main");
        run.put("event", "push");
        run.put("status", "completed");
        run.put("conclusion", conclusion);
        run.put("html_url", "https://github.com/" + REPO + "/actions/runs/" + RUN_ID);
        run.put("created_at", "2026-01-05T09:00:30Z");
        run.put("updated_at", "2026-01-05T09:03:30Z");
        String runs_ = API + "/actions/workflows/backend-deploy.yml/runs";
        server.stubFor(get(urlPathEqualTo(runs_)).inScenario(scenario).whenScenarioStateIs(STARTED)
                .willReturn(json(200, Map.of("total_count", 0, "workflow_runs", List.of()))));
        server.stubFor(get(urlPathEqualTo(runs_)).inScenario(scenario).whenScenarioStateIs("merged")
                .willReturn(json(200, Map.of("total_count", 1, "workflow_runs", List.of(run)))));
        server.stubFor(get(urlPathEqualTo(API + "/actions/runs/" + RUN_ID)).willReturn(json(200, run)));
        return this;
    }

    /**
     * Makes pull request {@code number}, stubbed by {@link #pullRequest}, hostile wherever GitHub lets anyone write:
     * its title, its body (the breaking-changes section kept), its head branch, a commenting review's text and an
     * extra check run's name are {@code text.apply(field)}, and every check run's {@code html_url} carries it too;
     * {@code failing}, if it names one of {@code checks}, failed. Later stubs win in WireMock, so this overrides.
     */
    GitHubStandIn hostile(int number, List<String> checks, java.util.function.Function<String, String> text,
            String failing) {
        String scenario = "pr" + number;
        String pr = API + "/pulls/" + number;
        for (boolean merged : new boolean[] {false, true}) {
            Map<String, Object> body = new LinkedHashMap<>(GitHubPayloads.pullRequest(number, merged));
            body.put("title", text.apply("title"));
            body.put("body", text.apply("body") + "\n\n## Breaking changes\nNone\n");
            body.put("head", Map.of("ref", text.apply("head ref"), "sha", HEAD_SHA));
            server.stubFor(get(urlPathEqualTo(pr)).inScenario(scenario).whenScenarioStateIs(merged ? "merged" : STARTED)
                    .willReturn(json(200, body)));
        }
        server.stubFor(get(urlPathEqualTo(pr + "/reviews")).willReturn(json(200, List.of(
                Map.of("id", 80, "user", Map.of("login", "alice", "id", 1), "state", "APPROVED",
                        "commit_id", HEAD_SHA, "submitted_at", "2026-01-05T08:00:00Z", "body", text.apply("approval")),
                Map.of("id", 81, "user", Map.of("login", "mallory", "id", 666), "state", "COMMENTED",
                        "commit_id", HEAD_SHA, "submitted_at", "2026-01-05T08:01:00Z",
                        "body", text.apply("review comment"))))));
        List<Map<String, Object>> runs = new java.util.ArrayList<>();
        for (String name : checks) {
            runs.add(Map.of("id", Math.abs(name.hashCode()), "name", name, "head_sha", HEAD_SHA,
                    "status", "completed", "conclusion", name.equals(failing) ? "failure" : "success",
                    "html_url", "https://github.com/" + REPO + "/runs/1?" + text.apply("check url")));
        }
        runs.add(Map.of("id", 4242, "name", text.apply("check name"), "head_sha", HEAD_SHA, "status", "completed",
                "conclusion", "success"));
        server.stubFor(get(urlPathEqualTo(API + "/commits/" + HEAD_SHA + "/check-runs"))
                .willReturn(json(200, Map.of("total_count", runs.size(), "check_runs", runs))));
        return this;
    }

    /** Deployment statuses are refused (422) with {@code message}, as GitHub words a refusal. */
    GitHubStandIn deploymentStatusesRefused(String message) {
        server.stubFor(post(urlPathMatching(API + "/deployments/1/statuses")).willReturn(json(422, Map.of(
                "message", message, "documentation_url", "https://docs.github.com/rest"))));
        return this;
    }

    /** Every request served, oldest first. */
    List<LoggedRequest> requests() {
        return server.findAll(anyRequestedFor(anyUrl())).stream()
                .sorted(Comparator.comparing(LoggedRequest::getLoggedDate)).toList();
    }

    /** Requests other than GET (and HEAD): what changed something on GitHub. */
    List<String> writes() {
        return requests().stream().filter(r -> !List.of("GET", "HEAD").contains(r.getMethod().getName()))
                .map(r -> r.getMethod().getName() + " " + r.getUrl().replaceAll("\\?.*", "")).toList();
    }

    private static ResponseDefinitionBuilder json(int status, Object body) {
        try {
            return aResponse().withStatus(status).withHeader("Content-Type", "application/json; charset=utf-8")
                    .withBody(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
