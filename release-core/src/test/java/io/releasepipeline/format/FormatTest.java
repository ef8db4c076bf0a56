package io.releasepipeline.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Percentages and counts are written exactly as {@code String.format} wrote them before: recorded verdicts (their
 * reasons included) are compared as text with the verdicts a backtest replays, so a record written with the old
 * formatting must replay to the very same words.
 */
class FormatTest {

    private static String formatterPercent(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", fraction * 100);
    }

    @Test
    @DisplayName("percent writes what %.1f%% wrote: halves, ties, tiny, huge, negative and odd values")
    void percentAsTheFormatter() {
        double[] cases = {0, -0.0, 0.05, 0.079, 0.00049999, 0.0005, 0.0015, 0.0025, 0.00125, 0.012345, 0.0395,
            0.02, 1, 0.999999, 1.0005, 1e-9, 1e-4, 123456.789, 1e12, -0.0149, -0.015, 0.1 + 0.2, 2.0 / 3,
            Double.MIN_VALUE, Double.MAX_VALUE, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (double c : cases) {
            assertThat(Format.percent(c)).as("percent(%s)", c).isEqualTo(formatterPercent(c));
        }
        SplittableRandom rnd = new SplittableRandom(14);
        for (int i = 0; i < 50_000; i++) {
            long errors = rnd.nextLong(0, 5_000);
            long requests = rnd.nextLong(1, 100_000);
            double rate = (double) Math.min(errors, requests) / requests;
            assertThat(Format.percent(rate)).as("%d of %d", errors, requests).isEqualTo(formatterPercent(rate));
            double any = rnd.nextDouble() * Math.pow(10, rnd.nextInt(-6, 6));
            assertThat(Format.percent(any)).as("percent(%s)", any).isEqualTo(formatterPercent(any));
        }
    }

    @Test
    @DisplayName("count writes what %,d wrote: commas every three digits, the sign kept")
    void countAsTheFormatter() {
        long[] cases = {0, 1, 12, 123, 999, 1000, 1204, 12345, 100000, 999999, 1000000, 1234567890L, -1, -999,
            -1000, -1234567, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1};
        for (long c : cases) {
            assertThat(Format.count(c)).as("count(%d)", c).isEqualTo(String.format(Locale.ROOT, "%,d", c));
        }
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 30_000; i++) {
            long n = rnd.nextLong() >> rnd.nextInt(64);
            assertThat(Format.count(n)).as("count(%d)", n).isEqualTo(String.format(Locale.ROOT, "%,d", n));
        }
    }
}
