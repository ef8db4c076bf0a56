package io.releasepipeline.evidence;

import io.releasepipeline.trigger.Triggers;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One point on a release's health timeline, for the evidence chart: a health probe state change, a smoke check, an
 * error-rate reading, an alert state change, a recovery reading. A signal that a trigger judges is named as the
 * trigger is ({@link Triggers#HEALTH_ENDPOINT}, {@link Triggers#SMOKE_CHECK}, {@link Triggers#ERROR_RATE},
 * {@link Triggers#ALERT}); the recovery watch's readings are {@code recovery}. Records written before the timeline
 * used the trigger names said {@code health} and {@code smoke}: they read as {@code health-endpoint} and
 * {@code smoke-check}.
 *
 * @param at when
 * @param signal the signal, e.g. {@link Triggers#HEALTH_ENDPOINT}
 * @param ok whether the signal was good
 * @param value the measured value when there is one (the 5xx fraction)
 * @param detail what was seen
 */
public record TimelinePoint(Instant at, String signal, boolean ok, Optional<Double> value, String detail) {

    /**
     * Validates.
     *
     * @param at when
     * @param signal {@code health}, {@code smoke} or {@code error-rate}
     * @param ok whether the signal was good
     * @param value the measured value when there is one (the 5xx fraction)
     * @param detail what was seen
     */
    public TimelinePoint {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(signal, "signal");
        signal = currentName(signal);
        value = value == null ? Optional.empty() : value;
        detail = detail == null ? "" : detail;
    }

    /** Today's name of a signal that records written before it used the trigger names called otherwise. */
    private static String currentName(String signal) {
        return switch (signal) {
            case "health" -> Triggers.HEALTH_ENDPOINT;
            case "smoke" -> Triggers.SMOKE_CHECK;
            default -> signal;
        };
    }
}
