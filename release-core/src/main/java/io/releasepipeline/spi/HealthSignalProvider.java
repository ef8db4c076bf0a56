package io.releasepipeline.spi;

import java.time.Duration;
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

    /**
     * The 5xx fraction and request count of {@code revision} between {@code from} and {@code to}.
     *
     * @param revision the revision
     * @param from the window's start
     * @param to the window's end, after {@code from}
     * @return the 5xx fraction and request count of {@code revision} between {@code from} and {@code to}
     */
    ErrorRateReading errorRate(String revision, Instant from, Instant to);

    /**
     * How far behind the window asked for this provider reads: a reading of {@code [from, to]} judges
     * {@code [from - readsBehind(), to - readsBehind()]} and names that interval in its {@code from} and {@code to}
     * (e.g. a log source that waits for ingestion). The engine uses it to ask only for windows whose judged interval
     * is the one it means, e.g. after a rollback, an interval that starts no earlier than the moment traffic went
     * back. Must be constant for a provider's lifetime; thread-safe; never blocks, never throws.
     *
     * @return zero or positive; default {@link Duration#ZERO}: the window is read as asked
     */
    default Duration readsBehind() {
        return Duration.ZERO;
    }
}
