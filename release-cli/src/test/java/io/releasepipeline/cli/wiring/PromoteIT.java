package io.releasepipeline.cli.wiring;

import static io.releasepipeline.cli.wiring.ProductionWorld.NEW;
import static io.releasepipeline.cli.wiring.ProductionWorld.PR;
import static io.releasepipeline.cli.wiring.ProductionWorld.STABLE;
import static io.releasepipeline.cli.wiring.ProductionWorld.split;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.releasepipeline.testkit.local.RevisionServer.Behaviour;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code release promote} from the packaged jar with production wiring: the runbook end to end against the
 * stand-ins, the new revision a real server behind the router that follows Resource Manager's traffic list. Each
 * test asserts the exit code, the exact traffic PATCHes and the writes on GitHub; each rollback is caused by one
 * trigger alone, the others disarmed or too slow to fire first.
 */
class PromoteIT extends ProductionWiring {


    @BeforeEach
    void app() {
        stableAppAndGreenPr(40);
    }

    @Test
    @DisplayName("one step: exit 0, one merge pinned to the head, one PATCH of the traffic list to the new revision")
    void oneStepPromoted() throws Exception {
        world.mergeDeploys(Behaviour.HEALTHY);

        ReleaseProcess.Run run = world.run("promote", "--pr", String.valueOf(PR));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("gates passed", "merged #" + PR, "revision " + NEW + " is ready",
                "PROMOTED");
        assertThat(world.patchedTraffic()).containsExactly(split(NEW, 100));
        assertThat(world.armWrites()).containsExactly("PATCH ");
        assertThat(world.standIn.traffic()).containsExactly(Map.entry(NEW, 100));
        assertThat(world.github.writes()).filteredOn(w -> w.startsWith("PUT "))
                .containsExactly("PUT /repos/octo-org/trade-nexus/pulls/123/merge");
        assertThat(world.github.writes()).contains("POST /repos/octo-org/trade-nexus/deployments")
                .noneMatch(w -> w.contains("/comments"));
        try (Stream<Path> files = Files.list(dir.resolve(".ops/evidence"))) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .anyMatch(n -> n.contains("pr123") && n.endsWith(".json"));
        }
    }

    @Test
    @DisplayName("canary 10/50/100: exit 0, PATCHes [r1 90, r2 10], [r1 50, r2 50], [r2 100] and nothing else")
    void canaryPromoted() {
        world.mergeDeploys(Behaviour.HEALTHY).section("traffic", """
                traffic:
                  steps: [10, 50, 100]
                  stepPause: 1500ms
                """);

        ReleaseProcess.Run run = world.run("promote", "--pr", String.valueOf(PR));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(world.patchedTraffic()).containsExactly(split(STABLE, 90, NEW, 10), split(STABLE, 50, NEW, 50),
                split(NEW, 100));
        assertThat(world.armWrites()).containsOnly("PATCH ");
        assertThat(world.standIn.traffic()).containsExactly(Map.entry(NEW, 100));
    }

    @Test
    @DisplayName("rolled back by the smoke check failing for longer than failingFor: exit 3, traffic back on r1")
    void rolledBackBySmoke() {
        world.mergeDeploys(Behaviour.FAILING).section("rollback", """
                rollback:
                  smoke:
                    failingFor: 1s
                    interval: 250ms
                  health:
                    enabled: false
                  errorRate:
                    enabled: false
                """);

        assertRolledBackBy("smoke-check", List.of(split(NEW, 100), split(STABLE, 100)));
    }

    @Test
    @DisplayName("rolled back by the health endpoint down for longer than downFor: exit 3, traffic back on r1")
    void rolledBackByHealth() {
        world.mergeDeploys(Behaviour.FAILING).section("rollback", """
                rollback:
                  smoke:
                    failingFor: 30s
                  health:
                    downFor: 1s
                    interval: 200ms
                    timeout: 1s
                  errorRate:
                    enabled: false
                """);

        assertRolledBackBy("health-endpoint", List.of(split(NEW, 100), split(STABLE, 100)));
    }

    @Test
    @DisplayName("rolled back by the 5xx rate Azure Monitor reports for the new revision: exit 3, traffic back on r1")
    void rolledBackByErrorRate() {
        world.mergeDeploys(Behaviour.FAILING).section("rollback", """
                rollback:
                  smoke:
                    failingFor: 30s
                  health:
                    enabled: false
                  errorRate:
                    threshold: 0.05
                    window: 2s
                    interval: 500ms
                    minimumRequests: 5
                """);

        JsonNode doc = assertRolledBackBy("error-rate", List.of(split(NEW, 100), split(STABLE, 100)));
        assertThat(doc.path("rollback").path("trigger").path("reason").asText()).contains("5xx");
        assertThat(world.arm.requests()).anySatisfy(r -> assertThat(r.getUrl())
                .contains("/providers/Microsoft.Insights/metrics").contains("metricnames=Requests"));
    }

    @Test
    @DisplayName("rolled back by an Azure Monitor alert fired on the app while the new revision serves: exit 3")
    void rolledBackByAlert() {
        world.mergeDeploys(Behaviour.HEALTHY)
                .alertFiresWhileServing(NEW, "backend-5xx-above-2-percent")
                .section("rollback", """
                        rollback:
                          smoke:
                            failingFor: 30s
                          health:
                            enabled: false
                          errorRate:
                            enabled: false
                          alerts:
                            enabled: true
                            interval: 250ms
                        """);

        JsonNode doc = assertRolledBackBy("alert", List.of(split(NEW, 100), split(STABLE, 100)));
        assertThat(doc.path("rollback").path("trigger").path("reason").asText())
                .contains("backend-5xx-above-2-percent");
        assertThat(world.arm.requests()).anySatisfy(r -> assertThat(r.getUrl())
                .contains("/providers/Microsoft.AlertsManagement/alerts").contains("monitorCondition=Fired"));
    }

    @Test
    @DisplayName("rolled back by canary analysis at 10% (canary 5xx far above stable's; error rate advisory): exit 3")
    void rolledBackByCanaryAnalysis() {
        world.mergeDeploys(Behaviour.FAILING).section("traffic", """
                traffic:
                  steps: [10, 50, 100]
                  stepPause: 20s
                """).section("rollback", """
                rollback:
                  smoke:
                    failingFor: 30s
                  health:
                    enabled: false
                  errorRate:
                    window: 2s
                    interval: 500ms
                    minimumRequests: 5
                  canaryAnalysis:
                    enabled: true
                    maxIncrease: 0.01
                  advisory: [error-rate]
                """);

        assertRolledBackBy("canary-analysis", List.of(split(STABLE, 90, NEW, 10), split(STABLE, 100)));
    }

    /**
     * Runs the promotion with JSON output, the last step observed 20 s, and asserts the rollback: exit 3, outcome
     * ROLLED_BACK by {@code trigger}, exactly the traffic PATCHes {@code patches}, traffic back on the stable revision,
     * the incident note posted.
     */
    private JsonNode assertRolledBackBy(String trigger, List<Map<String, Integer>> patches) {
        // Long enough that only the trigger under test can end the step; it fires within seconds.
        world.section("observation", """
                observation:
                  window: 20s
                """);
        ReleaseProcess.Run run = world.run("promote", "--pr", String.valueOf(PR), "--output", "json");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        JsonNode doc = ProductionWorld.json(run);
        assertThat(doc.path("outcome").asText()).isEqualTo("ROLLED_BACK");
        assertThat(doc.path("rollback").path("trigger").path("trigger").asText()).as(run.toString())
                .isEqualTo(trigger);
        assertThat(doc.path("rollback").path("toRevision").asText()).isEqualTo(STABLE);
        assertThat(world.patchedTraffic()).containsExactlyElementsOf(patches);
        assertThat(world.armWrites()).containsOnly("PATCH ");
        assertThat(world.standIn.traffic()).containsExactly(Map.entry(STABLE, 100));
        assertThat(world.github.writes()).filteredOn(w -> w.startsWith("PUT ")).hasSize(1);
        assertThat(world.github.writes()).contains("POST /repos/octo-org/trade-nexus/issues/123/comments");
        assertThat(run.err()).contains("ROLLED_BACK");
        return doc;
    }
}
