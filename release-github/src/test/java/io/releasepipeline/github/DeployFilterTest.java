package io.releasepipeline.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.format.FilterPatterns;
import io.releasepipeline.spi.ChangedFiles;
import io.releasepipeline.spi.DeployMatch;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link DeployFilter}: a workflow's {@code on.push} trigger read from its YAML, judged against changed files as
 * GitHub documents it ("Workflow syntax for GitHub Actions": {@code on}, {@code on.push.<branches|tags>},
 * {@code on.push.<paths|paths-ignore>}).
 */
class DeployFilterTest {

    private static final String SOURCE = ".github/workflows/backend-deploy.yml@main";
    private static final ChangedFiles DOCS = ChangedFiles.of("docs/runbook.md", "README.md");
    private static final ChangedFiles BACKEND = ChangedFiles.of("docs/runbook.md", "backend/app/quotes.py");

    private static DeployMatch judge(String yaml, ChangedFiles files) {
        return DeployFilter.fromWorkflow(yaml, SOURCE).judge("main", files);
    }

    @Nested
    @DisplayName("on: one event, a list or a map")
    class On {

        @ParameterizedTest(name = "{0}")
        @DisplayName("a push trigger without filters runs for every push")
        @ValueSource(strings = {"on: push", "on: [push, workflow_dispatch]", "on:\n  push:\n  pull_request:",
            "on:\n  push: {}", "'on': push", "true: push"})
        void everyPush(String yaml) {
            DeployMatch m = judge("name: deploy\n" + yaml + "\njobs: {}\n", DOCS);
            assertThat(m.deploys()).isTrue();
            assertThat(m.reason()).isEqualTo("every push to main starts it (no path filter)");
            assertThat(m.filter()).isEqualTo(SOURCE + " on.push (no branch or path filter)");
        }

        @ParameterizedTest(name = "{0}")
        @DisplayName("without a push trigger a filter cannot tell: taken to deploy, as before this check")
        @ValueSource(strings = {"on: workflow_dispatch", "on: [workflow_run]",
            "on:\n  workflow_run:\n    workflows: [build]\n    types: [completed]"})
        void noPush(String yaml) {
            DeployMatch m = judge(yaml, DOCS);
            assertThat(m.deploys()).isTrue();
            assertThat(m.reason()).contains("no push trigger", "taken to deploy");
            assertThat(m.filter()).endsWith("(no push trigger)");
        }

        @Test
        @DisplayName("a file that is not a workflow is an error naming the file")
        void notAWorkflow() {
            assertThatThrownBy(() -> DeployFilter.fromWorkflow("jobs: {}\n", SOURCE))
                    .hasMessage(SOURCE + " has no 'on' key, so no event starts it");
            assertThatThrownBy(() -> DeployFilter.fromWorkflow("on: [push\n", SOURCE))
                    .hasMessageStartingWith(SOURCE + " is not valid YAML (line");
            assertThatThrownBy(() -> DeployFilter.fromWorkflow("- just a list\n", SOURCE))
                    .hasMessageContaining("is not a workflow");
        }
    }

    @Nested
    @DisplayName("on.push.paths and paths-ignore")
    class Paths {

        static final String PATHS = """
                on:
                  push:
                    paths:
                      - 'backend/**'
                      - '!backend/docs/**'
                """;

        @Test
        @DisplayName("runs when at least one changed file matches, and names the files that do")
        void oneMatchIsEnough() {
            DeployMatch m = judge(PATHS, BACKEND);
            assertThat(m.deploys()).isTrue();
            assertThat(m.files()).containsExactly("backend/app/quotes.py");
            assertThat(m.reason()).isEqualTo("1 of the 2 changed files matches");
            assertThat(m.filter()).isEqualTo(SOURCE + " on.push.paths [backend/**, !backend/docs/**]");
        }

        @Test
        @DisplayName("nothing to deploy when no changed file matches, the excluded ones included")
        void noMatch() {
            DeployMatch m = judge(PATHS, ChangedFiles.of("docs/runbook.md", "backend/docs/api.md"));
            assertThat(m.deploys()).isFalse();
            assertThat(m.files()).containsExactly("docs/runbook.md", "backend/docs/api.md");
            assertThat(m.changedFiles()).isEqualTo(2);
            assertThat(m.reason()).isEqualTo("none of the 2 changed files matches");
        }

        @Test
        @DisplayName("paths-ignore: runs when any changed file is not ignored; nothing to deploy when all are")
        void pathsIgnore() {
            String yaml = "on:\n  push:\n    paths-ignore:\n      - 'docs/**'\n      - '*.md'\n";
            assertThat(judge(yaml, DOCS).deploys()).isFalse();
            assertThat(judge(yaml, DOCS).reason()).isEqualTo("all 2 changed files are ignored");
            DeployMatch m = judge(yaml, BACKEND);
            assertThat(m.deploys()).isTrue();
            assertThat(m.files()).containsExactly("backend/app/quotes.py");
            assertThat(m.reason()).isEqualTo("1 of the 2 changed files is not ignored");
            assertThat(m.filter()).isEqualTo(SOURCE + " on.push.paths-ignore [docs/**, *.md]");
        }

        @Test
        @DisplayName("no changed file at all starts nothing when there is a path filter")
        void noFiles() {
            assertThat(judge(PATHS, ChangedFiles.of()).deploys()).isFalse();
            assertThat(judge(PATHS, ChangedFiles.of()).reason()).isEqualTo("the pull request changes no file");
        }

        @Test
        @DisplayName("a list GitHub cut short whose listed files do not match is taken to deploy")
        void incompleteList() {
            DeployMatch m = judge(PATHS, ChangedFiles.partial(List.of("docs/runbook.md")));
            assertThat(m.deploys()).isTrue();
            assertThat(m.reason()).contains("GitHub lists only the first 3000 files", "taken to deploy");
        }

        @Test
        @DisplayName("a single pattern may be given as a string")
        void singlePattern() {
            assertThat(judge("on:\n  push:\n    paths: 'backend/**'\n", BACKEND).deploys()).isTrue();
        }

        @Test
        @DisplayName("paths with paths-ignore, an invalid pattern, or a negative-only list: errors GitHub also refuses")
        void invalid() {
            assertThatThrownBy(() -> DeployFilter.fromWorkflow(
                    "on:\n  push:\n    paths: ['backend/**']\n    paths-ignore: ['docs/**']\n", SOURCE))
                    .hasMessageContaining("on.push has both paths and paths-ignore, which GitHub does not allow");
            assertThatThrownBy(() -> DeployFilter.fromWorkflow("on:\n  push:\n    paths: ['backend/[]']\n", SOURCE))
                    .hasMessageContaining("on.push.paths: pattern 'backend/[]': empty brackets");
            assertThatThrownBy(() -> DeployFilter.fromWorkflow("on:\n  push:\n    paths: ['!docs/**']\n", SOURCE))
                    .hasMessageContaining("only negative patterns");
            assertThatThrownBy(() -> DeployFilter.fromWorkflow("on:\n  push:\n    paths: {a: b}\n", SOURCE))
                    .hasMessageContaining("on.push.paths must be a list of patterns");
        }
    }

    @Nested
    @DisplayName("on.push.branches, branches-ignore, tags")
    class Branches {

        @Test
        @DisplayName("branches and paths must both be satisfied")
        void both() {
            String yaml = "on:\n  push:\n    branches: [main, 'release/**']\n    paths: ['backend/**']\n";
            assertThat(judge(yaml, BACKEND).deploys()).isTrue();
            assertThat(judge(yaml, DOCS).deploys()).isFalse();
            DeployMatch other = DeployFilter.fromWorkflow(yaml, SOURCE).judge("develop", BACKEND);
            assertThat(other.deploys()).isFalse();
            assertThat(other.reason()).isEqualTo("a push to develop does not start it: on.push.branches "
                    + "[main, release/**] does not select develop");
            assertThat(other.filter()).isEqualTo(SOURCE + " on.push.branches [main, release/**], on.push.paths "
                    + "[backend/**]");
        }

        @Test
        @DisplayName("branches-ignore that ignores the base branch starts nothing")
        void branchesIgnore() {
            DeployMatch m = judge("on:\n  push:\n    branches-ignore: ['main']\n", BACKEND);
            assertThat(m.deploys()).isFalse();
            assertThat(m.reason()).contains("ignores main");
        }

        @Test
        @DisplayName("only tags (or tags-ignore): a push to a branch does not start it")
        void tagsOnly() {
            DeployMatch m = judge("on:\n  push:\n    tags: ['v*']\n", BACKEND);
            assertThat(m.deploys()).isFalse();
            assertThat(m.reason()).contains("filters only tags");
            assertThat(judge("on:\n  push:\n    tags: ['v*']\n    branches: [main]\n", BACKEND).deploys()).isTrue();
        }

        @Test
        @DisplayName("branches with branches-ignore is refused, as GitHub refuses it")
        void bothBranchFilters() {
            assertThatThrownBy(() -> DeployFilter.fromWorkflow(
                    "on:\n  push:\n    branches: [main]\n    branches-ignore: [dev]\n", SOURCE))
                    .hasMessageContaining("both branches and branches-ignore");
        }
    }

    @Test
    @DisplayName("paths given explicitly replace the workflow's filter, with the same semantics")
    void explicitPaths() {
        DeployFilter f = DeployFilter.ofPaths("deployPaths (configured)", FilterPatterns.of("backend/**",
                "!backend/docs/**"));
        assertThat(f.judge("main", BACKEND).deploys()).isTrue();
        assertThat(f.judge("main", ChangedFiles.of("backend/docs/api.md")).deploys()).isFalse();
        assertThat(f.describe()).isEqualTo("deployPaths (configured) on.push.paths [backend/**, !backend/docs/**]");
    }
}
