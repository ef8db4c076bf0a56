package io.releasepipeline.scenario;

import static io.releasepipeline.testkit.Simulation.APP;
import static io.releasepipeline.testkit.Simulation.NEW;
import static io.releasepipeline.testkit.Simulation.PR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.evidence.EvidenceReport;
import io.releasepipeline.evidence.EvidenceTemplate;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.file.FileEvidenceStore;
import io.releasepipeline.testkit.Simulation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pipeline built with the team's evidence template writes it filled in; a bad template stops it at build. */
class EvidenceTemplateScenarioTest {

    private static final String FORM = """
            # Release evidence {{date}}: {{app}} {{release_id}}

            | | |
            |---|---|
            | PR | {{pr}}: {{pr_title}} |
            | Environment | {{environment}} |
            | Revisions | {{stable_revision}} -> {{new_revision}} |
            | Outcome | **{{outcome}}**: {{outcome_sentence}} |

            ## Checklist
            - {{gates_checkbox}} Gates: {{gates_verdict}}
            - {{smoke_checkbox}} Smoke checks: {{smoke_verdict}}

            ## Traffic
            {{traffic_changes}}

            ## Rollback
            {{rollback}}
            """;

    @TempDir
    Path dir;

    @Test
    @DisplayName("a rolled-back release's .md in the filesystem store is the team's template filled in, then the "
            + "report")
    void rolledBackReleaseWritesTheFilledTemplate() throws IOException {
        Simulation sim = new Simulation();
        FileEvidenceStore store = FileEvidenceStore.of(dir.resolve("evidence"));
        store.write(sim.evidence.latest(APP, 1).get(0));
        sim.ci.pr(PR).title("Quotes in EUR @org/payments ![x](https://evil.example/p.png)");
        sim.signals.revision(NEW).errorRateFrom(Duration.ofMinutes(2), 0.2);

        ReleaseResult result = sim.builder().evidence(store).evidenceTemplate(EvidenceTemplate.parse("form", FORM))
                .build().promote(ReleaseRequest.ofPullRequest(PR).withReleaseId("pr123-template"));

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        Path md = dir.resolve("evidence").resolve(result.record().startedAt().toString().substring(0, 10)
                + "-backend-pr123-template.md");
        String written = Files.readString(md);
        assertThat(written).startsWith("# Release evidence " + result.record().startedAt().toString()
                .substring(0, 10) + ": `backend` `pr123-template`\n")
                .contains("| PR | [#123](https://github.com/org/trade-nexus/pull/123): Quotes in EUR "
                        + "@\u200Borg/payments !\\[x\\](https://evil.example/p.png) |",
                        "| Environment | production |", "| Revisions | `v1` -> `v2` |",
                        "| Outcome | **ROLLED_BACK**: Rolled back: ", "- [x] Gates: all " + result.record().gates().size() + " passed",
                        "## Rollback\n| Field | Value |")
                .contains("\n\n---\n\n" + EvidenceReport.markdown(result.record(), md.getFileName().toString()
                        .replace(".md", ".svg")));
        assertThat(store.read(APP, "pr123-template")).contains(result.record());
        assertThat(Files.exists(md.resolveSibling(md.getFileName().toString().replace(".md", ".svg")))).isTrue();
    }

    @Test
    @DisplayName("an unknown placeholder in the template file fails build() with the other problems, before any call")
    void unknownPlaceholderIsAConfigurationError() throws IOException {
        Simulation sim = new Simulation();
        Path template = Files.writeString(dir.resolve("release-evidence.md"), "# {{app}}\n\nPR {{pr_titel}}\n");

        assertThatThrownBy(() -> sim.builder().evidenceTemplate(template).observationWindow(Duration.ZERO).build())
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .contains("observationWindow: must be positive, got PT0S")
                        .anySatisfy(p -> assertThat(p).startsWith("evidenceTemplate: " + template + " line 3, "
                                + "column 4: unknown placeholder {{pr_titel}}; did you mean {{pr_title}}? (the known "
                                + "placeholders are {{release_id}}, ")));
        assertThat(sim.ci.calls()).isEmpty();
        assertThat(sim.platform.calls()).isEmpty();
        assertThat(sim.evidence.calls()).isEmpty();
    }

    @Test
    @DisplayName("a template file that does not exist fails build(), naming it")
    void missingTemplateFile() {
        Simulation sim = new Simulation();

        assertThatThrownBy(() -> sim.builder().evidenceTemplate(dir.resolve("missing.md")).build())
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .singleElement().asString().startsWith("evidenceTemplate: " + dir.resolve("missing.md")
                                + ": no such file"));
    }
}
