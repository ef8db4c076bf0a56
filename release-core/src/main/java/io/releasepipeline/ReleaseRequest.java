package io.releasepipeline;

import java.util.Objects;
import java.util.Optional;

/**
 * What to promote: a pull request, and what the engine should know about it.
 *
 * @param pullRequest the pull request number
 * @param releaseId the release's id; generated from the pull request and the clock when empty
 * @param databaseMigration whether the release carries a database migration (a rollback then says loudly that the
 *     migration must be rolled back separately)
 * @param environment the environment name for the CI system's deployment record
 * @param rollForwardOnly the release cannot be rolled back (e.g. an irreversible migration): a firing trigger then
 *     freezes traffic where it is and raises the alarm instead of rolling back
 */
public record ReleaseRequest(int pullRequest, Optional<String> releaseId, boolean databaseMigration,
        String environment, boolean rollForwardOnly) {

    /** The default environment name: {@code production}. */
    public static final String DEFAULT_ENVIRONMENT = "production";

    /** Validates. */
    public ReleaseRequest {
        if (pullRequest < 1) {
            throw new IllegalArgumentException("pull request number must be positive, got " + pullRequest);
        }
        releaseId = releaseId == null ? Optional.empty() : releaseId;
        releaseId.ifPresent(id -> {
            if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
                throw new IllegalArgumentException("release id must be 1-100 letters, digits, '.', '_' or '-', "
                        + "starting with a letter or digit; got \"" + id + "\"");
            }
        });
        Objects.requireNonNull(environment, "environment");
    }

    /** Promote a pull request with a generated release id. */
    public static ReleaseRequest ofPullRequest(int number) {
        return new ReleaseRequest(number, Optional.empty(), false, DEFAULT_ENVIRONMENT, false);
    }

    /** The same request with an explicit release id. */
    public ReleaseRequest withReleaseId(String id) {
        return new ReleaseRequest(pullRequest, Optional.of(id), databaseMigration, environment, rollForwardOnly);
    }

    /** The same request, marked as carrying a database migration. */
    public ReleaseRequest withDatabaseMigration() {
        return new ReleaseRequest(pullRequest, releaseId, true, environment, rollForwardOnly);
    }

    /**
     * The same request, for a release that cannot be rolled back: a firing trigger freezes traffic where it is and
     * raises the alarm (outcome {@link ReleaseOutcome#FROZEN}) instead of moving traffic back.
     */
    public ReleaseRequest withRollForwardOnly() {
        return new ReleaseRequest(pullRequest, releaseId, databaseMigration, environment, true);
    }

    /** The same request for another environment name. */
    public ReleaseRequest withEnvironment(String environment) {
        return new ReleaseRequest(pullRequest, releaseId, databaseMigration, environment, rollForwardOnly);
    }
}
