package io.releasepipeline.spi;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The app's traffic configuration as the platform reports it.
 *
 * @param mode how many revisions may be active at once
 * @param weights the current split
 * @param latestRevision the newest revision, when the platform reports it
 * @param latestReadyRevision the newest revision that is ready, when the platform reports it
 * @param labels the app's traffic labels (Azure's label URLs, {@code label---app.example.io}), when the platform has
 *     them; a provider that writes the split keeps them, so that a traffic change never drops a label
 */
public record AppTraffic(RevisionMode mode, TrafficWeights weights, Optional<String> latestRevision,
        Optional<String> latestReadyRevision, List<TrafficLabel> labels) {

    /**
     * Validates; copies the labels.
     *
     * @param mode how many revisions may be active at once
     * @param weights the current split
     * @param latestRevision the newest revision, when the platform reports it
     * @param latestReadyRevision the newest revision that is ready, when the platform reports it
     * @param labels the app's traffic labels; empty when the platform has none
     */
    public AppTraffic {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(weights, "weights");
        latestRevision = latestRevision == null ? Optional.empty() : latestRevision;
        latestReadyRevision = latestReadyRevision == null ? Optional.empty() : latestReadyRevision;
        labels = labels == null ? List.of() : List.copyOf(labels);
    }

    /**
     * Traffic without labels.
     *
     * @param mode how many revisions may be active at once
     * @param weights the current split
     * @param latestRevision the newest revision, when the platform reports it
     * @param latestReadyRevision the newest revision that is ready, when the platform reports it
     */
    public AppTraffic(RevisionMode mode, TrafficWeights weights, Optional<String> latestRevision,
            Optional<String> latestReadyRevision) {
        this(mode, weights, latestRevision, latestReadyRevision, List.of());
    }
}
