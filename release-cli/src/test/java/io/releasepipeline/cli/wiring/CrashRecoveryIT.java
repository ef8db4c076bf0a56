package io.releasepipeline.cli.wiring;

import static io.releasepipeline.cli.wiring.ProductionWorld.NEW;
import static io.releasepipeline.cli.wiring.ProductionWorld.PR;
import static io.releasepipeline.cli.wiring.ProductionWorld.STABLE;
import static io.releasepipeline.cli.wiring.ProductionWorld.split;
import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.testkit.local.RevisionServer.Behaviour;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A {@code release promote} killed with SIGKILL (no shutdown hook, no finally: what an OOM kill or a lost runner
 * does) in the middle of a canary, then {@code release resume} and {@code release unlock}, all from the packaged jar
 * with production wiring.
 */
class CrashRecoveryIT extends ProductionWiring {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String MERGE = "PUT /repos/octo-org/trade-nexus/pulls/123/merge";

    @BeforeEach
    void app() {
        stableAppAndGreenPr(40);
        world.mergeDeploys(Behaviour.HEALTHY).section("traffic", """
                traffic:
                  steps: [50, 100]
                  stepPause: 4s
                """);
    }

    @Test
    @DisplayName("resume after kill -9 while 50% is observed: exit 0, no second merge, the 50% PATCH not repeated")
    void resumeAfterKill() {
        ReleaseProcess promote = world.start("promote", "--pr", String.valueOf(PR));
        String releaseId = releaseId(promote.awaitLine(STARTED.asPredicate(), WAIT));
        promote.awaitLine(l -> l.contains("observing " + NEW + " at 50%"), WAIT);
        ReleaseProcess.Run killed = world.checked(promote.kill());

        assertThat(killed.exitCode()).as("SIGKILL").isEqualTo(128 + 9);
        assertThat(world.patchedTraffic()).containsExactly(split(STABLE, 50, NEW, 50));

        ReleaseProcess.Run resumed = world.run("resume");

        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        assertThat(resumed.out()).contains("Resuming release " + releaseId, "PROMOTED");
        assertThat(world.github.writes()).filteredOn(MERGE::equals).hasSize(1);
        assertThat(world.patchedTraffic()).containsExactly(split(STABLE, 50, NEW, 50), split(NEW, 100));
        assertThat(world.standIn.traffic()).containsExactly(Map.entry(NEW, 100));
    }

    @Test
    @DisplayName("the dead release's lock: promote exits 75, unlock of another release exits 1, unlock of it exits 0")
    void unlockAfterKill() {
        ReleaseProcess promote = world.start("promote", "--pr", String.valueOf(PR));
        String releaseId = releaseId(promote.awaitLine(STARTED.asPredicate(), WAIT));
        promote.awaitLine(l -> l.contains("observing " + NEW + " at 50%"), WAIT);
        world.checked(promote.kill());

        ReleaseProcess.Run again = world.run("promote", "--pr", String.valueOf(PR));
        ReleaseProcess.Run wrong = world.run("unlock", "--release", "pr999-20260101-000000");
        ReleaseProcess.Run broken = world.run("unlock", "--release", releaseId);
        ReleaseProcess.Run status = world.run("status");

        assertThat(again.exitCode()).as(again.toString()).isEqualTo(75);
        assertThat(again.err()).contains(releaseId);
        assertThat(wrong.exitCode()).as(wrong.toString()).isEqualTo(1);
        assertThat(wrong.err()).contains("release " + releaseId + " does");
        assertThat(broken.exitCode()).as(broken.toString()).isZero();
        assertThat(broken.out()).contains("Broke the lock of " + ProductionWorld.APP + " held by release " + releaseId);
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.out()).contains("lock: free");
        assertThat(world.github.writes()).filteredOn(MERGE::equals).hasSize(1);
        assertThat(world.patchedTraffic()).containsExactly(split(STABLE, 50, NEW, 50));
    }
}
