package io.releasepipeline.spi;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A change proposed for release: a pull request.
 *
 * @param number the pull request number
 * @param title its title
 * @param headSha the commit at its head, the one the gates judge and the merge is pinned to
 * @param baseRef the branch it merges into, e.g. {@code main}
 * @param body its description, empty when it has none
 * @param labels its labels
 * @param draft whether it is a draft
 * @param state open, closed or merged
 * @param mergeable whether the CI system considers it mergeable; empty while it is still computing
 * @param mergeCommitSha the merge commit, once merged
 * @param url where a person can read it
 */
public record PullRequest(int number, String title, String headSha, String baseRef, String body, List<String> labels,
        boolean draft, State state, Optional<Boolean> mergeable, Optional<String> mergeCommitSha, String url) {

    /** Pull request states. */
    public enum State {
        /** Open. */
        OPEN,
        /** Closed without a merge. */
        CLOSED,
        /** Merged. */
        MERGED
    }

    /**
     * Validates and copies.
     *
     * @param number the pull request number
     * @param title its title
     * @param headSha the commit at its head, the one the gates judge and the merge is pinned to
     * @param baseRef the branch it merges into, e.g. {@code main}
     * @param body its description, empty when it has none
     * @param labels its labels
     * @param draft whether it is a draft
     * @param state open, closed or merged
     * @param mergeable whether the CI system considers it mergeable; empty while it is still computing
     * @param mergeCommitSha the merge commit, once merged
     * @param url where a person can read it
     */
    public PullRequest {
        Objects.requireNonNull(headSha, "headSha");
        Objects.requireNonNull(state, "state");
        title = title == null ? "" : title;
        baseRef = baseRef == null ? "" : baseRef;
        body = body == null ? "" : body;
        labels = labels == null ? List.of() : List.copyOf(labels);
        mergeable = mergeable == null ? Optional.empty() : mergeable;
        mergeCommitSha = mergeCommitSha == null ? Optional.empty() : mergeCommitSha;
        url = url == null ? "" : url;
    }
}
