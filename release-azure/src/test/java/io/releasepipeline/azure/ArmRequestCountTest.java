package io.releasepipeline.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.releasepipeline.azure.ArmStub.TOKEN;
import static io.releasepipeline.azure.ArmStub.appJson;
import static io.releasepipeline.azure.ArmStub.page;
import static io.releasepipeline.azure.ArmStub.ready;
import static io.releasepipeline.azure.ArmStub.revisionJson;
import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.spi.Revision;
import io.releasepipeline.spi.TrafficWeights;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * How many Resource Manager requests the provider calls of a one-step promotion and of a rollback cost, with the
 * exact requests. Targets from issue 4: at most 10 per promotion including verification, at most 6 per rollback.
 * (The end-to-end version with a {@code ReleasePipeline} comes once the engine lands; it should match these.)
 */
class ArmRequestCountTest {

    private ArmStub arm;
    private ContainerAppsPlatform platform;

    @BeforeEach
    void start() {
        arm = new ArmStub();
        platform = arm.platform().build();
    }

    @AfterEach
    void stop() {
        arm.close();
    }

    @Test
    @DisplayName("a one-step promotion costs 7 ARM requests: read, list, two readiness polls, GET+PATCH, read-back")
    void promotion() {
        String before = "[{\"revisionName\":\"backend--r1\",\"weight\":100}]";
        String after = "[{\"revisionName\":\"backend--r2\",\"weight\":100}]";
        arm.server.stubFor(arm.onGet("").inScenario("app").whenScenarioStateIs(STARTED)
                .willReturn(okJson(appJson("Multiple", "backend--r2", "backend--r1", before))));
        arm.server.stubFor(arm.onPatchApp().inScenario("app").willSetStateTo("shifted")
                .willReturn(okJson(appJson("Multiple", "backend--r2", "backend--r2", after))));
        arm.server.stubFor(arm.onGet("").inScenario("app").whenScenarioStateIs("shifted")
                .willReturn(okJson(appJson("Multiple", "backend--r2", "backend--r2", after))));
        arm.stub(arm.onGet("/revisions"), okJson(page(List.of(revisionJson("backend--r1", true, 100, ready()),
                revisionJson("backend--r2", true, 0, "\"provisioningState\":\"Provisioning\"")), null)));
        arm.server.stubFor(arm.onGet("/revisions/backend--r2").inScenario("r2").whenScenarioStateIs(STARTED)
                .willReturn(okJson(revisionJson("backend--r2", true, 0, "\"provisioningState\":\"Provisioning\"")))
                .willSetStateTo("ready"));
        arm.server.stubFor(arm.onGet("/revisions/backend--r2").inScenario("r2").whenScenarioStateIs("ready")
                .willReturn(okJson(revisionJson("backend--r2", true, 0, ready()))));

        // The calls the engine makes for a one-step promotion, in order.
        assertThat(platform.traffic().weights()).isEqualTo(TrafficWeights.all("backend--r1"));
        assertThat(platform.listRevisions()).hasSize(2);
        assertThat(platform.revision("backend--r2")).map(Revision::isReady).contains(false);
        assertThat(platform.revision("backend--r2")).map(Revision::isReady).contains(true);
        platform.setTraffic(TrafficWeights.all("backend--r2"));
        assertThat(platform.traffic().weights()).isEqualTo(TrafficWeights.all("backend--r2"));

        List<String> requests = arm.requestLines();
        System.out.println("ARM requests for a one-step promotion (" + requests.size() + "): " + requests);
        assertThat(requests).containsExactly("GET ", "GET /revisions", "GET /revisions/backend--r2",
                "GET /revisions/backend--r2", "GET ", "PATCH ", "GET ");
        assertThat(requests.size()).isLessThanOrEqualTo(10);
        assertNoSecretsOrWholeModelSent();
    }

    @Test
    @DisplayName("a rollback costs 5 ARM requests: previous revision, activate, GET+PATCH, read-back")
    void rollback() {
        String before = "[{\"revisionName\":\"backend--r2\",\"weight\":100}]";
        String after = "[{\"revisionName\":\"backend--r1\",\"weight\":100},{\"revisionName\":\"backend--r2\",\"weight\":0}]";
        arm.server.stubFor(arm.onGet("").inScenario("app").whenScenarioStateIs(STARTED)
                .willReturn(okJson(appJson("Multiple", "backend--r2", "backend--r2", before))));
        arm.server.stubFor(arm.onPatchApp().inScenario("app").willSetStateTo("rolled-back")
                .willReturn(okJson(appJson("Multiple", "backend--r2", "backend--r2", after))));
        arm.server.stubFor(arm.onGet("").inScenario("app").whenScenarioStateIs("rolled-back")
                .willReturn(okJson(appJson("Multiple", "backend--r2", "backend--r2", after))));
        arm.stub(arm.onGet("/revisions/backend--r1"), okJson(revisionJson("backend--r1", false, 0, "")));
        arm.stub(arm.onPost("/revisions/backend--r1/activate"), aResponse().withStatus(200));

        // The runbook's manual rollback: find the previous revision, activate it if inactive, give it 100%.
        Revision previous = platform.revision("backend--r1").orElseThrow();
        if (!previous.active()) {
            platform.activate(previous.name());
        }
        platform.setTraffic(TrafficWeights.all(previous.name()));
        assertThat(platform.traffic().weights().withoutZeros()).isEqualTo(TrafficWeights.all("backend--r1"));

        List<String> requests = arm.requestLines();
        System.out.println("ARM requests for a rollback (" + requests.size() + "): " + requests);
        assertThat(requests).containsExactly("GET /revisions/backend--r1", "POST /revisions/backend--r1/activate",
                "GET ", "PATCH ", "GET ");
        assertThat(requests.size()).isLessThanOrEqualTo(6);
        assertNoSecretsOrWholeModelSent();
    }

    private void assertNoSecretsOrWholeModelSent() {
        assertThat(arm.requests()).allSatisfy(r -> assertThat(r.getBodyAsString())
                .doesNotContain(TOKEN, "secrets", "template", "registries", "location", "managedEnvironmentId"));
    }
}
