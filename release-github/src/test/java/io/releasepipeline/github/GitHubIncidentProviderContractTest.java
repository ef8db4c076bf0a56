package io.releasepipeline.github;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToIgnoreCase;
import static io.releasepipeline.github.GitHubWireMockSupport.API;
import static io.releasepipeline.github.GitHubWireMockSupport.array;
import static io.releasepipeline.github.GitHubWireMockSupport.getPath;
import static io.releasepipeline.github.GitHubWireMockSupport.issue;
import static io.releasepipeline.github.GitHubWireMockSupport.json;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.releasepipeline.testkit.VirtualClock;
import io.releasepipeline.testkit.contract.IncidentProviderContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link GitHubIncidentProvider} keeps the incident provider contract against a WireMock GitHub whose open issue #101
 * is labelled {@code SEV-1}, next to a pull request with the same label (which the issues API also lists).
 *
 * <p>The stub matches the {@code labels} filter ignoring case: a repository cannot hold two labels differing only in
 * case, and GitHub's web UI matches them that way. Whether the REST {@code labels} filter itself ignores case is not
 * documented; if it does not, a severity asked for in another case than the label's would find nothing.
 */
class GitHubIncidentProviderContractTest extends IncidentProviderContract {

    @RegisterExtension
    static final WireMockExtension github = GitHubStubs.newServer();

    @Override
    protected IncidentFixture fixture() {
        github.stubFor(getPath(API + "/issues").atPriority(1).withQueryParam("state", equalTo("open"))
                .withQueryParam("labels", equalToIgnoreCase("SEV-1"))
                .willReturn(json(200, array(issue(1, 101, "Checkout returns 500", "SEV-1", false),
                        issue(2, 102, "Hotfix for checkout", "SEV-1", true)))));
        // Any other label: no open issue carries it (GitHub answers an empty list, also for unknown labels).
        github.stubFor(getPath(API + "/issues").atPriority(5).willReturn(json(200, array())));
        GitHubConnection connection = new GitHubStubs(github).connection(new VirtualClock()).build();
        return new IncidentFixture(GitHubIncidentProvider.builder(connection).build(), "#101", "SEV-1");
    }
}
