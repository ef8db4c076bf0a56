package io.releasepipeline.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static io.releasepipeline.azure.ArmStub.metricsJson;
import static io.releasepipeline.azure.ArmStub.metricsSeries;

import io.releasepipeline.testkit.contract.HealthSignalProviderContract;
import java.time.Instant;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The health signal contract, kept by the Azure Monitor error rate against WireMock over HTTPS answering the metrics
 * REST shape: {@code backend--r2} had 2xx and 5xx requests in the window, {@code backend--r1} none (Azure Monitor
 * then returns the metric with no time series).
 */
class AzureMonitorErrorRateContractTest extends HealthSignalProviderContract {

    @RegisterExtension
    static final ArmStub arm = new ArmStub();

    @Override
    protected HealthFixture fixture() {
        arm.reset();
        arm.stub(arm.onMetrics().withQueryParam("$filter", containing("revisionName eq 'backend--r2'")),
                okJson(metricsJson(metricsSeries("2xx", 300, 400), metricsSeries("5xx", 10, 2))));
        arm.stub(arm.onMetrics().withQueryParam("$filter", containing("revisionName eq 'backend--r1'")),
                okJson(metricsJson()));
        return new HealthFixture(arm.monitor().build(), "backend--r2", "backend--r1",
                Instant.parse("2026-01-05T09:00:00Z"), Instant.parse("2026-01-05T09:05:00Z"));
    }
}
