package io.releasepipeline.scenario;

import static io.releasepipeline.testkit.Simulation.NEW;
import static io.releasepipeline.testkit.Simulation.PR;
import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.evidence.EvidenceJson;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.TimelinePoint;
import io.releasepipeline.testkit.Simulation;
import io.releasepipeline.traffic.TrafficPlan;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The evidence timeline of a real engine run: every source interleaved, in time order. */
class TimelineOrderScenarioTest {

    @Test
    @DisplayName("a canary rolled back by its error rate has a timeline in time order, health, smoke and error-rate "
            + "points interleaved, in the record returned and in the one stored, as JSON")
    void theTimelineOfARollbackIsInTimeOrder() {
        // A smoke check that takes 43.677233 ms, as the demo's real one does: the observation keeps time to the
        // millisecond, the check's own instant is finer.
        Simulation sim = new Simulation();
        sim.smoke.runTakes(Duration.ofNanos(43_677_233));
        sim.signals.revision(NEW).errorRateFrom(Duration.ofMinutes(7), 0.2);

        ReleaseResult result = sim.builder().trafficPlan(TrafficPlan.canary(10, 50, 100)).build()
                .promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        List<TimelinePoint> timeline = result.record().timeline();
        // Health probe, smoke check and error rate (by count, not by name: the names are the triggers').
        assertThat(timeline.stream().map(TimelinePoint::signal).distinct()).hasSize(3);
        assertThat(switches(timeline)).as("times the signal changes from one point to the next").isGreaterThan(3);
        assertThat(timeline).extracting(TimelinePoint::at).isSortedAccordingTo(Comparator.naturalOrder());

        ReleaseRecord stored = sim.evidence.read(Simulation.APP, result.releaseId()).orElseThrow();
        List<Instant> written = EvidenceJson.mapper().valueToTree(stored).get("timeline").findValuesAsText("at")
                .stream().map(Instant::parse).toList();
        assertThat(written).hasSize(timeline.size()).isSortedAccordingTo(Comparator.naturalOrder());
    }

    private static int switches(List<TimelinePoint> timeline) {
        int n = 0;
        for (int i = 1; i < timeline.size(); i++) {
            if (!timeline.get(i).signal().equals(timeline.get(i - 1).signal())) {
                n++;
            }
        }
        return n;
    }
}
