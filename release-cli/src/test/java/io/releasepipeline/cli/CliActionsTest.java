package io.releasepipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.spi.TrafficWeights;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code release promote --event}: a recorded payload of each GitHub Actions trigger (as GitHub documents it,
 * trimmed; under {@code src/test/resources/github-events}) fed to the CLI in-process, with the real GitHub client
 * against WireMock and the local platform. Also the runner-disk warning and a cancel's signal.
 */
class CliActionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** What a GitHub-hosted runner sets, and nothing else (no GITHUB_ACTIONS: no warning unless a test asks). */
    private static final Map<String, String> NO_ENV = Map.of();

    @TempDir
    Path dir;
    CliWorld world;
    private final List<java.util.function.Consumer<String>> handlers = new ArrayList<>();
    /** Signals the test sends itself: each handler registered, called on a thread of its own as the JVM does. */
    private final CliContext.Signals signals = handler -> {
        synchronized (handlers) {
            handlers.add(handler);
        }
        return () -> {
            synchronized (handlers) {
                handlers.remove(handler);
            }
        };
    };

    /**
     * These tests are about which pull request an event releases, not about rollbacks: triggers that a loaded
     * machine cannot trip inside the 800 ms observation.
     */
    private static final String UNHURRIED_TRIGGERS = """
            rollback:
              smoke:
                failingFor: 10s
                interval: 200ms
              health:
                downFor: 10s
                interval: 200ms
                timeout: 2s
              errorRate:
                enabled: false
            """;

    @BeforeEach
    void start() {
        world = new CliWorld(dir).withYaml(UNHURRIED_TRIGGERS);
    }

    @AfterEach
    void stop() {
        world.close();
    }

    /** A recorded payload, copied to the temp dir; {@code edit} may change it first. */
    private Path payload(String name, Consumer<ObjectNode> edit) {
        try (InputStream in = getClass().getResourceAsStream("/github-events/" + name)) {
            ObjectNode event = (ObjectNode) JSON.readTree(in);
            edit.accept(event);
            Path file = dir.resolve(name);
            Files.write(file, JSON.writeValueAsBytes(event));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path payload(String name) {
        return payload(name, e -> { });
    }

    private CliWorld.Run promote(String eventName, Path payload, String... more) {
        List<String> args = new ArrayList<>(List.of("promote", "--config", world.config().toString(), "--event",
                payload.toString(), "--output", "json"));
        args.addAll(List.of(more));
        return world.run(Map.of("GITHUB_EVENT_NAME", eventName), signals, args.toArray(String[]::new));
    }

    private static JsonNode parse(CliWorld.Run run) throws IOException {
        return JSON.readTree(run.out());
    }

    private void assertNoSideEffect() {
        assertThat(world.served("PUT", ".*")).as("merges").isZero();
        assertThat(world.served("POST", ".*")).as("comments, deployments").isZero();
        assertThat(world.served("GET", ".*/pulls/\\d+")).as("pull request reads").isZero();
        assertThat(world.platform.traffic().weights()).isEqualTo(TrafficWeights.all("v1"));
        assertThat(world.evidence.latest(CliWorld.APP, 10)).extracting(ReleaseRecord::releaseId)
                .containsExactly("pr100-previous");
        assertThat(world.evidence.currentLock(CliWorld.APP)).isEmpty();
    }

    @Nested
    @DisplayName("pre-merge: a person asks, then gates, merge, deploy run, traffic")
    class PreMerge {

        @Test
        @DisplayName("workflow_dispatch with input pr: the open pull request is merged and promoted (exit 0)")
        void dispatch() throws Exception {
            world.mergeablePullRequest(CliWorld.PR, "success");

            CliWorld.Run run = promote("workflow_dispatch", payload("workflow_dispatch.json"));

            assertThat(run.exitCode()).as(run.toString()).isZero();
            JsonNode doc = parse(run);
            assertThat(doc.path("trigger").asText()).isEqualTo("workflow_dispatch by alice for #123");
            assertThat(doc.path("outcome").asText()).isEqualTo("PROMOTED");
            assertThat(doc.path("record").path("mode").asText()).isEqualTo("PRE_MERGE");
            assertThat(world.served("PUT", ".*/pulls/123/merge")).isEqualTo(1);
            assertThat(world.platform.traffic().weights()).isEqualTo(TrafficWeights.all("v2"));
        }

        @Test
        @DisplayName("a dispatch whose input is not a pull request number is bad usage (64), before any side effect")
        void dispatchWithoutANumber() {
            world.mergeablePullRequest(CliWorld.PR, "success");

            CliWorld.Run run = promote("workflow_dispatch", payload("workflow_dispatch.json",
                    e -> ((ObjectNode) e.path("inputs")).put("pr", "latest")));

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.USAGE);
            assertThat(run.err()).contains("the workflow_dispatch input 'pr' must be a pull request number, got 'latest'");
            assertNoSideEffect();
        }

        @Test
        @DisplayName("/release from someone with write permission (maintain role): promoted (exit 0)")
        void commentFromAMaintainer() throws Exception {
            world.mergeablePullRequest(CliWorld.PR, "success").collaborator("alice", "write", "maintain");

            CliWorld.Run run = promote("issue_comment", payload("issue_comment.json"));

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(parse(run).path("trigger").asText()).isEqualTo("/release on #123 by @alice (maintain)");
            assertThat(world.served("GET", ".*/collaborators/alice/permission")).as("the trigger's check, then the "
                    + "reviews gate's (alice also approved)").isEqualTo(2);
            assertThat(world.platform.traffic().weights()).isEqualTo(TrafficWeights.all("v2"));
        }

        @Test
        @DisplayName("/release from someone with triage (read) permission: refused, exit 77, nothing done")
        void commentFromAnOutsiderIsRefused() throws Exception {
            world.mergeablePullRequest(CliWorld.PR, "success").collaborator("mallory", "read", "triage");

            CliWorld.Run run = promote("issue_comment", payload("issue_comment-outsider.json"));

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.NOT_PERMITTED);
            assertThat(run.err()).contains("refused: @mallory asked for a release of #123 but has 'triage' permission",
                    "/release needs write, maintain or admin");
            assertThat(parse(run).path("released").asBoolean(true)).isFalse();
            assertNoSideEffect();
        }

        @Test
        @DisplayName("/release from someone GitHub does not know as a collaborator (404): refused as 'none', exit 77")
        void commentFromAStrangerIsRefused() {
            world.mergeablePullRequest(CliWorld.PR, "success");

            CliWorld.Run run = promote("issue_comment", payload("issue_comment-outsider.json"));

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.NOT_PERMITTED);
            assertThat(run.err()).contains("@mallory", "has 'none' permission");
            assertNoSideEffect();
        }

        @ParameterizedTest(name = "permission {0}, role {1}")
        @CsvSource({"write, write", "write, maintain", "admin, admin", "write, release-manager"})
        @DisplayName("/release from a person with write, maintain or admin (or a custom role built on write): accepted, "
                + "the commenter is asked of GitHub, promoted (exit 0)")
        void commentAccepted(String permission, String role) throws Exception {
            world.mergeablePullRequest(CliWorld.PR, "success").collaborator("mallory", permission, role);

            CliWorld.Run run = promote("issue_comment", payload("issue_comment-outsider.json"));

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(parse(run).path("trigger").asText()).isEqualTo("/release on #123 by @mallory (" + role + ")");
            assertThat(world.served("GET", ".*/collaborators/mallory/permission")).isEqualTo(1);
            assertThat(world.served("PUT", ".*/pulls/123/merge")).isEqualTo(1);
            assertThat(world.platform.traffic().weights()).isEqualTo(TrafficWeights.all("v2"));
        }

        @ParameterizedTest(name = "permission {0}, role {1}")
        @CsvSource({"read, read", "read, triage", "none, none"})
        @DisplayName("/release from someone with read, triage or no permission: refused, exit 77, no merge, no "
                + "deployment, no comment")
        void commentRefused(String permission, String role) throws Exception {
            world.mergeablePullRequest(CliWorld.PR, "success").collaborator("mallory", permission, role);

            CliWorld.Run run = promote("issue_comment", payload("issue_comment-outsider.json"));

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.NOT_PERMITTED);
            assertThat(run.err()).contains("refused: @mallory asked for a release of #123 but has '" + role
                    + "' permission on the repository; /release needs write, maintain or admin. Nothing was done");
            assertThat(parse(run).path("refused").asText()).contains("@mallory", "'" + role + "'");
            assertNoSideEffect();
        }

        @Test
        @DisplayName("/release when GitHub will not say the commenter's permission (403): exit 69, a message naming "
                + "the person and the call, nothing done")
        void commentPermissionUnreadable() throws Exception {
            world.mergeablePullRequest(CliWorld.PR, "success");
            world.github.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                    com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(CliWorld.API
                            + "/collaborators/mallory/permission")).willReturn(
                    com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(403)
                            .withHeader("Content-Type", "application/json; charset=utf-8")
                            .withBody("{\"message\": \"Resource not accessible by integration\", "
                                    + "\"documentation_url\": \"https://docs.github.com/rest\", \"status\": \"403\"}")));

            CliWorld.Run run = promote("issue_comment", payload("issue_comment-outsider.json"));

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.UNAVAILABLE);
            assertThat(run.err()).contains("could not check whether @mallory may ask for a release of #123, so nothing "
                    + "was done", "collaborators/mallory/permission", "403", "Resource not accessible by integration",
                    "/release needs write, maintain or admin").doesNotContain(CliWorld.TOKEN);
            assertThat(parse(run).path("error").asText()).contains("@mallory");
            assertNoSideEffect();
        }

        @Test
        @DisplayName("a deleted /release comment, one on an issue, or one by a bot asks for nothing (exit 0), without "
                + "asking GitHub")
        void notTriggers() throws Exception {
            world.mergeablePullRequest(CliWorld.PR, "success").collaborator("alice", "admin", "admin");

            CliWorld.Run deleted = promote("issue_comment", payload("issue_comment.json",
                    e -> e.put("action", "deleted")));
            CliWorld.Run onIssue = promote("issue_comment", payload("issue_comment.json",
                    e -> ((ObjectNode) e.path("issue")).remove("pull_request")));
            CliWorld.Run byBot = promote("issue_comment", payload("issue_comment.json", e -> {
                ObjectNode user = (ObjectNode) e.path("comment").path("user");
                user.put("login", "release-helper[bot]").put("type", "Bot");
                ((ObjectNode) e.path("sender")).put("login", "release-helper[bot]").put("type", "Bot");
            }));

            for (CliWorld.Run run : List.of(deleted, onIssue, byBot)) {
                assertThat(run.exitCode()).as(run.toString()).isZero();
                assertThat(parse(run).path("released").asBoolean(true)).isFalse();
            }
            assertThat(parse(deleted).path("reason").asText()).isEqualTo("the comment on #123 was deleted; only a new "
                    + "/release comment asks for a release");
            assertThat(parse(onIssue).path("reason").asText()).isEqualTo("#123 is an issue, not a pull request");
            assertThat(parse(byBot).path("reason").asText()).isEqualTo("the /release comment on #123 is by a bot "
                    + "(release-helper[bot]); only a person asks for a release");
            assertThat(world.served("GET", ".*/collaborators/.*")).isZero();
            assertNoSideEffect();
        }

        @Test
        @DisplayName("a comment that is not /release, or an edited one, asks for nothing (exit 0), without asking GitHub")
        void otherComments() throws Exception {
            world.mergeablePullRequest(CliWorld.PR, "success");

            CliWorld.Run chat = promote("issue_comment", payload("issue_comment.json",
                    e -> ((ObjectNode) e.path("comment")).put("body", "/release please, when ready")));
            CliWorld.Run edited = promote("issue_comment", payload("issue_comment.json", e -> e.put("action", "edited")));

            assertThat(chat.exitCode()).as(chat.toString()).isZero();
            assertThat(parse(chat).path("released").asBoolean(true)).isFalse();
            assertThat(parse(chat).path("reason").asText()).isEqualTo("the comment on #123 is not /release");
            assertThat(edited.exitCode()).isZero();
            assertThat(edited.out()).contains("was edited");
            assertThat(world.served("GET", ".*/collaborators/.*")).isZero();
            assertNoSideEffect();
        }
    }

    @Nested
    @DisplayName("post-merge: merged in GitHub's UI, picked up at the merge commit's deploy run")
    class PostMerge {

        @Test
        @DisplayName("workflow_run of the deploy workflow (completed, success): promoted without merging (exit 0)")
        void workflowRun() throws Exception {
            world.mergedPullRequest(CliWorld.PR);

            CliWorld.Run run = promote("workflow_run", payload("workflow_run.json"));

            assertThat(run.exitCode()).as(run.toString()).isZero();
            JsonNode doc = parse(run);
            assertThat(doc.path("trigger").asText()).contains("deploy run", "30433642", "(completed)",
                    "commit e5bd391 of pull request #123");
            assertThat(doc.path("record").path("mode").asText()).isEqualTo("POST_MERGE");
            assertThat(doc.path("gates").get(0).path("reason").asText()).contains("could not stop the merge");
            assertThat(world.served("PUT", ".*")).isZero();
            assertThat(world.platform.traffic().weights()).isEqualTo(TrafficWeights.all("v2"));
        }

        @Test
        @DisplayName("push to main: the pushed commit's pull request is promoted (exit 0)")
        void push() throws Exception {
            world.mergedPullRequest(CliWorld.PR);

            CliWorld.Run run = promote("push", payload("push.json"));

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(parse(run).path("record").path("mode").asText()).isEqualTo("POST_MERGE");
            assertThat(world.platform.traffic().weights()).isEqualTo(TrafficWeights.all("v2"));
        }

        @Test
        @DisplayName("pull_request closed and merged: promoted post-merge (exit 0)")
        void pullRequestClosed() throws Exception {
            world.mergedPullRequest(CliWorld.PR);

            CliWorld.Run run = promote("pull_request", payload("pull_request-closed.json"));

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(parse(run).path("record").path("mode").asText()).isEqualTo("POST_MERGE");
        }

        @Test
        @DisplayName("a gate failing after the merge: exit 2, no traffic to the new revision, a note on the pull request")
        void aFailingGateAfterTheMerge() throws Exception {
            world.mergedPullRequest(CliWorld.PR).openIncident("SEV-1");

            CliWorld.Run run = promote("workflow_run", payload("workflow_run.json"));

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.GATES_FAILED);
            assertThat(world.platform.traffic().weights().withoutZeros()).isEqualTo(TrafficWeights.all("v1"));
            assertThat(world.served("POST", ".*/issues/123/comments")).isEqualTo(1);
            assertThat(run.err()).contains("did not pass after the merge");
        }

        @Test
        @DisplayName("a commit from no pull request (a direct push): nothing to release, exit 0, nothing done")
        void directPush() throws Exception {
            world.commitWithoutPullRequest(CliWorld.MERGE_SHA);

            CliWorld.Run run = promote("push", payload("push.json"));

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(parse(run).path("reason").asText()).contains("came from no merged pull request");
            assertNoSideEffect();
        }

        @Test
        @DisplayName("a deploy run that failed, or one started by something else than a push to main: nothing to release")
        void deployRunsThatReleaseNothing() {
            CliWorld.Run failed = promote("workflow_run", payload("workflow_run.json",
                    e -> ((ObjectNode) e.path("workflow_run")).put("conclusion", "failure")));
            CliWorld.Run dispatched = promote("workflow_run", payload("workflow_run.json",
                    e -> ((ObjectNode) e.path("workflow_run")).put("event", "workflow_dispatch")));

            assertThat(failed.exitCode()).as(failed.toString()).isZero();
            assertThat(failed.out()).contains("ended failure: nothing was deployed");
            assertThat(dispatched.exitCode()).isZero();
            assertThat(dispatched.out()).contains("was started by workflow_dispatch on main, not by a push to main");
            assertNoSideEffect();
        }

        @Test
        @DisplayName("workflow_run of another workflow than github.deployWorkflow is a configuration error (64)")
        void anotherWorkflow() {
            CliWorld.Run run = promote("workflow_run", payload("workflow_run.json",
                    e -> ((ObjectNode) e.path("workflow_run")).put("path", ".github/workflows/ci.yml")));

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.USAGE);
            assertThat(run.err()).contains(".github/workflows/ci.yml", "github.deployWorkflow is backend-deploy.yml");
            assertNoSideEffect();
        }

        @Test
        @DisplayName("an event from another repository, or an event name it does not handle, is refused (64)")
        void wrongRepositoryOrEvent() {
            CliWorld.Run otherRepo = promote("push", payload("push.json",
                    e -> ((ObjectNode) e.path("repository")).put("full_name", "someone/fork")));
            CliWorld.Run release = promote("release", payload("push.json"));

            assertThat(otherRepo.exitCode()).isEqualTo(ReleaseCli.USAGE);
            assertThat(otherRepo.err()).contains("from repository 'someone/fork'",
                    "github.repository is 'octo-org/trade-nexus'");
            assertThat(release.exitCode()).isEqualTo(ReleaseCli.USAGE);
            assertThat(release.err()).contains("does not handle 'release' events");
            assertNoSideEffect();
        }
    }

    @Nested
    @DisplayName("on a runner")
    class OnARunner {

        @Test
        @DisplayName("GITHUB_ACTIONS=true with a file evidence store: one warning line on stderr, with the fix")
        void warnsAboutTheDiscardedDisk() {
            Map<String, String> actions = Map.of("GITHUB_ACTIONS", "true");

            CliWorld.Run files = world.run(actions, signals, "status", "--config", world.config().toString());
            CliWorld.Run blob = world.run(actions, signals, "status", "--config", world.write("blob.yaml",
                    world.yaml().replaceAll("(?m)^  directory: .*$", "  blob:\n    connectionStringVariable: "
                            + "EVIDENCE_CONNECTION")).toString());
            CliWorld.Run local = world.run(NO_ENV, signals, "status", "--config", world.config().toString());

            assertThat(files.exitCode()).as(files.toString()).isZero();
            assertThat(files.err().lines().filter(l -> l.contains("warning"))).singleElement().satisfies(l -> assertThat(l)
                    .contains("on a GitHub Actions runner, whose disk is discarded after the job", "set evidence.blob"));
            assertThat(blob.err()).as(blob.toString()).doesNotContain("warning")
                    .contains("EVIDENCE_CONNECTION is not set");
            assertThat(local.err()).doesNotContain("warning");
        }

        @Test
        @DisplayName("--json-file keeps the live text on stdout (the CI log) and writes the JSON document for the artifact")
        void jsonFile() throws Exception {
            world.mergedPullRequest(CliWorld.PR);
            Path result = dir.resolve("release-result.json");

            CliWorld.Run run = world.run(Map.of("GITHUB_EVENT_NAME", "push"), signals, "promote", "--config",
                    world.config().toString(), "--event", payload("push.json").toString(), "--json-file",
                    result.toString());

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).contains("Releasing pull request #123 (push to main", "revision v2 is ready",
                    "PROMOTED");
            JsonNode doc = JSON.readTree(result.toFile());
            assertThat(doc.path("outcome").asText()).isEqualTo("PROMOTED");
            assertThat(doc.path("record").path("mode").asText()).isEqualTo("POST_MERGE");
        }

        @Test
        @DisplayName("an empty history fails the stability gate (2) unless --first-release declares it, which is recorded")
        void firstRelease() throws Exception {
            world.withoutHistory().mergeablePullRequest(CliWorld.PR, "success");

            CliWorld.Run gates = world.run("gates", "--config", world.config().toString(), "--pr", "123");
            CliWorld.Run gatesFirst = world.run("gates", "--config", world.config().toString(), "--pr", "123",
                    "--first-release");
            assertThat(gates.exitCode()).as(gates.toString()).isEqualTo(ReleaseCli.GATES_FAILED);
            assertThat(gatesFirst.exitCode()).as(gatesFirst.toString()).isZero();

            CliWorld.Run refused = world.run("promote", "--config", world.config().toString(), "--pr", "123",
                    "--release-id", "pr123-attempt1");
            CliWorld.Run first = world.run("promote", "--config", world.config().toString(), "--pr", "123",
                    "--release-id", "pr123-attempt2", "--first-release", "--output", "json");

            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ReleaseCli.GATES_FAILED);
            assertThat(refused.out()).contains("no previous release of backend on record", "--first-release");
            assertThat(first.exitCode()).as(first.toString()).isZero();
            assertThat(parse(first).path("record").path("firstRelease").asBoolean()).isTrue();
        }

        @Test
        @DisplayName("a cancel's signal stops the release in flight, which ends ABORTED with one summary line; resume "
                + "then has nothing left")
        void aSignalStopsTheRelease() throws Exception {
            world.mergeablePullRequest(CliWorld.PR, "success");
            List<Thread> fired = new ArrayList<>();
            // The runner's SIGINT arrives just after the merge, while the release waits for the deploy run.
            world.github.addMockServiceRequestListener((request, response) -> {
                if (request.getUrl().endsWith("/merge")) {
                    synchronized (handlers) {
                        handlers.forEach(h -> {
                            Thread t = new Thread(() -> h.accept("INT"));
                            t.start();
                            fired.add(t);
                        });
                    }
                }
            });

            CliWorld.Run run = world.run(NO_ENV, signals, "promote", "--config", world.config().toString(), "--pr",
                    "123", "--release-id", "gh-8812345-1", "--output", "json");
            for (Thread signal : fired) {
                signal.join();
            }

            assertThat(fired).hasSize(1);
            assertThat(handlers).as("the handler is removed once the release ended").isEmpty();
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.ABORTED);
            assertThat(parse(run).path("record").path("notes").toString()).contains("received a termination signal",
                    "SIGINT");
            assertThat(parse(run).path("cancelledBy").asText()).isEqualTo("SIGINT");
            assertThat(run.err().lines().filter(l -> l.startsWith("release promote: cancelled by SIGINT")))
                    .singleElement().asString()
                    .contains("release gh-8812345-1 ABORTED", "traffic: unchanged (v1 at 100%)", "evidence: ");
            assertThat(world.evidence.currentLock(CliWorld.APP)).isEmpty();
            assertThat(world.platform.traffic().weights().withoutZeros()).isEqualTo(TrafficWeights.all("v1"));

            CliWorld.Run resume = world.run(NO_ENV, signals, "resume", "--config", world.config().toString(),
                    "--release", "gh-8812345-1");
            CliWorld.Run never = world.run(NO_ENV, signals, "resume", "--config", world.config().toString(),
                    "--release", "gh-8812399-1", "--if-started");
            CliWorld.Run unknown = world.run(NO_ENV, signals, "resume", "--config", world.config().toString(),
                    "--release", "gh-8812399-1");

            assertThat(resume.exitCode()).as(resume.toString()).isEqualTo(ReleaseCli.ABORTED);
            assertThat(never.exitCode()).as(never.toString()).isZero();
            assertThat(never.out()).contains("Nothing to resume: release gh-8812399-1", "never started");
            assertThat(unknown.exitCode()).as("without --if-started an unknown release is a usage error")
                    .isEqualTo(ReleaseCli.USAGE);
        }
    }

    /** Signals that arrive at once: the handler is called on a thread of its own as soon as it is registered. */
    @Nested
    @DisplayName("a signal before the release holds its lock")
    class EarlySignal {

        private final List<Thread> fired = new ArrayList<>();
        private final CliContext.Signals early = handler -> {
            Thread t = new Thread(() -> handler.accept("TERM"));
            synchronized (fired) {
                fired.add(t);
            }
            t.start();
            return () -> { };
        };

        @Test
        @DisplayName("is applied once the release has taken the lock: ABORTED after the gates, nothing merged, exit 5")
        void appliedOnceTheReleaseRuns() throws Exception {
            world.mergeablePullRequest(CliWorld.PR, "success");

            CliWorld.Run run = world.run(NO_ENV, early, "promote", "--config", world.config().toString(), "--pr",
                    "123", "--release-id", "gh-8812346-1");
            synchronized (fired) {
                for (Thread signal : fired) {
                    signal.join();
                }
            }

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.ABORTED);
            assertThat(run.err()).contains("release promote: SIGTERM received: stopping the release",
                    "release promote: cancelled by SIGTERM: release gh-8812346-1 ABORTED");
            assertThat(world.served("PUT", ".*")).as("merges").isZero();
            assertThat(world.platform.traffic().weights()).isEqualTo(TrafficWeights.all("v1"));
            assertThat(world.evidence.read(CliWorld.APP, "gh-8812346-1")).get()
                    .satisfies(r -> assertThat(r.outcome()).isEqualTo(io.releasepipeline.evidence.ReleaseOutcome.ABORTED));
            assertThat(world.evidence.currentLock(CliWorld.APP)).isEmpty();
        }
    }

    /** Another process took the lock over while this one ran: it stops before acting again and says what to do. */
    @Test
    @DisplayName("a lock lost mid-release: stopped before its next side effect, exit 75, told how it is finished")
    void lockLostMidRelease() throws Exception {
        world.mergeablePullRequest(CliWorld.PR, "success");
        // The moment the merge is answered, the lock is broken (what `release resume --force` elsewhere does).
        world.github.addMockServiceRequestListener((request, response) -> {
            if (request.getUrl().endsWith("/merge") && response.getStatus() == 200) {
                world.evidence.breakLock(CliWorld.APP, "gh-8812347-1");
            }
        });

        CliWorld.Run run = world.run("promote", "--config", world.config().toString(), "--pr", "123",
                "--release-id", "gh-8812347-1");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.IN_PROGRESS);
        assertThat(run.err()).contains("lost the app's release lock", "its new holder finishes it",
                "release resume --release gh-8812347-1");
        assertThat(world.platform.traffic().weights()).as("no traffic moved after the lock was lost")
                .isEqualTo(TrafficWeights.all("v1"));
        assertThat(world.evidence.journal(CliWorld.APP, "gh-8812347-1")).extracting(e -> e.state())
                .as("nothing journaled after the merge").last().isEqualTo("MERGING");
    }

    /** Every recorded payload parses and names the test repository: the fixtures stay realistic and in step. */
    @Test
    void fixturesAreFromTheTestRepository() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/github-events"))) {
            for (Path f : files.toList()) {
                assertThat(JSON.readTree(f.toFile()).path("repository").path("full_name").asText()).as(f.toString())
                        .isEqualTo(CliWorld.REPO);
            }
        }
    }
}
