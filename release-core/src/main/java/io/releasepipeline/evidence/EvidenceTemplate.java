package io.releasepipeline.evidence;

import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.format.Format;
import io.releasepipeline.format.SafeText;
import io.releasepipeline.health.SmokeResult;
import io.releasepipeline.spi.DeployRun;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A team's own release-evidence form (the runbook's {@code .ops/templates/release-evidence.md}) filled in from a
 * {@link ReleaseRecord}: the Markdown evidence an {@link EvidenceStore} writes when the pipeline is built with
 * {@code ReleasePipelineBuilder.evidenceTemplate(...)}. The JSON record and the SVG chart are written as always.
 *
 * <h2>Syntax</h2>
 * A placeholder is {@code {{name}}} (spaces inside the braces are allowed: {@code {{ name }}}). The syntax does
 * not clash with Markdown, and a GitHub Actions expression {@code ${{ ... }}} is left as it is; write
 * <code>\&#123;&#123;</code> for a literal <code>&#123;&#123;</code>. Anything else that opens with
 * <code>&#123;&#123;</code> is a problem: a name that is not known, a <code>&#123;&#123;</code> not closed on its
 * line, a name that is not lowercase letters, digits and {@code _}, and a block placeholder that is not alone at
 * the start of its line (a table needs its own lines). Every problem is reported at once, with its line and column
 * and the known names ({@link #parse} throws an {@link InvalidConfigurationException}), before any release starts.
 *
 * <h2>Placeholders</h2>
 * {@link #placeholders()} lists them with what each renders; the README has the same table. Inline placeholders
 * (ids, revisions, times, the outcome...) render one line of Markdown; block placeholders ({@code gates_table},
 * {@code traffic_changes}, {@code smoke_results}, {@code trigger_verdicts}, {@code rollback}, {@code notes},
 * {@code links}, {@code full_report}...) render the section of {@link EvidenceReport} of the same content, without
 * its heading. A value absent from the record renders as {@code —}. Do not wrap placeholders in backticks: ids,
 * shas and revisions already render as code spans.
 *
 * <h2>The full report</h2>
 * The built-in report ({@link EvidenceReport#markdown}) always comes with the filled template: where the template
 * puts {@code {{full_report}}}, or else appended after a horizontal rule at the end. So a short form never loses a
 * fact the record holds.
 *
 * <h2>Untrusted text</h2>
 * Every text from the record (a pull request's title, a check's name, a rollback reason) is neutralised by
 * {@link SafeText} exactly as the report does it: no mention pings, no image loads, no HTML, link or block comes
 * out of a value, and a value is never read again as template text, so a title that contains {@code {{notes}}}
 * stays that text. Only the template, which the team owns, is Markdown as written.
 *
 * <p>Immutable and thread-safe.
 */
public final class EvidenceTemplate implements EvidenceMarkdown {

    /**
     * The runbook's template file, relative to the working directory: {@code .ops/templates/release-evidence.md}.
     * The CLI uses it when it exists and {@code evidence.template} is not set.
     */
    public static final Path DEFAULT_PATH = Path.of(".ops", "templates", "release-evidence.md");

    private static final String NONE = "—";
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** Every placeholder, in the order of the README's table. Adding one is one line. */
    private static final Map<String, Placeholder> PLACEHOLDERS = new LinkedHashMap<>();

    static {
        inline("release_id", "the release id, as code", f -> EvidenceReport.code(f.r.releaseId()));
        inline("app", "the app, as code", f -> EvidenceReport.code(f.r.app()));
        inline("environment", "the environment the release went to (e.g. production)",
                f -> f.r.environment().map(EvidenceReport::text).orElse(NONE));
        inline("kind", "`promotion` or `standalone rollback`",
                f -> f.r.kind() == ReleaseRecord.Kind.PROMOTION ? "promotion" : "standalone rollback");
        inline("date", "the day the release started, UTC, `yyyy-MM-dd` (the evidence files' prefix)",
                f -> DAY.format(f.r.startedAt()));
        inline("pr", "the pull request as a link, `#123`", f -> f.r.pullRequest()
                .map(n -> EvidenceReport.link("#" + n, f.r.pullRequestUrl())).orElse(NONE));
        inline("pr_number", "the pull request's number", f -> f.r.pullRequest().map(String::valueOf).orElse(NONE));
        inline("pr_url", "the pull request's http(s) URL", f -> url(f.r.pullRequestUrl()));
        inline("pr_title", "the pull request's title (neutralised text)",
                f -> f.r.pullRequestTitle().map(EvidenceReport::text).orElse(NONE));
        inline("head_sha", "the head commit the gates judged, as code", f -> code(f.r.headSha()));
        inline("merge_sha", "the merge commit, as code", f -> code(f.r.mergeCommitSha()));
        inline("stable_revision", "the revision serving before the release, as code",
                f -> code(f.r.previousRevision()));
        inline("new_revision", "the revision the release brought, as code", f -> code(f.r.newRevision()));
        inline("approvers", "who approved the pull request",
                f -> f.r.approvers().isEmpty() ? NONE : EvidenceReport.text(String.join(", ", f.r.approvers())));
        inline("database_migration", "`yes` or `no`", f -> f.r.databaseMigration() ? "yes" : "no");
        inline("migration_reason", "why the release was judged to carry a database migration, or not (neutralised "
                + "text)", f -> f.r.migration().map(m -> EvidenceReport.text(m.reason())).orElse(NONE));
        inline("baseline", "the stable revision's error rate measured before traffic moved, the reference of the "
                + "rollback's recovery watch", f -> f.r.baseline().map(b -> EvidenceReport.text(b.describe())
                        + " (measured " + EvidenceReport.time(b.measuredAt()) + ")").orElse(NONE));
        inline("outcome", "the outcome's word, e.g. `PROMOTED`, `ROLLED_BACK`", f -> f.r.outcome().name());
        inline("outcome_sentence", "the outcome as the report's headline says it",
                f -> EvidenceReport.outcomeSentence(f.r));
        inline("started", "when it started, `yyyy-MM-dd HH:mm:ss UTC`", f -> EvidenceReport.time(f.r.startedAt()));
        inline("finished", "when it finished", f -> f.r.finishedAt().map(EvidenceReport::time).orElse(NONE));
        inline("duration", "how long it took, e.g. `14m30s`", f -> f.r.finishedAt()
                .map(t -> Format.duration(Duration.between(f.r.startedAt(), t))).orElse(NONE));
        inline("gates_checkbox", "`[x]` when every gate passed, else `[ ]`", f -> checkbox(!f.r.gates().isEmpty()
                && f.r.gates().stream().allMatch(GateResult::passed)));
        inline("gates_verdict", "`all N passed` or `N of M failed`", EvidenceTemplate::gatesVerdict);
        inline("smoke_checkbox", "`[x]` when there was a smoke check and every one passed, else `[ ]`",
                f -> checkbox(!smokes(f.r).isEmpty() && smokes(f.r).stream().allMatch(SmokeResult::passed)));
        inline("smoke_verdict", "`N passed, M failed` over every smoke check, the rollback's included",
                EvidenceTemplate::smokeVerdict);
        inline("rolled_back", "`yes` or `no`", f -> f.r.rollback().isPresent() ? "yes" : "no");
        inline("rollback_checkbox", "`[x]` when there was no rollback or it succeeded, else `[ ]`",
                f -> checkbox(f.r.rollback().map(RollbackDetails::succeeded).orElse(true)));
        inline("rollback_reason", "why it was rolled back (neutralised text)",
                f -> f.r.rollback().map(rb -> EvidenceReport.text(rb.reason())).orElse(NONE));
        inline("deploy_run", "the deploy run as a link (its id)", f -> f.r.deployRun()
                .map(d -> EvidenceReport.link(EvidenceReport.text(d.id()), Optional.of(d.url()))).orElse(NONE));
        inline("deploy_run_url", "the deploy run's http(s) URL", f -> url(f.r.deployRun().map(DeployRun::url)));
        inline("evidence_file", "the name of this Markdown file, as code", f -> EvidenceReport.code(f.base + ".md"));
        inline("record_file", "a link to the JSON record next to this file", f -> fileLink(f.base + ".json"));
        inline("chart_file", "a link to the SVG chart next to this file", f -> fileLink(f.chart));
        inline("chart", "the timeline chart as an image", f -> EvidenceReport.chart(f.chart));
        block("summary_table", "the report's summary table", EvidenceReport.Section.SUMMARY);
        block("gates_table", "every gate with its verdict and reason", EvidenceReport.Section.GATES);
        block("deploy_run_details", "the deploy filter's verdict and the deploy run's table",
                EvidenceReport.Section.DEPLOY_RUN);
        block("traffic_changes", "every traffic change with its time and reason",
                EvidenceReport.Section.TRAFFIC_CHANGES);
        block("approvals", "manual approvals of traffic steps", EvidenceReport.Section.APPROVALS);
        block("smoke_results", "every smoke check that decided something, per endpoint",
                EvidenceReport.Section.SMOKE_CHECKS);
        block("trigger_verdicts", "the trigger verdicts that mattered", EvidenceReport.Section.TRIGGER_VERDICTS);
        block("health_signals", "health over time", EvidenceReport.Section.HEALTH_SIGNALS);
        block("rollback", "what the rollback did, or `No rollback.`", EvidenceReport.Section.ROLLBACK);
        block("hooks", "every hook run: point, name, kind, status, start, duration, summary; or `None.`",
                EvidenceReport.Section.HOOKS);
        block("notes", "the record's notes as a list, or `None.`", EvidenceReport.Section.NOTES);
        block("links", "a list of links: pull request, deploy run, JSON record, chart", EvidenceTemplate::links);
        block("full_report", "the whole built-in report (appended at the end when the template does not place it)",
                f -> EvidenceReport.markdown(f.r, f.chart).stripTrailing());
    }

    private final String name;
    private final List<Part> parts;
    private final boolean placesFullReport;

    private EvidenceTemplate(String name, List<Part> parts) {
        this.name = name;
        this.parts = List.copyOf(parts);
        this.placesFullReport = parts.stream().anyMatch(p -> p instanceof Slot s && s.name.equals("full_report"));
    }

    /**
     * Parses a template.
     *
     * @param name what the template is called in problems, e.g. its path
     * @param text the template
     * @return the template
     * @throws InvalidConfigurationException listing every problem (see the class comment), each with its line and
     *     column, and the known placeholders
     */
    public static EvidenceTemplate parse(String name, String text) {
        List<String> problems = new ArrayList<>();
        EvidenceTemplate template = parse(name, text, problems);
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException("evidence template " + name, problems);
        }
        return template;
    }

    /**
     * Reads and parses the template file.
     *
     * @param file the template file, UTF-8
     * @return the template
     * @throws InvalidConfigurationException if the file does not exist, cannot be read, is not UTF-8, or the
     *     template has problems (all listed)
     */
    public static EvidenceTemplate read(Path file) {
        List<String> problems = new ArrayList<>();
        Optional<EvidenceTemplate> template = read(file, problems);
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException("evidence template " + file, problems);
        }
        return template.orElseThrow();
    }

    /**
     * Reads and parses the template file, adding every problem to {@code problems} (each prefixed with the file)
     * instead of throwing, for a caller that reports them with its own.
     *
     * @param file the template file, UTF-8
     * @param problems where problems are added
     * @return the template when there was no problem
     */
    public static Optional<EvidenceTemplate> read(Path file, List<String> problems) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            problems.add(file + ": no such file; create the evidence template there, or point at an existing one");
            return Optional.empty();
        } catch (MalformedInputException e) {
            problems.add(file + ": is not UTF-8 text; save the template as UTF-8");
            return Optional.empty();
        } catch (IOException e) {
            problems.add(file + ": cannot be read: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return Optional.empty();
        }
        int before = problems.size();
        EvidenceTemplate template = parse(file.toString(), text, problems);
        return problems.size() == before ? Optional.of(template) : Optional.empty();
    }

    /**
     * Every placeholder's name with what it renders, in the documented order. The same table is in the README.
     *
     * @return every placeholder's name with what it renders, in the documented order
     */
    public static Map<String, String> placeholders() {
        Map<String, String> all = new LinkedHashMap<>();
        PLACEHOLDERS.forEach((n, p) -> all.put(n, (p.block ? "(block) " : "") + p.description));
        return Collections.unmodifiableMap(all);
    }

    /**
     * What the template is called in problems, e.g. its path.
     *
     * @return what the template is called in problems, e.g. its path
     */
    public String name() {
        return name;
    }

    /**
     * The template filled in from {@code record}, followed by the full report after a horizontal rule unless the
     * template places {@code {{full_report}}} itself. Deterministic.
     */
    @Override
    public String render(ReleaseRecord record, String svgFileName) {
        Fill fill = new Fill(record, svgFileName);
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            if (part instanceof Literal l) {
                out.append(l.text);
            } else {
                Slot s = (Slot) part;
                out.append(PLACEHOLDERS.get(s.name).render.apply(fill));
            }
        }
        if (placesFullReport) {
            return out.toString();
        }
        return out.toString().stripTrailing() + "\n\n---\n\n" + EvidenceReport.markdown(record, svgFileName);
    }

    @Override
    public String toString() {
        return "EvidenceTemplate[" + name + "]";
    }

    private static EvidenceTemplate parse(String name, String text, List<String> problems) {
        List<Part> parts = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        int lastUnknown = -1;
        StringBuilder literal = new StringBuilder();
        int line = 1;
        int lineStart = 0;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\n') {
                literal.append(c);
                line++;
                lineStart = ++i;
                continue;
            }
            if (c == '\\' && text.startsWith("{{", i + 1)) {
                literal.append("{{");
                i += 3;
                continue;
            }
            int lineEnd = text.indexOf('\n', i);
            lineEnd = lineEnd < 0 ? text.length() : lineEnd;
            if (c == '$' && text.startsWith("{{", i + 1)) {
                // A GitHub Actions expression, e.g. in a workflow snippet: not ours, kept as written.
                int close = text.indexOf("}}", i + 3);
                int end = close >= 0 && close < lineEnd ? close + 2 : i + 3;
                literal.append(text, i, end);
                i = end;
                continue;
            }
            if (c != '{' || !text.startsWith("{{", i)) {
                literal.append(c);
                i++;
                continue;
            }
            String where = name + " line " + line + ", column " + (i - lineStart + 1);
            int close = text.indexOf("}}", i + 2);
            if (close < 0 || close > lineEnd) {
                problems.add(where + ": '{{' is not closed by '}}' on its line; close it, or write '\\{{' for a "
                        + "literal '{{'");
                literal.append("{{");
                i += 2;
                continue;
            }
            String raw = text.substring(i + 2, close);
            String key = raw.strip();
            Placeholder placeholder = PLACEHOLDERS.get(key);
            if (!NAME.matcher(key).matches()) {
                problems.add(where + ": " + SafeText.line("{{" + raw + "}}", 80) + " is not a placeholder (a name is "
                        + "lowercase letters, digits and '_'); write '\\{{' for a literal '{{'");
            } else if (placeholder == null) {
                unknown.add(key);
                lastUnknown = problems.size();
                problems.add(where + ": unknown placeholder {{" + key + "}}" + closest(key)
                        .map(k -> "; did you mean {{" + k + "}}?").orElse(""));
            } else if (placeholder.block && (i != lineStart || !text.substring(close + 2, lineEnd).isBlank())) {
                problems.add(where + ": {{" + key + "}} renders a block (a table or a list) and must be alone on its "
                        + "line, at its start; move it to a line of its own");
            } else {
                parts.add(new Literal(literal.toString()));
                literal.setLength(0);
                parts.add(new Slot(key));
            }
            i = close + 2;
        }
        parts.add(new Literal(literal.toString()));
        if (!unknown.isEmpty()) {
            // Part of the last unknown placeholder's problem, not a problem of its own: the count stays honest.
            problems.set(lastUnknown, problems.get(lastUnknown) + " (the known placeholders are "
                    + String.join(", ", PLACEHOLDERS.keySet().stream().map(k -> "{{" + k + "}}").toList())
                    + "; see the README's \"Evidence template\" section)");
        }
        return new EvidenceTemplate(name, parts);
    }

    /** The known name closest to {@code key}, when it is close enough to be a likely typo. */
    private static Optional<String> closest(String key) {
        return PLACEHOLDERS.keySet().stream().min(Comparator.comparingInt(k -> distance(k, key)))
                .filter(k -> distance(k, key) <= Math.max(2, key.length() / 3));
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static void inline(String name, String description, Function<Fill, String> render) {
        PLACEHOLDERS.put(name, new Placeholder(description, false, render));
    }

    private static void block(String name, String description, EvidenceReport.Section section) {
        block(name, description, f -> EvidenceReport.section(f.r, section, f.chart));
    }

    private static void block(String name, String description, Function<Fill, String> render) {
        PLACEHOLDERS.put(name, new Placeholder(description, true, render));
    }

    private static String code(Optional<String> value) {
        return value.map(EvidenceReport::code).orElse(NONE);
    }

    /** An http(s) URL as the report makes link targets, or {@code —}. */
    private static String url(Optional<String> value) {
        return value.filter(u -> u.startsWith("https://") || u.startsWith("http://")).map(SafeText::markdownUrl)
                .orElse(NONE);
    }

    private static String fileLink(String file) {
        return "[" + EvidenceReport.text(file) + "](" + SafeText.markdownUrl(file) + ")";
    }

    private static String checkbox(boolean checked) {
        return checked ? "[x]" : "[ ]";
    }

    private static List<SmokeResult> smokes(ReleaseRecord r) {
        List<SmokeResult> all = new ArrayList<>(r.smokeChecks());
        r.rollback().flatMap(RollbackDetails::smoke).filter(s -> !all.contains(s)).ifPresent(all::add);
        return all;
    }

    private static String gatesVerdict(Fill f) {
        long failed = f.r.gates().stream().filter(g -> !g.passed()).count();
        int all = f.r.gates().size();
        return all == 0 ? "no gate evaluated" : failed == 0 ? "all " + all + " passed" : failed + " of " + all
                + " failed";
    }

    private static String smokeVerdict(Fill f) {
        List<SmokeResult> all = smokes(f.r);
        long passed = all.stream().filter(SmokeResult::passed).count();
        return all.isEmpty() ? "no smoke check" : passed + " passed, " + (all.size() - passed) + " failed";
    }

    private static String links(Fill f) {
        List<String> items = new ArrayList<>();
        f.r.pullRequest().ifPresent(n -> items.add("- Pull request: " + EvidenceReport.link("#" + n,
                f.r.pullRequestUrl())));
        f.r.deployRun().ifPresent(d -> items.add("- Deploy run: " + EvidenceReport.link(EvidenceReport.text(d.id()),
                Optional.of(d.url()))));
        items.add("- Record: " + fileLink(f.base + ".json"));
        items.add("- Timeline chart: " + fileLink(f.chart));
        return String.join("\n", items);
    }

    /** What a placeholder renders, and whether it renders a block that needs lines of its own. */
    private record Placeholder(String description, boolean block, Function<Fill, String> render) {
    }

    /** What one fill reads: the record, the chart's file name, the evidence files' base name. */
    private static final class Fill {
        final ReleaseRecord r;
        final String chart;
        final String base;

        Fill(ReleaseRecord record, String chart) {
            this.r = record;
            this.chart = chart;
            this.base = chart.endsWith(".svg") ? chart.substring(0, chart.length() - ".svg".length()) : chart;
        }
    }

    /** A piece of a parsed template. */
    private sealed interface Part permits Literal, Slot {
    }

    /** Template text, written as it is. */
    private record Literal(String text) implements Part {
    }

    /** A placeholder. */
    private record Slot(String name) implements Part {
    }
}
