package io.releasepipeline.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * One CI check on a commit, by name: a check run or a legacy commit status.
 *
 * @param name the check's name, e.g. {@code tests}
 * @param state pending (queued, running, waiting) or completed
 * @param conclusion the conclusion once completed
 * @param url where a person can read its log, when known
 */
public record CheckResult(String name, State state, Optional<Conclusion> conclusion, Optional<String> url) {

    /** Whether the check has finished. */
    public enum State {
        /** Queued or running. */
        PENDING,
        /** Finished, with a conclusion. */
        COMPLETED
    }

    /** How a finished check ended. */
    public enum Conclusion {
        /** It passed. */
        SUCCESS,
        /** It finished without a verdict. */
        NEUTRAL,
        /** It did not run. */
        SKIPPED,
        /** It failed. */
        FAILURE,
        /** It was cancelled before it finished. */
        CANCELLED,
        /** It ran out of time. */
        TIMED_OUT,
        /** It waits for a person to act. */
        ACTION_REQUIRED,
        /** The CI system marked it stale (too old to count). */
        STALE
    }

    /**
     * Validates.
     *
     * @param name the check's name, e.g. {@code tests}
     * @param state pending (queued, running, waiting) or completed
     * @param conclusion the conclusion once completed
     * @param url where a person can read its log, when known
     */
    public CheckResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        conclusion = conclusion == null ? Optional.empty() : conclusion;
        url = url == null ? Optional.empty() : url;
    }

    /**
     * A completed check with the given conclusion.
     *
     * @param name the check's name, e.g. {@code tests}
     * @param conclusion the conclusion once completed
     * @return a completed check with the given conclusion
     */
    public static CheckResult completed(String name, Conclusion conclusion) {
        return new CheckResult(name, State.COMPLETED, Optional.of(conclusion), Optional.empty());
    }

    /**
     * A check that has not finished.
     *
     * @param name the check's name, e.g. {@code tests}
     * @return a check that has not finished
     */
    public static CheckResult pending(String name) {
        return new CheckResult(name, State.PENDING, Optional.empty(), Optional.empty());
    }

    /**
     * True when completed with success (neutral and skipped do not count as passing a required check).
     *
     * @return true when completed with success (neutral and skipped do not count as passing a required check)
     */
    public boolean passed() {
        return state == State.COMPLETED && conclusion.orElse(null) == Conclusion.SUCCESS;
    }
}
