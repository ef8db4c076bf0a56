package io.releasepipeline.format;

import java.time.Duration;
import java.util.Locale;

/**
 * How durations and rates are written in reasons, messages, reports and the CLI, so that every part of a release's
 * record says {@code 2m15s} and {@code 5.0%} the same way. Stateless and thread-safe.
 */
public final class Format {

    private Format() {
    }

    /** {@code 2m15s}, {@code 30s}, {@code 1h}, {@code 750ms}. */
    public static String duration(Duration d) {
        if (d.isNegative()) {
            return "-" + duration(d.negated());
        }
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        long s = d.getSeconds();
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long sec = s % 60;
        long rest = ms % 1000;
        StringBuilder sb = new StringBuilder();
        if (h > 0) {
            sb.append(h).append('h');
        }
        if (m > 0) {
            sb.append(m).append('m');
        }
        if (sec > 0 || rest > 0) {
            sb.append(sec);
            if (rest > 0 && h == 0 && m == 0) {
                sb.append('.').append(String.format(Locale.ROOT, "%03d", rest).replaceAll("0+$", ""));
            }
            sb.append('s');
        }
        return sb.toString();
    }

    /** {@code 7.9%} from 0.079. */
    public static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", fraction * 100);
    }

    /** {@code 1,204}. */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
