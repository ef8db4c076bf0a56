package io.releasepipeline.azure;

import static io.releasepipeline.azure.ArmStub.APP;
import static io.releasepipeline.azure.ArmStub.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleasePipelineBuilder;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.RollbackRequest;
import io.releasepipeline.RollbackResult;
import io.releasepipeline.event.ReleaseEvent;
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
import io.releasepipeline.traffic.TrafficPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real {@link ReleasePipeline} releasing to Azure Container Apps: {@link ContainerAppsPlatform} over HTTPS against
 * the stateful Resource Manager stand-in, the test kit's fakes for everything else, the engine on a virtual clock
 * (the Azure SDK's own retries and polling stay in real time, at millisecond settings). A successful deploy run
 * makes the new revision appear in the stand-in, active at 0% as in Multiple revision mode.
 *
 * <p>Each scenario asserts the exact Resource Manager requests, in order, and the exact traffic PATCHes: the fewest
 * round trips (issue 16), the engine acting on what it read or had confirmed instead of reading again.
 */
class AzurePipelineEndToEndTest {

    private static final int PR = 123;
    private static final String STABLE = "backend--r1";
    private static final String NEW = "backend--r2";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ArmStandIn STAND_IN = new ArmStandIn();

    @RegisterExtension
    static final ArmStub arm = STAND_IN.serve();

    private VirtualClock clock;
    private FakeCi ci;
    private FakeEvidenceStore evidence;
    private FakeSmokeCheck smoke;
    /** How many ARM requests had been made when the rollback started; -1 until then. */
    private final AtomicInteger requestsBeforeRollback = new AtomicInteger(-1);
    private final List<ReleaseEvent> events = new ArrayList<>();

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
        // The deploy run creates the new revision when it completes, in virtual time, from an image of the commit.
        ci.onSuccessfulDeploy((sha, completesAt) -> clock.schedule(Duration.between(clock.now(), completesAt),
                () -> STAND_IN.deploy(NEW, completesAt, "acr.example.io/backend:" + sha)));
        evidence = new FakeEvidenceStore().seed(FakeEvidenceStore.promotedRecord(APP, "pr100-previous", STABLE,
                clock.now().minus(Duration.ofHours(3))));
        smoke = new FakeSmokeCheck(clock);
    }

    private FakeHealthSignals signals() {
        FakeHealthSignals signals = new FakeHealthSignals(clock);
        signals.revision(STABLE).requestsPerMinute(600);
        signals.revision(NEW).requestsPerMinute(600);
        return signals;
    }

    /** The pipeline's wiring: the real provider against the stand-in, the fakes, the events and the mark. */
    private ReleasePipelineBuilder builder() {
        return ReleasePipeline.builder().platform(arm.platform().build()).ci(ci).evidence(evidence)
                .incidents(new FakeIncidents()).healthSignals(signals()).smokeCheck(smoke)
                .healthProbe(new FakeHealthProbe(clock)).clock(clock).host("e2e-host")
                .listener(event -> {
                    events.add(event);
                    if (event instanceof ReleaseEvent.RollbackStarted) {
                        requestsBeforeRollback.set(arm.requests().size());
                    }
                });
    }

    private ReleasePipeline pipeline() {
        return builder().build();
    }

    // Requests as "METHOD path below the app"; "GET " is the app itself.
    private static final String GET_APP = "GET ";
    private static final String PATCH_APP = "PATCH ";
    private static final String LIST_REVISIONS = "GET /revisions";

    private static String getRevision(String name) {
        return "GET /revisions/" + name;
    }

    /**
     * A one-step promotion: the app (who serves, in which mode: the gates), the revision list (the new revision,
     * found ready in it), the app once more after the deploy run (which may have moved traffic itself), the PATCH.
     * Its answer confirms it: no read-back.
     */
    private static final List<String> PROMOTION = List.of(GET_APP, LIST_REVISIONS, GET_APP, PATCH_APP);

    private static String operation(int n) {
        return "GET " + ArmStandIn.OPERATIONS_PATH + "op-" + n;
    }

    @Test
    @DisplayName("a one-step promotion: the ARM requests in order, one minimal traffic PATCH, 3 after the merge")
    void promotion() {
        ReleaseResult result = pipeline().promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).as(result.record().notes().toString()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(result.record().newRevision()).contains(NEW);
        assertThat(STAND_IN.trafficJson()).isEqualTo("[{\"revisionName\":\"" + NEW + "\",\"weight\":100}]");
        List<String> requests = arm.requestLines();
        assertThat(requests).containsExactlyElementsOf(PROMOTION);
        assertThat(patchBodies(arm.requests())).containsExactly(trafficPatch(NEW));
        assertThat(result.record().trafficChanges()).last().satisfies(change -> assertThat(change.to())
                .isEqualTo(TrafficWeights.all(NEW)));
        assertOnlyMinimalBodies();
    }

    @Test
    @DisplayName("when ARM answers the PATCH 202 + Azure-AsyncOperation, as it usually does, the operation's "
            + "Succeeded confirms it: no final GET of the app, no read-back")
    void promotionWithLongRunningPatch() {
        STAND_IN.asyncPatches(true);

        ReleaseResult result = pipeline().promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).as(result.record().notes().toString()).isEqualTo(ReleaseOutcome.PROMOTED);
        List<String> expected = new ArrayList<>(PROMOTION);
        expected.add(operation(1));
        assertThat(arm.requestLines()).containsExactlyElementsOf(expected);
    }

    @Test
    @DisplayName("a smoke check failing for 2 minutes rolls back automatically: the PATCH is the rollback's only "
            + "request")
    void automaticRollback() {
        smoke.failing(NEW);

        ReleaseResult result = pipeline().promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).as(result.record().notes().toString()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(STAND_IN.trafficJson()).isEqualTo("[{\"revisionName\":\"" + STABLE + "\",\"weight\":100}]");
        List<String> requests = arm.requestLines();
        List<String> promotion = requests.subList(0, requestsBeforeRollback.get());
        List<String> rollback = requests.subList(requestsBeforeRollback.get(), requests.size());
        assertThat(promotion).containsExactlyElementsOf(PROMOTION);
        // The target revision (active, not failed, its URL) was in the list after the deploy; the split, mode and
        // labels are what the promotion's PATCH confirmed.
        assertThat(rollback).containsExactly(PATCH_APP);
        assertThat(patchBodies(arm.requests())).containsExactly(trafficPatch(NEW), trafficPatch(STABLE));
        assertThat(result.record().rollback().orElseThrow().succeeded()).isTrue();
        assertOnlyMinimalBodies();
    }

    @Test
    @DisplayName("the same rollback with a long-running PATCH: the PATCH and its operation's status, nothing else")
    void automaticRollbackWithLongRunningPatch() {
        STAND_IN.asyncPatches(true);
        smoke.failing(NEW);

        ReleaseResult result = pipeline().promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).as(result.record().notes().toString()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        List<String> requests = arm.requestLines();
        assertThat(requests.subList(requestsBeforeRollback.get(), requests.size()))
                .containsExactly(PATCH_APP, operation(2));
        assertThat(STAND_IN.traffic()).isEqualTo(Map.of(STABLE, 100));
    }

    @Test
    @DisplayName("a stale known state is safe: the previous revision deactivated by hand during the observation makes "
            + "the PATCH refused; the rollback reads the app and the revision, activates it and tries once more")
    void staleKnownStateIsRecovered() {
        smoke.failing(NEW);
        ContainerAppsPlatform byHand = arm.platform().build();
        AtomicInteger deactivatedAt = new AtomicInteger(-1);
        ReleasePipeline pipeline = builder().listener(event -> {
            if (event instanceof ReleaseEvent.TrafficShifted shifted && deactivatedAt.get() < 0
                    && shifted.to().weightOf(NEW) == 100) {
                byHand.deactivate(STABLE);
                deactivatedAt.set(arm.requests().size());
            }
        }).build();

        ReleaseResult result = pipeline.promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).as(result.record().notes().toString()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(STAND_IN.isActive(STABLE)).isTrue();
        assertThat(STAND_IN.traffic()).isEqualTo(Map.of(STABLE, 100));
        List<String> requests = arm.requestLines();
        assertThat(requests.get(deactivatedAt.get() - 1)).isEqualTo("POST /revisions/" + STABLE + "/deactivate");
        assertThat(requests.subList(requestsBeforeRollback.get(), requests.size())).containsExactly(PATCH_APP,
                GET_APP, getRevision(STABLE), "POST /revisions/" + STABLE + "/activate", PATCH_APP);
    }

    @Test
    @DisplayName("a standalone rollback to the previous revision, inactive since the last release: the app, that "
            + "revision (named by the history, so no list), activate, the PATCH")
    void standaloneRollback() {
        STAND_IN.deploy(NEW, clock.now().minus(Duration.ofHours(3)), "acr.example.io/backend:abc1234");
        STAND_IN.serving(NEW);
        arm.platform().build().deactivate(STABLE);
        arm.server.resetRequests();
        evidence.seed(FakeEvidenceStore.promotedRecord(APP, "pr122-r2", NEW, clock.now().minus(Duration.ofHours(2))));

        RollbackResult result = pipeline().rollback(RollbackRequest.toPrevious("checkout is broken")
                .forPullRequest(PR));

        assertThat(result.succeeded()).as(result.details().toString()).isTrue();
        assertThat(result.details().toRevision()).isEqualTo(STABLE);
        assertThat(STAND_IN.isActive(STABLE)).isTrue();
        assertThat(STAND_IN.trafficJson()).isEqualTo("[{\"revisionName\":\"" + STABLE + "\",\"weight\":100}]");
        // With the previous revision active, the activation goes: 3 requests.
        assertThat(arm.requestLines()).containsExactly(GET_APP, getRevision(STABLE),
                "POST /revisions/" + STABLE + "/activate", PATCH_APP);
        assertThat(patchBodies(arm.requests())).containsExactly(trafficPatch(STABLE));
        assertOnlyMinimalBodies();
    }

    @Test
    @DisplayName("the serving revision carries label 'blue': the promotion's and the rollback's PATCHes keep it, and "
            + "it is there at the end")
    void labelSurvivesPromotionAndRollback() {
        // Put the label on the stable entry the way a person would have: one PATCH naming it.
        arm.platform().build().setTraffic(TrafficWeights.all(STABLE), new AppTraffic(RevisionMode.MULTIPLE,
                TrafficWeights.all(STABLE), Optional.of(STABLE), Optional.of(STABLE),
                List.of(TrafficLabel.on("blue", STABLE))));
        assertThat(STAND_IN.trafficJson()).contains("\"label\":\"blue\"");
        arm.server.resetRequests();
        smoke.failing(NEW);

        ReleaseResult result = pipeline().promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).as(result.record().notes().toString()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(patchBodyTexts()).hasSize(2).allSatisfy(b -> assertThat(b).contains("\"label\":\"blue\""));
        assertThat(STAND_IN.trafficJson()).contains("\"revisionName\":\"" + STABLE + "\"", "\"label\":\"blue\"");
        assertThat(STAND_IN.traffic()).containsEntry(STABLE, 100);
    }

    @Test
    @DisplayName("the rollback's long-running PATCH ends Failed once: the rollback reads back and tries again, "
            + "traffic restored")
    void failedOperationDuringRollback() {
        STAND_IN.asyncPatches(true);
        smoke.failing(NEW);
        ReleasePipeline pipeline = builder().listener(e -> {
            if (e instanceof ReleaseEvent.RollbackStarted) {
                STAND_IN.failNextOperation("ContainerAppOperationError", "transient platform failure");
            }
        }).build();

        ReleaseResult result = pipeline.promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(STAND_IN.traffic()).containsEntry(STABLE, 100);
        assertThat(result.outcome()).as(result.record().notes().toString()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
    }

    @Test
    @DisplayName("a canary step's operation ends Failed: the promotion stops, the rollback reads the app (the failed "
            + "change left it unknown) and restores v1")
    void failedOperationDuringCanaryStep() {
        STAND_IN.asyncPatches(true);
        AtomicBoolean armed = new AtomicBoolean();
        STAND_IN.onTrafficChange(split -> {
            if (Integer.valueOf(10).equals(split.get(NEW)) && armed.compareAndSet(false, true)) {
                STAND_IN.failNextOperation("ContainerAppOperationError", "the step failed");
            }
        });
        ReleasePipeline pipeline = builder().trafficPlan(TrafficPlan.canary(10, 50, 100)).build();

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
                            .whenScenarioStateIs(n == 0 ? Scenario.STARTED
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

    private static List<String> patchBodyTexts() {
        return arm.requests().stream().filter(r -> r.getMethod().getName().equals("PATCH"))
                .map(r -> r.getBodyAsString()).toList();
    }

    /** The az CLI's minimal traffic PATCH: the traffic list alone. */
    private static JsonNode trafficPatch(String revision) {
        try {
            return JSON.readTree("{\"properties\":{\"configuration\":{\"ingress\":{\"traffic\":[{\"revisionName\":\""
                    + revision + "\",\"weight\":100}]}}}}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** No request sends a credential or any part of the whole app model back. */
    private static void assertOnlyMinimalBodies() {
        assertThat(arm.requests()).allSatisfy(r -> assertThat(r.getBodyAsString()).doesNotContain(TOKEN, "secrets",
                "template", "registries", "location", "managedEnvironmentId"));
    }

    private static List<JsonNode> patchBodies(List<LoggedRequest> requests) {
        return requests.stream().filter(r -> r.getMethod().getName().equals("PATCH")).map(r -> {
            try {
                return JSON.readTree(r.getBodyAsString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }
}
