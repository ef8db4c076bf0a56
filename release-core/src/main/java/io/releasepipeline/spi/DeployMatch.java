package io.releasepipeline.spi;

import java.util.List;
import java.util.Objects;

/**
 * Whether merging a pull request starts the deploy run, and what decided it: the answer of
 * {@link CiProvider#deployMatch}. When nothing in the change matches the deploy workflow's filter, the engine merges
 * and ends the release {@code NOTHING_TO_DEPLOY}, without waiting for a run that will never come. Immutable.
 *
 * @param deploys true when the merge starts the deploy run, or when that cannot be ruled out (a change listed only
 *     in part, a workflow started by something other than a filtered push)
 * @param filter the filter that decided, in words a person can check against the repository, e.g.
 *     {@code .github/workflows/backend-deploy.yml@main on.push.paths [backend/**]}
 * @param files when {@code deploys}, changed files the filter selects; otherwise the changed files, none of which it
 *     selects; at most {@link #MAX_FILES} (the first ones), for the record
 * @param changedFiles how many changed files were judged
 * @param reason one sentence: why the merge does or does not deploy
 */
public record DeployMatch(boolean deploys, String filter, List<String> files, int changedFiles, String reason) {

    /** At most this many files are kept in {@link #files()}. */
    public static final int MAX_FILES = 20;

    /**
     * Validates; keeps the first {@link #MAX_FILES} files.
     *
     * @param deploys true when the merge starts the deploy run, or when that cannot be ruled out (a change listed only
     *     in part, a workflow started by something other than a filtered push)
     * @param filter the filter that decided, in words a person can check against the repository, e.g. {@code
     *     .github/workflows/backend-deploy.yml@main on.push.paths [backend/**]}
     * @param files when {@code deploys}, changed files the filter selects; otherwise the changed files, none of which
     *     it selects; at most {@link #MAX_FILES} (the first ones), for the record
     * @param changedFiles how many changed files were judged
     * @param reason one sentence: why the merge does or does not deploy
     */
    public DeployMatch {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(reason, "reason");
        files = List.copyOf(Objects.requireNonNull(files, "files").subList(0, Math.min(files.size(), MAX_FILES)));
        if (changedFiles < 0) {
            throw new IllegalArgumentException("changedFiles must not be negative, got " + changedFiles);
        }
    }

    /**
     * The merge starts the deploy run: {@code matching} are (the first of) the changed files the filter selects.
     *
     * @param filter the filter that decided, in words a person can check against the repository, e.g. {@code
     *     .github/workflows/backend-deploy.yml@main on.push.paths [backend/**]}
     * @param matching the changed files the filter selects (the first of them)
     * @param changedFiles how many changed files were judged
     * @param reason one sentence: why the merge does or does not deploy
     * @return a match saying the merge starts the deploy run: {@code matching} are (the first of) the changed files the
     *     filter selects
     */
    public static DeployMatch deploys(String filter, List<String> matching, int changedFiles, String reason) {
        return new DeployMatch(true, filter, matching, changedFiles, reason);
    }

    /**
     * The merge starts no deploy run: the filter selects none of {@code changed}.
     *
     * @param filter the filter that decided, in words a person can check against the repository, e.g. {@code
     *     .github/workflows/backend-deploy.yml@main on.push.paths [backend/**]}
     * @param changed the changed files (the first of them)
     * @param changedFiles how many changed files were judged
     * @param reason one sentence: why the merge does or does not deploy
     * @return a match saying the merge starts no deploy run: the filter selects none of {@code changed}
     */
    public static DeployMatch nothingToDeploy(String filter, List<String> changed, int changedFiles, String reason) {
        return new DeployMatch(false, filter, changed, changedFiles, reason);
    }
}
