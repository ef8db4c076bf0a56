package io.releasepipeline.backtest;

import io.releasepipeline.format.SafeText;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A backtest's chart, read at a glance: one row per release (the first {@link #MAX_ROWS}, then "and K more"), on a
 * shared time axis from the moment traffic first moved (t+0), the live policy's rollback drawn as a filled square
 * and the candidate's as a hollow diamond, each row coloured by how the two compare (green agree, orange a rollback
 * the candidate adds, purple one it misses, grey unknown), known-bad releases marked. Every text drawn comes through
 * {@link SafeText#xml} (release ids and revisions are untrusted). When the two rollbacks fall at the same time the
 * square and the diamond are drawn apart vertically, both visible. The axis ends at the 95th percentile of the rows'
 * lengths (with fewer than 20 rows, twice the second longest; at least a minute), so one long release does not squash the others; a row that runs past it is cut at the
 * axis's end and marked with an arrow ({@code ▸}) and its real length. Stateless and thread-safe.
 */
public final class BacktestSvg {

    /** The most releases drawn; the rest are counted under the last row. */
    public static final int MAX_ROWS = 40;

    private static final int WIDTH = 880;
    private static final int LEFT = 300;
    private static final int RIGHT = 24;
    private static final int TOP = 76;
    private static final int ROW = 24;
    private static final int LABEL_LIMIT = 28;
    private static final String AGREE = "#1a7f37";
    private static final String ADDED = "#bc4c00";
    private static final String MISSED = "#8250df";
    private static final String UNKNOWN = "#8c959f";
    private static final String LIVE = "#cf222e";
    private static final String CANDIDATE = "#0969da";
    private static final String MUTED = "#57606a";
    private static final long[] TICK_SECONDS = {1, 2, 5, 10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600};

    private BacktestSvg() {
    }

    /**
     * The chart of {@code report}.
     *
     * @param report the backtest's answer
     * @return an SVG document
     */
    public static String render(BacktestReport report) {
        List<ReleaseReplay> shown = report.releases().subList(0, Math.min(MAX_ROWS, report.releases().size()));
        int more = report.releases().size() - shown.size();
        long spanMillis = span(shown);
        int rowsBottom = TOP + Math.max(1, shown.size()) * ROW + (more > 0 ? ROW : 0);
        int axisY = rowsBottom + 6;
        int height = axisY + 70;
        StringBuilder out = new StringBuilder();
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        out.append(fmt("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                + " font-family=\"-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif\" font-size=\"12\">\n",
                WIDTH, height, WIDTH, height));
        out.append(fmt("<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", WIDTH, height));
        BacktestReport.Summary s = report.summary();
        text(out, 16, 22, "start", "bold", 15, "#24292f", "Backtest: " + s.releases() + " releases, " + s.agree()
                + " agree, " + s.addedOnKnownBad() + " catch" + (s.addedOnKnownBad() == 1 ? "" : "es") + ", "
                + s.wouldBeFalseRollbacks() + " would-be false rollback" + (s.wouldBeFalseRollbacks() == 1 ? "" : "s")
                + ", " + s.missedRollbacks() + " missed");
        List<String> policy = wrap("candidate: " + BacktestMarkdown.policy(report.candidate()), 140);
        for (int i = 0; i < Math.min(2, policy.size()); i++) {
            text(out, 16, 40 + i * 14, "start", "normal", 11, MUTED, policy.get(i) + (i == 1 && policy.size() > 2
                    ? "\u2026" : ""));
        }
        if (shown.isEmpty()) {
            text(out, LEFT, TOP + 16, "start", "normal", 12, MUTED, "no release in range");
        }
        for (int i = 0; i < shown.size(); i++) {
            row(out, shown.get(i), TOP + i * ROW, spanMillis);
        }
        if (more > 0) {
            text(out, LEFT - 8, TOP + shown.size() * ROW + 16, "end", "normal", 11, MUTED, "and " + more + " more");
        }
        axis(out, axisY, spanMillis);
        legend(out, height - 14);
        out.append("</svg>\n");
        return out.toString();
    }

    private static void row(StringBuilder out, ReleaseReplay r, int top, long spanMillis) {
        double mid = top + ROW / 2.0;
        String colour = switch (r.comparison()) {
            case AGREE -> AGREE;
            case ADDED_ROLLBACK -> ADDED;
            case MISSED_ROLLBACK -> MISSED;
            case UNKNOWN -> UNKNOWN;
        };
        out.append(fmt("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" fill-opacity=\"0.08\">",
                LEFT, top + 2, WIDTH - LEFT - RIGHT, ROW - 4, colour));
        out.append("<title>").append(escape(r.releaseId() + ": " + BacktestMarkdown.liveOutcome(r) + " / candidate "
                + BacktestMarkdown.candidateVerdict(r))).append("</title></rect>\n");
        out.append(fmt("<rect x=\"8\" y=\"%.1f\" width=\"6\" height=\"%d\" fill=\"%s\"/>\n", mid - 8.0, 16, colour));
        if (r.knownBad()) {
            text(out, 18, mid + 4, "start", "bold", 10, LIVE, "bad");
        }
        text(out, 42, mid + 4, "start", "normal", 11, "#24292f", SafeText.truncate(r.releaseId(), LABEL_LIMIT));
        r.revision().ifPresent(v -> text(out, LEFT - 8, mid + 4, "end", "normal", 11, MUTED,
                SafeText.truncate(v, 14)));
        long end = endMillis(r);
        if (end > 0) {
            out.append(fmt("<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"3\""
                    + " stroke-opacity=\"0.5\"/>\n", LEFT, mid, x(end, spanMillis), mid, colour));
        }
        if (end > spanMillis) {
            // The title inside the marker: a <title> directly under <svg> would be the whole document's.
            out.append(fmt("<text x=\"%d\" y=\"%.1f\" text-anchor=\"start\" font-weight=\"bold\" font-size=\"11\""
                    + " fill=\"%s\"><title>", WIDTH - RIGHT + 2, mid + 4, colour))
                    .append(escape("cut at the axis's end: the row runs to " + BacktestMarkdown.offset(
                            Duration.ofMillis(end)))).append("</title>\u25b8</text>\n");
        }
        Optional<Duration> live = r.live().kind() == Decision.Kind.PROMOTED ? Optional.empty() : r.offset(r.live());
        Optional<Duration> candidateAt = r.candidate().rolledBack() ? r.offset(r.candidate()) : Optional.empty();
        // The same moment (within a marker's width): draw the square below and the diamond above, both visible.
        boolean together = live.isPresent() && candidateAt.isPresent() && Math.abs(x(live.get().toMillis(),
                spanMillis) - x(candidateAt.get().toMillis(), spanMillis)) < 10;
        double liveMid = together ? mid + 4 : mid;
        double candidateMid = together ? mid - 5 : mid;
        live.ifPresent(d -> {
            double x = x(d.toMillis(), spanMillis);
            out.append(fmt("<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"%s\">", x - 5,
                    liveMid - 5, LIVE));
            out.append("<title>").append(escape("live: " + BacktestMarkdown.liveOutcome(r)))
                    .append("</title></rect>\n");
        });
        if (r.candidate().rolledBack()) {
            candidateAt.ifPresent(d -> {
                double x = x(d.toMillis(), spanMillis);
                double m = candidateMid;
                out.append(fmt("<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f\" fill=\"none\""
                        + " stroke=\"%s\" stroke-width=\"2\">", x, m - 7, x + 7, m, x, m + 7, x - 7, m,
                        CANDIDATE));
                out.append("<title>").append(escape("candidate: " + BacktestMarkdown.candidateVerdict(r)))
                        .append("</title></polygon>\n");
            });
        }
    }

    /**
     * The axis's length: the 95th percentile of the rows' lengths (with fewer than 20 rows, twice the second longest),
     * never more than the longest, at least a minute.
     */
    static long span(List<ReleaseReplay> shown) {
        long[] ends = shown.stream().mapToLong(BacktestSvg::endMillis).sorted().toArray();
        if (ends.length == 0) {
            return 60_000;
        }
        long longest = ends[ends.length - 1];
        long p95 = ends[(int) Math.ceil(ends.length * 0.95) - 1];
        // With fewer than 20 rows the 95th percentile is the longest: cap at twice the second longest instead.
        long cap = ends.length >= 20 ? p95 : ends.length >= 2 ? 2 * ends[ends.length - 2] : longest;
        return Math.max(60_000, Math.min(longest, cap));
    }

    /** How far the row's line goes: to the later of the two decisions, or the release's end when it promoted. */
    private static long endMillis(ReleaseReplay r) {
        long live = r.offset(r.live()).map(Duration::toMillis).orElse(0L);
        long candidate = r.offset(r.candidate()).map(Duration::toMillis).orElse(0L);
        return Math.max(0, Math.max(live, candidate));
    }

    private static void axis(StringBuilder out, int y, long spanMillis) {
        out.append(fmt("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\"/>\n", LEFT, y, WIDTH - RIGHT, y,
                MUTED));
        long step = TICK_SECONDS[TICK_SECONDS.length - 1];
        for (long candidate : TICK_SECONDS) {
            if (spanMillis / (candidate * 1000) <= 8) {
                step = candidate;
                break;
            }
        }
        for (long s = 0; s * 1000 <= spanMillis; s += step) {
            double x = x(s * 1000, spanMillis);
            out.append(fmt("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\"/>\n", x, y, x, y + 5,
                    MUTED));
            text(out, x, y + 18, "middle", "normal", 11, MUTED, BacktestMarkdown.offset(Duration.ofSeconds(s)));
        }
        text(out, WIDTH - RIGHT, y + 34, "end", "normal", 10, MUTED, "t+0 = traffic's first move to each release's "
                + "new revision");
    }

    private static void legend(StringBuilder out, int y) {
        int x = 16;
        out.append(fmt("<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>\n", x, y - 9, LIVE));
        text(out, x + 14, y, "start", "normal", 11, MUTED, "live rollback");
        x += 110;
        out.append(fmt("<polygon points=\"%d,%d %d,%d %d,%d %d,%d\" fill=\"#ffffff\" stroke=\"%s\""
                + " stroke-width=\"2\"/>\n", x + 5, y - 11, x + 12, y - 4, x + 5, y + 3, x - 2, y - 4, CANDIDATE));
        text(out, x + 16, y, "start", "normal", 11, MUTED, "candidate rollback");
        x += 140;
        for (String[] c : new String[][] {{AGREE, "agree"}, {ADDED, "added rollback"}, {MISSED, "missed rollback"},
                {UNKNOWN, "unknown"}}) {
            out.append(fmt("<rect x=\"%d\" y=\"%d\" width=\"6\" height=\"12\" fill=\"%s\"/>\n", x, y - 10, c[0]));
            text(out, x + 10, y, "start", "normal", 11, MUTED, c[1]);
            x += 20 + c[1].length() * 6 + 16;
        }
        text(out, x, y, "start", "bold", 10, LIVE, "bad");
        text(out, x + 22, y, "start", "normal", 11, MUTED, "known bad (rolled back by hand)");
    }

    /** {@code text} in lines of at most about {@code width} characters, broken at spaces. */
    private static List<String> wrap(String text, int width) {
        List<String> lines = new java.util.ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() > 0 ? " " : "").append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    private static double x(long millis, long spanMillis) {
        long ms = Math.max(0, Math.min(spanMillis, millis));
        return LEFT + (WIDTH - LEFT - RIGHT) * (double) ms / spanMillis;
    }

    private static void text(StringBuilder out, double x, double y, String anchor, String weight, int size,
            String fill, String content) {
        out.append(fmt("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-weight=\"%s\" font-size=\"%d\""
                + " fill=\"%s\">", x, y, anchor, weight, size, fill));
        out.append(escape(content)).append("</text>\n");
    }

    private static String escape(String s) {
        return SafeText.xml(SafeText.truncate(s, 300));
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
