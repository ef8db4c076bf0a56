package io.releasepipeline.internal;

import io.releasepipeline.error.ProviderException;
import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.spi.ChangedFiles;
import io.releasepipeline.spi.DeployMatch;
import io.releasepipeline.spi.PullRequest;
import java.util.Optional;

/**
 * Whether merging a pull request starts the deploy run: its changed files against the deploy workflow's filter, as
 * the CI system judges them. Reported with the gates as the {@value #NAME} check, so {@code gates} and a dry run
 * show it; a promotion whose merge deploys nothing merges and ends {@code NOTHING_TO_DEPLOY} instead of waiting for a
 * deploy run that never comes.
 *
 * <p>When the CI system cannot tell (the files or the filter cannot be read, the workflow is missing or not valid)
 * the check is an ERROR, which blocks the release before anything changes, like any gate that cannot decide. It is
 * never guessed in either direction: assuming "nothing to deploy" could leave a deploy that does happen unwatched,
 * and assuming "deploys" would hide a broken workflow until the deploy timeout.
 *
 * <p>Callable before the merge (the gates) and after it (a merged pull request picked up later): it reads only the
 * pull request, never the merge. Stateless.
 */
final class DeployCheck {

    /** The check's name in the gate list, the record and the report. */
    static final String NAME = "deploy-filter";

    private DeployCheck() {
    }

    /**
     * The check's answer.
     *
     * @param match the CI system's answer, when it could give one
     * @param verdict the check as a gate verdict: PASS whether or not the merge deploys (it only changes what the
     *     release waits for), ERROR when the CI system could not tell
     */
    record Result(Optional<DeployMatch> match, GateResult verdict) {
    }

    /** Asks the CI system, through the release's provider policy (transient failures are retried). */
    static Result of(ReleaseOps ops, PullRequest pullRequest) {
        int number = pullRequest.number();
        DeployMatch match;
        try {
            match = match(ops, pullRequest);
        } catch (ProviderException e) {
            return new Result(Optional.empty(), GateResult.error(NAME, "could not tell whether merging #" + number
                    + " starts the deploy run: " + e.getMessage() + "; nothing was changed (the release does not guess "
                    + "either way)"));
        }
        return new Result(Optional.of(match), GateResult.pass(NAME, describe(match)));
    }

    /**
     * The CI system's answer for {@code pullRequest}, open or merged.
     *
     * @throws ProviderException when it cannot tell
     */
    static DeployMatch match(ReleaseOps ops, PullRequest pullRequest) {
        int number = pullRequest.number();
        ChangedFiles files = ops.ci("changedFiles(#" + number + ")", c -> c.changedFiles(number));
        return ops.ci("deployMatch(#" + number + ")", c -> c.deployMatch(pullRequest, files));
    }

    /** The check's verdict in words: what the merge does, why, and by which filter. */
    static String describe(DeployMatch m) {
        String files = files(m);
        return m.deploys()
                ? "the merge starts the deploy run: " + m.reason() + (files.isEmpty() ? "" : " (" + files + ")")
                        + "; filter: " + m.filter()
                : "nothing to deploy: " + m.reason() + (files.isEmpty() ? "" : " (changed: " + files + ")")
                        + "; filter: " + m.filter() + ". A promotion merges and ends NOTHING_TO_DEPLOY: no deploy run "
                        + "awaited, no deployment record, traffic untouched";
    }

    /** The listed files, with how many more there are. */
    static String files(DeployMatch m) {
        String listed = String.join(", ", m.files());
        int more = m.deploys() ? 0 : m.changedFiles() - m.files().size();
        return more > 0 ? listed + " and " + more + " more" : listed;
    }
}
