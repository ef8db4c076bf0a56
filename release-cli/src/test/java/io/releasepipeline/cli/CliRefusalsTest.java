package io.releasepipeline.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.releasepipeline.evidence.JournalEntry;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.testkit.local.RevisionServer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the CLI refuses, and with which exit code: a smoke check of a revision it cannot reach alone, names that do
 * not exist (64, listing what does), a rollback the platform cannot carry out in Single revision mode (refused before
 * any change, already at the gates and in a dry run), and one rule for a provider that cannot be used (69).
 */
class CliRefusalsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    CliWorld world;

    @BeforeEach
    void start() {
        world = new CliWorld(dir);
    }

    @AfterEach
    void stop() {
        world.close();
    }

    private String config() {
        return world.config().toString();
    }

    /** The CliWorld config with the smoke check aimed at the base URL (targetRevisionUrl: false). */
    private String baseUrlConfig() {
        return world.write("base-url.yaml", world.yaml().replace("targetRevisionUrl: true",
                "targetRevisionUrl: false")).toString();
    }

    private List<String> comments(int pr) {
        return world.github.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(CliWorld.API + "/issues/" + pr
                        + "/comments"))).stream().map(LoggedRequest::getBodyAsString).map(b -> {
                            try {
                                return JSON.readTree(b).path("body").asText();
                            } catch (Exception e) {
                                throw new AssertionError(e);
                            }
                        }).toList();
    }

    @Nested
    @DisplayName("smoke-check --revision")
    class SmokeCheckOfARevision {

        @Test
        @DisplayName("with targetRevisionUrl: false, a named revision is probed at its own URL, not at the base URL "
                + "answered by the revision serving traffic")
        void probesTheRevisionItself() throws Exception {
            world.platform.startRevision("v2", RevisionServer.Behaviour.FAILING);
            String v2 = world.platform.revision("v2").orElseThrow().url().orElseThrow();

            CliWorld.Run text = world.run("smoke-check", "--config", baseUrlConfig(), "--revision", "v2");
            CliWorld.Run json = world.run("smoke-check", "--config", baseUrlConfig(), "--revision", "v2",
                    "--output", "json");

            assertThat(text.exitCode()).as(text.toString()).isEqualTo(ReleaseCli.SMOKE_FAILED);
            assertThat(text.out()).contains("Smoke check of revision v2 at " + v2 + ":")
                    .containsPattern("FAIL +/health +500");
            assertThat(text.err()).contains("FAIL on v2");
            JsonNode doc = JSON.readTree(json.out());
            assertThat(doc.path("url").asText()).isEqualTo(v2);
            assertThat(doc.path("passed").asBoolean()).isFalse();
        }

        @Test
        @DisplayName("a revision without a URL of its own is refused (64) unless it serves all the traffic at the "
                + "base URL")
        void refusedWithoutItsOwnUrl() {
            world.platformLooks(PlatformView.Look.NO_REVISION_URLS);
            world.platform.startRevision("v2", RevisionServer.Behaviour.HEALTHY);

            CliWorld.Run v2 = world.run("smoke-check", "--config", baseUrlConfig(), "--revision", "v2");
            CliWorld.Run v1 = world.run("smoke-check", "--config", baseUrlConfig(), "--revision", "v1");

            assertThat(v2.exitCode()).as(v2.toString()).isEqualTo(ReleaseCli.USAGE);
            assertThat(v2.err()).contains("--revision v2: the platform gives this revision no URL of its own",
                    "answered by v1=100%", "nothing was checked");
            assertThat(v2.out()).doesNotContain("PASS");
            assertThat(v1.exitCode()).as(v1.toString()).isZero();
            assertThat(v1.out()).contains("Smoke check of revision v1 at " + world.platform.url());
        }

        @Test
        @DisplayName("a revision that does not exist is a usage error (64) listing the revisions")
        void unknownRevision() {
            world.platform.startRevision("v2", RevisionServer.Behaviour.HEALTHY);

            CliWorld.Run run = world.run("smoke-check", "--config", config(), "--revision", "v22");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.USAGE);
            assertThat(run.err()).contains("no revision 'v22' of backend", "its revisions (newest first): v2, v1");
        }
    }

    @Nested
    @DisplayName("names that do not exist are usage errors (64) that list what exists")
    class UnknownNames {

        @Test
        @DisplayName("rollback --to a typo: 64 with the revisions, nothing sent, nothing recorded (also --dry-run)")
        void rollbackToATypo() throws Exception {
            world.platform.startRevision("v2", RevisionServer.Behaviour.HEALTHY);
            world.platform.setTraffic(TrafficWeights.all("v2"));

            CliWorld.Run run = world.run("rollback", "--config", config(), "--to", "v1O", "--reason", "typo",
                    "--pr", "123", "--output", "json");
            CliWorld.Run dry = world.run("rollback", "--config", config(), "--to", "v1O", "--reason", "typo",
                    "--dry-run");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.USAGE);
            assertThat(run.err()).contains("no revision 'v1O' of backend; nothing was changed",
                    "its revisions (newest first): v2, v1");
            assertThat(JSON.readTree(run.out()).path("exitCode").asInt()).isEqualTo(ReleaseCli.USAGE);
            assertThat(dry.exitCode()).as(dry.toString()).isEqualTo(ReleaseCli.USAGE);
            assertThat(world.platform.traffic().weights()).isEqualTo(TrafficWeights.all("v2"));
            assertThat(world.evidence.latest(CliWorld.APP, 10)).as("only the release on record before")
                    .extracting(r -> r.releaseId()).containsExactly("pr100-previous");
            assertThat(world.evidence.journaledReleases(CliWorld.APP)).isEmpty();
            assertThat(world.served("POST", ".*")).isZero();
        }

        @Test
        @DisplayName("resume --release unknown: 64 listing the releases that can be resumed")
        void resumeAnUnknownRelease() {
            world.mergeablePullRequest(CliWorld.PR, "success");
            world.evidence.appendJournal(new JournalEntry(CliWorld.APP, "pr123-20260105-081500", 1, Instant.now(),
                    "STARTED", Map.of("pullRequest", "123", "environment", "production")));

            CliWorld.Run run = world.run("resume", "--config", config(), "--release", "pr123-2026010-081500");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.USAGE);
            assertThat(run.err()).contains("no release 'pr123-2026010-081500' of backend to resume",
                    "releases that can be resumed: pr123-20260105-081500");
            assertThat(world.served("PUT", ".*/merge")).isZero();
        }
    }

    @Nested
    @DisplayName("Single revision mode where the platform cannot move traffic")
    class SingleMode {

        @BeforeEach
        void v2ServesInSingleMode() {
            world.platform.startRevision("v2", RevisionServer.Behaviour.HEALTHY);
            world.platform.setTraffic(TrafficWeights.all("v2"));
            world.platformLooks(PlatformView.Look.SINGLE_MODE_WITHOUT_TRAFFIC_CONTROL);
        }

        @Test
        @DisplayName("rollback is refused before any change (4); the incident note says v2 still serves 100%")
        void rollbackRefusedBeforeAnyChange() {
            CliWorld.Run run = world.run("rollback", "--config", config(), "--to", "v1", "--reason", "v2 broken",
                    "--pr", "123");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.ROLLBACK_FAILED);
            assertThat(run.err()).contains("refused before any change", "single revision mode",
                    "azure.switchToMultipleRevisionMode: true");
            assertThat(run.err() + run.out()).doesNotContain("trying once more");
            assertThat(world.platform.traffic().weights()).isEqualTo(TrafficWeights.all("v2"));
            assertThat(comments(123)).singleElement().satisfies(note -> assertThat(note)
                    .contains("**Traffic now:** v2=100%", "**Failed revision:** `v2` (still serving 100% of traffic)")
                    .doesNotContain("kept, without traffic"));
        }

        @Test
        @DisplayName("rollback --dry-run already says it would be refused (4), and the gates fail (2)")
        void saidInTheDryRunAndAtTheGates() throws Exception {
            world.mergeablePullRequest(CliWorld.PR, "success");

            CliWorld.Run dry = world.run("rollback", "--config", config(), "--to", "v1", "--reason", "check",
                    "--dry-run", "--output", "json");
            CliWorld.Run gates = world.run("gates", "--config", config(), "--pr", "123");
            CliWorld.Run plan = world.run("promote", "--config", config(), "--pr", "123", "--dry-run");

            assertThat(dry.exitCode()).as(dry.toString()).isEqualTo(ReleaseCli.ROLLBACK_FAILED);
            JsonNode doc = JSON.readTree(dry.out());
            assertThat(doc.path("refused").asText()).contains("single revision mode", "traffic stays v2=100%");
            assertThat(doc.path("plan")).isEmpty();
            assertThat(gates.exitCode()).as(gates.toString()).isEqualTo(ReleaseCli.GATES_FAILED);
            assertThat(gates.out()).containsPattern("FAIL +platform-settled: a rollback could not move traffic back "
                    + "to v2");
            assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(ReleaseCli.GATES_FAILED);
            assertThat(plan.out()).contains("a rollback could not move traffic back");
            assertThat(world.served("PUT", ".*/merge")).isZero();
        }
    }

    @Nested
    @DisplayName("one rule: a provider that cannot be used exits 69, nothing changed")
    class ProviderCannotBeUsed {

        @Test
        @DisplayName("GitHub refuses the token: gates, promote and promote --dry-run exit 69, nothing merged")
        void githubRefusesTheToken() {
            world.mergeablePullRequest(CliWorld.PR, "success");
            world.github.stubFor(any(anyUrl()).atPriority(1).willReturn(aResponse().withStatus(401)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"message\": \"Bad credentials\", \"documentation_url\": "
                            + "\"https://docs.github.com/rest\"}")));

            CliWorld.Run gates = world.run("gates", "--config", config(), "--pr", "123");
            CliWorld.Run promote = world.run("promote", "--config", config(), "--pr", "123");
            CliWorld.Run dry = world.run("promote", "--config", config(), "--pr", "123", "--dry-run");

            assertThat(gates.exitCode()).as(gates.toString()).isEqualTo(ReleaseCli.UNAVAILABLE);
            assertThat(gates.out()).contains("ERROR", "rejected the token", "a provider could not be used");
            assertThat(promote.exitCode()).as(promote.toString()).isEqualTo(ReleaseCli.UNAVAILABLE);
            assertThat(dry.exitCode()).as(dry.toString()).isEqualTo(ReleaseCli.UNAVAILABLE);
            assertThat(gates.out() + gates.err() + promote.out() + promote.err()).doesNotContain(CliWorld.TOKEN);
            assertThat(world.served("PUT", ".*/merge")).isZero();
            assertThat(world.platform.traffic().weights()).isEqualTo(TrafficWeights.all("v1"));
        }

        @Test
        @DisplayName("Azure refuses the token: status, gates, rollback and smoke-check --revision exit 69, nothing "
                + "changed or recorded")
        void azureRefusesTheToken() {
            world.mergeablePullRequest(CliWorld.PR, "success");
            world.platformLooks(PlatformView.Look.TOKEN_REFUSED);

            CliWorld.Run status = world.run("status", "--config", config());
            CliWorld.Run gates = world.run("gates", "--config", config(), "--pr", "123");
            CliWorld.Run rollback = world.run("rollback", "--config", config(), "--reason", "panic", "--pr", "123");
            CliWorld.Run smoke = world.run("smoke-check", "--config", baseUrlConfig(), "--revision", "v1");

            assertThat(List.of(status, gates, rollback, smoke)).allSatisfy(run -> assertThat(run.exitCode())
                    .as(run.toString()).isEqualTo(ReleaseCli.UNAVAILABLE));
            assertThat(rollback.err()).contains("rejected the credential");
            assertThat(world.evidence.latest(CliWorld.APP, 10)).as("only the release on record before")
                    .extracting(r -> r.releaseId()).containsExactly("pr100-previous");
            assertThat(world.evidence.currentLock(CliWorld.APP)).isEmpty();
            assertThat(world.served("POST", ".*")).isZero();
        }
    }
}
