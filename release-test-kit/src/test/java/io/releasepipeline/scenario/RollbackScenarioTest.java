package io.releasepipeline.scenario;

import static io.releasepipeline.testkit.Simulation.APP;
import static io.releasepipeline.testkit.Simulation.NEW;
import static io.releasepipeline.testkit.Simulation.PR;
import static io.releasepipeline.testkit.Simulation.STABLE;
import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.RollbackRequest;
import io.releasepipeline.RollbackResult;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.RollbackDetails;
import io.releasepipeline.format.SafeText;
import io.releasepipeline.spi.RevisionMode;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.testkit.Simulation;
import io.releasepipeline.trigger.TriggerVerdict;
import io.releasepipeline.trigger.Triggers;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Every runbook rollback trigger, in virtual time. The story: merge at t+0, the deploy run completes at t+4m,
 * v2 takes 100% at t+4m and is observed until t+14m.
 */
class RollbackScenarioTest {

    private final Simulation sim = new Simulation();

    private ReleaseResult promote() {
        return sim.pipeline().promote(ReleaseRequest.ofPullRequest(PR));
    }

    private static Duration minutes(double m) {
        return Duration.ofMillis((long) (m * 60_000));
    }

    private RollbackDetails assertRolledBack(ReleaseResult result, String trigger) {
        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(sim.platform.trafficHistory()).last().isEqualTo(TrafficWeights.all(STABLE));
        assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(STABLE));
        RollbackDetails details = result.rollback().orElseThrow().details();
        assertThat(details.succeeded()).isTrue();
        assertThat(details.toRevision()).isEqualTo(STABLE);
        assertThat(details.fromRevision()).contains(NEW);
        assertThat(details.smoke()).hasValueSatisfying(s -> assertThat(s.passed()).isTrue());
        assertThat(details.trigger()).hasValueSatisfying(t -> assertThat(t.trigger()).isEqualTo(trigger));
        assertThat(sim.ci.comments(PR)).singleElement().satisfies(note -> assertThat(note)
                .contains("was rolled back").contains("`" + trigger + "`").contains("**Now serving:** `v1`")
                .contains("**Evidence:** `" + SafeText.fileName(result.evidenceLocation().orElseThrow()) + "`"));
        assertThat(sim.evidence.read(APP, result.releaseId())).contains(result.record());
        return details;
    }

    @Test
    @DisplayName("smoke check failing for more than 2 minutes after the shift rolls back")
    void smokeFailing() {
        sim.smoke.failingFrom(NEW, Duration.ZERO);

        ReleaseResult result = promote();

        RollbackDetails d = assertRolledBack(result, "smoke-check");
        assertThat(d.trigger().orElseThrow().reason()).contains("smoke check failing for 2m15s")
                .contains("threshold 2m");
        // The 100% shift at t+4m, the first failing check then, fires at the first check past 2m: t+6m15s.
        assertThat(d.startedAt()).isEqualTo(sim.clock.at(minutes(6.25)));
        assertThat(result.record().smokeChecks()).anyMatch(s -> !s.passed());
    }

    @Test
    @DisplayName("a 5xx spike (8% from t+6m) rolls back once the 5-minute rate passes 5%")
    void errorRateSpike() {
        sim.signals.revision(NEW).errorRateFrom(minutes(6), 0.08);

        ReleaseResult result = promote();

        RollbackDetails d = assertRolledBack(result, "error-rate");
        // Readings each minute over the trailing 5 minutes: 4.8% at t+9m, 6.4% at t+10m.
        assertThat(d.trigger().orElseThrow().reason()).isEqualTo("5xx 6.4% over 5m of 3,000 requests; threshold 5.0%");
        assertThat(d.startedAt()).isEqualTo(sim.clock.at(minutes(10)));
        assertThat(result.record().timeline()).filteredOn(p -> p.signal().equals("error-rate")).hasSize(6);
    }

    @Test
    @DisplayName("health endpoint down 31 s rolls back")
    void healthDown31Seconds() {
        sim.probe.failingFor(NEW, minutes(6), Duration.ofSeconds(31));

        ReleaseResult result = promote();

        RollbackDetails d = assertRolledBack(result, "health-endpoint");
        assertThat(d.trigger().orElseThrow().reason()).contains("health endpoint failing for 31s")
                .contains("threshold 30s");
        assertThat(d.startedAt()).isEqualTo(sim.clock.at(minutes(6)).plusSeconds(30));
    }

    @Test
    @DisplayName("health endpoint down 29 s does not roll back")
    void healthDown29Seconds() {
        sim.probe.failingFor(NEW, minutes(6), Duration.ofSeconds(29));

        ReleaseResult result = promote();

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(result.record().timeline()).filteredOn(p -> p.signal().equals(Triggers.HEALTH_ENDPOINT))
                .extracting(p -> p.ok()).containsExactly(true, false, true);
        assertThat(sim.ci.comments(PR)).isEmpty();
    }

    @Test
    @DisplayName("a manual rollback requested from another thread mid-observation rolls back at once")
    void manualRollback() {
        ReleasePipeline pipeline = sim.pipeline();
        sim.clock.scheduleAt(minutes(8), () -> assertThat(pipeline.requestRollback("checkout is broken")).isTrue());

        ReleaseResult result = pipeline.promote(ReleaseRequest.ofPullRequest(PR));

        RollbackDetails d = assertRolledBack(result, "manual");
        assertThat(d.reason()).isEqualTo("manual rollback: checkout is broken");
        assertThat(d.startedAt()).isEqualTo(sim.clock.at(minutes(8)));
        assertThat(pipeline.requestRollback("too late")).isFalse();
    }

    @Test
    @DisplayName("rollback activates the previous revision when the platform deactivated it (single mode)")
    void previousRevisionInactive() {
        sim.platform.revisionMode(RevisionMode.SINGLE);
        sim.smoke.failingFrom(NEW, Duration.ZERO);

        ReleaseResult result = promote();

        assertRolledBack(result, "smoke-check");
        assertThat(sim.platform.calls()).containsSubsequence("activate(v1)", "setTraffic(v1=100%)");
        assertThat(sim.platform.revision(STABLE).orElseThrow().active()).isTrue();
    }

    @Test
    @DisplayName("a refused traffic change is not tried again: one setTraffic, then the failed rollback says so")
    void aRefusedRollbackIsNotRepeated() {
        sim.smoke.failingFrom(NEW, Duration.ZERO);
        long[] before = new long[1];
        ReleasePipeline pipeline = sim.builder().listener(e -> {
            if (e instanceof ReleaseEvent.RollbackStarted) {
                before[0] = sim.platform.count("setTraffic");
                sim.platform.failAlways("setTraffic", false);
            }
        }).build();

        ReleaseResult result = pipeline.promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLBACK_FAILED);
        assertThat(sim.platform.count("setTraffic") - before[0]).isEqualTo(1);
        assertThat(sim.ci.comments(PR)).singleElement().satisfies(note -> assertThat(note)
                .contains("**Traffic now:** v2=100%", "**Failed revision:** `v2` (still serving 100% of traffic)"));
    }

    @Test
    @DisplayName("in Single mode where the platform cannot move traffic, the gates fail before anything changes, "
            + "unless the release is roll-forward-only")
    void singleModeWithoutTrafficControlFailsTheGates() {
        sim.platform.revisionMode(RevisionMode.SINGLE).movesTrafficInSingleMode(false);

        ReleaseResult result = promote();

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.GATES_FAILED);
        assertThat(result.gates()).filteredOn(g -> g.gate().equals("platform-settled")).singleElement()
                .satisfies(g -> assertThat(g.reason()).contains("a rollback could not move traffic back to v1",
                        "single revision mode", "--roll-forward-only"));
        assertThat(sim.ci.isMerged(PR)).isFalse();
        assertThat(sim.platform.calls()).isEmpty();

        ReleaseResult forward = sim.pipeline().promote(ReleaseRequest.ofPullRequest(PR).withReleaseId("pr123-forward")
                .withRollForwardOnly());
        assertThat(forward.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
    }

    @Test
    void aReleaseWithADatabaseMigrationSaysLoudlyThatTheSchemaIsNotRolledBack() {
        sim.smoke.failingFrom(NEW, Duration.ZERO);

        ReleaseResult result = sim.pipeline().promote(ReleaseRequest.ofPullRequest(PR).withDatabaseMigration());

        RollbackDetails d = assertRolledBack(result, "smoke-check");
        assertThat(d.migrationWarning()).hasValueSatisfying(w -> assertThat(w)
                .contains("does NOT roll back the schema").contains("migration rollback procedure"));
        assertThat(result.record().notes()).contains(d.migrationWarning().orElseThrow());
        assertThat(sim.ci.comments(PR).get(0)).contains("[!WARNING]").contains("migration rollback procedure");
    }

    @Test
    void whenThePreviousRevisionFailsItsSmokeCheckTheRollbackFailsLoudly() {
        sim.smoke.failingFrom(NEW, Duration.ZERO);
        sim.smoke.failingFrom(STABLE, minutes(5));

        ReleaseResult result = promote();

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLBACK_FAILED);
        assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(STABLE));
        assertThat(sim.ci.comments(PR).get(0)).startsWith("### ROLLBACK FAILED").contains("page the on-call");
        assertThat(result.rollback().orElseThrow().details().detail()).hasValueSatisfying(d -> assertThat(d)
                .contains("traffic is on v1 but its smoke check fails"));
    }

    @Nested
    class Standalone {

        @Test
        @DisplayName("rollback to previous finds the last promoted revision in the evidence")
        void toPrevious() {
            sim.platform.withRevision(NEW, sim.clock.now().minus(Duration.ofHours(1)), true);
            sim.platform.withTraffic(TrafficWeights.all(NEW));
            sim.evidence.seed(io.releasepipeline.testkit.FakeEvidenceStore.promotedRecord(APP, "pr120", NEW,
                    sim.clock.now().minus(Duration.ofMinutes(50))));

            RollbackResult result = sim.pipeline().rollback(RollbackRequest.toPrevious("orders failing")
                    .forPullRequest(PR));

            assertThat(result.succeeded()).isTrue();
            assertThat(result.details().toRevision()).isEqualTo(STABLE);
            assertThat(result.details().fromRevision()).contains(NEW);
            assertThat(result.trafficAfter()).contains(TrafficWeights.all(STABLE));
            ReleaseRecord record = sim.evidence.read(APP, result.releaseId()).orElseThrow();
            assertThat(record.kind()).isEqualTo(ReleaseRecord.Kind.ROLLBACK);
            assertThat(record.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
            assertThat(sim.ci.comments(PR)).singleElement().satisfies(c -> assertThat(c).contains("orders failing"));
        }

        @Test
        @DisplayName("rollback is idempotent: a second call verifies and moves nothing")
        void idempotent() {
            sim.platform.withRevision(NEW, sim.clock.now().minus(Duration.ofHours(1)), true);
            sim.platform.withTraffic(TrafficWeights.all(NEW));
            ReleasePipeline pipeline = sim.pipeline();

            RollbackResult first = pipeline.rollback(RollbackRequest.toPrevious("bad release"));
            sim.clock.advance(Duration.ofMinutes(1));
            RollbackResult second = pipeline.rollback(RollbackRequest.toPrevious("bad release, again"));

            assertThat(first.details().toRevision()).isEqualTo(STABLE);
            assertThat(second.details().toRevision()).isEqualTo(STABLE);
            assertThat(second.succeeded()).isTrue();
            assertThat(sim.platform.trafficHistory()).containsExactly(TrafficWeights.all(STABLE));
        }

        @Test
        void toANamedRevisionThatIsInactive() {
            sim.platform.withRevision("v0", sim.clock.now().minus(Duration.ofDays(3)), false);

            RollbackResult result = sim.pipeline().rollback(RollbackRequest.toRevision("v0", "v1 leaks memory"));

            assertThat(result.succeeded()).isTrue();
            assertThat(sim.platform.calls()).containsSubsequence("activate(v0)", "setTraffic(v0=100%)");
        }

        @Test
        @DisplayName("in Single mode, where the platform cannot move traffic, the rollback is refused before any "
                + "change, and the incident note says what the platform serves")
        void singleModeWithoutTrafficControlIsRefusedBeforeAnyChange() {
            sim.platform.revisionMode(RevisionMode.SINGLE).movesTrafficInSingleMode(false);
            sim.platform.withRevision(NEW, sim.clock.now().minus(Duration.ofHours(1)), true);
            sim.platform.withTraffic(TrafficWeights.all(NEW));
            sim.platform.deactivate(STABLE);
            java.util.List<String> before = sim.platform.calls();

            RollbackResult result = sim.pipeline().rollback(RollbackRequest.toRevision(STABLE, "orders failing")
                    .forPullRequest(PR));

            assertThat(result.succeeded()).isFalse();
            assertThat(sim.platform.calls()).as("no activate, no setTraffic").isEqualTo(before);
            assertThat(sim.platform.revision(STABLE).orElseThrow().active()).isFalse();
            assertThat(result.details().detail()).hasValueSatisfying(d -> assertThat(d)
                    .contains("refused before any change", "single revision mode", "traffic stays v2=100%",
                            "az containerapp revision set-mode --mode multiple",
                            "azure.switchToMultipleRevisionMode: true"));
            assertThat(result.trafficAfter()).contains(TrafficWeights.all(NEW));
            assertThat(sim.ci.comments(PR)).singleElement().satisfies(note -> assertThat(note)
                    .contains("ROLLBACK FAILED", "**Traffic now:** v2=100%",
                            "**Failed revision:** `v2` (still serving 100% of traffic)")
                    .doesNotContain("kept, without traffic"));
        }

        @Test
        @DisplayName("a named revision that does not exist is a usage mistake: it lists the revisions, and nothing "
                + "is changed or recorded")
        void unknownNamedRevision() {
            sim.platform.withRevision("v0", sim.clock.now().minus(Duration.ofDays(3)), false);

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> sim.pipeline().rollback(
                    RollbackRequest.toRevision("v11", "typo")))
                    .isInstanceOfSatisfying(io.releasepipeline.UnknownTargetException.class, e -> {
                        assertThat(e.kind()).isEqualTo(io.releasepipeline.UnknownTargetException.Kind.REVISION);
                        assertThat(e.known()).containsExactly(STABLE, "v0");
                        assertThat(e.getMessage()).contains("no revision 'v11' of backend", "nothing was changed",
                                "v1, v0");
                    });
            assertThat(sim.platform.calls()).isEmpty();
            assertThat(sim.evidence.latest(APP, 10)).extracting(ReleaseRecord::releaseId)
                    .containsExactly("pr100-previous");
            assertThat(sim.evidence.currentLock(APP)).isEmpty();
        }

        @Test
        @DisplayName("a platform that cannot be read stops the rollback before anything is changed or recorded")
        void unreadablePlatform() {
            sim.platform.failAlways("traffic", false);

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> sim.pipeline().rollback(
                    RollbackRequest.toPrevious("panic"))).isInstanceOf(io.releasepipeline.error.ProviderException.class);
            assertThat(sim.platform.calls()).isEmpty();
            assertThat(sim.evidence.latest(APP, 10)).hasSize(1);
            assertThat(sim.evidence.currentLock(APP)).isEmpty();
        }

        @Test
        void withNothingToRollBackToItFailsClearlyAndMovesNothing() {
            RollbackResult result = sim.pipeline().rollback(RollbackRequest.toPrevious("panic"));
            assertThat(result.succeeded()).isFalse();
            assertThat(result.details().detail()).hasValueSatisfying(d -> assertThat(d)
                    .contains("no previous revision of backend to roll back to from v1; name one explicitly"));
            assertThat(sim.platform.trafficHistory()).isEmpty();
        }
    }

    @Test
    void everyTriggerVerdictThatFiredIsAnEvent() {
        sim.signals.revision(NEW).errorRateFrom(minutes(6), 0.08);
        promote();
        assertThat(sim.events(ReleaseEvent.TriggerFired.class)).extracting(ReleaseEvent.TriggerFired::verdict)
                .extracting(TriggerVerdict::trigger).containsExactly("error-rate");
        Instant rollbackAt = sim.events(ReleaseEvent.RollbackStarted.class).get(0).at();
        assertThat(rollbackAt).isEqualTo(sim.clock.at(minutes(10)));
    }
}
