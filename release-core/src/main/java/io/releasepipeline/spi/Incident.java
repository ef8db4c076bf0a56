package io.releasepipeline.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An open incident.
 *
 * @param id its id in the incident source
 * @param title a one-line summary
 * @param severity e.g. {@code SEV-1}
 * @param url where a person can read it
 * @param openedAt when it was opened, if known
 */
public record Incident(String id, String title, String severity, String url, Optional<Instant> openedAt) {

    /**
     * Validates.
     *
     * @param id its id in the incident source
     * @param title a one-line summary
     * @param severity e.g. {@code SEV-1}
     * @param url where a person can read it
     * @param openedAt when it was opened, if known
     */
    public Incident {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(severity, "severity");
        title = title == null ? "" : title;
        url = url == null ? "" : url;
        openedAt = openedAt == null ? Optional.empty() : openedAt;
    }
}
