package io.releasepipeline.testkit.faults;

import java.util.Objects;

/**
 * An invariant that did not hold after a case, with what was seen. Immutable.
 *
 * @param invariant the broken promise
 * @param detail what was seen, for the person reading the report
 */
public record Violation(Invariant invariant, String detail) {

    /**
     * Validates.
     *
     * @param invariant the broken promise
     * @param detail what was seen, for the person reading the report
     */
    public Violation {
        Objects.requireNonNull(invariant, "invariant");
        Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String toString() {
        return invariant + ": " + detail;
    }
}
