package io.releasepipeline.spi;

/** States of a deployment record in the CI system (GitHub deployment statuses). */
public enum DeploymentState {
    /** The deployment waits to start. */
    QUEUED,
    /** The deployment is about to start. */
    PENDING,
    /** The release is deploying or shifting traffic. */
    IN_PROGRESS,
    /** The release was promoted. */
    SUCCESS,
    /** The release was rolled back or frozen. */
    FAILURE,
    /** The release stopped before it finished: aborted, or an error. */
    ERROR,
    /** The deployment no longer serves (a later one replaced it). */
    INACTIVE
}
