package io.releasepipeline.github;

import static io.releasepipeline.github.GitHubWireMockSupport.HEAD_SHA;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.releasepipeline.testkit.VirtualClock;
import io.releasepipeline.testkit.contract.CiProviderContract;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link GitHubCiProvider} keeps the CI provider contract against a stateful WireMock GitHub: pull request #42 is open
 * at its head, approved by alice, with {@code tests} green; merging it pinned to the head moves it to merged (a
 * WireMock scenario, reset before each test), a merge pinned to another sha is GitHub's 409, and merging it again is
 * GitHub's 405, which the provider resolves to the same merge commit. alice has write permission; mallory, an
 * organization member with the triage role (GitHub answers permission {@code read}), approved the head too. It changes {@code backend/app/quotes.py} and
 * {@code docs/quotes.md}; the deploy workflow (read through the contents API) deploys {@code backend/**} except
 * {@code backend/docs/**}. The deployments list is empty until a deployment is created, then lists it with the kit's
 * release id in its payload.
 */
class GitHubCiProviderContractTest extends CiProviderContract {

    static final int PR = 42;

    @RegisterExtension
    static final WireMockExtension github = GitHubStubs.newServer();

    @Override
    protected CiFixture fixture() {
        GitHubStubs stubs = new GitHubStubs(github);
        stubs.givenMergeablePullRequest(PR, "## Breaking changes\\nNone", "tests");
        stubs.givenReadOnlyApprover(PR, "mallory");
        stubs.givenDeploymentRecords(PR, RELEASE_ID);
        stubs.givenChangedFiles(PR, "backend/app/quotes.py", "docs/quotes.md");
        stubs.givenDeployWorkflow(GitHubStubs.DEPLOY_WORKFLOW_YAML);
        // GitHub lists no run for a commit no workflow ran on (200, total_count 0), not 404.
        stubs.publish(GitHubWireMockSupport.API + "/actions/workflows/" + GitHubCiProvider.DEFAULT_DEPLOY_WORKFLOW
                + "/runs", GitHubWireMockSupport.workflowRuns());
        GitHubConnection connection = stubs.connection(new VirtualClock()).build();
        return new CiFixture(GitHubCiProvider.builder(connection).build(), PR, HEAD_SHA, "alice", "tests",
                "backend/app/quotes.py", "backend/docs/quotes.md", Optional.of("mallory"));
    }
}
