package io.releasepipeline.backtest;

import io.releasepipeline.format.Format;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A backtest's report as plain text for a terminal: the summary lines, then a table of every release (id, start,
 * revision, actual outcome, candidate verdict, comparison, known bad). The text is not neutralised: a caller that
 * prints it line by line where a terminal could be driven by control characters neutralises each line (the CLI's
 * {@code Console.line} does). Stateless and thread-safe.
 */
public final class BacktestText {

    /** The widest a table cell grows before it is cut with an ellipsis (the full text is in the Markdown report). */
    public static final int CELL_LIMIT = 60;

    private BacktestText() {
    }

    /**
     * One line saying what was backtested: {@code 8 releases against error rate > 2.0% over 5m ...}.
     *
     * @param report the backtest's answer
     * @return one line saying what was backtested: {@code 8 releases against error rate > 2.0% over 5m ...}
     */
    public static String headline(BacktestReport report) {
        return report.summary().releases() + " release" + (report.summary().releases() == 1 ? "" : "s")
                + " replayed through the candidate policy";
    }

    /**
     * The summary, one finding a line: agreement and added, missed and unknown counts, each added and missed
     * rollback with its time, detection time gained and lost, what could not be replayed and why, and the
     * determinism check ("the live policy reproduced N/M records").
     *
     * @param report the backtest's answer
     * @return the summary, one finding a line: agreement and added, missed and unknown counts, each added and missed
     *     rollback with its time, detection time gained and lost, what could not be replayed and why, and the
     *     determinism check ("the live policy reproduced N/M records")
     */
    public static List<String> summaryLines(BacktestReport report) {
        BacktestReport.Summary s = report.summary();
        List<String> lines = new ArrayList<>();
        lines.add(s.releases() + " release" + plural(s.releases()) + ": " + s.agree() + " agree, " + s.addedRollbacks() + " rollback"
                + plural(s.addedRollbacks()) + " added (" + s.addedOnKnownBad() + " on known-bad releases, "
                + s.wouldBeFalseRollbacks() + " would-be false rollback" + plural(s.wouldBeFalseRollbacks()) + "), "
                + s.missedRollbacks() +  " missed" + (s.missedRollbacks() > 0 ? " (had not rolled back by the live rollback: later or "
                + "never)" : "") + ", " + s.unknown() + " without a comparison; " + s.knownBad()
                + " known bad (rolled back by hand)");
        for (ReleaseReplay r : report.releases()) {
            if (r.comparison() == ReleaseReplay.Comparison.ADDED_ROLLBACK) {
                lines.add((r.knownBad() ? "catch: " : "would-be false rollback: ") + r.releaseId() + " "
                        + BacktestMarkdown.candidateVerdict(r).replaceFirst("^would have ", "")
                        + r.detectionDelta().map(d -> " (" + BacktestMarkdown.delta(d) + " than the rollback by "
                                + "hand)").orElse(""));
            } else if (r.comparison() == ReleaseReplay.Comparison.MISSED_ROLLBACK) {
                lines.add("missed: " + r.releaseId() + ", which the live policy " + BacktestMarkdown.liveOutcome(r)
                        + "; the candidate " + BacktestMarkdown.NOT_BY_THEN + " (it " + BacktestMarkdown
                                .candidateVerdict(r) + ")");
            }
        }
        lines.add("detection time against the live policy (releases both rolled back): "
                + amount(s.detectionGained()) + " gained; " + lost(s));
        if (s.addedOnKnownBad() > 0) {
            lines.add("catches against the rollbacks by hand (not the live policy): " + amount(s.caughtBeforeHand())
                    + " earlier, over " + s.addedOnKnownBad() + " known-bad release" + plural(s.addedOnKnownBad()));
        }
        Map<String, Integer> notReplayable = new LinkedHashMap<>();
        Map<String, Integer> inconclusive = new LinkedHashMap<>();
        for (ReleaseReplay r : report.releases()) {
            if (r.candidate().kind() == Decision.Kind.NOT_REPLAYABLE) {
                notReplayable.merge(r.candidate().detail().replaceFirst("^not replayable: ", ""), 1, Integer::sum);
            } else if (r.candidate().kind() == Decision.Kind.INCONCLUSIVE) {
                inconclusive.merge(BacktestMarkdown.relative(r, r.candidate().detail()), 1, Integer::sum);
            }
        }
        notReplayable.forEach((why, n) -> lines.add("not replayable: " + n + " (" + why + ")"));
        inconclusive.forEach((why, n) -> lines.add("inconclusive: " + n + " (" + why + ")"));
        int notChecked = s.releases() - s.reproduced() - s.mismatches();
        lines.add("determinism: the live policy reproduced " + s.reproduced() + "/" + s.releases() + " records"
                + (s.mismatches() > 0 ? "; " + s.mismatches() + " MISMATCH" + (s.mismatches() == 1 ? "" : "ES")
                        + " (a bug: see each one's detail)" : "")
                + (notChecked > 0 ? "; " + notChecked + " not checked (no samples, or custom triggers)" : ""));
        return lines;
    }

    /**
     * The whole report for a terminal: the candidate and live policies, the summary lines and the table.
     *
     * @param report the backtest's answer
     * @return the whole report for a terminal: the candidate and live policies, the summary lines and the table
     */
    public static List<String> render(BacktestReport report) {
        List<String> lines = new ArrayList<>();
        lines.add("backtest: " + headline(report));
        lines.add("candidate: " + BacktestMarkdown.policy(report.candidate()));
        report.live().forEach(l -> lines.add("live (" + l.releases() + " release" + plural(l.releases()) + "): "
                + BacktestMarkdown.policy(l.policy())));
        lines.add("");
        summaryLines(report).forEach(l -> lines.add("  " + l));
        report.releases().stream().filter(r -> r.determinism().status() == Determinism.Status.MISMATCH)
                .forEach(r -> lines.add("  MISMATCH " + r.releaseId() + ": " + r.determinism().detail()));
        if (report.releases().isEmpty()) {
            return lines;
        }
        lines.add("");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"RELEASE", "STARTED", "REVISION", "ACTUAL", "CANDIDATE", "COMPARISON", "KNOWN BAD"});
        for (ReleaseReplay r : report.releases()) {
            rows.add(new String[] {r.releaseId(), BacktestMarkdown.time(r.startedAt()).replace(" UTC", ""),
                r.revision().orElse("?"), cut(BacktestMarkdown.liveOutcome(r)),
                cut(BacktestMarkdown.candidateVerdict(r)), comparison(r), r.knownBad() ? "yes" : "no"});
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(String.format(Locale.ROOT, "%-" + widths[i] + "s", row[i])).append("  ");
            }
            lines.add(line.toString().stripTrailing());
        }
        return lines;
    }

    /** The comparison as one short word group: {@code agree}, {@code ADDED (catch)}, {@code ADDED (false)} .... */
    static String comparison(ReleaseReplay r) {
        return switch (r.comparison()) {
            case AGREE -> "agree";
            case ADDED_ROLLBACK -> r.knownBad() ? "ADDED (catch)" : "ADDED (false)";
            case MISSED_ROLLBACK -> "MISSED (later or never)";
            case UNKNOWN -> "unknown";
        } + r.detectionDelta().map(d -> " " + (d.isNegative() ? "-" : "+") + Format.duration(d.abs())).orElse("");
    }

    /** Detection time lost: what can be measured, and what cannot past a live rollback. */
    private static String lost(BacktestReport.Summary s) {
        String measured = amount(s.detectionLost()) + " lost where both rolled back";
        if (s.missedRollbacks() == 0) {
            return measured;
        }
        return (s.detectionLost().isZero() ? "" : measured + "; ") + "lost: not measurable past the live rollback; "
                + s.missedRollbacks() + " rollback" + plural(s.missedRollbacks()) + " the candidate had not taken by "
                + "then (later or never: the samples end at the live rollback)";
    }

    private static String amount(java.time.Duration d) {
        return d.isZero() ? "nothing" : Format.duration(d);
    }

    private static String cut(String s) {
        return s.length() <= CELL_LIMIT ? s : s.substring(0, CELL_LIMIT - 1) + "\u2026";
    }

    private static String plural(int n) {
        return n == 1 ? "" : "s";
    }
}
