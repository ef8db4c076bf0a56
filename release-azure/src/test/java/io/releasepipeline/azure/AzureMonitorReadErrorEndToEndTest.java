package io.releasepipeline.azure;

import static io.releasepipeline.azure.ArmStub.armError;
import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.gate.Gates;
import io.releasepipeline.spi.DeployRun;
import io.releasepipeline.testkit.FakeCi;
import io.releasepipeline.testkit.FakeEvidenceStore;
import io.releasepipeline.testkit.FakeHealthProbe;
import io.releasepipeline.testkit.FakeIncidents;
import io.releasepipeline.testkit.FakeSmokeCheck;
import io.releasepipeline.testkit.VirtualClock;
import io.releasepipeline.trigger.TriggerState;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A release whose error rate comes from Azure Monitor (the real provider, over HTTPS to the stand-in) that cannot be
 * read: the verdict is ERROR, never no data, and the release is not promoted silently.
 */
class AzureMonitorReadErrorEndToEndTest {

    private static final int PR = 123;
    private static final String STABLE = "backend--r1";
    private static final String NEW = "backend--r2";
    private static final ArmStandIn STAND_IN = new ArmStandIn();

    @RegisterExtension
    static final ArmStub arm = STAND_IN.serve();

    private VirtualClock clock;
    private FakeCi ci;

    @BeforeEach
    void world() {
        arm.server.resetRequests();
        clock = new VirtualClock();
        STAND_IN.reset().revisionMode("Multiple").revision(STABLE, clock.now().minus(Duration.ofDays(1)), true)
                .serving(STABLE);
        ci = new FakeCi(clock);
        ci.pr(PR).title("Quotes in EUR").body("## Summary\nQuotes in EUR.\n\n## Breaking changes\nNone\n")
                .approvedBy("alice");
        Gates.DEFAULT_REQUIRED_CHECKS.forEach(name -> ci.pr(PR).checkPasses(name));
        ci.deployRunTakes(Duration.ofMinutes(4), DeployRun.Conclusion.SUCCESS);
        ci.onSuccessfulDeploy((sha, completesAt) -> clock.schedule(Duration.between(clock.now(), completesAt),
                () -> STAND_IN.deploy(NEW, completesAt, "acr.example.io/backend:" + sha)));
    }

    private ReleaseResult promote() {
        FakeEvidenceStore evidence = new FakeEvidenceStore().seed(FakeEvidenceStore.promotedRecord(ArmStub.APP,
                "pr100-previous", STABLE, clock.now().minus(Duration.ofHours(3))));
        return ReleasePipeline.builder().platform(arm.platform().build()).ci(ci).evidence(evidence)
                .incidents(new FakeIncidents()).healthSignals(arm.monitor().build())
                .smokeCheck(new FakeSmokeCheck(clock)).healthProbe(new FakeHealthProbe(clock)).clock(clock)
                .host("e2e-host").build().promote(ReleaseRequest.ofPullRequest(PR));
    }

    @Test
    @DisplayName("Monitoring Reader missing (403): ERROR verdicts, held, then rolled back; the record says which role "
            + "on which scope")
    void forbidden() {
        arm.server.stubFor(arm.onMetrics().atPriority(1).willReturn(armError(403, "AuthorizationFailed",
                "The client does not have authorization to perform action 'microsoft.insights/metrics/read'")));

        ReleaseResult result = promote();

        // Rolled back; the recovery watch cannot read the error rate either, so recovery is not verified: page.
        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK_NOT_RECOVERED);
        assertThat(result.record().rollback().flatMap(r -> r.recovery()).orElseThrow().detail())
                .contains("could not be read", "HOLD_THEN_ROLLBACK");
        assertThat(result.record().verdicts()).anySatisfy(v -> {
            assertThat(v.state()).isEqualTo(TriggerState.ERROR);
            assertThat(v.reason()).contains("Monitoring Reader", ArmStub.APP_PATH, "az role assignment create");
        });
        assertThat(result.record().notes()).anySatisfy(n -> assertThat(n).contains("could not be read")
                .contains("HOLD_THEN_ROLLBACK"));
        assertThat(STAND_IN.trafficJson()).contains(STABLE).doesNotContain(ArmStub.TOKEN);
    }

    @Test
    @DisplayName("Azure Monitor unavailable (503 after the SDK's retries): ERROR, not no data, and no promotion")
    void unavailable() {
        arm.server.stubFor(arm.onMetrics().atPriority(1).willReturn(armError(503, "ServiceUnavailable",
                "try later")));

        ReleaseResult result = promote();

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK_NOT_RECOVERED);
        assertThat(result.record().rollback().flatMap(r -> r.recovery()).orElseThrow().detail())
                .contains("could not be read");
        assertThat(result.record().verdicts()).anySatisfy(v -> {
            assertThat(v.state()).isEqualTo(TriggerState.ERROR);
            assertThat(v.reason()).contains("503");
        });
        assertThat(result.record().verdicts()).noneSatisfy(v -> assertThat(v.state()).isEqualTo(TriggerState.NO_DATA));
    }
}
