/**
 * GitHub for release-pipeline: {@link io.releasepipeline.github.GitHubCiProvider} (pull request gates, the pinned
 * merge, the Actions deploy run, the incident note and GitHub deployments),
 * {@link io.releasepipeline.github.GitHubIncidentProvider} (open issues labelled {@code SEV-1}/{@code SEV-2}) and
 * {@link io.releasepipeline.github.GitHubEnvironmentApprovals} (manual approval of traffic steps by a protected
 * environment's required reviewers), all on one shared {@link io.releasepipeline.github.GitHubConnection} to the REST
 * API.
 *
 * <p>The approval workflow the last one dispatches, the environment to create and the token permissions it needs are
 * documented in the README section "Manual approval with GitHub environments"; a test checks that the documented
 * workflow is one the provider can find and read.
 */
package io.releasepipeline.github;
