package io.releasepipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.releasepipeline.cli.config.CliConfig;
import io.releasepipeline.cli.config.ConfigReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What actionlint (run by {@code .ci/run}) cannot know about the two release workflows: they start the CLI with
 * {@code exec}, finish a cancelled release by its id, keep one release per app, ask for no more than they need, run
 * only the default branch's code with their tokens, use the Blob-backed {@code .github/release.yaml}, and give the
 * job time for the worst case that config allows.
 */
class ReleaseWorkflowsTest {

    /** Surefire runs in the module directory; the workflows live at the repository root. */
    private static final Path ROOT = Path.of("..");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern USES = Pattern.compile("(?m)^\\s*(?:- )?uses:\\s*(\\S+)(.*)$");

    private static JsonNode workflow(String name) throws IOException {
        return YAML.readTree(ROOT.resolve(".github/workflows").resolve(name).toFile());
    }

    private static List<JsonNode> steps(JsonNode workflow) {
        List<JsonNode> steps = new ArrayList<>();
        workflow.path("jobs").forEach(job -> job.path("steps").forEach(steps::add));
        return steps;
    }

    @Test
    @DisplayName("every action in every workflow is pinned to a full commit sha, its version in a comment")
    void actionsArePinnedToCommitShas() throws IOException {
        try (Stream<Path> files = Files.list(ROOT.resolve(".github/workflows"))) {
            for (Path file : files.toList()) {
                Matcher m = USES.matcher(Files.readString(file));
                while (m.find()) {
                    assertThat(m.group(1)).as(file + ": " + m.group()).matches("[\\w.-]+/[\\w./-]+@[0-9a-f]{40}");
                    assertThat(m.group(2)).as(file + ": " + m.group()).matches("\\s+# v\\d+(\\.\\d+)*");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"release.yml", "release-post-merge.yml"})
    @DisplayName("exec java, a cancelled() resume of the same release id, results uploaded always, one release per app")
    void aReleaseWorkflowHandlesCancelsAndConcurrency(String name) throws IOException {
        JsonNode wf = workflow(name);

        assertThat(wf.path("concurrency").path("group").asText()).isEqualTo("release-trade-nexus-backend");
        assertThat(wf.path("concurrency").path("cancel-in-progress").asBoolean(true)).isFalse();
        assertThat(wf.path("permissions").isObject() && wf.path("permissions").isEmpty())
                .as("no workflow-wide permissions").isTrue();
        List<JsonNode> steps = steps(wf);
        List<String> javaRuns = steps.stream().map(s -> s.path("run").asText("")).filter(r -> r.contains("java "))
                .toList();
        assertThat(javaRuns).hasSize(2).allSatisfy(run -> assertThat(run.lines()
                .filter(l -> l.contains("java ")).toList()).allSatisfy(l -> assertThat(l.strip())
                        .startsWith("exec java -jar")));
        JsonNode promote = steps.stream().filter(s -> s.path("run").asText("").contains("promote")).findFirst()
                .orElseThrow();
        assertThat(promote.path("run").asText()).contains("--event \"$GITHUB_EVENT_PATH\"",
                "--release-id \"$RELEASE_ID\"", "--config .github/release.yaml");
        assertThat(steps).filteredOn(s -> s.path("if").asText("").equals("cancelled()")).singleElement()
                .satisfies(s -> assertThat(s.path("run").asText())
                        .contains("resume", "--release \"$RELEASE_ID\" --if-started"));
        assertThat(steps).filteredOn(s -> s.path("uses").asText("").startsWith("actions/upload-artifact@"))
                .singleElement().satisfies(s -> assertThat(s.path("if").asText()).isEqualTo("always()"));
        assertThat(wf.path("jobs").path("release").path("env").path("RELEASE_ID").asText())
                .isEqualTo("gh-${{ github.run_id }}-${{ github.run_attempt }}");
    }

    @Test
    @DisplayName("least privilege: only the pre-merge workflow may merge (contents: write)")
    void onlyThePreMergeWorkflowMayMerge() throws IOException {
        JsonNode pre = workflow("release.yml").path("jobs").path("release").path("permissions");
        JsonNode post = workflow("release-post-merge.yml").path("jobs").path("release").path("permissions");

        assertThat(pre.path("contents").asText()).isEqualTo("write");
        assertThat(post.path("contents").asText()).isEqualTo("read");
        for (JsonNode p : List.of(pre, post)) {
            assertThat(p.path("id-token").asText()).isEqualTo("write");
            assertThat(p.path("pull-requests").asText()).isEqualTo("read");
            assertThat(p.has("packages") || p.has("security-events") || p.has("pages")).isFalse();
        }
        assertThat(workflow("release.yml").path("on").has("pull_request")).as("the old post-merge trigger").isFalse();
        assertThat(workflow("release-post-merge.yml").path("on").path("workflow_run").path("types").toString())
                .isEqualTo("[\"requested\"]");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"release.yml", "release-post-merge.yml"})
    @DisplayName("the job checks out the default branch, never a pull request's head, and keeps no token in .git")
    void checksOutTheDefaultBranchWithoutPersistingTheToken(String name) throws IOException {
        List<JsonNode> checkouts = steps(workflow(name)).stream()
                .filter(s -> s.path("uses").asText("").startsWith("actions/checkout@")).toList();

        assertThat(checkouts).singleElement().satisfies(c -> {
            assertThat(c.path("with").has("ref")).as("a ref would check out other code").isFalse();
            assertThat(c.path("with").has("repository")).isFalse();
            assertThat(c.path("with").path("persist-credentials").asBoolean(true)).isFalse();
        });
    }

    @Test
    @DisplayName("the workflows' release.yaml keeps evidence in Blob storage, and the job timeout covers its worst case")
    void theConfigKeepsEvidenceInBlobAndTheTimeoutFits() throws IOException {
        CliConfig c = ConfigReader.read(ROOT.resolve(".github/release.yaml"));

        assertThat(c.evidence().blob()).isPresent();
        assertThat(c.evidence().directory()).isEmpty();
        List<Integer> steps = c.traffic().steps();
        Duration worst = c.polling().deployTimeout().plus(c.polling().revisionReadyTimeout())
                .plus(c.traffic().stepPause().multipliedBy(steps.size() - 1L))
                .plus(c.traffic().approvals().timeout().multipliedBy(c.traffic().approvalBefore().size()))
                .plus(c.observation())
                .plus(c.rollback().errorRate().holdLimit())
                .plus(c.rollback().smoke().failingFor());
        for (String name : List.of("release.yml", "release-post-merge.yml")) {
            long minutes = workflow(name).path("jobs").path("release").path("timeout-minutes").asLong();
            assertThat(Duration.ofMinutes(minutes)).as(name + " timeout-minutes vs the worst case " + worst)
                    .isGreaterThanOrEqualTo(worst);
        }
        assertThat(c.traffic().approvalBefore()).as("a canary with an approval wait").isNotEmpty();
    }
}
