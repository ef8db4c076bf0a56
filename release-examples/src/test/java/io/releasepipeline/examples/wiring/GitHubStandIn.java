package io.releasepipeline.examples.wiring;

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

    static final String REPO = "octo-org/trade-nexus";
    static final String API = "/repos/" + REPO;
    static final String HEAD_SHA = "6dcb09b5b57875f334f61aebed695e2e4193db5e";
    static final String MERGE_SHA = "e5bd3914e2e596debea16f433f57875b5b90bcd6";
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
        server.stubFor(get(urlPathEqualTo(API + "/contents/.github/workflows/backend-deploy.yml"))
                .willReturn(json(200, workflowFile(DEPLOY_WORKFLOW))));
        server.stubFor(post(urlPathMatching(API + "/deployments/1/statuses")).willReturn(json(201, Map.of("id",
                1, "state", "success"))));
    }

    /** Runs {@code listener} on each successful merge. */
    void onMerge(Runnable listener) {
        mergeListeners.add(listener);
    }

    /**
     * Pull request {@code number}: open and mergeable at {@link #HEAD_SHA}, approved by alice, the {@code checks}
     * passed, breaking changes documented; merging it pinned to the head answers 200 and reads merged afterwards;
     * once merged, the deploy workflow's run for the merge commit is listed, completed with {@code conclusion}.
     */
    GitHubStandIn pullRequest(int number, List<String> checks, String conclusion) {
        String scenario = "pr" + number;
        String pr = API + "/pulls/" + number;
        server.stubFor(get(urlPathEqualTo(pr)).inScenario(scenario).whenScenarioStateIs(STARTED)
                .willReturn(json(200, pullRequestBody(number, false))));
        server.stubFor(get(urlPathEqualTo(pr)).inScenario(scenario).whenScenarioStateIs("merged")
                .willReturn(json(200, pullRequestBody(number, true))));
        server.stubFor(put(urlPathEqualTo(pr + "/merge")).inScenario(scenario).whenScenarioStateIs(STARTED)
                .withRequestBody(matchingJsonPath("$.sha", equalTo(HEAD_SHA)))
                .willReturn(json(200, Map.of("sha", MERGE_SHA, "merged", true,
                        "message", "Pull Request successfully merged")))
                .willSetStateTo("merged"));
        server.stubFor(put(urlPathEqualTo(pr + "/merge")).inScenario(scenario).whenScenarioStateIs("merged")
                .willReturn(json(405, Map.of("message", "Pull Request is not mergeable",
                        "documentation_url", "https://docs.github.com/rest/pulls/pulls#merge-a-pull-request"))));
        server.stubFor(get(urlPathEqualTo(pr + "/files")).willReturn(json(200, List.of(Map.of(
                "sha", "bbcd538c8e72b8c175046e27cc8f907076331401", "filename", "backend/app/quotes.py",
                "status", "modified", "additions", 10, "deletions", 2, "changes", 12)))));
        server.stubFor(get(urlPathEqualTo(pr + "/reviews")).willReturn(json(200, List.of(Map.of("id", 80,
                "user", Map.of("login", "alice", "id", 1), "state", "APPROVED", "commit_id", HEAD_SHA,
                "submitted_at", "2026-01-05T08:00:00Z")))));
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

    /** The runbook's deploy workflow: pushes to main under backend/** deploy. */
    static final String DEPLOY_WORKFLOW = """
            name: Backend deploy
            on:
              push:
                branches: [main]
                paths: ['backend/**']
            jobs:
              deploy:
                runs-on: ubuntu-latest
                steps:
                  - run: az containerapp update --name backend --image tradenexusacr.azurecr.io/backend:${{ github.sha }}
            """;

    /** A workflow file as GitHub's contents API serves it: base64 in 60-character lines. */
    private static Map<String, Object> workflowFile(String yaml) {
        String path = ".github/workflows/backend-deploy.yml";
        byte[] bytes = yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return Map.of("type", "file", "encoding", "base64", "size", bytes.length, "name", "backend-deploy.yml",
                "path", path, "sha", "3d21ec53a331a6f037a91c368710b99387d012c1",
                "content", java.util.Base64.getMimeEncoder(60, new byte[] {'\n'}).encodeToString(bytes) + "\n");
    }

    private static Map<String, Object> pullRequestBody(int number, boolean merged) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("number", number);
        body.put("state", merged ? "closed" : "open");
        body.put("title", "Quotes in EUR");
        body.put("html_url", "https://github.com/" + REPO + "/pull/" + number);
        body.put("body", "## Summary\nQuotes in EUR\n\n## Breaking changes\nNone\n");
        body.put("user", Map.of("login", "octocat", "id", 7));
        body.put("labels", List.of());
        body.put("draft", false);
        body.put("merged", merged);
        body.put("mergeable", merged ? null : true);
        body.put("mergeable_state", merged ? "unknown" : "clean");
        body.put("merge_commit_sha", MERGE_SHA);
        body.put("head", Map.of("ref", "quotes-eur", "sha", HEAD_SHA));
        body.put("base", Map.of("ref", "main", "sha", "9049f1265b7d61be4a8904a9a27120d2064dab3b"));
        return body;
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
