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
    public enum Status { QUEUED, IN_PROGRESS, WAITING, COMPLETED }

    /** How a completed run ended. */
    public enum Conclusion { SUCCESS, FAILURE, CANCELLED, TIMED_OUT, ACTION_REQUIRED, STARTUP_FAILURE, STALE, NEUTRAL,
        SKIPPED }

    /** Validates. */
    public DeployRun {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        commitSha = commitSha == null ? "" : commitSha;
        conclusion = conclusion == null ? Optional.empty() : conclusion;
        url = url == null ? "" : url;
    }

    /** True when completed. */
    public boolean isCompleted() {
        return status == Status.COMPLETED;
    }

    /** True when completed with success. */
    public boolean succeeded() {
        return isCompleted() && conclusion.orElse(null) == Conclusion.SUCCESS;
    }
}
