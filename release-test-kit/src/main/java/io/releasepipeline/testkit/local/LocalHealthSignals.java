package io.releasepipeline.testkit.local;

import io.releasepipeline.spi.ErrorRateReading;
import io.releasepipeline.spi.HealthSignalProvider;
import io.releasepipeline.time.ClockAware;
import io.releasepipeline.time.ReleaseClock;
import java.time.Instant;

/**
 * Error rate per revision from the local router's counters: the requests it really sent to each revision and the
 * 5xx answers it really got back. A window without requests is {@link ErrorRateReading.NoData}. Thread-safe.
 */
public final class LocalHealthSignals implements HealthSignalProvider, ClockAware {

    private final LocalPlatform platform;

    /**
     * Reads {@code platform}'s router.
     *
     * @param platform the local platform whose router counts requests
     */
    public LocalHealthSignals(LocalPlatform platform) {
        this.platform = platform;
    }

    /**
     * The platform's clock, which stamps the router's counters: the pipeline must ask for windows on it.
     *
     * @return {@link LocalPlatform#clock()}
     */
    @Override
    public ReleaseClock clock() {
        return platform.clock();
    }

    @Override
    public String providerName() {
        return "local-router-metrics";
    }

    @Override
    public ErrorRateReading errorRate(String revision, Instant from, Instant to) {
        long[] c = platform.router().counts(revision, from, to);
        if (c[0] == 0) {
            return new ErrorRateReading.NoData(revision, from, to, "the router sent no request to " + revision);
        }
        return new ErrorRateReading.Measured(revision, from, to, c[0], c[1]);
    }
}
