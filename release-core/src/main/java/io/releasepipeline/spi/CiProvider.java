package io.releasepipeline.spi;

import java.util.List;
import java.util.Optional;

/**
 * The CI system and code host (GitHub): pull requests, reviews, checks, the changed files and whether they start the
 * deploy run, the merge, the deploy run, comments and deployment records. One instance serves one repository.
 *
 * <p>Contract for every method: implementations are thread-safe; calls block on I/O; failures are thrown as
 * {@link io.releasepipeline.error.ProviderException} ({@code isTransient()} for timeouts, rate limits and server
 * errors). The engine polls (pull request mergeability, the deploy run) on its own clock; providers answer one
 * read per call.
 */
public interface CiProvider extends Provider {

    /**
     * The repository, e.g. {@code org/trade-nexus}, for messages and evidence.
     *
     * @return the repository, e.g. {@code org/trade-nexus}, for messages and evidence
     */
    String repository();

    /**
     * The pull request. Read-only, idempotent.
     *
     * @param number the pull request's number
     * @return the pull request
     * @throws io.releasepipeline.error.ProviderException if it does not exist or the call fails
     */
    PullRequest pullRequest(int number);

    /**
     * The reviewers' latest verdicts (see {@link Reviews}). Only reviewers who may write to the repository count; the
     * others are reported in {@link Reviews#notCounted()} with the reason (e.g. {@code read permission}). When
     * {@code headSha} is present, an approval counts only if it was given on that commit (an older one is reported
     * as not counted); a request for changes counts whichever commit it was given on. Read-only, idempotent.
     *
     * @param number the pull request's number
     * @param headSha the head commit approvals must be given on, if any
     * @return the reviewers' latest verdicts (see {@link Reviews})
     * @throws io.releasepipeline.error.ProviderException if the reviews, or a reviewer's permission, cannot be read:
     *     the provider never guesses who may write
     */
    Reviews reviews(int number, Optional<String> headSha);

    /**
     * Every check reported on a commit (check runs and legacy statuses), by name. Read-only, idempotent.
     *
     * @param commitSha the commit's sha
     * @return every check reported on a commit (check runs and legacy statuses), by name
     */
    List<CheckResult> checks(String commitSha);

    /**
     * Merges the pull request, pinned to {@code expectedHeadSha} (compare-and-swap: if the head moved, nothing is
     * merged). Idempotent: if the pull request is already merged at that head, returns its merge commit.
     *
     * @param number the pull request's number
     * @param expectedHeadSha the head commit the gates judged
     * @return the merge commit's sha
     * @throws MergeRefusedException if the pull request is not mergeable or its head changed
     */
    String merge(int number, String expectedHeadSha);

    /**
     * The files pull request {@code number} changes, open or merged. Read-only, idempotent. A CI system that lists
     * only part of a large change says so with {@link ChangedFiles#complete()} false.
     *
     * @param number the pull request's number
     * @return the files pull request {@code number} changes, open or merged
     * @throws io.releasepipeline.error.ProviderException if the pull request does not exist or the call fails
     */
    ChangedFiles changedFiles(int number);

    /**
     * Whether merging {@code pullRequest}, which changes {@code files}, into its base branch starts the deploy run:
     * the deploy workflow's own trigger filter (which pushes, which paths) applied to the change. Read-only,
     * idempotent; the engine asks before the merge and may ask again after it.
     *
     * <p>The answer never says "nothing to deploy" while a deploy run may still start: when {@code files} is not
     * {@link ChangedFiles#complete() complete} and none of the listed files is selected, or when the workflow is
     * started by something the provider cannot judge, it answers {@link DeployMatch#deploys() deploys} and says why
     * in {@link DeployMatch#reason()}. A filter that selects no file of a complete list means nothing to deploy.
     *
     * @param pullRequest the pull request
     * @param files the files it changes
     * @return whether merging {@code pullRequest}, which changes {@code files}, into its base branch starts the deploy
     *     run: the deploy workflow's own trigger filter (which pushes, which paths) applied to the change
     * @throws io.releasepipeline.error.ProviderException if the filter cannot be read or understood (the workflow is
     *     missing, not valid, or the call fails): the engine then reports its deploy-filter check as an error and
     *     changes nothing; it never guesses
     */
    DeployMatch deployMatch(PullRequest pullRequest, ChangedFiles files);

    /**
     * The deploy workflow's run for a commit, if it has started. Read-only, idempotent; the engine polls it.
     *
     * @param commitSha the merge commit's sha
     * @return the deploy workflow's run for a commit, if it has started
     */
    Optional<DeployRun> findDeployRun(String commitSha);

    /**
     * The current state of a deploy run. Read-only, idempotent.
     *
     * @param runId the run's id
     * @return the current state of a deploy run
     */
    DeployRun deployRun(String runId);

    /**
     * Posts a comment on the pull request (the incident note). Not idempotent: the engine does not retry it.
     *
     * @param number the pull request's number
     * @param body the comment, Markdown
     */
    void comment(int number, String body);

    /**
     * Creates the deployment record of release {@code releaseId}: {@code commitSha} deployed to {@code environment},
     * so the release shows in the CI system's UI. Returns its id.
     *
     * <p>Idempotent for the same {@code commitSha}, {@code environment} and {@code releaseId}: if that release's
     * record already exists there (a call whose answer was lost, a resumed release), returns its id and creates no
     * second one. The engine therefore repeats it after a transient failure.
     *
     * @param commitSha the deployed commit
     * @param environment the deployment environment, e.g. {@code production}
     * @param releaseId the release
     * @param description a short description
     * @return the deployment record's id
     * @throws io.releasepipeline.error.ProviderException if no record could be created or found
     */
    String createDeployment(String commitSha, String environment, String releaseId, String description);

    /**
     * Records a status on a deployment created by {@link #createDeployment}. {@code description} is at most 140
     * characters; links may be empty. May be repeated: recording the same status twice changes nothing a reader
     * acts on (the latest status is the same), so the engine repeats it after a transient failure.
     *
     * @param deploymentId the deployment record's id
     * @param state the new state
     * @param description a short description, at most 140 characters
     * @param environmentUrl where the deployed app is, if known
     * @param logUrl where the release's log or evidence is, if known
     */
    void recordDeploymentStatus(String deploymentId, DeploymentState state, String description,
            Optional<String> environmentUrl, Optional<String> logUrl);
}
