package io.releasepipeline.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.evidence.Samples;
import io.releasepipeline.trigger.TriggerState;
import io.releasepipeline.trigger.TriggerVerdict;
import io.releasepipeline.trigger.Triggers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The backtest's Markdown, SVG and text renderings: what they say, and that record text cannot inject anything. */
class BacktestRenderingTest {

    private static final Instant START = Instant.parse("2026-03-02T10:00:00Z");
    private static final String HOSTILE = "@octo-org/oncall ![x](https://evil.example/p.png) <script>alert(1)</script>"
            + " | # head \u001b[31m";

    private static ReleaseReplay replay(String id, String revision, Decision live, Decision candidate,
            ReleaseReplay.Comparison comparison, Optional<Duration> delta, boolean knownBad, Determinism determinism) {
        return new ReleaseReplay(id, "orders", START, Optional.of(revision), Optional.of(START.plusSeconds(60)), live,
                candidate, comparison, delta, knownBad, List.of(), determinism);
    }

    private static Decision rollback(String reason, Duration afterTraffic, int weight) {
        return Decision.rollback(Decision.Kind.ROLLED_BACK, new TriggerVerdict("error-rate", TriggerState.FIRING,
                reason, START.plusSeconds(60).plus(afterTraffic)), weight);
    }

    private static final Determinism OK = new Determinism(Determinism.Status.REPRODUCED, "");

    private static BacktestReport report(List<ReleaseReplay> releases) {
        Samples.Policy candidate = Samples.Policy.of(Triggers.builder().errorRateAbove(0.02, Duration.ofMinutes(5))
                .build());
        Samples.Policy live = Samples.Policy.of(Triggers.builder().build());
        return new BacktestReport(candidate, releases, BacktestReport.Summary.of(releases),
                List.of(new BacktestReport.LivePolicy(live, releases.size())));
    }

    private static final Decision PROMOTED = new Decision(Decision.Kind.PROMOTED, Optional.of(START.plusSeconds(1260)),
            Optional.empty(), 100, "promoted");

    @Test
    @DisplayName("the Markdown leads with the summary, shows both policies as numbers, and a row per release with "
            + "t+ offsets, the trigger, the weight and the numbers")
    void markdown() {
        ReleaseReplay caught = replay("rel-1", "orders--v5", PROMOTED, rollback("5xx 3.3% over 5m of 120 requests; "
                + "threshold 2.0%", Duration.ofMinutes(2), 10), ReleaseReplay.Comparison.ADDED_ROLLBACK,
                Optional.of(Duration.ofHours(-2)), true, OK);
        ReleaseReplay mismatch = replay("rel-2", "orders--v6", PROMOTED, PROMOTED, ReleaseReplay.Comparison.AGREE,
                Optional.empty(), false, new Determinism(Determinism.Status.MISMATCH, "release rel-2, verdict 3: "
                        + "recorded x; replayed y; step 1 (10%), +2m: error-rate reading #2 (3 of 120)"));

        String md = BacktestMarkdown.render(report(List.of(caught, mismatch)), Optional.of("chart.svg"));

        assertThat(md.indexOf("## Summary")).isLessThan(md.indexOf("## Policies")).isLessThan(md.indexOf("## Releases"));
        assertThat(md).contains("- 2 releases: 1 agree, 1 rollback added (1 on known-bad releases, 0 would-be false "
                + "rollbacks), 0 missed")
                .contains("catch: rel-1 rolled back at t+2m by error-rate at 10%: 5xx 3.3% over 5m of 120 requests; "
                        + "threshold 2.0% (2h earlier than the rollback by hand)")
                .contains("determinism: the live policy reproduced 1/2 records; 1 MISMATCH")
                .contains("- `rel-2`: release rel-2, verdict 3: recorded x; replayed y; step 1 (10%), +2m: error-rate "
                        + "reading #2 (3 of 120)")
                .contains("| **candidate** | all | error rate &gt; 2.0% over 5m")
                .contains("| live | 2 | error rate &gt; 5.0% over 5m")
                .contains("![backtest chart](chart.svg)")
                .contains("| `rel-1` | 2026-03-02 10:00 UTC | `orders--v5` | promoted at t+20m (later rolled back "
                        + "by hand) | would have rolled back at t+2m by error-rate at 10%: 5xx 3.3%");
    }

    @Test
    @DisplayName("text from records cannot mention, link an image, inject HTML or break the table in the Markdown, "
            + "nor inject markup in the SVG")
    void hostileTextIsNeutralised() {
        ReleaseReplay hostile = replay(HOSTILE, HOSTILE, PROMOTED, rollback(HOSTILE, Duration.ofMinutes(1), 10),
                ReleaseReplay.Comparison.ADDED_ROLLBACK, Optional.empty(), false, OK);
        BacktestReport report = report(List.of(hostile));

        String md = BacktestMarkdown.render(report, Optional.empty());
        String svg = BacktestSvg.render(report);

        // Outside code spans (where nothing renders), every kind of markup is neutralised.
        String summary = md.lines().filter(l -> l.startsWith("- would-be false rollback: ")).findFirst().orElseThrow();
        assertThat(summary).doesNotContain("@octo-org", "![x]", "<script>").contains("@\u200Bocto-org", " \\| # ",
                "!\\[x\\]", "&lt;script&gt;");
        assertThat(md).doesNotContain("\u001b");
        assertThat(md.lines().filter(l -> l.startsWith("| `"))).singleElement()
                .satisfies(row -> assertThat(row.split("(?<!\\\\)\\|")).hasSize(8));
        assertThat(svg).doesNotContain("<script>").contains("&lt;script&gt;");
    }

    @Test
    @DisplayName("the chart draws the first 40 releases and counts the rest; live and candidate rollbacks have "
            + "their own glyphs")
    void chartRowsAndGlyphs() {
        List<ReleaseReplay> many = new ArrayList<>();
        IntStream.range(0, 45).forEach(i -> many.add(replay("rel-" + i, "v" + i, rollback("bad", Duration.ofMinutes(
                9), 50), rollback("bad", Duration.ofMinutes(3), 10), ReleaseReplay.Comparison.AGREE,
                Optional.of(Duration.ofMinutes(-6)), false, OK)));

        String svg = BacktestSvg.render(report(many));

        assertThat(svg).contains(">rel-39<").doesNotContain(">rel-40<").contains(">and 5 more<");
        assertThat(svg).contains("<title>live: rolled back at t+9m by error-rate at 50%: bad</title></rect>")
                .contains("<title>candidate: would have rolled back at t+3m by error-rate at 10%: bad</title>"
                        + "</polygon>");
    }

    @Test
    @DisplayName("the terminal table aligns its columns and says agree with the detection time gained")
    void text() {
        ReleaseReplay both = replay("rel-1", "v2", rollback("bad", Duration.ofMinutes(9), 50), rollback("bad",
                Duration.ofMinutes(3), 10), ReleaseReplay.Comparison.AGREE, Optional.of(Duration.ofMinutes(-6)),
                false, OK);

        List<String> lines = BacktestText.render(report(List.of(both)));

        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("RELEASE  STARTED"))
                .anySatisfy(l -> assertThat(l).startsWith("rel-1    2026-03-02 10:00").contains("  agree -6m ")
                        .endsWith("  no"))
                .contains("  detection time against the live policy (releases both rolled back): 6m gained; "
                        + "nothing lost where both rolled back");
    }

    private static Decision continued(String detail) {
        return new Decision(Decision.Kind.CONTINUED, Optional.empty(), Optional.empty(), 10, detail);
    }

    @Test
    @DisplayName("a missed rollback reads 'had not rolled back by then: later or never' everywhere, and the time lost "
            + "past the live rollback is called not measurable, never 'nothing lost'")
    void missedIsLaterOrNever() {
        ReleaseReplay missed = replay("rel-1", "v2", rollback("5xx 6.0%", Duration.ofMinutes(7), 50),
                continued("nothing fired through the samples"), ReleaseReplay.Comparison.MISSED_ROLLBACK,
                Optional.empty(), false, OK);
        BacktestReport report = report(List.of(missed));

        String md = BacktestMarkdown.render(report, Optional.empty());
        List<String> text = BacktestText.render(report);

        String notByThen = "had not rolled back by then: later or never (the samples end at the live rollback)";
        assertThat(md).contains("**missed rollback**: the candidate " + notByThen)
                .contains("- missed: rel-1, which the live policy rolled back at t+7m by error-rate at 50%: 5xx 6.0%; "
                        + "the candidate " + notByThen)
                .contains("1 missed (had not rolled back by the live rollback: later or never)")
                .contains("nothing gained; lost: not measurable past the live rollback; 1 rollback the candidate had "
                        + "not taken by then")
                .doesNotContain("nothing lost");
        assertThat(text).anySatisfy(l -> assertThat(l).startsWith("rel-1 ").contains("MISSED (later or never)"));
        assertThat(String.join("\n", text)).doesNotContain("nothing lost");
    }

    @Test
    @DisplayName("a catch's time against the rollback by hand is its own labelled figure, apart from the time gained "
            + "against the live policy; each summed on its own")
    void catchesApartFromLivePolicy() {
        ReleaseReplay caught = replay("rel-1", "v5", PROMOTED, rollback("5xx 3.3%", Duration.ofMinutes(2), 10),
                ReleaseReplay.Comparison.ADDED_ROLLBACK, Optional.of(Duration.ofHours(-2)), true, OK);
        ReleaseReplay both = replay("rel-2", "v6", rollback("bad", Duration.ofMinutes(9), 50), rollback("bad",
                Duration.ofMinutes(3), 10), ReleaseReplay.Comparison.AGREE, Optional.of(Duration.ofMinutes(-6)),
                false, OK);
        BacktestReport report = report(List.of(caught, both));

        assertThat(report.summary().detectionGained()).isEqualTo(Duration.ofMinutes(6));
        assertThat(report.summary().caughtBeforeHand()).isEqualTo(Duration.ofHours(2));
        assertThat(caught.rolledBackByHandAt()).contains(START.plusSeconds(60).plus(Duration.ofMinutes(122)));
        assertThat(BacktestText.summaryLines(report))
                .contains("detection time against the live policy (releases both rolled back): 6m gained; nothing "
                        + "lost where both rolled back")
                .contains("catches against the rollbacks by hand (not the live policy): 2h earlier, over 1 known-bad "
                        + "release");
    }

    @Test
    @DisplayName("the no-data hold limit is shown only with the hold policy")
    void holdLimitOnlyWithHold() {
        Samples.Policy hold = Samples.Policy.of(Triggers.builder().errorRateAbove(0.02, Duration.ofSeconds(3))
                .build());
        Samples.Policy ignore = Samples.Policy.of(Triggers.builder().errorRateAbove(0.02, Duration.ofSeconds(3))
                .noDataPolicy(io.releasepipeline.trigger.NoDataPolicy.IGNORE).build());

        assertThat(BacktestMarkdown.policy(hold)).contains("no data: hold up to ");
        assertThat(BacktestMarkdown.policy(ignore)).contains("no data: ignore, read every").doesNotContain("up to");
    }

    @Test
    @DisplayName("an inconclusive or continued verdict writes its instants as t+ offsets, without ellipses")
    void inconclusiveInOffsets() {
        Instant t0 = START.plusSeconds(60);
        Decision inconclusive = new Decision(Decision.Kind.INCONCLUSIVE, Optional.empty(), Optional.empty(), 10,
                "it would have held the step at 10% until " + t0.plusSeconds(1260) + ", past the recorded samples "
                        + "(live passed it at " + t0.plusSeconds(960) + ")");
        ReleaseReplay r = replay("rel-1", "v2", PROMOTED, inconclusive, ReleaseReplay.Comparison.UNKNOWN,
                Optional.empty(), false, OK);
        BacktestReport report = report(List.of(r));

        assertThat(BacktestMarkdown.candidateVerdict(r)).isEqualTo("inconclusive: it would have held the step at 10% "
                + "until t+21m, past the recorded samples (live passed it at t+16m)");
        assertThat(BacktestText.summaryLines(report)).contains("inconclusive: 1 (it would have held the step at 10% "
                + "until t+21m, past the recorded samples (live passed it at t+16m))");
        assertThat(BacktestText.summaryLines(report)).noneSatisfy(l -> assertThat(l).contains("\u2026"));
        assertThat(String.join("\n", BacktestText.render(report))).doesNotContain("2026-03-02T");
    }

    @Test
    @DisplayName("when both rollbacks fall at the same time, the square and the diamond are both visible")
    void coincidentGlyphs() {
        ReleaseReplay same = replay("rel-1", "v2", rollback("bad", Duration.ofMinutes(5), 50), rollback("bad",
                Duration.ofMinutes(5), 50), ReleaseReplay.Comparison.AGREE, Optional.of(Duration.ZERO), false, OK);

        String svg = BacktestSvg.render(report(List.of(same)));

        java.util.regex.Matcher square = java.util.regex.Pattern.compile("<rect x=\"([0-9.]+)\" y=\"([0-9.]+)\" "
                + "width=\"10\" height=\"10\" fill=\"#cf222e\"><title>live").matcher(svg);
        java.util.regex.Matcher diamond = java.util.regex.Pattern.compile("<polygon points=\"([0-9.]+),([0-9.]+) "
                + "[^\"]*\" fill=\"([^\"]+)\"[^>]*><title>candidate").matcher(svg);
        assertThat(square.find()).isTrue();
        assertThat(diamond.find()).isTrue();
        double squareTop = Double.parseDouble(square.group(2));
        double diamondTop = Double.parseDouble(diamond.group(2));
        // The diamond (14 high) ends above the square's middle: the square shows below it, and it is not filled.
        assertThat(diamondTop + 14).isLessThan(squareTop + 10);
        assertThat(diamond.group(3)).isEqualTo("none");
    }

    @Test
    @DisplayName("one long release does not squash the others: the axis is capped and the long row is marked cut")
    void longReleaseClipped() {
        List<ReleaseReplay> rows = new ArrayList<>();
        IntStream.range(0, 6).forEach(i -> rows.add(replay("rel-" + i, "v" + i, rollback("bad", Duration.ofMinutes(
                10), 50), rollback("bad", Duration.ofMinutes(8), 10), ReleaseReplay.Comparison.AGREE,
                Optional.of(Duration.ofMinutes(-2)), false, OK)));
        rows.add(replay("rel-long", "v9", rollback("bad", Duration.ofHours(24), 50), rollback("bad",
                Duration.ofHours(23), 50), ReleaseReplay.Comparison.AGREE, Optional.of(Duration.ofHours(-1)), false,
                OK));

        String svg = BacktestSvg.render(report(rows));

        assertThat(svg).contains(">t+20m<").doesNotContain(">t+6h<", ">t+24h<")
                .contains("><title>cut at the axis&apos;s end: the row runs to t+24h</title>\u25b8</text>");
        assertThat(svg.split("\u25b8</text>", -1)).as("only the long row is cut").hasSize(2);
    }

    @Test
    @DisplayName("a verdict just past a step names the nearest step and says it is past its end")
    void sampleAtPastStep() {
        Samples.Step step = new Samples.Step("orders--v2", Optional.empty(), 10, START, Duration.ofMinutes(5), false,
                Samples.End.PASSED, 300_000L, List.of(), new Samples.Health(List.of(), "", List.of(), List.of()),
                new Samples.Smoke(List.of(), List.of()), List.of(), new Samples.Alerts(List.of(), List.of(),
                        List.of()), Optional.empty());
        Samples samples = new Samples(Samples.FORMAT, Samples.Policy.of(Triggers.builder().build()), List.of(step));

        assertThat(Backtest.sampleAt(samples, START.plusMillis(300_001))).isEqualTo("step 1 (10%) is the nearest: "
                + START.plusMillis(300_001) + " is 1ms past its end (+5m)");
    }
}
