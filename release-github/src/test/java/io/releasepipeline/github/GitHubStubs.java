package io.releasepipeline.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.releasepipeline.github.GitHubWireMockSupport.API;
import static io.releasepipeline.github.GitHubWireMockSupport.HEAD_SHA;
import static io.releasepipeline.github.GitHubWireMockSupport.MERGE_SHA;
import static io.releasepipeline.github.GitHubWireMockSupport.REPO;
import static io.releasepipeline.github.GitHubWireMockSupport.TOKEN;
import static io.releasepipeline.github.GitHubWireMockSupport.array;
import static io.releasepipeline.github.GitHubWireMockSupport.checkRun;
import static io.releasepipeline.github.GitHubWireMockSupport.combinedStatus;
import static io.releasepipeline.github.GitHubWireMockSupport.json;
import static io.releasepipeline.github.GitHubWireMockSupport.pullRequest;
import static io.releasepipeline.github.GitHubWireMockSupport.review;
import static io.releasepipeline.github.GitHubWireMockSupport.workflowRun;
import static io.releasepipeline.github.GitHubWireMockSupport.workflowRuns;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.releasepipeline.testkit.FakePlatform;
import io.releasepipeline.testkit.VirtualClock;
import io.releasepipeline.time.ReleaseClock;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scripts the WireMock server that stands in for GitHub, by composition, so that a test which must extend a contract
 * kit (and so cannot extend {@link GitHubWireMockSupport}) scripts the same GitHub. Answers are shaped like the
 * examples in GitHub's REST docs. Not thread-safe: script from the test's thread (or the virtual clock's actions).
 */
final class GitHubStubs {

    /** The state a pull request's scenario moves to when it is merged at its head. */
    static final String MERGED = "merged";
    /** The id GitHub gives the deployment created by {@link #givenDeploymentRecords}. */
    static final String DEPLOYMENT_ID = "1";
    /** The id of the deploy run scripted by {@link #givenDeployRunOfTheMerge}. */
    static final long DEPLOY_RUN_ID = 30433642;
    /** The runbook's deploy workflow: pushes to main that change backend/** (but not only its docs) deploy. */
    static final String DEPLOY_WORKFLOW_YAML = """
            name: Backend deploy
            on:
              push:
                branches: [main]
                paths:
                  - 'backend/**'
                  - '!backend/docs/**'
              workflow_dispatch:
            permissions:
              contents: read
              id-token: write
            concurrency:
              group: backend-deploy
              cancel-in-progress: false
            jobs:
              deploy:
                runs-on: ubuntu-latest
                environment: production
                steps:
                  - uses: actions/checkout@v4
                  - uses: azure/login@v2
                    with:
                      client-id: ${{ secrets.AZURE_CLIENT_ID }}
                      tenant-id: ${{ secrets.AZURE_TENANT_ID }}
                      subscription-id: ${{ secrets.AZURE_SUBSCRIPTION_ID }}
                  - run: az acr build --registry tradenexusacr --image backend:${{ github.sha }} backend
                  - run: >-
                      az containerapp update --name trade-nexus-backend --resource-group trade-nexus
                      --image tradenexusacr.azurecr.io/backend:${{ github.sha }}
            """;
    /** Where GitHub's contents API serves the deploy workflow file. */
    static final String DEPLOY_WORKFLOW_CONTENTS = API + "/contents/.github/workflows/"
            + GitHubCiProvider.DEFAULT_DEPLOY_WORKFLOW;
    /** The scenario of the deployment records, and its state once one was created. */
    static final String DEPLOYMENTS = "deployments";
    static final String CREATED = "created";
    /** GitHub rejects a deployment status description longer than this. */
    private static final int DESCRIPTION_LIMIT = 140;

    private final WireMockExtension github;
    private final Map<String, List<StubMapping>> conditional = new HashMap<>();

    GitHubStubs(WireMockExtension github) {
        this.github = github;
    }

    /**
     * A WireMock server on 127.0.0.1 with a dynamic port, for {@code @RegisterExtension static} fields. It restarts
     * for every {@code @Nested} class, so it stops at once instead of waiting for the HTTP client's idle
     * keep-alive connections to close (Jetty's default graceful stop waits a second each time).
     */
    static WireMockExtension newServer() {
        return WireMockExtension.newInstance()
                .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").jettyAcceptors(1)
                        .jettyStopTimeout(0L))
                .build();
    }

    /** A connection builder for the WireMock GitHub, with the test token and {@code clock}. */
    GitHubConnection.Builder connection(ReleaseClock clock) {
        return GitHubConnection.builder()
                .apiUrl(URI.create(github.baseUrl()))
                .repository(REPO)
                .token(TokenSource.ofToken(TOKEN))
                .clock(clock);
    }

    /**
     * Serves {@code body} at {@code path} the way GitHub does: 200 with an ETag, and 304 to a request whose
     * {@code If-None-Match} carries that ETag. Publishing a new body replaces the old one (and its ETag).
     */
    void publish(String path, String body) {
        publish(path, body, null, null);
    }

    /** As {@link #publish(String, String)}, but only while {@code scenario} is in {@code state}. */
    void publish(String path, String body, String scenario, String state) {
        String key = scenario == null ? path : scenario + "@" + state + ":" + path;
        conditional.getOrDefault(key, List.of()).forEach(github::removeStub);
        String etag = "W/\"" + Integer.toHexString(body.hashCode()) + "\"";
        MappingBuilder notModified = get(urlPathEqualTo(path)).atPriority(1)
                .withHeader("If-None-Match", equalTo(etag))
                .willReturn(aResponse().withStatus(304).withHeader("ETag", etag));
        MappingBuilder ok = get(urlPathEqualTo(path)).atPriority(5)
                .willReturn(json(200, body).withHeader("ETag", etag));
        if (scenario != null) {
            notModified = notModified.inScenario(scenario).whenScenarioStateIs(state);
            ok = ok.inScenario(scenario).whenScenarioStateIs(state);
        }
        conditional.put(key, List.of(github.stubFor(notModified), github.stubFor(ok)));
    }

    /**
     * Pull request {@code number} open and mergeable at {@link GitHubWireMockSupport#HEAD_SHA}, approved there by
     * {@code alice}, who has write permission (and commented on by {@code bob}), with {@code passingChecks} completed with success and no legacy
     * statuses. Merging it is a compare-and-swap, statefully: pinned to the head it answers 200 with
     * {@link GitHubWireMockSupport#MERGE_SHA} and the pull request reads merged from then on (closed, with that merge
     * commit); pinned to another sha it answers 409 and merges nothing; once merged, a merge answers 405, as GitHub
     * answers for a pull request that is no longer open.
     */
    void givenMergeablePullRequest(int number, String body, String... passingChecks) {
        String scenario = "pull request #" + number;
        String pr = API + "/pulls/" + number;
        publish(pr, pullRequest(number, "open", true, false, body), scenario, STARTED);
        publish(pr, pullRequest(number, "closed", null, true, body), scenario, MERGED);
        github.stubFor(put(urlPathEqualTo(pr + "/merge")).inScenario(scenario).whenScenarioStateIs(STARTED)
                .atPriority(1).withRequestBody(matchingJsonPath("$.sha", equalTo(HEAD_SHA)))
                .willReturn(json(200, "{\"sha\": \"" + MERGE_SHA + "\", \"merged\": true, "
                        + "\"message\": \"Pull Request successfully merged\"}"))
                .willSetStateTo(MERGED));
        github.stubFor(put(urlPathEqualTo(pr + "/merge")).inScenario(scenario).whenScenarioStateIs(STARTED)
                .atPriority(5).willReturn(error(409, "Head branch was modified. Review and try the merge again.")));
        github.stubFor(put(urlPathEqualTo(pr + "/merge")).inScenario(scenario).whenScenarioStateIs(MERGED)
                .willReturn(error(405, "Pull Request is not mergeable")));
        publish(pr + "/reviews", array(review(80, "alice", 1, "APPROVED", HEAD_SHA),
                review(81, "bob", 2, "COMMENTED", HEAD_SHA)));
        givenCollaborator("alice", 1, "write", "write");
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < passingChecks.length; i++) {
            runs.add(checkRun(4 + i, passingChecks[i], "completed", "success"));
        }
        publish(API + "/commits/" + HEAD_SHA + "/check-runs", "{\"total_count\": " + runs.size()
                + ", \"check_runs\": " + array(runs.toArray(String[]::new)) + "}");
        publish(API + "/commits/" + HEAD_SHA + "/status", combinedStatus("pending"));
    }

    /**
     * {@code login}'s permission on the repository ({@code GET .../collaborators/{login}/permission}), as GitHub
     * answers it: the legacy {@code permission} (admin, write, read, none) and the assigned {@code roleName}.
     */
    void givenCollaborator(String login, long userId, String permission, String roleName) {
        publish(API + "/collaborators/" + login + "/permission",
                GitHubWireMockSupport.collaboratorPermission(login, userId, permission, roleName));
    }

    /**
     * Pull request {@code number} as {@link #givenMergeablePullRequest} leaves it, and also approved at the head by
     * {@code login}, an organization member (author_association MEMBER) with the triage role: GitHub answers
     * permission {@code read} for it.
     */
    void givenReadOnlyApprover(int number, String login) {
        publish(API + "/pulls/" + number + "/reviews", array(review(80, "alice", 1, "APPROVED", HEAD_SHA),
                review(81, "bob", 2, "COMMENTED", HEAD_SHA),
                review(82, login, 3, "APPROVED", HEAD_SHA, "MEMBER")));
        givenCollaborator(login, 3, "read", "triage");
    }

    /**
     * Comments on pull request {@code number} answer 201; deployments are created (201, id {@link #DEPLOYMENT_ID});
     * their statuses answer 201, or 422 for a description over 140 characters, as GitHub validates. The deployments
     * list is empty until a deployment is created, then lists it with {@code releaseId} in its payload.
     */
    void givenDeploymentRecords(int number) {
        givenDeploymentRecords(number, "a-release-the-test-does-not-name");
    }

    /** As {@link #givenDeploymentRecords(int)}; once created, the listed deployment carries {@code releaseId}. */
    void givenDeploymentRecords(int number, String releaseId) {
        github.stubFor(post(urlPathEqualTo(API + "/issues/" + number + "/comments")).willReturn(json(201,
                "{\"id\": 1, \"node_id\": \"MDEyOklzc3VlQ29tbWVudDE=\", \"html_url\": \"https://github.com/" + REPO
                        + "/pull/" + number + "#issuecomment-1\", \"user\": {\"login\": \"release-bot\", \"id\": 9}}")));
        publish(API + "/deployments", "[]", DEPLOYMENTS, STARTED);
        publish(API + "/deployments", "[" + deployment(DEPLOYMENT_ID, releaseId) + "]", DEPLOYMENTS, CREATED);
        github.stubFor(post(urlPathEqualTo(API + "/deployments")).inScenario(DEPLOYMENTS)
                .willReturn(json(201, deployment(DEPLOYMENT_ID, releaseId))).willSetStateTo(CREATED));
        String statuses = API + "/deployments/" + DEPLOYMENT_ID + "/statuses";
        github.stubFor(post(urlPathEqualTo(statuses)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.description", matching("(?s).{0," + DESCRIPTION_LIMIT + "}")))
                .willReturn(json(201, "{\"id\": 1, \"node_id\": \"MDE2OkRlcGxveW1lbnRTdGF0dXMx\", "
                        + "\"creator\": {\"login\": \"release-bot\", \"id\": 9}}")));
        github.stubFor(post(urlPathEqualTo(statuses)).atPriority(5).willReturn(error(422, "Validation Failed")));
    }

    /** A deployment of the merge commit to production as GitHub returns it, with {@code releaseId} in its payload. */
    static String deployment(String id, String releaseId) {
        return """
                {"url": "https://api.github.com/repos/%1$s/deployments/%2$s", "id": %2$s,
                 "node_id": "MDEwOkRlcGxveW1lbnQx", "sha": "%3$s", "ref": "%3$s", "task": "deploy",
                 "payload": {"release_id": "%4$s"}, "original_environment": "production", "environment": "production",
                 "description": "release %4$s", "creator": {"login": "release-bot", "id": 9},
                 "created_at": "2026-01-05T09:00:31Z", "updated_at": "2026-01-05T09:00:31Z",
                 "statuses_url": "https://api.github.com/repos/%1$s/deployments/%2$s/statuses",
                 "repository_url": "https://api.github.com/repos/%1$s", "transient_environment": false,
                 "production_environment": true}
                """.formatted(REPO, id, MERGE_SHA, releaseId);
    }

    /**
     * GitHub's deploy run for {@link GitHubWireMockSupport#MERGE_SHA}, moving on the virtual clock: it appears at
     * t+30s, runs from t+1m and succeeds at t+4m, when {@code platform} gains the revision it built.
     */
    void givenDeployRunOfTheMerge(VirtualClock clock, FakePlatform platform) {
        String runs = API + "/actions/workflows/" + GitHubCiProvider.DEFAULT_DEPLOY_WORKFLOW + "/runs";
        String run = API + "/actions/runs/" + DEPLOY_RUN_ID;
        publish(runs, workflowRuns());
        clock.scheduleAt(Duration.ofSeconds(30), () -> {
            publish(runs, workflowRuns(workflowRun(DEPLOY_RUN_ID, "queued", null)));
            publish(run, workflowRun(DEPLOY_RUN_ID, "queued", null));
        });
        clock.scheduleAt(Duration.ofMinutes(1), () -> publish(run, workflowRun(DEPLOY_RUN_ID, "in_progress", null)));
        clock.scheduleAt(Duration.ofMinutes(4), () -> publish(run, workflowRun(DEPLOY_RUN_ID, "completed",
                "success")));
        platform.deployAt(MERGE_SHA, clock.at(Duration.ofMinutes(4)));
    }

    /**
     * The files pull request {@code number} changes ({@code GET .../pulls/{n}/files}), one page, shaped like GitHub's
     * example: {@code modified} entries, or {@code renamed from previous} when given as {@code "new<-previous"}.
     */
    void givenChangedFiles(int number, String... files) {
        List<String> entries = new ArrayList<>();
        for (String f : files) {
            String[] renamed = f.split("<-");
            entries.add(changedFile(renamed[0], renamed.length > 1 ? renamed[1] : null));
        }
        publish(API + "/pulls/" + number + "/files", array(entries.toArray(String[]::new)));
    }

    /** One entry of {@code GET .../pulls/{n}/files}, as in GitHub's example; renamed when {@code previous} is set. */
    static String changedFile(String filename, String previous) {
        return """
                {"sha": "bbcd538c8e72b8c175046e27cc8f907076331401", "filename": "%1$s", "status": "%2$s",
                 "additions": 10, "deletions": 2, "changes": 12,
                 "blob_url": "https://github.com/%3$s/blob/%4$s/%1$s",
                 "raw_url": "https://github.com/%3$s/raw/%4$s/%1$s",
                 "contents_url": "https://api.github.com/repos/%3$s/contents/%1$s?ref=%4$s",
                 "patch": "@@ -132,7 +132,7 @@ module Test"%5$s}
                """.formatted(filename, previous == null ? "modified" : "renamed", REPO, HEAD_SHA,
                previous == null ? "" : ", \"previous_filename\": \"" + previous + "\"");
    }

    /** The deploy workflow file on every ref, as GitHub's contents API serves it (base64 in 60-character lines). */
    void givenDeployWorkflow(String yaml) {
        publish(DEPLOY_WORKFLOW_CONTENTS, workflowFile(yaml));
    }

    /** A workflow file as {@code GET .../contents/.github/workflows/<file>} answers it, as in GitHub's example. */
    static String workflowFile(String yaml) {
        String path = ".github/workflows/" + GitHubCiProvider.DEFAULT_DEPLOY_WORKFLOW;
        String content = java.util.Base64.getMimeEncoder(60, "\n".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .encodeToString(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)).replace("\n", "\\n");
        return """
                {"type": "file", "encoding": "base64", "size": %1$d, "name": "%2$s", "path": "%3$s",
                 "content": "%4$s\\n", "sha": "3d21ec53a331a6f037a91c368710b99387d012c1",
                 "url": "https://api.github.com/repos/%5$s/contents/%3$s?ref=main",
                 "git_url": "https://api.github.com/repos/%5$s/git/blobs/3d21ec53a331a6f037a91c368710b99387d012c1",
                 "html_url": "https://github.com/%5$s/blob/main/%3$s",
                 "download_url": "https://raw.githubusercontent.com/%5$s/main/%3$s",
                 "_links": {"git": "https://api.github.com/repos/%5$s/git/blobs/3d21ec53a331a6f037a91c368710b99387d012c1",
                   "self": "https://api.github.com/repos/%5$s/contents/%3$s?ref=main",
                   "html": "https://github.com/%5$s/blob/main/%3$s"}}
                """.formatted(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8).length,
                GitHubCiProvider.DEFAULT_DEPLOY_WORKFLOW, path, content, REPO);
    }

    /** Every request served so far, oldest first. */
    List<ServeEvent> servedInOrder() {
        List<ServeEvent> served = new ArrayList<>(github.getAllServeEvents());
        Collections.reverse(served);
        return served;
    }

    private static ResponseDefinitionBuilder error(int status, String message) {
        return json(status, "{\"message\": \"" + message + "\", \"documentation_url\": "
                + "\"https://docs.github.com/rest\", \"status\": \"" + status + "\"}");
    }
}
