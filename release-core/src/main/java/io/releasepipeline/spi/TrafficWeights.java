package io.releasepipeline.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A traffic split: revision name to percentage, each 0..100, summing to exactly 100. Immutable; iteration order
 * is by revision name so that two equal splits print the same.
 *
 * @param weights revision names to weights, in percent, adding up to 100
 */
public record TrafficWeights(Map<String, Integer> weights) {

    /**
     * Validates: at least one revision, weights 0..100, sum 100, no blank names.
     *
     * @param weights revision names to weights, in percent, adding up to 100
     */
    public TrafficWeights {
        Objects.requireNonNull(weights, "weights");
        if (weights.isEmpty()) {
            throw new IllegalArgumentException("a traffic split needs at least one revision");
        }
        int sum = 0;
        for (Map.Entry<String, Integer> e : weights.entrySet()) {
            if (e.getKey() == null || e.getKey().isBlank()) {
                throw new IllegalArgumentException("a traffic split has a blank revision name: " + weights);
            }
            int w = Objects.requireNonNull(e.getValue(), "weight of " + e.getKey());
            if (w < 0 || w > 100) {
                throw new IllegalArgumentException("weight of " + e.getKey() + " must be 0..100, got " + w);
            }
            sum += w;
        }
        if (sum != 100) {
            throw new IllegalArgumentException("traffic weights must sum to 100, got " + sum + " in " + weights);
        }
        weights = Collections.unmodifiableMap(new TreeMap<>(weights));
    }

    /**
     * All traffic to one revision.
     *
     * @param revision the revision's name
     * @return all traffic to one revision
     */
    public static TrafficWeights all(String revision) {
        return new TrafficWeights(Map.of(revision, 100));
    }

    /**
     * A canary split: {@code canaryWeight} to the canary, the rest to the stable revision.
     *
     * @param stable the stable revision's name
     * @param canary the canary revision's name
     * @param canaryWeight the canary's weight, in percent
     * @return a canary split: {@code canaryWeight} to the canary, the rest to the stable revision
     */
    public static TrafficWeights split(String stable, String canary, int canaryWeight) {
        if (canaryWeight == 100) {
            return all(canary);
        }
        if (canaryWeight == 0) {
            return all(stable);
        }
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put(stable, 100 - canaryWeight);
        m.put(canary, canaryWeight);
        return new TrafficWeights(m);
    }

    /**
     * The weight of a revision, 0 if it is not in the split.
     *
     * @param revision the revision's name
     * @return the weight of a revision, 0 if it is not in the split
     */
    public int weightOf(String revision) {
        return weights.getOrDefault(revision, 0);
    }

    /**
     * The revision with all the traffic, if exactly one revision has it all.
     *
     * @return the revision with all the traffic, if exactly one revision has it all
     */
    public Optional<String> soleRevision() {
        return weights.entrySet().stream().filter(e -> e.getValue() == 100).map(Map.Entry::getKey).findFirst();
    }

    /**
     * True when more than one revision has a positive weight.
     *
     * @return true when more than one revision has a positive weight
     */
    public boolean isSplit() {
        return weights.values().stream().filter(w -> w > 0).count() > 1;
    }

    /**
     * The split without revisions at 0%, so that two splits that route the same compare equal.
     *
     * @return the split without revisions at 0%, so that two splits that route the same compare equal
     */
    public TrafficWeights withoutZeros() {
        Map<String, Integer> m = new TreeMap<>(weights);
        m.values().removeIf(w -> w == 0);
        return new TrafficWeights(m);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        weights.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append('=').append(v).append('%'));
        return sb.toString();
    }
}
