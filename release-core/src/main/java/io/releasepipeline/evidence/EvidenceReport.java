package io.releasepipeline.evidence;

import io.releasepipeline.format.Format;
import io.releasepipeline.format.SafeText;
import io.releasepipeline.health.EndpointResult;
import io.releasepipeline.health.SmokeResult;
import io.releasepipeline.spi.DeployRun;
import io.releasepipeline.trigger.TriggerVerdict;
import io.releasepipeline.trigger.Triggers;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Renders a {@link ReleaseRecord} for people: a Markdown report (the runbook's release-evidence template filled
 * in) and an SVG chart of the release's timeline (traffic to the new revision and health over time) that the
 * report links to.
 *
 * <p>Every text taken from the record is untrusted (a pull request's check names, an alert's description, a
 * caller's rollback reason) and goes through {@link SafeText} for its target: in the Markdown no mention pings, no
 * image loads, no HTML, link or block comes out of it, and each text keeps to one line of at most 1,000 characters;
 * in the SVG it is escaped XML 1.0 text of at most 300 characters. Only the record's own http(s) URLs become links.
 * The output depends only on the record, so the same record always renders to the same bytes.
 *
 * <p>Stateless and thread-safe.
 */
public final class EvidenceReport {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'",
            Locale.ROOT).withZone(ZoneOffset.UTC);
    /**
     * How many characters of one text from the record (a reason, a name, a detail) the report and the chart keep:
     * 1,000 in the Markdown, {@value #CHART_TEXT_LIMIT} in the chart; the JSON record keeps it whole.
     */
    private static final int FIELD_LIMIT = 1_000;
    private static final int CHART_TEXT_LIMIT = 300;
    /** A longer URL is not made a link: the label stays, and the JSON record has the URL. */
    private static final int URL_LIMIT = 2_000;
    private static final DateTimeFormatter CLOCK_TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private EvidenceReport() {
    }

    /**
     * The Markdown report: title, outcome, summary table, the timeline chart ({@code ![timeline](svgFileName)}),
     * gates, deploy run, traffic changes, smoke checks with per-endpoint latencies, trigger verdicts, health
     * signals, rollback (with a loud callout when a database migration must be rolled back by hand) and notes.
     * Sections with nothing to show say so rather than disappear.
     *
     * @param record the release's record
     * @param svgFileName the chart's file name relative to the report, e.g. {@code 2025-03-14-app-r1.svg}
     * @return the Markdown report: title, outcome, summary table, the timeline chart ({@code
     *     ![timeline](svgFileName)}), gates, deploy run, traffic changes, smoke checks with per-endpoint latencies,
     *     trigger verdicts, health signals, rollback (with a loud callout when a database migration must be rolled
     *     back by hand) and notes
     */
    public static String markdown(ReleaseRecord record, String svgFileName) {
        return new MarkdownReport(record).render(svgFileName);
    }

    /**
     * The report's sections, in the order {@link #markdown} renders them. Each can be rendered alone with
     * {@link #section}, which is how an {@link EvidenceTemplate} places them: a section added here is rendered by the
     * report and becomes available to templates with one line in {@link EvidenceTemplate}'s placeholder table.
     */
    public enum Section {
        /** The summary table: ids, pull request, commits, revisions, outcome, times. */
        SUMMARY("Summary"),
        /** The timeline chart, as a Markdown image of the chart's file. */
        TIMELINE("Timeline"),
        /** Every gate with its verdict and reason. */
        GATES("Gates"),
        /** Whether the merge starts the deploy run, and the run as last seen. */
        DEPLOY_RUN("Deploy run"),
        /** Every traffic change with its time and reason. */
        TRAFFIC_CHANGES("Traffic changes"),
        /** Manual approvals of traffic steps; the report leaves the section out when there were none. */
        APPROVALS("Approvals"),
        /** Each smoke check that decided something, with per-endpoint results and latencies. */
        SMOKE_CHECKS("Smoke checks"),
        /** The trigger verdicts that mattered. */
        TRIGGER_VERDICTS("Trigger verdicts"),
        /** Health over time, as the chart draws it. */
        HEALTH_SIGNALS("Health signals"),
        /** What the rollback did, with the smoke check after it; "No rollback." when there was none. */
        ROLLBACK("Rollback"),
        /**
         * Every hook run: point, name, kind, status, start, duration, summary, delivery id; the report leaves the
         * section out when no hook ran.
         */
        HOOKS("Hooks"),
        /** Anything else a reader should know. */
        NOTES("Notes");

        private final String title;

        Section(String title) {
            this.title = title;
        }

        /**
         * The section's heading in the report, e.g. {@code Traffic changes}.
         *
         * @return the section's heading in the report, e.g. {@code Traffic changes}
         */
        public String title() {
            return title;
        }
    }

    /**
     * One section of the report alone: its body as {@link #markdown} renders it, without its {@code ##} heading and
     * without trailing blank lines. Text from the record is neutralised exactly as in the whole report. A section
     * with nothing to show says so ("None.", "No rollback.").
     *
     * @param record the release's record
     * @param section which section
     * @param svgFileName the chart's file name relative to the Markdown, for {@link Section#TIMELINE}
     * @return one section of the report alone: its body as {@link #markdown} renders it, without its {@code ##}
     *     heading and without trailing blank lines
     */
    public static String section(ReleaseRecord record, Section section, String svgFileName) {
        return new MarkdownReport(record).renderAlone(section, svgFileName);
    }

    /** The outcome in words, as the report's headline says it (e.g. "Rolled back: smoke check failing ..."). */
    static String outcomeSentence(ReleaseRecord record) {
        MarkdownReport report = new MarkdownReport(record);
        return report.outcomeWords() + report.headlineDetail();
    }

    /** Untrusted text as the report puts it in a cell or paragraph. */
    static String text(String untrusted) {
        return MarkdownReport.text(untrusted);
    }

    /** Untrusted text as a code span the text cannot break out of. */
    static String code(String untrusted) {
        return MarkdownReport.code(untrusted);
    }

    /** A link when {@code url} is a short enough http(s) URL, otherwise the label alone. */
    static String link(String label, Optional<String> url) {
        return MarkdownReport.link(label, url);
    }

    /** The Markdown image of the chart. */
    static String chart(String svgFileName) {
        return MarkdownReport.chart(svgFileName);
    }

    /**
     * The timeline chart as a standalone SVG document: the new revision's traffic weight as a step line over
     * 0–100%, one lane per health signal ({@code health}, {@code smoke}, {@code error-rate}, then any other) with
     * a green dot for good and a red square for bad (hover for the detail), the rollback as a dashed line, and a
     * time axis relative to the start ({@code t+0}, {@code t+5m}, ...).
     *
     * <p>The health lane shows how densely the health endpoint was probed, not only where its state changed: every
     * probe of the record's {@link ReleaseRecord#samples() samples} is a thin tick in its state's colour, and probes
     * closer together than 3 pixels (e.g. probing every second through an hour)
     * merge into one bar whose hover text gives the number of probes and the time they span. Records without samples
     * (written before samples were kept) show the changes of state alone. Labels (the rollback's, the traffic
     * weights', the lanes' values) are laid out so they never overlap a grid line, the traffic line or another
     * label: one moves to the next free place, and a value label with none is left out (its value stays in the
     * marker's hover text).
     *
     * @param record the record to draw
     * @return the SVG document, UTF-8 text; the same record always gives the same bytes
     */
    public static String svg(ReleaseRecord record) {
        return new TimelineChart(record).render();
    }

    static String time(Instant at) {
        return TIME.format(at);
    }

    /** {@code t+0}, {@code t+5m}, {@code t+1h30m} from the record's start. */
    static String relative(ReleaseRecord record, Instant at) {
        Duration d = Duration.between(record.startedAt(), at);
        return d.isZero() ? "t+0" : d.isNegative() ? "t" + Format.duration(d) : "t+" + Format.duration(d);
    }

    /** The revision whose traffic the chart follows: the new one, or where a standalone rollback went. */
    static Optional<String> subjectRevision(ReleaseRecord record) {
        return record.newRevision().or(() -> record.rollback().map(RollbackDetails::toRevision));
    }

    /** The last moment the record mentions, so charts and durations cover everything. */
    static Instant end(ReleaseRecord record) {
        Stream<Instant> moments = Stream.of(
                record.finishedAt().stream(),
                record.trafficChanges().stream().map(TrafficChange::at),
                record.timeline().stream().map(TimelinePoint::at),
                record.smokeChecks().stream().map(SmokeResult::at),
                record.verdicts().stream().map(TriggerVerdict::at),
                record.rollback().stream().map(RollbackDetails::finishedAt)).flatMap(Function.identity());
        return moments.max(Instant::compareTo).filter(t -> t.isAfter(record.startedAt())).orElse(record.startedAt());
    }

    /** The Markdown report of one record. */
    private static final class MarkdownReport {
        private final ReleaseRecord r;
        private final StringBuilder out = new StringBuilder();

        MarkdownReport(ReleaseRecord record) {
            this.r = record;
        }

        String render(String svgFileName) {
            line("# Release evidence: " + text(r.app()) + " " + code(r.releaseId()));
            line("");
            line("> **" + outcomeWords() + "**" + headlineDetail());
            for (Section s : Section.values()) {
                boolean empty = s == Section.APPROVALS && r.approvals().isEmpty()
                        || s == Section.HOOKS && r.hooks().isEmpty();
                if (!empty) {
                    section(s.title());
                    body(s, svgFileName);
                }
            }
            return out.toString();
        }

        /** Renders the body of {@code s} (no heading) at the end of the output. */
        void body(Section s, String svgFileName) {
            switch (s) {
                case SUMMARY -> summary();
                case TIMELINE -> line(chart(svgFileName));
                case GATES -> gates();
                case DEPLOY_RUN -> deployRun();
                case TRAFFIC_CHANGES -> traffic();
                case APPROVALS -> approvals();
                case SMOKE_CHECKS -> smokeChecks();
                case TRIGGER_VERDICTS -> verdicts();
                case HEALTH_SIGNALS -> healthSignals();
                case ROLLBACK -> rollback();
                case HOOKS -> hooks();
                case NOTES -> notes();
            }
        }

        static String chart(String svgFileName) {
            return "![timeline](" + linkTarget(svgFileName) + ")";
        }

        /** The body of {@code s} alone, without its heading and without trailing blank lines. */
        String renderAlone(Section s, String svgFileName) {
            body(s, svgFileName);
            return out.toString().stripTrailing();
        }

        String outcomeWords() {
            return switch (r.outcome()) {
                case IN_PROGRESS -> "In progress";
                case PROMOTED -> "Promoted";
                case GATES_FAILED -> r.postMerge()
                        ? "Gates failed after the merge: the new revision was given no traffic"
                        : "Gates failed: nothing was changed";
                case ABORTED -> "Aborted before traffic moved";
                case ROLLED_BACK -> "Rolled back";
                case ROLLED_BACK_NOT_RECOVERED -> "Rolled back, NOT RECOVERED: the error rate stayed above the "
                        + "baseline on the previous revision too; page someone";
                case ROLLED_BACK_HOOK_FAILED -> r.rollback().flatMap(RollbackDetails::notRecovered).isPresent()
                        ? "Rolled back, but a rollback hook FAILED and the error rate did NOT RECOVER (it stayed "
                                + "above the baseline on the previous revision too); page someone"
                        : "Rolled back, but a rollback hook FAILED; page someone";
                case ROLLBACK_FAILED -> "ROLLBACK FAILED: page someone";
                case FROZEN -> "FROZEN: roll-forward-only release, traffic held where it was; page someone";
                case NOTHING_TO_DEPLOY -> "Merged, nothing to deploy: no deploy run, traffic untouched";
            };
        }

        String headlineDetail() {
            if (r.outcome() == ReleaseOutcome.PROMOTED) {
                return r.newRevision().map(rev -> ": " + code(rev) + " serves 100%").orElse("");
            }
            if (r.outcome() == ReleaseOutcome.NOTHING_TO_DEPLOY) {
                return r.deployMatch().map(m -> ": no changed file matches " + code(m.filter())).orElse("");
            }
            return r.rollback().map(rb -> ": " + text(rb.reason())).orElse("");
        }

        private void summary() {
            Map<String, String> rows = new LinkedHashMap<>();
            rows.put("Release id", code(r.releaseId()));
            rows.put("App", code(r.app()));
            rows.put("Kind", r.kind() == ReleaseRecord.Kind.PROMOTION ? "promotion" : "standalone rollback");
            rows.put("Pull request", r.pullRequest().map(n -> link("#" + n, r.pullRequestUrl())
                    + r.pullRequestTitle().map(t -> ": " + text(t)).orElse("")).orElse("—"));
            r.environment().ifPresent(e -> rows.put("Environment", text(e)));
            rows.put("Head commit", r.headSha().map(MarkdownReport::code).orElse("—"));
            rows.put("Merge commit", r.mergeCommitSha().map(MarkdownReport::code).orElse("—"));
            rows.put("Previous revision", r.previousRevision().map(MarkdownReport::code).orElse("—"));
            rows.put("New revision", r.newRevision().map(MarkdownReport::code).orElse("—"));
            rows.put("Approvers", r.approvers().isEmpty() ? "—" : text(String.join(", ", r.approvers())));
            rows.put("Outcome", "**" + r.outcome() + "**");
            rows.put("Started", time(r.startedAt()));
            rows.put("Finished", r.finishedAt().map(EvidenceReport::time).orElse("not finished"));
            rows.put("Duration", r.finishedAt().map(f -> Format.duration(Duration.between(r.startedAt(), f)))
                    .orElse("—"));
            rows.put("Database migration", (r.databaseMigration() ? "**yes**" : "no")
                    + r.migration().map(m -> ": " + text(m.reason().replaceFirst("^(no )?database migration: ", "")))
                            .orElse(""));
            rows.put("Error-rate baseline", r.baseline().map(b -> text(b.describe()) + " (measured "
                    + time(b.measuredAt()) + ")").orElse("none measured"));
            if (r.kind() == ReleaseRecord.Kind.PROMOTION) {
                rows.put("Merge", r.postMerge()
                        ? "**before the release** (post-merge): the gates could not stop it"
                        : "by the release, after its gates (pre-merge)");
                rows.put("First release", r.firstRelease() ? "**yes** (declared: no earlier release expected)" : "no");
            }
            table(List.of("Field", "Value"), rows.entrySet().stream()
                    .map(e -> List.of(e.getKey(), e.getValue())).toList());
        }

        private void gates() {
            if (r.postMerge()) {
                line("Evaluated after the pull request had been merged: a failing gate could not stop the merge; "
                        + "it kept traffic off the new revision.");
                line("");
            }
            table(List.of("Gate", "Verdict", "Reason"), r.gates().stream()
                    .map(g -> List.of(text(g.gate()), verdict(g), text(g.reason()))).toList());
        }

        private static String verdict(GateResult g) {
            return g.passed() ? "PASS" : "**" + g.status() + "**";
        }

        private void deployRun() {
            r.deployMatch().ifPresent(m -> {
                line((m.deploys() ? "The merge starts the deploy run: " : "**Nothing to deploy**: no deploy run "
                        + "starts for this merge: ") + text(m.reason()) + ".");
                line("");
                int more = m.deploys() ? 0 : m.changedFiles() - m.files().size();
                line("Filter: " + code(m.filter()) + ". " + (m.deploys() ? "Changed files it selects" : "Changed files")
                        + " (of " + m.changedFiles() + "): " + (m.files().isEmpty() ? "none"
                                : String.join(", ", m.files().stream().map(MarkdownReport::code).toList()))
                        + (more > 0 ? " and " + more + " more" : "") + ".");
                line("");
            });
            Optional<DeployRun> run = r.deployRun();
            table(List.of("Run", "Commit", "Status", "Conclusion"), run.stream().map(d -> List.of(
                    link(text(d.id()), Optional.of(d.url()).filter(u -> !u.isEmpty())),
                    d.commitSha().isEmpty() ? "—" : code(d.commitSha()),
                    d.status().toString(),
                    d.conclusion().map(Object::toString).orElse("—"))).toList());
        }

        private void traffic() {
            table(List.of("Time", "Since start", "From", "To", "Reason"), r.trafficChanges().stream().map(c -> List.of(
                    time(c.at()), relative(r, c.at()), text(c.from().toString()), text(c.to().toString()),
                    text(c.reason()))).toList());
        }

        private void smokeChecks() {
            if (r.smokeChecks().isEmpty()) {
                line("None.");
            }
            for (SmokeResult s : r.smokeChecks()) {
                smokeCheck("### ", s);
            }
        }

        private void smokeCheck(String heading, SmokeResult s) {
            line(heading + (s.passed() ? "PASS" : "FAIL") + " on " + code(s.revision()) + " at " + time(s.at())
                    + " (" + relative(r, s.at()) + ")");
            line("");
            table(List.of("Endpoint", "Result", "Status", "Median", "p95", "Error"), s.endpoints().stream()
                    .map(MarkdownReport::endpointRow).toList());
        }

        private static List<String> endpointRow(EndpointResult e) {
            return List.of(code(e.endpoint()), e.passed() ? "PASS" : "**FAIL**",
                    e.status().map(String::valueOf).orElse("—"),
                    e.medianLatency().map(Format::duration).orElse("—"),
                    e.p95Latency().map(Format::duration).orElse("—"),
                    e.error().map(MarkdownReport::text).orElse(""));
        }

        private void verdicts() {
            table(List.of("Time", "Since start", "Trigger", "State", "Reason"), r.verdicts().stream().map(v -> List.of(
                    time(v.at()), relative(r, v.at()), text(v.trigger()),
                    v.firing() ? "**FIRING**" : v.state().toString(), text(v.reason()))).toList());
        }

        private void healthSignals() {
            table(List.of("Time", "Since start", "Signal", "State", "Value", "Detail"), r.timeline().stream().map(p -> List.of(
                    time(p.at()), relative(r, p.at()), text(p.signal()),
                    p.ok() ? "ok" : p.detail().startsWith("ERROR: ") ? "**error**" : "**bad**",
                    p.value().map(Format::percent).orElse(""), text(p.detail()))).toList());
        }

        private void rollback() {
            if (r.rollback().isEmpty()) {
                line("No rollback.");
                return;
            }
            RollbackDetails rb = r.rollback().get();
            if (rb.migrationWarning().isPresent()) {
                line("> [!CAUTION]");
                line("> **Database migration: roll it back by hand.** " + text(rb.migrationWarning().get()));
                line("");
            }
            if (!rb.succeeded()) {
                line("> [!WARNING]");
                line("> **The rollback did not complete.** " + rb.detail().map(MarkdownReport::text).orElse(""));
                line("");
            }
            Map<String, String> rows = new LinkedHashMap<>();
            rows.put("Reason", text(rb.reason()));
            rows.put("Trigger", rb.trigger().map(t -> text(t.toString())).orElse(Triggers.MANUAL));
            rows.put("From", rb.fromRevision().map(MarkdownReport::code).orElse("—"));
            rows.put("To", code(rb.toRevision()));
            rows.put("Started", time(rb.startedAt()) + " (" + relative(r, rb.startedAt()) + ")");
            rows.put("Finished", time(rb.finishedAt()) + " (" + relative(r, rb.finishedAt()) + ")");
            rows.put("Took", Format.duration(Duration.between(rb.startedAt(), rb.finishedAt())));
            rows.put("Succeeded", rb.succeeded() ? "yes" : "**no**");
            rows.put("Detail", rb.detail().map(MarkdownReport::text).orElse("—"));
            table(List.of("Field", "Value"), rows.entrySet().stream()
                    .map(e -> List.of(e.getKey(), e.getValue())).toList());
            rb.smoke().ifPresent(s -> {
                smokeCheck("#### Smoke check after the rollback: ", s);
            });
            rb.recovery().ifPresent(this::recovery);
        }

        /** Runbook step 2, "error rate returns to baseline": how the recovery watch ended, and its readings. */
        private void recovery(Recovery rec) {
            line("#### Error rate after the rollback: " + rec.status());
            line("");
            if (rec.pagesSomeone()) {
                line("> [!CAUTION]");
                line("> **Not recovered: page someone.** The previous revision is failing too; the cause may not be "
                        + "the release.");
                line("");
            }
            line(text(rec.detail()));
            line("");
            if (!rec.judgedAgainst().isEmpty()) {
                line("Judged against " + text(rec.judgedAgainst()) + ".");
                line("");
            }
            if (!rec.readings().isEmpty()) {
                table(List.of("Time", "Since start", "State", "5xx", "Reading"), rec.readings().stream()
                        .map(p -> List.of(time(p.at()), relative(r, p.at()), p.ok() ? "ok"
                                : p.detail().startsWith("ERROR: ") ? "**error**" : "**above**",
                                p.value().map(Format::percent).orElse(""), text(p.detail()))).toList());
            }
        }

        /** Every hook run: where, what, how it ended, how long it took; a failed one is called out. */
        private void hooks() {
            if (r.hooks().isEmpty()) {
                line("None.");
                return;
            }
            r.hooks().stream().filter(h -> !h.succeeded()).forEach(h -> {
                line("> [!WARNING]");
                line("> **Hook " + code(h.name()) + " at " + h.point() + ": " + h.status() + ".** "
                        + text(h.summary()));
                line("");
            });
            table(List.of("Point", "Hook", "Kind", "Status", "Started", "Took", "Summary", "Delivery id"),
                    r.hooks().stream().map(h -> List.of(h.point().name() + (h.migrationRollback()
                                    ? " (migration rollback)" : ""), code(h.name()), text(h.kind()),
                            h.succeeded() ? h.status().name() : "**" + h.status() + "**",
                            time(h.startedAt()) + " (" + relative(r, h.startedAt()) + ")",
                            Format.duration(h.duration()), link(text(h.summary()), h.link()),
                            code(h.deliveryId()) + (h.attempt() > 1 ? " (attempt " + h.attempt() + ")" : "")))
                            .toList());
        }

        private void approvals() {
            if (r.approvals().isEmpty()) {
                line("None.");
                return;
            }
            table(List.of("Step", "Asked", "Decision", "By", "At", "Comment"), r.approvals().stream()
                    .map(a -> List.of(a.weight() + "%", time(a.requestedAt()),
                            a.timedOut() ? "**timed out: " + (a.approved() ? "approved" : "rejected") + "**"
                                    : a.approved() ? "approved" : "**rejected**",
                            a.by().map(MarkdownReport::text).orElse("nobody"), time(a.decidedAt()),
                            text(a.comment())))
                    .toList());
        }

        private void notes() {
            if (r.notes().isEmpty()) {
                line("None.");
            }
            r.notes().forEach(n -> line("- " + text(n)));
        }

        private void section(String title) {
            blank();
            line("## " + title);
            line("");
        }

        /** Ends the current block with one empty line, however many blocks asked for it. */
        private void blank() {
            if (out.length() > 0 && !(out.length() >= 2 && out.charAt(out.length() - 2) == '\n')) {
                line("");
            }
        }

        private void table(List<String> header, List<List<String>> rows) {
            if (rows.isEmpty()) {
                line("None.");
                return;
            }
            line("| " + String.join(" | ", header) + " |");
            line("|" + "---|".repeat(header.size()));
            rows.forEach(row -> line("| " + String.join(" | ", row) + " |"));
            blank();
        }

        private void line(String s) {
            out.append(s).append('\n');
        }

        /**
         * Text from the record for a Markdown table cell or paragraph: {@link SafeText#markdown(String, int)}, so no
         * mention, image, link, HTML or block comes out of it, capped at {@link #FIELD_LIMIT} characters.
         */
        static String text(String s) {
            return SafeText.markdown(s, FIELD_LIMIT);
        }

        /** A code span that the text cannot break out of: {@link SafeText#markdownCode(String, int)}. */
        static String code(String s) {
            return SafeText.markdownCode(s, FIELD_LIMIT);
        }

        /**
         * A link when the URL is http(s), otherwise the label alone. {@code label} is Markdown already safe as a link
         * label: our own text, or text passed through {@link #text}.
         */
        static String link(String label, Optional<String> url) {
            return url.filter(u -> (u.startsWith("https://") || u.startsWith("http://")) && u.length() <= URL_LIMIT)
                    .map(u -> "[" + label + "](" + linkTarget(u) + ")").orElse(label);
        }

        static String linkTarget(String url) {
            return SafeText.markdownUrl(url);
        }
    }

    /** The SVG timeline chart of one record. */
    private static final class TimelineChart {
        /** Health probes closer together than this many pixels merge into one bar. */
        static final int TICK_MERGE_PX = 3;
        private static final int WIDTH = 880;
        private static final int LEFT = 120;
        private static final int RIGHT = 24;
        private static final int TRAFFIC_TOP = 64;
        private static final int TRAFFIC_HEIGHT = 150;
        private static final int LANE_HEIGHT = 28;
        private static final String OK = "#1a7f37";
        private static final String BAD = "#cf222e";
        private static final String LINE = "#0969da";
        private static final String MUTED = "#57606a";
        /** The health endpoint's timeline signal: the lane that shows the probing density. */
        private static final String HEALTH = Triggers.HEALTH_ENDPOINT;
        private static final List<String> KNOWN_SIGNALS = List.of(HEALTH, Triggers.SMOKE_CHECK, Triggers.ERROR_RATE);
        private static final long[] TICK_SECONDS = {1, 2, 5, 10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200,
            86400};

        private final ReleaseRecord r;
        private final Instant start;
        private final long spanMillis;
        private final List<String> lanes;
        private final StringBuilder out = new StringBuilder();
        /** Lines labels keep clear of, then every label drawn: what a new label must not overlap. */
        private final List<Box> taken = new ArrayList<>();

        TimelineChart(ReleaseRecord record) {
            this.r = record;
            this.start = record.startedAt();
            // At least a second, so that a release time-scaled to seconds is drawn at its own scale.
            this.spanMillis = Math.max(1_000, Duration.between(start, end(record)).toMillis());
            List<String> signals = new ArrayList<>(KNOWN_SIGNALS);
            record.timeline().stream().map(TimelinePoint::signal).filter(s -> !signals.contains(s)).distinct()
                    .forEach(signals::add);
            this.lanes = signals;
        }

        String render() {
            int lanesTop = TRAFFIC_TOP + TRAFFIC_HEIGHT + 36;
            int axisY = lanesTop + lanes.size() * LANE_HEIGHT + 8;
            int height = axisY + 62;
            out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            out.append(fmt("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                    + " font-family=\"-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif\" font-size=\"12\">\n",
                    WIDTH, height, WIDTH, height));
            out.append(fmt("<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", WIDTH, height));
            text(LEFT, 22, "start", "bold", 15, "#24292f", r.app() + " " + r.releaseId() + ": " + r.outcome());
            text(LEFT, 40, "start", "normal", 12, MUTED, "started " + time(start)
                    + subjectRevision(r).map(rev -> "; traffic to " + rev).orElse(""));
            List<double[]> steps = trafficSteps();
            keepClear(steps, lanesTop, axisY);
            // The rollback's label first, the most important one; the others find room around it.
            Optional<Placed> rollbackLabel = rollbackLabel();
            trafficPanel(steps);
            lanesPanel(lanesTop);
            rollbackMarker(TRAFFIC_TOP - 6, axisY, rollbackLabel);
            timeAxis(axisY);
            legend(height - 14);
            out.append("</svg>\n");
            return out.toString();
        }

        /** The traffic line's corners, empty with no revision to follow. */
        private List<double[]> trafficSteps() {
            Optional<String> subject = subjectRevision(r);
            List<double[]> steps = new ArrayList<>();
            if (subject.isEmpty()) {
                return steps;
            }
            int weight = r.trafficChanges().isEmpty() ? 0 : r.trafficChanges().get(0).from().weightOf(subject.get());
            steps.add(new double[] {x(start), weightY(weight)});
            for (TrafficChange c : r.trafficChanges()) {
                steps.add(new double[] {x(c.at()), weightY(weight)});
                weight = c.to().weightOf(subject.get());
                steps.add(new double[] {x(c.at()), weightY(weight)});
            }
            steps.add(new double[] {WIDTH - RIGHT, weightY(weight)});
            return steps;
        }

        /** The grid lines, the traffic line, the lanes' lines and the rollback's line, which no label may cross. */
        private void keepClear(List<double[]> steps, int lanesTop, int axisY) {
            for (int pct = 0; pct <= 100; pct += 25) {
                taken.add(new Box(LEFT, weightY(pct) - 0.5, WIDTH - RIGHT, weightY(pct) + 0.5));
            }
            for (int i = 1; i < steps.size(); i++) {
                double[] a = steps.get(i - 1);
                double[] b = steps.get(i);
                taken.add(new Box(Math.min(a[0], b[0]) - 1.5, Math.min(a[1], b[1]) - 1.5, Math.max(a[0], b[0]) + 1.5,
                        Math.max(a[1], b[1]) + 1.5));
            }
            for (int i = 0; i < lanes.size(); i++) {
                double mid = laneMid(lanesTop, i);
                taken.add(new Box(LEFT, mid - 0.5, WIDTH - RIGHT, mid + 0.5));
            }
            r.rollback().ifPresent(rb -> taken.add(new Box(x(rb.startedAt()) - 1, TRAFFIC_TOP - 6,
                    x(rb.startedAt()) + 1, axisY)));
        }

        /**
         * Where the rollback's label goes: beside its line, above the 100% line or else inside one of the traffic
         * panel's bands, on the side away from the chart's edge first; the first place that is free.
         */
        private Optional<Placed> rollbackLabel() {
            return r.rollback().map(rb -> {
                double x = x(rb.startedAt());
                boolean rightFirst = x - LEFT < 80;
                List<Placed> places = new ArrayList<>();
                List<Double> rows = new ArrayList<>(List.of(TRAFFIC_TOP - 4.0));
                for (int band = 0; band < 4; band++) {
                    rows.add(weightY(100 - 25 * band) + TRAFFIC_HEIGHT / 8.0 + 4);
                }
                for (double y : rows) {
                    Placed right = new Placed(x + 4, y, "start");
                    Placed left = new Placed(x - 4, y, "end");
                    places.add(rightFirst ? right : left);
                    places.add(rightFirst ? left : right);
                }
                Placed chosen = places.stream().filter(p -> free(p, "bold", 11, "rollback")).findFirst()
                        .orElse(places.get(0));
                taken.add(box(chosen, "bold", 11, "rollback"));
                return chosen;
            });
        }

        private void trafficPanel(List<double[]> steps) {
            int bottom = TRAFFIC_TOP + TRAFFIC_HEIGHT;
            for (int pct = 0; pct <= 100; pct += 25) {
                double y = weightY(pct);
                out.append(fmt("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#d0d7de\"%s/>\n",
                        LEFT, y, WIDTH - RIGHT, y, pct == 0 ? "" : " stroke-dasharray=\"2 3\""));
                text(LEFT - 8, y + 4, "end", "normal", 11, MUTED, pct + "%");
            }
            text(14, TRAFFIC_TOP + TRAFFIC_HEIGHT / 2.0, "middle", "normal", 11, MUTED, "traffic",
                    fmt(" transform=\"rotate(-90 14 %.1f)\"", TRAFFIC_TOP + TRAFFIC_HEIGHT / 2.0));
            Optional<String> subject = subjectRevision(r);
            if (subject.isEmpty()) {
                text(LEFT + 8, TRAFFIC_TOP + 20, "start", "normal", 12, MUTED, "no revision to follow");
                return;
            }
            StringBuilder points = new StringBuilder();
            steps.forEach(p -> points.append(fmt("%.1f,%.1f ", p[0], p[1])));
            out.append(fmt("<polygon points=\"%s%d,%d %d,%d\" fill=\"%s\" fill-opacity=\"0.12\"/>\n",
                    points, WIDTH - RIGHT, bottom, LEFT, bottom, LINE));
            out.append(fmt("<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\"/>\n",
                    points.toString().trim(), LINE));
            for (TrafficChange c : r.trafficChanges()) {
                int to = c.to().weightOf(subject.get());
                double x = x(c.at());
                double y = weightY(to);
                out.append(fmt("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\">", x, y, LINE));
                out.append("<title>").append(escape(relative(r, c.at()) + " " + c.reason() + ": " + c.to()))
                        .append("</title></circle>\n");
                label(List.of(new Placed(x + 5, y - 6, "start"), new Placed(x + 5, y + 15, "start"),
                        new Placed(x - 5, y - 6, "end"), new Placed(x - 5, y + 15, "end")), "normal", 11, LINE,
                        to + "%");
            }
        }

        private void lanesPanel(int top) {
            text(LEFT, top - 12, "start", "bold", 12, "#24292f", "health over time");
            List<Probe> probes = probes();
            for (int i = 0; i < lanes.size(); i++) {
                String signal = lanes.get(i);
                double mid = laneMid(top, i);
                out.append(fmt("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eaeef2\"/>\n",
                        LEFT, mid, WIDTH - RIGHT, mid));
                text(LEFT - 8, mid + 4, "end", "normal", 11, MUTED, signal);
                if (signal.equals(HEALTH)) {
                    probeTicks(probes, mid);
                }
                List<TimelinePoint> points = r.timeline().stream().filter(p -> p.signal().equals(signal)).toList();
                for (TimelinePoint p : points) {
                    marker(x(p.at()), mid, p.ok(), relative(r, p.at()) + " " + signal + " "
                            + (p.ok() ? "ok" : "BAD") + p.value().map(v -> " " + Format.percent(v)).orElse("")
                            + (p.detail().isEmpty() ? "" : ": " + p.detail()));
                }
                if (points.size() <= 12) {
                    // The bad values first: when two would collide, the one that matters keeps its label.
                    points.stream().filter(p -> p.value().isPresent())
                            .sorted(java.util.Comparator.comparing(TimelinePoint::ok))
                            .forEach(p -> valueLabel(p, mid));
                }
            }
        }

        /** A lane value's label: above its marker, else below, else beside it; none when every place is taken. */
        private void valueLabel(TimelinePoint p, double mid) {
            double x = x(p.at());
            label(List.of(new Placed(x, mid - 8, "middle"), new Placed(x, mid + 16, "middle"),
                    new Placed(x + 6, mid - 8, "start"), new Placed(x - 6, mid - 8, "end")), "normal", 10,
                    p.ok() ? MUTED : BAD, Format.percent(p.value().get()));
        }

        private static double laneMid(int lanesTop, int lane) {
            return lanesTop + lane * LANE_HEIGHT + LANE_HEIGHT / 2.0;
        }

        /** One health probe of the record's samples. */
        private record Probe(Instant at, boolean up) {
        }

        /** Every health probe the record's samples hold, in time order; empty for a record without samples. */
        private List<Probe> probes() {
            List<Probe> probes = new ArrayList<>();
            r.samples().ifPresent(samples -> samples.steps().forEach(step -> {
                long t = 0;
                Samples.Health health = step.health();
                for (int i = 0; i < health.count(); i++) {
                    t += health.t().get(i);
                    probes.add(new Probe(step.start().plusMillis(t), health.up().charAt(i) == '1'));
                }
            }));
            probes.sort(java.util.Comparator.comparing(Probe::at));
            return probes;
        }

        /**
         * The probes as ticks in their state's colour under the lane's markers: one per probe, or one bar for a run
         * of probes of one state closer together than {@link #TICK_MERGE_PX}.
         */
        private void probeTicks(List<Probe> probes, double mid) {
            int from = 0;
            for (int i = 1; i <= probes.size(); i++) {
                boolean runGoesOn = i < probes.size() && probes.get(i).up() == probes.get(from).up()
                        && x(probes.get(i).at()) - x(probes.get(i - 1).at()) < TICK_MERGE_PX;
                if (runGoesOn) {
                    continue;
                }
                if (i > from) {
                    Probe first = probes.get(from);
                    Probe last = probes.get(i - 1);
                    int n = i - from;
                    double x1 = x(first.at()) - 1;
                    double x2 = x(last.at()) + 1;
                    String state = first.up() ? "up" : "DOWN";
                    String title = n == 1 ? relative(r, first.at()) + " " + HEALTH + " probe: " + state
                            : relative(r, first.at()) + " to " + relative(r, last.at()) + " " + HEALTH + ": " + n
                                    + " probes " + state;
                    out.append(fmt("<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"14\" fill=\"%s\""
                            + " fill-opacity=\"0.55\"><title>%s</title></rect>\n", n == 1 ? "probe" : "probes", x1,
                            mid - 7, x2 - x1, first.up() ? OK : BAD, escape(title)));
                }
                from = i;
            }
        }

        private void marker(double x, double y, boolean ok, String title) {
            if (ok) {
                out.append(fmt("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\">", x, y, OK));
                out.append("<title>").append(escape(title)).append("</title></circle>\n");
            } else {
                out.append(fmt("<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"%s\">", x - 5, y - 5,
                        BAD));
                out.append("<title>").append(escape(title)).append("</title></rect>\n");
            }
        }

        private void rollbackMarker(int top, int bottom, Optional<Placed> label) {
            r.rollback().ifPresent(rb -> {
                double x = x(rb.startedAt());
                out.append(fmt("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1.5\""
                        + " stroke-dasharray=\"6 4\"><title>%s</title></line>\n", x, top, x, bottom, BAD,
                        escape("rollback " + relative(r, rb.startedAt()) + ": " + rb.reason())));
                label.ifPresent(p -> draw(p.x(), p.y(), p.anchor(), "bold", 11, BAD, "rollback", ""));
            });
        }

        private void timeAxis(int y) {
            out.append(fmt("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\"/>\n", LEFT, y, WIDTH - RIGHT,
                    y, MUTED));
            long step = TICK_SECONDS[TICK_SECONDS.length - 1];
            for (long candidate : TICK_SECONDS) {
                if (spanMillis / (candidate * 1000) <= 8) {
                    step = candidate;
                    break;
                }
            }
            for (long s = 0; s * 1000 <= spanMillis; s += step) {
                Instant at = start.plusSeconds(s);
                double x = x(at);
                out.append(fmt("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\"/>\n", x, y, x, y + 5,
                        MUTED));
                text(x, y + 18, "middle", "normal", 11, MUTED, relative(r, at));
            }
            text(WIDTH - RIGHT, y + 34, "end", "normal", 10, MUTED, "t+0 = " + time(start));
        }

        /** The legend, each entry after the room the one before takes. */
        private void legend(int y) {
            double x = LEFT;
            out.append(fmt("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2.5\"/>\n",
                    x, y - 4, x + 22, y - 4, LINE));
            x = legendText(x + 28, y, "traffic to the new revision");
            marker(x + 16, y - 4, true, "good");
            x = legendText(x + 26, y, "good");
            marker(x + 16, y - 4, false, "bad");
            x = legendText(x + 26, y, "bad");
            out.append(fmt("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1.5\""
                    + " stroke-dasharray=\"6 4\"/>\n", x + 12, y - 4, x + 34, y - 4, BAD));
            legendText(x + 40, y, "rollback");
        }

        /** Draws one legend text from {@code x}; returns where its room ends. */
        private double legendText(double x, int y, String content) {
            text(x, y, "start", "normal", 11, MUTED, content);
            return box(new Placed(x, y, "start"), "normal", 11, content).x2();
        }

        private double x(Instant at) {
            long ms = Math.max(0, Math.min(spanMillis, Duration.between(start, at).toMillis()));
            return LEFT + (WIDTH - LEFT - RIGHT) * (double) ms / spanMillis;
        }

        private static double weightY(int percent) {
            return TRAFFIC_TOP + TRAFFIC_HEIGHT * (100 - percent) / 100.0;
        }

        private void text(double x, double y, String anchor, String weight, int size, String fill, String content) {
            text(x, y, anchor, weight, size, fill, content, "");
        }

        /** Draws a label at a fixed place, which later labels keep clear of. */
        private void text(double x, double y, String anchor, String weight, int size, String fill, String content,
                String extra) {
            if (extra.isEmpty()) {
                taken.add(box(new Placed(x, y, anchor), weight, size, content));
            }
            draw(x, y, anchor, weight, size, fill, content, extra);
        }

        /** Draws a label at the first free one of {@code places}; none when every one is taken. */
        private void label(List<Placed> places, String weight, int size, String fill, String content) {
            places.stream().filter(p -> free(p, weight, size, content)).findFirst().ifPresent(p -> {
                taken.add(box(p, weight, size, content));
                draw(p.x(), p.y(), p.anchor(), weight, size, fill, content, "");
            });
        }

        private boolean free(Placed p, String weight, int size, String content) {
            Box b = box(p, weight, size, content);
            return taken.stream().noneMatch(b::overlaps);
        }

        /**
         * The room a text takes, generously: each glyph as wide as the widest of its kind in the chart's sans-serif
         * fonts (DejaVu Sans, the widest of them, included): 1 em for {@code % m w M W @}, 0.78 em for other capitals,
         * 0.64 em for the rest, a tenth more in bold; from the ascenders (0.8 em above the baseline) to the
         * descenders (0.25 em below).
         */
        static Box box(Placed p, String weight, int size, String content) {
            double ems = SafeText.truncate(content, CHART_TEXT_LIMIT).chars()
                    .mapToDouble(c -> "%mwMW@".indexOf(c) >= 0 ? 1.0 : Character.isUpperCase(c) ? 0.78 : 0.64).sum();
            double width = ems * size * ("bold".equals(weight) ? 1.1 : 1.0);
            double x1 = switch (p.anchor()) {
                case "end" -> p.x() - width;
                case "middle" -> p.x() - width / 2;
                default -> p.x();
            };
            return new Box(x1, p.y() - size * 0.8, x1 + width, p.y() + size * 0.25);
        }

        /** Where a label's anchor goes: {@code x}, baseline {@code y}, SVG {@code text-anchor}. */
        private record Placed(double x, double y, String anchor) {
        }

        /** A rectangle of the chart. */
        private record Box(double x1, double y1, double x2, double y2) {
            boolean overlaps(Box o) {
                return x1 < o.x2 && o.x1 < x2 && y1 < o.y2 && o.y1 < y2;
            }
        }

        private void draw(double x, double y, String anchor, String weight, int size, String fill, String content,
                String extra) {
            out.append(fmt("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-weight=\"%s\" font-size=\"%d\""
                    + " fill=\"%s\"%s>", x, y, anchor, weight, size, fill, extra));
            out.append(escape(content)).append("</text>\n");
        }

        /**
         * Text for XML content and attribute values: {@link SafeText#xml} (escaped, XML 1.0 characters only), capped
         * at {@value #CHART_TEXT_LIMIT} characters.
         */
        static String escape(String s) {
            return SafeText.xml(SafeText.truncate(s, CHART_TEXT_LIMIT));
        }

        private static String fmt(String format, Object... args) {
            return String.format(Locale.ROOT, format, args);
        }
    }
}
