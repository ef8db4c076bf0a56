package io.releasepipeline.azure;

import static io.releasepipeline.azure.ArmStub.APP;
import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.gate.Gates;
import io.releasepipeline.spi.AppTraffic;
import io.releasepipeline.spi.DeployRun;
import io.releasepipeline.spi.RevisionMode;
import io.releasepipeline.spi.TrafficLabel;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.testkit.FakeCi;
import io.releasepipeline.testkit.FakeEvidenceStore;
import io.releasepipeline.testkit.FakeHealthProbe;
import io.releasepipeline.testkit.FakeHealthSignals;
import io.releasepipeline.testkit.FakeIncidents;
import io.releasepipeline.testkit.FakeSmokeCheck;
import io.releasepipeline.testkit.VirtualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Traffic labels through a promotion and its rollback against the stateful ARM stand-in, with
 * the real provider; and a long-running rollback PATCH whose operation fails.
 */
class AzureLabelsAndFailuresEndToEndTest {

    private static final int PR = 123;
    private static final String STABLE = "backend--r1";
    private static final String NEW = "backend--r2";
    private static final ArmStandIn STAND_IN = new ArmStandIn();

    @RegisterExtension
    static final ArmStub arm = STAND_IN.serve();

    private VirtualClock clock;
    private FakeCi ci;
    private FakeEvidenceStore evidence;
    private FakeSmokeCheck smoke;

    @BeforeEach
    void world() {
        arm.server.resetRequests();
        clock = new VirtualClock();
        STAND_IN.reset().revision(STABLE, clock.now().minus(Duration.ofDays(1)), true).serving(STABLE);
        ci = new FakeCi(clock);
        ci.pr(PR).title("Add quote currency").body("## Summary\nQuotes in EUR.\n\n## Breaking changes\nNone\n")
                .approvedBy("alice");
        Gates.DEFAULT_REQUIRED_CHECKS.forEach(name -> ci.pr(PR).checkPasses(name));
        ci.deployRunTakes(Duration.ofMinutes(4), DeployRun.Conclusion.SUCCESS);
        ci.onSuccessfulDeploy((sha, completesAt) -> clock.schedule(Duration.between(clock.now(), completesAt),
                () -> STAND_IN.deploy(NEW, completesAt, "acr.example.io/backend:" + sha)));
        evidence = new FakeEvidenceStore().seed(FakeEvidenceStore.promotedRecord(APP, "pr100-previous", STABLE,
                clock.now().minus(Duration.ofHours(3))));
        smoke = new FakeSmokeCheck(clock);
    }

    private ReleasePipeline pipeline() {
        FakeHealthSignals signals = new FakeHealthSignals(clock);
        signals.revision(STABLE).requestsPerMinute(600);
        signals.revision(NEW).requestsPerMinute(600);
        return ReleasePipeline.builder().platform(arm.platform().build()).ci(ci).evidence(evidence)
                .incidents(new FakeIncidents()).healthSignals(signals).smokeCheck(smoke)
                .healthProbe(new FakeHealthProbe(clock)).clock(clock).host("e2e-host").build();
    }

    private static List<String> patchBodies() {
        return arm.requests().stream().filter(r -> r.getMethod().getName().equals("PATCH"))
                .map(r -> r.getBodyAsString()).toList();
    }

    @Test
    @DisplayName("the serving revision carries label 'blue': the promotion's and the rollback's PATCHes keep it, and "
            + "it is there at the end")
    void labelSurvivesPromotionAndRollback() {
        // Put the label on the stable entry the way a person would have: one PATCH naming it.
        arm.platform().build().setTraffic(TrafficWeights.all(STABLE), new AppTraffic(RevisionMode.MULTIPLE,
                TrafficWeights.all(STABLE), Optional.of(STABLE), Optional.of(STABLE), List.of(TrafficLabel.on("blue", STABLE))));
        assertThat(STAND_IN.trafficJson()).contains("\"label\":\"blue\"");
        arm.server.resetRequests();
        smoke.failing(NEW);

        ReleaseResult result = pipeline().promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).as(result.record().notes().toString()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(patchBodies()).hasSize(2).allSatisfy(b -> assertThat(b).contains("\"label\":\"blue\""));
        assertThat(STAND_IN.trafficJson()).contains("\"revisionName\":\"" + STABLE + "\"", "\"label\":\"blue\"");
        assertThat(STAND_IN.traffic()).containsEntry(STABLE, 100);
    }

    @Test
    @DisplayName("the rollback's long-running PATCH ends Failed once: the rollback reads back and tries again, "
            + "traffic restored")
    void failedOperationDuringRollback() {
        STAND_IN.asyncPatches(true);
        smoke.failing(NEW);
        ReleasePipeline pipeline = ReleasePipeline.builder().platform(arm.platform().build()).ci(ci)
                .evidence(evidence).incidents(new FakeIncidents()).healthSignals(signalsOf())
                .smokeCheck(smoke).healthProbe(new FakeHealthProbe(clock)).clock(clock).host("e2e-host")
                .listener(e -> {
                    if (e instanceof io.releasepipeline.event.ReleaseEvent.RollbackStarted) {
                        STAND_IN.failNextOperation("ContainerAppOperationError", "transient platform failure");
                    }
                }).build();

        ReleaseResult result = pipeline.promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(STAND_IN.traffic()).containsEntry(STABLE, 100);
        assertThat(result.outcome()).as(result.record().notes().toString()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
    }

    private FakeHealthSignals signalsOf() {
        FakeHealthSignals signals = new FakeHealthSignals(clock);
        signals.revision(STABLE).requestsPerMinute(600);
        signals.revision(NEW).requestsPerMinute(600);
        return signals;
    }

    @Test
    @DisplayName("a canary step's operation ends Failed: the promotion stops, the rollback reads the app (the failed "
            + "change left it unknown) and restores v1")
    void failedOperationDuringCanaryStep() {
        STAND_IN.asyncPatches(true);
        java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
        STAND_IN.onTrafficChange(split -> {
            if (Integer.valueOf(10).equals(split.get(NEW)) && armed.compareAndSet(false, true)) {
                STAND_IN.failNextOperation("ContainerAppOperationError", "the step failed");
            }
        });
        FakeHealthSignals signals = signalsOf();
        ReleasePipeline pipeline = ReleasePipeline.builder().platform(arm.platform().build()).ci(ci)
                .evidence(evidence).incidents(new FakeIncidents()).healthSignals(signals).smokeCheck(smoke)
                .healthProbe(new FakeHealthProbe(clock)).clock(clock).host("e2e-host")
                .trafficPlan(io.releasepipeline.traffic.TrafficPlan.canary(10, 50, 100)).build();

        ReleaseResult result = pipeline.promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(armed).isTrue();
        assertThat(STAND_IN.traffic()).containsEntry(STABLE, 100);
        assertThat(result.outcome()).isNotEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(result.outcome()).isNotEqualTo(ReleaseOutcome.ROLLBACK_FAILED);
    }

    @Test
    @DisplayName("the rollback's PATCH answered 500 through all the SDK's retries, then accepted: the rollback reads "
            + "the app and the target back (still active), tries once more and restores v1")
    void serverErrorsDuringRollback() {
        smoke.failing(NEW);
        STAND_IN.onTrafficChange(split -> {
            if (Integer.valueOf(100).equals(split.get(NEW))) {
                for (int n = 0; n < 4; n++) {
                    arm.server.stubFor(arm.onPatchApp().atPriority(1).inScenario("500s")
                            .whenScenarioStateIs(n == 0 ? com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED
                                    : "s" + n)
                            .willReturn(ArmStub.armError(500, "InternalServerError", "boom"))
                            .willSetStateTo("s" + (n + 1)));
                }
            }
        });

        ReleaseResult result = pipeline().promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(STAND_IN.traffic()).containsEntry(STABLE, 100);
        assertThat(result.outcome()).as(result.record().notes().toString()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        List<String> lines = arm.requestLines();
        assertThat(lines.subList(lines.size() - 7, lines.size())).containsExactly("PATCH ", "PATCH ", "PATCH ",
                "PATCH ", "GET ", "GET /revisions/" + STABLE, "PATCH ");
    }
}
