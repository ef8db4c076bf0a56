package io.releasepipeline.scenario;

import static io.releasepipeline.scenario.CrashResumeScenarioTest.dying;
import static io.releasepipeline.testkit.Simulation.APP;
import static io.releasepipeline.testkit.Simulation.NEW;
import static io.releasepipeline.testkit.Simulation.PR;
import static io.releasepipeline.testkit.Simulation.STABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.RollbackRequest;
import io.releasepipeline.RollbackResult;
import io.releasepipeline.error.ProviderException;
import io.releasepipeline.evidence.Baseline;
import io.releasepipeline.evidence.EvidenceReport;
import io.releasepipeline.evidence.Recovery;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.RollbackDetails;
import io.releasepipeline.scenario.CrashResumeScenarioTest.Crash;
import io.releasepipeline.scenario.CrashResumeScenarioTest.CrashingStore;
import io.releasepipeline.spi.DeploymentState;
import io.releasepipeline.spi.ErrorRateReading;
import io.releasepipeline.spi.HealthSignalProvider;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.testkit.Simulation;
import io.releasepipeline.trigger.NoDataPolicy;
import io.releasepipeline.trigger.ReadErrorPolicy;
import io.releasepipeline.trigger.RecoveryPolicy;
import io.releasepipeline.trigger.Triggers;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The runbook's Rollback Procedure, step 2, "error rate returns to baseline", in virtual time. The story: v1 serves
 * 600 requests a minute with 0.5% 5xx; the deploy run completes at t+4m, the baseline of v1 is read then (over the
 * 5-minute window), v2 takes 100%; from t+6m v2 answers 8% 5xx, so the error-rate trigger rolls back at t+10m (the first reading whose 5-minute rate passes 5%); then
 * v1 is watched until its 5xx rate is within one percentage point of the baseline, or 10 minutes pass.
 */
class RecoveryScenarioTest {

    private static final Duration ROLLBACK_AT = Duration.ofMinutes(10);

    private final Simulation sim = new Simulation();

    RecoveryScenarioTest() {
        sim.signals.revision(STABLE).errorRate(0.005);
        sim.signals.revision(NEW).errorRateFrom(Duration.ofMinutes(6), 0.08);
    }

    private ReleaseResult promote(Triggers.Builder triggers) {
        return sim.builder().rollbackTriggers(triggers.build()).build().promote(ReleaseRequest.ofPullRequest(PR));
    }

    private ReleaseResult promote() {
        return promote(Triggers.builder());
    }

    private static Recovery recovery(ReleaseResult result) {
        return result.record().rollback().flatMap(RollbackDetails::recovery).orElseThrow();
    }

    @Test
    @DisplayName("the baseline is the stable revision's 5xx rate over the error-rate window, read before traffic "
            + "moves, and it is in the record, the journal and the Markdown report")
    void baselineRecorded() {
        ReleaseResult result = promote();

        Baseline b = result.record().baseline().orElseThrow();
        assertThat(b.status()).isEqualTo(Baseline.Status.MEASURED);
        assertThat(b.revision()).isEqualTo(STABLE);
        assertThat(b.to()).isEqualTo(sim.clock.at(Duration.ofMinutes(4)));
        assertThat(b.from()).isEqualTo(sim.clock.at(Duration.ofMinutes(-1)));
        // Traffic moved at t+4m, after the read: the shift is the first traffic change.
        assertThat(result.record().trafficChanges().get(0).at()).isEqualTo(b.to());
        assertThat(b.requests()).isBetween(2_400L, 3_000L);
        assertThat(b.rate()).hasValueSatisfying(r -> assertThat(r).isCloseTo(0.005, org.assertj.core.data.Offset
                .offset(0.001)));
        assertThat(sim.evidence.journal(APP, result.releaseId())).filteredOn(e -> e.state().equals("SHIFTING"))
                .singleElement().satisfies(e -> assertThat(e.data().get("record")).contains("\"baseline\""));
        assertThat(EvidenceReport.markdown(result.record(), "t.svg")).contains("| Error-rate baseline | 5xx 0.5% of ");
    }

    @Test
    @DisplayName("a rollback that recovers: the first reading after traffic went back is within the tolerance of "
            + "the baseline; ROLLED_BACK, and the record says at which reading")
    void recovers() {
        ReleaseResult result = promote();

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        Recovery r = recovery(result);
        assertThat(r.status()).isEqualTo(Recovery.Status.RECOVERED);
        assertThat(r.revision()).isEqualTo(STABLE);
        assertThat(r.limit()).hasValueSatisfying(l -> assertThat(l).isCloseTo(0.015,
                org.assertj.core.data.Offset.offset(0.0011)));
        assertThat(r.judgedAgainst()).startsWith("the baseline (5xx 0.5% of ").contains("+ tolerance 1.0%");
        // The reading one interval after traffic went back covers only the time since: v1's 600 requests at 0.5%.
        assertThat(r.readings()).singleElement().satisfies(p -> {
            assertThat(p.at()).isEqualTo(sim.clock.at(ROLLBACK_AT.plusMinutes(1)));
            assertThat(p.ok()).isTrue();
            assertThat(p.detail()).startsWith("5xx 0.5% of 600 requests on v1 over 1m");
        });
        assertThat(r.detail()).startsWith("recovered: at ").contains("within 1.5%");
        assertThat(sim.clock.elapsed()).isEqualTo(ROLLBACK_AT.plusMinutes(1));
        assertThat(sim.ci.comments(PR)).singleElement().satisfies(n -> assertThat(n)
                .contains("was rolled back\n").contains("**Error rate after the rollback:** recovered"));
        assertThat(EvidenceReport.markdown(result.record(), "t.svg"))
                .contains("#### Error rate after the rollback: RECOVERED");
    }

    @Test
    @DisplayName("errors served before the rollback do not count: the watch's windows start when traffic went back")
    void windowsStartWhenTrafficWentBack() {
        // v1 was bad (30%) until the moment of the rollback, good after: a 5-minute window would still see it.
        sim.signals.revision(STABLE).errorRate(0.005).errorRateBetween(Duration.ofMinutes(5), ROLLBACK_AT, 0.3);

        ReleaseResult result = promote();

        assertThat(recovery(result).status()).isEqualTo(Recovery.Status.RECOVERED);
        assertThat(recovery(result).readings()).singleElement().satisfies(p -> assertThat(p.detail())
                .contains("over 1m"));
    }

    @Test
    @DisplayName("a rollback that does not recover (the old revision is bad too): watched for the timeout, then "
            + "ROLLED_BACK_NOT_RECOVERED, and the incident note, the status and the report say so with the numbers")
    void doesNotRecover() {
        sim.signals.revision(STABLE).errorRateFrom(Duration.ofMinutes(7), 0.12);

        ReleaseResult result = promote();

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK_NOT_RECOVERED);
        assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(STABLE));
        Recovery r = recovery(result);
        assertThat(r.status()).isEqualTo(Recovery.Status.NOT_RECOVERED);
        assertThat(r.pagesSomeone()).isTrue();
        assertThat(r.readings()).hasSize(10).allSatisfy(p -> assertThat(p.ok()).isFalse());
        assertThat(r.detail()).startsWith("NOT RECOVERED: the error rate of v1 did not return to 1.5% or under within "
                + "10m; last judged reading: 5xx 12.0% of 3,000 requests on v1 over 5m")
                .endsWith("The previous revision is failing too: the cause may not be the release");
        assertThat(sim.clock.elapsed()).isEqualTo(ROLLBACK_AT.plusMinutes(10));
        assertThat(result.rollback().orElseThrow().outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK_NOT_RECOVERED);

        assertThat(sim.ci.comments(PR)).singleElement().satisfies(n -> assertThat(n)
                .contains("was rolled back but the error rate did NOT RECOVER: page the on-call engineer")
                .contains("**Error rate after the rollback:** NOT RECOVERED")
                .contains("5xx 12.0% of 3,000 requests")
                .contains("**Judged against:** the baseline (5xx 0.5% of")
                .contains("the cause may not be this release"));
        String deployment = sim.ci.deployments().get(0).id();
        assertThat(sim.ci.deploymentStatuses(deployment)).last().satisfies(s -> {
            assertThat(s.state()).isEqualTo(DeploymentState.FAILURE);
            assertThat(s.description()).startsWith("rolled back, NOT RECOVERED (5xx 12.0%");
        });
        assertThat(EvidenceReport.markdown(result.record(), "t.svg"))
                .contains("Rolled back, NOT RECOVERED")
                .contains("#### Error rate after the rollback: NOT_RECOVERED")
                .contains("**Not recovered: page someone.**");
        assertThat(sim.events(io.releasepipeline.event.ReleaseEvent.ReleaseFinished.class)).last()
                .satisfies(f -> assertThat(f.summary()).contains("NOT RECOVERED, page someone"));
    }

    @Test
    @DisplayName("not recovered and a rollback hook failed: the hook failure wins the outcome (exit 8), and the "
            + "headline, the status and the summary line name both problems")
    void notRecoveredAndHookFailed() {
        sim.signals.revision(STABLE).errorRateFrom(Duration.ofMinutes(7), 0.12);
        io.releasepipeline.testkit.RecordingHook undo = io.releasepipeline.testkit.RecordingHook.named("undo-cache")
                .failing("cache flush refused");

        ReleaseResult result = sim.builder().hook(io.releasepipeline.hook.HookPoint.ON_ROLLBACK, undo).build()
                .promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK_HOOK_FAILED);
        assertThat(recovery(result).status()).isEqualTo(Recovery.Status.NOT_RECOVERED);
        assertThat(result.record().rollback().flatMap(RollbackDetails::notRecovered)).isPresent();
        assertThat(EvidenceReport.markdown(result.record(), "t.svg")).contains("a rollback hook FAILED and the error "
                + "rate did NOT RECOVER");
        assertThat(sim.events(io.releasepipeline.event.ReleaseEvent.ReleaseFinished.class)).last()
                .satisfies(f -> assertThat(f.summary()).contains("undo-cache FAILED")
                        .contains("the error rate did NOT RECOVER: NOT RECOVERED: the error rate of v1"));
        String deployment = sim.ci.deployments().get(0).id();
        assertThat(sim.ci.deploymentStatuses(deployment)).last().satisfies(s -> assertThat(s.description())
                .startsWith("rolled back, a rollback hook FAILED and NOT RECOVERED"));
    }

    @Nested
    @DisplayName("a source that reads 3 minutes behind (a log source waiting for ingestion)")
    class ReadingBehind {

        private static final Duration BEHIND = Duration.ofMinutes(3);

        ReadingBehind() {
            sim.signals.readsBehind(BEHIND);
        }

        @Test
        @DisplayName("the baseline's judged interval ends before the first shift, and the record names it as "
                + "trigger verdicts do")
        void baselineEndsBeforeTrafficMoves() {
            ReleaseResult result = promote();

            Baseline b = result.record().baseline().orElseThrow();
            Instant firstShift = result.record().trafficChanges().get(0).at();
            assertThat(b.measuredAt()).isEqualTo(firstShift);
            assertThat(b.to()).isEqualTo(firstShift.minus(BEHIND));
            assertThat(b.from()).isEqualTo(firstShift.minus(BEHIND).minus(Duration.ofMinutes(5)));
            assertThat(b.describe()).startsWith("5xx 0.5% of ").endsWith("on v1 over 5m (judged "
                    + b.from() + " .. " + b.to() + ", 3m behind)");
            assertThat(EvidenceReport.markdown(result.record(), "t.svg")).contains("3m behind) (measured ");
        }

        @Test
        @DisplayName("errors served after traffic went back are judged, never the traffic from before it: v1 fails "
                + "from the moment of the rollback, so it does NOT recover, and each reading names its interval")
        void judgesOnlyTrafficAfterTheRollback() {
            Instant[] rollbackAt = new Instant[1];
            ReleaseResult result = sim.builder().listener(e -> {
                if (e instanceof io.releasepipeline.event.ReleaseEvent.RollbackStarted && rollbackAt[0] == null) {
                    rollbackAt[0] = e.at();
                    sim.signals.revision(STABLE).errorRateFrom(sim.clock.elapsed(), 0.12);
                }
            }).build().promote(ReleaseRequest.ofPullRequest(PR));

            assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK_NOT_RECOVERED);
            Recovery r = recovery(result);
            assertThat(r.status()).isEqualTo(Recovery.Status.NOT_RECOVERED);
            Instant trafficBack = result.record().trafficChanges().get(result.record().trafficChanges().size() - 1)
                    .at();
            assertThat(trafficBack).isAfterOrEqualTo(rollbackAt[0]);
            // No reading before a judged interval that starts when traffic went back has been ingested.
            assertThat(r.readings()).isNotEmpty().allSatisfy(p -> {
                assertThat(p.at()).isAfter(trafficBack.plus(BEHIND));
                assertThat(p.ok()).isFalse();
                assertThat(p.detail()).startsWith("5xx 12.0% of ").contains("3m behind)");
            });
            assertThat(r.readings().get(0).detail()).contains("(judged " + trafficBack
                    .truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " .. ");
            assertThat(r.detail()).doesNotContainPattern("\\d\\.\\d+Z");
        }

        @Test
        @DisplayName("no reading at all while no interval after traffic went back can be judged: a timeout shorter "
                + "than the source's delay ends per the no data policy, and says why")
        void timeoutShorterThanTheDelay() {
            ReleaseResult result = promote(Triggers.builder().recovery(RecoveryPolicy.DEFAULT_TOLERANCE,
                    Duration.ofMinutes(2)));

            Recovery r = recovery(result);
            assertThat(r.status()).isEqualTo(Recovery.Status.UNVERIFIED);
            assertThat(r.readings()).isEmpty();
            assertThat(r.detail()).startsWith("recovery not verified: too little traffic to judge the error rate of "
                    + "v1 within 2m (no data policy HOLD): no interval since traffic went back at ")
                    .endsWith("could be judged yet: the error-rate source reads 3m behind");
        }
    }

    @Nested
    @DisplayName("too little traffic after the rollback (10 requests a minute, under the minimum of 100)")
    class LowTraffic {

        LowTraffic() {
            sim.signals.revision(STABLE).requestsPerMinute(600).requestsPerMinuteFrom(ROLLBACK_AT, 10);
        }

        @Test
        @DisplayName("HOLD (the default) watches up to the timeout for traffic, then ends ROLLED_BACK, unverified, "
                + "and says so")
        void hold() {
            ReleaseResult result = promote(Triggers.builder().noDataPolicy(NoDataPolicy.HOLD));

            assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
            Recovery r = recovery(result);
            assertThat(r.status()).isEqualTo(Recovery.Status.UNVERIFIED);
            assertThat(r.detail()).startsWith("recovery not verified: too little traffic to judge the error rate of "
                    + "v1 within 10m (no data policy HOLD): 5xx 0.0% of 50 requests on v1 over 5m; fewer than the "
                    + "100 requests needed to judge");
            assertThat(sim.clock.elapsed()).isEqualTo(ROLLBACK_AT.plusMinutes(10));
        }

        @Test
        @DisplayName("FAIL watches up to the timeout, then ends ROLLED_BACK_NOT_RECOVERED: unverified is not "
                + "recovered")
        void fail() {
            ReleaseResult result = promote(Triggers.builder().noDataPolicy(NoDataPolicy.FAIL));

            assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK_NOT_RECOVERED);
            assertThat(recovery(result).detail()).startsWith("NOT RECOVERED: too little traffic to judge the error "
                    + "rate of v1 within 10m (no data policy FAIL)");
        }

        @Test
        @DisplayName("IGNORE ends the watch at the first reading, ROLLED_BACK, and records that there was no data")
        void ignore() {
            ReleaseResult result = promote(Triggers.builder().noDataPolicy(NoDataPolicy.IGNORE));

            assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
            assertThat(recovery(result).status()).isEqualTo(Recovery.Status.UNVERIFIED);
            assertThat(recovery(result).detail()).startsWith("recovery not verified (no data policy IGNORE): 5xx "
                    + "0.0% of 10 requests on v1 over 1m");
            assertThat(sim.clock.elapsed()).isEqualTo(ROLLBACK_AT.plusMinutes(1));
        }

        @Test
        @DisplayName("HOLD ends as soon as enough traffic arrives")
        void holdEndsWithTraffic() {
            sim.signals.revision(STABLE).requestsPerMinuteFrom(ROLLBACK_AT.plusMinutes(3), 600);

            ReleaseResult result = promote();

            assertThat(recovery(result).status()).isEqualTo(Recovery.Status.RECOVERED);
            assertThat(sim.clock.elapsed()).isEqualTo(ROLLBACK_AT.plusMinutes(4));
        }
    }

    @Test
    @DisplayName("a read that keeps failing after the rollback follows the read error policy: the default "
            + "(HOLD_THEN_ROLLBACK) pages at the timeout, PROMOTE_WITH_NOTE ends unverified at once")
    void readErrors() {
        HealthSignalProvider failingAfterRollback = failingFrom(sim.clock.at(ROLLBACK_AT.plusSeconds(1)));
        ReleaseResult paged = sim.builder().healthSignals(failingAfterRollback).build()
                .promote(ReleaseRequest.ofPullRequest(PR));
        assertThat(paged.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK_NOT_RECOVERED);
        assertThat(recovery(paged).detail()).startsWith("NOT RECOVERED: the error rate of v1 could not be read within "
                + "10m (read error policy HOLD_THEN_ROLLBACK): the error rate could not be read");

        Simulation other = new Simulation();
        other.signals.revision(NEW).errorRateFrom(Duration.ofMinutes(6), 0.08);
        HealthSignalProvider failing = failingFrom(other, other.clock.at(ROLLBACK_AT.plusSeconds(1)));
        ReleaseResult noted = other.builder().healthSignals(failing).rollbackTriggers(Triggers.builder()
                .onReadError(ReadErrorPolicy.PROMOTE_WITH_NOTE).build()).build()
                .promote(ReleaseRequest.ofPullRequest(PR));
        assertThat(noted.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(recovery(noted).detail()).startsWith("recovery not verified (read error policy PROMOTE_WITH_NOTE)");
    }

    private HealthSignalProvider failingFrom(Instant from) {
        return failingFrom(sim, from);
    }

    private static HealthSignalProvider failingFrom(Simulation s, Instant from) {
        return new HealthSignalProvider() {
            @Override
            public String providerName() {
                return "flaky-monitor";
            }

            @Override
            public ErrorRateReading errorRate(String revision, Instant windowFrom, Instant to) {
                if (!s.clock.now().isBefore(from)) {
                    throw ProviderException.permanent("flaky-monitor", "errorRate", "403 AuthorizationFailed", null);
                }
                return s.signals.errorRate(revision, windowFrom, to);
            }
        };
    }

    @Test
    @DisplayName("no usable baseline (the stable revision had too little traffic): judged against the error-rate "
            + "threshold instead, and the record says so")
    void noUsableBaseline() {
        sim.signals.revision(STABLE).requestsPerMinute(10).requestsPerMinuteFrom(ROLLBACK_AT, 600)
                .errorRateFrom(ROLLBACK_AT, 0.03);

        ReleaseResult result = promote();

        assertThat(result.record().baseline()).hasValueSatisfying(b -> assertThat(b.usable(100)).isFalse());
        assertThat(result.record().notes()).anySatisfy(n -> assertThat(n).startsWith("error-rate baseline not usable "
                + "(5xx 0.0% of 40 requests on v1 over 5m; fewer than the 100 requests needed to judge)"));
        // 3% is above baseline + 1 point, but under the 5% threshold the watch falls back to.
        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(recovery(result).status()).isEqualTo(Recovery.Status.RECOVERED);
        assertThat(recovery(result).judgedAgainst()).startsWith("the error-rate threshold 5.0%, because there is no "
                + "usable baseline (5xx 0.0% of 40 requests");
    }

    @Test
    @DisplayName("a failed baseline read never blocks the release: recorded as FAILED, the release goes on")
    void failedBaselineDoesNotBlock() {
        HealthSignalProvider failingOnce = new HealthSignalProvider() {
            private boolean failed;

            @Override
            public String providerName() {
                return "flaky-monitor";
            }

            @Override
            public ErrorRateReading errorRate(String revision, Instant from, Instant to) {
                if (!failed) {
                    failed = true;
                    throw ProviderException.permanent("flaky-monitor", "errorRate", "403 AuthorizationFailed", null);
                }
                return sim.signals.errorRate(revision, from, to);
            }
        };
        sim.signals.revision(NEW).errorRateFrom(Duration.ofMinutes(6), 0);

        ReleaseResult result = sim.builder().healthSignals(failingOnce).build().promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(result.record().baseline()).hasValueSatisfying(b -> {
            assertThat(b.status()).isEqualTo(Baseline.Status.FAILED);
            assertThat(b.detail()).contains("403 AuthorizationFailed");
        });
        assertThat(result.record().notes()).anySatisfy(n -> assertThat(n).startsWith("error-rate baseline not usable "
                + "(the read failed on v1 over 5m: ").endsWith("403 AuthorizationFailed): a rollback's recovery is "
                + "judged against the error-rate threshold instead"));
    }

    @Test
    @DisplayName("the error-rate trigger disarmed: no baseline and no watch, and both are said")
    void disarmed() {
        sim.smoke.failingFrom(NEW, Duration.ZERO);

        ReleaseResult result = sim.builder().rollbackTriggers(Triggers.builder().withoutErrorRateTrigger().build())
                .healthSignals(null).build().promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(result.record().baseline()).isEmpty();
        assertThat(result.record().notes()).anySatisfy(n -> assertThat(n).startsWith("no error-rate baseline was "
                + "measured: the error-rate trigger is disarmed"));
        assertThat(recovery(result).status()).isEqualTo(Recovery.Status.NOT_WATCHED);
        assertThat(recovery(result).detail()).contains("the error-rate trigger is disarmed");
    }

    @Test
    @DisplayName("the watch disabled by configuration: not watched, and said")
    void disabled() {
        ReleaseResult result = promote(Triggers.builder().withoutRecoveryWatch());

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(recovery(result).status()).isEqualTo(Recovery.Status.NOT_WATCHED);
        assertThat(recovery(result).detail()).startsWith("recovery not watched: disabled by configuration");
        assertThat(sim.clock.elapsed()).isEqualTo(ROLLBACK_AT);
    }

    @Test
    @DisplayName("a cancelled release is not watched for minutes: traffic back, recovery 'not watched: cancelled'")
    void cancelled() {
        ReleasePipeline pipeline = sim.pipeline();
        sim.signals.revision(STABLE).errorRateFrom(Duration.ofMinutes(7), 0.12);
        sim.clock.scheduleAt(Duration.ofMinutes(5), () -> pipeline.requestRollback("cancelled by the CI runner"));

        ReleaseResult result = pipeline.promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(recovery(result).status()).isEqualTo(Recovery.Status.NOT_WATCHED);
        assertThat(recovery(result).detail()).startsWith("recovery not watched: cancelled (cancelled by the CI "
                + "runner)");
        assertThat(sim.clock.elapsed()).isLessThan(Duration.ofMinutes(5).plusSeconds(10));
    }

    @Test
    @DisplayName("a stop during the watch ends it at once, unverified; traffic stays where the rollback put it")
    void stoppedDuringTheWatch() {
        ReleasePipeline pipeline = sim.pipeline();
        sim.signals.revision(STABLE).errorRateFrom(Duration.ofMinutes(7), 0.12);
        sim.clock.scheduleAt(ROLLBACK_AT.plusMinutes(3).plusSeconds(20),
                () -> pipeline.requestRollback("SIGTERM"));

        ReleaseResult result = pipeline.promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(recovery(result).status()).isEqualTo(Recovery.Status.UNVERIFIED);
        assertThat(recovery(result).detail()).startsWith("recovery watch stopped (SIGTERM) after 3 reading(s)");
        assertThat(sim.clock.elapsed()).isEqualTo(ROLLBACK_AT.plusMinutes(3).plusSeconds(20));
        assertThat(sim.platform.trafficHistory()).last().isEqualTo(TrafficWeights.all(STABLE));
    }

    @Test
    @DisplayName("an Error during the watch never moves traffic: the record is written, then the Error propagates")
    void errorDuringTheWatch() {
        HealthSignalProvider dying = new HealthSignalProvider() {
            @Override
            public String providerName() {
                return "dying-monitor";
            }

            @Override
            public ErrorRateReading errorRate(String revision, Instant from, Instant to) {
                if (sim.clock.now().isAfter(sim.clock.at(ROLLBACK_AT))) {
                    throw new StackOverflowError("simulated");
                }
                return sim.signals.errorRate(revision, from, to);
            }
        };
        ReleasePipeline pipeline = sim.builder().healthSignals(dying).build();

        assertThatThrownBy(() -> pipeline.promote(ReleaseRequest.ofPullRequest(PR).withReleaseId("pr123-error")))
                .isInstanceOf(StackOverflowError.class);

        assertThat(sim.platform.trafficHistory()).containsExactly(TrafficWeights.all(NEW), TrafficWeights.all(STABLE));
        ReleaseRecord record = sim.evidence.read(APP, "pr123-error").orElseThrow();
        assertThat(record.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(record.rollback().flatMap(RollbackDetails::recovery).orElseThrow().detail())
                .startsWith("recovery watch stopped by StackOverflowError after 0 reading(s); traffic stays on v1");
        assertThat(sim.evidence.currentLock(APP)).isEmpty();
    }

    @Test
    @DisplayName("the baseline survives a crash: the resumed release keeps the one journaled before traffic moved "
            + "and judges the rollback's recovery against it")
    void baselineKeptAcrossCrashAndResume() {
        ReleasePipeline first = dying(sim, new CrashingStore(sim.evidence, "OBSERVING", true)).build();
        assertThatThrownBy(() -> first.promote(ReleaseRequest.ofPullRequest(PR).withReleaseId("pr123-crash")))
                .isInstanceOf(Crash.class);
        // Had the resumed release read v1 again it would find no traffic (v2 serves 100%): no data.
        sim.clock.advance(Duration.ofMinutes(2));

        ReleaseResult result = sim.pipeline().resume("pr123-crash");

        Baseline b = result.record().baseline().orElseThrow();
        assertThat(b.status()).isEqualTo(Baseline.Status.MEASURED);
        assertThat(b.to()).isEqualTo(sim.clock.at(Duration.ofMinutes(4)));
        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(recovery(result).judgedAgainst()).startsWith("the baseline (5xx 0.5% of ");
    }

    @Test
    @DisplayName("a standalone rollback watches too, against the baseline the rolled-back release recorded; "
            + "not recovered is its outcome")
    void standaloneRollbackUsesTheReleaseBaseline() {
        sim.signals.revision(NEW).errorRateFrom(Duration.ofMinutes(6), 0);
        ReleaseResult promoted = sim.pipeline().promote(ReleaseRequest.ofPullRequest(PR));
        assertThat(promoted.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        sim.signals.revision(STABLE).errorRateFrom(sim.clock.elapsed(), 0.2);

        RollbackResult result = sim.pipeline().rollback(RollbackRequest.toPrevious("checkout broken")
                .forPullRequest(PR));

        assertThat(result.succeeded()).isTrue();
        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK_NOT_RECOVERED);
        Recovery r = result.details().recovery().orElseThrow();
        assertThat(r.judgedAgainst()).startsWith("the baseline (5xx 0.5% of ");
        ReleaseRecord record = sim.evidence.read(APP, result.releaseId()).orElseThrow();
        assertThat(record.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK_NOT_RECOVERED);
        assertThat(record.baseline()).isEqualTo(promoted.record().baseline());
        assertThat(sim.ci.comments(PR)).last().satisfies(n -> assertThat(n).contains("did NOT RECOVER"));
    }

    @Test
    @DisplayName("tolerance and timeout are validated with the other settings, each with its remedy")
    void validated() {
        assertThat(RecoveryPolicy.ofDefaults()).isEqualTo(Triggers.runbookDefaults().recovery());
        assertThat(RecoveryPolicy.DEFAULT_TOLERANCE).isEqualTo(0.01);
        assertThat(RecoveryPolicy.DEFAULT_TIMEOUT).isEqualTo(Duration.ofMinutes(10));
        assertThatThrownBy(() -> sim.builder().rollbackTriggers(Triggers.builder().recovery(1.5, Duration.ZERO)
                .build()).build())
                .hasMessageContaining("rollbackTriggers.recovery.tolerance: must be at least 0 and under 1 (an "
                        + "absolute 5xx fraction over the baseline: 0.01 is one percentage point), got 1.5")
                .hasMessageContaining("rollbackTriggers.recovery.timeout: must be positive (default 10m), got PT0S");
    }
}
