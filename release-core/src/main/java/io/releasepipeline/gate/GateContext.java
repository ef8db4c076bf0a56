package io.releasepipeline.gate;

import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.spi.CheckResult;
import io.releasepipeline.spi.Incident;
import io.releasepipeline.spi.PullRequest;
import io.releasepipeline.spi.Reviews;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What a gate may look at. Every read goes through the engine's providers with their retry and circuit breaker
 * policy; a read that fails is thrown as {@link io.releasepipeline.error.ProviderException}, which the engine turns
 * into an {@link io.releasepipeline.evidence.GateStatus#ERROR} verdict for that gate alone. Reads are cached for the
 * duration of one gate evaluation round, so gates may call them freely. Not thread-safe; used by one evaluation at a
 * time.
 */
public interface GateContext {

    /**
     * The app being released.
     *
     * @return the app being released
     */
    String app();

    /**
     * The current time, from the pipeline's clock.
     *
     * @return the current time, from the pipeline's clock
     */
    Instant now();

    /**
     * The pull request under review.
     *
     * @return the pull request under review
     */
    PullRequest pullRequest();

    /**
     * The reviewers' latest verdicts; restricted to the head commit when {@code headOnly}.
     *
     * @param headOnly true to count only reviews of the head commit
     * @return the reviewers' latest verdicts; restricted to the head commit when {@code headOnly}
     */
    Reviews reviews(boolean headOnly);

    /**
     * The checks reported on the pull request's head commit.
     *
     * @return the checks reported on the pull request's head commit
     */
    List<CheckResult> checks();

    /**
     * Open incidents of the given severities.
     *
     * @param severities the severities to look for, e.g. {@code SEV-1}
     * @return the open incidents of those severities
     */
    List<Incident> openIncidents(Set<String> severities);

    /**
     * The app's most recent release records, newest first.
     *
     * @return the app's most recent release records, newest first
     */
    List<ReleaseRecord> recentReleases();

    /**
     * Whether the release was declared the app's first ({@link io.releasepipeline.ReleaseRequest#withFirstRelease()}),
     * so that an empty history is expected rather than a sign of a lost evidence store. Default false.
     *
     * @return whether the release was declared the app's first ({@link
     *     io.releasepipeline.ReleaseRequest#withFirstRelease()}), so that an empty history is expected rather than a
     *     sign of a lost evidence store
     */
    default boolean firstRelease() {
        return false;
    }
}
