package io.releasepipeline.health;

import java.util.Objects;
import java.util.Optional;

/**
 * What a smoke check or health probe is aimed at: the revision that should now serve, and its own URL when the
 * platform gives one (for checks aimed at that revision alone, e.g. a canary at 10%).
 *
 * @param revision the revision's name
 * @param revisionUrl the revision's own base URL, when known
 */
public record SmokeTarget(String revision, Optional<String> revisionUrl) {

    /**
     * Validates.
     *
     * @param revision the revision's name
     * @param revisionUrl the revision's own base URL, when known
     */
    public SmokeTarget {
        Objects.requireNonNull(revision, "revision");
        revisionUrl = revisionUrl == null ? Optional.empty() : revisionUrl;
    }

    /**
     * A target by revision name alone.
     *
     * @param revision the revision's name
     * @return a target by revision name alone
     */
    public static SmokeTarget of(String revision) {
        return new SmokeTarget(revision, Optional.empty());
    }
}
