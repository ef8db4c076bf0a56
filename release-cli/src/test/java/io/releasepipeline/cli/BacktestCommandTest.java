package io.releasepipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.releasepipeline.cli.CliWorld.Run;
import io.releasepipeline.cli.backtest.BacktestHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code release backtest}, in-process with the production provider factory, over a week of records written by real
 * engine runs into a directory by the real file evidence store ({@link BacktestHistory}): the live policy rolled
 * back at 5%; the candidate here rolls back at 2%.
 */
class BacktestCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CANDIDATE = "rollback:\n  errorRate:\n    threshold: 0.02\n";

    @TempDir
    static Path shared;
    static Path history;

    @TempDir
    Path dir;

    @BeforeAll
    static void writeHistory() {
        history = shared.resolve("evidence");
        BacktestHistory.write(history);
    }


    private static Run cli(String... args) {
        return CliWorld.runProduction(args);
    }

    private Path candidate(String yaml) throws IOException {
        Path file = dir.resolve("candidate.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    /** A copy of the history, to add to or spoil. */
    private Path copy() throws IOException {
        Path copy = dir.resolve("evidence-copy");
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(history)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        return copy;
    }

    @Test
    @DisplayName("a 2% candidate catches the slow burn rolled back by hand, flags two good releases, rolls the bad one"
            + " back earlier, and says the older record is not replayable")
    void candidateAddsRollbacks() throws IOException {
        Path reports = dir.resolve("reports");

        Run run = cli("backtest", "--config", candidate(CANDIDATE).toString(), "--evidence", history.toString(),
                "--report-dir", reports.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("8 releases: 4 agree, 3 rollbacks added (1 on known-bad releases, 2 would-be "
                + "false rollbacks), 0 missed")
                .contains("catch: pr204 rolled back at t+2m by error-rate at 10%: 5xx 3.3% over 5m of 120 requests; "
                        + "threshold 2.0% (2h18m earlier than the rollback by hand)")
                .contains("would-be false rollback: pr202 ", "would-be false rollback: pr206 ")
                .contains("not replayable: 1 (the record keeps no samples")
                .contains("determinism: the live policy reproduced 7/8 records")
                .contains("candidate: error rate > 2.0% over 5m", "live (7 releases): error rate > 5.0% over 5m");
        assertThat(run.out().lines().filter(l -> l.startsWith("pr203 ")).findFirst().orElseThrow())
                .contains("rolled back at t+11m by error-rate at 100%", "would have rolled back at t+2m", "agree -9m");
        assertThat(run.out()).contains("detection time against the live policy (releases both rolled back): 9m gained; "
                + "nothing lost where both rolled back")
                .contains("catches against the rollbacks by hand (not the live policy): 2h18m earlier, over 1 "
                        + "known-bad release");
        String day = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        Path markdown = only(reports, ".md");
        String base = markdown.getFileName().toString().replaceFirst("\\.md$", "");
        assertThat(base).matches(day + "-all-backtest-\\d{6}");
        assertThat(Files.readString(markdown)).contains("| `pr204` |", "**added rollback: catches a known-bad "
                + "release** (2h18m earlier)", "![backtest chart](" + base + ".svg)");
        assertThat(Files.readString(reports.resolve(base + ".svg"))).startsWith("<?xml")
                .contains("Backtest: 8 releases, 4 agree, 1 catch, 2 would-be false rollbacks, 0 missed");
        assertThat(run.out()).contains("report written to " + markdown + " (chart: " + reports.resolve(base + ".svg")
                + ")");
    }

    private static Path only(Path directory, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.toString().endsWith(suffix)).reduce((a, b) -> {
                throw new AssertionError("two reports: " + a + ", " + b);
            }).orElseThrow();
        }
    }

    private static List<String> names(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    @DisplayName("two backtests never overwrite each other's reports (named with the time, then -2, -3 ...), and "
            + "each run says where it wrote")
    void reportsNeverOverwrite() throws IOException {
        Path reports = dir.resolve("reports");

        Run first = cli("backtest", "--config", candidate(CANDIDATE).toString(), "--evidence", history.toString(),
                "--report-dir", reports.toString());
        Run second = cli("backtest", "--config", candidate(CANDIDATE).toString(), "--evidence", history.toString(),
                "--report-dir", reports.toString());

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(second.exitCode()).as(second.err()).isZero();
        List<String> written = names(reports);
        assertThat(written).hasSize(4).filteredOn(n -> n.endsWith(".md")).hasSize(2);
        for (Run run : List.of(first, second)) {
            String line = run.out().lines().filter(l -> l.startsWith("report written to ")).findFirst().orElseThrow();
            Path md = Path.of(line.replaceFirst("^report written to ", "").replaceFirst(" \\(chart: .*$", ""));
            assertThat(Files.readString(md)).startsWith("# Backtest");
            assertThat(line).endsWith("(chart: " + md.toString().replaceFirst("\\.md$", ".svg") + ")");
        }
    }

    @Test
    @DisplayName("a report name already taken (its .md or its .svg) gets the next suffix")
    void reserveTakesTheNextFreeName() throws IOException {
        Files.writeString(dir.resolve("2026-12-02-backend-backtest-071500.md"), "earlier");
        Files.writeString(dir.resolve("2026-12-02-backend-backtest-071500-2.svg"), "<svg/>");

        Path reserved = BacktestCommand.reserve(dir, "2026-12-02-backend-backtest-071500");

        assertThat(reserved.getFileName().toString()).isEqualTo("2026-12-02-backend-backtest-071500-3.md");
        assertThat(Files.readString(dir.resolve("2026-12-02-backend-backtest-071500.md"))).isEqualTo("earlier");
    }

    @Test
    @DisplayName("--output json prints one document: the report, flat rows with times in milliseconds, the files")
    void json() throws IOException {
        Run run = cli("backtest", "--config", candidate(CANDIDATE).toString(), "--evidence", history.toString(),
                "--output", "json", "--app", BacktestHistory.APP);

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode doc = JSON.readTree(run.out());
        assertThat(doc.get("command").asText()).isEqualTo("backtest");
        assertThat(doc.get("exitCode").asInt()).isZero();
        JsonNode summary = doc.at("/report/summary");
        assertThat(summary.get("releases").asInt()).isEqualTo(8);
        assertThat(summary.get("addedOnKnownBad").asInt()).isEqualTo(1);
        assertThat(summary.get("wouldBeFalseRollbacks").asInt()).isEqualTo(2);
        assertThat(summary.get("reproduced").asInt()).isEqualTo(7);
        // Against the live policy: pr203, 9m earlier. The catch of pr204 counts against the rollback by hand, apart.
        assertThat(doc.get("detectionGainedMillis").asLong()).isEqualTo(Duration.ofMinutes(9).toMillis());
        assertThat(doc.get("detectionLostMillis").asLong()).isZero();
        assertThat(doc.get("caughtBeforeHandMillis").asLong()).isEqualTo(Duration.ofMinutes(138).toMillis());
        assertThat(doc.at("/report/candidate/errorRate/threshold").asDouble()).isEqualTo(0.02);
        assertThat(doc.at("/report/live/0/policy/errorRate/threshold").asDouble()).isEqualTo(0.05);
        List<JsonNode> rows = new ArrayList<>();
        doc.get("rows").forEach(rows::add);
        JsonNode slowBurn = rows.stream().filter(r -> r.get("releaseId").asText().equals("pr204")).findFirst()
                .orElseThrow();
        assertThat(slowBurn.get("comparison").asText()).isEqualTo("ADDED_ROLLBACK");
        assertThat(slowBurn.get("knownBad").asBoolean()).isTrue();
        assertThat(slowBurn.get("candidateAtMillis").asLong()).isEqualTo(Duration.ofMinutes(2).toMillis());
        assertThat(slowBurn.get("candidateTrigger").asText()).isEqualTo("error-rate");
        assertThat(slowBurn.get("candidateWeight").asInt()).isEqualTo(10);
        assertThat(slowBurn.get("detectionDeltaMillis").asLong()).isEqualTo(-Duration.ofMinutes(138).toMillis());
        assertThat(slowBurn.get("detectionAgainst").asText()).isEqualTo("hand-rollback");
        assertThat(slowBurn.get("handRollbackAtMillis").asLong()).isEqualTo(Duration.ofMinutes(140).toMillis());
        JsonNode bad = rows.stream().filter(r -> r.get("releaseId").asText().equals("pr203")).findFirst().orElseThrow();
        assertThat(bad.get("liveAtMillis").asLong()).isEqualTo(Duration.ofMinutes(11).toMillis());
        assertThat(bad.get("detectionDeltaMillis").asLong()).isEqualTo(-Duration.ofMinutes(9).toMillis());
        assertThat(bad.get("detectionAgainst").asText()).isEqualTo("live-policy");
        assertThat(bad.has("handRollbackAtMillis")).isFalse();
        assertThat(Path.of(doc.at("/reports/markdown").asText())).exists().startsWith(history.resolve("backtests"));
        assertThat(doc.get("skipped")).isEmpty();
    }

    @Test
    @DisplayName("a bad candidate exits 64 naming every key, with the bad --since, before any record is read or "
            + "report written")
    void badConfig() throws IOException {
        Path evidence = copy();
        Run run = cli("backtest", "--config", candidate("rollback:\n  errorRate:\n    threshold: 2\n    windw: 5m\n"
                + "colour: red\n").toString(), "--evidence", evidence.toString(), "--since", "last tuesday");

        assertThat(run.exitCode()).isEqualTo(ReleaseCli.USAGE);
        assertThat(run.err()).contains("rollback.errorRate.threshold: must be between 0 and 1")
                .contains("rollback.errorRate.windw").contains("colour")
                .contains("release backtest: --since: must be a number of days or hours back (30d, 12h) or a date "
                        + "(2026-11-01, UTC)")
                .contains("got 'last tuesday'")
                .doesNotContain(" is invalid: --since");
        assertThat(evidence.resolve("backtests")).doesNotExist();
        assertThat(run.out()).isEmpty();
    }

    @Test
    @DisplayName("a file without a rollback section is no candidate; an --evidence that is no directory is named")
    void noRollbackSection() throws IOException {
        Run run = cli("backtest", "--config", candidate("app: {name: backend}\n").toString(), "--evidence",
                dir.resolve("nowhere").toString());

        assertThat(run.exitCode()).isEqualTo(ReleaseCli.USAGE);
        assertThat(run.err()).contains("rollback: required: the candidate policy is the rollback section")
                .contains("--evidence: " + dir.resolve("nowhere") + " does not exist");
    }

    @Test
    @DisplayName("without --evidence, a candidate-only file is no release.yaml: exit 64 saying to pass --evidence")
    void candidateOnlyNeedsEvidence() throws IOException {
        Run run = cli("backtest", "--config", candidate(CANDIDATE).toString());

        assertThat(run.exitCode()).isEqualTo(ReleaseCli.USAGE);
        assertThat(run.err()).contains("app.subscription: required", "or pass --evidence DIR with a candidate file");
    }

    @Test
    @DisplayName("a record that cannot be parsed is reported with its name and skipped; the others are replayed")
    void garbageRecordSkipped() throws IOException {
        Path evidence = copy();
        Files.writeString(evidence.resolve("2026-01-12-backend-pr999.json"), "{\"releaseId\": \"pr999\", oops");
        Files.writeString(evidence.resolve("2026-01-13-backend-pr998.json"), "[1, 2]");

        Run run = cli("backtest", "--config", candidate(CANDIDATE).toString(), "--evidence", evidence.toString(),
                "--output", "json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("release backtest: skipped 2026-01-12-backend-pr999.json: is not a valid "
                + "release record (", "at line 1, column ", "restore it or move it out of the directory")
                .doesNotContain("Source", "StreamReadFeature")
                .contains("release backtest: skipped 2026-01-13-backend-pr998.json: is not a valid release record");
        JsonNode doc = JSON.readTree(run.out());
        assertThat(doc.at("/report/summary/releases").asInt()).isEqualTo(8);
        assertThat(doc.get("skipped")).hasSize(2);
        assertThat(doc.at("/skipped/0/name").asText()).isEqualTo("2026-01-12-backend-pr999.json");
        assertThat(Files.readString(Path.of(doc.at("/reports/markdown").asText())))
                .contains("## Records skipped", "`2026-01-12-backend-pr999.json`");
    }

    @Test
    @DisplayName("--since keeps the releases started since then; the standalone rollback still labels them")
    void since() throws IOException {
        Run fromDate = cli("backtest", "--config", candidate(CANDIDATE).toString(), "--evidence", history.toString(),
                "--since", "2026-01-08", "--output", "json");
        Run recent = cli("backtest", "--config", candidate(CANDIDATE).toString(), "--evidence", history.toString(),
                "--since", "30d", "--output", "json");

        JsonNode doc = JSON.readTree(fromDate.out());
        List<String> ids = new ArrayList<>();
        doc.get("rows").forEach(r -> ids.add(r.get("releaseId").asText()));
        assertThat(ids).containsExactly("pr204", "pr205", "pr206", "pr207");
        assertThat(doc.at("/report/summary/addedOnKnownBad").asInt()).isEqualTo(1);
        assertThat(JSON.readTree(recent.out()).at("/report/summary/releases").asInt()).as("the history is of "
                + "January 2026").isZero();
        Run otherApp = cli("backtest", "--config", candidate("app: {name: payments}\n" + CANDIDATE).toString(),
                "--evidence", history.toString(), "--output", "json");
        assertThat(otherApp.exitCode()).as("the candidate's app.name picks the app; none of its records: exit 64")
                .isEqualTo(ReleaseCli.USAGE);
    }

    @Test
    @DisplayName("--since reads 30d and 12h back from now, or a date at its start in UTC; nothing else")
    void sinceForms() {
        Instant now = Instant.parse("2026-12-02T06:00:00Z");
        assertThat(BacktestCommand.parseSince("30d", now)).contains(Instant.parse("2026-11-02T06:00:00Z"));
        assertThat(BacktestCommand.parseSince("12h", now)).contains(Instant.parse("2026-12-01T18:00:00Z"));
        assertThat(BacktestCommand.parseSince("2026-11-01", now)).contains(Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(BacktestCommand.parseSince("yesterday", now)).isEmpty();
        assertThat(BacktestCommand.parseSince("-3d", now)).isEmpty();
        // "1m" reads as a month to many: minutes, seconds and compound durations are not taken.
        assertThat(BacktestCommand.parseSince("1m", now)).isEmpty();
        assertThat(BacktestCommand.parseSince("90s", now)).isEmpty();
        assertThat(BacktestCommand.parseSince("1h30m", now)).isEmpty();
    }

    @Test
    @DisplayName("flag mistakes are usage errors of `release backtest` (exit 64, the flag named, the forms taken), "
            + "with --verify too, never a problem of the config file")
    void flagMistakesAreUsageErrors() throws IOException {
        Path evidence = copy();
        Run verify = cli("backtest", "--verify", "--evidence", evidence.toString(), "--since", "1m");
        Run replay = cli("backtest", "--config", candidate(CANDIDATE).toString(), "--evidence", evidence.toString(),
                "--since", "90s", "--app", "bad app");

        assertThat(verify.exitCode()).isEqualTo(ReleaseCli.USAGE);
        assertThat(verify.err()).startsWith("release backtest: --since: must be a number of days or hours back (30d, "
                + "12h) or a date (2026-11-01, UTC); minutes and months are not taken (1m would read as either); "
                + "got '1m'").doesNotContain("is invalid");
        assertThat(replay.exitCode()).isEqualTo(ReleaseCli.USAGE);
        assertThat(replay.err()).contains("release backtest: --since: ", "got '90s'")
                .contains("release backtest: --app: must be an app name").doesNotContain("is invalid")
                .doesNotContain("release: " + dir.resolve("candidate.yaml"));
        assertThat(evidence.resolve("backtests")).doesNotExist();
    }

    @Test
    @DisplayName("an --app (or app.name) matching no record exits 64 listing the apps found, and writes no report; "
            + "with --verify too")
    void unknownAppExits64() throws IOException {
        Path reports = dir.resolve("reports");
        Run run = cli("backtest", "--config", candidate(CANDIDATE).toString(), "--evidence", history.toString(),
                "--app", "bakend", "--report-dir", reports.toString());
        Run verify = cli("backtest", "--verify", "--evidence", history.toString(), "--app", "bakend");

        assertThat(run.exitCode()).isEqualTo(ReleaseCli.USAGE);
        assertThat(run.err()).contains("release backtest: nothing to replay: no record of app 'bakend' in the "
                + "evidence directory " + history + "; the records there are of " + BacktestHistory.APP
                + ": pass --app with one of them");
        assertThat(run.out()).isEmpty();
        assertThat(reports).doesNotExist();
        assertThat(verify.exitCode()).isEqualTo(ReleaseCli.USAGE);
        assertThat(verify.err()).contains("no record of app 'bakend'");
    }

    @Test
    @DisplayName("an empty evidence directory is never an empty success: exit 64 saying there is no record, no report")
    void emptyDirectoryExits64() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Path reports = dir.resolve("reports");

        Run run = cli("backtest", "--config", candidate(CANDIDATE).toString(), "--evidence", empty.toString(),
                "--report-dir", reports.toString(), "--output", "json");

        assertThat(run.exitCode()).isEqualTo(ReleaseCli.USAGE);
        assertThat(run.err()).contains("release backtest: nothing to replay: no release record in the evidence "
                + "directory " + empty);
        assertThat(JSON.readTree(run.out()).get("exitCode").asInt()).isEqualTo(ReleaseCli.USAGE);
        assertThat(reports).doesNotExist();
    }

    @Test
    @DisplayName("a misspelt key under app: in a candidate file is reported like release.yaml does")
    void unknownAppKeyInCandidate() throws IOException {
        Run run = cli("backtest", "--config", candidate("app: {nmae: backend}\n" + CANDIDATE).toString(),
                "--evidence", history.toString());

        assertThat(run.exitCode()).isEqualTo(ReleaseCli.USAGE);
        assertThat(run.err()).contains("app.nmae: unknown key; did you mean 'name'?");
    }

    @Test
    @DisplayName("--verify replays each record's live policy: reproduced 7/8, the older record not checked")
    void verify() {
        Run run = cli("backtest", "--verify", "--evidence", history.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("verify: the live policy reproduced 7/8 records; 1 not checked: "
                + "pr200 (no samples)");
    }

    @Test
    @DisplayName("a record whose verdicts the live policy does not reproduce exits 70 naming the release, step and "
            + "sample")
    void mismatchExits70() throws IOException {
        Path evidence = copy();
        Path bad = evidence.resolve("2026-01-07-backend-pr203.json");
        // A recorded verdict the samples do not support: what a bug in the engine or the replay would leave.
        com.fasterxml.jackson.databind.node.ObjectNode record = (com.fasterxml.jackson.databind.node.ObjectNode)
                JSON.readTree(bad.toFile());
        JsonNode verdicts = record.get("verdicts");
        com.fasterxml.jackson.databind.node.ObjectNode fired = (com.fasterxml.jackson.databind.node.ObjectNode)
                verdicts.get(verdicts.size() - 1);
        assertThat(fired.get("reason").asText()).startsWith("5xx 6.0% over 5m");
        fired.put("reason", fired.get("reason").asText().replace("6.0%", "6.1%"));
        JSON.writeValue(bad.toFile(), record);

        Run run = cli("backtest", "--verify", "--evidence", evidence.toString());
        Run full = cli("backtest", "--config", candidate(CANDIDATE).toString(), "--evidence", evidence.toString());

        assertThat(run.exitCode()).isEqualTo(ReleaseCli.SOFTWARE);
        assertThat(run.err()).contains("determinism MISMATCH", "release pr203", "step ", "error-rate reading #");
        assertThat(full.exitCode()).isEqualTo(ReleaseCli.SOFTWARE);
        assertThat(full.out()).contains("MISMATCH pr203: release pr203");
    }

    @Test
    @DisplayName("without --evidence, the records come from the evidence store release.yaml configures, and the "
            + "reports go next to them")
    void configuredStore() throws IOException {
        Path evidence = copy();
        Path config = candidate("""
                app: {subscription: sub-1, resourceGroup: rg, name: backend}
                github: {repository: octo-org/trade-nexus}
                smoke: {baseUrl: "https://backend.example.com"}
                rollback: {errorRate: {threshold: 0.02}}
                evidence: {directory: "%s"}
                """.formatted(evidence.toString().replace("\\", "/")));

        Run run = cli("backtest", "--config", config.toString(), "--output", "json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode doc = JSON.readTree(run.out());
        assertThat(doc.at("/report/summary/releases").asInt()).isEqualTo(8);
        assertThat(doc.at("/reports/markdown").asText()).startsWith(evidence.resolve("backtests").toString())
                .containsPattern("-backend-backtest-\\d{6}\\.md$");
    }

    @Test
    @DisplayName("the README's candidate is a valid one, its exit-code table and the help list 70, and --help names "
            + "every option")
    void readmeAndHelpStayTrue() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<!-- backtest candidate -->\\s*```yaml\\n(.*?)```",
                java.util.regex.Pattern.DOTALL).matcher(readme);
        assertThat(m.find()).as("the README's candidate block").isTrue();
        assertThat(io.releasepipeline.cli.config.ConfigReader.readCandidate(candidate(m.group(1)))
                .rollback().errorRate().threshold()).isEqualTo(0.02);
        assertThat(readme).contains("| 70 | `backtest`: replaying a record through the policy it recorded as live");

        Run help = cli("backtest", "--help");
        Run top = cli("--help");

        assertThat(help.out()).contains("--config", "--evidence", "--since", "--verify", "--app", "--report-dir",
                "--output").containsPattern("(?m)^ +0 +done$").containsPattern("(?m)^ +64 +bad arguments or config");
        assertThat(top.out()).contains("backtest ").containsPattern("70 +backtest: replaying a record");
    }
}
