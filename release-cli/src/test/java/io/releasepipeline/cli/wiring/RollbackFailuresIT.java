package io.releasepipeline.cli.wiring;

import static io.releasepipeline.cli.wiring.ProductionWorld.NEW;
import static io.releasepipeline.cli.wiring.ProductionWorld.STABLE;
import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.testkit.local.RevisionServer.Behaviour;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Through the packaged jar with production wiring: a rollback whose long-running traffic PATCH is accepted (202)
 * and then ends Failed once, as a platform-side hiccup does (the same in a rollback the engine fires:
 * AzureLabelsAndFailuresEndToEndTest), and a dry run that only reads.
 */
class RollbackFailuresIT extends ProductionWiring {

    @Test
    @DisplayName("release rollback; its operation ends Failed once: read back, tried again, v1 restored (exit 0)")
    void failedOperationDuringStandaloneRollback() {
        world.revision(STABLE, Duration.ofDays(2), true, Behaviour.HEALTHY)
                .revision(NEW, Duration.ofDays(1), true, Behaviour.FAILING).serving(NEW);
        world.standIn.asyncPatches(true).failNextOperation("ContainerAppOperationError",
                "Operation expired; please retry");

        ReleaseProcess.Run run = world.run("rollback", "--reason", "checkout is broken");

        assertThat(world.standIn.traffic()).as(run.toString()).containsExactly(Map.entry(STABLE, 100));
        assertThat(run.exitCode()).as(run.toString()).isZero();
    }

    @Test
    @DisplayName("rollback --dry-run with the previous revision inactive: names it, says it would be activated, only "
            + "reads (the app, that revision), nothing changed")
    void dryRunWithInactivePrevious() {
        world.standIn.asyncPatches(true).revisionPageSize(1);
        world.revision(STABLE, Duration.ofDays(2), false, Behaviour.HEALTHY)
                .revision(NEW, Duration.ofDays(1), true, Behaviour.FAILING).serving(NEW);

        ReleaseProcess.Run run = world.run("rollback", "--reason", "checkout is broken", "--dry-run");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("target revision: " + STABLE).containsIgnoringCase("activat");
        assertThat(world.armWrites()).isEmpty();
        assertThat(world.standIn.traffic()).containsExactly(Map.entry(NEW, 100));
        assertThat(world.arm.requestLines()).as(run.toString()).allSatisfy(l -> assertThat(l).startsWith("GET"));
    }
}
