package io.releasepipeline.cli.wiring;

import static io.releasepipeline.cli.wiring.ProductionWorld.NEW;
import static io.releasepipeline.cli.wiring.ProductionWorld.OLDEST;
import static io.releasepipeline.cli.wiring.ProductionWorld.STABLE;
import static io.releasepipeline.cli.wiring.ProductionWorld.split;
import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.testkit.local.RevisionServer.Behaviour;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code release rollback} (the runbook's rollback.sh) from the packaged jar with production wiring: exit 0 and
 * exactly the Resource Manager writes a rollback needs, the incident note on the pull request when one is named.
 */
class RollbackIT extends ProductionWiring {

    @Test
    @DisplayName("plain: the previous revision, inactive since the last release, is activated, then one PATCH to it")
    void toPrevious() {
        world.revision(STABLE, Duration.ofDays(2), false, Behaviour.HEALTHY)
                .revision(NEW, Duration.ofDays(1), true, Behaviour.FAILING).serving(NEW);

        ReleaseProcess.Run run = world.run("rollback", "--reason", "checkout is broken", "--pr", "123");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(world.armWrites()).containsExactly("POST /revisions/" + STABLE + "/activate", "PATCH ");
        assertThat(world.patchedTraffic()).containsExactly(split(STABLE, 100));
        assertThat(world.standIn.traffic()).containsExactly(Map.entry(STABLE, 100));
        assertThat(world.github.writes()).containsExactly("POST /repos/octo-org/trade-nexus/issues/123/comments");
        assertThat(world.github.requests()).filteredOn(r -> r.getUrl().endsWith("/comments")).singleElement()
                .satisfies(r -> assertThat(r.getBodyAsString()).contains("checkout is broken", STABLE));
    }

    @Test
    @DisplayName("--to REVISION: that revision, already active, gets all traffic in one PATCH; nothing else written")
    void toNamedRevision() {
        world.revision(OLDEST, Duration.ofDays(3), true, Behaviour.HEALTHY)
                .revision(STABLE, Duration.ofDays(2), true, Behaviour.HEALTHY)
                .revision(NEW, Duration.ofDays(1), true, Behaviour.FAILING).serving(NEW);

        ReleaseProcess.Run run = world.run("rollback", "--reason", "back to the last known good", "--to", OLDEST);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(world.armWrites()).containsExactly("PATCH ");
        assertThat(world.patchedTraffic()).containsExactly(split(OLDEST, 100));
        assertThat(world.standIn.traffic()).containsExactly(Map.entry(OLDEST, 100));
        assertThat(world.github.requests()).isEmpty();
    }
}
