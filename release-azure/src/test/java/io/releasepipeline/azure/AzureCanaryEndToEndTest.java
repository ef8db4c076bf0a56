package io.releasepipeline.azure;

import static io.releasepipeline.azure.ArmStub.APP;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.gate.Gates;
import io.releasepipeline.spi.DeployRun;
import io.releasepipeline.testkit.FakeCi;
import io.releasepipeline.testkit.FakeEvidenceStore;
import io.releasepipeline.testkit.FakeHealthProbe;
import io.releasepipeline.testkit.FakeHealthSignals;
import io.releasepipeline.testkit.FakeIncidents;
import io.releasepipeline.testkit.FakeSmokeCheck;
import io.releasepipeline.testkit.VirtualClock;
import io.releasepipeline.traffic.TrafficPlan;
import io.releasepipeline.trigger.AlertInbox;
import io.releasepipeline.trigger.AlertTrigger;
import io.releasepipeline.trigger.TriggerVerdict;
import io.releasepipeline.trigger.Triggers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real {@link ReleasePipeline} running a canary {@code 10 -> 50 -> 100} on Azure Container Apps:
 * {@link ContainerAppsPlatform} over HTTPS against the stateful Resource Manager stand-in in Multiple revision mode,
 * the test kit's fakes for CI, smoke check, health probe, evidence, incidents and health signals, the engine on a
 * virtual clock. The deploy run creates the new revision active at 0%, as {@code az containerapp update} does in
 * Multiple mode. An Azure Monitor alert reaches the release the way it does in production: an action-group webhook
 * body in the common alert schema posted to {@link AzureAlertWebhook}, which feeds the {@link AlertInbox} armed with
 * {@code Triggers.builder().onAlerts(inbox)}.
 */
class AzureCanaryEndToEndTest {

    private static final int PR = 123;
    private static final String STABLE = "backend--r1";
    private static final String CANARY = "backend--r2";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ArmStandIn STAND_IN = new ArmStandIn();
    /** Halfway through the 50% step: deploy 4 min, 10% observed 5 min, 50% from about t+9m to t+14m. */
    private static final Duration ALERT_AT = Duration.ofMinutes(11);
    private static final String WEBHOOK_SECRET = "e2e-alert-webhook-secret";

    @RegisterExtension
    static final ArmStub arm = STAND_IN.serve();

    private VirtualClock clock;
    private FakeCi ci;
    private AlertInbox inbox;
    private AzureAlertWebhook webhook;
    private final List<ReleaseEvent> events = new ArrayList<>();
    // Requests as "METHOD path below the app"; "GET " is the app itself.
    private static final String GET_APP = "GET ";
    private static final String PATCH_APP = "PATCH ";
    private final AtomicInteger requestsBeforeRollback = new AtomicInteger(-1);

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
                () -> STAND_IN.deploy(CANARY, completesAt, "acr.example.io/backend:" + sha)));
        inbox = new AlertInbox(clock);
        webhook = new AzureAlertWebhook(inbox, AzureAlertWebhook.forResource(ArmStub.APP_PATH))
                .withSharedSecret(WEBHOOK_SECRET);
    }

    private ReleasePipeline pipeline() {
        return pipeline(arm.platform().build());
    }

    private ReleasePipeline pipeline(ContainerAppsPlatform platform) {
        FakeHealthSignals signals = new FakeHealthSignals(clock);
        signals.revision(STABLE).requestsPerMinute(600);
        signals.revision(CANARY).requestsPerMinute(600);
        FakeEvidenceStore evidence = new FakeEvidenceStore().seed(FakeEvidenceStore.promotedRecord(APP,
                "pr100-previous", STABLE, clock.now().minus(Duration.ofHours(3))));
        return ReleasePipeline.builder().platform(platform).ci(ci).evidence(evidence)
                .incidents(new FakeIncidents()).healthSignals(signals).smokeCheck(new FakeSmokeCheck(clock))
                .healthProbe(new FakeHealthProbe(clock)).clock(clock).host("e2e-host")
                .trafficPlan(TrafficPlan.canary(10, 50, 100))
                .rollbackTriggers(Triggers.builder().onAlerts(inbox).build())
                .listener(event -> {
                    events.add(event);
                    if (event instanceof ReleaseEvent.RollbackStarted) {
                        requestsBeforeRollback.set(arm.requests().size());
                    }
                })
                .build();
    }

    @Test
    @DisplayName("a canary that passes every step: one minimal traffic PATCH per step, 90/10, 50/50, then 100")
    void canaryPromoted() {
        ReleaseResult result = pipeline().promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).as(result.record().notes().toString()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(patchedTraffic()).containsExactly(
                traffic(STABLE, 90, CANARY, 10),
                traffic(STABLE, 50, CANARY, 50),
                traffic(CANARY, 100));
        assertThat(STAND_IN.trafficJson()).isEqualTo("[{\"revisionName\":\"" + CANARY + "\",\"weight\":100}]");
        assertThat(events).filteredOn(ReleaseEvent.ObservationStarted.class::isInstance)
                .extracting(e -> ((ReleaseEvent.ObservationStarted) e).weight()).containsExactly(10, 50, 100);
        // The gates' read, the list that finds the canary, the app after the deploy run, then one PATCH per step:
        // each step starts from the split the previous PATCH's answer confirmed.
        assertThat(arm.requestLines()).containsExactly(GET_APP, "GET /revisions", GET_APP, PATCH_APP, PATCH_APP,
                PATCH_APP);
    }

    @Test
    @DisplayName("an Azure Monitor alert posted to the webhook during the 50% step rolls the canary back at once")
    void alertDuringCanaryRollsBack() {
        AtomicReference<String> trafficWhenAlerted = new AtomicReference<>();
        AtomicInteger webhookStatus = new AtomicInteger();
        clock.scheduleAt(ALERT_AT, () -> {
            trafficWhenAlerted.set(STAND_IN.trafficJson());
            webhookStatus.set(webhook.receive(AlertPayloads.metricAlert("Fired", clock.now(),
                    AlertPayloads.TARGET), Optional.of("Bearer " + WEBHOOK_SECRET), Optional.empty()).status());
        });

        ReleaseResult result = pipeline().promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(webhookStatus.get()).isEqualTo(202);
        assertThat(trafficWhenAlerted.get()).as("the alert must arrive during the 50%% step")
                .isEqualTo(arrayJson(traffic(STABLE, 50, CANARY, 50)));
        assertThat(result.outcome()).as(result.record().notes().toString()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        List<JsonNode> patches = patchedTraffic();
        assertThat(patches).containsExactly(
                traffic(STABLE, 90, CANARY, 10),
                traffic(STABLE, 50, CANARY, 50),
                traffic(STABLE, 100));
        assertThat(STAND_IN.trafficJson()).isEqualTo("[{\"revisionName\":\"" + STABLE + "\",\"weight\":100}]");
        TriggerVerdict fired = result.record().verdicts().stream().filter(TriggerVerdict::firing)
                .filter(v -> v.trigger().equals(AlertTrigger.NAME)).findFirst().orElseThrow();
        assertThat(fired.reason()).contains("backend-5xx-above-5pct", "Sev1");
        // Pushed, not polled: the release saw the alert the moment it arrived, not at the next 30 s poll.
        assertThat(fired.at()).isEqualTo(clock.at(ALERT_AT));
        List<String> requests = arm.requestLines();
        List<String> canary = requests.subList(0, requestsBeforeRollback.get());
        List<String> rollback = requests.subList(requestsBeforeRollback.get(), requests.size());
        assertThat(canary).containsExactly(GET_APP, "GET /revisions", GET_APP, PATCH_APP, PATCH_APP);
        // The stable revision is known active (the list after the deploy), the split known from the 50% step's
        // answer: the rollback is one PATCH.
        assertThat(rollback).containsExactly(PATCH_APP);
    }

    @Test
    @DisplayName("in Single revision mode a canary is refused at the platform gate, before the merge, even when the "
            + "provider may switch the mode")
    void singleRevisionModeRefusesCanary() {
        STAND_IN.revisionMode("Single");

        ReleaseResult result = pipeline(arm.platform().switchToMultipleRevisionMode(true).build())
                .promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.GATES_FAILED);
        assertThat(result.failedGates()).singleElement().satisfies(g -> assertThat(g.toString())
                .contains("splits traffic", "single mode"));
        assertThat(patchedTraffic()).isEmpty();
        assertThat(ci.isMerged(PR)).isFalse();
    }

    /** The traffic array of every PATCH of the app, in order. */
    private static List<JsonNode> patchedTraffic() {
        return arm.requests().stream().filter(r -> r.getMethod().getName().equals("PATCH")).map(r -> {
            try {
                return JSON.readTree(r.getBodyAsString()).path("properties").path("configuration").path("ingress")
                        .path("traffic");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }

    private static JsonNode traffic(Object... revisionAndWeight) {
        var array = JSON.createArrayNode();
        for (int i = 0; i < revisionAndWeight.length; i += 2) {
            array.addObject().put("revisionName", (String) revisionAndWeight[i])
                    .put("weight", (Integer) revisionAndWeight[i + 1]);
        }
        return array;
    }

    private static String arrayJson(JsonNode node) {
        return node.toString();
    }
}
