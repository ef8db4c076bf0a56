package io.releasepipeline.traffic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How traffic moves to the new revision: a list of weighted steps, each followed by a smoke check and an
 * observation. The runbook's default is one step to 100%; a canary 10 -> 50 -> 100 is configuration, not a
 * redesign. Immutable.
 */
public final class TrafficPlan {

    /** How long each intermediate canary step is observed by default: one error-rate window. */
    public static final Duration DEFAULT_CANARY_STEP_PAUSE = Duration.ofMinutes(5);

    private final List<Integer> weights;
    private final Duration stepPause;
    private final Set<Integer> approvalBefore;

    private TrafficPlan(List<Integer> weights, Duration stepPause, Set<Integer> approvalBefore) {
        this.weights = List.copyOf(weights);
        this.stepPause = stepPause;
        this.approvalBefore = Set.copyOf(approvalBefore);
    }

    /**
     * The runbook's plan: all traffic to the new revision at once.
     *
     * @return the runbook's plan: all traffic to the new revision at once
     */
    public static TrafficPlan immediate() {
        return new TrafficPlan(List.of(100), DEFAULT_CANARY_STEP_PAUSE, Set.of());
    }

    /**
     * A canary: e.g. {@code canary(10, 50, 100)}. The last weight must be 100; each step observed 5 minutes.
     *
     * @param weights the new revision's weight at each step, in percent, ending at 100
     * @return a canary: e.g. {@code canary(10, 50, 100)}
     */
    public static TrafficPlan canary(int... weights) {
        List<Integer> list = new ArrayList<>();
        for (int w : weights) {
            list.add(w);
        }
        return new TrafficPlan(list, DEFAULT_CANARY_STEP_PAUSE, Set.of());
    }

    /**
     * The same weights, observing each intermediate step for {@code pause}.
     *
     * @param pause how long each intermediate step is observed
     * @return the same weights, observing each intermediate step for {@code pause}
     */
    public TrafficPlan withStepPause(Duration pause) {
        return new TrafficPlan(weights, Objects.requireNonNull(pause, "pause"), approvalBefore);
    }

    /**
     * The same plan, waiting for a person's approval before moving to each of {@code stepWeights} (e.g.
     * {@code withApprovalBefore(100)}: approve the full rollout after the canary steps). Needs an
     * {@link io.releasepipeline.spi.ApprovalProvider} on the pipeline.
     *
     * @param stepWeights the weights, in percent, that need an approval first
     * @return the same plan, waiting for a person's approval before moving to each of {@code stepWeights} (e.g. {@code
     *     withApprovalBefore(100)}: approve the full rollout after the canary steps)
     */
    public TrafficPlan withApprovalBefore(int... stepWeights) {
        Set<Integer> before = new java.util.TreeSet<>(approvalBefore);
        for (int w : stepWeights) {
            before.add(w);
        }
        return new TrafficPlan(weights, stepPause, before);
    }

    /**
     * The step weights that wait for an approval first.
     *
     * @return the step weights that wait for an approval first
     */
    public Set<Integer> approvalBefore() {
        return approvalBefore;
    }

    /**
     * The weights, in order.
     *
     * @return the weights, in order
     */
    public List<Integer> weights() {
        return weights;
    }

    /**
     * How long each intermediate step is observed.
     *
     * @return how long each intermediate step is observed
     */
    public Duration stepPause() {
        return stepPause;
    }

    /**
     * True when the plan splits traffic at some step (needs a platform in multiple revision mode).
     *
     * @return true when the plan splits traffic at some step (needs a platform in multiple revision mode)
     */
    public boolean splitsTraffic() {
        return weights.stream().anyMatch(w -> w < 100);
    }

    /**
     * The steps, the last observed for {@code observationWindow}.
     *
     * @param observationWindow how long the last step is observed
     * @return the steps, the last observed for {@code observationWindow}
     */
    public List<TrafficStep> steps(Duration observationWindow) {
        List<TrafficStep> steps = new ArrayList<>();
        for (int i = 0; i < weights.size(); i++) {
            boolean last = i == weights.size() - 1;
            steps.add(new TrafficStep(weights.get(i), last ? observationWindow : stepPause));
        }
        return List.copyOf(steps);
    }

    /**
     * Every problem with this plan, each as {@code path: problem}; empty when valid.
     *
     * @param path the key problems are reported under
     * @return every problem with this plan, each as {@code path: problem}; empty when valid
     */
    public List<String> problems(String path) {
        List<String> p = new ArrayList<>();
        if (weights.isEmpty()) {
            p.add(path + ": needs at least one step; use TrafficPlan.immediate() for the runbook's single step to 100");
            return p;
        }
        int previous = 0;
        for (int i = 0; i < weights.size(); i++) {
            int w = weights.get(i);
            if (w < 1 || w > 100) {
                p.add(path + ".steps[" + i + "]: weight must be 1..100, got " + w);
            } else if (w <= previous) {
                p.add(path + ".steps[" + i + "]: weights must increase, got " + w + " after " + previous);
            }
            previous = Math.max(previous, w);
        }
        if (weights.get(weights.size() - 1) != 100) {
            p.add(path + ": the last step must be 100, got " + weights.get(weights.size() - 1));
        }
        for (int w : new java.util.TreeSet<>(approvalBefore)) {
            if (!weights.contains(w)) {
                p.add(path + ".approvalBefore: " + w + " is not a step of the plan " + weights);
            }
        }
        if (stepPause.isNegative() || stepPause.isZero()) {
            p.add(path + ".stepPause: must be positive, got " + stepPause);
        }
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrafficPlan t && t.weights.equals(weights) && t.stepPause.equals(stepPause)
                && t.approvalBefore.equals(approvalBefore);
    }

    @Override
    public int hashCode() {
        return Objects.hash(weights, stepPause, approvalBefore);
    }

    @Override
    public String toString() {
        return "TrafficPlan" + weights + (splitsTraffic() ? " pause " + stepPause : "")
                + (approvalBefore.isEmpty() ? "" : " approval before " + approvalBefore);
    }
}
