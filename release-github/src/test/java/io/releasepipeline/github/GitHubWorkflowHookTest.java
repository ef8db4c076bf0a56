package io.releasepipeline.github;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.client.WireMock;
import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.hook.HookContext;
import io.releasepipeline.hook.HookPoint;
import io.releasepipeline.hook.HookResult;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The workflow hook against WireMock answering GitHub's documented shapes: the dispatch (200 with
 * {@code workflow_run_id} when {@code return_run_details} is sent, 204 without, 422 for undeclared inputs), the
 * workflow's run list ({@code display_title} carries the run-name) and the run itself.
 */
class GitHubWorkflowHookTest extends GitHubWireMockSupport {

    static final String WORKFLOW = "migration-rollback.yml";
    static final String RUNS = API + "/actions/workflows/" + WORKFLOW + "/runs";
    static final String DISPATCHES = API + "/actions/workflows/" + WORKFLOW + "/dispatches";
    static final String RELEASE = "pr42-20260105T090000Z";
    static final String DELIVERY = HookContext.deliveryId(RELEASE, HookPoint.ON_ROLLBACK, "migrate");
    static final long RUN_ID = 30433700L;

    static HookContext context() {
        return new HookContext(HookPoint.ON_ROLLBACK, DELIVERY, RELEASE, "backend", "production", Optional.of(42),
                Optional.of(MERGE_SHA), Optional.of("backend--v1"), Optional.of("backend--v2"),
                Optional.of("error rate 9% over 5%"), true, Optional.empty());
    }

    GitHubWorkflowHook.Builder hook() {
        return GitHubWorkflowHook.builder(connection()).name("migrate").workflow(WORKFLOW)
                .input("release_id", "${release_id}").input("reason", "rollback of ${new_revision}: ${reason}")
                .timeout(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(15));
    }

    static String run(long id, String title, String status, String conclusion) {
        return """
                {"id": %d, "name": "Migration rollback", "display_title": "%s", "run_number": 7,
                 "event": "workflow_dispatch", "status": "%s", "conclusion": %s, "workflow_id": 161335,
                 "head_branch": "main", "head_sha": "%s", "path": ".github/workflows/%s",
                 "html_url": "https://github.com/%s/actions/runs/%d",
                 "url": "https://api.github.com/repos/%s/actions/runs/%d",
                 "created_at": "2026-01-05T09:20:00Z", "updated_at": "2026-01-05T09:21:00Z"}
                """.formatted(id, title, status, conclusion == null ? "null" : "\"" + conclusion + "\"", MERGE_SHA,
                WORKFLOW, REPO, id, REPO, id);
    }

    static String runs(String... runs) {
        return "{\"total_count\": " + runs.length + ", \"workflow_runs\": [" + String.join(",", runs) + "]}";
    }

    void runsListed(String scenario, String state, String next, String body) {
        com.github.tomakehurst.wiremock.client.MappingBuilder stub = getPath(RUNS)
                .withQueryParam("event", equalTo("workflow_dispatch"));
        if (scenario != null) {
            com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder s = stub.inScenario(scenario)
                    .whenScenarioStateIs(state);
            stub = next == null ? s : s.willSetStateTo(next);
        }
        github.stubFor(stub.willReturn(json(200, body)));
    }

    /** The run answers in_progress once, then completed with {@code conclusion}. */
    void runProgresses(long id, String conclusion) {
        String path = API + "/actions/runs/" + id;
        github.stubFor(getPath(path).inScenario("run").whenScenarioStateIs(STARTED).willSetStateTo("done")
                .willReturn(json(200, run(id, "migration rollback " + DELIVERY, "in_progress", null))));
        github.stubFor(getPath(path).inScenario("run").whenScenarioStateIs("done")
                .willReturn(json(200, run(id, "migration rollback " + DELIVERY, "completed", conclusion))));
    }

    void dispatchAnswers(int status, String body) {
        github.stubFor(post(urlPathEqualTo(DISPATCHES)).willReturn(status == 204
                ? WireMock.aResponse().withStatus(204) : json(status, body)));
    }

    long dispatches() {
        return github.countRequestsMatching(postRequestedFor(urlPathEqualTo(DISPATCHES)).build()).getCount();
    }

    @Test
    @DisplayName("dispatches with ref, the configured inputs and the delivery id, then polls the returned run to success")
    void dispatchAndWatchToSuccess() {
        // A run of another hook whose delivery id merely starts like this one's must not be taken for it.
        runsListed(null, null, null, runs(run(11, "migration rollback " + DELIVERY + "-2", "completed", "success")));
        dispatchAnswers(200, "{\"workflow_run_id\": " + RUN_ID + ", \"run_url\": \"https://api.github.com/repos/"
                + REPO + "/actions/runs/" + RUN_ID + "\", \"html_url\": \"https://github.com/" + REPO
                + "/actions/runs/" + RUN_ID + "\"}");
        runProgresses(RUN_ID, "success");

        HookResult result = hook().build().run(context());

        assertThat(result.status()).as(result.summary()).isEqualTo(HookResult.Status.SUCCEEDED);
        assertThat(result.link()).contains("https://github.com/" + REPO + "/actions/runs/" + RUN_ID);
        github.verify(1, postRequestedFor(urlPathEqualTo(DISPATCHES)).withRequestBody(equalToJson("""
                {"ref": "main", "return_run_details": true,
                 "inputs": {"delivery_id": "%s", "release_id": "%s",
                            "reason": "rollback of backend--v2: error rate 9%% over 5%%"}}
                """.formatted(DELIVERY, RELEASE))).withHeader("Authorization", equalTo("Bearer " + TOKEN)));
        assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(15));
    }

    @Test
    @DisplayName("a run that ends in failure is FAILED, linked")
    void failedRunIsFailed() {
        runsListed(null, null, null, runs());
        dispatchAnswers(200, "{\"workflow_run_id\": " + RUN_ID + ", \"run_url\": \"x\", \"html_url\": \"y\"}");
        runProgresses(RUN_ID, "failure");

        HookResult result = hook().build().run(context());

        assertThat(result.status()).isEqualTo(HookResult.Status.FAILED);
        assertThat(result.summary()).contains("ended failure");
        assertThat(result.link()).isPresent();
    }

    @Test
    @DisplayName("a 204 dispatch (no run details): the run is found by the delivery id in its name, then watched")
    void runFoundByNameAfter204() {
        runsListed("list", STARTED, "after-check", runs());
        runsListed("list", "after-check", "appeared", runs());
        runsListed("list", "appeared", null, runs(run(RUN_ID, "migration rollback " + DELIVERY, "queued", null)));
        dispatchAnswers(204, null);
        runProgresses(RUN_ID, "success");

        HookResult result = hook().build().run(context());

        assertThat(result.status()).as(result.summary()).isEqualTo(HookResult.Status.SUCCEEDED);
        assertThat(dispatches()).isEqualTo(1);
    }

    @Test
    @DisplayName("resume: a run already started for this delivery id is watched, and nothing is dispatched again")
    void resumeFindsTheExistingRun() {
        runsListed(null, null, null, runs(run(RUN_ID, "migration rollback " + DELIVERY, "in_progress", null)));
        dispatchAnswers(500, "{\"message\": \"the test forbids a second dispatch\"}");
        runProgresses(RUN_ID, "success");

        HookResult result = hook().build().run(context());

        assertThat(result.status()).as(result.summary()).isEqualTo(HookResult.Status.SUCCEEDED);
        assertThat(dispatches()).isZero();
    }

    @Test
    @DisplayName("422 for inputs the workflow does not declare: ERROR saying which inputs and how to fix it")
    void undeclaredInputs() {
        runsListed(null, null, null, runs());
        dispatchAnswers(422, "{\"message\": \"Unexpected inputs provided: [\\\"reason\\\"]\", \"documentation_url\": "
                + "\"https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event\", "
                + "\"status\": \"422\"}");

        HookResult result = hook().build().run(context());

        assertThat(result.status()).isEqualTo(HookResult.Status.ERROR);
        assertThat(result.summary()).contains("422").contains("Unexpected inputs provided")
                .contains("declare them under on.workflow_dispatch.inputs of " + WORKFLOW)
                .contains("delivery_id, reason, release_id");
        assertThat(dispatches()).isEqualTo(1);
    }

    @Test
    @DisplayName("a server that refuses return_run_details gets the dispatch again without it, then the run is found")
    void olderServerWithoutRunDetails() {
        runsListed("list", STARTED, "after-check", runs());
        runsListed("list", "after-check", null, runs(run(RUN_ID, "migration rollback " + DELIVERY, "queued", null)));
        github.stubFor(post(urlPathEqualTo(DISPATCHES)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.return_run_details"))
                .willReturn(json(422, "{\"message\": \"Invalid request.\\n\\n\\\"return_run_details\\\" is not a "
                        + "permitted key.\", \"status\": \"422\"}")));
        github.stubFor(post(urlPathEqualTo(DISPATCHES)).atPriority(5).willReturn(WireMock.aResponse().withStatus(204)));
        runProgresses(RUN_ID, "success");

        HookResult result = hook().build().run(context());

        assertThat(result.status()).as(result.summary()).isEqualTo(HookResult.Status.SUCCEEDED);
        assertThat(dispatches()).isEqualTo(2);
    }

    @Test
    @DisplayName("a dispatch whose answer is lost (502) is never sent again; its run, once found, is watched")
    void lostDispatchAnswerIsNotRepeated() {
        runsListed("list", STARTED, "after-check", runs());
        runsListed("list", "after-check", null, runs(run(RUN_ID, "migration rollback " + DELIVERY, "queued", null)));
        dispatchAnswers(502, "{\"message\": \"Server Error\"}");
        runProgresses(RUN_ID, "success");

        HookResult result = hook().build().run(context());

        assertThat(result.status()).as(result.summary()).isEqualTo(HookResult.Status.SUCCEEDED);
        assertThat(dispatches()).isEqualTo(1);
    }

    @Test
    @DisplayName("no run appears after the dispatch: ERROR telling to set run-name from the delivery id input")
    void runNeverAppears() {
        runsListed(null, null, null, runs());
        dispatchAnswers(204, null);

        HookResult result = hook().runAppearTimeout(Duration.ofSeconds(30)).build().run(context());

        assertThat(result.status()).isEqualTo(HookResult.Status.ERROR);
        assertThat(result.summary()).contains("run-name from inputs.delivery_id");
        assertThat(dispatches()).isEqualTo(1);
    }

    @Test
    @DisplayName("a run still going when the timeout ends: ERROR, linked, and the run is not cancelled")
    void timeoutIsAnError() {
        runsListed(null, null, null, runs());
        dispatchAnswers(200, "{\"workflow_run_id\": " + RUN_ID + ", \"run_url\": \"x\", \"html_url\": \"y\"}");
        github.stubFor(getPath(API + "/actions/runs/" + RUN_ID).willReturn(json(200,
                run(RUN_ID, "migration rollback " + DELIVERY, "in_progress", null))));

        HookResult result = hook().build().run(context());

        assertThat(result.status()).isEqualTo(HookResult.Status.ERROR);
        assertThat(result.summary()).contains("still in_progress").contains("left running");
        assertThat(result.link()).isPresent();
        assertThat(clock.elapsed()).isLessThanOrEqualTo(Duration.ofMinutes(2));
        assertThat(github.countRequestsMatching(postRequestedFor(urlPathMatching(".*/cancel")).build()).getCount())
                .isZero();
    }

    @Test
    @DisplayName("a token GitHub refuses is an ERROR naming the token's source, never the token")
    void refusedToken() {
        github.stubFor(getPath(RUNS).willReturn(json(401, "{\"message\": \"Bad credentials\"}")));

        HookResult result = hook().build().run(context());

        assertThat(result.status()).isEqualTo(HookResult.Status.ERROR);
        assertThat(result.summary()).contains("401").doesNotContain(TOKEN);
        assertThat(dispatches()).isZero();
    }

    @Test
    @DisplayName("build() lists every problem at once: unknown placeholder, the delivery id input reused, a path")
    void validation() {
        assertThatThrownBy(() -> GitHubWorkflowHook.builder(connection()).name("migrate")
                .workflow(".github/workflows/x.yml").input("delivery_id", "x").input("why", "${cause}")
                .pollInterval(Duration.ZERO).build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("workflow: must be the workflow's file name")
                .hasMessageContaining("inputs.delivery_id: is the delivery id input")
                .hasMessageContaining("inputs.why: unknown placeholder ${cause}")
                .hasMessageContaining("pollInterval: must be positive");
        assertThat(GitHubWorkflowHook.problems("m", "m.yml", "main", Map.of("a", "${reason}"), "delivery_id"))
                .isEmpty();
    }
}
