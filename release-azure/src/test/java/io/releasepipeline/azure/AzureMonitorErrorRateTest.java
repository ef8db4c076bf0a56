package io.releasepipeline.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.releasepipeline.azure.ArmStub.APP_PATH;
import static io.releasepipeline.azure.ArmStub.armError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.releasepipeline.InvalidConfigurationException;
import io.releasepipeline.spi.ErrorRateReading;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The Azure Monitor error-rate signal against WireMock over HTTPS answering with the metrics REST shape. */
class AzureMonitorErrorRateTest {

    private static final String METRICS_PATH = APP_PATH + "/providers/Microsoft.Insights/metrics";
    private static final Instant FROM = Instant.parse("2026-01-05T09:00:00Z");
    private static final Instant TO = Instant.parse("2026-01-05T09:05:00Z");

    private static ArmStub arm;
    private AzureMonitorErrorRate monitor;

    @BeforeAll
    static void startArm() {
        arm = new ArmStub();
    }

    @AfterAll
    static void stopArm() {
        arm.close();
    }

    @BeforeEach
    void reset() {
        arm.reset();
        monitor = AzureMonitorErrorRate.builder().subscriptionId(ArmStub.SUBSCRIPTION).resourceGroup(ArmStub.GROUP)
                .appName(ArmStub.APP).credential(ArmStub.credential()).managementEndpoint(URI.create(arm.base()))
                .httpClient(ArmStub.httpClient()).retry(2, Duration.ofMillis(1), Duration.ofMillis(5)).build();
    }

    private static MappingBuilder metrics() {
        return get(urlPathEqualTo(METRICS_PATH)).withQueryParam("metricnames", equalTo("Requests"));
    }

    /** The metrics REST response: one {@code Requests} metric, one time series per status code category. */
    private static String response(String... seriesByCategory) {
        return """
                {"cost":5,"timespan":"2026-01-05T09:00:00Z/2026-01-05T09:05:00Z","interval":"PT1M",
                 "value":[{"id":"%s/providers/Microsoft.Insights/metrics/Requests","type":"Microsoft.Insights/metrics",
                  "name":{"value":"Requests","localizedValue":"Requests"},"displayDescription":"Requests processed",
                  "unit":"Count","timeseries":[%s],"errorCode":"Success"}],
                 "namespace":"Microsoft.App/containerApps","resourceregion":"eastus"}
                """.formatted(APP_PATH, String.join(",", seriesByCategory));
    }

    /** One series: {@code category} with one-minute totals. */
    private static String series(String category, double... totals) {
        String data = Arrays.stream(totals).mapToObj(t -> "{\"timeStamp\":\"2026-01-05T09:00:00Z\",\"total\":" + t + "}")
                .collect(Collectors.joining(","));
        return "{\"metadatavalues\":[{\"name\":{\"value\":\"statusCodeCategory\",\"localizedValue\":\"statusCodeCategory\"},"
                + "\"value\":\"" + category + "\"}],\"data\":[" + data + "]}";
    }

    @Test
    @DisplayName("5xx over all requests of the revision, summed over the window's minutes")
    void measured() {
        arm.stub(metrics(), okJson(response(series("2xx", 300, 400, 250), series("4xx", 10, 10),
                series("5xx", 10, 20))));

        ErrorRateReading reading = monitor.errorRate("backend--r2", FROM, TO);

        assertThat(reading).isInstanceOfSatisfying(ErrorRateReading.Measured.class, m -> {
            assertThat(m.requests()).isEqualTo(1000);
            assertThat(m.serverErrors()).isEqualTo(30);
            assertThat(m.rate()).isEqualTo(0.03);
        });
        LoggedRequest request = arm.requests().get(0);
        assertThat(request.getUrl()).doesNotContain("//subscriptions");
        assertThat(request.queryParameter("$filter").firstValue())
                .isEqualTo("revisionName eq 'backend--r2' and statusCodeCategory eq '*'");
        assertThat(request.queryParameter("timespan").firstValue()).contains("2026-01-05T09:00", "2026-01-05T09:05");
        assertThat(request.queryParameter("interval").firstValue()).isEqualTo("PT1M");
        assertThat(request.queryParameter("aggregation").firstValue()).isEqualToIgnoringCase("total");
        assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + ArmStub.TOKEN);
    }

    @Test
    @DisplayName("a window without requests is NO_DATA, not a zero rate")
    void noTraffic() {
        arm.stub(metrics(), okJson(response()));
        assertThat(monitor.errorRate("backend--r2", FROM, TO)).isInstanceOf(ErrorRateReading.NoData.class);

        arm.stub(metrics(), okJson(response(series("2xx", 0, 0), series("5xx", 0))));
        assertThat(monitor.errorRate("backend--r2", FROM, TO)).isInstanceOfSatisfying(ErrorRateReading.NoData.class,
                n -> assertThat(n.reason()).contains("no requests to backend--r2"));
    }

    @Test
    @DisplayName("only 5xx answers is a rate of 100%")
    void allErrors() {
        arm.stub(metrics(), okJson(response(series("5xx", 7))));

        assertThat(monitor.errorRate("backend--r2", FROM, TO)).isInstanceOfSatisfying(
                ErrorRateReading.Measured.class, m -> assertThat(m.rate()).isEqualTo(1.0));
    }

    @Test
    @DisplayName("a refusal (403) is a permanent error with Azure's code; 503 gives up as transient after retries")
    void errors() {
        arm.stub(metrics(), armError(403, "AuthorizationFailed", "no read access to metrics"));
        assertThatThrownBy(() -> monitor.errorRate("backend--r2", FROM, TO))
                .isInstanceOfSatisfying(AzureProviderException.class, e -> {
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.getMessage()).contains("errorRate(backend--r2)").doesNotContain(ArmStub.TOKEN);
                });
        assertThat(arm.requests()).hasSize(1);

        arm.reset();
        arm.stub(metrics(), armError(503, "ServiceUnavailable", "try later"));
        assertThatThrownBy(() -> monitor.errorRate("backend--r2", FROM, TO))
                .isInstanceOfSatisfying(AzureProviderException.class, e -> assertThat(e.isTransient()).isTrue());
        assertThat(arm.requests()).hasSize(3);
    }

    @Test
    @DisplayName("rejects an empty window and validates its configuration at build()")
    void validation() {
        assertThatThrownBy(() -> monitor.errorRate("backend--r2", TO, FROM)).isInstanceOf(
                IllegalArgumentException.class);
        assertThatThrownBy(() -> AzureMonitorErrorRate.builder().granularity(Duration.ZERO).build())
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).startsWith("granularity"))
                        .anySatisfy(p -> assertThat(p).startsWith("appName: required")));
        assertThat(monitor.retriesOwnCalls()).isTrue();
    }
}
