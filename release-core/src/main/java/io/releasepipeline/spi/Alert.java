package io.releasepipeline.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A monitoring alert that fired for the app (an Azure Monitor metric or log alert, a pager).
 *
 * @param id the alert's id in its source
 * @param name the alert rule's name
 * @param severity the severity as the source says it ({@code Sev0}..{@code Sev4})
 * @param firedAt when it fired
 * @param description what it says
 * @param url where a person can read it
 */
public record Alert(String id, String name, String severity, Instant firedAt, String description,
        Optional<String> url) {

    /**
     * Validates.
     *
     * @param id the alert's id in its source
     * @param name the alert rule's name
     * @param severity the severity as the source says it ({@code Sev0}..{@code Sev4})
     * @param firedAt when it fired
     * @param description what it says
     * @param url where a person can read it
     */
    public Alert {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(firedAt, "firedAt");
        severity = severity == null ? "" : severity;
        description = description == null ? "" : description;
        url = url == null ? Optional.empty() : url;
    }
}
