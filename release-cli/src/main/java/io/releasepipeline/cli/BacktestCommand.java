package io.releasepipeline.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.releasepipeline.backtest.Backtest;
import io.releasepipeline.backtest.BacktestMarkdown;
import io.releasepipeline.backtest.BacktestReport;
import io.releasepipeline.backtest.BacktestSvg;
import io.releasepipeline.backtest.BacktestText;
import io.releasepipeline.backtest.Determinism;
import io.releasepipeline.backtest.RecordFiles;
import io.releasepipeline.backtest.ReleaseReplay;
import io.releasepipeline.cli.config.CliConfig;
import io.releasepipeline.cli.config.ConfigReader;
import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.error.ProviderException;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.Samples;
import io.releasepipeline.format.SafeText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code release backtest}: replays recorded releases through a candidate rollback policy (the {@code rollback:}
 * section of a {@code release.yaml}-shaped file) and says what it would have done, release by release, against what
 * really happened; or, with {@code --verify}, checks that the policy each record recorded as live reproduces its
 * verdicts exactly. Reads the records of {@code --evidence DIR}, or of the evidence store the config names. Writes
 * a Markdown report and its SVG chart; changes nothing else.
 */
@Command(name = "backtest", mixinStandardHelpOptions = true,
        description = {"Replays recorded releases through a candidate rollback policy (the rollback: section of "
                + "--config) and reports what it would have done: rollbacks added (catches of known-bad releases, "
                + "would-be false rollbacks), rollbacks missed, detection time gained or lost. Writes a Markdown "
                + "report and an SVG chart next to the evidence (or in --report-dir). Changes nothing else."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "64:bad arguments or config (nothing read), or nothing to replay (no record in the directory, or none of "
                + "the app: the apps found are listed; no report is written)",
            "69:the evidence cannot be read",
            "70:the live policy did not reproduce a record's verdicts (a bug: the release, step and sample are "
                + "printed)"})
final class BacktestCommand extends CliCommand {

    /** The records' file names and app names that reports may be named after. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern RELATIVE = Pattern.compile("(\\d+)([dh])");
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HHmmss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    /** The forms {@code --since} takes, as its help and its error say them. */
    static final String SINCE_FORMS = "a number of days or hours back (30d, 12h) or a date (2026-11-01, UTC); "
            + "minutes and months are not taken (1m would read as either)";

    @Option(names = "--evidence", paramLabel = "DIR",
            description = "A directory of release records (the file evidence store's layout, e.g. .ops/evidence). "
                    + "Default: the evidence store --config names (a directory or Blob storage).")
    Path evidenceDir;

    @Option(names = "--since", paramLabel = "WHEN",
            description = "Only releases started since then: " + SINCE_FORMS + ". Rollbacks recorded before it still "
                    + "label the releases they undid.")
    String since;

    @Option(names = "--verify",
            description = "Only the determinism check: replay each record through the policy it recorded as live and "
                    + "compare every verdict exactly (no candidate needed; exit 70 on a mismatch).")
    boolean verify;

    @Option(names = "--app", paramLabel = "NAME",
            description = "Only this app's records. Default: app.name of --config when it gives one; with "
                    + "--evidence DIR and no app.name (or --verify), every app in DIR.")
    String app;

    @Option(names = "--report-dir", paramLabel = "DIR",
            description = "Where the Markdown report and SVG chart go, named <date>-<app>-backtest-<HHmmss>.md and "
                    + ".svg (UTC; -2, -3 ... added when the name is taken: a report never overwrites another). "
                    + "Default: <evidence dir>/backtests (for Blob evidence: ./backtests).")
    Path reportDir;

    private CliConfig.Candidate candidate;
    private Instant from = Instant.MIN;

    BacktestCommand(CliContext context) {
        super(context);
    }

    @Override
    Optional<Integer> runWithoutConfig() {
        // Flag mistakes are usage errors of this command; a config file's problems name the file.
        List<String> usage = new ArrayList<>();
        if (since != null) {
            parseSince(since, Instant.now()).ifPresentOrElse(t -> from = t, () -> usage.add("--since: must be "
                    + SINCE_FORMS + "; got " + shown(since)));
        }
        if (app != null && !NAME.matcher(app).matches()) {
            usage.add("--app: must be an app name (letters, digits, '.', '_' or '-'), got " + shown(app));
        }
        if (reportDir != null && Files.exists(reportDir) && !Files.isDirectory(reportDir)) {
            usage.add("--report-dir: " + reportDir + " is a file; give a directory (it is created if missing)");
        }
        if (evidenceDir != null && !Files.isDirectory(evidenceDir)) {
            usage.add("--evidence: " + evidenceDir + (Files.exists(evidenceDir) ? " is not a directory"
                    : " does not exist") + "; give the directory that holds the release records (e.g. .ops/evidence)");
        }
        List<String> config = new ArrayList<>();
        if (!verify) {
            try {
                candidate = ConfigReader.readCandidate(configFile);
            } catch (InvalidConfigurationException e) {
                config.addAll(e.problems());
            }
        }
        if (!usage.isEmpty()) {
            return Optional.of(usageError(usage, config));
        }
        if (!config.isEmpty()) {
            throw new InvalidConfigurationException(configFile.toString(), config);
        }
        if (evidenceDir == null) {
            try {
                ConfigReader.read(configFile);
            } catch (InvalidConfigurationException e) {
                List<String> all = new ArrayList<>(e.problems());
                all.add("(without --evidence DIR, --config must be a whole release.yaml: its evidence section names "
                        + "where the records are; or pass --evidence DIR with a candidate file)");
                throw new InvalidConfigurationException(configFile.toString(), all);
            }
            return Optional.empty();
        }
        String appName = app != null ? app : candidate != null ? candidate.app().orElse(null) : null;
        return Optional.of(backtest(new DirectoryRecords(evidenceDir, appName), appName,
                reportDir != null ? reportDir : evidenceDir.resolve("backtests"), Optional.empty(),
                "the evidence directory " + evidenceDir));
    }

    /** Reports flag mistakes as usage errors of {@code release backtest} (and the config's problems with them). */
    private int usageError(List<String> usage, List<String> config) {
        usage.forEach(p -> errln("release backtest: " + p));
        if (!config.isEmpty()) {
            errln("release backtest: " + configFile + " is invalid:");
            config.forEach(p -> errln("  - " + p));
        }
        if (wantsDocument()) {
            List<String> all = new ArrayList<>(usage);
            config.forEach(p -> all.add(configFile + ": " + p));
            emit(document(ReleaseCli.USAGE).put("error", "release backtest: " + usage.get(0))
                    .set("problems", tree(all)));
        }
        return ReleaseCli.USAGE;
    }

    @Override
    int run(Wiring wiring) {
        String appName = app != null ? app : wiring.config.app().name();
        Optional<Path> directory = wiring.config.evidence().blob().isPresent() ? Optional.empty()
                : wiring.config.evidence().directory();
        if (directory.isPresent()) {
            if (!Files.isDirectory(directory.get())) {
                throw ProviderException.permanent("file-evidence", "backtest", "the evidence directory "
                        + directory.get() + " (evidence.directory of " + configFile + ") does not exist; no release "
                        + "was recorded there", null);
            }
            return backtest(new DirectoryRecords(directory.get(), appName), appName,
                    reportDir != null ? reportDir : directory.get().resolve("backtests"), Optional.empty(),
                    "the evidence directory " + directory.get() + " (evidence.directory of " + configFile + ")");
        }
        // Blob storage: the store's own listing; reports go to a local directory (the store writes records only).
        List<ReleaseRecord> records = new ArrayList<>();
        List<Skipped> unreadable = new ArrayList<>();
        wiring.evidence().readAll(appName, records::add, (name, why) -> unreadable.add(new Skipped(name, why)));
        Path local = reportDir != null ? reportDir : Path.of("backtests");
        return backtest(new Listed(records, unreadable), appName, local, Optional.of("Blob storage keeps release "
                + "records only; the reports are local files"), "the Blob evidence store of " + configFile);
    }

    /** Replays (or verifies) {@code records}, prints the result, writes the reports; the exit code. */
    private int backtest(Records records, String appName, Path reports, Optional<String> whyLocal, String where) {
        if (verify) {
            return verify(records, appName, where);
        }
        Backtest backtest = Backtest.of(Wiring.triggers(candidate.rollback(),
                candidate.rollback().alerts().enabled() ? Optional.of(Samples.recordedAlerts()) : Optional.empty()));
        BacktestReport report = backtest.run(records, from);
        List<Skipped> skipped = records.skipped();
        Optional<Integer> nothing = nothingToReplay(records, appName, where);
        if (nothing.isPresent()) {
            return nothing.get();
        }
        Path markdown;
        Path svg;
        try {
            Files.createDirectories(reports);
            markdown = reserve(reports, LocalDate.now(ZoneOffset.UTC) + "-" + (appName != null ? appName : "all")
                    + "-backtest-" + CLOCK.format(Instant.now()));
            svg = markdown.resolveSibling(markdown.getFileName().toString().replaceFirst("\\.md$", ".svg"));
        } catch (IOException e) {
            throw ProviderException.permanent("file-evidence", "backtest", "cannot create the report "
                    + "in " + reports + " (" + e.getClass().getSimpleName() + "); give a writable one with "
                    + "--report-dir", e);
        }
        write(markdown, BacktestMarkdown.render(report, Optional.of(svg.getFileName().toString()))
                + skippedSection(skipped));
        write(svg, BacktestSvg.render(report));
        skipped.forEach(s -> errln("release backtest: skipped " + s.name() + ": " + s.problem()));
        int code = report.summary().mismatches() > 0 ? ReleaseCli.SOFTWARE : ReleaseCli.OK;
        report.releases().stream().filter(r -> r.determinism().status() == Determinism.Status.MISMATCH)
                .forEach(r -> errln("release backtest: determinism MISMATCH (a bug; please report it): "
                        + r.determinism().detail()));
        if (json()) {
            ObjectNode doc = document(code);
            doc.set("report", tree(report));
            doc.put("detectionGainedMillis", report.summary().detectionGained().toMillis())
                    .put("detectionLostMillis", report.summary().detectionLost().toMillis())
                    .put("caughtBeforeHandMillis", report.summary().caughtBeforeHand().toMillis())
                    .put("missedNotMeasurable", report.summary().missedRollbacks());
            ArrayNode rows = doc.putArray("rows");
            report.releases().forEach(r -> rows.add(row(r)));
            doc.set("skipped", tree(skipped));
            doc.putObject("reports").put("markdown", markdown.toString()).put("svg", svg.toString());
            emit(doc);
        } else {
            BacktestText.render(report).forEach(this::println);
            println("");
            println("report written to " + markdown + " (chart: " + svg + ")" + whyLocal.map(w -> "; " + w)
                    .orElse(""));
        }
        return exit(code, report.summary().mismatches() + " record(s) whose live verdicts the replay did not "
                + "reproduce: a bug in the engine or the replay (details above)");
    }

    /**
     * Claims a free report name in {@code directory}: {@code base.md}, else {@code base-2.md}, {@code base-3.md} ...,
     * taking a name whose {@code .svg} is free too; the {@code .md} is created empty (so that a second backtest run
     * at the same second takes another name) and written over by {@link #write}.
     */
    static Path reserve(Path directory, String base) throws IOException {
        for (int n = 1; ; n++) {
            String name = base + (n == 1 ? "" : "-" + n);
            if (Files.exists(directory.resolve(name + ".svg"))) {
                continue;
            }
            try {
                return Files.createFile(directory.resolve(name + ".md"));
            } catch (java.nio.file.FileAlreadyExistsException taken) {
                // Taken: try the next suffix.
            }
        }
    }

    /**
     * When nothing could be replayed: no record at all in {@code where}, or none of {@code appName} (the apps found
     * are listed). Says so on stderr (and in the JSON document) and gives exit 64; empty when there were records.
     */
    private Optional<Integer> nothingToReplay(Records records, String appName, String where) {
        if (records.matched() > 0) {
            return Optional.empty();
        }
        String problem;
        if (records.apps().isEmpty()) {
            problem = "nothing to replay: no release record in " + where + (records.skipped().isEmpty() ? ""
                    : " (" + records.skipped().size() + " file(s) could not be read, listed above)")
                    + "; point --evidence at the directory the releases wrote their records to (e.g. .ops/evidence)";
        } else {
            problem = "nothing to replay: no record of app " + shown(appName) + " in " + where + "; the records "
                    + "there are of " + String.join(", ", records.apps()) + ": pass --app with one of them (or fix "
                    + "app.name in " + configFile + ")";
        }
        records.skipped().forEach(s -> errln("release backtest: skipped " + s.name() + ": " + s.problem()));
        errln("release backtest: " + problem);
        if (wantsDocument()) {
            emit(document(ReleaseCli.USAGE).put("error", "release backtest: " + problem)
                    .set("skipped", tree(records.skipped())));
        }
        return Optional.of(ReleaseCli.USAGE);
    }

    /** The determinism check alone. */
    private int verify(Records records, String appName, String where) {
        int reproduced = 0;
        int checked = 0;
        List<String> mismatches = new ArrayList<>();
        List<String> notChecked = new ArrayList<>();
        ArrayNode results = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        for (ReleaseRecord record : records) {
            if (record.kind() == ReleaseRecord.Kind.ROLLBACK || from.isAfter(record.startedAt())) {
                continue;
            }
            checked++;
            Determinism d = Backtest.verify(record);
            switch (d.status()) {
                case REPRODUCED -> reproduced++;
                case MISMATCH -> mismatches.add(d.detail());
                case NOT_CHECKED -> notChecked.add(record.releaseId() + " (" + d.detail() + ")");
            }
            results.addObject().put("releaseId", record.releaseId()).put("status", d.status().name())
                    .put("detail", d.detail());
        }
        Optional<Integer> nothing = nothingToReplay(records, appName, where);
        if (nothing.isPresent()) {
            return nothing.get();
        }
        List<Skipped> skipped = records.skipped();
        skipped.forEach(s -> errln("release backtest: skipped " + s.name() + ": " + s.problem()));
        mismatches.forEach(m -> errln("release backtest: determinism MISMATCH (a bug; please report it): " + m));
        String summary = "the live policy reproduced " + reproduced + "/" + checked + " records"
                + (notChecked.isEmpty() ? "" : "; " + notChecked.size() + " not checked: "
                        + String.join(", ", notChecked))
                + (mismatches.isEmpty() ? "" : "; " + mismatches.size() + " MISMATCH"
                        + (mismatches.size() == 1 ? "" : "ES"));
        int code = mismatches.isEmpty() ? ReleaseCli.OK : ReleaseCli.SOFTWARE;
        if (json()) {
            ObjectNode doc = document(code).put("checked", checked).put("reproduced", reproduced)
                    .put("mismatches", mismatches.size());
            doc.set("records", results);
            doc.set("skipped", tree(skipped));
            emit(doc);
        } else {
            println("verify: " + summary);
        }
        return exit(code, summary);
    }

    /** One release as a flat row, its times as milliseconds after traffic first moved. */
    private ObjectNode row(ReleaseReplay r) {
        ObjectNode n = document(0).objectNode();
        n.put("releaseId", r.releaseId()).put("app", r.app()).put("startedAt", r.startedAt().toString());
        r.revision().ifPresent(v -> n.put("revision", v));
        n.put("live", r.live().kind().name()).put("actual", BacktestMarkdown.liveOutcome(r));
        r.offset(r.live()).ifPresent(d -> n.put("liveAtMillis", d.toMillis()));
        r.live().trigger().ifPresent(t -> n.put("liveTrigger", t));
        n.put("candidate", r.candidate().kind().name()).put("verdict", BacktestMarkdown.candidateVerdict(r));
        r.offset(r.candidate()).ifPresent(d -> n.put("candidateAtMillis", d.toMillis()));
        r.candidate().trigger().ifPresent(t -> n.put("candidateTrigger", t));
        if (r.candidate().weight() > 0) {
            n.put("candidateWeight", r.candidate().weight());
        }
        n.put("comparison", r.comparison().name()).put("knownBad", r.knownBad())
                .put("wouldBeFalseRollback", r.wouldBeFalseRollback());
        r.detectionDelta().ifPresent(d -> n.put("detectionDeltaMillis", d.toMillis()));
        r.rolledBackByHandAt().flatMap(at -> r.trafficFrom().map(t0 -> Duration.between(t0, at)))
                .ifPresent(d -> n.put("handRollbackAtMillis", d.toMillis()));
        n.put("detectionAgainst", r.detectionDelta().isEmpty() ? "none"
                : r.comparison() == ReleaseReplay.Comparison.ADDED_ROLLBACK ? "hand-rollback" : "live-policy");
        n.put("determinism", r.determinism().status().name());
        return n;
    }

    private static String skippedSection(List<Skipped> skipped) {
        if (skipped.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("\n## Records skipped\n\nThese files could not be read as release "
                + "records and were left out:\n\n");
        skipped.forEach(s -> out.append("- ").append(SafeText.markdownCode(s.name(), 200)).append(": ")
                .append(SafeText.markdown(s.problem(), 400)).append('\n'));
        return out.toString();
    }

    private static void write(Path file, String content) {
        try {
            Path temporary = Files.createTempFile(file.getParent(), ".backtest", ".tmp");
            try {
                Files.writeString(temporary, content, StandardCharsets.UTF_8);
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw ProviderException.permanent("file-evidence", "backtest", "cannot write the report " + file + " ("
                    + e.getClass().getSimpleName() + "); give a writable directory with --report-dir", e);
        }
    }

    /**
     * The start of {@code --since}: {@code 30d} and {@code 12h} back from {@code now}, or a date (its start, UTC);
     * empty when it is neither (minutes, months, {@code 1h30m} and other durations are not taken: see
     * {@link #SINCE_FORMS}).
     */
    static Optional<Instant> parseSince(String text, Instant now) {
        String t = text.trim();
        java.util.regex.Matcher m = RELATIVE.matcher(t);
        if (m.matches()) {
            try {
                long n = Long.parseLong(m.group(1));
                return Optional.of(now.minus(m.group(2).equals("d") ? Duration.ofDays(n) : Duration.ofHours(n)));
            } catch (NumberFormatException | ArithmeticException | java.time.DateTimeException e) {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String shown(String s) {
        return "'" + SafeText.truncate(s, 60) + "'";
    }

    /**
     * A record that could not be read, reported and left out.
     *
     * @param name the file's name
     * @param problem what is wrong with it
     */
    record Skipped(String name, String problem) {
    }

    /** Records read one at a time, and the ones that could not be; after an iteration, what it found. */
    private interface Records extends Iterable<ReleaseRecord> {
        List<Skipped> skipped();

        /** How many records of the app the last iteration gave. */
        int matched();

        /** The apps of every record the last iteration read, the app's and the others', sorted. */
        java.util.SortedSet<String> apps();
    }

    /** Records read by a store (of one app already), and the ones it could not read. */
    private record Listed(List<ReleaseRecord> records, List<Skipped> skipped) implements Records {
        @Override
        public Iterator<ReleaseRecord> iterator() {
            return records.iterator();
        }

        @Override
        public int matched() {
            return records.size();
        }

        @Override
        public java.util.SortedSet<String> apps() {
            return new java.util.TreeSet<>(records.stream().map(ReleaseRecord::app).toList());
        }
    }

    /** The records of a directory, read one at a time by the library's {@link RecordFiles}; those of {@code app}. */
    private static final class DirectoryRecords implements Records {
        private final Path directory;
        private final String app;
        private final List<Skipped> skipped = new ArrayList<>();
        private final java.util.SortedSet<String> apps = new java.util.TreeSet<>();
        private int matched;

        DirectoryRecords(Path directory, String app) {
            this.directory = directory;
            this.app = app;
        }

        @Override
        public List<Skipped> skipped() {
            return List.copyOf(skipped);
        }

        @Override
        public int matched() {
            return matched;
        }

        @Override
        public java.util.SortedSet<String> apps() {
            return java.util.Collections.unmodifiableSortedSet(apps);
        }

        @Override
        public Iterator<ReleaseRecord> iterator() {
            skipped.clear();
            apps.clear();
            matched = 0;
            RecordFiles files = RecordFiles.stream(directory).skippingUnreadable((file, problem) -> skipped.add(
                    new Skipped(file.getFileName().toString(), SafeText.truncate(problem, 300))));
            Iterator<ReleaseRecord> all;
            try {
                all = files.iterator();
            } catch (UncheckedIOException e) {
                throw ProviderException.permanent("file-evidence", "backtest", "cannot list the evidence directory "
                        + directory + " (" + e.getCause().getClass().getSimpleName() + ")", e);
            }
            return new Iterator<>() {
                private ReleaseRecord next;

                @Override
                public boolean hasNext() {
                    while (next == null && all.hasNext()) {
                        ReleaseRecord r = all.next();
                        apps.add(r.app());
                        next = app == null || app.equals(r.app()) ? r : null;
                        matched += next != null ? 1 : 0;
                    }
                    return next != null;
                }

                @Override
                public ReleaseRecord next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    ReleaseRecord r = next;
                    next = null;
                    return r;
                }
            };
        }
    }
}
