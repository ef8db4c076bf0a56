/**
 * GitHub for release-pipeline: {@link io.releasepipeline.github.GitHubCiProvider} (pull request gates, the pinned
 * merge, the Actions deploy run, the incident note and GitHub deployments) and
 * {@link io.releasepipeline.github.GitHubIncidentProvider} (open issues labelled {@code SEV-1}/{@code SEV-2}), both
 * on one shared {@link io.releasepipeline.github.GitHubConnection} to the REST API.
 */
package io.releasepipeline.github;
