package io.releasepipeline.evidence;

import io.releasepipeline.spi.TrafficWeights;
import java.time.Instant;
import java.util.Objects;

/**
 * One traffic change made by a release.
 *
 * @param at when the platform accepted it
 * @param from the split before
 * @param to the split after
 * @param reason why (a plan step, a rollback)
 */
public record TrafficChange(Instant at, TrafficWeights from, TrafficWeights to, String reason) {

    /**
     * Validates.
     *
     * @param at when the platform accepted it
     * @param from the split before
     * @param to the split after
     * @param reason why (a plan step, a rollback)
     */
    public TrafficChange {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(reason, "reason");
    }
}
