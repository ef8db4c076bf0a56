package io.releasepipeline.backtest;

import io.releasepipeline.evidence.Samples;
import io.releasepipeline.format.Format;
import io.releasepipeline.format.SafeText;
import io.releasepipeline.trigger.NoDataPolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A backtest's report in Markdown, for people deciding whether to trust a candidate policy: the summary first
 * (agreement, rollbacks added on known-bad releases and would-be false rollbacks, rollbacks missed, detection time
 * gained or lost, what could not be replayed and why, the determinism check with every mismatch's detail), the
 * candidate policy as numbers next to the live one(s), then one table row per release.
 *
 * <p>Text that comes from records (release ids, revisions, verdict reasons, details) passes through
 * {@link SafeText#markdown(String, int)}: it cannot ping anyone, load an image or start a block. The wording helpers
 * ({@link #policy}, {@link #liveOutcome}, {@link #candidateVerdict}) return plain, unescaped text, shared with the
 * terminal table ({@link BacktestText}) and the chart ({@link BacktestSvg}). Stateless and thread-safe.
 */
public final class BacktestMarkdown {

    /**
     * What a missed rollback means, as every rendering says it: the candidate had not rolled back when the live
     * policy did, and the samples end there, so it is later or never.
     */
    public static final String NOT_BY_THEN = "had not rolled back by then: later or never (the samples end at the "
            + "live rollback)";

    private static final java.util.regex.Pattern INSTANT = java.util.regex.Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d(?::\\d\\d(?:\\.\\d+)?)?Z");

    /** How much of one untrusted field a cell keeps. */
    private static final int FIELD_LIMIT = 400;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private BacktestMarkdown() {
    }

    /**
     * The report of {@code report}, linking the chart {@code svgFileName} (a file name next to it) when given.
     *
     * @param report the backtest's answer
     * @param svgFileName the chart's file name, relative to the Markdown file; empty for no chart
     * @return the Markdown document
     */
    public static String render(BacktestReport report, Optional<String> svgFileName) {
        StringBuilder out = new StringBuilder();
        BacktestReport.Summary s = report.summary();
        out.append("# Backtest: ").append(text(BacktestText.headline(report))).append("\n\n");
        out.append("## Summary\n\n");
        for (String line : BacktestText.summaryLines(report)) {
            out.append("- ").append(text(line)).append('\n');
        }
        List<ReleaseReplay> mismatches = report.releases().stream()
                .filter(r -> r.determinism().status() == Determinism.Status.MISMATCH).toList();
        if (!mismatches.isEmpty()) {
            out.append("\n**Determinism mismatches (bugs in the engine or the replay; please report them):**\n\n");
            mismatches.forEach(r -> out.append("- ").append(code(r.releaseId())).append(": ")
                    .append(text(r.determinism().detail())).append('\n'));
        }
        out.append("\n## Policies\n\n");
        out.append("| Policy | Releases | Settings |\n|---|---|---|\n");
        out.append("| **candidate** | all | ").append(text(policy(report.candidate()))).append(" |\n");
        for (BacktestReport.LivePolicy live : report.live()) {
            out.append("| live | ").append(live.releases()).append(" | ").append(text(policy(live.policy())))
                    .append(" |\n");
        }
        if (report.live().isEmpty()) {
            out.append("| live | none recorded | (no record kept its samples) |\n");
        }
        svgFileName.ifPresent(name -> out.append("\n![backtest chart](").append(SafeText.markdownUrl(name))
                .append(")\n"));
        out.append("\n## Releases\n\n");
        if (report.releases().isEmpty()) {
            out.append("No release in range.\n");
            return out.toString();
        }
        out.append("| Release | Started | Revision | Actual outcome | Candidate | Comparison | Known bad |\n");
        out.append("|---|---|---|---|---|---|---|\n");
        for (ReleaseReplay r : report.releases()) {
            out.append("| ").append(code(r.releaseId()))
                    .append(" | ").append(TIME.format(r.startedAt()))
                    .append(" | ").append(r.revision().map(BacktestMarkdown::code).orElse("?"))
                    .append(" | ").append(text(liveOutcome(r)))
                    .append(" | ").append(text(candidateVerdict(r)))
                    .append(" | ").append(comparison(r))
                    .append(" | ").append(r.knownBad() ? "**yes**" : "no")
                    .append(" |\n");
        }
        List<ReleaseReplay> withCaveats = report.releases().stream().filter(r -> !r.caveats().isEmpty()).toList();
        if (!withCaveats.isEmpty()) {
            out.append("\n### Caveats\n\n");
            withCaveats.forEach(r -> out.append("- ").append(code(r.releaseId())).append(": ")
                    .append(text(String.join("; ", r.caveats()))).append('\n'));
        }
        out.append("\nTimes are offsets from the moment traffic first moved to the new revision (t+0). A rollback "
                + "the candidate adds is a catch when someone rolled the release back by hand (known bad), a would-be "
                + "false rollback otherwise.\n");
        return out.toString();
    }

    /** The comparison in words, emphasised where it needs a reader's attention. */
    static String comparison(ReleaseReplay r) {
        return switch (r.comparison()) {
            case AGREE -> "agree";
            case ADDED_ROLLBACK -> r.knownBad() ? "**added rollback: catches a known-bad release**"
                    : "**added rollback: would-be false rollback**";
            case MISSED_ROLLBACK -> "**missed rollback**: the candidate " + NOT_BY_THEN;
            case UNKNOWN -> "unknown";
        } + r.detectionDelta().map(d -> " (" + delta(d) + ")").orElse("");
    }

    /**
     * A detection delta in words: {@code 4m earlier}, {@code 30s later}, {@code same time}.
     *
     * @param d the candidate's time less the reference (negative: earlier)
     * @return a detection delta in words: {@code 4m earlier}, {@code 30s later}, {@code same time}
     */
    public static String delta(Duration d) {
        if (d.isZero()) {
            return "same time";
        }
        return Format.duration(d.abs()) + (d.isNegative() ? " earlier" : " later");
    }

    /**
     * A policy as numbers, e.g. {@code error rate > 5.0% over 5m (min 100 requests, no data: hold up to 5m); health
     * down 1m; smoke failing 2m; read errors: hold-then-rollback; every 30s}; the hold limit is shown only with the
     * {@code hold} no-data policy (the only one it applies to). Plain text.
     *
     * @param p the policy
     * @return a policy as numbers, e.g. {@code error rate > 5.0% over 5m (min 100 requests, no data: hold up to 5m);
     *     health down 1m; smoke failing 2m; read errors: hold-then-rollback; every 30s}; the hold limit is shown only
     *     with the {@code hold} no-data policy (the only one it applies to)
     */
    public static String policy(Samples.Policy p) {
        List<String> parts = new ArrayList<>();
        p.errorRate().ifPresentOrElse(e -> parts.add("error rate > " + Format.percent(e.threshold()) + " over "
                + Format.duration(e.window()) + " (min " + e.minimumRequests() + " requests, no data: "
                + e.noDataPolicy().name().toLowerCase(Locale.ROOT)
                + (e.noDataPolicy() == NoDataPolicy.HOLD ? " up to " + Format.duration(e.holdLimit()) : "")
                + ", read every " + Format.duration(p.errorRateInterval()) + ")"), () -> parts.add("error rate off"));
        p.canaryMaxIncrease().ifPresent(c -> parts.add("canary analysis: at most " + Format.percent(c)
                + " above stable"));
        p.healthDownFor().ifPresentOrElse(h -> parts.add("health down " + Format.duration(h) + " (probed every "
                + Format.duration(p.healthProbeInterval()) + ")"), () -> parts.add("health off"));
        p.smokeFailingFor().ifPresentOrElse(h -> parts.add("smoke failing " + Format.duration(h) + " (checked every "
                + Format.duration(p.smokeInterval()) + ")"), () -> parts.add("smoke off"));
        if (p.alerts()) {
            parts.add("alerts (read every " + Format.duration(p.alertInterval()) + ")");
        }
        parts.add("read errors: " + p.onReadError().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        if (!p.advisory().isEmpty()) {
            parts.add("advisory: " + String.join(", ", p.advisory()));
        }
        if (!p.custom().isEmpty()) {
            parts.add("custom: " + String.join(", ", p.custom()));
        }
        return String.join("; ", parts);
    }

    /**
     * What really happened, e.g. {@code rolled back at t+7m by error-rate at 10%: 5xx 8.0% ...}. Plain text.
     *
     * @param r the release's replay
     * @return what really happened, e.g. {@code rolled back at t+7m by error-rate at 10%: 5xx 8.0% ...}
     */
    public static String liveOutcome(ReleaseReplay r) {
        Decision live = r.live();
        return switch (live.kind()) {
            case PROMOTED -> "promoted" + at(r, live);
            case ROLLED_BACK -> "rolled back" + at(r, live) + " by " + live.trigger().orElse("?") + weight(live)
                    + ": " + live.detail();
            case MANUAL_ROLLBACK -> "rolled back by hand" + at(r, live) + weight(live) + ": " + live.detail();
            default -> live.detail();
        } + (r.knownBad() && live.kind() != Decision.Kind.MANUAL_ROLLBACK ? " (later rolled back by hand)" : "");
    }

    /**
     * What the candidate would have done, e.g. {@code would have rolled back at t+4m by error-rate at 10%: 5xx 3.1%
     * over 5m of 3,000 requests; threshold 2%}. Plain text.
     *
     * @param r the release's replay
     * @return what the candidate would have done, e.g. {@code would have rolled back at t+4m by error-rate at 10%: 5xx
     *     3.1% over 5m of 3,000 requests; threshold 2%}
     */
    public static String candidateVerdict(ReleaseReplay r) {
        Decision c = r.candidate();
        return switch (c.kind()) {
            case PROMOTED -> "would have promoted";
            case ROLLED_BACK -> "would have rolled back" + at(r, c) + " by " + c.trigger().orElse("?") + weight(c)
                    + ": " + c.detail();
            case MANUAL_ROLLBACK -> "rolled back by hand" + at(r, c);
            case CONTINUED -> "would have continued: " + relative(r, c.detail());
            case INCONCLUSIVE -> "inconclusive: " + relative(r, c.detail());
            case NOT_REPLAYABLE -> "not replayable: " + c.detail().replaceFirst("^not replayable: ", "");
            case OTHER -> c.detail();
        };
    }

    /**
     * {@code detail} with every instant in it written as an offset from the release's t+0 ({@code t+21m}), as the
     * rest of the report writes times; unchanged when the release has no t+0.
     */
    static String relative(ReleaseReplay r, String detail) {
        if (r.trafficFrom().isEmpty()) {
            return detail;
        }
        return INSTANT.matcher(detail).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(offset(
                Duration.between(r.trafficFrom().get(), Instant.parse(m.group())))));
    }

    private static String at(ReleaseReplay r, Decision d) {
        return r.offset(d).map(o -> " at " + offset(o)).orElse("");
    }

    /** {@code t+4m}, {@code t-30s}. */
    static String offset(Duration d) {
        return d.isNegative() ? "t" + Format.duration(d) : "t+" + (d.isZero() ? "0" : Format.duration(d));
    }

    private static String weight(Decision d) {
        return d.weight() > 0 ? " at " + d.weight() + "%" : "";
    }

    private static String text(String s) {
        return SafeText.markdown(s, FIELD_LIMIT);
    }

    private static String code(String s) {
        return SafeText.markdownCode(s, FIELD_LIMIT);
    }

    /** The start of a release as the report writes it. */
    static String time(Instant at) {
        return TIME.format(at);
    }
}
