package io.releasepipeline.cli.wiring;

import static io.releasepipeline.cli.wiring.ProductionWorld.NEW;
import static io.releasepipeline.cli.wiring.ProductionWorld.PR;
import static io.releasepipeline.cli.wiring.ProductionWorld.STABLE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import io.releasepipeline.format.SafeText;
import io.releasepipeline.hostile.HostileText;
import io.releasepipeline.hostile.SafeOutput;
import io.releasepipeline.testkit.local.RevisionServer.Behaviour;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The hostile-input test through the packaged CLI with production wiring: GitHub (WireMock) serves a pull request
 * whose title, body, head branch, review texts, a check run's name and the check runs' URLs are
 * {@link HostileText}, and refuses deployment statuses with a hostile message; Azure Monitor fires an alert whose
 * name and description are hostile; a person rolls back with a hostile reason. Every stdout and stderr line (the
 * child's logs included) and every comment and deployment description GitHub received is checked by
 * {@link SafeOutput}. The run happens "in GitHub Actions" (the runner's variables set), so the notes link the run.
 */
class HostileInputIT extends ProductionWiring {

    private static final String RUN_PAGE = "https://github.com/octo-org/trade-nexus/actions/runs/4242";
    /** A line holds at most one neutralised text of 8,000 characters (the CLI's line limit) and its escapes. */
    private static final int LINE_BOUND = 12_000;

    @BeforeEach
    void hostileWorld() {
        stableAppAndGreenPr(40).hostile(PR, CHECKS, HostileText::of, null)
                .deploymentStatusesRefused(HostileText.shortOf("GitHub's refusal"));
        world.env("GITHUB_SERVER_URL", "https://github.com", false)
                .env("GITHUB_REPOSITORY", "octo-org/trade-nexus", false).env("GITHUB_RUN_ID", "4242", false);
    }

    @Test
    @DisplayName("promoted, then rolled back by hand with a hostile reason: console, logs and the note are safe, and "
            + "the note links the run, not a local path")
    void promotedThenRolledBackByHand() {
        world.mergeDeploys(Behaviour.HEALTHY);

        ReleaseProcess.Run promoted = world.run("promote", "--pr", String.valueOf(PR));

        assertThat(promoted.exitCode()).as(promoted.toString()).isZero();
        assertThat(promoted.out()).contains("PROMOTED");
        assertThat(promoted.out() + promoted.err()).as("GitHub's hostile refusal reached the console")
                .contains("deployment status").contains(HostileText.SENTINEL);
        assertSafe(promoted, LINE_BOUND);

        ReleaseProcess.Run manual = world.run("rollback", "--reason", HostileText.of("rollback reason"), "--pr",
                String.valueOf(PR));

        assertThat(manual.exitCode()).as(manual.toString()).isZero();
        assertThat(world.standIn.traffic()).containsEntry(STABLE, 100);
        assertSafe(manual, LINE_BOUND);
        assertThat(comments()).singleElement().satisfies(note -> {
            SafeOutput.assertSafeMarkdown("incident note", note, 12_000);
            assertThat(note).contains(HostileText.SENTINEL).contains("](" + RUN_PAGE + ")")
                    .doesNotContain(dir.toString());
        });
        assertGitHubWritesSafe();
    }

    @Test
    @DisplayName("rolled back by a hostile Azure Monitor alert, JSON on stdout: every line safe, the document whole")
    void rolledBackByHostileAlert() {
        world.mergeDeploys(Behaviour.HEALTHY)
                .alertFiresWhileServing(NEW, escaped(HostileText.shortOf("alert name")),
                        escaped(HostileText.of("alert description")))
                .section("rollback", """
                        rollback:
                          smoke:
                            failingFor: 30s
                          health:
                            enabled: false
                          errorRate:
                            enabled: false
                          alerts:
                            enabled: true
                            interval: 250ms
                        """).section("observation", """
                        observation:
                          window: 20s
                        """);

        ReleaseProcess.Run run = world.run("promote", "--pr", String.valueOf(PR), "--output", "json");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        JsonNode doc = ProductionWorld.json(run);
        assertThat(doc.path("rollback").path("trigger").path("trigger").asText()).isEqualTo("alert");
        // (The lone surrogate does not survive the stand-in's UTF-8; the rest arrives as written.)
        assertThat(doc.path("rollback").path("reason").asText()).as("the record keeps the text")
                .contains(HostileText.FORGED_LINE + "\n::set-output name=x::PWN\n  ::add-mask::PWN\n##[error]PWN");
        // The JSON document carries the record whole (100 KB fields): its lines are long, never unsafe.
        SafeOutput.assertSafeLines("stdout (JSON)", run.out(), Integer.MAX_VALUE);
        SafeOutput.assertSafeLines("stderr", run.err(), LINE_BOUND);
        assertThat(comments()).singleElement().satisfies(note -> {
            SafeOutput.assertSafeMarkdown("incident note", note, 12_000);
            assertThat(note).contains("was rolled back").contains("](" + RUN_PAGE + ")");
        });
        assertGitHubWritesSafe();
    }

    @Test
    @DisplayName("a required check failed with a hostile URL: `release gates` prints safe lines and exits 2")
    void gatesWithAHostileCheck() {
        world.github.hostile(PR, CHECKS, HostileText::of, "tests");

        ReleaseProcess.Run run = world.run("gates", "--pr", String.valueOf(PR));

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.out()).contains("FAIL").contains(HostileText.SENTINEL);
        assertSafe(run, LINE_BOUND);
    }

    private static void assertSafe(ReleaseProcess.Run run, int lineBound) {
        SafeOutput.assertSafeLines("stdout", run.out(), lineBound);
        SafeOutput.assertSafeLines("stderr", run.err(), lineBound);
    }

    /** The bodies of the comments GitHub received. */
    private List<String> comments() {
        return bodies("/comments").stream().map(b -> b.path("body").asText()).toList();
    }

    /** Every comment and deployment description GitHub received is safe. */
    private void assertGitHubWritesSafe() {
        bodies("/comments").forEach(b -> SafeOutput.assertSafeMarkdown("comment", b.path("body").asText(),
                SafeText.COMMENT_LIMIT));
        List<JsonNode> deployments = bodies("/deployments");
        deployments.addAll(bodies("/statuses"));
        assertThat(deployments).isNotEmpty().allSatisfy(b -> SafeOutput.assertSafeGitHubPlain(
                "deployment description", b.path("description").asText(), 140));
    }

    private List<JsonNode> bodies(String pathEnd) {
        return new java.util.ArrayList<>(world.github.requests().stream()
                .filter(r -> r.getMethod().getName().equals("POST") && r.getUrl().endsWith(pathEnd))
                .map(ProductionWorld::body).toList());
    }

    /** Text as it must stand between the quotes of a JSON string, since the alert stand-in writes it in as it is. */
    private static String escaped(String text) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(text));
    }
}
