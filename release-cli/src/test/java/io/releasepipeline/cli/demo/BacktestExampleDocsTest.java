package io.releasepipeline.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.cli.CloudProviderFactory;
import io.releasepipeline.cli.ReleaseCli;
import io.releasepipeline.cli.backtest.BacktestHistory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docs/backtest/}: the example report of {@code release backtest}, made by the CLI from a week of real engine
 * releases ({@link BacktestHistory}: written by the engine and the file evidence store in virtual time) with the
 * checked-in candidate {@code docs/backtest/candidate.yaml} (2% where the live policy had 5%). It shows the issue's
 * story: the candidate catches the slow burn the live policy promoted (rolled back by hand later) and flags two good
 * releases as would-be false rollbacks.
 *
 * <p>Fails when the checked-in {@code example-backtest.md} or {@code .svg} is not what the CLI writes today (the
 * renderers, the replay or the engine changed). The only edit is the chart's file name in the Markdown (the CLI
 * names it after the day it ran). Regenerate with {@code ./mvnw -B -o -pl release-cli -am verify
 * -Dtest=BacktestExampleDocsTest -Dbacktest.example.regenerate=true -Dsurefire.failIfNoSpecifiedTests=false
 * -DskipITs}.
 */
class BacktestExampleDocsTest {

    /** Surefire runs in the module directory; the docs live at the repository root. */
    private static final Path DOCS = Path.of("..", "docs", "backtest");
    private static final boolean REGENERATE = Boolean.getBoolean("backtest.example.regenerate");

    @TempDir
    Path dir;

    @Test
    @DisplayName("docs/backtest/example-backtest.md and .svg are what `release backtest` writes over the example "
            + "history, and they tell the issue's story")
    void exampleIsCurrent() throws IOException {
        Path evidence = dir.resolve("evidence");
        Path reports = dir.resolve("reports");
        BacktestHistory.write(evidence);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            code = ReleaseCli.execute(o, o, new CloudProviderFactory(), "backtest", "--config",
                    DOCS.resolve("candidate.yaml").toString(), "--evidence", evidence.toString(), "--app",
                    BacktestHistory.APP, "--report-dir", reports.toString());
        }
        assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
        Path markdown = only(reports, ".md");
        Path svg = only(reports, ".svg");
        String md = Files.readString(markdown).replace("(" + svg.getFileName() + ")", "(example-backtest.svg)");
        String chart = Files.readString(svg);

        assertThat(md).contains("1 on known-bad releases, 2 would-be false rollbacks")
                .contains("catch: pr204 rolled back at t+2m by error-rate at 10%")
                .contains("| `pr204` | 2026-01-08 09:00 UTC | `backend--v5` | promoted at t+20m (later rolled back by "
                        + "hand) |")
                .contains("would-be false rollback: pr202", "would-be false rollback: pr206")
                .contains("not replayable: 1 (the record keeps no samples");
        if (REGENERATE) {
            Files.writeString(DOCS.resolve("example-backtest.md"), md);
            Files.writeString(DOCS.resolve("example-backtest.svg"), chart);
        }
        assertThat(Files.readString(DOCS.resolve("example-backtest.md"))).as("docs/backtest/example-backtest.md is "
                + "stale; regenerate it (see this test's javadoc)").isEqualTo(md);
        assertThat(Files.readString(DOCS.resolve("example-backtest.svg"))).as("docs/backtest/example-backtest.svg is "
                + "stale; regenerate it (see this test's javadoc)").isEqualTo(chart);
    }

    private static Path only(Path directory, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.toString().endsWith(suffix)).reduce((a, b) -> {
                throw new AssertionError("two reports: " + a + ", " + b);
            }).orElseThrow();
        }
    }
}
