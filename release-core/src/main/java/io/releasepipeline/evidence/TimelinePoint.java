package io.releasepipeline.evidence;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One point on a release's health timeline, for the evidence chart: a health probe state change, a smoke check, an
 * error-rate reading.
 *
 * @param at when
 * @param signal {@code health}, {@code smoke} or {@code error-rate}
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
        value = value == null ? Optional.empty() : value;
        detail = detail == null ? "" : detail;
    }
}
