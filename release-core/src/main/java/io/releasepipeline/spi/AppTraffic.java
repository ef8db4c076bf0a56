package io.releasepipeline.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * The app's traffic configuration as the platform reports it.
 *
 * @param mode how many revisions may be active at once
 * @param weights the current split
 * @param latestRevision the newest revision, when the platform reports it
 * @param latestReadyRevision the newest revision that is ready, when the platform reports it
 */
public record AppTraffic(RevisionMode mode, TrafficWeights weights, Optional<String> latestRevision,
        Optional<String> latestReadyRevision) {

    /**
     * Validates.
     *
     * @param mode how many revisions may be active at once
     * @param weights the current split
     * @param latestRevision the newest revision, when the platform reports it
     * @param latestReadyRevision the newest revision that is ready, when the platform reports it
     */
    public AppTraffic {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(weights, "weights");
        latestRevision = latestRevision == null ? Optional.empty() : latestRevision;
        latestReadyRevision = latestReadyRevision == null ? Optional.empty() : latestReadyRevision;
    }
}
