package io.releasepipeline.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.ReleaseInProgressException;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.spi.DeploymentState;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.testkit.Simulation;
import io.releasepipeline.testkit.faults.CallSite;
import io.releasepipeline.testkit.faults.CaseResult;
import io.releasepipeline.testkit.faults.Fault;
import io.releasepipeline.testkit.faults.FaultMatrix;
import io.releasepipeline.testkit.faults.FaultWorld;
import io.releasepipeline.testkit.faults.Phase;
import io.releasepipeline.testkit.faults.ProviderCall;
import io.releasepipeline.testkit.faults.Scenario;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The eight faults issue 11 was filed with, each through the fault matrix's harness: the same world, proxies and
 * invariants as the matrix, plus what the story itself must show.
 */
class NamedFaultCasesTest {

    /** The first call of {@code provider.method} the scenario's release makes in {@code phase}. */
    private static CallSite firstIn(Scenario scenario, String key, Phase phase) {
        return FaultMatrix.baseline(scenario).stream()
                .filter(c -> c.site().key().equals(key) && c.phase() == phase).map(ProviderCall::site).findFirst()
                .orElseThrow(() -> new AssertionError(scenario + " makes no " + key + " call in " + phase));
    }

    private static void assertHolds(CaseResult r) {
        assertThat(r.violations()).as(r.report(30)).isEmpty();
    }

    private static TrafficWeights traffic(FaultWorld world) {
        return world.simulation().platform.currentWeights().orElseThrow().withoutZeros();
    }

    @Test
    void oneInterruptAtNinetyTenRollsTrafficBackToStable() {
        Scenario canary = Scenario.canary();
        FaultWorld world = FaultWorld.of(canary)
                .inject(firstIn(canary, "probe.probe", Phase.TRAFFIC_SPLIT), Fault.INTERRUPT);
        CaseResult r = world.run();
        assertHolds(r);
        assertThat(traffic(world)).isEqualTo(TrafficWeights.all(Simulation.STABLE));
    }

    @Test
    void twoCancelAtTenPercentRollsBackAndRecordsIt() {
        // The in-JVM equivalent of SIGINT/SIGTERM (the CLI's handler asks the release to roll back); the child-JVM
        // signal tests are the CLI's.
        Scenario canary = Scenario.canary();
        FaultWorld world = FaultWorld.of(canary);
        world.inject(firstIn(canary, "probe.probe", Phase.TRAFFIC_SPLIT), Fault.HANG)
                .before(firstIn(canary, "probe.probe", Phase.TRAFFIC_SPLIT),
                        w -> assertThat(w.requestRollback("SIGTERM")).isTrue());
        CaseResult r = world.run();
        assertHolds(r);
        assertThat(r.outcome()).contains(ReleaseOutcome.ROLLED_BACK);
        assertThat(traffic(world)).isEqualTo(TrafficWeights.all(Simulation.STABLE));
        String deployment = world.simulation().ci.deployments().get(0).id();
        assertThat(world.simulation().ci.deploymentStatuses(deployment)).last()
                .extracting(s -> s.state()).isEqualTo(DeploymentState.FAILURE);
    }

    @Test
    void threeAssertionErrorFromAListenerStillRollsBackThenPropagates() {
        Scenario bad = Scenario.canaryGoesBad();
        CaseResult r = FaultWorld.of(bad).inject(new CallSite("listener", "TriggerFired", 1), Fault.ERROR).run();
        assertHolds(r);
        assertThat(r.outcome()).contains(ReleaseOutcome.ROLLED_BACK);
        assertThat(r.ending()).startsWith("threw AssertionError");
    }

    @Test
    void fourJournalFailingAfterTheGatesStopsBeforeTheMergeAndACrashResumesSafely() {
        Scenario canary = Scenario.canary();
        FaultWorld world = FaultWorld.of(canary)
                .inject(new CallSite("evidence", "appendJournal", 1), Fault.JOURNAL_FAILURE)
                .also(new CallSite("platform", "setTraffic", 1), Fault.KILLED);
        CaseResult r = world.run();
        assertHolds(r);
        assertThat(world.simulation().ci.isMerged(Simulation.PR)).as("merged with the journal failing").isFalse();
        assertThat(traffic(world)).isEqualTo(TrafficWeights.all(Simulation.STABLE));
    }

    @Test
    void fiveTwoPromotesAtTheSameInstantOneProceedsTheOtherIsRefused() {
        Scenario sameSecond = Scenario.canary().requesting(ReleaseRequest.ofPullRequest(Simulation.PR));
        FaultWorld world = FaultWorld.of(sameSecond);
        AtomicReference<Throwable> contender = new AtomicReference<>();
        world.inject(new CallSite("ci", "pullRequest", 1), Fault.TRANSIENT)
                .before(new CallSite("ci", "pullRequest", 1), w -> {
                    try {
                        w.pipeline(2).promote(ReleaseRequest.ofPullRequest(Simulation.PR));
                    } catch (Throwable t) {
                        contender.set(t);
                    }
                });
        CaseResult r = world.run();
        assertHolds(r);
        assertThat(contender.get()).as("the second promote of the same instant").isInstanceOf(
                ReleaseInProgressException.class).hasMessageContaining(world.releaseId().orElseThrow());
        assertThat(r.outcome()).contains(ReleaseOutcome.PROMOTED);
    }

    @Test
    void sixALostLeaseStopsTheReleaseBeforeItsNextSideEffect() {
        // A Blob renewal that failed until the lease expired: another process holds the lock now.
        Scenario canary = Scenario.canary();
        FaultWorld world = FaultWorld.of(canary)
                .inject(firstIn(canary, "probe.probe", Phase.TRAFFIC_SPLIT), Fault.LOCK_LOST);
        CaseResult r = world.run();
        assertHolds(r);
        assertThat(r.resumed()).isTrue();
        assertThat(traffic(world).isSplit()).isFalse();
    }

    @Test
    void sevenHangsEndAtTheirDeadlineAndNeverStopTheTriggers() {
        Scenario canary = Scenario.canary();
        for (CallSite hang : List.of(new CallSite("ci", "merge", 1), new CallSite("platform", "setTraffic", 1),
                new CallSite("platform", "setTraffic", 2))) {
            assertHolds(FaultWorld.of(canary).inject(hang, Fault.HANG).run());
        }
        // A hung approval poll while the canary goes bad: the health trigger still fires on time.
        CallSite poll = new CallSite("approvals", "decision", 1);
        Instant asked = askedAt(canary);
        Scenario badWhileWaiting = canary.scripted("canary goes bad while waiting for approval",
                sim -> sim.probe.failingFrom(Simulation.NEW, Duration.between(sim.clock.start(), asked)));
        FaultWorld world = FaultWorld.of(badWhileWaiting).inject(poll, Fault.HANG);
        List<ReleaseEvent.RollbackStarted> rollbacks = new ArrayList<>();
        world.listener(e -> {
            if (e instanceof ReleaseEvent.RollbackStarted s) {
                rollbacks.add(s);
            }
        });
        CaseResult r = world.run();
        assertHolds(r);
        assertThat(rollbacks).as("a rollback").isNotEmpty();
        assertThat(rollbacks.get(0).at()).as("the health trigger (30 s down) fired while the poll hung")
                .isBefore(asked.plus(Duration.ofSeconds(45)));
        assertThat(world.simulation().platform.trafficHistory()).as("never promoted to 100% meanwhile")
                .doesNotContain(TrafficWeights.all(Simulation.NEW));
    }

    /** When the canary's release asks for approval before 100% (no fault). */
    private static Instant askedAt(Scenario scenario) {
        FaultWorld probe = FaultWorld.of(scenario);
        List<Instant> asked = new ArrayList<>();
        probe.listener(e -> {
            if (e instanceof ReleaseEvent.Waiting w && w.forWhat().startsWith("approval")) {
                asked.add(w.at());
            }
        });
        probe.run();
        return asked.get(0);
    }

    @Test
    void eightAFailedMetricReadIsNeverSilentlyPromoted() {
        Scenario canary = Scenario.canary();
        CaseResult r = FaultWorld.of(canary)
                .inject(firstIn(canary, "signals.errorRate", Phase.TRAFFIC_SPLIT), Fault.PERMANENT).run();
        assertHolds(r);
        assertThat(r.outcome()).isNotEqualTo(Optional.of(ReleaseOutcome.PROMOTED));
    }
}
