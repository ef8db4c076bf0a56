package io.releasepipeline.azure;

import io.releasepipeline.testkit.contract.HealthSignalProviderContract;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The health signal contract, kept by the Log Analytics error rate with its default query and ingestion delay against
 * the Logs query API stand-in over HTTPS: {@code backend--r2} served requests (some 5xx) in the interval read,
 * {@code backend--r1} none (the summarize answers one row of zeros). Readings name the interval judged, three
 * minutes behind the window asked for.
 */
class LogAnalyticsErrorRateContractTest extends HealthSignalProviderContract {

    @RegisterExtension
    static final LogsStandIn logs = new LogsStandIn();

    @Override
    protected HealthFixture fixture() {
        logs.reset().requestCounts((revision, from, to) -> revision.equals("backend--r2")
                ? new long[] {Duration.between(from, to).toSeconds() * 4, Duration.between(from, to).toSeconds()}
                : new long[2]);
        return new HealthFixture(logs.provider().build(), "backend--r2", "backend--r1",
                Instant.parse("2026-01-05T09:00:00Z"), Instant.parse("2026-01-05T09:05:00Z"));
    }

    @Override
    protected Duration readsBehind() {
        return LogAnalyticsErrorRate.DEFAULT_INGESTION_DELAY;
    }
}
