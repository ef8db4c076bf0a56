package io.releasepipeline;

import java.util.Objects;
import java.util.Optional;

/**
 * A standalone rollback: the runbook's {@code rollback.sh}.
 *
 * @param toRevision the revision to go back to; the previous good one when empty
 * @param reason why, for the evidence and the incident note
 * @param pullRequest the pull request to post the incident note on, when known
 * @param databaseMigration whether the release being rolled back carried a database migration
 */
public record RollbackRequest(Optional<String> toRevision, String reason, Optional<Integer> pullRequest,
        boolean databaseMigration) {

    /**
     * Validates.
     *
     * @param toRevision the revision to go back to; the previous good one when empty
     * @param reason why, for the evidence and the incident note
     * @param pullRequest the pull request to post the incident note on, when known
     * @param databaseMigration whether the release being rolled back carried a database migration
     */
    public RollbackRequest {
        toRevision = toRevision == null ? Optional.empty() : toRevision;
        pullRequest = pullRequest == null ? Optional.empty() : pullRequest;
        Objects.requireNonNull(reason, "reason");
        if (reason.isBlank()) {
            throw new IllegalArgumentException("a rollback needs a reason, for the evidence and the incident note");
        }
    }

    /**
     * Roll back to the previous good revision.
     *
     * @param reason why, for the evidence and the incident note
     * @return the request
     */
    public static RollbackRequest toPrevious(String reason) {
        return new RollbackRequest(Optional.empty(), reason, Optional.empty(), false);
    }

    /**
     * Roll back to a named revision.
     *
     * @param revision the revision to roll back to
     * @param reason why, for the evidence and the incident note
     * @return the request
     */
    public static RollbackRequest toRevision(String revision, String reason) {
        return new RollbackRequest(Optional.of(revision), reason, Optional.empty(), false);
    }

    /**
     * The same request, posting the incident note on this pull request.
     *
     * @param number the pull request's number
     * @return the same request, posting the incident note on this pull request
     */
    public RollbackRequest forPullRequest(int number) {
        return new RollbackRequest(toRevision, reason, Optional.of(number), databaseMigration);
    }

    /**
     * The same request, for a release that carried a database migration.
     *
     * @return the same request, for a release that carried a database migration
     */
    public RollbackRequest withDatabaseMigration() {
        return new RollbackRequest(toRevision, reason, pullRequest, true);
    }
}
