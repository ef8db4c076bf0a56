package io.releasepipeline.scenario;

import static io.releasepipeline.testkit.Simulation.NEW;
import static io.releasepipeline.testkit.Simulation.PR;
import static io.releasepipeline.testkit.Simulation.STABLE;
import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.ApprovalTimeoutAction;
import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.approval.ApiApprovals;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.RollbackDetails;
import io.releasepipeline.evidence.StepApproval;
import io.releasepipeline.gate.Gate;
import io.releasepipeline.gate.Gates;
import io.releasepipeline.spi.Alert;
import io.releasepipeline.spi.ApprovalRequest;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.testkit.Simulation;
import io.releasepipeline.traffic.TrafficPlan;
import io.releasepipeline.trigger.AlertInbox;
import io.releasepipeline.trigger.NoDataPolicy;
import io.releasepipeline.trigger.Triggers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Canary 10 -> 50 -> 100 with analysis, manual approval, alert-driven rollback, advisory mode and roll-forward-only
 * releases, in virtual time. The canary story: merge at t+0, the deploy run completes at t+4m, 10% from t+4m, 50%
 * from t+9m, 100% from t+14m, observed until t+24m.
 */
class ProgressiveDeliveryScenarioTest {

    private static final TrafficPlan CANARY = TrafficPlan.canary(10, 50, 100);
    private static final TrafficWeights AT_10 = TrafficWeights.split(STABLE, NEW, 10);
    private static final TrafficWeights AT_50 = TrafficWeights.split(STABLE, NEW, 50);

    private final Simulation sim = new Simulation();

    private static Duration minutes(double m) {
        return Duration.ofMillis((long) (m * 60_000));
    }

    private ReleaseResult promote(ReleasePipeline pipeline) {
        return pipeline.promote(ReleaseRequest.ofPullRequest(PR));
    }

    private RollbackDetails assertRolledBackFrom(ReleaseResult result, TrafficWeights lastSplit, String trigger) {
        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        List<TrafficWeights> history = sim.platform.trafficHistory();
        assertThat(history).last().isEqualTo(TrafficWeights.all(STABLE));
        assertThat(history.get(history.size() - 2)).isEqualTo(lastSplit);
        RollbackDetails d = result.rollback().orElseThrow().details();
        assertThat(d.trigger()).hasValueSatisfying(t -> assertThat(t.trigger()).isEqualTo(trigger));
        return d;
    }

    @Test
    @DisplayName("a canary passes every step: 10% and 50% for 5 minutes each, then 100% for the observation window")
    void passesEveryStep() {
        ReleaseResult result = promote(sim.builder().trafficPlan(CANARY).build());

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(sim.platform.trafficHistory()).containsExactly(AT_10, AT_50, TrafficWeights.all(NEW));
        assertThat(sim.platform.trafficTimeline()).extracting(t -> Duration.between(sim.clock.start(), t.at()))
                .contains(minutes(4), minutes(9), minutes(14));
        assertThat(sim.clock.elapsed()).isEqualTo(minutes(24));
        assertThat(sim.events(ReleaseEvent.ObservationPassed.class)).extracting(ReleaseEvent.ObservationPassed::weight)
                .containsExactly(10, 50, 100);
    }

    @Test
    @DisplayName("fails at 10%: canary analysis sees v2 at 4% 5xx against v1's 1%, under the 5% threshold")
    void failsAt10ByCanaryAnalysis() {
        sim.signals.revision(STABLE).errorRate(0.01);
        sim.signals.revision(NEW).errorRate(0.04);
        ReleasePipeline pipeline = sim.builder().trafficPlan(CANARY)
                .rollbackTriggers(Triggers.builder().canaryAnalysis(0.01).build()).build();

        RollbackDetails d = assertRolledBackFrom(promote(pipeline), AT_10, "canary-analysis");

        // The first reading with 100 requests on the canary's side (60 a minute at 10%) is two minutes in.
        assertThat(d.trigger().orElseThrow().reason()).isEqualTo("canary v2 5xx 4.2% of 120 vs stable v1 1.0% of "
                + "2,880; at most +1.0% allowed");
        assertThat(d.startedAt()).isEqualTo(sim.clock.at(minutes(6)));
    }

    @Test
    @DisplayName("fails at 50% on latency: the smoke check's warm latency goes over the 500 ms SLO")
    void failsAt50OnLatency() {
        ReleasePipeline pipeline = sim.builder().trafficPlan(CANARY).listener(e -> {
            if (e instanceof ReleaseEvent.TrafficShifted t && t.to().equals(AT_50)) {
                sim.smoke.slow(NEW, Duration.ofMillis(700));
            }
        }).build();

        RollbackDetails d = assertRolledBackFrom(promote(pipeline), AT_50, "smoke-check");

        assertThat(d.trigger().orElseThrow().reason()).contains("smoke check failing for 2m15s").contains("700ms");
        assertThat(d.startedAt()).isEqualTo(sim.clock.at(minutes(11.25)));
    }

    @Nested
    class NoDataAt10Percent {

        private ReleaseResult promoteWith(NoDataPolicy policy) {
            // 100 requests a minute for the app: 10 for the canary at 10%, 50 over a 5-minute window.
            Simulation s = sim;
            s.signals.revision(NEW).requestsPerMinute(10);
            return promote(s.builder().trafficPlan(CANARY).rollbackTriggers(Triggers.builder().noDataPolicy(policy)
                    .build()).build());
        }

        @Test
        @DisplayName("HOLD keeps the 10% step for one more window, then goes on and says the error rate was not verified")
        void hold() {
            ReleaseResult result = promoteWith(NoDataPolicy.HOLD);
            assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
            assertThat(sim.platform.trafficTimeline()).filteredOn(t -> t.weights().equals(AT_50))
                    .singleElement().satisfies(t -> assertThat(t.at()).isEqualTo(sim.clock.at(minutes(14))));
            assertThat(result.record().notes()).anySatisfy(n -> assertThat(n)
                    .startsWith("error rate not verified at 10% (HOLD)"));
        }

        @Test
        @DisplayName("FAIL rolls back at the end of the 10% step")
        void fail() {
            RollbackDetails d = assertRolledBackFrom(promoteWith(NoDataPolicy.FAIL), AT_10, "error-rate");
            assertThat(d.reason()).contains("no data policy FAIL");
            assertThat(d.startedAt()).isEqualTo(sim.clock.at(minutes(9)));
        }
    }

    @Nested
    class ManualApproval {

        private final List<ApprovalRequest> asked = new ArrayList<>();
        private final ApiApprovals approvals = new ApiApprovals(sim.clock, asked::add);

        private ReleasePipeline pipeline(Duration timeout, ApprovalTimeoutAction action) {
            return sim.builder().trafficPlan(CANARY.withApprovalBefore(100)).approvals(approvals)
                    .approvalTimeout(timeout, action).build();
        }

        @Test
        @DisplayName("approved after 7 minutes: the release waits at 50%, then goes to 100%, and the record names who")
        void approved() {
            sim.clock.scheduleAt(minutes(21), () -> approvals.approve(asked.get(0).releaseId(), 100, "alice",
                    "dashboards look fine"));

            ReleaseResult result = promote(pipeline(Duration.ofHours(1), ApprovalTimeoutAction.REJECT));

            assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
            assertThat(asked).singleElement().satisfies(q -> {
                assertThat(q.weight()).isEqualTo(100);
                assertThat(q.summary()).contains("may v2 go to 100%").contains("v1=50%, v2=50%");
            });
            assertThat(result.record().approvals()).singleElement().isEqualTo(new StepApproval(100,
                    sim.clock.at(minutes(14)), true, Optional.of("alice"), sim.clock.at(minutes(21)),
                    "dashboards look fine"));
            assertThat(sim.platform.trafficTimeline()).filteredOn(t -> t.weights().equals(TrafficWeights.all(NEW)))
                    .singleElement().satisfies(t -> assertThat(t.at()).isEqualTo(sim.clock.at(minutes(21))));
        }

        @Test
        @DisplayName("rejected: traffic goes back to v1 from 50%")
        void rejected() {
            sim.clock.scheduleAt(minutes(16), () -> approvals.reject(asked.get(0).releaseId(), 100, "bob",
                    "latency p99 doubled"));

            ReleaseResult result = promote(pipeline(Duration.ofHours(1), ApprovalTimeoutAction.REJECT));

            assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
            assertThat(sim.platform.trafficHistory()).containsExactly(AT_10, AT_50, TrafficWeights.all(STABLE));
            assertThat(result.rollback().orElseThrow().details().reason())
                    .isEqualTo("step to 100% rejected by bob: latency p99 doubled");
            assertThat(result.record().approvals()).singleElement().satisfies(a -> assertThat(a.approved()).isFalse());
        }

        @Test
        @DisplayName("nobody decides within 30 minutes: the default action rejects, and the record says it timed out")
        void timedOut() {
            ReleaseResult result = promote(pipeline(Duration.ofMinutes(30), ApprovalTimeoutAction.REJECT));

            assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
            assertThat(result.record().approvals()).singleElement().satisfies(a -> {
                assertThat(a.timedOut()).isTrue();
                assertThat(a.approved()).isFalse();
                assertThat(a.decidedAt()).isEqualTo(sim.clock.at(minutes(44)));
                assertThat(a.comment()).isEqualTo("nobody decided within 30m; rejected by the timeout action");
            });
            assertThat(approvals.pending()).hasSize(1);
        }

        @Test
        @DisplayName("the 50% step stays watched while the release waits: health down at t+15m rolls back at once")
        void triggersStayArmedWhileWaiting() {
            sim.probe.failingFrom(NEW, minutes(15));

            ReleaseResult result = promote(pipeline(Duration.ofHours(1), ApprovalTimeoutAction.APPROVE));

            RollbackDetails d = assertRolledBackFrom(result, AT_50, "health-endpoint");
            assertThat(d.startedAt()).isEqualTo(sim.clock.at(minutes(15)).plusSeconds(30));
            assertThat(result.record().approvals()).isEmpty();
        }

        @Test
        @DisplayName("an approval source that cannot be read is never a decision: the release waits, then times out")
        void aFailingApprovalSourceIsNotADecision() {
            io.releasepipeline.spi.ApprovalProvider broken = new io.releasepipeline.spi.ApprovalProvider() {
                @Override
                public String providerName() {
                    return "broken-approvals";
                }

                @Override
                public void request(ApprovalRequest request) {
                    approvals.request(request);
                }

                @Override
                public Optional<io.releasepipeline.spi.ApprovalDecision> decision(ApprovalRequest request) {
                    throw io.releasepipeline.error.ProviderException.permanent("broken-approvals", "decision",
                            "503 from the chat bot", null);
                }
            };
            ReleasePipeline pipeline = sim.builder().trafficPlan(CANARY.withApprovalBefore(100)).approvals(broken)
                    .approvalTimeout(Duration.ofMinutes(30), ApprovalTimeoutAction.REJECT).build();

            ReleaseResult result = promote(pipeline);

            assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
            assertThat(result.record().approvals()).singleElement().satisfies(a -> assertThat(a.timedOut()).isTrue());
            assertThat(sim.events(ReleaseEvent.Warning.class)).anySatisfy(w -> assertThat(w.message())
                    .contains("could not read the approval decision").contains("503 from the chat bot"));
        }

        @Test
        void aTimeoutThatApprovesGoesOn() {
            ReleaseResult result = promote(pipeline(Duration.ofMinutes(30), ApprovalTimeoutAction.APPROVE));
            assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
            assertThat(result.record().approvals().get(0).timedOut()).isTrue();
        }
    }

    @Test
    @DisplayName("an Azure Monitor alert pushed by its webhook at t+11m30s rolls back at once, mid-step")
    void alertWebhookRollsBack() {
        AlertInbox inbox = new AlertInbox(sim.clock);
        sim.clock.scheduleAt(minutes(11.5), () -> inbox.fired(new Alert("/subscriptions/s/alerts/a1",
                "backend 5xx > 5%", "Sev1", sim.clock.now(), "Requests 5xx over 5% for 5 minutes", Optional.empty())));
        ReleasePipeline pipeline = sim.builder().trafficPlan(CANARY).rollbackTriggers(Triggers.builder()
                .onAlerts(inbox).build()).build();

        RollbackDetails d = assertRolledBackFrom(promote(pipeline), AT_50, "alert");

        assertThat(d.trigger().orElseThrow().reason()).startsWith("alert \"backend 5xx > 5%\" (Sev1) fired at");
        assertThat(d.startedAt()).isEqualTo(sim.clock.at(minutes(11.5)));
    }

    @Test
    @DisplayName("an alert that fired in the last seconds of the 10% step, and arrives once 50% began, still counts")
    void alertFiredBetweenStepsIsNotLost() {
        AlertInbox inbox = new AlertInbox(sim.clock);
        sim.clock.scheduleAt(minutes(9).plusMillis(500), () -> inbox.fired(new Alert("a2", "backend 5xx", "Sev2",
                sim.clock.at(minutes(9).minusSeconds(10)), "", Optional.empty())));
        ReleasePipeline pipeline = sim.builder().trafficPlan(CANARY).rollbackTriggers(Triggers.builder()
                .onAlerts(inbox).build()).build();

        RollbackDetails d = assertRolledBackFrom(promote(pipeline), AT_50, "alert");

        assertThat(d.startedAt()).isEqualTo(sim.clock.at(minutes(9).plusMillis(500)));
    }

    @Test
    @DisplayName("advisory mode records what a trigger and a gate would have done, and acts on neither")
    void advisory() {
        sim.signals.revision(NEW).errorRateFrom(minutes(5), 0.08);
        Gate twoApprovals = Gates.advisory(Gates.minimumApprovals(2));
        List<Gate> gates = new ArrayList<>(Gates.runbookDefaults());
        gates.set(3, twoApprovals);
        ReleasePipeline pipeline = sim.builder().gates(gates)
                .rollbackTriggers(Triggers.builder().advisory("error-rate").build()).build();

        ReleaseResult result = promote(pipeline);

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(result.gates()).filteredOn(g -> g.gate().equals("reviews")).singleElement()
                .satisfies(g -> assertThat(g.reason()).isEqualTo("advisory, not enforced: would have failed: "
                        + "1 approving review, 2 required: approved by alice (write)"))
                .matches(GateResult::passed);
        assertThat(result.record().verdicts()).anySatisfy(v -> {
            assertThat(v.trigger()).isEqualTo("error-rate (advisory)");
            assertThat(v.firing()).isTrue();
        });
        assertThat(result.record().notes()).anySatisfy(n -> assertThat(n)
                .startsWith("advisory: error-rate would have rolled back at 100%"));
        assertThat(sim.events(ReleaseEvent.AdvisoryVerdict.class)).hasSize(1);
        assertThat(sim.platform.trafficHistory()).containsExactly(TrafficWeights.all(NEW));
    }

    @Test
    @DisplayName("a roll-forward-only release freezes traffic where it is and raises the alarm instead of rolling back")
    void rollForwardOnlyFreezes() {
        sim.smoke.failingFrom(NEW, minutes(10));
        ReleasePipeline pipeline = sim.builder().trafficPlan(CANARY).build();

        ReleaseResult result = pipeline.promote(ReleaseRequest.ofPullRequest(PR).withRollForwardOnly());

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.FROZEN);
        assertThat(sim.platform.trafficHistory()).containsExactly(AT_10, AT_50);
        assertThat(sim.platform.currentWeights()).contains(AT_50);
        assertThat(result.record().notes()).anySatisfy(n -> assertThat(n)
                .startsWith("FROZEN: this release is roll-forward-only, so traffic was held at v1=50%, v2=50%"));
        assertThat(sim.ci.comments(PR)).singleElement().satisfies(c -> assertThat(c)
                .startsWith("### FROZEN: release").contains("`smoke-check`"));
        assertThat(sim.ci.deploymentStatuses(sim.ci.deployments().get(0).id())).last()
                .satisfies(s -> assertThat(s.description()).startsWith("frozen:"));
    }
}
