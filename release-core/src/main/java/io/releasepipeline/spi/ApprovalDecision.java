package io.releasepipeline.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A person's decision on an {@link ApprovalRequest}.
 *
 * @param approved true to go on, false to stop (and roll back)
 * @param by who decided (a login, an email)
 * @param at when
 * @param comment what they said, empty if nothing
 */
public record ApprovalDecision(boolean approved, String by, Instant at, String comment) {

    /**
     * Validates.
     *
     * @param approved true to go on, false to stop (and roll back)
     * @param by who decided (a login, an email)
     * @param at when
     * @param comment what they said, empty if nothing
     */
    public ApprovalDecision {
        Objects.requireNonNull(by, "by");
        Objects.requireNonNull(at, "at");
        comment = comment == null ? "" : comment;
    }
}
