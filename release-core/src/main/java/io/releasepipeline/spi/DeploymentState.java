package io.releasepipeline.spi;

/** States of a deployment record in the CI system (GitHub deployment statuses). */
public enum DeploymentState { QUEUED, PENDING, IN_PROGRESS, SUCCESS, FAILURE, ERROR, INACTIVE }
