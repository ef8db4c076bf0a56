package io.releasepipeline.spi;

import java.time.Instant;
import java.util.List;

/**
 * Monitoring alerts about the app, polled during observation: an alert that fires while a release is observed
 * rolls it back (the {@code alert} trigger). Implementations poll an alert API (Azure Monitor's alerts) or hold
 * alerts pushed to them by a webhook ({@link io.releasepipeline.trigger.AlertInbox}).
 *
 * <p>Contract: thread-safe; may block on I/O; read-only and idempotent; failures are
 * {@link io.releasepipeline.error.ProviderException}s (a failed read is not "no alert": the engine records it).
 */
public interface AlertSource extends Provider {

    /**
     * Alerts that are firing now and fired at or after {@code since}.
     *
     * @param since the earliest firing time to report
     * @return the firing alerts
     */
    List<Alert> firing(Instant since);
}
