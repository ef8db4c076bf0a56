package io.releasepipeline.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.releasepipeline.azure.ArmStub.APP_PATH;
import static io.releasepipeline.azure.ArmStub.TOKEN;
import static io.releasepipeline.azure.ArmStub.appJson;
import static io.releasepipeline.azure.ArmStub.armError;
import static io.releasepipeline.azure.ArmStub.page;
import static io.releasepipeline.azure.ArmStub.ready;
import static io.releasepipeline.azure.ArmStub.revisionJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.spi.AppTraffic;
import io.releasepipeline.spi.Revision;
import io.releasepipeline.spi.RevisionMode;
import io.releasepipeline.spi.TrafficLabel;
import io.releasepipeline.spi.TrafficWeights;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Container Apps provider against WireMock over HTTPS standing in for Resource Manager. */
class ContainerAppsPlatformTest {

    private static final String TWO_REVISIONS_TRAFFIC =
            "[{\"revisionName\":\"backend--r1\",\"weight\":100,\"label\":\"stable\"},"
                    + "{\"revisionName\":\"backend--r2\",\"weight\":0}]";

    @RegisterExtension
    static final ArmStub arm = new ArmStub();
    private ContainerAppsPlatform platform;

    @BeforeEach
    void reset() {
        arm.reset();
        platform = arm.platform().build();
    }

    @Nested
    @DisplayName("revisions")
    class Revisions {

        @Test
        @DisplayName("lists every revision across pages by following the absolute nextLink")
        void followsNextLink() {
            String page2 = arm.base() + APP_PATH + "/revisions?api-version=2025-01-01&$skiptoken=page2";
            arm.stub(arm.onGet("/revisions").withQueryParam("$skiptoken", com.github.tomakehurst.wiremock.client.WireMock.absent()),
                    okJson(page(List.of(revisionJson("backend--r1", true, 100, ""),
                            revisionJson("backend--r2", false, 0, "")), page2)));
            arm.stub(arm.onGet("/revisions").withQueryParam("$skiptoken", equalTo("page2")),
                    okJson(page(List.of(revisionJson("backend--r3", true, 0, ready())), null)));

            List<Revision> revisions = platform.listRevisions();

            assertThat(revisions).extracting(Revision::name).containsExactly("backend--r1", "backend--r2",
                    "backend--r3");
            assertThat(arm.requestLines()).containsExactly("GET /revisions", "GET /revisions");
        }

        @Test
        @DisplayName("tolerates revisions without health or provisioning fields, as in the public list example")
        void withoutHealthFields() {
            arm.stub(arm.onGet("/revisions"), okJson(page(List.of(revisionJson("backend--r1", true, 100, "")), null)));

            Revision r = platform.listRevisions().get(0);

            assertThat(r.health()).isEqualTo(Revision.Health.NONE);
            assertThat(r.provisioning()).isEqualTo(Revision.Provisioning.UNKNOWN);
            assertThat(r.running()).isEqualTo(Revision.Running.UNKNOWN);
            assertThat(r.isReady()).isTrue();
            assertThat(r.createdAt()).isEqualTo(Instant.parse("2026-01-05T08:00:00Z"));
            assertThat(r.trafficWeight()).isEqualTo(100);
            assertThat(r.image()).contains("repo/backend:backend--r1");
            assertThat(r.url()).contains("https://backend--r1.demokube.azurecontainerapps.io");
        }

        @Test
        @DisplayName("reads one revision with its health, provisioning and running states")
        void getsOne() {
            arm.stub(arm.onGet("/revisions/backend--r2"), okJson(revisionJson("backend--r2", true, 0,
                    "\"healthState\":\"Unhealthy\",\"provisioningState\":\"Provisioning\",\"runningState\":\"Degraded\"")));

            Revision r = platform.revision("backend--r2").orElseThrow();

            assertThat(r.health()).isEqualTo(Revision.Health.UNHEALTHY);
            assertThat(r.provisioning()).isEqualTo(Revision.Provisioning.PROVISIONING);
            assertThat(r.running()).isEqualTo(Revision.Running.DEGRADED);
            assertThat(r.isReady()).isFalse();
        }

        @Test
        @DisplayName("answers an unknown revision (404) with empty, without retrying")
        void unknownIsEmpty() {
            arm.stub(arm.onGet("/revisions/nope"), armError(404, "ContainerAppRevisionNotFound",
                    "Revision 'nope' not found"));

            assertThat(platform.revision("nope")).isEmpty();
            assertThat(arm.requestLines()).containsExactly("GET /revisions/nope");
        }

        @Test
        @DisplayName("activates and deactivates with a POST to the revision's action, no body")
        void activateDeactivate() {
            arm.stub(arm.onPost("/revisions/backend--r1/activate"), aResponse().withStatus(200));
            arm.stub(arm.onPost("/revisions/backend--r2/deactivate"), aResponse().withStatus(200));

            platform.activate("backend--r1");
            platform.deactivate("backend--r2");

            assertThat(arm.requestLines()).containsExactly("POST /revisions/backend--r1/activate",
                    "POST /revisions/backend--r2/deactivate");
            assertThat(arm.requests()).allSatisfy(r -> assertThat(r.getBodyAsString()).isEmpty());
        }

        @Test
        @DisplayName("reports an unknown revision on activate as a permanent error with ARM's code")
        void activateUnknown() {
            arm.stub(arm.onPost("/revisions/nope/activate"), armError(404, "ContainerAppRevisionNotFound",
                    "Revision 'nope' not found"));

            assertThatThrownBy(() -> platform.activate("nope")).isInstanceOfSatisfying(AzureProviderException.class,
                    e -> {
                        assertThat(e.isTransient()).isFalse();
                        assertThat(e.statusCode()).isEqualTo(404);
                        assertThat(e.errorCode()).contains("ContainerAppRevisionNotFound");
                        assertThat(e.getMessage()).contains("activate(nope)", "Revision 'nope' not found");
                    });
            assertThat(arm.requests()).hasSize(1);
        }
    }

    @Nested
    @DisplayName("traffic")
    class Traffic {

        @Test
        @DisplayName("reads the mode and split; an absent activeRevisionsMode means Single")
        void modeAndSplit() {
            arm.app(appJson("Multiple", "backend--r2", "backend--r2", TWO_REVISIONS_TRAFFIC));
            AppTraffic multiple = platform.traffic();
            assertThat(multiple.mode()).isEqualTo(RevisionMode.MULTIPLE);
            assertThat(multiple.weights()).isEqualTo(new TrafficWeights(Map.of("backend--r1", 100, "backend--r2", 0)));
            assertThat(multiple.latestRevision()).contains("backend--r2");
            assertThat(multiple.latestReadyRevision()).contains("backend--r2");

            arm.app(appJson(null, "backend--r2", "backend--r2", "[{\"revisionName\":\"backend--r2\",\"weight\":100}]"));
            assertThat(platform.traffic().mode()).isEqualTo(RevisionMode.SINGLE);
        }

        @Test
        @DisplayName("resolves latestRevision: true to the latest ready revision's name")
        void resolvesLatest() {
            arm.app(appJson("Multiple", "backend--r3", "backend--r2",
                    "[{\"latestRevision\":true,\"weight\":80},{\"revisionName\":\"backend--r1\",\"weight\":20}]"));

            assertThat(platform.traffic().weights()).isEqualTo(new TrafficWeights(
                    Map.of("backend--r2", 80, "backend--r1", 20)));
        }

        @Test
        @DisplayName("an app without traffic entries sends everything to the latest ready revision")
        void noEntries() {
            arm.app(appJson(null, "backend--r2", "backend--r2", "[]"));

            assertThat(platform.traffic().weights()).isEqualTo(TrafficWeights.all("backend--r2"));
        }

        @Test
        @DisplayName("sets traffic with a minimal PATCH of configuration.ingress.traffic only, keeping labels")
        void minimalPatch() {
            arm.app(appJson("Multiple", "backend--r2", "backend--r2", TWO_REVISIONS_TRAFFIC));
            arm.stub(arm.onPatchApp(), okJson(appJson("Multiple", "backend--r2", "backend--r2",
                    "[{\"revisionName\":\"backend--r2\",\"weight\":100}]")));

            platform.setTraffic(TrafficWeights.all("backend--r2"));

            assertThat(arm.requestLines()).containsExactly("GET ", "PATCH ");
            LoggedRequest patch = arm.requests().get(1);
            assertThat(patch.getBodyAsString()).satisfies(body -> assertThat(
                    equalToJson("{\"properties\":{\"configuration\":{\"ingress\":{\"traffic\":["
                            + "{\"revisionName\":\"backend--r2\",\"weight\":100},"
                            + "{\"revisionName\":\"backend--r1\",\"weight\":0,\"label\":\"stable\"}]}}}}")
                            .match(body).isExactMatch()).as(body).isTrue());
            assertThat(patch.getBodyAsString()).doesNotContain("secrets", "template", "location", "external",
                    TOKEN);
            assertThat(patch.getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
        }

        @Test
        @DisplayName("a 202 answer is polled through Azure-AsyncOperation from InProgress to Succeeded")
        void asyncSucceeded() {
            arm.app(appJson("Multiple", "backend--r2", "backend--r2", TWO_REVISIONS_TRAFFIC));
            String operation = "/providers/Microsoft.App/locations/eastus/containerappOperationStatuses/op-1";
            arm.stub(arm.onPatchApp(), aResponse().withStatus(202)
                    .withHeader("Azure-AsyncOperation", arm.base() + operation + "?api-version=2025-01-01"));
            arm.server.stubFor(get(urlPathEqualTo(operation)).inScenario("op").whenScenarioStateIs(STARTED)
                    .willReturn(okJson("{\"id\":\"op-1\",\"status\":\"InProgress\"}")).willSetStateTo("done"));
            arm.server.stubFor(get(urlPathEqualTo(operation)).inScenario("op").whenScenarioStateIs("done")
                    .willReturn(okJson("{\"id\":\"op-1\",\"status\":\"Succeeded\"}")));

            AppTraffic confirmed = platform.setTraffic(TrafficWeights.split("backend--r1", "backend--r2", 10));

            // Succeeded is the confirmation: no final GET of the app, no read-back.
            assertThat(arm.requestLines()).containsExactly("GET ", "PATCH ", "GET " + operation,
                    "GET " + operation);
            assertThat(confirmed.weights()).isEqualTo(TrafficWeights.split("backend--r1", "backend--r2", 10));
            assertThat(confirmed.mode()).isEqualTo(RevisionMode.MULTIPLE);
            assertThat(confirmed.labels()).containsExactly(TrafficLabel.on("stable", "backend--r1"));
            assertThat(confirmed.latestReadyRevision()).contains("backend--r2");
        }

        @Test
        @DisplayName("a 200 answer carries the app as it now is: that is the confirmation returned, not the split sent")
        void confirmedFromTheAnswer() {
            arm.app(appJson("Multiple", "backend--r2", "backend--r2", TWO_REVISIONS_TRAFFIC));
            // The service answers with what it applied, here not what was asked (as a platform that rewrote it).
            arm.stub(arm.onPatchApp(), okJson(appJson("Multiple", "backend--r2", "backend--r2",
                    "[{\"revisionName\":\"backend--r1\",\"weight\":100,\"label\":\"stable\"}]")));

            AppTraffic confirmed = platform.setTraffic(TrafficWeights.all("backend--r2"));

            assertThat(arm.requestLines()).containsExactly("GET ", "PATCH ");
            assertThat(confirmed.weights()).isEqualTo(TrafficWeights.all("backend--r1"));
        }

        @Test
        @DisplayName("given the traffic last read, the PATCH is the only request, and it keeps the labels read")
        void knownTrafficNeedsNoRead() {
            String operation = "/providers/Microsoft.App/locations/eastus/containerappOperationStatuses/op-3";
            arm.stub(arm.onPatchApp(), aResponse().withStatus(202)
                    .withHeader("Azure-AsyncOperation", arm.base() + operation + "?api-version=2025-01-01"));
            arm.server.stubFor(get(urlPathEqualTo(operation)).willReturn(okJson("{\"status\":\"Succeeded\"}")));
            AppTraffic known = new AppTraffic(RevisionMode.MULTIPLE, TrafficWeights.split("backend--r1",
                    "backend--r2", 10), Optional.of("backend--r2"), Optional.of("backend--r2"),
                    List.of(TrafficLabel.on("stable", "backend--r1"), TrafficLabel.on("blue", "backend--r0")));

            AppTraffic confirmed = platform.setTraffic(TrafficWeights.all("backend--r1"), known);

            assertThat(arm.requestLines()).containsExactly("PATCH ", "GET " + operation);
            assertThat(equalToJson("{\"properties\":{\"configuration\":{\"ingress\":{\"traffic\":["
                    + "{\"revisionName\":\"backend--r1\",\"weight\":100,\"label\":\"stable\"},"
                    + "{\"revisionName\":\"backend--r0\",\"weight\":0,\"label\":\"blue\"}]}}}}")
                    .match(arm.requests().get(0).getBodyAsString()).isExactMatch())
                    .as(arm.requests().get(0).getBodyAsString()).isTrue();
            assertThat(confirmed.weights().withoutZeros()).isEqualTo(TrafficWeights.all("backend--r1"));
            assertThat(confirmed.labels()).contains(TrafficLabel.on("blue", "backend--r0"));
        }

        @Test
        @DisplayName("a 202 operation that ends Failed surfaces the service's error code and message")
        void asyncFailed() {
            arm.app(appJson("Multiple", "backend--r2", "backend--r2", TWO_REVISIONS_TRAFFIC));
            String operation = "/providers/Microsoft.App/locations/eastus/containerappOperationStatuses/op-2";
            arm.stub(arm.onPatchApp(), aResponse().withStatus(202)
                    .withHeader("Azure-AsyncOperation", arm.base() + operation + "?api-version=2025-01-01"));
            arm.server.stubFor(get(urlPathEqualTo(operation)).inScenario("op2").whenScenarioStateIs(STARTED)
                    .willReturn(okJson("{\"status\":\"InProgress\"}")).willSetStateTo("failed"));
            arm.server.stubFor(get(urlPathEqualTo(operation)).inScenario("op2").whenScenarioStateIs("failed")
                    .willReturn(okJson("{\"status\":\"Failed\",\"error\":{\"code\":\"ContainerAppInvalidTraffic\","
                            + "\"message\":\"Revision backend--r9 is not active\"}}")));

            assertThatThrownBy(() -> platform.setTraffic(TrafficWeights.all("backend--r2")))
                    .isInstanceOfSatisfying(AzureProviderException.class, e -> {
                        assertThat(e.errorCode()).contains("ContainerAppInvalidTraffic");
                        assertThat(e.getMessage()).contains("Revision backend--r9 is not active")
                                .doesNotContain(TOKEN);
                        // Accepted, then failed: not a refusal of the request, worth one more try.
                        assertThat(e.isTransient()).isTrue();
                    });
            assertThat(arm.requestLines()).containsExactly("GET ", "PATCH ", "GET " + operation,
                    "GET " + operation);
        }

        @Test
        @DisplayName("an operation status that keeps answering 500 is a transient failure of unknown outcome, with "
                + "the HTTP status, never a claim that the change applied")
        void pollFailing() {
            arm.app(appJson("Multiple", "backend--r2", "backend--r2", TWO_REVISIONS_TRAFFIC));
            String operation = "/providers/Microsoft.App/locations/eastus/containerappOperationStatuses/op-5";
            arm.stub(arm.onPatchApp(), aResponse().withStatus(202)
                    .withHeader("Azure-AsyncOperation", arm.base() + operation + "?api-version=2025-01-01"));
            arm.server.stubFor(get(urlPathEqualTo(operation)).willReturn(armError(500, "InternalServerError",
                    "the operation store is unavailable")));

            assertThatThrownBy(() -> platform.setTraffic(TrafficWeights.all("backend--r2")))
                    .isInstanceOfSatisfying(AzureProviderException.class, e -> {
                        assertThat(e.isTransient()).as(e.getMessage()).isTrue();
                        assertThat(e.getMessage()).contains("500");
                    });
        }

        @Test
        @DisplayName("malformed JSON from Resource Manager is a clear error and no traffic change is sent")
        void malformedJson() {
            arm.stub(arm.onGet(""), aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                    .withBody("{\"id\":\"x\",\"properties\":{\"configuration\":{\"ingress\":{\"traffic\":[{"));

            assertThatThrownBy(() -> platform.setTraffic(TrafficWeights.all("backend--r2")))
                    .isInstanceOfSatisfying(AzureProviderException.class, e -> {
                        assertThat(e.getMessage()).contains("setTraffic", "not the JSON expected",
                                "this call changed nothing");
                        assertThat(e.isTransient()).isFalse();
                    });
            arm.server.verify(0, patchRequestedFor(urlPathEqualTo(APP_PATH)));
        }
    }

    @Nested
    @DisplayName("revision modes")
    class Modes {

        @Test
        @DisplayName("in Single mode, a split that differs fails with how to switch, and nothing is PATCHed")
        void singleRefuses() {
            arm.app(appJson("Single", "backend--r2", "backend--r2", "[{\"latestRevision\":true,\"weight\":100}]"));

            assertThatThrownBy(() -> platform.setTraffic(TrafficWeights.all("backend--r1")))
                    .isInstanceOfSatisfying(AzureProviderException.class, e -> {
                        assertThat(e.getMessage()).contains("Single revision mode", "switchToMultipleRevisionMode(true)",
                                "ensureMultipleRevisionMode()");
                        assertThat(e.isTransient()).isFalse();
                    });
            assertThat(arm.requestLines()).containsExactly("GET ");
            assertThat(platform.canMoveTraffic(RevisionMode.SINGLE)).as("tells the engine so, up front").isFalse();
            assertThat(platform.canMoveTraffic(RevisionMode.MULTIPLE)).isTrue();
        }

        @Test
        @DisplayName("in Single mode, the split already in place succeeds without a PATCH (idempotent)")
        void singleAlreadyInPlace() {
            arm.app(appJson("Single", "backend--r2", "backend--r2", "[{\"latestRevision\":true,\"weight\":100}]"));

            platform.setTraffic(TrafficWeights.all("backend--r2"));

            assertThat(arm.requestLines()).containsExactly("GET ");
        }

        @Test
        @DisplayName("given Single-mode traffic already in place, nothing is sent at all")
        void singleKnownInPlace() {
            AppTraffic known = new AppTraffic(RevisionMode.SINGLE, TrafficWeights.all("backend--r2"),
                    Optional.of("backend--r2"), Optional.of("backend--r2"));

            assertThat(platform.setTraffic(TrafficWeights.all("backend--r2"), known)).isEqualTo(known);

            assertThat(arm.requestLines()).isEmpty();
        }

        @Test
        @DisplayName("with switchToMultipleRevisionMode(true), PATCHes activeRevisionsMode alone, then the traffic")
        void switchesWhenAllowed() {
            platform = arm.platform().switchToMultipleRevisionMode(true).build();
            assertThat(platform.canMoveTraffic(RevisionMode.SINGLE)).isTrue();
            arm.app(appJson("Single", "backend--r2", "backend--r2", "[{\"latestRevision\":true,\"weight\":100}]"));
            arm.stub(arm.onPatchApp(), okJson(appJson("Multiple", "backend--r2", "backend--r2", "[]")));

            platform.setTraffic(TrafficWeights.split("backend--r2", "backend--r1", 10));

            assertThat(arm.requestLines()).containsExactly("GET ", "PATCH ", "PATCH ");
            assertThat(equalToJson("{\"properties\":{\"configuration\":{\"activeRevisionsMode\":\"Multiple\"}}}")
                    .match(arm.requests().get(1).getBodyAsString()).isExactMatch()).isTrue();
            assertThat(equalToJson("{\"properties\":{\"configuration\":{\"ingress\":{\"traffic\":["
                    + "{\"revisionName\":\"backend--r1\",\"weight\":10},"
                    + "{\"revisionName\":\"backend--r2\",\"weight\":90}]}}}}")
                    .match(arm.requests().get(2).getBodyAsString()).isExactMatch()).isTrue();
        }

        @Test
        @DisplayName("ensureMultipleRevisionMode switches once and is a no-op when already Multiple")
        void ensureMultiple() {
            arm.app(appJson(null, "backend--r2", "backend--r2", "[]"));
            arm.stub(arm.onPatchApp(), okJson(appJson("Multiple", "backend--r2", "backend--r2", "[]")));
            assertThat(platform.ensureMultipleRevisionMode()).isTrue();

            arm.reset();
            arm.app(appJson("Multiple", "backend--r2", "backend--r2", "[]"));
            assertThat(platform.ensureMultipleRevisionMode()).isFalse();
            assertThat(arm.requestLines()).containsExactly("GET ");
        }
    }

    @Nested
    @DisplayName("errors and retries (one layer: the Azure SDK's)")
    class Retries {

        @Test
        @DisplayName("the provider tells the engine it retries its own calls")
        void retriesOwnCalls() {
            assertThat(platform.retriesOwnCalls()).isTrue();
            assertThat(platform.providerName()).isEqualTo("azure-container-apps");
        }

        @Test
        @DisplayName("429 with Retry-After: 1 is retried after the second it asked for, then succeeds")
        void throttled() {
            arm.server.stubFor(arm.onGet("").inScenario("429").whenScenarioStateIs(STARTED)
                    .willReturn(armError(429, "TooManyRequests", "Rate limit exceeded").withHeader("Retry-After", "1"))
                    .willSetStateTo("ok"));
            arm.server.stubFor(arm.onGet("").inScenario("429").whenScenarioStateIs("ok")
                    .willReturn(okJson(appJson("Multiple", "backend--r2", "backend--r2", TWO_REVISIONS_TRAFFIC))));

            assertThat(platform.traffic().mode()).isEqualTo(RevisionMode.MULTIPLE);

            List<LoggedRequest> requests = arm.requests();
            assertThat(requests).hasSize(2);
            long gapMillis = requests.get(1).getLoggedDate().getTime() - requests.get(0).getLoggedDate().getTime();
            assertThat(gapMillis).as("delay honouring Retry-After: 1").isGreaterThanOrEqualTo(950);
        }

        @Test
        @DisplayName("500 twice then 200 succeeds after three requests")
        void serverErrorsThenOk() {
            arm.server.stubFor(arm.onGet("/revisions/backend--r2").inScenario("5xx").whenScenarioStateIs(STARTED)
                    .willReturn(armError(500, "InternalServerError", "boom")).willSetStateTo("second"));
            arm.server.stubFor(arm.onGet("/revisions/backend--r2").inScenario("5xx").whenScenarioStateIs("second")
                    .willReturn(armError(500, "InternalServerError", "boom")).willSetStateTo("ok"));
            arm.server.stubFor(arm.onGet("/revisions/backend--r2").inScenario("5xx").whenScenarioStateIs("ok")
                    .willReturn(okJson(revisionJson("backend--r2", true, 0, ready()))));

            assertThat(platform.revision("backend--r2")).map(Revision::isReady).contains(true);
            assertThat(arm.requests()).hasSize(3);
        }

        @Test
        @DisplayName("always 503: gives up after the configured retries with a transient, actionable error")
        void alwaysUnavailable() {
            arm.stub(arm.onGet(""), armError(503, "ServiceUnavailable", "The service is unavailable")
                    .withHeader("Retry-After", "0"));

            assertThatThrownBy(() -> platform.traffic()).isInstanceOfSatisfying(AzureProviderException.class, e -> {
                assertThat(e.isTransient()).isTrue();
                assertThat(e.statusCode()).isEqualTo(503);
                assertThat(e.errorCode()).contains("ServiceUnavailable");
                assertThat(e.retryAfter()).contains(Duration.ZERO);
                assertThat(e.getMessage()).contains("traffic of trade-nexus-backend", "HTTP 503",
                        "The service is unavailable", "after the configured retries");
            });
            assertThat(arm.requests()).hasSize(4);
        }

        @Test
        @DisplayName("other 4xx are not retried: one request, a permanent error")
        void badRequestNotRetried() {
            arm.app(appJson("Multiple", "backend--r2", "backend--r2", TWO_REVISIONS_TRAFFIC));
            arm.stub(arm.onPatchApp(), armError(400, "ContainerAppInvalidTraffic", "weights must sum to 100"));

            assertThatThrownBy(() -> platform.setTraffic(TrafficWeights.all("backend--r2")))
                    .isInstanceOfSatisfying(AzureProviderException.class, e -> {
                        assertThat(e.isTransient()).isFalse();
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.errorCode()).contains("ContainerAppInvalidTraffic");
                    });
            assertThat(arm.requestLines()).containsExactly("GET ", "PATCH ");
        }

        @Test
        @DisplayName("a refused token (401) says so, and never quotes the token")
        void unauthorized() {
            arm.stub(arm.onGet(""), armError(401, "InvalidAuthenticationToken", "The access token is invalid."));

            assertThatThrownBy(() -> platform.traffic()).isInstanceOfSatisfying(AzureProviderException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(401);
                assertThat(e.getMessage()).contains("access token was refused").doesNotContain(TOKEN);
            });
            assertThat(arm.requests()).hasSize(1);
        }
    }

    @Nested
    @DisplayName("configuration")
    class Configuration {

        @Test
        @DisplayName("build() lists every problem at once")
        void listsAllProblems() {
            assertThatThrownBy(() -> ContainerAppsPlatform.builder().appName("a/b")
                    .managementEndpoint(URI.create("http://127.0.0.1:1")).pollInterval(Duration.ZERO)
                    .retry(-1, Duration.ofMillis(5), Duration.ofMillis(1)).build())
                    .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                            .anySatisfy(p -> assertThat(p).startsWith("subscriptionId: required"))
                            .anySatisfy(p -> assertThat(p).startsWith("resourceGroup: required"))
                            .anySatisfy(p -> assertThat(p).startsWith("appName: must not contain"))
                            .anySatisfy(p -> assertThat(p).startsWith("managementEndpoint: must be an https URL"))
                            .anySatisfy(p -> assertThat(p).startsWith("pollInterval: must be positive"))
                            .anySatisfy(p -> assertThat(p).startsWith("retry: maxRetries"))
                            .anySatisfy(p -> assertThat(p).startsWith("retry: maxDelay"))
                            .hasSize(7));
        }

        @Test
        @DisplayName("a bearer token from the environment is required at build() and sent, never shown")
        void environmentToken() {
            assertThatThrownBy(() -> arm.platform().credential(null).environment(name -> null)
                    .bearerTokenFromEnvironment("AZURE_ACCESS_TOKEN").build())
                    .hasMessageContaining("environment variable AZURE_ACCESS_TOKEN is not set");

            String ciToken = "ci-token-7f3e-secret";
            ContainerAppsPlatform fromEnv = arm.platform().credential(null)
                    .environment(name -> name.equals("AZURE_ACCESS_TOKEN") ? ciToken : null)
                    .bearerTokenFromEnvironment("AZURE_ACCESS_TOKEN").build();
            arm.stub(arm.onGet("/revisions/gone"), armError(404, "ContainerAppRevisionNotFound", "not found"));
            arm.stub(arm.onGet("/revisions/backend--r1"), armError(403, "AuthorizationFailed", "no access"));

            assertThat(fromEnv.revision("gone")).isEmpty().isEqualTo(Optional.empty());
            assertThatThrownBy(() -> fromEnv.revision("backend--r1")).isInstanceOfSatisfying(
                    AzureProviderException.class, e -> assertThat(e.getMessage()).contains("lacks permission")
                            .doesNotContain(ciToken));
            assertThat(arm.requests()).allSatisfy(r -> assertThat(r.getHeader("Authorization"))
                    .isEqualTo("Bearer " + ciToken));
            assertThat(fromEnv.toString()).contains("$AZURE_ACCESS_TOKEN").doesNotContain(ciToken);
        }

        @Test
        @DisplayName("both a credential and an environment token is a configuration error")
        void bothCredentials() {
            assertThatThrownBy(() -> arm.platform().environment(name -> "x")
                    .bearerTokenFromEnvironment("AZURE_ACCESS_TOKEN").build())
                    .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("choose one");
        }
    }
}
