package io.releasepipeline.github;

import java.util.Locale;

/** How GitHub merges a pull request ({@code merge_method} of the merge endpoint). */
public enum MergeMethod {
    /** A merge commit. */
    MERGE,
    /** One squashed commit (the default: one commit per release on {@code main}). */
    SQUASH,
    /** The pull request's commits rebased onto the base branch. */
    REBASE;

    /**
     * The value GitHub's API expects, e.g. {@code "squash"}.
     *
     * @return the value GitHub's API expects, e.g. {@code "squash"}
     */
    public String apiValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
