package io.releasepipeline.cli.wiring;

import static io.releasepipeline.cli.wiring.ProductionWorld.NEW;
import static io.releasepipeline.cli.wiring.ProductionWorld.OLDEST;
import static io.releasepipeline.cli.wiring.ProductionWorld.PR;
import static io.releasepipeline.cli.wiring.ProductionWorld.STABLE;
import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.testkit.local.RevisionServer.Behaviour;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The commands that change nothing, run from the packaged jar with production wiring (the Azure SDK's default HTTP
 * client, the environment credential from release.yaml, the real GitHub client) against the stand-ins: each exits
 * with its documented code and sends no write anywhere.
 */
class ReadOnlyCommandsIT extends ProductionWiring {


    @Test
    @DisplayName("status: exit 0, the revisions and the split as Resource Manager reports them, with GETs only")
    void status() {
        world.revision(OLDEST, Duration.ofDays(3), false, Behaviour.HEALTHY).stableApp(20);

        ReleaseProcess.Run run = world.run("status");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("traffic: " + STABLE + "=100%", STABLE, OLDEST, "lock: free",
                "latest releases:", "pr100-previous");
        assertThat(world.armRequests()).isNotEmpty().allMatch(r -> r.startsWith("GET "));
        assertThat(world.arm.requests()).allSatisfy(r -> assertThat(r.getHeader("Authorization"))
                .isEqualTo("Bearer " + world.azureToken));
        assertThat(world.github.requests()).isEmpty();
    }

    @Test
    @DisplayName("gates: exit 0 when every gate passes; GitHub and Resource Manager are only read")
    void gatesPass() {
        stableAppAndGreenPr(20);

        ReleaseProcess.Run run = world.run("gates", "--pr", String.valueOf(PR));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("All gates pass.");
        assertThat(world.armWrites()).isEmpty();
        assertThat(world.armRequests()).isNotEmpty();
        assertThat(world.github.writes()).isEmpty();
        assertThat(world.github.requests()).isNotEmpty();
    }

    @Test
    @DisplayName("gates: exit 2 naming the failed check when one is missing; still nothing written")
    void gatesFail() {
        world.stableApp(20);
        world.github.pullRequest(PR, List.of("lint", "typecheck", "tests"), "success");

        ReleaseProcess.Run run = world.run("gates", "--pr", String.valueOf(PR));

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("contract-governance");
        assertThat(world.armWrites()).isEmpty();
        assertThat(world.github.writes()).isEmpty();
    }

    @Test
    @DisplayName("promote --dry-run: exit 0 with the plan and the gates; no merge, no PATCH, no write at all")
    void promoteDryRun() {
        stableAppAndGreenPr(20);

        ReleaseProcess.Run run = world.run("promote", "--pr", String.valueOf(PR), "--dry-run");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("dry run: nothing is changed", "would go ahead");
        assertThat(world.armWrites()).isEmpty();
        assertThat(world.github.writes()).isEmpty();
        assertThat(world.standIn.traffic()).containsExactly(java.util.Map.entry(STABLE, 100));
    }

    @Test
    @DisplayName("smoke-check: exit 0 PASS through the app's URL; exit 1 FAIL when the serving revision answers 500")
    void smokeCheck() {
        world.stableApp(20);

        ReleaseProcess.Run pass = world.run("smoke-check");
        world.server(STABLE).behaviour(Behaviour.FAILING);
        ReleaseProcess.Run fail = world.run("smoke-check");

        assertThat(pass.exitCode()).as(pass.toString()).isZero();
        assertThat(pass.out()).contains("PASS /health", "PASS /v1/quotes").endsWith("PASS\n");
        assertThat(fail.exitCode()).as(fail.toString()).isEqualTo(1);
        assertThat(fail.out()).contains("FAIL /health", "500").endsWith("FAIL\n");
        assertThat(world.armWrites()).isEmpty();
        assertThat(world.github.requests()).isEmpty();
    }

    @Test
    @DisplayName("rollback --dry-run: exit 0 naming the previous revision as the target; nothing is changed")
    void rollbackDryRun() {
        world.revision(STABLE, Duration.ofDays(2), true, Behaviour.HEALTHY)
                .revision(NEW, Duration.ofDays(1), true, Behaviour.HEALTHY).serving(NEW);

        ReleaseProcess.Run run = world.run("rollback", "--reason", "checkout is broken", "--dry-run");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("target revision: " + STABLE);
        assertThat(world.armWrites()).isEmpty();
        assertThat(world.github.requests()).isEmpty();
        assertThat(world.standIn.traffic()).containsExactly(java.util.Map.entry(NEW, 100));
    }
}
