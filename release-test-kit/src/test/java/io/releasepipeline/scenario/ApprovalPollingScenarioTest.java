package io.releasepipeline.scenario;

import static io.releasepipeline.testkit.Simulation.NEW;
import static io.releasepipeline.testkit.Simulation.PR;
import static io.releasepipeline.testkit.Simulation.STABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.releasepipeline.ApprovalTimeoutAction;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.RollbackDetails;
import io.releasepipeline.spi.ApprovalDecision;
import io.releasepipeline.spi.ApprovalProvider;
import io.releasepipeline.spi.ApprovalRequest;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.testkit.Simulation;
import io.releasepipeline.traffic.TrafficPlan;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Approvals are polled off the observation loop: an approval provider that hangs must not stop the rollback
 * triggers of the step being watched while the release waits.
 */
class ApprovalPollingScenarioTest {

    private final Simulation sim = new Simulation();
    /** Released after each test, so that the hung polls' threads end. */
    private final CountDownLatch released = new CountDownLatch(1);
    private final AtomicInteger polls = new AtomicInteger();

    @AfterEach
    void releaseHungPolls() {
        released.countDown();
    }

    /** Takes the question at once, then never answers a poll (until the test is over). */
    private final ApprovalProvider hanging = new ApprovalProvider() {
        @Override
        public String providerName() {
            return "hanging-approvals";
        }

        @Override
        public void request(ApprovalRequest request) {
        }

        @Override
        public Optional<ApprovalDecision> decision(ApprovalRequest request) {
            polls.incrementAndGet();
            try {
                released.await();
            } catch (InterruptedException abandoned) {
                Thread.currentThread().interrupt();
            }
            return Optional.empty();
        }
    };

    @Test
    @DisplayName("an approval provider that hangs for ever while the 50% step is watched: health down at t+15m "
            + "still rolls back at t+15m30s, and each abandoned poll is a warning")
    void hungApprovalPollDoesNotStopTheTriggers() {
        sim.probe.failingFrom(NEW, Duration.ofMinutes(15));

        ReleaseResult result = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> sim.builder()
                .trafficPlan(TrafficPlan.canary(10, 50, 100).withApprovalBefore(100)).approvals(hanging)
                .approvalTimeout(Duration.ofHours(1), ApprovalTimeoutAction.APPROVE).build()
                .promote(ReleaseRequest.ofPullRequest(PR)));

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        List<TrafficWeights> history = sim.platform.trafficHistory();
        assertThat(history).last().isEqualTo(TrafficWeights.all(STABLE));
        RollbackDetails d = result.rollback().orElseThrow().details();
        assertThat(d.trigger()).hasValueSatisfying(t -> assertThat(t.trigger()).isEqualTo("health-endpoint"));
        assertThat(d.startedAt()).isEqualTo(sim.clock.at(Duration.ofMinutes(15)).plusSeconds(30));
        assertThat(result.record().approvals()).isEmpty();
        assertThat(polls.get()).isGreaterThanOrEqualTo(2);
        assertThat(sim.events(ReleaseEvent.Warning.class)).anySatisfy(w -> assertThat(w.message())
                .contains("hanging-approvals", "did not answer the poll", "abandoned"));
    }
}
