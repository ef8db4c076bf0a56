package io.releasepipeline.testkit.faults;

import java.util.Objects;

/**
 * One provider call of a release: which provider ({@code platform}, {@code ci}, {@code evidence}, {@code signals},
 * {@code probe}, {@code smoke}, {@code alerts}, {@code approvals}, {@code incidents}, or {@code listener} for event
 * delivery), which method (for {@code listener}, the event's type), and its occurrence (1 for the first such call of
 * the process). Immutable.
 *
 * @param provider the provider's short name
 * @param method the SPI method's name
 * @param occurrence 1-based count of calls of {@code provider.method} by one process
 */
public record CallSite(String provider, String method, int occurrence) {

    /**
     * Validates.
     *
     * @param provider the provider's short name
     * @param method the SPI method's name
     * @param occurrence 1-based count of calls of {@code provider.method} by one process
     */
    public CallSite {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(method, "method");
        if (occurrence < 1) {
            throw new IllegalArgumentException("occurrence is 1-based, got " + occurrence);
        }
    }

    /**
     * {@code provider.method}, the key occurrences are counted by.
     *
     * @return {@code provider.method}
     */
    public String key() {
        return provider + "." + method;
    }

    @Override
    public String toString() {
        return key() + "#" + occurrence;
    }
}
