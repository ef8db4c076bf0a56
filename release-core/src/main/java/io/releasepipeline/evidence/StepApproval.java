package io.releasepipeline.evidence;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A manual approval of a traffic step, as the evidence records it: who decided and when, or that nobody did and
 * the default action was taken.
 *
 * @param weight the step that waited
 * @param requestedAt when the question was asked
 * @param approved whether the release went on
 * @param by who decided; empty when the wait timed out
 * @param decidedAt when they decided, or when the wait timed out
 * @param comment what they said, or what the timeout did
 */
public record StepApproval(int weight, Instant requestedAt, boolean approved, Optional<String> by, Instant decidedAt,
        String comment) {

    /**
     * Validates.
     *
     * @param weight the step that waited
     * @param requestedAt when the question was asked
     * @param approved whether the release went on
     * @param by who decided; empty when the wait timed out
     * @param decidedAt when they decided, or when the wait timed out
     * @param comment what they said, or what the timeout did
     */
    public StepApproval {
        Objects.requireNonNull(requestedAt, "requestedAt");
        Objects.requireNonNull(decidedAt, "decidedAt");
        by = by == null ? Optional.empty() : by;
        comment = comment == null ? "" : comment;
    }

    /**
     * True when nobody decided within the timeout.
     *
     * @return true when nobody decided within the timeout
     */
    public boolean timedOut() {
        return by.isEmpty();
    }
}
