package io.releasepipeline.cli.wiring;

import static io.releasepipeline.cli.wiring.ProductionWorld.PR;
import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.testkit.local.RevisionServer.Behaviour;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code hooks:} through the packaged jar with production wiring: a webhook's secret is read from the environment
 * variable it names when the pipeline is wired, so one that is unset or pasted into the config is refused with exit
 * 64 before any request reaches GitHub or Resource Manager, and never printed.
 */
class HooksIT extends ProductionWiring {

    private void assertRefusedBeforeAnyRequest(ReleaseProcess.Run run) {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(64);
        assertThat(world.github.requests()).as("requests to GitHub").isEmpty();
        assertThat(world.armRequests()).as("requests to Resource Manager").isEmpty();
    }

    @Test
    @DisplayName("a webhook secret variable that is unset, and one too short, are both named: exit 64, nothing sent")
    void unsetAndShortSecrets() {
        String shortSecret = "tooShortSecret";
        world.env("HOOKS_IT_SHORT_SECRET", shortSecret, true).unset("HOOKS_IT_UNSET_SECRET").section("hooks", """
                hooks:
                  beforeMerge:
                    - name: change-board
                      webhook: {url: "https://hooks.example.com/release", secretVariable: HOOKS_IT_UNSET_SECRET}
                  onRollback:
                    - name: chat
                      webhook: {url: "https://hooks.example.com/chat", secretVariable: HOOKS_IT_SHORT_SECRET}
                """);

        ReleaseProcess.Run run = world.run("promote", "--pr", String.valueOf(PR));

        assertRefusedBeforeAnyRequest(run);
        assertThat(run.err()).contains("hooks.beforeMerge[0].webhook.secretVariable: environment variable "
                + "HOOKS_IT_UNSET_SECRET is not set or empty",
                "hooks.onRollback[0].webhook.secretVariable: the value of HOOKS_IT_SHORT_SECRET: must be at least 16 "
                        + "characters").doesNotContain(shortSecret);
    }

    @Test
    @DisplayName("a secret pasted where secretVariable names a variable is refused naming the key, never printed")
    void pastedSecretNeverPrinted() {
        String pasted = "Zq81mVx0Lk3Rt7Pw2Hy9Ns4Bc6Df5Gj";
        world.env("UNRELATED_VARIABLE", pasted, true).section("hooks", """
                hooks:
                  migrationRollback:
                    - name: migrate-down
                      webhook: {url: "https://hooks.example.com/migrate", secretVariable: %s}
                """.formatted(pasted));

        ReleaseProcess.Run run = world.run("promote", "--pr", String.valueOf(PR));

        assertRefusedBeforeAnyRequest(run);
        assertThat(run.err()).contains("hooks.migrationRollback[0].webhook.secretVariable: the value of "
                + "hooks.migrationRollback[0].webhook.secretVariable looks like a secret, not a variable name");
    }

    @Test
    @DisplayName("a migration-rollback command hook runs once although the CLI was killed (SIGKILL) while it ran: "
            + "resume does not start it again")
    void commandHookRunsOnceAcrossAKill() throws Exception {
        Path log = dir.resolve("hook.log");
        stableAppAndGreenPr(40);
        world.mergeDeploys(Behaviour.FAILING).section("rollback", """
                rollback:
                  smoke:
                    failingFor: 1s
                    interval: 250ms
                  health:
                    enabled: false
                  errorRate:
                    threshold: 0.05
                    window: 2s
                    interval: 500ms
                    minimumRequests: 5
                  recovery:
                    tolerance: 0.01
                    timeout: 4s
                """).section("observation", """
                observation:
                  window: 20s
                """).section("migrations", """
                migrations:
                  paths: ['backend/app/**']
                """).section("hooks", """
                hooks:
                  migrationRollback:
                    - name: migrate-down
                      timeout: 60s
                      command:
                        run: [sh, -c, "echo start $RELEASE_DELIVERY_ID >> hook.log; while [ ! -e go-on ]; do sleep 0.05; done; echo end >> hook.log"]
                """);

        try (ReleaseProcess promote = world.start("promote", "--pr", String.valueOf(PR))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!(Files.exists(log) && Files.readString(log).contains("start"))) {
                assertThat(System.nanoTime()).as("the hook started within 90s:\n" + promote).isLessThan(deadline);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
            promote.kill();
        }
        ReleaseProcess resume = world.start("resume");
        // The orphaned command may end only now: the resume finds it running, or finished; never absent.
        Files.createFile(dir.resolve("go-on"));
        ReleaseProcess.Run resumed = resume.await(ProductionWorld.RUN_TIMEOUT);

        assertThat(resumed.exitCode()).as(resumed.toString()).isEqualTo(3);
        assertThat(resumed.out()).contains("hook migrate-down SUCCEEDED").contains("not run again");
        assertThat(Files.readAllLines(log)).as("the command ran once").hasSize(2)
                .satisfies(lines -> assertThat(lines.get(0)).startsWith("start pr"))
                .satisfies(lines -> assertThat(lines.get(1)).isEqualTo("end"));
        assertThat(dir.resolve(".ops/evidence/.hooks")).as("state next to the journal").isDirectory();
    }
}
