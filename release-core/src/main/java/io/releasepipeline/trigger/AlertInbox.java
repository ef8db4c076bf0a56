package io.releasepipeline.trigger;

import io.releasepipeline.spi.Alert;
import io.releasepipeline.spi.AlertSource;
import io.releasepipeline.time.ReleaseClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Alerts pushed to the pipeline (by a monitoring webhook) rather than polled: {@link #fired} records an alert and
 * wakes the observing release at once, {@link #resolved} clears it. Hand it to
 * {@code Triggers.builder().onAlerts(inbox)}. Thread-safe.
 */
public final class AlertInbox implements AlertSource {

    private final ReleaseClock clock;
    private final Map<String, Alert> firing = new LinkedHashMap<>();

    /** An empty inbox that wakes {@code clock} when an alert arrives. */
    public AlertInbox(ReleaseClock clock) {
        this.clock = clock;
    }

    @Override
    public String providerName() {
        return "alert-inbox";
    }

    /** Records a firing alert (the same id again replaces it) and wakes the release. */
    public void fired(Alert alert) {
        synchronized (firing) {
            firing.put(alert.id(), alert);
        }
        clock.wakeUp();
    }

    /** Clears a resolved alert. */
    public void resolved(String alertId) {
        synchronized (firing) {
            firing.remove(alertId);
        }
    }

    @Override
    public List<Alert> firing(Instant since) {
        List<Alert> result = new ArrayList<>();
        synchronized (firing) {
            for (Alert a : firing.values()) {
                if (!a.firedAt().isBefore(since)) {
                    result.add(a);
                }
            }
        }
        return result;
    }
}
