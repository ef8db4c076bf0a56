package io.releasepipeline.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * WireMock standing in for GitHub's REST API on 127.0.0.1 (dynamic port), with response bodies shaped like the
 * examples in GitHub's REST docs, and a {@link RecordingClock} so no test really waits. Subclasses script the GitHub
 * world with {@link #publish} and WireMock stubs and build providers with {@link #connection()}. Tests that must
 * extend something else (the contract kits) script the same world through {@link GitHubStubs} directly.
 */
abstract class GitHubWireMockSupport {

    static final String REPO = "octo-org/trade-nexus";
    static final String API = "/repos/" + REPO;
    /** Looks like a real token so that a leak would be visible in a message. */
    static final String TOKEN = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";
    static final String HEAD_SHA = "6dcb09b5b57875f334f61aebed695e2e4193db5e";
    static final String MERGE_SHA = "e5bd3914e2e596debea16f433f57875b5b90bcd6";

    @RegisterExtension
    static final WireMockExtension github = GitHubStubs.newServer();

    RecordingClock clock;
    GitHubStubs stubs;

    @BeforeEach
    void newClock() {
        clock = new RecordingClock();
        stubs = new GitHubStubs(github);
    }

    /** A connection to the WireMock GitHub with test-friendly defaults. */
    GitHubConnection connection() {
        return connection(b -> { });
    }

    GitHubConnection connection(Consumer<GitHubConnection.Builder> customize) {
        GitHubConnection.Builder b = stubs.connection(clock);
        customize.accept(b);
        return b.build();
    }

    GitHubCiProvider ci() {
        return GitHubCiProvider.builder(connection()).build();
    }

    // ---- scripting GitHub --------------------------------------------------------------------------------------

    /**
     * Serves {@code body} at {@code path} the way GitHub does: 200 with an ETag, and 304 to a request whose
     * {@code If-None-Match} carries that ETag. Publishing a new body replaces the old one (and its ETag).
     */
    void publish(String path, String body) {
        stubs.publish(path, body);
    }

    static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json; charset=utf-8")
                .withBody(body);
    }

    static MappingBuilder getPath(String path) {
        return get(urlPathEqualTo(path));
    }

    String nextPage(String pathAndQuery) {
        return "<" + github.baseUrl() + pathAndQuery + ">; rel=\"next\", <" + github.baseUrl() + pathAndQuery
                + ">; rel=\"last\"";
    }

    /** Every request served so far, oldest first. */
    List<ServeEvent> served() {
        return stubs.servedInOrder();
    }

    // ---- GitHub-shaped bodies -----------------------------------------------------------------------------------

    static String pullRequest(int number, String state, Object mergeable, boolean merged, String body) {
        return """
                {"url": "https://api.github.com/repos/%1$s/pulls/%2$d", "id": 1296269, "node_id": "MDExOlB1bGxSZXF1ZXN0MQ==",
                 "html_url": "https://github.com/%1$s/pull/%2$d", "number": %2$d, "state": "%3$s", "locked": false,
                 "title": "Amazing new feature", "user": {"login": "octocat", "id": 1, "type": "User"},
                 "body": %6$s,
                 "labels": [{"id": 208045946, "name": "backend", "color": "f29513", "default": true},
                            {"id": 208045947, "name": "breaking-change", "color": "a2eeef", "default": false}],
                 "created_at": "2026-01-05T08:00:00Z", "updated_at": "2026-01-05T08:30:00Z",
                 "merged_at": %7$s, "merge_commit_sha": "%8$s",
                 "head": {"label": "octocat:new-topic", "ref": "new-topic", "sha": "%9$s"},
                 "base": {"label": "octo-org:main", "ref": "main", "sha": "9049f1265b7d61be4a8904a9a27120d2064dab3b"},
                 "draft": false, "merged": %4$s, "mergeable": %5$s, "rebaseable": true, "mergeable_state": "clean",
                 "comments": 10, "review_comments": 0, "commits": 3, "additions": 100, "deletions": 3, "changed_files": 5}
                """.formatted(REPO, number, state, merged, mergeable, body == null ? "null" : "\"" + body + "\"",
                merged ? "\"2026-01-05T09:00:00Z\"" : "null", MERGE_SHA, HEAD_SHA);
    }

    static String review(long id, String login, long userId, String state, String commit) {
        return review(id, login, userId, state, commit, "COLLABORATOR");
    }

    /**
     * A review as {@code GET .../pulls/{n}/reviews} lists it (GitHub's example), with the reviewer's
     * {@code author_association} (OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, NONE...).
     */
    static String review(long id, String login, long userId, String state, String commit, String association) {
        return """
                {"id": %d, "node_id": "MDE3OlB1bGxSZXF1ZXN0UmV2aWV3ODA=",
                 "user": {"login": "%s", "id": %d, "node_id": "MDQ6VXNlcjE=", "type": "User", "site_admin": false},
                 "body": "Here is the body for the review.", "state": "%s",
                 "html_url": "https://github.com/%s/pull/42#pullrequestreview-%d",
                 "_links": {"html": {"href": "https://github.com/%5$s/pull/42#pullrequestreview-%6$d"},
                            "pull_request": {"href": "https://api.github.com/repos/%5$s/pulls/42"}},
                 "submitted_at": "2026-01-05T08:%02d:00Z", "commit_id": "%s", "author_association": "%s"}
                """.formatted(id, login, userId, state, REPO, id, id % 60, commit, association);
    }

    /**
     * {@code GET .../collaborators/{login}/permission} as GitHub answers it (its example): the legacy base
     * {@code permission} (admin, write, read, none; maintain answers write, triage answers read) and the assigned
     * {@code role_name}.
     */
    static String collaboratorPermission(String login, long userId, String permission, String roleName) {
        boolean admin = roleName.equals("admin");
        boolean maintain = admin || roleName.equals("maintain");
        boolean push = maintain || permission.equals("write");
        boolean triage = push || roleName.equals("triage");
        boolean pull = triage || permission.equals("read");
        return """
                {"permission": "%s", "role_name": "%s",
                 "user": {"login": "%s", "id": %d, "node_id": "MDQ6VXNlcjE=", "type": "User", "site_admin": false,
                   "html_url": "https://github.com/%3$s", "role_name": "%2$s",
                   "permissions": {"admin": %b, "maintain": %b, "push": %b, "triage": %b, "pull": %b}}}
                """.formatted(permission, roleName, login, userId, admin, maintain, push, triage, pull);
    }

    static String checkRun(long id, String name, String status, String conclusion) {
        return """
                {"id": %d, "head_sha": "%s", "node_id": "MDg6Q2hlY2tSdW40", "external_id": "",
                 "url": "https://api.github.com/repos/%s/check-runs/%d",
                 "html_url": "https://github.com/%s/runs/%d", "details_url": "https://example.com",
                 "status": "%s", "conclusion": %s, "started_at": "2026-01-05T08:10:00Z",
                 "name": "%s", "check_suite": {"id": 5}, "app": {"id": 1, "slug": "github-actions"}}
                """.formatted(id, HEAD_SHA, REPO, id, REPO, id, status,
                conclusion == null ? "null" : "\"" + conclusion + "\"", name);
    }

    static String combinedStatus(String state, String... statuses) {
        return """
                {"state": "%s", "statuses": [%s], "sha": "%s", "total_count": %d,
                 "repository": {"id": 1296269, "full_name": "%s"},
                 "commit_url": "https://api.github.com/repos/%s/commits/%s"}
                """.formatted(state, String.join(",", statuses), HEAD_SHA, statuses.length, REPO, REPO, HEAD_SHA);
    }

    static String status(String context, String state) {
        return """
                {"url": "https://api.github.com/repos/%s/statuses/%s", "id": 1, "state": "%s",
                 "description": "Build has completed", "target_url": "https://ci.example.com/%s",
                 "context": "%s", "created_at": "2026-01-05T08:10:00Z"}
                """.formatted(REPO, HEAD_SHA, state, context, context);
    }

    static String workflowRun(long id, String status, String conclusion) {
        return """
                {"id": %1$d, "name": "Backend deploy", "node_id": "MDEyOldvcmtmbG93IFJ1bjI2OTI4OQ==",
                 "head_branch": "main", "head_sha": "%2$s", "path": ".github/workflows/backend-deploy.yml@main",
                 "run_number": 562, "event": "push", "status": "%3$s", "conclusion": %4$s, "workflow_id": 159038,
                 "url": "https://api.github.com/repos/%5$s/actions/runs/%1$d",
                 "html_url": "https://github.com/%5$s/actions/runs/%1$d", "run_attempt": 1,
                 "created_at": "2026-01-05T09:00:30Z", "updated_at": "2026-01-05T09:00:40Z"}
                """.formatted(id, MERGE_SHA, status, conclusion == null ? "null" : "\"" + conclusion + "\"", REPO);
    }

    /**
     * A run of the approval workflow for {@code releaseId}'s step to {@code weight}%, titled by the documented
     * {@code run-name: "Approve ${{ inputs.release_id }} to ${{ inputs.weight }}%"}.
     */
    static String approvalRun(long id, String releaseId, int weight, String status, String conclusion) {
        return """
                {"id": %1$d, "name": "Release approval", "display_title": "Approve %2$s to %3$d%%",
                 "node_id": "MDEyOldvcmtmbG93IFJ1bjI2OTI4OQ==", "head_branch": "main", "head_sha": "%4$s",
                 "path": ".github/workflows/release-approval.yml@main", "run_number": 17, "event": "workflow_dispatch",
                 "status": "%5$s", "conclusion": %6$s, "workflow_id": 161335,
                 "url": "https://api.github.com/repos/%7$s/actions/runs/%1$d",
                 "html_url": "https://github.com/%7$s/actions/runs/%1$d", "run_attempt": 1,
                 "actor": {"login": "release-bot", "id": 9}, "triggering_actor": {"login": "release-bot", "id": 9},
                 "created_at": "2026-01-05T09:14:02Z", "updated_at": "2026-01-05T09:14:09Z"}
                """.formatted(id, releaseId, weight, MERGE_SHA, status,
                conclusion == null ? "null" : "\"" + conclusion + "\"", REPO);
    }

    /** An entry of a run's review history ({@code GET .../actions/runs/{id}/approvals}), as in GitHub's example. */
    static String environmentApproval(String state, String login, String environment, String comment) {
        return """
                {"state": "%1$s", "comment": "%4$s",
                 "environments": [{"id": 161088068, "node_id": "MDExOkVudmlyb25tZW50MTYxMDg4MDY4", "name": "%3$s",
                   "url": "https://api.github.com/repos/%5$s/environments/%3$s",
                   "html_url": "https://github.com/%5$s/deployments/activity_log?environments_filter=%3$s",
                   "created_at": "2020-11-23T22:00:40Z", "updated_at": "2020-11-23T22:00:40Z"}],
                 "user": {"login": "%2$s", "id": 583231, "node_id": "MDQ6VXNlcjE=", "type": "User", "site_admin": false,
                   "html_url": "https://github.com/%2$s"}}
                """.formatted(state, login, environment, comment, REPO);
    }

    /** A run's deployment waiting for {@code environment}'s reviewers ({@code GET .../pending_deployments}). */
    static String pendingDeployment(String environment) {
        return """
                {"environment": {"id": 161088068, "node_id": "MDExOkVudmlyb25tZW50MTYxMDg4MDY4", "name": "%1$s",
                   "url": "https://api.github.com/repos/%2$s/environments/%1$s",
                   "html_url": "https://github.com/%2$s/deployments/activity_log?environments_filter=%1$s"},
                 "wait_timer": 0, "wait_timer_started_at": null, "current_user_can_approve": false,
                 "reviewers": [{"type": "User", "reviewer": {"login": "alice", "id": 1, "type": "User"}},
                               {"type": "Team", "reviewer": {"id": 1, "name": "Release managers",
                                 "slug": "release-managers", "node_id": "MDQ6VGVhbTE="}}]}
                """.formatted(environment, REPO);
    }

    /** The repository ({@code GET /repos/o/r}), with its default branch. */
    static String repository(String defaultBranch) {
        return """
                {"id": 1296269, "node_id": "MDEwOlJlcG9zaXRvcnkxMjk2MjY5", "name": "trade-nexus", "full_name": "%s",
                 "owner": {"login": "octo-org", "id": 1, "type": "Organization"}, "private": true,
                 "html_url": "https://github.com/%s", "default_branch": "%s", "visibility": "private"}
                """.formatted(REPO, REPO, defaultBranch);
    }

    static String workflowRuns(String... runs) {
        return "{\"total_count\": " + runs.length + ", \"workflow_runs\": [" + String.join(",", runs) + "]}";
    }

    static String issue(long id, int number, String title, String label, boolean pullRequest) {
        return """
                {"id": %d, "node_id": "MDU6SXNzdWUx", "url": "https://api.github.com/repos/%s/issues/%d",
                 "html_url": "https://github.com/%s/issues/%d", "number": %d, "state": "open", "title": "%s",
                 "user": {"login": "octocat", "id": 1}, "labels": [{"id": 1, "name": "%s"}],
                 "created_at": "2026-01-05T07:00:00Z", "updated_at": "2026-01-05T07:30:00Z"%s}
                """.formatted(id, REPO, number, REPO, number, number, title, label,
                pullRequest ? ", \"pull_request\": {\"url\": \"https://api.github.com/repos/" + REPO + "/pulls/"
                        + number + "\"}" : "");
    }

    static String array(String... items) {
        return "[" + String.join(",", items) + "]";
    }
}
