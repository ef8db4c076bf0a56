package io.releasepipeline.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.evidence.EvidenceJson;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.Samples;
import io.releasepipeline.health.HealthProbe;
import io.releasepipeline.testkit.Simulation;
import io.releasepipeline.traffic.TrafficPlan;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The size bound {@code docs/samples-format.md} states for the record's {@code samples}: runbook defaults (a health
 * probe a second, a smoke check every 15 s on two endpoints, an error-rate reading a minute), serialized as the
 * evidence file writes them (indented JSON). Sizes are deterministic on the virtual clock: this is a bound, not a
 * timing. The health probe answers in 37 ms of virtual time, a realistic latency (a probe answering in 0 ms would
 * write one digit where real ones write two or three).
 */
class SamplesSizeTest {

    /** The bound the format document states for a default 14-minute release. */
    static final int DEFAULT_RELEASE_BOUND_KB = 16;
    /** The bound the format document states for a 24-minute canary (10%, 50%, 100%). */
    static final int CANARY_BOUND_KB = 28;

    private static ReleaseRecord release(TrafficPlan plan) {
        Simulation sim = new Simulation();
        HealthProbe slowish = target -> {
            sim.clock.advance(Duration.ofMillis(37));
            return sim.probe.probe(target);
        };
        ReleaseResult result = sim.builder().healthProbe(slowish).trafficPlan(plan).build()
                .promote(ReleaseRequest.ofPullRequest(Simulation.PR));
        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        return result.record();
    }

    private static int kilobytes(Samples samples) {
        return EvidenceJson.toBytes(samples).length;
    }

    @Test
    @DisplayName("a default 14-minute release (10 minutes observed at 100%) keeps its samples under 16 KB")
    void defaultRelease() {
        ReleaseRecord record = release(TrafficPlan.immediate());
        Samples samples = record.samples().orElseThrow();

        assertThat(Duration.between(record.startedAt(), record.finishedAt().orElseThrow()))
                .isBetween(Duration.ofMinutes(14), Duration.ofMinutes(14).plusSeconds(1));
        // Not vacuous: every probe, check and reading of the 10 minutes is there, with its latency.
        assertThat(samples.steps()).singleElement().satisfies(step -> {
            assertThat(step.health().count()).isEqualTo(601);
            assertThat(step.health().ms()).containsOnly(37L);
            assertThat(step.smoke().checks()).hasSize(41);
            assertThat(step.errorRate()).hasSize(10);
        });
        System.out.println("samples of a default 14-minute release: " + kilobytes(samples) + " bytes");
        assertThat(kilobytes(samples)).isLessThan(DEFAULT_RELEASE_BOUND_KB * 1024);
    }

    @Test
    @DisplayName("a 24-minute canary (5 minutes at 10% and at 50%, 10 at 100%) keeps its samples under 28 KB")
    void canary() {
        ReleaseRecord record = release(TrafficPlan.canary(10, 50, 100));
        Samples samples = record.samples().orElseThrow();

        assertThat(Duration.between(record.startedAt(), record.finishedAt().orElseThrow()))
                .isBetween(Duration.ofMinutes(24), Duration.ofMinutes(24).plusSeconds(1));
        assertThat(samples.steps()).extracting(Samples.Step::weight).containsExactly(10, 50, 100);
        assertThat(samples.steps().stream().mapToInt(s -> s.health().count()).sum()).isEqualTo(1_203);
        assertThat(samples.steps().stream().mapToInt(s -> s.smoke().checks().size()).sum()).isEqualTo(83);
        assertThat(samples.steps()).flatExtracting(Samples.Step::errorRate).hasSize(20)
                .filteredOn(r -> r.stable().isPresent()).hasSize(10);
        System.out.println("samples of a 24-minute canary: " + kilobytes(samples) + " bytes");
        assertThat(kilobytes(samples)).isLessThan(CANARY_BOUND_KB * 1024);
    }
}
