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
 * @param firstRelease the app has no release on record because this is its first one: the "previous release
 *     stable" gate then passes on an empty history (and fails if there is a history after all). Without it, an empty
 *     history fails that gate, since it more often means a lost or misconfigured evidence store than a first release
 *
 * <p>The pull request may be open (the engine merges it after the gates: pre-merge) or already merged (the engine
 * picks up at its merge commit's deploy run: post-merge; the gates are still evaluated and recorded, but could not
 * stop the merge). A pull request closed without merging is refused by the gates.
 */
public record ReleaseRequest(int pullRequest, Optional<String> releaseId, boolean databaseMigration,
        String environment, boolean rollForwardOnly, boolean firstRelease) {

    /** The default environment name: {@code production}. */
    public static final String DEFAULT_ENVIRONMENT = "production";

    /**
     * Validates.
     *
     * @param pullRequest the pull request number
     * @param releaseId the release's id; generated from the pull request and the clock when empty
     * @param databaseMigration whether the release carries a database migration (a rollback then says loudly that the
     *     migration must be rolled back separately)
     * @param environment the environment name for the CI system's deployment record
     * @param rollForwardOnly the release cannot be rolled back (e.g. an irreversible migration): a firing trigger then
     *     freezes traffic where it is and raises the alarm instead of rolling back
     * @param firstRelease the app has no release on record because this is its first one: the "previous release
     *     stable" gate then passes on an empty history (and fails if there is a history after all). Without it, an
     *     empty history fails that gate, since it more often means a lost or misconfigured evidence store than a first
     *     release * <p>The pull request may be open (the engine merges it after the gates: pre-merge) or already
     *     merged (the engine picks up at its merge commit's deploy run: post-merge; the gates are still evaluated and
     *     recorded, but could not stop the merge). A pull request closed without merging is refused by the gates.
     */
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

    /**
     * Promote a pull request with a generated release id.
     *
     * @param number the pull request's number
     * @return a request with the default options
     */
    public static ReleaseRequest ofPullRequest(int number) {
        return new ReleaseRequest(number, Optional.empty(), false, DEFAULT_ENVIRONMENT, false, false);
    }

    /**
     * The same request with an explicit release id.
     *
     * @param id the release id, as the evidence and the journal will name it
     * @return the same request with an explicit release id
     */
    public ReleaseRequest withReleaseId(String id) {
        return new ReleaseRequest(pullRequest, Optional.of(id), databaseMigration, environment, rollForwardOnly,
                firstRelease);
    }

    /**
     * The same request, marked as carrying a database migration.
     *
     * @return the same request, marked as carrying a database migration
     */
    public ReleaseRequest withDatabaseMigration() {
        return new ReleaseRequest(pullRequest, releaseId, true, environment, rollForwardOnly, firstRelease);
    }

    /**
     * The same request, for a release that cannot be rolled back: a firing trigger freezes traffic where it is and
     * raises the alarm (outcome {@link io.releasepipeline.evidence.ReleaseOutcome#FROZEN}) instead of moving traffic
     * back.
     *
     * @return the same request, for a release that cannot be rolled back: a firing trigger freezes traffic where it is
     *     and raises the alarm (outcome {@link io.releasepipeline.evidence.ReleaseOutcome#FROZEN}) instead of moving
     *     traffic back
     */
    public ReleaseRequest withRollForwardOnly() {
        return new ReleaseRequest(pullRequest, releaseId, databaseMigration, environment, true, firstRelease);
    }

    /**
     * The same request, declared the app's first release: the "previous release stable" gate passes although no
     * release of the app is on record, and says so in the record. Declare it once, for the very first release; with
     * a history on record the gate fails instead (drop the declaration).
     *
     * @return the same request, declared the app's first release: the "previous release stable" gate passes although
     *     no release of the app is on record, and says so in the record
     */
    public ReleaseRequest withFirstRelease() {
        return new ReleaseRequest(pullRequest, releaseId, databaseMigration, environment, rollForwardOnly, true);
    }

    /**
     * The same request for another environment name.
     *
     * @param environment the environment name for the CI system's deployment record
     * @return the same request for another environment name
     */
    public ReleaseRequest withEnvironment(String environment) {
        return new ReleaseRequest(pullRequest, releaseId, databaseMigration, environment, rollForwardOnly,
                firstRelease);
    }
}
