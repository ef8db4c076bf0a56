package io.releasepipeline.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * A question for a person: may the release go on to {@code weight}%?
 *
 * @param releaseId the release
 * @param app the app
 * @param revision the new revision
 * @param weight the step waiting for approval
 * @param summary what a person needs to decide (the current split, the verdicts so far)
 * @param commitSha the merge commit, for CI systems that tie approvals to a run
 */
public record ApprovalRequest(String releaseId, String app, String revision, int weight, String summary,
        Optional<String> commitSha) {

    /**
     * Validates.
     *
     * @param releaseId the release
     * @param app the app
     * @param revision the new revision
     * @param weight the step waiting for approval
     * @param summary what a person needs to decide (the current split, the verdicts so far)
     * @param commitSha the merge commit, for CI systems that tie approvals to a run
     */
    public ApprovalRequest {
        Objects.requireNonNull(releaseId, "releaseId");
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(summary, "summary");
        commitSha = commitSha == null ? Optional.empty() : commitSha;
    }
}
