package io.releasepipeline.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * The CI run that builds and deploys a merged commit (the runbook's {@code backend-deploy.yml} run).
 *
 * @param id the run's id in the CI system
 * @param commitSha the commit it builds
 * @param status queued, in progress, waiting (e.g. for an approval) or completed
 * @param conclusion how it ended, once completed
 * @param url where a person can watch it
 */
public record DeployRun(String id, String commitSha, Status status, Optional<Conclusion> conclusion, String url) {

    /** Run states. */
    public enum Status {
        /** Waiting for a runner. */
        QUEUED,
        /** Running. */
        IN_PROGRESS,
        /** Waiting for an approval or a protection rule. */
        WAITING,
        /** Finished, with a conclusion. */
        COMPLETED
    }

    /** How a completed run ended. */
    public enum Conclusion {
        /** The deploy succeeded. */
        SUCCESS,
        /** The deploy failed. */
        FAILURE,
        /** The run was cancelled. */
        CANCELLED,
        /** The run ran out of time. */
        TIMED_OUT,
        /** The run waits for a person to act. */
        ACTION_REQUIRED,
        /** The run could not start (e.g. an invalid workflow file). */
        STARTUP_FAILURE,
        /** The CI system marked the run stale. */
        STALE,
        /** The run finished without a verdict. */
        NEUTRAL,
        /** The run was skipped. */
        SKIPPED
    }

    /**
     * Validates.
     *
     * @param id the run's id in the CI system
     * @param commitSha the commit it builds
     * @param status queued, in progress, waiting (e.g. for an approval) or completed
     * @param conclusion how it ended, once completed
     * @param url where a person can watch it
     */
    public DeployRun {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        commitSha = commitSha == null ? "" : commitSha;
        conclusion = conclusion == null ? Optional.empty() : conclusion;
        url = url == null ? "" : url;
    }

    /**
     * True when completed.
     *
     * @return true when completed
     */
    public boolean isCompleted() {
        return status == Status.COMPLETED;
    }

    /**
     * True when completed with success.
     *
     * @return true when completed with success
     */
    public boolean succeeded() {
        return isCompleted() && conclusion.orElse(null) == Conclusion.SUCCESS;
    }
}
