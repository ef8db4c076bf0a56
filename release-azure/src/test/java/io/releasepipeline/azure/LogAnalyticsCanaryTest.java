package io.releasepipeline.azure;

import static io.releasepipeline.azure.ArmStub.APP;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import io.releasepipeline.traffic.TrafficPlan;
import io.releasepipeline.trigger.CanaryAnalysisTrigger;
import io.releasepipeline.trigger.TriggerVerdict;
import io.releasepipeline.trigger.Triggers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Canary analysis (canary vs stable 5xx) fed by the Log Analytics error rate: a real {@link ReleasePipeline} on a
 * virtual clock, {@link ContainerAppsPlatform} against the Resource Manager stand-in, {@link LogAnalyticsErrorRate}
 * with its default query and 3-minute ingestion delay against the Logs query API stand-in. The canary answers 4% 5xx
 * from the moment it gets traffic, the stable revision 1%: below the 5% error-rate threshold, but more than one point
 * worse, so canary analysis rolls it back at the 10% step, once the interval read (3 minutes behind) holds enough of
 * the canary's requests; the verdict names that interval.
 */
class LogAnalyticsCanaryTest {

    private static final int PR = 123;
    private static final String STABLE = "backend--r1";
    private static final String CANARY = "backend--r2";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ArmStandIn STAND_IN = new ArmStandIn();

    @RegisterExtension
    static final ArmStub arm = STAND_IN.serve();
    @RegisterExtension
    static final LogsStandIn logs = new LogsStandIn();

    @Test
    @DisplayName("a canary 3 points worse than stable in Log Analytics is rolled back by canary analysis at 10%")
    void canaryWorseThanStable() {
        VirtualClock clock = new VirtualClock();
        arm.server.resetRequests();
        STAND_IN.reset().revisionMode("Multiple").revision(STABLE, clock.now().minus(Duration.ofDays(1)), true)
                .serving(STABLE);
        AtomicReference<Instant> canaryServedFrom = new AtomicReference<>();
        STAND_IN.onTrafficChange(split -> {
            if (split.getOrDefault(CANARY, 0) > 0) {
                canaryServedFrom.compareAndSet(null, clock.now());
            }
        });
        // Ten requests a second on each side while it serves: 4% 5xx on the canary, 1% on the stable revision.
        logs.reset().requestCounts((revision, from, to) -> {
            Instant start = revision.equals(CANARY) ? canaryServedFrom.get() : from;
            if (start == null || !start.isBefore(to)) {
                return new long[2];
            }
            long seconds = Duration.between(start.isAfter(from) ? start : from, to).toSeconds();
            return new long[] {seconds * 10, seconds * 10 * (revision.equals(CANARY) ? 4 : 1) / 100};
        });
        FakeCi ci = new FakeCi(clock);
        ci.pr(PR).title("Quotes in EUR").body("## Summary\nQuotes in EUR.\n\n## Breaking changes\nNone\n")
                .approvedBy("alice");
        Gates.DEFAULT_REQUIRED_CHECKS.forEach(name -> ci.pr(PR).checkPasses(name));
        ci.deployRunTakes(Duration.ofMinutes(4), DeployRun.Conclusion.SUCCESS);
        ci.onSuccessfulDeploy((sha, completesAt) -> clock.schedule(Duration.between(clock.now(), completesAt),
                () -> STAND_IN.deploy(CANARY, completesAt, "acr.example.io/backend:" + sha)));
        ReleasePipeline pipeline = ReleasePipeline.builder().platform(arm.platform().build()).ci(ci)
                .evidence(new FakeEvidenceStore().seed(FakeEvidenceStore.promotedRecord(APP, "pr100-previous", STABLE,
                        clock.now().minus(Duration.ofHours(3)))))
                .incidents(new FakeIncidents()).healthSignals(logs.provider().build())
                .smokeCheck(new FakeSmokeCheck(clock)).healthProbe(new FakeHealthProbe(clock)).clock(clock)
                .host("e2e-host").trafficPlan(TrafficPlan.canary(10, 50, 100))
                .rollbackTriggers(Triggers.builder().canaryAnalysis(0.01).build())
                .build();

        ReleaseResult result = pipeline.promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).as(result.record().notes().toString()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        TriggerVerdict fired = result.record().verdicts().stream().filter(TriggerVerdict::firing)
                .filter(v -> v.trigger().equals(CanaryAnalysisTrigger.NAME)).findFirst().orElseThrow();
        assertThat(fired.reason()).contains("canary " + CANARY + " 5xx 4.0%", "vs stable " + STABLE + " 1.0%",
                "3m behind)");
        assertThat(patchedTraffic()).containsExactly(
                "[{\"revisionName\":\"" + STABLE + "\",\"weight\":90},{\"revisionName\":\"" + CANARY
                        + "\",\"weight\":10}]",
                "[{\"revisionName\":\"" + STABLE + "\",\"weight\":100}]");
        assertThat(logs.requests()).extracting(r -> r.getBodyAsString())
                .anySatisfy(b -> assertThat(b).contains("strcat(\\\"" + CANARY + "\\\""))
                .anySatisfy(b -> assertThat(b).contains("strcat(\\\"" + STABLE + "\\\""));
    }

    private static List<String> patchedTraffic() {
        return arm.requests().stream().filter(r -> r.getMethod().getName().equals("PATCH")).map(r -> {
            try {
                return JSON.readTree(r.getBodyAsString()).path("properties").path("configuration").path("ingress")
                        .path("traffic").toString();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }
}
