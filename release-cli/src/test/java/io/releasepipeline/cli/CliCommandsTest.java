package io.releasepipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.releasepipeline.evidence.JournalEntry;
import io.releasepipeline.evidence.LockOwner;
import io.releasepipeline.evidence.ReleaseLock;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.testkit.local.RevisionServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command of the CLI, run in-process against the local platform (real HTTP revision servers on 127.0.0.1)
 * and the real GitHub providers talking to WireMock, with each documented exit code.
 */
class CliCommandsTest {

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

    private static JsonNode parse(CliWorld.Run run) throws Exception {
        return JSON.readTree(run.out());
    }

    @Nested
    @DisplayName("release promote")
    class Promote {

        @Test
        @DisplayName("promotes a mergeable pull request end to end: exit 0, the new revision serves 100%, evidence written")
        void promotes() throws Exception {
            world.mergeablePullRequest(CliWorld.PR, "success");

            CliWorld.Run run = world.run("promote", "--config", config(), "--pr", "123");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.OK);
            assertThat(world.platform.traffic().weights()).isEqualTo(TrafficWeights.all("v2"));
            assertThat(run.out()).contains("gates passed", "merged #123", "revision v2 is ready", "PROMOTED");
            assertThat(world.served("PUT", ".*/pulls/123/merge")).isEqualTo(1);
            try (Stream<Path> files = Files.list(world.evidenceDir)) {
                assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.endsWith(".json"));
            }
            assertThat(run.out() + run.err()).doesNotContain(CliWorld.TOKEN);
        }

        @Test
        @DisplayName("--output json prints one document: outcome, release id, gates, traffic changes, evidence")
        void json() throws Exception {
            world.mergeablePullRequest(CliWorld.PR, "success");

            CliWorld.Run run = world.run("promote", "--config", config(), "--pr", "123", "--output", "json");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            JsonNode doc = parse(run);
            assertThat(doc.path("command").asText()).isEqualTo("promote");
            assertThat(doc.path("outcome").asText()).isEqualTo("PROMOTED");
            assertThat(doc.path("exitCode").asInt()).isZero();
            assertThat(doc.path("releaseId").asText()).isNotBlank();
            assertThat(doc.path("newRevision").asText()).isEqualTo("v2");
            assertThat(doc.path("gates")).hasSize(8);
            assertThat(doc.path("deploy").path("deploys").asBoolean()).isTrue();
            assertThat(doc.path("deploy").path("files").get(0).asText()).isEqualTo("backend/app/quotes.py");
            assertThat(doc.path("trafficChanges").get(0).path("to").path("weights").path("v2").asInt())
                    .isEqualTo(100);
            assertThat(Path.of(doc.path("evidence").asText())).exists();
        }

        @Test
        @DisplayName("exit 2 when a gate fails, naming it on stderr; nothing is merged")
        void gatesFail() {
            world.pullRequest(CliWorld.PR, List.of("lint", "typecheck", "tests"), "CHANGES_REQUESTED", "success");

            CliWorld.Run run = world.run("promote", "--config", config(), "--pr", "123");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.GATES_FAILED);
            assertThat(run.err()).contains("GATES_FAILED", "contract-governance", "nothing was changed");
            assertThat(world.served("PUT", ".*/merge")).isZero();
            assertThat(world.platform.traffic().weights()).isEqualTo(TrafficWeights.all("v1"));
        }

        @Test
        @DisplayName("exit 3 when the new revision fails and is rolled back; traffic is back on v1")
        void rolledBack() {
            world.mergeablePullRequest(CliWorld.PR, "success").nextDeployBehaves(RevisionServer.Behaviour.FAILING);

            CliWorld.Run run = world.run("promote", "--config", config(), "--pr", "123");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.ROLLED_BACK);
            assertThat(world.platform.traffic().weights().withoutZeros()).isEqualTo(TrafficWeights.all("v1"));
            assertThat(run.out()).contains("ROLLING BACK v2 -> v1");
            assertThat(world.served("POST", ".*/issues/123/comments")).isEqualTo(1);
        }

        @Test
        @DisplayName("exit 6 when a roll-forward-only release fails: traffic stays on v2, nothing is rolled back")
        void frozen() {
            world.mergeablePullRequest(CliWorld.PR, "success").nextDeployBehaves(RevisionServer.Behaviour.FAILING);

            CliWorld.Run run = world.run("promote", "--config", config(), "--pr", "123", "--roll-forward-only");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.FROZEN);
            assertThat(world.platform.traffic().weights().withoutZeros()).isEqualTo(TrafficWeights.all("v2"));
            assertThat(run.err()).contains("FROZEN", "PAGE SOMEONE", "roll forward");
            assertThat(world.served("POST", ".*/issues/123/comments")).isEqualTo(1);
        }

        @Test
        @DisplayName("exit 6 when a migration release (detected from migrations.paths) with no migration-rollback hook "
                + "fails under migrations.withoutRollbackHook: roll-forward-only")
        void migrationRollForwardOnly() throws Exception {
            world.withYaml("""
                    migrations:
                      paths: ['backend/**/migrations/**']
                      labels: [db-migration]
                      withoutRollbackHook: roll-forward-only
                    """).mergeablePullRequest(CliWorld.PR, "success")
                    .changes(CliWorld.PR, "backend/app/quotes.py", "backend/app/db/migrations/0042_currency.sql")
                    .nextDeployBehaves(RevisionServer.Behaviour.FAILING);

            CliWorld.Run run = world.run("promote", "--config", config(), "--pr", "123");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.FROZEN);
            assertThat(world.platform.traffic().weights().withoutZeros()).isEqualTo(TrafficWeights.all("v2"));
            io.releasepipeline.evidence.ReleaseRecord record = world.evidence.latest(CliWorld.APP, 1).get(0);
            assertThat(record.outcome()).isEqualTo(io.releasepipeline.evidence.ReleaseOutcome.FROZEN);
            assertThat(record.migration()).hasValueSatisfying(m -> {
                assertThat(m.files()).containsExactly("backend/app/db/migrations/0042_currency.sql "
                        + "(backend/**/migrations/**)");
                assertThat(m.rollForwardOnly()).isTrue();
            });
        }

        @Test
        @DisplayName("exit 4 when the rollback fails too (the previous revision is broken): page someone")
        void rollbackFails() {
            world.mergeablePullRequest(CliWorld.PR, "success").nextDeployBehaves(RevisionServer.Behaviour.FAILING);
            world.platform.server("v1").behaviour(RevisionServer.Behaviour.FAILING);

            CliWorld.Run run = world.run("promote", "--config", config(), "--pr", "123");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.ROLLBACK_FAILED);
            assertThat(run.err()).contains("ROLLBACK_FAILED", "PAGE SOMEONE");
        }

        @Test
        @DisplayName("exit 5 when the deploy run fails: aborted before traffic moved")
        void aborted() {
            world.mergeablePullRequest(CliWorld.PR, "failure");

            CliWorld.Run run = world.run("promote", "--config", config(), "--pr", "123");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.ABORTED);
            assertThat(world.platform.traffic().weights()).isEqualTo(TrafficWeights.all("v1"));
        }

        @Test
        @DisplayName("exit 0 when nothing is deployed: merged, NOTHING_TO_DEPLOY, no deploy run polled, no deployment, "
                + "traffic still on v1")
        void nothingToDeploy() throws Exception {
            world.mergeablePullRequest(CliWorld.PR, "success").changes(CliWorld.PR, "docs/runbook.md",
                    "frontend/src/quotes.ts");

            CliWorld.Run run = world.run("promote", "--config", config(), "--pr", "123", "--output", "json");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.OK);
            JsonNode doc = parse(run);
            assertThat(doc.path("outcome").asText()).isEqualTo("NOTHING_TO_DEPLOY");
            assertThat(doc.path("exitCode").asInt()).isZero();
            assertThat(doc.path("deploy").path("deploys").asBoolean()).isFalse();
            assertThat(doc.path("deploy").path("filter").asText()).isEqualTo(".github/workflows/backend-deploy.yml@main "
                    + "on.push.branches [main], on.push.paths [backend/**]");
            assertThat(doc.path("deploy").path("files").toString()).contains("docs/runbook.md", "frontend/src/quotes.ts");
            assertThat(doc.path("notes").get(0).asText()).contains("with nothing to deploy", "traffic was not touched");
            assertThat(doc.has("newRevision")).isFalse();
            assertThat(world.served("PUT", ".*/pulls/123/merge")).isEqualTo(1);
            assertThat(world.served("GET", ".*/actions/workflows/backend-deploy.yml/runs")).as("deploy run polls")
                    .isZero();
            assertThat(world.served("GET", ".*/actions/runs/.*")).isZero();
            assertThat(world.served("POST", ".*/deployments.*")).as("deployment records").isZero();
            assertThat(world.served("POST", ".*/comments")).isZero();
            assertThat(world.platform.traffic().weights()).isEqualTo(TrafficWeights.all("v1"));
            assertThat(world.platform.listRevisions()).extracting(r -> r.name()).containsExactly("v1");
            assertThat(Path.of(doc.path("evidence").asText())).exists();
            assertThat(run.err()).isEmpty();
        }

        @Test
        @DisplayName("exit 69 when the deploy workflow is missing: the deploy-filter check could not be evaluated and "
                + "names the file; nothing merged")
        void deployWorkflowMissing() {
            world.mergeablePullRequest(CliWorld.PR, "success").noDeployWorkflow();

            CliWorld.Run run = world.run("promote", "--config", config(), "--pr", "123");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.UNAVAILABLE);
            assertThat(run.err()).contains("deploy-filter", "the deploy workflow .github/workflows/backend-deploy.yml "
                    + "does not exist on main", "nothing was changed").doesNotContain(CliWorld.TOKEN);
            assertThat(world.served("PUT", ".*/merge")).isZero();
        }

        @Test
        @DisplayName("github.deployPaths decides instead of the workflow, which is then not read")
        void deployPathsFromTheConfig() throws Exception {
            world.withGitHubYaml("  deployPaths: ['backend/**', 'frontend/**']").mergeablePullRequest(CliWorld.PR,
                    "success").changes(CliWorld.PR, "frontend/src/quotes.ts").noDeployWorkflow();

            CliWorld.Run run = world.run("promote", "--config", config(), "--pr", "123", "--dry-run", "--output",
                    "json");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            JsonNode doc = parse(run);
            assertThat(doc.path("nothingToDeploy").asBoolean()).isFalse();
            assertThat(doc.path("deploy").path("filter").asText()).startsWith("deployPaths");
            assertThat(doc.path("plan").toString()).contains("github.deployPaths [backend/**, frontend/**]");
            assertThat(world.served("GET", ".*/contents/.*")).isZero();
        }

        @Test
        @DisplayName("exit 75 while another release holds the lock; unlock breaks it explicitly (0), then finds nothing (1)")
        void lockedThenUnlocked() {
            world.mergeablePullRequest(CliWorld.PR, "success");
            world.evidence.tryLock(CliWorld.APP, "rel-dead", LockOwner.random(), "ci-runner-7", Instant.now());

            CliWorld.Run locked = world.run("promote", "--config", config(), "--pr", "123");
            CliWorld.Run unlock = world.run("unlock", "--config", config(), "--release", "rel-dead");
            CliWorld.Run again = world.run("unlock", "--config", config(), "--release", "rel-dead");

            assertThat(locked.exitCode()).as(locked.toString()).isEqualTo(ReleaseCli.IN_PROGRESS);
            assertThat(locked.err()).contains("rel-dead", "ci-runner-7");
            assertThat(world.served("PUT", ".*/merge")).isZero();
            assertThat(unlock.exitCode()).as(unlock.toString()).isZero();
            assertThat(unlock.out()).contains("Broke the lock", "rel-dead", "ci-runner-7");
            assertThat(world.evidence.currentLock(CliWorld.APP)).isEmpty();
            assertThat(again.exitCode()).isEqualTo(ReleaseCli.SMOKE_FAILED);
            assertThat(again.err()).contains("does not hold the lock");
        }

        @Test
        @DisplayName("--dry-run says when the error-rate baseline is read, the recovery watch with its tolerance and "
                + "timeout, and whether the release is judged a migration release (which rule matched)")
        void dryRunBaselineRecoveryAndMigration() throws Exception {
            world.withYaml("""
                    migrations:
                      paths: ['backend/**/migrations/**']
                    """).mergeablePullRequest(CliWorld.PR, "success")
                    .changes(CliWorld.PR, "backend/app/quotes.py", "backend/app/db/migrations/0042_currency.sql");

            CliWorld.Run text = world.run("promote", "--config", config(), "--pr", "123", "--dry-run");
            CliWorld.Run json = world.run("promote", "--config", config(), "--pr", "123", "--dry-run", "--output",
                    "json");

            assertThat(text.exitCode()).as(text.toString()).isZero();
            assertThat(text.out()).contains("error-rate baseline: the stable revision's 5xx rate over 1s, read just "
                    + "before traffic first moves and recorded",
                    "on rollback, once traffic is back and the smoke check passed: watch the previous revision's 5xx "
                            + "rate every 300ms until within 1% of the baseline of the release rolled back (else the "
                            + "5% threshold), for up to 10m; not recovered is exit 7",
                    "Database migration: database migration: 1 changed file matches the migration paths: "
                            + "backend/app/db/migrations/0042_currency.sql (backend/**/migrations/**)");
            assertThat(text.out().indexOf("error-rate baseline")).isLessThan(text.out().indexOf("traffic 100%"));
            assertThat(parse(json).path("migration").asText()).startsWith("database migration: 1 changed file");
            assertThat(world.served("PUT", ".*/merge")).isZero();
        }

        @Test
        @DisplayName("--dry-run prints the plan, the triggers and the gates, and changes nothing")
        void dryRun() throws Exception {
            world.mergeablePullRequest(CliWorld.PR, "success");

            CliWorld.Run text = world.run("promote", "--config", config(), "--pr", "123", "--dry-run");
            CliWorld.Run json = world.run("promote", "--config", config(), "--pr", "123", "--dry-run", "--output",
                    "json");

            assertThat(text.exitCode()).as(text.toString()).isZero();
            assertThat(text.out()).contains("dry run", "merge (squash)", "backend-deploy.yml", "observe 800ms",
                    "smoke check failing > 600ms", "PASS  required-checks");
            assertThat(json.exitCode()).isZero();
            JsonNode doc = parse(json);
            assertThat(doc.path("dryRun").asBoolean()).isTrue();
            assertThat(doc.path("gatesPassed").asBoolean()).isTrue();
            assertThat(doc.path("plan").size()).isEqualTo(8);
            assertThat(world.served("PUT", ".*/merge")).isZero();
            assertThat(world.served("POST", ".*")).isZero();
            assertThat(world.platform.traffic().weights()).isEqualTo(TrafficWeights.all("v1"));
        }

        @Test
        @DisplayName("--dry-run and gates say when the merge would deploy nothing, and change nothing")
        void dryRunNothingToDeploy() throws Exception {
            world.mergeablePullRequest(CliWorld.PR, "success").changes(CliWorld.PR, "docs/runbook.md");

            CliWorld.Run text = world.run("promote", "--config", config(), "--pr", "123", "--dry-run");
            CliWorld.Run json = world.run("promote", "--config", config(), "--pr", "123", "--dry-run", "--output",
                    "json");
            CliWorld.Run gates = world.run("gates", "--config", config(), "--pr", "123");

            assertThat(text.exitCode()).as(text.toString()).isZero();
            assertThat(text.out()).contains("PASS  deploy-filter: nothing to deploy: its one changed file does not "
                    + "match (changed: docs/runbook.md)", "would merge and end NOTHING_TO_DEPLOY (exit 0)",
                    "unless no changed file matches the on.push filter of .github/workflows/backend-deploy.yml");
            JsonNode doc = parse(json);
            assertThat(doc.path("nothingToDeploy").asBoolean()).isTrue();
            assertThat(doc.path("deploy").path("files").get(0).asText()).isEqualTo("docs/runbook.md");
            assertThat(gates.exitCode()).isZero();
            assertThat(gates.out()).contains("PASS  deploy-filter: nothing to deploy", "All gates pass.");
            assertThat(world.served("PUT", ".*/merge")).isZero();
            assertThat(world.served("POST", ".*")).isZero();
        }
    }

    @Nested
    @DisplayName("release gates")
    class GatesCommandTest {

        @Test
        @DisplayName("exit 0 with every gate PASS when the checklist holds")
        void pass() {
            world.mergeablePullRequest(CliWorld.PR, "success");

            CliWorld.Run run = world.run("gates", "--config", config(), "--pr", "123");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).contains("All gates pass.").doesNotContain("FAIL ");
        }

        @Test
        @DisplayName("exit 2 with an open SEV-1 incident, as JSON; no side effect")
        void incident() throws Exception {
            world.mergeablePullRequest(CliWorld.PR, "success").openIncident("SEV-1");

            CliWorld.Run run = world.run("gates", "--config", config(), "--pr", "123", "--output", "json");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.GATES_FAILED);
            JsonNode doc = parse(run);
            assertThat(doc.path("passed").asBoolean()).isFalse();
            assertThat(doc.findValuesAsText("status")).contains("FAIL");
            assertThat(run.out()).contains("Checkout is down");
            assertThat(world.served("POST", ".*")).isZero();
        }
    }

    @Test
    @DisplayName("release --help and promote --help list exit 7 (not recovered) and 8 (rollback hook failed); "
            + "--database-migration no longer says by hand whatever the hooks")
    void helpListsEveryExitCode() {
        String top = world.run("--help").out();
        String promote = world.run("promote", "--help").out().replaceAll("\\s+", " ");

        assertThat(top).containsPattern("(?m)^ +7 +rolled back but NOT RECOVERED")
                .containsPattern("(?m)^ +8 +rolled back, but a hook that runs on rollback failed");
        assertThat(promote).contains(" 6 frozen (--roll-forward-only): roll forward 7 rolled back but NOT RECOVERED",
                " 8 rolled back but a rollback hook failed").contains("a rollback runs the hooks.migrationRollback "
                + "hooks once traffic is back");
    }

    @Nested
    @DisplayName("release rollback")
    class Rollback {

        @Test
        @DisplayName("after a promotion, rolls back to the previous good revision (exit 0); --dry-run names it first")
        void rollsBack() throws Exception {
            world.mergeablePullRequest(CliWorld.PR, "success");
            assertThat(world.run("promote", "--config", config(), "--pr", "123").exitCode()).isZero();

            CliWorld.Run dry = world.run("rollback", "--config", config(), "--reason", "checkout broken",
                    "--dry-run", "--output", "json");
            assertThat(dry.exitCode()).as(dry.toString()).isZero();
            assertThat(parse(dry).path("toRevision").asText()).isEqualTo("v1");
            assertThat(world.platform.traffic().weights()).isEqualTo(TrafficWeights.all("v2"));

            CliWorld.Run run = world.run("rollback", "--config", config(), "--reason", "checkout broken", "--pr",
                    "123");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(world.platform.traffic().weights().withoutZeros()).isEqualTo(TrafficWeights.all("v1"));
            assertThat(run.out()).contains("ROLLING BACK", "checkout broken");
        }

        @Test
        @DisplayName("--dry-run lists the hooks that would run: onRollback, and migrationRollback with "
                + "--database-migration")
        void dryRunListsHooks() {
            world.platform.startRevision("v2", RevisionServer.Behaviour.HEALTHY);
            world.platform.setTraffic(TrafficWeights.all("v2"));
            world.withYaml("""
                    hooks:
                      onRollback:
                        - name: page-db
                          command: {run: [./page.sh, --high]}
                      migrationRollback:
                        - name: migrate-down
                          command: {run: [./migrate.sh, down]}
                    """);

            CliWorld.Run plain = world.run("rollback", "--config", config(), "--to", "v1", "--reason", "test",
                    "--dry-run");
            CliWorld.Run migration = world.run("rollback", "--config", config(), "--to", "v1", "--reason", "test",
                    "--dry-run", "--database-migration");

            assertThat(plain.exitCode()).as(plain.toString()).isZero();
            assertThat(plain.out()).contains("hooks on rollback: page-db (command, up to 10m) (one that fails is exit "
                    + "8)").doesNotContain("migrate-down");
            assertThat(migration.out()).contains("database migration: hooks migrate-down (command, up to 10m) (one "
                    + "that fails is exit 8)", "hooks on rollback: page-db");
            assertThat(world.platform.traffic().weights()).isEqualTo(TrafficWeights.all("v2"));
        }

        @Test
        @DisplayName("exit 4 when the target revision fails its smoke check, with --output json")
        void fails() throws Exception {
            world.platform.startRevision("v2", RevisionServer.Behaviour.HEALTHY);
            world.platform.setTraffic(TrafficWeights.all("v2"));
            world.platform.server("v1").behaviour(RevisionServer.Behaviour.FAILING);

            CliWorld.Run run = world.run("rollback", "--config", config(), "--to", "v1", "--reason", "test",
                    "--output", "json");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.ROLLBACK_FAILED);
            JsonNode doc = parse(run);
            assertThat(doc.path("succeeded").asBoolean()).isFalse();
            assertThat(doc.path("toRevision").asText()).isEqualTo("v1");
            assertThat(run.err()).contains("ROLLBACK FAILED");
        }

        @Test
        @DisplayName("exit 8 when an onRollback hook fails: stderr says traffic moved and which hook failed, not "
                + "ROLLBACK FAILED")
        void hookFails() {
            world.platform.startRevision("v2", RevisionServer.Behaviour.HEALTHY);
            world.platform.setTraffic(TrafficWeights.all("v2"));
            world.withYaml("""
                    hooks:
                      onRollback:
                        - name: page-db
                          command:
                            run: [sh, -c, "exit 3"]
                    """);

            CliWorld.Run run = world.run("rollback", "--config", config(), "--to", "v1", "--reason", "test");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.HOOK_FAILED);
            assertThat(world.platform.traffic().weights().withoutZeros()).isEqualTo(TrafficWeights.all("v1"));
            assertThat(run.err()).contains("release rollback: rolled back to v1 (traffic moved, its smoke check "
                    + "passed), but a rollback hook failed, page someone: ", "page-db")
                    .doesNotContain("ROLLBACK FAILED");
        }

        @Test
        @DisplayName("rollback --help lists exit 7 and 8, and says a migrationRollback hook runs with "
                + "--database-migration")
        void help() {
            CliWorld.Run run = world.run("rollback", "--help");

            assertThat(run.exitCode()).isZero();
            String help = run.out().replaceAll("\\s+", " ");
            assertThat(help).contains(" 7 rolled back but NOT RECOVERED", " 8 rolled back (traffic on the target, "
                    + "its smoke check passed) but an onRollback or migrationRollback hook failed")
                    .contains("the hooks.migrationRollback hooks run once traffic is back")
                    .doesNotContain("say loudly that it must be rolled back by hand");
        }
    }

    @Nested
    @DisplayName("release smoke-check")
    class SmokeCheck {

        @Test
        @DisplayName("PASS per endpoint with latencies, exit 0")
        void pass() {
            CliWorld.Run run = world.run("smoke-check", "--config", config());

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).containsPattern("PASS +/health +200 +median \\d+ms, p95 \\d+ms")
                    .containsPattern("PASS +/v1/quotes +200").endsWith("PASS" + System.lineSeparator());
        }

        @Test
        @DisplayName("FAIL per endpoint with the status, exit 1; JSON parses")
        void fail() throws Exception {
            world.platform.server("v1").behaviour(RevisionServer.Behaviour.FAILING);

            CliWorld.Run text = world.run("smoke-check", "--config", config());
            CliWorld.Run json = world.run("smoke-check", "--config", config(), "--output", "json");

            assertThat(text.exitCode()).isEqualTo(ReleaseCli.SMOKE_FAILED);
            assertThat(text.out()).containsPattern("FAIL +/health +500");
            assertThat(text.err()).contains("FAIL on v1");
            assertThat(json.exitCode()).isEqualTo(ReleaseCli.SMOKE_FAILED);
            assertThat(parse(json).path("endpoints").get(0).path("status").asInt()).isEqualTo(500);
        }
    }

    @Nested
    @DisplayName("release status")
    class Status {

        @Test
        @DisplayName("shows revisions, traffic, the lock and the latest releases, as text and as JSON")
        void status() throws Exception {
            world.mergeablePullRequest(CliWorld.PR, "success");
            assertThat(world.run("promote", "--config", config(), "--pr", "123").exitCode()).isZero();

            CliWorld.Run text = world.run("status", "--config", config());
            CliWorld.Run json = world.run("status", "--config", config(), "--output", "json");

            assertThat(text.exitCode()).isZero();
            assertThat(text.out()).contains("traffic: v2=100%", "lock: free", "PROMOTED", "#123 v1 -> v2")
                    .containsPattern("v2 +yes +100%");
            JsonNode doc = parse(json);
            assertThat(doc.path("traffic").path("v2").asInt()).isEqualTo(100);
            assertThat(doc.path("revisions")).hasSize(2);
            assertThat(doc.path("releases").get(0).path("outcome").asText()).isEqualTo("PROMOTED");
        }
    }

    @Nested
    @DisplayName("release resume")
    class Resume {

        @Test
        @DisplayName("finishes a release whose process died before merging (its journal and lock remain): exit 0")
        void resumes() {
            world.mergeablePullRequest(CliWorld.PR, "success");
            Instant started = Instant.now();
            // Its process died: the lock it left names it, and its expiry has passed.
            writeLock(new ReleaseLock(CliWorld.APP, "rel-crashed", "o-crashed", "ci-runner-3", started,
                    started.minusSeconds(1)));
            world.evidence.appendJournal(new JournalEntry(CliWorld.APP, "rel-crashed", 1, started, "STARTED",
                    Map.of("pullRequest", "123", "environment", "production")));

            CliWorld.Run run = world.run("resume", "--config", config());

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).contains("Resuming release rel-crashed", "PROMOTED");
            assertThat(world.platform.traffic().weights()).isEqualTo(TrafficWeights.all("v2"));
            assertThat(world.evidence.currentLock(CliWorld.APP)).isEmpty();
        }

        @Test
        @DisplayName("a release whose process still runs is not taken over: exit 75 naming it; --force takes it over")
        void liveHolder() {
            world.mergeablePullRequest(CliWorld.PR, "success");
            Instant started = Instant.now();
            LockOwner running = LockOwner.random();
            world.evidence.tryLock(CliWorld.APP, "rel-running", running, "ci-runner-4", started);
            world.evidence.appendJournal(new JournalEntry(CliWorld.APP, "rel-running", 1, started, "STARTED",
                    Map.of("pullRequest", "123", "environment", "production")));

            CliWorld.Run refused = world.run("resume", "--config", config());

            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ReleaseCli.IN_PROGRESS);
            assertThat(refused.err()).contains("rel-running", "ci-runner-4", running.id(), "live");
            assertThat(world.served("PUT", ".*/merge")).isZero();

            CliWorld.Run forced = world.run("resume", "--config", config(), "--force");

            assertThat(forced.exitCode()).as(forced.toString()).isZero();
            assertThat(forced.err()).contains("--force");
            assertThat(world.evidence.holdsLock(CliWorld.APP, running)).isFalse();
            assertThat(world.evidence.currentLock(CliWorld.APP)).isEmpty();
        }

        private void writeLock(ReleaseLock lock) {
            try {
                java.nio.file.Path file = world.evidence.root().resolve(".locks").resolve(lock.app() + ".lock");
                java.nio.file.Files.createDirectories(file.getParent());
                java.nio.file.Files.write(file, io.releasepipeline.evidence.EvidenceJson.toBytes(lock));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Test
        @DisplayName("with nothing to resume says so and exits 0")
        void nothing() {
            CliWorld.Run run = world.run("resume", "--config", config());

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).contains("Nothing to resume");
        }
    }
}
