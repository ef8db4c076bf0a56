package io.releasepipeline.github;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.error.ProviderException;
import io.releasepipeline.format.FilterPatterns;
import io.releasepipeline.spi.ChangedFiles;
import io.releasepipeline.spi.DeployMatch;
import io.releasepipeline.spi.PullRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link GitHubCiProvider#changedFiles} and {@link GitHubCiProvider#deployMatch} against WireMock answering like
 * GitHub: {@code GET .../pulls/{n}/files} (paginated by {@code Link}, at most 3000 files) and the deploy workflow read
 * through {@code GET .../contents/.github/workflows/<file>?ref=} (base64 content).
 */
class GitHubDeployFilterTest extends GitHubWireMockSupport {

    static final String FILES = API + "/pulls/42/files";
    static final String CONTENTS = GitHubStubs.DEPLOY_WORKFLOW_CONTENTS;

    private static PullRequest openPullRequest() {
        return new PullRequest(42, "Quotes in EUR", HEAD_SHA, "main", "", List.of(), false, PullRequest.State.OPEN,
                Optional.of(true), Optional.empty(), "https://github.com/" + REPO + "/pull/42");
    }

    @Nested
    @DisplayName("changed files")
    class Files {

        @Test
        @DisplayName("every page is read; a renamed file counts under its new and its previous name")
        void pagesAndRenames() {
            String page2 = FILES + "?per_page=100&page=2";
            github.stubFor(getPath(FILES).withQueryParam("page", equalTo("2"))
                    .willReturn(json(200, array(GitHubStubs.changedFile("backend/app/quotes.py", null)))));
            github.stubFor(getPath(FILES).withQueryParam("per_page", equalTo("100")).atPriority(10)
                    .willReturn(json(200, array(GitHubStubs.changedFile("docs/runbook.md", null),
                            GitHubStubs.changedFile("docs/quotes.md", "backend/QUOTES.md")))
                            .withHeader("Link", nextPage(page2))));

            ChangedFiles files = ci().changedFiles(42);

            assertThat(files.paths()).containsExactly("docs/runbook.md", "docs/quotes.md", "backend/QUOTES.md",
                    "backend/app/quotes.py");
            assertThat(files.complete()).isTrue();
        }

        @Test
        @DisplayName("3000 files is as many as GitHub lists: the list is reported incomplete, and then deploys")
        void cutAtThreeThousand() {
            for (int page = 1; page <= 30; page++) {
                List<String> entries = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    entries.add(GitHubStubs.changedFile("docs/page" + page + "/file" + i + ".md", null));
                }
                var stub = getPath(FILES).withQueryParam("page", equalTo(String.valueOf(page)));
                var answer = json(200, array(entries.toArray(String[]::new)));
                if (page < 30) {
                    answer = answer.withHeader("Link", nextPage(FILES + "?per_page=100&page=" + (page + 1)));
                }
                github.stubFor(page == 1 ? getPath(FILES).atPriority(10).willReturn(answer) : stub.willReturn(answer));
            }
            stubs.givenDeployWorkflow(GitHubStubs.DEPLOY_WORKFLOW_YAML);

            ChangedFiles files = ci().changedFiles(42);
            DeployMatch m = ci().deployMatch(openPullRequest(), files);

            assertThat(files.paths()).hasSize(3000);
            assertThat(files.complete()).isFalse();
            assertThat(m.deploys()).isTrue();
            assertThat(m.reason()).contains("GitHub lists only the first 3000 files", "taken to deploy");
        }

        @Test
        @DisplayName("a pull request GitHub does not know is a ProviderException naming the call, never the token")
        void unknown() {
            ProviderException e = catchThrowableOfType(ProviderException.class, () -> ci().changedFiles(41));

            assertThat(e.getMessage()).contains("GET /repos/" + REPO + "/pulls/41/files", "404")
                    .doesNotContain(TOKEN);
            assertThat(e.isTransient()).isFalse();
        }
    }

    @Nested
    @DisplayName("the deploy workflow's filter")
    class Workflow {

        @Test
        @DisplayName("read from the base branch through the contents API: docs only is nothing to deploy")
        void docsOnly() {
            stubs.givenDeployWorkflow(GitHubStubs.DEPLOY_WORKFLOW_YAML);

            DeployMatch m = ci().deployMatch(openPullRequest(), ChangedFiles.of("docs/runbook.md",
                    "backend/docs/api.md"));

            assertThat(m.deploys()).isFalse();
            assertThat(m.filter()).isEqualTo(".github/workflows/backend-deploy.yml@main on.push.branches [main], "
                    + "on.push.paths [backend/**, !backend/docs/**]");
            assertThat(m.reason()).isEqualTo("none of the 2 changed files matches");
            github.verify(getRequestedFor(urlPathEqualTo(CONTENTS)).withQueryParam("ref", equalTo("main")));
        }

        @Test
        @DisplayName("a backend file deploys, and the answer names it")
        void backendFile() {
            stubs.givenDeployWorkflow(GitHubStubs.DEPLOY_WORKFLOW_YAML);

            DeployMatch m = ci().deployMatch(openPullRequest(), ChangedFiles.of("docs/runbook.md",
                    "backend/app/quotes.py"));

            assertThat(m.deploys()).isTrue();
            assertThat(m.files()).containsExactly("backend/app/quotes.py");
        }

        @Test
        @DisplayName("a pull request that changes the deploy workflow itself is judged by its own version (its head)")
        void changedWorkflowIsReadAtTheHead() {
            github.stubFor(getPath(CONTENTS).withQueryParam("ref", equalTo(HEAD_SHA)).willReturn(json(200,
                    GitHubStubs.workflowFile("on:\n  push:\n    paths: ['backend/**', '.github/workflows/**']\n"))));
            github.stubFor(getPath(CONTENTS).withQueryParam("ref", equalTo("main")).willReturn(json(200,
                    GitHubStubs.workflowFile(GitHubStubs.DEPLOY_WORKFLOW_YAML))));

            DeployMatch m = ci().deployMatch(openPullRequest(),
                    ChangedFiles.of(".github/workflows/backend-deploy.yml"));

            assertThat(m.deploys()).isTrue();
            assertThat(m.filter()).startsWith(".github/workflows/backend-deploy.yml@6dcb09b on.push.paths");
            github.verify(0, getRequestedFor(urlPathEqualTo(CONTENTS)).withQueryParam("ref", equalTo("main")));
        }

        @Test
        @DisplayName("a missing workflow file is a clear error naming the file and the branch, never a guess")
        void missing() {
            ProviderException e = catchThrowableOfType(ProviderException.class,
                    () -> ci().deployMatch(openPullRequest(), ChangedFiles.of("docs/runbook.md")));

            assertThat(e.getMessage()).contains("the deploy workflow .github/workflows/backend-deploy.yml does not "
                    + "exist on main of " + REPO, "deployPaths").doesNotContain(TOKEN);
            assertThat(e.isTransient()).isFalse();
        }

        @Test
        @DisplayName("a workflow GitHub would refuse (paths with paths-ignore) is an error saying so")
        void invalidWorkflow() {
            stubs.givenDeployWorkflow("on:\n  push:\n    paths: ['backend/**']\n    paths-ignore: ['docs/**']\n");

            ProviderException e = catchThrowableOfType(ProviderException.class,
                    () -> ci().deployMatch(openPullRequest(), ChangedFiles.of("docs/runbook.md")));

            assertThat(e.getMessage()).contains(".github/workflows/backend-deploy.yml@main: on.push has both paths "
                    + "and paths-ignore");
        }

        @Test
        @DisplayName("a workflow named by its numeric id is looked up to find its file")
        void numericWorkflowId() {
            publish(API + "/actions/workflows/161335", """
                    {"id": 161335, "node_id": "MDg6V29ya2Zsb3cxNjEzMzU=", "name": "Backend deploy",
                     "path": ".github/workflows/backend-deploy.yml", "state": "active",
                     "created_at": "2020-01-08T23:48:37.000-08:00", "updated_at": "2020-01-08T23:50:21.000-08:00",
                     "url": "https://api.github.com/repos/octo-org/trade-nexus/actions/workflows/161335",
                     "html_url": "https://github.com/octo-org/trade-nexus/blob/main/.github/workflows/backend-deploy.yml",
                     "badge_url": "https://github.com/octo-org/trade-nexus/workflows/Backend%20deploy/badge.svg"}
                    """);
            stubs.givenDeployWorkflow(GitHubStubs.DEPLOY_WORKFLOW_YAML);
            GitHubCiProvider byId = GitHubCiProvider.builder(connection()).deployWorkflow("161335").build();

            assertThat(byId.deployMatch(openPullRequest(), ChangedFiles.of("docs/runbook.md")).deploys()).isFalse();
        }

        @Test
        @DisplayName("deploy runs started by another event than push cannot be judged by a push filter: deploys")
        void otherDeployEvent() {
            GitHubCiProvider ci = GitHubCiProvider.builder(connection()).deployEvent("workflow_run").build();

            DeployMatch m = ci.deployMatch(openPullRequest(), ChangedFiles.of("docs/runbook.md"));

            assertThat(m.deploys()).isTrue();
            assertThat(m.reason()).contains("started by workflow_run");
            github.verify(0, getRequestedFor(urlPathMatching(".*/contents/.*")));
        }

        @Test
        @DisplayName("a merge (not a squash) of more than 1000 commits deploys whatever it changes, as GitHub documents")
        void manyCommits() {
            stubs.givenDeployWorkflow(GitHubStubs.DEPLOY_WORKFLOW_YAML);
            publish(API + "/pulls/42", pullRequest(42, "open", true, false, null).replace("\"commits\": 3",
                    "\"commits\": 1001"));
            GitHubCiProvider merging = GitHubCiProvider.builder(connection()).mergeMethod(MergeMethod.MERGE).build();

            DeployMatch m = merging.deployMatch(openPullRequest(), ChangedFiles.of("docs/runbook.md"));

            assertThat(m.deploys()).isTrue();
            assertThat(m.reason()).contains("merge of 1001 commits");
            assertThat(ci().deployMatch(openPullRequest(), ChangedFiles.of("docs/runbook.md")).deploys())
                    .as("a squash pushes one commit").isFalse();
        }
    }

    @Nested
    @DisplayName("deployPaths instead of the workflow")
    class DeployPaths {

        @Test
        @DisplayName("the configured paths decide with the same semantics, and the workflow file is not read")
        void configured() {
            GitHubCiProvider ci = GitHubCiProvider.builder(connection())
                    .deployPaths(List.of("backend/**", "!backend/docs/**")).build();

            DeployMatch docs = ci.deployMatch(openPullRequest(), ChangedFiles.of("backend/docs/api.md"));
            DeployMatch code = ci.deployMatch(openPullRequest(), ChangedFiles.of("backend/app/quotes.py"));

            assertThat(docs.deploys()).isFalse();
            assertThat(code.deploys()).isTrue();
            assertThat(docs.filter()).isEqualTo("deployPaths (configured; the workflow file is not read) "
                    + "on.push.paths [backend/**, !backend/docs/**]");
            assertThat(ci.deployPaths()).hasValue(FilterPatterns.of("backend/**", "!backend/docs/**"));
            github.verify(0, getRequestedFor(urlPathMatching(".*/contents/.*")));
        }

        @Test
        @DisplayName("invalid patterns are refused at build(), every one named")
        void invalid() {
            InvalidConfigurationException e = catchThrowableOfType(InvalidConfigurationException.class,
                    () -> GitHubCiProvider.builder(connection()).deployPaths(List.of("backend/[]", "!docs/**"))
                            .build());

            assertThat(e.problems()).containsExactly("github.deployPaths: pattern 'backend/[]': empty brackets '[]' "
                    + "at 8 match nothing");
        }
    }
}
