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
                .contains("  detection time against the live policy: 6m gained, nothing lost (releases both rolled "
                        + "back, and known-bad releases only the candidate caught)");
    }
}
