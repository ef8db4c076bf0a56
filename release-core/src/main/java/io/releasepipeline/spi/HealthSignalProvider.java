package io.releasepipeline.spi;

import java.time.Instant;

/**
 * Error-rate telemetry per revision (Azure Monitor's {@code Requests} metric split by status code category, a
 * local router's counters, a fake).
 *
 * <p>Contract: thread-safe; blocks on I/O; read-only and idempotent; failures are
 * {@link io.releasepipeline.error.ProviderException}s. A window without requests is answered with
 * {@link ErrorRateReading.NoData}, never with a zero rate.
 */
public interface HealthSignalProvider extends Provider {

    /** The 5xx fraction and request count of {@code revision} between {@code from} and {@code to}. */
    ErrorRateReading errorRate(String revision, Instant from, Instant to);
}
