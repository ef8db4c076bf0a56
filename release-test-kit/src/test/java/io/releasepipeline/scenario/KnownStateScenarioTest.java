package io.releasepipeline.scenario;

import static io.releasepipeline.testkit.Simulation.NEW;
import static io.releasepipeline.testkit.Simulation.PR;
import static io.releasepipeline.testkit.Simulation.STABLE;
import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.ReleasePipelineBuilder;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.spi.RevisionMode;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.testkit.Simulation;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The engine acting on what the release knows of its app (issue 16), against what production meets (a hand change
 * during the observation, a previous revision that does not come back after its activation).
 */
class KnownStateScenarioTest {

    private final Simulation sim = new Simulation();

    private ReleaseResult promote(ReleasePipelineBuilder builder) {
        return builder.build().promote(ReleaseRequest.ofPullRequest(PR));
    }

    @Test
    @DisplayName("someone sets 50/50 by hand during the observation, then a trigger fires: the rollback restores "
            + "v1 with one change, and its evidence says the split it moved from is the one it last confirmed, when")
    void handChangeDuringObservationIsWhatTheEvidenceSays() {
        sim.smoke.failingFrom(NEW, Duration.ofMinutes(8));
        TrafficWeights byHand = TrafficWeights.split(STABLE, NEW, 50);
        sim.clock.scheduleAt(Duration.ofMinutes(6), () -> sim.platform.withTraffic(byHand));

        ReleaseResult result = promote(sim.builder());

        assertThat(result.outcome()).as(result.record().notes().toString()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(STABLE));
        assertThat(result.record().trafficChanges()).last().satisfies(c -> {
            assertThat(c.to()).isEqualTo(TrafficWeights.all(STABLE));
            // Not read again before the change (the change names absolute weights): the record says what it knew.
            assertThat(c.from()).isEqualTo(TrafficWeights.all(NEW));
            assertThat(c.reason()).contains("from the split as this release last confirmed it, at "
                    + sim.clock.at(Duration.ofMinutes(4)));
        });
    }

    @Test
    @DisplayName("someone already moved all traffic back to v1 by hand during the observation: the rollback's change "
            + "(idempotent) says it started from the split this release last confirmed, and when")
    void handRollbackIsNotRecordedAsTheReleasesChange() {
        sim.smoke.failingFrom(NEW, Duration.ofMinutes(8));
        sim.clock.scheduleAt(Duration.ofMinutes(6), () -> sim.platform.withTraffic(TrafficWeights.all(STABLE)));

        ReleaseResult result = promote(sim.builder());

        assertThat(result.outcome()).as(result.record().notes().toString()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(result.record().trafficChanges()).last().satisfies(c -> assertThat(c.reason())
                .contains("as this release last confirmed it, at " + sim.clock.at(Duration.ofMinutes(4))));
    }

    @Test
    @DisplayName("Single mode: the previous revision, activated by the rollback, never becomes ready: traffic must "
            + "not be left 100% on a revision that cannot serve (before issue 16 the rollback waited for ready "
            + "before the PATCH and moved nothing)")
    void activatedRevisionThatNeverBecomesReady() {
        sim.platform.revisionMode(RevisionMode.SINGLE);
        sim.smoke.failingFrom(NEW, Duration.ZERO);
        ReleasePipelineBuilder builder = sim.builder().listener(e -> {
            if (e instanceof ReleaseEvent.RollbackStarted) {
                // v1's image is gone from the registry, say: activated, it never starts and never serves.
                sim.platform.revisionNeverReady(STABLE);
                sim.smoke.failingFrom(STABLE, Duration.ZERO);
            }
        });

        ReleaseResult result = promote(builder);

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLBACK_FAILED);
        assertThat(sim.platform.currentWeights()).as("traffic after a rollback to a revision that never got ready")
                .contains(TrafficWeights.all(NEW));
        assertThat(result.rollback().orElseThrow().details().detail()).hasValueSatisfying(d -> assertThat(d)
                .contains("did not become ready after activation", "traffic was put back on v2=100%"));
        assertThat(result.record().trafficChanges()).last().satisfies(c -> assertThat(c.reason())
                .startsWith("rollback undone"));
    }

    @Test
    @DisplayName("a rollback 45 minutes in (a revision deactivated by hand at minute 20) reads the app and revision "
            + "again first")
    void staleAfterThirtyMinutesReadsAgain() {
        sim.smoke.failingFrom(NEW, Duration.ofMinutes(45));
        sim.clock.scheduleAt(Duration.ofMinutes(20), () -> sim.platform.deactivate(STABLE));

        ReleaseResult result = promote(sim.builder().observationWindow(Duration.ofMinutes(60)));

        // Deactivated by hand at minute 20 (stale after 30 min): read again, activated, restored at first try.
        assertThat(result.outcome()).as(result.record().notes().toString()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(sim.platform.calls()).endsWith("activate(v1)", "setTraffic(v1=100%)");
        assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(STABLE));
    }

    @Test
    @DisplayName("approval asked before the first step (traffic read then: 100% v1); someone moves 50% to v2 by hand "
            + "while it waits; v2 then fails its smoke check: the rollback must put 100% back on v1, not trust the "
            + "stale read that says it is already there")
    void handChangeDuringApprovalWaitBeforeFirstStep() {
        TrafficWeights byHand = TrafficWeights.split(STABLE, NEW, 50);
        io.releasepipeline.approval.ApiApprovals approvals = new io.releasepipeline.approval.ApiApprovals(sim.clock,
                q -> sim.clock.schedule(Duration.ofMinutes(2), () -> sim.platform.withTraffic(byHand)));
        sim.smoke.failingFrom(NEW, Duration.ofMinutes(9));

        ReleaseResult result = promote(sim.builder()
                .trafficPlan(io.releasepipeline.traffic.TrafficPlan.canary(10, 100).withApprovalBefore(10))
                .approvals(approvals)
                .approvalTimeout(Duration.ofMinutes(25), io.releasepipeline.ApprovalTimeoutAction.REJECT));

        assertThat(sim.platform.trafficTimeline()).as("the hand change happened")
                .anySatisfy(t -> assertThat(t.weights()).isEqualTo(byHand));
        assertThat(sim.platform.currentWeights()).as("traffic at the end").contains(TrafficWeights.all(STABLE));
    }

    @Test
    @DisplayName("approval asked before the first step, someone moves 50% to v2 by hand, then the approval is "
            + "rejected: traffic must go back to 100% v1")
    void handChangeThenRejectedBeforeFirstStep() {
        TrafficWeights byHand = TrafficWeights.split(STABLE, NEW, 50);
        java.util.List<io.releasepipeline.spi.ApprovalRequest> asked = new java.util.ArrayList<>();
        io.releasepipeline.approval.ApiApprovals[] holder = new io.releasepipeline.approval.ApiApprovals[1];
        holder[0] = new io.releasepipeline.approval.ApiApprovals(sim.clock, q -> {
            asked.add(q);
            sim.clock.schedule(Duration.ofMinutes(2), () -> sim.platform.withTraffic(byHand));
            sim.clock.schedule(Duration.ofMinutes(3), () -> holder[0].reject(q.releaseId(), q.weight(), "bob",
                    "not today"));
        });

        ReleaseResult result = promote(sim.builder()
                .trafficPlan(io.releasepipeline.traffic.TrafficPlan.canary(10, 100).withApprovalBefore(10))
                .approvals(holder[0])
                .approvalTimeout(Duration.ofMinutes(25), io.releasepipeline.ApprovalTimeoutAction.REJECT));

        assertThat(asked).hasSize(1);
        assertThat(sim.platform.currentWeights()).as("traffic at the end").contains(TrafficWeights.all(STABLE));
    }

    @Test
    @DisplayName("an approval before 100% answered (rejected) after 40 minutes: the rollback reads the app again "
            + "(its last read is older than 30 minutes) and restores v1 even though someone set 70/30 by hand")
    void rejectedAfterLongApprovalWaitReadsAgain() {
        TrafficWeights byHand = TrafficWeights.split(STABLE, NEW, 30);
        io.releasepipeline.approval.ApiApprovals[] holder = new io.releasepipeline.approval.ApiApprovals[1];
        holder[0] = new io.releasepipeline.approval.ApiApprovals(sim.clock, q -> {
            sim.clock.schedule(Duration.ofMinutes(35), () -> sim.platform.withTraffic(byHand));
            sim.clock.schedule(Duration.ofMinutes(40), () -> holder[0].reject(q.releaseId(), q.weight(), "bob",
                    "not today"));
        });
        long[] trafficReadsAtRollback = {-1};
        ReleasePipelineBuilder builder = sim.builder()
                .trafficPlan(io.releasepipeline.traffic.TrafficPlan.canary(10, 100).withApprovalBefore(100))
                .approvals(holder[0])
                .approvalTimeout(Duration.ofHours(2), io.releasepipeline.ApprovalTimeoutAction.REJECT)
                .listener(e -> {
                    if (e instanceof ReleaseEvent.RollbackStarted) {
                        trafficReadsAtRollback[0] = sim.platform.count("traffic");
                    }
                });

        ReleaseResult result = promote(builder);

        assertThat(trafficReadsAtRollback[0]).as("a rollback happened").isNotNegative();
        assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(STABLE));
        assertThat(result.record().trafficChanges()).last().satisfies(c -> assertThat(c.from()).isEqualTo(byHand));
    }
}
