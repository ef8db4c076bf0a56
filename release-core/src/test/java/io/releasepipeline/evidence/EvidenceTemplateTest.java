package io.releasepipeline.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.evidence.file.FileEvidenceStore;
import io.releasepipeline.format.SafeText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvidenceTemplateTest {

    private static final String CHART = "2025-03-14-trade-nexus-backend-rel-2025-03-14-pr-418.svg";
    private static final ReleaseRecord RECORD = EvidenceFixtures.rolledBackRelease().toBuilder()
            .environment("production").pullRequestTitle("Order index for faster quotes").build();

    /** A template with every placeholder: inline ones as {@code name=⟨value⟩} lines, blocks alone on their line. */
    private static String everyPlaceholder() {
        StringBuilder t = new StringBuilder("# Form\n\n");
        EvidenceTemplate.placeholders().forEach((name, what) -> t.append(what.startsWith("(block)")
                ? "\n{{" + name + "}}\n\n" : name + "=⟨{{" + name + "}}⟩\n\n"));
        return t.toString();
    }

    /** The value each inline placeholder rendered, from a template made by {@link #everyPlaceholder}. */
    private static Map<String, String> inlineValues(String filled) {
        Map<String, String> values = new LinkedHashMap<>();
        filled.lines().filter(l -> l.matches("[a-z_]+=⟨.*⟩")).forEach(l -> values.put(l.substring(0, l.indexOf('=')),
                l.substring(l.indexOf('=') + 2, l.length() - 1)));
        return values;
    }

    @Nested
    @DisplayName("filling")
    class Filling {

        @Test
        @DisplayName("every documented placeholder renders its value from the record")
        void everyPlaceholderRenders() {
            String filled = EvidenceTemplate.parse("t.md", everyPlaceholder()).render(RECORD, CHART);

            Map<String, String> v = inlineValues(filled);
            long inline = EvidenceTemplate.placeholders().values().stream().filter(d -> !d.startsWith("(block)"))
                    .count();
            assertThat(v).hasSize((int) inline);
            assertThat(v).allSatisfy((name, value) -> assertThat(value).as(name).isNotBlank());
            assertThat(v).containsEntry("release_id", "`rel-2025-03-14-pr-418`")
                    .containsEntry("app", "`trade-nexus-backend`")
                    .containsEntry("environment", "production")
                    .containsEntry("kind", "promotion")
                    .containsEntry("date", "2025-03-14")
                    .containsEntry("pr", "[#418](https://github.com/trade-nexus/trade-nexus/pull/418)")
                    .containsEntry("pr_number", "418")
                    .containsEntry("pr_url", "https://github.com/trade-nexus/trade-nexus/pull/418")
                    .containsEntry("pr_title", "Order index for faster quotes")
                    .containsEntry("head_sha", "`9f1c2ab7d0e4c1f8a2b3c4d5e6f708192a3b4c5d`")
                    .containsEntry("merge_sha", "`c0ffee12d0e4c1f8a2b3c4d5e6f708192a3b4c5e`")
                    .containsEntry("stable_revision", "`trade-nexus-backend--0000041`")
                    .containsEntry("new_revision", "`trade-nexus-backend--0000042`")
                    .containsEntry("approvers", "alice, bob")
                    .containsEntry("database_migration", "yes")
                    .containsEntry("outcome", "ROLLED_BACK")
                    .containsEntry("started", "2025-03-14 09:20:00 UTC")
                    .containsEntry("finished", "2025-03-14 09:38:25 UTC")
                    .containsEntry("duration", "18m25s")
                    .containsEntry("gates_checkbox", "[x]")
                    .containsEntry("gates_verdict", "all 5 passed")
                    .containsEntry("smoke_checkbox", "[ ]")
                    .containsEntry("smoke_verdict", "2 passed, 1 failed")
                    .containsEntry("rolled_back", "yes")
                    .containsEntry("rollback_checkbox", "[x]")
                    .containsEntry("deploy_run", "[13524461234](https://github.com/trade-nexus/trade-nexus/actions/"
                            + "runs/13524461234)")
                    .containsEntry("evidence_file", "`2025-03-14-trade-nexus-backend-rel-2025-03-14-pr-418.md`")
                    .containsEntry("chart", "![timeline](" + CHART + ")");
            assertThat(v.get("outcome_sentence")).startsWith("Rolled back: error-rate fired: 5xx 7.9%");
            assertThat(v.get("rollback_reason")).startsWith("error-rate fired: 5xx 7.9% over 5m");
            assertThat(v.get("record_file")).endsWith("(2025-03-14-trade-nexus-backend-rel-2025-03-14-pr-418.json)");
            for (EvidenceReport.Section s : EvidenceReport.Section.values()) {
                if (s != EvidenceReport.Section.TIMELINE) {
                    assertThat(filled).as(s.name()).contains(EvidenceReport.section(RECORD, s, CHART));
                }
            }
            assertThat(filled).contains("| Gate | Verdict | Reason |", "| required-checks | PASS |",
                    "plan step 2 of 3: 50%", "#### Smoke check after the rollback: PASS",
                    "- Pull request: [#418](https://github.com/trade-nexus/trade-nexus/pull/418)",
                    "- Record: [2025-03-14-trade-nexus-backend-rel-2025-03-14-pr-418.json]")
                    .doesNotContain("{{");
            // full_report is placed by the template, so the report is not appended a second time.
            assertThat(filled.split("# Release evidence: ", -1)).hasSize(2);
        }

        @Test
        @DisplayName("values absent from the record render as a dash, not as an empty string or 'null'")
        void absentValues() {
            ReleaseRecord bare = ReleaseRecord.builder("r1", "app", ReleaseRecord.Kind.ROLLBACK, EvidenceFixtures.T0)
                    .build();

            Map<String, String> v = inlineValues(EvidenceTemplate.parse("t.md", everyPlaceholder()).render(bare,
                    "r1.svg"));

            assertThat(v).containsEntry("pr", "—").containsEntry("pr_title", "—").containsEntry("environment", "—")
                    .containsEntry("merge_sha", "—").containsEntry("finished", "—").containsEntry("deploy_run", "—")
                    .containsEntry("kind", "standalone rollback").containsEntry("gates_checkbox", "[ ]")
                    .containsEntry("rolled_back", "no");
            assertThat(v.values()).noneMatch(s -> s.contains("null") || s.contains("Optional"));
        }

        @Test
        @DisplayName("without {{full_report}}, the full report follows the filled template after a horizontal rule")
        void fullReportAppended() {
            String filled = EvidenceTemplate.parse("t.md", "# Our form\n\nRelease {{release_id}}\n").render(RECORD,
                    CHART);

            assertThat(filled).isEqualTo("# Our form\n\nRelease `rel-2025-03-14-pr-418`\n\n---\n\n"
                    + EvidenceReport.markdown(RECORD, CHART));
        }

        @Test
        @DisplayName("${{ github expressions }} stay as written and \\{{ is a literal {{")
        void githubExpressionsAndEscapes() {
            String filled = EvidenceTemplate.parse("t.md", "run: echo ${{ github.sha }} \\{{not_a_placeholder}} "
                    + "{{ app }}\n{{full_report}}\n").render(RECORD, CHART);

            assertThat(filled).startsWith("run: echo ${{ github.sha }} {{not_a_placeholder}} `trade-nexus-backend`\n");
        }

        @Test
        @DisplayName("hostile record text (PR title, reasons, names) is neutralised: nothing pings, loads, links or "
                + "makes a block, and a value is never read as template text")
        void hostileTextNeutralised() {
            String title = "{{notes}} " + EvidenceReportTest.HOSTILE;
            ReleaseRecord hostile = EvidenceReportTest.hostileRecord().toBuilder().pullRequestTitle(title)
                    .environment(EvidenceReportTest.HOSTILE).build();

            String md = EvidenceTemplate.parse("t.md", everyPlaceholder()).render(hostile, "r1.svg");

            assertThat(inlineValues(md)).containsEntry("pr_title", SafeText.markdown(title, 1_000));
            assertThat(md).contains("pr_title=⟨{{notes}} ");
            List<Node> nodes = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            Parser.builder().extensions(List.of(TablesExtension.create())).build().parse(md)
                    .accept(new AbstractVisitor() {
                        @Override
                        protected void visitChildren(Node parent) {
                            nodes.add(parent);
                            super.visitChildren(parent);
                        }

                        @Override
                        public void visit(Text t) {
                            nodes.add(t);
                            text.append(t.getLiteral()).append('\n');
                        }
                    });
            assertThat(nodes).filteredOn(Image.class::isInstance).extracting(n -> ((Image) n).getDestination())
                    .containsOnly("r1.svg");
            assertThat(nodes).filteredOn(Link.class::isInstance).extracting(n -> ((Link) n).getDestination())
                    .allSatisfy(u -> assertThat(u).matches("https://github\\.com/org/repo/pull/9|r1\\.json|r1\\.svg"
                            + "|https://evil\\.example/run%0A#%20x@org/team%20!%5BPWN%5D\\S*"));
            assertThat(nodes).noneMatch(n -> n instanceof HtmlInline || n instanceof HtmlBlock
                    || n instanceof FencedCodeBlock || n instanceof IndentedCodeBlock);
            assertThat(java.util.regex.Pattern.compile("(?<![A-Za-z0-9_])@[A-Za-z0-9]").matcher(text).find())
                    .isFalse();
            assertThat(md).doesNotContain("\r", "\u001B", "\u0007", "\u202E")
                    .doesNotContain("\n# PWN", "\n> PWN", "\n- PWN", "\n```", "\n[main] INFO");
        }
    }

    @Nested
    @DisplayName("problems")
    class Problems {

        @Test
        @DisplayName("unknown placeholders are listed at once, each with its line and column, the last with the known "
                + "names, and the count is of problems only")
        void unknownPlaceholders() {
            String text = "# Form\nRelease {{release_idd}} of {{app}}\n\n  sha {{commit}} and {{ prtitle }}\n";

            assertThatThrownBy(() -> EvidenceTemplate.parse("form.md", text))
                    .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> {
                        assertThat(e.problems()).hasSize(3);
                        assertThat(e.problems().get(0)).isEqualTo("form.md line 2, column 9: unknown placeholder "
                                + "{{release_idd}}; did you mean {{release_id}}?");
                        assertThat(e.problems().get(1)).isEqualTo("form.md line 4, column 7: unknown placeholder "
                                + "{{commit}}");
                        // The known names are part of the last unknown placeholder's problem, not counted apart.
                        assertThat(e.problems().get(2)).startsWith("form.md line 4, column 22: unknown placeholder "
                                + "{{prtitle}}; did you mean {{pr_title}}? (the known placeholders are "
                                + "{{release_id}}, {{app}}, ").contains("{{gates_table}}", "{{full_report}}");
                        assertThat(e.getMessage()).startsWith("evidence template form.md is invalid (3 problems)");
                    });
        }

        @Test
        @DisplayName("malformed syntax is a problem: an unclosed {{, a name that is not a name, a block not alone")
        void malformed() {
            String text = "a {{app\n}}\nb {{Release-Id}}\nGates: {{gates_table}}\n  {{notes}}\n{{notes}} trailing\n";

            assertThatThrownBy(() -> EvidenceTemplate.parse("t.md", text))
                    .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                            .satisfiesExactly(
                                    p -> assertThat(p).startsWith("t.md line 1, column 3: '{{' is not closed"),
                                    p -> assertThat(p).startsWith("t.md line 3, column 3: {{Release-Id}} is not a "
                                            + "placeholder"),
                                    p -> assertThat(p).startsWith("t.md line 4, column 8: {{gates_table}} renders a "
                                            + "block"),
                                    p -> assertThat(p).startsWith("t.md line 5, column 3: {{notes}} renders a block"),
                                    p -> assertThat(p).startsWith("t.md line 6, column 1: {{notes}} renders a block")));
        }

        @Test
        @DisplayName("a missing file is one problem naming it")
        void missingFile(@TempDir Path dir) {
            List<String> problems = new ArrayList<>();

            assertThat(EvidenceTemplate.read(dir.resolve("nope.md"), problems)).isEmpty();

            assertThat(problems).singleElement().asString().startsWith(dir.resolve("nope.md") + ": no such file");
        }
    }

    @Test
    @DisplayName("the filesystem store writes the filled template as the .md, next to the same JSON record and chart")
    void fileStoreWritesTheFilledTemplate(@TempDir Path dir) throws IOException {
        Path templateFile = dir.resolve("release-evidence.md");
        Files.writeString(templateFile, "# {{app}} {{release_id}}\n\n- {{gates_checkbox}} gates: {{gates_verdict}}\n");
        EvidenceTemplate template = EvidenceTemplate.read(templateFile);
        FileEvidenceStore store = FileEvidenceStore.of(dir.resolve("evidence"));

        String where = store.write(RECORD, template);

        String base = "2025-03-14-trade-nexus-backend-rel-2025-03-14-pr-418";
        assertThat(where).endsWith(base + ".md");
        assertThat(Files.readString(Path.of(where))).isEqualTo(template.render(RECORD, base + ".svg"))
                .startsWith("# `trade-nexus-backend` `rel-2025-03-14-pr-418`\n\n- [x] gates: all 5 passed\n\n---\n");
        assertThat(store.read(RECORD.app(), RECORD.releaseId())).contains(RECORD);
        assertThat(Files.readString(dir.resolve("evidence").resolve(base + ".svg"), StandardCharsets.UTF_8))
                .isEqualTo(EvidenceReport.svg(RECORD));
        // The record is what makes a write idempotent, whatever renders the Markdown.
        assertThat(store.write(RECORD)).isEqualTo(where);
    }

    @Test
    @DisplayName("the documented placeholder names are the README's table")
    void readmeDocumentsEveryPlaceholder() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));

        assertThat(EvidenceTemplate.placeholders().keySet().stream().filter(n -> !readme.contains("`{{" + n + "}}`"))
                .collect(Collectors.toList())).as("placeholders missing from the README").isEmpty();
    }
}
