package io.releasepipeline.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * A traffic label: a URL of its own ({@code label---app.example.io} on Azure Container Apps) that routes to one
 * revision whatever the split, or to whichever revision is the latest when none is named. A revision may carry
 * several labels. Immutable.
 *
 * @param label the label's name
 * @param revision the revision it routes to; empty for the latest revision
 */
public record TrafficLabel(String label, Optional<String> revision) {

    /**
     * Validates.
     *
     * @param label the label's name, not blank
     * @param revision the revision it routes to; empty for the latest revision
     */
    public TrafficLabel {
        Objects.requireNonNull(label, "label");
        if (label.isBlank()) {
            throw new IllegalArgumentException("a traffic label needs a name");
        }
        revision = revision == null ? Optional.empty() : revision;
    }

    /**
     * A label on {@code revision}.
     *
     * @param label the label's name
     * @param revision the revision it routes to
     * @return a label on {@code revision}
     */
    public static TrafficLabel on(String label, String revision) {
        return new TrafficLabel(label, Optional.of(Objects.requireNonNull(revision, "revision")));
    }

    /**
     * A label that follows the latest revision.
     *
     * @param label the label's name
     * @return a label that follows the latest revision
     */
    public static TrafficLabel onLatest(String label) {
        return new TrafficLabel(label, Optional.empty());
    }
}
