package io.releasepipeline.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.releasepipeline.azure.ArmStub.APP_PATH;
import static io.releasepipeline.azure.ArmStub.alertJson;
import static io.releasepipeline.azure.ArmStub.armError;
import static io.releasepipeline.azure.ArmStub.page;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.spi.Alert;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The polled Azure Monitor alert source against WireMock over HTTPS answering with the Alerts Management shape. */
class AzureMonitorAlertsTest {

    private static final Instant SINCE = Instant.parse("2026-01-05T09:00:00Z");

    @RegisterExtension
    static final ArmStub arm = new ArmStub();
    private AzureMonitorAlerts alerts;

    @BeforeEach
    void reset() {
        arm.reset();
        alerts = arm.alerts().build();
    }

    @Test
    @DisplayName("alerts fired on the app since the step started, mapped from essentials; older ones left out")
    void alertsPresent() {
        arm.stub(arm.onAlerts(), okJson(page(List.of(
                alertJson("a1", "backend-5xx-above-5pct", "Sev1", SINCE.plusSeconds(90), "5xx above 5% for 1 min"),
                alertJson("a0", "backend-cpu", "Sev3", SINCE.minusSeconds(60), "before the step")), null)));

        List<Alert> firing = alerts.firing(SINCE);

        assertThat(firing).singleElement().satisfies(a -> {
            assertThat(a.id()).isEqualTo("/subscriptions/" + ArmStub.SUBSCRIPTION
                    + "/providers/Microsoft.AlertsManagement/alerts/a1");
            assertThat(a.name()).isEqualTo("backend-5xx-above-5pct");
            assertThat(a.severity()).isEqualTo("Sev1");
            assertThat(a.firedAt()).isEqualTo(SINCE.plusSeconds(90));
            assertThat(a.description()).isEqualTo("5xx above 5% for 1 min");
            // A portal link is only derivable for the public cloud, not for this test endpoint.
            assertThat(a.url()).isEmpty();
        });
        LoggedRequest request = arm.requests().get(0);
        assertThat(request.queryParameter("targetResource").firstValue()).isEqualTo(APP_PATH);
        assertThat(request.queryParameter("monitorCondition").firstValue()).isEqualTo("Fired");
        assertThat(request.queryParameter("alertState").firstValue()).isEqualTo("New");
        assertThat(request.queryParameter("timeRange").firstValue()).isEqualTo("1h");
        assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + ArmStub.TOKEN);
    }

    @Test
    @DisplayName("no alert is an empty list, in one request")
    void none() {
        arm.stub(arm.onAlerts(), okJson("{\"value\":[]}"));

        assertThat(alerts.firing(SINCE)).isEmpty();
        assertThat(arm.requests()).hasSize(1);
    }

    @Test
    @DisplayName("a paged answer is followed on the endpoint's host; a nextLink elsewhere is refused, token kept")
    void paging() {
        String second = arm.base() + "/subscriptions/" + ArmStub.SUBSCRIPTION
                + "/providers/Microsoft.AlertsManagement/alerts?api-version=" + AzureMonitorAlerts.API_VERSION
                + "&ctoken=page2";
        arm.stub(arm.onAlerts().withQueryParam("ctoken", com.github.tomakehurst.wiremock.client.WireMock.absent()),
                okJson(page(List.of(alertJson("a1", "r1", "Sev2", SINCE, "")), second)));
        arm.stub(arm.onAlerts().withQueryParam("ctoken",
                com.github.tomakehurst.wiremock.client.WireMock.equalTo("page2")),
                okJson(page(List.of(alertJson("a2", "r2", "Sev2", SINCE.plusSeconds(1), "")), null)));

        assertThat(alerts.firing(SINCE)).extracting(Alert::name).containsExactly("r1", "r2");

        arm.stub(arm.onAlerts().withQueryParam("ctoken", com.github.tomakehurst.wiremock.client.WireMock.absent()),
                okJson(page(List.of(), "https://elsewhere.example.com/alerts?ctoken=x")));
        assertThatThrownBy(() -> alerts.firing(SINCE)).isInstanceOfSatisfying(AzureProviderException.class,
                e -> assertThat(e.getMessage()).contains("another host", "elsewhere.example.com"));
    }

    @Test
    @DisplayName("a 429 is retried by the SDK, honouring Retry-After, and the next answer is used")
    void throttledThenOk() {
        arm.stub(arm.onAlerts().inScenario("throttle").whenScenarioStateIs(STARTED).willSetStateTo("ok"),
                armError(429, "TooManyRequests", "slow down").withHeader("Retry-After", "0"));
        arm.stub(arm.onAlerts().inScenario("throttle").whenScenarioStateIs("ok"),
                okJson(page(List.of(alertJson("a1", "backend-5xx", "Sev1", SINCE.plusSeconds(5), "")), null)));

        assertThat(alerts.firing(SINCE)).extracting(Alert::name).containsExactly("backend-5xx");
        assertThat(arm.requests()).hasSize(2);
    }

    @Test
    @DisplayName("a 403 is not retried: a permanent error with Azure's code and no credential in the message")
    void forbidden() {
        arm.stub(arm.onAlerts(), armError(403, "AuthorizationFailed", "no Microsoft.AlertsManagement/alerts/read"));

        assertThatThrownBy(() -> alerts.firing(SINCE)).isInstanceOfSatisfying(AzureProviderException.class, e -> {
            assertThat(e.isTransient()).isFalse();
            assertThat(e.statusCode()).isEqualTo(403);
            assertThat(e.errorCode()).contains("AuthorizationFailed");
            assertThat(e.getMessage()).contains("firing", ArmStub.APP, "lacks permission")
                    .doesNotContain(ArmStub.TOKEN);
        });
        assertThat(arm.requests()).hasSize(1);
    }

    @Test
    @DisplayName("a 503 that outlasts the retries is a transient error")
    void unavailable() {
        arm.stub(arm.onAlerts(), armError(503, "ServiceUnavailable", "try later"));

        assertThatThrownBy(() -> alerts.firing(SINCE)).isInstanceOfSatisfying(AzureProviderException.class,
                e -> assertThat(e.isTransient()).isTrue());
        assertThat(arm.requests()).hasSize(3);
    }

    @Test
    @DisplayName("a body that is not the alerts JSON is a permanent error, never an empty list")
    void malformed() {
        arm.stub(arm.onAlerts(), aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"value\":[{\"properties\":"));
        assertThatThrownBy(() -> alerts.firing(SINCE)).isInstanceOfSatisfying(AzureProviderException.class, e -> {
            assertThat(e.isTransient()).isFalse();
            assertThat(e.getMessage()).contains("not the JSON expected");
        });

        arm.stub(arm.onAlerts(), okJson("{\"alerts\":[]}"));
        assertThatThrownBy(() -> alerts.firing(SINCE)).isInstanceOfSatisfying(AzureProviderException.class,
                e -> assertThat(e.getMessage()).contains("without the alerts list"));

        arm.stub(arm.onAlerts(), okJson("{\"value\":[{\"id\":\"/x\",\"properties\":{\"essentials\":{}}}]}"));
        assertThatThrownBy(() -> alerts.firing(SINCE)).isInstanceOfSatisfying(AzureProviderException.class,
                e -> assertThat(e.getMessage()).contains("without an id or a startDateTime"));
    }

    @Test
    @DisplayName("validates its configuration at build(), every problem at once; the SDK retries its own calls")
    void validation() {
        assertThatThrownBy(() -> AzureMonitorAlerts.builder().timeRange(Duration.ofHours(2)).build())
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).startsWith("timeRange: must be 1 hour"))
                        .anySatisfy(p -> assertThat(p).startsWith("appName: required"))
                        .anySatisfy(p -> assertThat(p).startsWith("subscriptionId: required")));
        assertThat(arm.alerts().timeRange(Duration.ofDays(1)).build().toString()).contains("timeRange=1d")
                .doesNotContain(ArmStub.TOKEN);
        assertThat(alerts.retriesOwnCalls()).isTrue();
        assertThat(alerts.providerName()).isEqualTo(AzureMonitorAlerts.PROVIDER_NAME);
    }
}
