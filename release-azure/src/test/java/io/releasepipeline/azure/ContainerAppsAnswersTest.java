package io.releasepipeline.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.releasepipeline.azure.ArmStub.appJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.spi.AppTraffic;
import io.releasepipeline.spi.RevisionMode;
import io.releasepipeline.spi.TrafficLabel;
import io.releasepipeline.spi.TrafficWeights;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Resource Manager answers to the traffic PATCH beyond the plain 200 and 202 (issue 16), through
 * the real {@link ContainerAppsPlatform}. The promise: the confirmation returned is what is in place, and a failure
 * carries the service's code.
 */
class ContainerAppsAnswersTest {

    private static final String OP = "/providers/Microsoft.App/locations/eastus/containerappOperationStatuses/op-9";
    private static final String OLD = "[{\"revisionName\":\"backend--r1\",\"weight\":100,\"label\":\"stable\"},"
            + "{\"revisionName\":\"backend--r2\",\"weight\":0}]";
    private static final String NEW = "[{\"revisionName\":\"backend--r2\",\"weight\":100},"
            + "{\"revisionName\":\"backend--r1\",\"weight\":0,\"label\":\"stable\"}]";

    @RegisterExtension
    static final ArmStub arm = new ArmStub();
    private ContainerAppsPlatform platform;
    private final AppTraffic known = new AppTraffic(RevisionMode.MULTIPLE, TrafficWeights.all("backend--r1"),
            Optional.of("backend--r2"), Optional.of("backend--r2"), List.of(TrafficLabel.on("stable", "backend--r1")));

    @BeforeEach
    void reset() {
        arm.reset();
        platform = arm.platform().build();
    }

    private static String inProgress(String traffic) {
        return appJson("Multiple", "backend--r2", "backend--r2", traffic)
                .replace("\"provisioningState\":\"Succeeded\"", "\"provisioningState\":\"InProgress\"");
    }

    private String opUrl() {
        return arm.base() + OP + "?api-version=2025-01-01";
    }

    @Test
    @DisplayName("PATCH 200 InProgress (body still the old split) + Azure-AsyncOperation polled to Succeeded: "
            + "the confirmation is the split now in place, r2 100%")
    void inProgress200ThenSucceeded() {
        arm.stub(arm.onPatchApp(), aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withHeader("Azure-AsyncOperation", opUrl()).withBody(inProgress(OLD)));
        arm.server.stubFor(get(urlPathEqualTo(OP)).willReturn(okJson("{\"status\":\"Succeeded\"}")));

        AppTraffic confirmed = platform.setTraffic(TrafficWeights.all("backend--r2"), known);

        assertThat(arm.requestLines()).as("the SDK polled the operation").contains("GET " + OP);
        assertThat(confirmed.weights().withoutZeros()).as("confirmation after Succeeded")
                .isEqualTo(TrafficWeights.all("backend--r2"));
    }

    @Test
    @DisplayName("PATCH 200 InProgress without a poll header: the SDK GETs the app until Succeeded; the confirmation "
            + "is the final app's split")
    void inProgress200PollsTheApp() {
        arm.stub(arm.onPatchApp(), aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(inProgress(OLD)));
        arm.app(appJson("Multiple", "backend--r2", "backend--r2", NEW));

        AppTraffic confirmed = platform.setTraffic(TrafficWeights.all("backend--r2"), known);

        assertThat(confirmed.weights().withoutZeros()).isEqualTo(TrafficWeights.all("backend--r2"));
        assertThat(confirmed.labels()).contains(TrafficLabel.on("stable", "backend--r1"));
    }

    @Test
    @DisplayName("PATCH 200 InProgress, then the operation ends Failed: an AzureProviderException with the "
            + "service's code, never a confirmation")
    void inProgress200ThenFailed() {
        arm.stub(arm.onPatchApp(), aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withHeader("Azure-AsyncOperation", opUrl()).withBody(inProgress(NEW)));
        arm.server.stubFor(get(urlPathEqualTo(OP)).willReturn(okJson("{\"status\":\"Failed\",\"error\":{\"code\":"
                + "\"ContainerAppOperationError\",\"message\":\"revision failed\"}}")));

        assertThatThrownBy(() -> platform.setTraffic(TrafficWeights.all("backend--r2"), known))
                .isInstanceOfSatisfying(AzureProviderException.class,
                        e -> assertThat(e.errorCode()).contains("ContainerAppOperationError"));
    }

    @Test
    @DisplayName("PATCH 202 with Location only, polled 202 then 200 with the app: confirmed r2 100%")
    void locationOnly() {
        String loc = "/providers/Microsoft.App/locations/eastus/containerappOperationResults/op-9";
        arm.stub(arm.onPatchApp(), aResponse().withStatus(202)
                .withHeader("Location", arm.base() + loc + "?api-version=2025-01-01").withHeader("Retry-After", "0"));
        arm.server.stubFor(get(urlPathEqualTo(loc)).inScenario("loc").whenScenarioStateIs("Started")
                .willReturn(aResponse().withStatus(202).withHeader("Retry-After", "0")).willSetStateTo("done"));
        arm.server.stubFor(get(urlPathEqualTo(loc)).inScenario("loc").whenScenarioStateIs("done")
                .willReturn(okJson(appJson("Multiple", "backend--r2", "backend--r2", NEW))));

        AppTraffic confirmed = platform.setTraffic(TrafficWeights.all("backend--r2"), known);

        assertThat(confirmed.weights().withoutZeros()).isEqualTo(TrafficWeights.all("backend--r2"));
    }

    @Test
    @DisplayName("operation ends Canceled with an error body: a failure worth one more try (the SDK hands over no "
            + "body for Canceled, so the code is its status, USER_CANCELLED)")
    void canceledWithCode() {
        arm.stub(arm.onPatchApp(), aResponse().withStatus(202).withHeader("Azure-AsyncOperation", opUrl()));
        arm.server.stubFor(get(urlPathEqualTo(OP)).willReturn(okJson("{\"status\":\"Canceled\",\"error\":{\"code\":"
                + "\"OperationCanceled\",\"message\":\"superseded by another operation\"}}")));

        assertThatThrownBy(() -> platform.setTraffic(TrafficWeights.all("backend--r2"), known))
                .isInstanceOfSatisfying(AzureProviderException.class, e -> {
                    assertThat(e.errorCode()).contains("USER_CANCELLED");
                    assertThat(e.isTransient()).isTrue();
                });
    }

    @Test
    @DisplayName("operation ends Canceled without an error body: still a failure, with a code a person can read")
    void canceledWithoutCode() {
        arm.stub(arm.onPatchApp(), aResponse().withStatus(202).withHeader("Azure-AsyncOperation", opUrl()));
        arm.server.stubFor(get(urlPathEqualTo(OP)).willReturn(okJson("{\"status\":\"Canceled\"}")));

        assertThatThrownBy(() -> platform.setTraffic(TrafficWeights.all("backend--r2"), known))
                .isInstanceOfSatisfying(AzureProviderException.class,
                        e -> assertThat(e.errorCode()).hasValueSatisfying(c -> assertThat(c).containsIgnoringCase(
                                "cancel")));
    }

    @Test
    @DisplayName("PATCH 200 whose body routes traffic with latestRevision:true: resolved to the latest ready "
            + "revision of the answer")
    void latestRevisionInAnswer() {
        arm.stub(arm.onPatchApp(), okJson(appJson("Multiple", "backend--r2", "backend--r2",
                "[{\"latestRevision\":true,\"weight\":100}]")));

        AppTraffic confirmed = platform.setTraffic(TrafficWeights.all("backend--r2"), known);

        assertThat(confirmed.weights().withoutZeros()).isEqualTo(TrafficWeights.all("backend--r2"));
    }

    @Test
    @DisplayName("PATCH 200 with an empty body: confirmed as the split sent (ARM's 200 means done)")
    void emptyBody200() {
        arm.stub(arm.onPatchApp(), aResponse().withStatus(200));

        AppTraffic confirmed = platform.setTraffic(TrafficWeights.all("backend--r2"), known);

        assertThat(confirmed.weights().withoutZeros()).isEqualTo(TrafficWeights.all("backend--r2"));
    }

    @Test
    @DisplayName("PATCH 200 whose body says provisioningState Failed: a failure, not a confirmation of the split")
    void failed200() {
        arm.stub(arm.onPatchApp(), okJson(appJson("Multiple", "backend--r2", "backend--r2", OLD)
                .replace("\"provisioningState\":\"Succeeded\"", "\"provisioningState\":\"Failed\"")));

        assertThatThrownBy(() -> platform.setTraffic(TrafficWeights.all("backend--r2"), known))
                .isInstanceOf(AzureProviderException.class);
    }

    @Test
    @DisplayName("a 200 InProgress whose operation then succeeds, at Retry-After 0 on every poll: no read after")
    void retryAfterOnPolls() {
        arm.stub(arm.onPatchApp(), aResponse().withStatus(202).withHeader("Azure-AsyncOperation", opUrl())
                .withHeader("Retry-After", "0"));
        arm.server.stubFor(get(urlPathEqualTo(OP)).inScenario("op").whenScenarioStateIs("Started")
                .willReturn(okJson("{\"status\":\"InProgress\"}").withHeader("Retry-After", "0"))
                .willSetStateTo("done"));
        arm.server.stubFor(get(urlPathEqualTo(OP)).inScenario("op").whenScenarioStateIs("done")
                .willReturn(okJson("{\"status\":\"Succeeded\"}")));

        AppTraffic confirmed = platform.setTraffic(TrafficWeights.all("backend--r2"), known);

        assertThat(confirmed.weights().withoutZeros()).isEqualTo(TrafficWeights.all("backend--r2"));
        assertThat(confirmed.labels()).contains(TrafficLabel.on("stable", "backend--r1"));
        assertThat(arm.requestLines()).containsExactly("PATCH ", "GET " + OP, "GET " + OP);
    }

    @Test
    @DisplayName("PATCH answered 429 (Retry-After 0) then 200: the SDK retries, the 200 body confirms, 2 requests")
    void throttledThen200() {
        arm.server.stubFor(arm.onPatchApp().inScenario("429").whenScenarioStateIs("Started")
                .willReturn(ArmStub.armError(429, "TooManyRequests", "slow down").withHeader("Retry-After", "0"))
                .willSetStateTo("ok"));
        arm.server.stubFor(arm.onPatchApp().inScenario("429").whenScenarioStateIs("ok")
                .willReturn(okJson(appJson("Multiple", "backend--r2", "backend--r2", NEW))));

        AppTraffic confirmed = platform.setTraffic(TrafficWeights.all("backend--r2"), known);

        assertThat(confirmed.weights().withoutZeros()).isEqualTo(TrafficWeights.all("backend--r2"));
        assertThat(arm.requestLines()).containsExactly("PATCH ", "PATCH ");
    }

    @Test
    @DisplayName("PATCH answered 500 every time: after the SDK's retries, a transient failure with status 500 and "
            + "the service's code")
    void serverErrorEveryTime() {
        arm.stub(arm.onPatchApp(), ArmStub.armError(500, "InternalServerError", "boom"));

        assertThatThrownBy(() -> platform.setTraffic(TrafficWeights.all("backend--r2"), known))
                .isInstanceOfSatisfying(AzureProviderException.class, e -> {
                    assertThat(e.isTransient()).isTrue();
                    assertThat(e.errorCode()).contains("InternalServerError");
                });
        assertThat(arm.requestLines()).hasSize(4);
    }

    @Test
    @DisplayName("the operation's status poll answers 500 once, then Succeeded: confirmed, no failure surfaced")
    void pollServerErrorThenSucceeded() {
        arm.stub(arm.onPatchApp(), aResponse().withStatus(202).withHeader("Azure-AsyncOperation", opUrl())
                .withHeader("Retry-After", "0"));
        arm.server.stubFor(get(urlPathEqualTo(OP)).inScenario("p").whenScenarioStateIs("Started")
                .willReturn(ArmStub.armError(500, "InternalServerError", "boom")).willSetStateTo("ok"));
        arm.server.stubFor(get(urlPathEqualTo(OP)).inScenario("p").whenScenarioStateIs("ok")
                .willReturn(okJson("{\"status\":\"Succeeded\"}")));

        AppTraffic confirmed = platform.setTraffic(TrafficWeights.all("backend--r2"), known);

        assertThat(confirmed.weights().withoutZeros()).isEqualTo(TrafficWeights.all("backend--r2"));
    }

    @Test
    @DisplayName("an operation that never ends: OperationTimeout, transient, its outcome unknown")
    void operationNeverEnds() {
        ContainerAppsPlatform quick = arm.platform().operationTimeout(java.time.Duration.ofMillis(600)).build();
        arm.stub(arm.onPatchApp(), aResponse().withStatus(202).withHeader("Azure-AsyncOperation", opUrl()));
        arm.server.stubFor(get(urlPathEqualTo(OP)).willReturn(okJson("{\"status\":\"InProgress\"}")));

        assertThatThrownBy(() -> quick.setTraffic(TrafficWeights.all("backend--r2"), known))
                .isInstanceOfSatisfying(AzureProviderException.class, e -> {
                    assertThat(e.isTransient()).isTrue();
                    assertThat(e.errorCode()).contains(ContainerAppsPlatform.OPERATION_TIMEOUT_CODE);
                });
    }

    @Test
    @DisplayName("a label on a latestRevision:true entry ('prod'): a traffic change must not delete the label URL")
    void labelOnLatestRevisionEntrySurvives() {
        arm.app(appJson("Multiple", "backend--r2", "backend--r2",
                "[{\"latestRevision\":true,\"weight\":100,\"label\":\"prod\"}]"));
        arm.stub(arm.onPatchApp(), aResponse().withStatus(200));

        platform.setTraffic(TrafficWeights.all("backend--r1"));

        String body = arm.requests().stream().filter(r -> r.getMethod().getName().equals("PATCH")).findFirst()
                .orElseThrow().getBodyAsString();
        assertThat(body).as(body).contains("\"label\":\"prod\"");
    }

    @Test
    @DisplayName("a revision with two labels (two entries, 'blue' and 'stable'): a traffic change keeps both")
    void twoLabelsOnOneRevisionSurvive() {
        arm.app(appJson("Multiple", "backend--r2", "backend--r2",
                "[{\"revisionName\":\"backend--r1\",\"weight\":100,\"label\":\"blue\"},"
                        + "{\"revisionName\":\"backend--r1\",\"weight\":0,\"label\":\"stable\"},"
                        + "{\"revisionName\":\"backend--r2\",\"weight\":0}]"));
        arm.stub(arm.onPatchApp(), aResponse().withStatus(200));

        platform.setTraffic(TrafficWeights.all("backend--r2"));

        String body = arm.requests().stream().filter(r -> r.getMethod().getName().equals("PATCH")).findFirst()
                .orElseThrow().getBodyAsString();
        assertThat(body).as(body).contains("\"label\":\"blue\"", "\"label\":\"stable\"");
    }
}
