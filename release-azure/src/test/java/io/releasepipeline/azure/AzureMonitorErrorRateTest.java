package io.releasepipeline.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static io.releasepipeline.azure.ArmStub.armError;
import static io.releasepipeline.azure.ArmStub.metricsJson;
import static io.releasepipeline.azure.ArmStub.metricsSeries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.spi.ErrorRateReading;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Azure Monitor error-rate signal against WireMock over HTTPS answering with the metrics REST shape. */
class AzureMonitorErrorRateTest {

    private static final Instant FROM = Instant.parse("2026-01-05T09:00:00Z");
    private static final Instant TO = Instant.parse("2026-01-05T09:05:00Z");

    @RegisterExtension
    static final ArmStub arm = new ArmStub();
    private AzureMonitorErrorRate monitor;

    @BeforeEach
    void reset() {
        arm.reset();
        monitor = arm.monitor().build();
    }

    @Test
    @DisplayName("5xx over all requests of the revision, summed over the window's minutes")
    void measured() {
        arm.stub(arm.onMetrics(), okJson(metricsJson(metricsSeries("2xx", 300, 400, 250),
                metricsSeries("4xx", 10, 10), metricsSeries("5xx", 10, 20))));

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
        arm.stub(arm.onMetrics(), okJson(metricsJson()));
        assertThat(monitor.errorRate("backend--r2", FROM, TO)).isInstanceOf(ErrorRateReading.NoData.class);

        arm.stub(arm.onMetrics(), okJson(metricsJson(metricsSeries("2xx", 0, 0), metricsSeries("5xx", 0))));
        assertThat(monitor.errorRate("backend--r2", FROM, TO)).isInstanceOfSatisfying(ErrorRateReading.NoData.class,
                n -> assertThat(n.reason()).contains("no requests to backend--r2"));
    }

    @Test
    @DisplayName("only 5xx answers is a rate of 100%")
    void allErrors() {
        arm.stub(arm.onMetrics(), okJson(metricsJson(metricsSeries("5xx", 7))));

        assertThat(monitor.errorRate("backend--r2", FROM, TO)).isInstanceOfSatisfying(
                ErrorRateReading.Measured.class, m -> assertThat(m.rate()).isEqualTo(1.0));
    }

    @Test
    @DisplayName("a refusal (403) is a permanent error with Azure's code; 503 gives up as transient after retries")
    void errors() {
        arm.stub(arm.onMetrics(), armError(403, "AuthorizationFailed", "no read access to metrics"));
        assertThatThrownBy(() -> monitor.errorRate("backend--r2", FROM, TO))
                .isInstanceOfSatisfying(AzureProviderException.class, e -> {
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.getMessage()).contains("errorRate(backend--r2)", "Monitoring Reader",
                            "--scope " + ArmStub.APP_PATH).doesNotContain(ArmStub.TOKEN);
                });
        assertThat(arm.requests()).hasSize(1);

        arm.reset();
        arm.stub(arm.onMetrics(), armError(503, "ServiceUnavailable", "try later"));
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
