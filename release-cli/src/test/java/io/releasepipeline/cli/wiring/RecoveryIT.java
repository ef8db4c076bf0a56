package io.releasepipeline.cli.wiring;

import static io.releasepipeline.cli.wiring.ProductionWorld.NEW;
import static io.releasepipeline.cli.wiring.ProductionWorld.PR;
import static io.releasepipeline.cli.wiring.ProductionWorld.STABLE;
import static io.releasepipeline.cli.wiring.ProductionWorld.split;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.releasepipeline.cli.ReleaseCli;
import io.releasepipeline.evidence.Baseline;
import io.releasepipeline.evidence.EvidenceJson;
import io.releasepipeline.evidence.Recovery;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.RollbackDetails;
import io.releasepipeline.testkit.local.RevisionServer.Behaviour;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The runbook's "error rate returns to baseline" through the packaged jar with production wiring: the baseline and
 * the recovery watch read Azure Monitor's {@code Requests} metric (the stand-in counts what the router served each
 * revision), the rollback goes through Resource Manager, the incident note through GitHub.
 */
class RecoveryIT extends ProductionWiring {

    private static final String ROLLBACK = """
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
            """;

    @Test
    @DisplayName("the previous revision is bad too: rolled back (smoke of /health passes) but its 5xx rate stays far "
            + "above the baseline: exit 7, ROLLED_BACK_NOT_RECOVERED, and the incident note says to page someone")
    void notRecoveredExits7() {
        stableAppAndGreenPr(40);
        world.mergeDeploys(Behaviour.FAILING).section("rollback", ROLLBACK).section("smoke", """
                smoke:
                  baseUrl: ${APP_URL}
                  endpoints: [/health]
                  samples: 1
                  latencySlo: 1500ms
                  requestTimeout: 2s
                """).section("observation", """
                observation:
                  window: 20s
                """);

        ReleaseProcess release = world.start("promote", "--pr", String.valueOf(PR));
        // Once traffic has moved to the new revision (the baseline of r1 was read just before), r1 starts failing its
        // users too: the cause of the errors is not the release.
        release.awaitLine(l -> l.contains("observing " + NEW + " at 100%"), Duration.ofSeconds(60));
        world.server(STABLE).behaviour(Behaviour.FAILING_BEHIND_HEALTH);
        ReleaseProcess.Run run = release.await(ProductionWorld.RUN_TIMEOUT);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.NOT_RECOVERED).isEqualTo(7);
        assertThat(run.err()).contains("ROLLED_BACK_NOT_RECOVERED: PAGE SOMEONE: back on " + STABLE)
                .contains("its error rate did not return to baseline");
        ReleaseRecord record = evidenceRecord();
        assertThat(record.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK_NOT_RECOVERED);
        Baseline baseline = record.baseline().orElseThrow();
        assertThat(baseline.status()).isEqualTo(Baseline.Status.MEASURED);
        assertThat(baseline.revision()).isEqualTo(STABLE);
        assertThat(baseline.serverErrors()).isZero();
        assertThat(baseline.requests()).isGreaterThanOrEqualTo(5);
        Recovery recovery = record.rollback().flatMap(RollbackDetails::recovery).orElseThrow();
        assertThat(recovery.status()).isEqualTo(Recovery.Status.NOT_RECOVERED);
        assertThat(recovery.detail()).startsWith("NOT RECOVERED: the error rate of " + STABLE
                + " did not return to 1.0% or under within 4s; last judged reading: 5xx 100.0% of ");
        assertThat(world.patchedTraffic()).containsExactlyElementsOf(List.of(split(NEW, 100), split(STABLE, 100)));
        assertThat(world.standIn.traffic()).containsExactly(Map.entry(STABLE, 100));
        assertThat(world.arm.requests()).anySatisfy(r -> assertThat(r.getUrl())
                .contains("/providers/Microsoft.Insights/metrics").contains("metricnames=Requests"));
        assertThat(world.github.requests()).filteredOn(r -> r.getUrl().endsWith("/comments")).singleElement()
                .satisfies(r -> assertThat(r.getBodyAsString()).contains("did NOT RECOVER")
                        .contains("page the on-call engineer").contains("5xx 100.0%"));
        assertThat(run.err()).contains("ROLLED_BACK_NOT_RECOVERED").contains("PAGE SOMEONE");
    }

    @Test
    @DisplayName("the previous revision is healthy: the first reading after the rollback is within the baseline's "
            + "tolerance: exit 3, recovered")
    void recoveredExits3() {
        stableAppAndGreenPr(40);
        world.mergeDeploys(Behaviour.FAILING).section("rollback", ROLLBACK).section("observation", """
                observation:
                  window: 20s
                """);

        ReleaseProcess.Run run = world.run("promote", "--pr", String.valueOf(PR), "--output", "json");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.ROLLED_BACK);
        JsonNode recovery = ProductionWorld.json(run).path("rollback").path("recovery");
        assertThat(recovery.path("status").asText()).as(run.toString()).isEqualTo("RECOVERED");
        assertThat(recovery.path("detail").asText()).startsWith("recovered: at ").contains("5xx 0.0% of ");
    }

    private ReleaseRecord evidenceRecord() {
        try (Stream<Path> files = Files.list(dir.resolve(".ops/evidence"))) {
            Path json = files.filter(f -> f.getFileName().toString().contains("pr123")
                    && f.getFileName().toString().endsWith(".json")).findFirst().orElseThrow();
            return EvidenceJson.fromBytes(Files.readAllBytes(json), ReleaseRecord.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
