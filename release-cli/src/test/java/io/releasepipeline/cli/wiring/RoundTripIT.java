package io.releasepipeline.cli.wiring;

import static io.releasepipeline.cli.wiring.ProductionWorld.NEW;
import static io.releasepipeline.cli.wiring.ProductionWorld.PR;
import static io.releasepipeline.cli.wiring.ProductionWorld.STABLE;
import static io.releasepipeline.cli.wiring.ProductionWorld.split;
import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.azure.ArmStandIn;
import io.releasepipeline.testkit.local.RevisionServer.Behaviour;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The fewest Resource Manager round trips (issue 16), counted from the outside as users run it: the packaged jar with
 * production wiring against the Resource Manager stand-in answering like the service (revision lists in pages,
 * PATCHes answered 202 + {@code Azure-AsyncOperation}, polled InProgress once before Succeeded). The control-plane
 * requests are asserted exactly, in order; Azure Monitor's metric and alert reads are left out.
 */
class RoundTripIT extends ProductionWiring {

    private static final String APP = "GET ";
    private static final String LIST = "GET /revisions";
    private static final String PATCH = "PATCH ";
    private static final String POLL = "GET " + ArmStandIn.OPERATIONS_PATH;

    @BeforeEach
    void serviceLikeAnswers() {
        world.standIn.asyncPatches(true).inProgressPolls(1).revisionPageSize(1);
    }

    /** Control-plane requests, in order, each operation status poll as {@link #POLL}. */
    private static List<String> controlPlane() {
        List<String> lines = new ArrayList<>();
        for (String line : world.arm.requestLines()) {
            if (line.contains("/providers/Microsoft.Insights/") || line.contains("Microsoft.AlertsManagement")) {
                continue;
            }
            lines.add(line.startsWith(POLL) ? POLL : line);
        }
        return lines;
    }

    /** A one-step promotion of a revision whose smoke check fails, the smoke check the only trigger armed. */
    private static ReleaseProcess.Run promoteFailingRevision() {
        stableAppAndGreenPr(40);
        world.mergeDeploys(Behaviour.FAILING).section("rollback", """
                rollback:
                  smoke:
                    failingFor: 1s
                    interval: 250ms
                  health:
                    enabled: false
                  errorRate:
                    enabled: false
                """).section("observation", """
                observation:
                  window: 20s
                """);

        ReleaseProcess.Run run = world.run("promote", "--pr", String.valueOf(PR));
        return run;
    }

    @Test
    @DisplayName("release promote, rolled back by its smoke check: 6 requests after the gates' read for the promotion "
            + "(2 list pages, the app after the deploy, PATCH, 2 polls), 3 for the rollback (PATCH, 2 polls)")
    void promotionThenRollback() {
        ReleaseProcess.Run run = promoteFailingRevision();

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        assertThat(world.patchedTraffic()).containsExactly(split(NEW, 100), split(STABLE, 100));
        assertThat(world.standIn.traffic()).containsExactly(Map.entry(STABLE, 100));
        List<String> requests = controlPlane();
        // The gates read the app; the release then needs exactly these.
        assertThat(requests).as(run.toString()).containsExactly(APP,
                LIST, LIST, APP, PATCH, POLL, POLL,
                PATCH, POLL, POLL);
    }

    @Test
    @DisplayName("release rollback to the previous revision, inactive: the app, that revision (the evidence names it, "
            + "so no list), activate, PATCH, 2 polls")
    void standaloneRollback() {
        world.revision(STABLE, Duration.ofDays(2), false, Behaviour.HEALTHY)
                .revision(NEW, Duration.ofDays(1), true, Behaviour.FAILING).serving(NEW);

        ReleaseProcess.Run run = world.run("rollback", "--reason", "checkout is broken");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(world.standIn.traffic()).containsExactly(Map.entry(STABLE, 100));
        List<String> requests = controlPlane();
        assertThat(requests).as(run.toString()).hasSizeGreaterThanOrEqualTo(6);
        assertThat(requests.subList(0, 6)).as(run.toString()).containsExactly(APP, "GET /revisions/" + STABLE,
                "POST /revisions/" + STABLE + "/activate", PATCH, POLL, POLL);
        // Traffic is restored there. If the first smoke check of the revision just activated fails (the router here
        // follows the new split a moment after the PATCH's answer), the rollback reads the revision until it is
        // ready before it judges: reads of that revision only.
        assertThat(requests.subList(6, requests.size())).as(run.toString())
                .allMatch(("GET /revisions/" + STABLE)::equals);
    }
}
