package io.releasepipeline.scenario;

import static io.releasepipeline.testkit.Simulation.APP;
import static io.releasepipeline.testkit.Simulation.NEW;
import static io.releasepipeline.testkit.Simulation.PR;
import static io.releasepipeline.testkit.Simulation.STABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.releasepipeline.ApprovalTimeoutAction;
import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.RollbackRequest;
import io.releasepipeline.RollbackResult;
import io.releasepipeline.approval.ApiApprovals;
import io.releasepipeline.backtest.Backtest;
import io.releasepipeline.backtest.BacktestReport;
import io.releasepipeline.backtest.Decision;
import io.releasepipeline.backtest.Determinism;
import io.releasepipeline.backtest.ReleaseReplay;
import io.releasepipeline.evidence.EvidenceJson;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.Samples;
import io.releasepipeline.health.HealthProbe;
import io.releasepipeline.spi.Alert;
import io.releasepipeline.spi.ApprovalRequest;
import io.releasepipeline.spi.CiProvider;
import io.releasepipeline.evidence.EvidenceStore;
import io.releasepipeline.spi.PlatformProvider;
import io.releasepipeline.testkit.Simulation;
import io.releasepipeline.traffic.TrafficPlan;
import io.releasepipeline.trigger.AlertInbox;
import io.releasepipeline.trigger.NoDataPolicy;
import io.releasepipeline.trigger.ReadErrorPolicy;
import io.releasepipeline.trigger.RollbackTrigger;
import io.releasepipeline.trigger.Signal;
import io.releasepipeline.trigger.TriggerState;
import io.releasepipeline.trigger.TriggerVerdict;
import io.releasepipeline.trigger.Triggers;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The replay's behaviour on records the real engine wrote (Simulation, virtual time): the live policy replayed
 * lands on every recorded verdict to the millisecond, candidates decide as the engine would have, records that
 * cannot answer say so, labels come from rollbacks by hand, and the determinism check catches an altered sample.
 * The default story: the deploy completes at t+4m, v2 takes 100% then and is observed until t+14m.
 */
class BacktestReplayTest {

    private static final TrafficPlan CANARY = TrafficPlan.canary(10, 50, 100);

    private final Simulation sim = new Simulation();

    private static Duration minutes(double m) {
        return Duration.ofMillis((long) (m * 60_000));
    }

    private Instant at(Duration offset) {
        return sim.clock.at(offset);
    }

    private ReleaseRecord promote(ReleasePipeline pipeline) {
        return pipeline.promote(ReleaseRequest.ofPullRequest(PR)).record();
    }

    private ReleaseRecord promote(Triggers triggers) {
        return promote(sim.builder().rollbackTriggers(triggers).build());
    }

    private static ReleaseReplay replay(ReleaseRecord record, Triggers candidate) {
        return Backtest.of(candidate).replay(record);
    }

    /**
     * The live policy replayed reproduces every recorded verdict exactly (compared, not vacuously: at least one),
     * and, as a candidate, decides what live decided, at the same instant.
     */
    private static ReleaseReplay assertReproduced(ReleaseRecord record) {
        Determinism determinism = Backtest.verify(record);
        assertThat(determinism.status()).as(determinism.detail()).isEqualTo(Determinism.Status.REPRODUCED);
        assertThat(record.samples()).isPresent();
        ReleaseReplay replay = replay(record, record.samples().get().policy().toTriggers());
        Decision live = replay.live();
        Decision candidate = replay.candidate();
        switch (live.kind()) {
            case PROMOTED -> assertThat(candidate.kind()).isEqualTo(Decision.Kind.PROMOTED);
            case ROLLED_BACK -> {
                assertThat(candidate.kind()).isEqualTo(Decision.Kind.ROLLED_BACK);
                assertThat(candidate.verdict()).isEqualTo(live.verdict());
                assertThat(candidate.weight()).isEqualTo(live.weight());
                assertThat(replay.detectionDelta()).contains(Duration.ZERO);
            }
            case MANUAL_ROLLBACK -> assertThat(candidate.kind()).isEqualTo(Decision.Kind.CONTINUED);
            default -> throw new AssertionError("unexpected live decision " + live);
        }
        assertThat(replay.comparison()).isEqualTo(ReleaseReplay.Comparison.AGREE);
        return replay;
    }

    private static long judged(ReleaseRecord record) {
        return record.verdicts().stream().filter(v -> !v.trigger().equals("manual")).count();
    }

    @Nested
    @DisplayName("the live policy replayed reproduces every recorded verdict, to the millisecond")
    class LivePolicy {

        @Test
        void promoted() {
            ReleaseRecord record = promote(sim.pipeline());
            assertThat(record.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
            assertThat(judged(record)).isEqualTo(3);
            assertReproduced(record);
        }

        @Test
        void rolledBackBySmoke() {
            sim.smoke.failingFrom(NEW, Duration.ZERO);
            ReleaseRecord record = promote(sim.pipeline());
            ReleaseReplay r = assertReproduced(record);
            assertThat(r.candidate().trigger()).contains("smoke-check");
            assertThat(r.candidate().at()).contains(at(minutes(6.25)));
        }

        @Test
        void rolledBackByHealth() {
            sim.probe.failingFor(NEW, minutes(6), Duration.ofSeconds(31));
            ReleaseReplay r = assertReproduced(promote(sim.pipeline()));
            assertThat(r.candidate().trigger()).contains("health-endpoint");
            assertThat(r.candidate().at()).contains(at(minutes(6)).plusSeconds(30));
        }

        @Test
        void rolledBackByErrorRate() {
            sim.signals.revision(NEW).errorRateFrom(minutes(6), 0.08);
            ReleaseReplay r = assertReproduced(promote(sim.pipeline()));
            assertThat(r.candidate().detail()).isEqualTo("5xx 6.4% over 5m of 3,000 requests; threshold 5.0%");
            assertThat(r.candidate().at()).contains(at(minutes(10)));
        }

        @Test
        void rolledBackByCanaryAnalysis() {
            sim.signals.revision(STABLE).errorRate(0.01);
            sim.signals.revision(NEW).errorRate(0.04);
            ReleaseRecord record = promote(sim.builder().trafficPlan(CANARY)
                    .rollbackTriggers(Triggers.builder().canaryAnalysis(0.01).build()).build());
            ReleaseReplay r = assertReproduced(record);
            assertThat(r.candidate().trigger()).contains("canary-analysis");
            assertThat(r.candidate().weight()).isEqualTo(10);
            assertThat(r.candidate().at()).contains(at(minutes(6)));
        }

        @Test
        void rolledBackByAnAlert() {
            AlertInbox inbox = new AlertInbox(sim.clock);
            sim.clock.scheduleAt(minutes(11.5), () -> inbox.fired(new Alert("/subscriptions/s/alerts/a1",
                    "backend 5xx > 5%", "Sev1", sim.clock.now(), "5xx over 5%", Optional.empty())));
            ReleaseRecord record = promote(sim.builder().trafficPlan(CANARY)
                    .rollbackTriggers(Triggers.builder().onAlerts(inbox).build()).build());
            ReleaseReplay r = assertReproduced(record);
            assertThat(r.candidate().trigger()).contains("alert");
            assertThat(r.candidate().at()).contains(at(minutes(11.5)));
            // The alert came from the record: the replayed policy never reads a source.
            assertThat(record.samples().orElseThrow().steps().get(1).alerts().states())
                    .anySatisfy(s -> assertThat(s.firing()).isNotEmpty());
        }

        @Test
        void noDataHeldThenPassed() {
            sim.signals.revision(NEW).requestsPerMinute(10);
            ReleaseRecord record = promote(Triggers.builder().noDataPolicy(NoDataPolicy.HOLD).build());
            assertThat(record.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
            // Held one more window: the ends judged each round from t+14m to t+19m.
            Samples.Step step = record.samples().orElseThrow().steps().get(0);
            assertThat(step.ends()).hasSizeGreaterThan(1).last().isEqualTo(minutes(15).toMillis());
            assertReproduced(record);
        }

        @Test
        void noDataFail() {
            sim.signals.revision(NEW).requestsPerMinute(10);
            ReleaseRecord record = promote(Triggers.builder().noDataPolicy(NoDataPolicy.FAIL).build());
            ReleaseReplay r = assertReproduced(record);
            assertThat(r.candidate().detail()).startsWith("no data policy FAIL");
            assertThat(r.candidate().at()).contains(at(minutes(14)));
        }

        @Test
        void readErrorHoldThenRollback() {
            sim.signals.failAlways("errorRate", false);
            ReleaseRecord record = promote(Triggers.builder().onReadError(ReadErrorPolicy.HOLD_THEN_ROLLBACK)
                    .build());
            ReleaseReplay r = assertReproduced(record);
            assertThat(r.candidate().detail()).startsWith("read error policy HOLD_THEN_ROLLBACK");
            assertThat(r.candidate().at()).contains(at(minutes(19)));
        }

        @Test
        void readErrorPromoteWithNote() {
            sim.signals.failAlways("errorRate", false);
            ReleaseRecord record = promote(Triggers.builder().onReadError(ReadErrorPolicy.PROMOTE_WITH_NOTE).build());
            assertThat(record.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
            assertThat(record.verdicts()).anySatisfy(v -> assertThat(v.state()).isEqualTo(TriggerState.ERROR));
            assertReproduced(record);
        }

        @Test
        void advisoryTriggers() {
            sim.signals.revision(NEW).errorRateFrom(minutes(5), 0.08);
            ReleaseRecord record = promote(Triggers.builder().advisory("error-rate").build());
            assertThat(record.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
            assertThat(record.verdicts()).anySatisfy(v -> assertThat(v.trigger()).isEqualTo("error-rate (advisory)"));
            assertReproduced(record);
        }

        @Test
        void approvalWatchWithTrafficMoved() {
            List<ApprovalRequest> asked = new ArrayList<>();
            ApiApprovals approvals = new ApiApprovals(sim.clock, asked::add);
            sim.clock.scheduleAt(minutes(21), () -> approvals.approve(asked.get(0).releaseId(), 100, "alice", "ok"));
            sim.probe.failingFor(NEW, minutes(16), Duration.ofSeconds(10));
            ReleaseRecord record = promote(sim.builder().trafficPlan(CANARY.withApprovalBefore(100))
                    .approvals(approvals).approvalTimeout(Duration.ofHours(1), ApprovalTimeoutAction.REJECT).build());
            assertThat(record.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
            assertThat(record.samples().orElseThrow().steps()).extracting(Samples.Step::weight, Samples.Step::approval)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(10, false),
                            org.assertj.core.groups.Tuple.tuple(50, false),
                            org.assertj.core.groups.Tuple.tuple(50, true),
                            org.assertj.core.groups.Tuple.tuple(100, false));
            assertReproduced(record);
            // A candidate stricter on health would have rolled back during the watch, at 50%.
            ReleaseReplay strict = replay(record, Triggers.builder().healthDownFor(Duration.ofSeconds(5)).build());
            assertThat(strict.candidate().weight()).isEqualTo(50);
            assertThat(strict.candidate().at()).contains(at(minutes(16)).plusSeconds(5));
        }

        @Test
        void manualRollbackMidStep() {
            ReleasePipeline pipeline = sim.pipeline();
            sim.clock.scheduleAt(minutes(8), () -> pipeline.requestRollback("checkout is broken"));
            ReleaseRecord record = promote(pipeline);
            assertThat(record.samples().orElseThrow().steps()).singleElement().satisfies(s -> {
                assertThat(s.end()).isEqualTo(Samples.End.STOPPED);
                assertThat(s.closedAt()).isEqualTo(minutes(4).toMillis());
            });
            ReleaseReplay r = assertReproduced(record);
            assertThat(r.live().kind()).isEqualTo(Decision.Kind.MANUAL_ROLLBACK);
            assertThat(r.knownBad()).isTrue();
            assertThat(r.candidate().detail()).contains("stopped observing at 100%");
        }

        @Test
        void resumedAfterTheProcessDiedMidStep() {
            AtomicBoolean dead = new AtomicBoolean();
            HealthProbe dyingProbe = target -> {
                if (!dead.get() && !sim.clock.now().isBefore(at(minutes(11)))) {
                    dead.set(true);
                    sim.evidence.abandonLocks();
                    throw new CrashResumeScenarioTest.Crash("mid-step, at t+11m (50%)");
                }
                return sim.probe.probe(target);
            };
            ReleasePipeline dying = sim.builder().healthProbe(dyingProbe).trafficPlan(CANARY)
                    .evidence(deadAfter(sim.evidence, EvidenceStore.class, dead))
                    .platform(deadAfter(sim.platform, PlatformProvider.class, dead))
                    .ci(deadAfter(sim.ci, CiProvider.class, dead)).build();
            assertThatThrownBy(() -> dying.promote(ReleaseRequest.ofPullRequest(PR).withReleaseId("pr123-killed")))
                    .isInstanceOf(CrashResumeScenarioTest.Crash.class);
            sim.clock.advance(Duration.ofSeconds(30));

            ReleaseResult result = sim.builder().trafficPlan(CANARY).build().resume("pr123-killed");

            assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
            assertThat(result.record().notes()).anySatisfy(n -> assertThat(n).startsWith("resumed after"));
            assertThat(judged(result.record())).isPositive();
            assertReproduced(result.record());
            // The 10% step's samples came through the journal; the 50% step is observed anew from the resume (the
            // dead process's two minutes of it died with it).
            assertThat(result.record().samples().orElseThrow().steps())
                    .extracting(Samples.Step::weight, Samples.Step::start)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(10, at(minutes(4))),
                            org.assertj.core.groups.Tuple.tuple(50, at(minutes(11.5))),
                            org.assertj.core.groups.Tuple.tuple(100, at(minutes(16.5))));
        }

        @Test
        @DisplayName("an alert source that cannot be read: held, then rolled back by the read error policy")
        void alertReadError() {
            io.releasepipeline.spi.AlertSource broken = new io.releasepipeline.spi.AlertSource() {
                @Override
                public String providerName() {
                    return "broken-alerts";
                }

                @Override
                public List<Alert> firing(Instant since) {
                    throw io.releasepipeline.error.ProviderException.permanent("broken-alerts", "firing",
                            "503 from the monitor", null);
                }
            };
            ReleaseRecord record = promote(Triggers.builder().onAlerts(broken).build());
            ReleaseReplay r = assertReproduced(record);
            assertThat(r.candidate().detail()).startsWith("read error policy HOLD_THEN_ROLLBACK: the alert source "
                    + "could not be read");
            assertThat(r.candidate().at()).contains(at(minutes(19)));
        }

        @Test
        @DisplayName("a health probe that hangs 45 s is down for those 45 s; the checks due meanwhile come after it")
        void aProbeThatHangs() {
            boolean[] hung = {false};
            HealthProbe hanging = target -> {
                if (!hung[0] && !sim.clock.now().isBefore(at(minutes(6)))) {
                    hung[0] = true;
                    sim.clock.advance(Duration.ofSeconds(45));
                    return HealthProbe.ProbeResult.down("timed out after 45s");
                }
                return sim.probe.probe(target);
            };
            ReleaseRecord record = promote(sim.builder().healthProbe(hanging).build());
            ReleaseReplay r = assertReproduced(record);
            assertThat(r.candidate().trigger()).contains("health-endpoint");
            assertThat(r.candidate().at()).contains(at(minutes(6)).plusSeconds(45));
        }

        @Test
        @DisplayName("a live policy with a custom trigger is checked when its code is given back, not guessed")
        void customTriggerLive() {
            Triggers live = Triggers.builder().add(new HealthFlap(Duration.ofSeconds(40))).build();
            sim.probe.failingFor(NEW, minutes(6), Duration.ofSeconds(20));
            ReleaseRecord record = promote(live);
            assertThat(record.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
            assertThat(record.samples().orElseThrow().policy().custom()).containsExactly("health-flap");

            assertThat(Backtest.verify(record)).satisfies(d -> {
                assertThat(d.status()).isEqualTo(Determinism.Status.NOT_CHECKED);
                assertThat(d.detail()).contains("custom triggers [health-flap]");
            });
            assertThat(Backtest.verify(record, live).status()).isEqualTo(Determinism.Status.REPRODUCED);
            assertThat(record.verdicts()).anySatisfy(v -> assertThat(v.trigger()).isEqualTo("health-flap"));
            // Given back with a lower threshold, it fires on the same samples.
            assertThat(replay(record, Triggers.builder().add(new HealthFlap(Duration.ofSeconds(10))).build())
                    .candidate().at()).contains(at(minutes(6)).plusSeconds(10));
        }

        @Test
        @DisplayName("a smoke check that never passed during a 5-minute canary step fails it at the window's end")
        void smokeNeverPassed() {
            sim.smoke.failingFrom(NEW, Duration.ZERO);
            ReleaseRecord record = promote(sim.builder().trafficPlan(CANARY).rollbackTriggers(Triggers.builder()
                    .smokeFailingFor(Duration.ofMinutes(10)).build()).build());
            ReleaseReplay r = assertReproduced(record);
            assertThat(r.candidate().detail()).startsWith("the smoke check never passed during the 5m step");
            assertThat(r.candidate().at()).contains(at(minutes(9)));
        }

        @Test
        @DisplayName("a record past the sample budget is replayed up to where it stopped, then inconclusive")
        void pastTheSampleBudget() {
            List<ApprovalRequest> asked = new ArrayList<>();
            ApiApprovals approvals = new ApiApprovals(sim.clock, asked::add);
            // Nobody decides for six hours while a probe a second watches 50%: more than 20,000 samples.
            ReleaseRecord record = promote(sim.builder().trafficPlan(CANARY.withApprovalBefore(100))
                    .approvals(approvals).approvalTimeout(Duration.ofHours(6), ApprovalTimeoutAction.APPROVE).build());
            assertThat(record.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
            Samples samples = record.samples().orElseThrow();
            assertThat(samples.count()).isEqualTo(Samples.MAX_SAMPLES);
            assertThat(samples.steps()).filteredOn(s -> s.truncated().isPresent()).first()
                    .satisfies(s -> assertThat(s.approval()).isTrue());

            assertThat(Backtest.verify(record).status()).isEqualTo(Determinism.Status.REPRODUCED);
            ReleaseReplay r = replay(record, samples.policy().toTriggers());
            assertThat(r.candidate().kind()).isEqualTo(Decision.Kind.INCONCLUSIVE);
            assertThat(r.candidate().detail()).contains("the record kept samples only until")
                    .contains("at most 20000 per release");
            assertThat(r.comparison()).isEqualTo(ReleaseReplay.Comparison.UNKNOWN);
        }
    }

    /** A custom trigger, as a team would write one: the health endpoint down longer than {@code limit}. */
    private static final class HealthFlap implements RollbackTrigger {
        private final Duration limit;

        HealthFlap(Duration limit) {
            this.limit = limit;
        }

        @Override
        public String name() {
            return "health-flap";
        }

        @Override
        public TriggerVerdict evaluate(io.releasepipeline.trigger.Observations o, Instant now) {
            return o.health().failingFor().filter(d -> d.compareTo(limit) > 0)
                    .map(d -> new TriggerVerdict(name(), TriggerState.FIRING, "down " + d.toSeconds() + "s", now))
                    .orElseGet(() -> new TriggerVerdict(name(), TriggerState.OK, "up", now));
        }

        @Override
        public Set<Signal> signals() {
            return Set.of(Signal.HEALTH);
        }
    }

    /** A provider of a process that died: every call after {@code dead} dies too. */
    private static <T> T deadAfter(T target, Class<T> type, AtomicBoolean dead) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (dead.get() && method.getDeclaringClass() != Object.class
                    && !method.getName().equals("providerName")) {
                throw new CrashResumeScenarioTest.Crash("(the process is dead)");
            }
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }

    @Nested
    @DisplayName("candidates")
    class Candidates {

        /** 5xx at 8% from t+6m: live (5%) rolls back at t+10m on 6.4%. */
        private ReleaseRecord spike() {
            sim.signals.revision(NEW).errorRateFrom(minutes(6), 0.08);
            return promote(sim.pipeline());
        }

        /** The health endpoint down 29 s from t+6m: live (30 s) promotes. */
        private ReleaseRecord blip() {
            sim.probe.failingFor(NEW, minutes(6), Duration.ofSeconds(29));
            return promote(sim.pipeline());
        }

        @Test
        @DisplayName("a lower threshold fires earlier: 3% at t+8m (4.0% of 2,400), two minutes before live")
        void lowerThresholdFiresEarlier() {
            ReleaseRecord record = spike();
            ReleaseReplay r = replay(record, Triggers.builder().errorRateAbove(0.03, Duration.ofMinutes(5)).build());
            assertThat(r.candidate().kind()).isEqualTo(Decision.Kind.ROLLED_BACK);
            assertThat(r.candidate().at()).contains(at(minutes(8)));
            assertThat(r.candidate().detail()).isEqualTo("5xx 4.0% over 5m of 2,400 requests; threshold 3.0%");
            assertThat(r.comparison()).isEqualTo(ReleaseReplay.Comparison.AGREE);
            assertThat(r.detectionDelta()).contains(minutes(-2));
            assertThat(r.offset(r.candidate())).contains(minutes(4));
            BacktestReport report = Backtest.of(Triggers.builder().errorRateAbove(0.03, Duration.ofMinutes(5)).build())
                    .run(List.of(record));
            assertThat(report.summary().detectionGained()).isEqualTo(minutes(2));
            assertThat(report.summary().detectionLost()).isZero();
        }

        @Test
        @DisplayName("a higher threshold misses the rollback live took: 7% never sees more than 6.4%")
        void higherThresholdMisses() {
            ReleaseReplay r = replay(spike(), Triggers.builder().errorRateAbove(0.07, Duration.ofMinutes(5)).build());
            assertThat(r.candidate().kind()).isEqualTo(Decision.Kind.CONTINUED);
            assertThat(r.comparison()).isEqualTo(ReleaseReplay.Comparison.MISSED_ROLLBACK);
            assertThat(r.candidate().detail()).contains("stopped observing at 100%");
        }

        @Test
        @DisplayName("a shorter health threshold (20 s) rolls back the 29-second outage live let through")
        void shorterHealthThreshold() {
            ReleaseRecord record = blip();
            assertThat(record.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
            ReleaseReplay r = replay(record, Triggers.builder().healthDownFor(Duration.ofSeconds(20)).build());
            assertThat(r.candidate().trigger()).contains("health-endpoint");
            assertThat(r.candidate().at()).contains(at(minutes(6)).plusSeconds(20));
            assertThat(r.comparison()).isEqualTo(ReleaseReplay.Comparison.ADDED_ROLLBACK);
            assertThat(r.wouldBeFalseRollback()).isTrue();
        }

        @Test
        @DisplayName("a coarser probe interval (10 s) is subsampled: its verdict falls on its own grid")
        void coarserProbeInterval() {
            ReleaseRecord record = blip();
            Triggers every1s = Triggers.builder().healthDownFor(Duration.ofSeconds(25)).build();
            Triggers every10s = Triggers.builder().healthDownFor(Duration.ofSeconds(25))
                    .healthProbeInterval(Duration.ofSeconds(10)).build();
            // At a probe a second, down for 26 s at t+6m25s; on a 10 s grid the last good probe seen is t+5m50s, so
            // down for 30 s at t+6m20s.
            assertThat(replay(record, every1s).candidate().at()).contains(at(minutes(6)).plusSeconds(25));
            ReleaseReplay coarse = replay(record, every10s);
            assertThat(coarse.candidate().at()).contains(at(minutes(6)).plusSeconds(20));
            assertThat(coarse.candidate().detail()).contains("failing for 30s");
            assertThat(coarse.caveats()).isEmpty();
        }

        @Test
        @DisplayName("a finer probe interval replays the recorded probes and says so")
        void finerProbeInterval() {
            ReleaseReplay r = replay(blip(), Triggers.builder().healthProbeInterval(Duration.ofMillis(500)).build());
            assertThat(r.candidate().kind()).isEqualTo(Decision.Kind.PROMOTED);
            assertThat(r.caveats()).singleElement().satisfies(c -> assertThat(c)
                    .contains("health probes every 500ms").contains("every 1s").contains("replayed on the recorded"));
        }

        @Test
        @DisplayName("another error-rate window is not replayable, and says why")
        void anotherWindow() {
            ReleaseReplay r = replay(spike(), Triggers.builder().errorRateAbove(0.05, Duration.ofMinutes(10)).build());
            assertThat(r.candidate().kind()).isEqualTo(Decision.Kind.NOT_REPLAYABLE);
            assertThat(r.candidate().detail()).contains("5m windows").contains("10m")
                    .contains("a window of another length was never read");
            assertThat(r.comparison()).isEqualTo(ReleaseReplay.Comparison.UNKNOWN);
        }

        @Test
        @DisplayName("canary analysis as a candidate judges the stable side recorded under the error-rate trigger")
        void canaryAnalysisCandidate() {
            sim.signals.revision(STABLE).errorRate(0.01);
            sim.signals.revision(NEW).errorRate(0.04);
            ReleaseRecord record = promote(sim.builder().trafficPlan(CANARY).build());
            assertThat(record.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
            ReleaseReplay r = replay(record, Triggers.builder().canaryAnalysis(0.01).build());
            assertThat(r.candidate().detail()).isEqualTo("canary v2 5xx 4.2% of 120 vs stable v1 1.0% of 2,880; at "
                    + "most +1.0% allowed");
            assertThat(r.candidate().at()).contains(at(minutes(6)));
            assertThat(r.candidate().weight()).isEqualTo(10);
        }

        @Test
        @DisplayName("a candidate arming a trigger never sampled live is not replayable")
        void neverSampled() {
            ReleaseRecord record = promote(Triggers.builder().withoutHealthTrigger().build());
            ReleaseReplay health = replay(record, Triggers.runbookDefaults());
            assertThat(health.candidate().kind()).isEqualTo(Decision.Kind.NOT_REPLAYABLE);
            assertThat(health.candidate().detail()).contains("the health endpoint was not probed live");
            ReleaseReplay alerts = replay(record, Triggers.builder().withoutHealthTrigger()
                    .onAlerts(new AlertInbox(sim.clock)).build());
            assertThat(alerts.candidate().kind()).isEqualTo(Decision.Kind.NOT_REPLAYABLE);
            assertThat(alerts.candidate().detail()).contains("alerts were not read live");
        }

        @Test
        @DisplayName("a candidate that would hold a step for data where live did not is inconclusive")
        void holdsWhereLiveDidNot() {
            sim.signals.revision(NEW).requestsPerMinute(10);
            ReleaseRecord record = promote(Triggers.builder().noDataPolicy(NoDataPolicy.IGNORE).build());
            assertThat(record.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
            ReleaseReplay r = replay(record, Triggers.builder().noDataPolicy(NoDataPolicy.HOLD).build());
            assertThat(r.candidate().kind()).isEqualTo(Decision.Kind.INCONCLUSIVE);
            assertThat(r.candidate().detail()).contains("it would have held the step at 100% until "
                    + at(minutes(19))).contains("past the recorded samples");
            assertThat(r.comparison()).isEqualTo(ReleaseReplay.Comparison.UNKNOWN);
        }

        @Test
        @DisplayName("a candidate that does not hold where live did decides at the window's end")
        void doesNotHoldWhereLiveDid() {
            sim.signals.revision(NEW).requestsPerMinute(10);
            ReleaseRecord record = promote(Triggers.builder().noDataPolicy(NoDataPolicy.HOLD).build());
            assertThat(record.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
            ReleaseReplay fail = replay(record, Triggers.builder().noDataPolicy(NoDataPolicy.FAIL).build());
            assertThat(fail.candidate().kind()).isEqualTo(Decision.Kind.ROLLED_BACK);
            assertThat(fail.candidate().at()).contains(at(minutes(14)));
            assertThat(fail.candidate().detail()).startsWith("no data policy FAIL");
            ReleaseReplay ignore = replay(record, Triggers.builder().noDataPolicy(NoDataPolicy.IGNORE).build());
            assertThat(ignore.candidate().kind()).isEqualTo(Decision.Kind.PROMOTED);
        }

        @Test
        @DisplayName("a shorter hold for an unreadable error rate rolls back where the candidate's hold ends: t+16m")
        void shorterHoldForAReadError() {
            sim.signals.failAlways("errorRate", false);
            ReleaseRecord unreadable = promote(Triggers.builder().onReadError(ReadErrorPolicy.HOLD_THEN_ROLLBACK)
                    .build());
            ReleaseReplay twoMinutes = replay(unreadable, Triggers.builder().holdLimit(Duration.ofMinutes(2)).build());
            assertThat(twoMinutes.candidate().detail()).startsWith("read error policy HOLD_THEN_ROLLBACK");
            assertThat(twoMinutes.candidate().at()).contains(at(minutes(16)));
            assertThat(twoMinutes.detectionDelta()).contains(minutes(-3));
        }

        @Test
        @DisplayName("a shorter hold for data promotes on the recorded samples; a longer one is inconclusive")
        void shorterHoldForData() {
            sim.signals.revision(NEW).requestsPerMinute(10);
            ReleaseRecord record = promote(Triggers.builder().noDataPolicy(NoDataPolicy.HOLD).build());
            ReleaseReplay r = replay(record, Triggers.builder().noDataPolicy(NoDataPolicy.HOLD)
                    .holdLimit(Duration.ofMinutes(2)).build());
            assertThat(r.candidate().kind()).isEqualTo(Decision.Kind.PROMOTED);
            ReleaseReplay longer = replay(record, Triggers.builder().noDataPolicy(NoDataPolicy.HOLD)
                    .holdLimit(Duration.ofMinutes(8)).build());
            assertThat(longer.candidate().kind()).isEqualTo(Decision.Kind.INCONCLUSIVE);
            assertThat(longer.candidate().detail()).contains("until " + at(minutes(22)));
        }

        @Test
        @DisplayName("an advisory trigger in the candidate records and does not roll back")
        void advisoryInTheCandidate() {
            sim.signals.revision(NEW).errorRateFrom(minutes(6), 0.04);
            ReleaseRecord record = promote(sim.pipeline());
            assertThat(record.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
            Triggers threePercent = Triggers.builder().errorRateAbove(0.03, Duration.ofMinutes(5)).build();
            assertThat(replay(record, threePercent).candidate().kind()).isEqualTo(Decision.Kind.ROLLED_BACK);
            ReleaseReplay advisory = replay(record, Triggers.builder().errorRateAbove(0.03, Duration.ofMinutes(5))
                    .advisory("error-rate").build());
            assertThat(advisory.candidate().kind()).isEqualTo(Decision.Kind.PROMOTED);
            assertThat(advisory.comparison()).isEqualTo(ReleaseReplay.Comparison.AGREE);
        }

        @Test
        @DisplayName("a custom RollbackTrigger given as code judges the recorded samples")
        void customTrigger() {
            RollbackTrigger flap = new HealthFlap(Duration.ofSeconds(5));
            ReleaseReplay r = replay(blip(), Triggers.builder().add(flap).build());
            assertThat(r.candidate().trigger()).contains("health-flap");
            assertThat(r.candidate().at()).contains(at(minutes(6)).plusSeconds(5));
            assertThat(r.candidate().detail()).isEqualTo("down 6s");
        }
    }

    @Nested
    @DisplayName("records that cannot answer")
    class OldRecords {

        @Test
        @DisplayName("a record written before samples were kept is not replayable, never guessed, and not checked")
        void withoutSamples() throws IOException {
            ReleaseRecord old;
            try (InputStream in = getClass().getResourceAsStream("/backtest/2026-01-05-backend-pr123-canary-"
                    + "example-before-samples.json")) {
                old = EvidenceJson.fromBytes(in.readAllBytes(), ReleaseRecord.class);
            }
            assertThat(old.samples()).isEmpty();
            assertThat(old.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);

            BacktestReport report = Backtest.of(Triggers.builder().errorRateAbove(0.02, Duration.ofMinutes(5))
                    .build()).run(List.of(old));

            ReleaseReplay r = report.releases().get(0);
            assertThat(r.live().kind()).isEqualTo(Decision.Kind.ROLLED_BACK);
            assertThat(r.candidate().kind()).isEqualTo(Decision.Kind.NOT_REPLAYABLE);
            assertThat(r.candidate().detail()).contains("the record keeps no samples");
            assertThat(r.candidate().at()).isEmpty();
            assertThat(r.comparison()).isEqualTo(ReleaseReplay.Comparison.UNKNOWN);
            assertThat(r.determinism().status()).isEqualTo(Determinism.Status.NOT_CHECKED);
            assertThat(Backtest.verify(old).status()).isEqualTo(Determinism.Status.NOT_CHECKED);
            assertThat(report.summary().notReplayable()).isEqualTo(1);
            assertThat(report.summary().missedRollbacks()).isZero();
        }
    }

    @Test
    @DisplayName("samples written in a later format are not replayable and not checked, never guessed at")
    void laterFormat() {
        ReleaseRecord record = promote(sim.pipeline());
        ObjectNode json = EvidenceJson.mapper().valueToTree(record);
        ((ObjectNode) json.path("samples")).put("format", Samples.FORMAT + 1);
        ReleaseRecord later = EvidenceJson.mapper().convertValue(json, ReleaseRecord.class);

        ReleaseReplay r = replay(later, Triggers.runbookDefaults());

        assertThat(r.candidate().kind()).isEqualTo(Decision.Kind.NOT_REPLAYABLE);
        assertThat(r.candidate().detail()).isEqualTo("the samples are in format 2; this version reads format 1: "
                + "replay it with a newer release-pipeline");
        assertThat(Backtest.verify(later)).isEqualTo(new Determinism(Determinism.Status.NOT_CHECKED,
                "samples in format 2; this version reads format 1"));
    }

    @Nested
    @DisplayName("docs/samples-format.md's worked example")
    class DocsExample {

        @Test
        @DisplayName("the committed canary example replays as the format document says")
        void replaysAsDocumented() throws IOException {
            ReleaseRecord example = EvidenceJson.fromBytes(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("..",
                    "docs", "evidence-example", "2026-01-05-backend-pr123-canary-example.json")), ReleaseRecord.class);
            assertThat(Backtest.verify(example).status()).isEqualTo(Determinism.Status.REPRODUCED);

            ReleaseReplay twoPercent = replay(example, Triggers.builder().errorRateAbove(0.02, Duration.ofMinutes(5))
                    .build());
            assertThat(twoPercent.candidate().at()).contains(Instant.parse("2026-01-05T09:12:00Z"));
            assertThat(twoPercent.candidate().detail()).isEqualTo("5xx 2.6% over 5m of 1,020 requests; threshold "
                    + "2.0%");
            assertThat(twoPercent.detectionDelta()).contains(minutes(-2));

            ReleaseReplay sixPercent = replay(example, Triggers.builder().errorRateAbove(0.06, Duration.ofMinutes(5))
                    .build());
            assertThat(sixPercent.candidate().kind()).isEqualTo(Decision.Kind.CONTINUED);
            assertThat(sixPercent.comparison()).isEqualTo(ReleaseReplay.Comparison.MISSED_ROLLBACK);
        }
    }

    @Nested
    @DisplayName("labels")
    class Labels {

        @Test
        @DisplayName("a standalone rollback of the promoted revision makes that release known bad; the candidate's "
                + "rollback of it is a catch, timed against the rollback by hand")
        void standaloneRollbackLabels() {
            sim.signals.revision(NEW).errorRateFrom(minutes(6), 0.04);
            ReleasePipeline pipeline = sim.pipeline();
            ReleaseRecord release = promote(pipeline);
            assertThat(release.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
            sim.clock.advance(Duration.ofMinutes(46));
            RollbackResult undo = pipeline.rollback(RollbackRequest.toPrevious("5xx at 4%").forPullRequest(PR));
            ReleaseRecord rollback = sim.evidence.read(APP, undo.releaseId()).orElseThrow();
            Triggers threePercent = Triggers.builder().errorRateAbove(0.03, Duration.ofMinutes(5)).build();

            BacktestReport report = Backtest.of(threePercent).run(List.of(rollback, release));

            assertThat(report.releases()).singleElement().satisfies(r -> {
                assertThat(r.knownBad()).isTrue();
                assertThat(r.comparison()).isEqualTo(ReleaseReplay.Comparison.ADDED_ROLLBACK);
                assertThat(r.wouldBeFalseRollback()).isFalse();
                Instant caught = r.candidate().at().orElseThrow();
                assertThat(r.detectionDelta()).contains(Duration.between(rollback.startedAt(), caught));
                assertThat(caught).isBefore(rollback.startedAt());
            });
            assertThat(report.summary().addedOnKnownBad()).isEqualTo(1);
            assertThat(report.summary().wouldBeFalseRollbacks()).isZero();
            assertThat(report.summary().knownBad()).isEqualTo(1);
            // Without the label, the same rollback is a would-be false one.
            assertThat(Backtest.of(threePercent).run(List.of(release)).summary().wouldBeFalseRollbacks())
                    .isEqualTo(1);
        }

        @Test
        @DisplayName("a manual rollback during the release labels it; a candidate that fires before it gains the time")
        void manualRollbackLabels() {
            sim.signals.revision(NEW).errorRateFrom(minutes(6), 0.08);
            ReleasePipeline pipeline = sim.pipeline();
            sim.clock.scheduleAt(minutes(8), () -> pipeline.requestRollback("5xx climbing"));
            ReleaseRecord record = promote(pipeline);
            Triggers twoPercent = Triggers.builder().errorRateAbove(0.02, Duration.ofMinutes(5)).build();

            BacktestReport report = Backtest.of(twoPercent).run(List.of(record));

            ReleaseReplay r = report.releases().get(0);
            assertThat(r.live().kind()).isEqualTo(Decision.Kind.MANUAL_ROLLBACK);
            assertThat(r.live().at()).contains(at(minutes(8)));
            assertThat(r.knownBad()).isTrue();
            // 5xx 2.7% of 1,800 over t+2m..t+7m (traffic from t+4m): a minute before the person.
            assertThat(r.candidate().at()).contains(at(minutes(7)));
            assertThat(r.comparison()).isEqualTo(ReleaseReplay.Comparison.ADDED_ROLLBACK);
            assertThat(r.detectionDelta()).contains(minutes(-1));
            assertThat(report.summary().addedOnKnownBad()).isEqualTo(1);
            assertThat(report.summary().caughtBeforeHand()).isEqualTo(minutes(1));
            assertThat(report.summary().detectionGained()).as("against the live policy, which held").isZero();
            assertThat(r.determinism().status()).isEqualTo(Determinism.Status.REPRODUCED);
        }
    }

    @Nested
    @DisplayName("the determinism check itself")
    class Mutation {

        @Test
        @DisplayName("one health probe flipped in the record: MISMATCH naming the release, the step and the sample")
        void flippedProbeIsAMismatch() {
            sim.probe.failingFor(NEW, minutes(6), Duration.ofSeconds(31));
            ReleaseRecord record = promote(sim.pipeline());
            assertThat(Backtest.verify(record).status()).isEqualTo(Determinism.Status.REPRODUCED);

            // Probe #131 (t+6m10s, down) now reads up: the outage looks shorter, health fires later.
            ObjectNode json = EvidenceJson.mapper().valueToTree(record);
            ObjectNode health = (ObjectNode) json.path("samples").path("steps").path(0).path("health");
            String up = health.path("up").asText();
            assertThat(up.charAt(130)).isEqualTo('0');
            health.put("up", up.substring(0, 130) + '1' + up.substring(131));
            ReleaseRecord altered = EvidenceJson.mapper().convertValue(json, ReleaseRecord.class);

            Determinism d = Backtest.verify(altered);

            assertThat(d.status()).isEqualTo(Determinism.Status.MISMATCH);
            assertThat(d.detail()).startsWith("release " + record.releaseId() + ", verdict 1: recorded \"health-endpoint"
                    + " FIRING at " + at(minutes(6)).plusSeconds(30)).contains("step 1 (100%), +2m30s")
                    .contains("health probe #151 (down)");
        }

        @Test
        @DisplayName("a reading made worse in the record: the mismatch names that reading, where the replay diverged")
        void worseReadingIsNamedWhereTheReplayDiverges() {
            ReleaseRecord record = promote(sim.pipeline());
            assertThat(Backtest.verify(record).status()).isEqualTo(Determinism.Status.REPRODUCED);

            // Reading #2 of the first step now counts every request as a 5xx: the replay fires there, long before the
            // first recorded verdict (the step's closing ones).
            ObjectNode json = EvidenceJson.mapper().valueToTree(record);
            com.fasterxml.jackson.databind.node.ArrayNode canary = (com.fasterxml.jackson.databind.node.ArrayNode) json
                    .path("samples").path("steps").path(0).path("errorRate").path(1).path("canary");
            assertThat(canary.get(2).asLong()).isPositive();
            canary.set(3, canary.get(2));
            ReleaseRecord altered = EvidenceJson.mapper().convertValue(json, ReleaseRecord.class);

            Determinism d = Backtest.verify(altered);

            assertThat(d.status()).isEqualTo(Determinism.Status.MISMATCH);
            assertThat(d.detail()).contains("replayed \"error-rate FIRING").contains("step 1 (")
                    .contains("error-rate reading #2");
        }
    }
}
