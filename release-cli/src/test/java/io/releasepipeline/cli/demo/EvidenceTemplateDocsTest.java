package io.releasepipeline.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.cli.ReleaseCli;
import io.releasepipeline.evidence.EvidenceJson;
import io.releasepipeline.evidence.EvidenceReport;
import io.releasepipeline.evidence.EvidenceTemplate;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.file.FileEvidenceStore;
import io.releasepipeline.testkit.local.LocalWorld;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docs/evidence/}: the team's example form ({@code release-evidence-template.md}) filled from a real promotion
 * and a real rollback of {@code release demo} (real HTTP revision servers behind a local router), each as its record
 * ({@code .json}), its chart ({@code .svg}) and the form filled from it ({@code .md}, with the docs' file names).
 *
 * <p>The fast test fails when the checked-in {@code .md} and {@code .svg} are no longer what the code renders from
 * the checked-in records (the template, the report or a placeholder changed). The demo test runs {@code release demo}
 * as a child process in a directory where {@code .ops/templates/release-evidence.md} is the docs' form, and checks
 * that the evidence it writes is the form filled in. Values that differ per run (ids, times, ports, latencies) live
 * only in the records, so nothing is compared to a run's values. Regenerate the examples from a fresh demo run with
 * {@code ./mvnw -B -o -pl release-cli verify -Dtest=EvidenceTemplateDocsTest -Devidence.template.regenerate=true
 * -Dsurefire.failIfNoSpecifiedTests=false -DskipITs}.
 */
class EvidenceTemplateDocsTest {

    /** Surefire runs in the module directory; the docs live at the repository root. */
    private static final Path DOCS = Path.of("..", "docs", "evidence");
    private static final Path FORM = DOCS.resolve("release-evidence-template.md");
    private static final List<String> EXAMPLES = List.of("example-promoted", "example-rolled-back");
    private static final boolean REGENERATE = Boolean.getBoolean("evidence.template.regenerate");

    @TempDir
    Path dir;

    @Test
    @DisplayName("docs/evidence/example-*.md and .svg are what the form and the report render from the checked-in "
            + "records")
    void checkedInExamplesAreCurrent() throws IOException {
        EvidenceTemplate form = EvidenceTemplate.read(FORM);
        for (String example : EXAMPLES) {
            ReleaseRecord record = EvidenceJson.fromBytes(Files.readAllBytes(DOCS.resolve(example + ".json")),
                    ReleaseRecord.class);
            assertThat(Files.readString(DOCS.resolve(example + ".md"))).as("%s.md is stale; regenerate it (see this "
                    + "test's javadoc)", example).isEqualTo(form.render(record, example + ".svg"));
            assertThat(Files.readString(DOCS.resolve(example + ".svg"))).as("%s.svg is stale", example)
                    .isEqualTo(EvidenceReport.svg(record));
        }
        assertThat(record("example-promoted").outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(record("example-rolled-back").outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
    }

    @Test
    @DisplayName("`release demo` in a directory with .ops/templates/release-evidence.md writes the form filled in for "
            + "the promotion and the rollback")
    void demoWritesTheFilledForm() throws Exception {
        Path template = dir.resolve(EvidenceTemplate.DEFAULT_PATH);
        Files.createDirectories(template.getParent());
        Files.copy(FORM, template);
        Path log = dir.resolve("demo.log");

        Process demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                ReleaseCli.class.getName(), "demo", "--evidence-dir", "evidence")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = demo.waitFor(3, TimeUnit.MINUTES);
        if (!ended) {
            demo.destroyForcibly().waitFor();
        }

        assertThat(ended).as("the demo ended within 3 minutes:\n%s", Files.readString(log)).isTrue();
        assertThat(demo.exitValue()).as(Files.readString(log)).isZero();
        assertThat(Files.readString(log)).contains("Markdown: .ops/templates/release-evidence.md filled in");
        EvidenceTemplate form = EvidenceTemplate.read(FORM);
        FileEvidenceStore store = FileEvidenceStore.of(dir.resolve("evidence"));
        List<ReleaseRecord> records = store.latest(LocalWorld.APP, 2);
        assertThat(records).extracting(ReleaseRecord::outcome)
                .containsExactly(ReleaseOutcome.ROLLED_BACK, ReleaseOutcome.PROMOTED);
        for (ReleaseRecord record : records) {
            String base = record.startedAt().toString().substring(0, 10) + "-" + record.app() + "-"
                    + record.releaseId();
            assertThat(Files.readString(dir.resolve("evidence").resolve(base + ".md")))
                    .isEqualTo(form.render(record, base + ".svg"))
                    .startsWith("# Release evidence: `backend` `" + record.releaseId() + "`");
        }
        if (REGENERATE) {
            write("example-rolled-back", records.get(0));
            write("example-promoted", records.get(1));
        }
    }

    @Test
    @DisplayName("`release demo --template` with an unknown placeholder exits 64 naming it, and starts nothing")
    void demoRefusesABadTemplate() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.md"), "# {{app}}\n{{gates}}\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = ReleaseCli.execute(o, e, new io.releasepipeline.cli.CloudProviderFactory(), "demo",
                    "--template", bad.toString(), "--evidence-dir", dir.resolve("evidence").toString());
        }

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(64);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(bad + " line 2, column 1: unknown placeholder "
                + "{{gates}}");
        assertThat(dir.resolve("evidence")).doesNotExist();
    }

    private static ReleaseRecord record(String example) throws IOException {
        return EvidenceJson.fromBytes(Files.readAllBytes(DOCS.resolve(example + ".json")), ReleaseRecord.class);
    }

    private static void write(String example, ReleaseRecord record) throws IOException {
        Files.write(DOCS.resolve(example + ".json"), EvidenceJson.toBytes(record));
        Files.writeString(DOCS.resolve(example + ".svg"), EvidenceReport.svg(record));
        Files.writeString(DOCS.resolve(example + ".md"), EvidenceTemplate.read(FORM).render(record,
                example + ".svg"));
    }
}
