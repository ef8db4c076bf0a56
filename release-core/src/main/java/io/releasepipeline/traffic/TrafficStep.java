package io.releasepipeline.traffic;

import java.time.Duration;
import java.util.Objects;

/**
 * One step of a traffic plan: give the new revision {@code weight}% of traffic, smoke check it, then observe it for
 * {@code observe} before the next step. The last step (100%) is observed for the pipeline's observation window.
 *
 * @param weight the new revision's share, 1..100
 * @param observe how long to observe at this step
 */
public record TrafficStep(int weight, Duration observe) {

    /**
     * Validates.
     *
     * @param weight the new revision's share, 1..100
     * @param observe how long to observe at this step
     */
    public TrafficStep {
        Objects.requireNonNull(observe, "observe");
    }
}
