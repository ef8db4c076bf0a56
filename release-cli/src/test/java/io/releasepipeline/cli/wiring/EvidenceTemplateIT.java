package io.releasepipeline.cli.wiring;

import static io.releasepipeline.cli.wiring.ProductionWorld.NEW;
import static io.releasepipeline.cli.wiring.ProductionWorld.PR;
import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.evidence.EvidenceReport;
import io.releasepipeline.evidence.EvidenceTemplate;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.file.FileEvidenceStore;
import io.releasepipeline.testkit.local.RevisionServer.Behaviour;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The runbook's {@code .ops/templates/release-evidence.md} through the packaged jar with production wiring: when it
 * exists in the working directory, the evidence {@code .md} is it filled in; when it has an unknown placeholder, the
 * CLI exits 64 before any request.
 */
class EvidenceTemplateIT extends ProductionWiring {

    private Path template(String text) throws IOException {
        Path file = dir.resolve(EvidenceTemplate.DEFAULT_PATH);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    @Test
    @DisplayName("promote with .ops/templates/release-evidence.md present: the evidence .md is it filled in, then the "
            + "full report")
    void promotionWritesTheFilledTemplate() throws IOException {
        stableAppAndGreenPr(40);
        world.mergeDeploys(Behaviour.HEALTHY);
        template("""
                # Release evidence: {{app}} {{release_id}} ({{date}})

                - PR: {{pr}} {{pr_title}}
                - Revisions: {{stable_revision}} -> {{new_revision}}
                - {{gates_checkbox}} Gates: {{gates_verdict}}
                - Outcome: **{{outcome}}**

                ## Traffic
                {{traffic_changes}}
                """);

        ReleaseProcess.Run run = world.run("promote", "--pr", String.valueOf(PR));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        ReleaseRecord record = FileEvidenceStore.of(dir.resolve(FileEvidenceStore.DEFAULT_ROOT))
                .latest(ProductionWorld.APP, 1).get(0);
        Path md;
        try (Stream<Path> files = Files.list(dir.resolve(FileEvidenceStore.DEFAULT_ROOT))) {
            md = files.filter(f -> f.getFileName().toString().endsWith("-" + record.releaseId() + ".md")).findFirst()
                    .orElseThrow();
        }
        String chart = md.getFileName().toString().replace(".md", ".svg");
        assertThat(Files.readString(md)).startsWith("# Release evidence: `" + ProductionWorld.APP + "` `"
                + record.releaseId() + "` (" + md.getFileName().toString().substring(0, 10) + ")\n")
                .contains("- Revisions: `" + ProductionWorld.STABLE + "` -> `" + NEW + "`",
                        "- [x] Gates: all " + record.gates().size() + " passed", "- Outcome: **PROMOTED**",
                        "## Traffic\n| Time | Since start | From | To | Reason |")
                .endsWith("\n\n---\n\n" + EvidenceReport.markdown(record, chart));
    }

    @Test
    @DisplayName("an unknown placeholder in .ops/templates/release-evidence.md: exit 64 naming it, before any request")
    void unknownPlaceholderRefusedBeforeAnyRequest() throws IOException {
        stableAppAndGreenPr(5);
        template("# {{app}}\n\n- Head: {{head_commit}}\n");

        ReleaseProcess.Run run = world.run("promote", "--pr", String.valueOf(PR));

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(64);
        assertThat(world.github.requests()).as("requests to GitHub").isEmpty();
        assertThat(world.armRequests()).as("requests to Resource Manager").isEmpty();
        assertThat(run.err()).contains("evidence.template: (the default, found) .ops/templates/release-evidence.md "
                + "line 3, column 9: unknown placeholder {{head_commit}} (the known placeholders are {{release_id}}",
                "is invalid (1 problem)");
    }

    @Test
    @DisplayName("demo --simulated checks .ops/templates/release-evidence.md too: an invalid one exits 64 before the "
            + "story starts")
    void simulatedDemoChecksTheDefaultTemplate() throws IOException {
        template("# {{app}}\n\n- Head: {{head_commit}}\n");

        ReleaseProcess.Run run = world.run("demo", "--simulated");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(64);
        assertThat(run.err()).contains(".ops/templates/release-evidence.md line 3, column 9: unknown placeholder "
                + "{{head_commit}}");
        assertThat(run.out()).doesNotContain("PROMOTED");
    }
}
