package io.releasepipeline.cli.config;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in {@code release.yaml}: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h},
 * {@code 1h30m}. Units in decreasing order, each at most once; nothing else is accepted (no ISO-8601, no bare
 * numbers: a bare {@code 30} could mean seconds or minutes, and a release must not guess). Thread-safe.
 */
public final class Durations {

    private static final Pattern FORMAT = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m(?!s))?(?:(\\d+)s)?(?:(\\d+)ms)?");

    private Durations() {
    }

    /** The duration {@code text} denotes, or empty when it is not in the accepted form. */
    public static Optional<Duration> parse(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches() || m.group(0).isEmpty()) {
            return Optional.empty();
        }
        try {
            Duration d = Duration.ZERO;
            d = d.plusHours(part(m.group(1)));
            d = d.plusMinutes(part(m.group(2)));
            d = d.plusSeconds(part(m.group(3)));
            d = d.plusMillis(part(m.group(4)));
            return Optional.of(d);
        } catch (ArithmeticException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Writes {@code d} in the same form, e.g. {@code 1h30m}, {@code 2m}, {@code 500ms}, {@code 0s}. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        long hours = d.toHours();
        int minutes = d.toMinutesPart();
        int seconds = d.toSecondsPart();
        int millis = d.toMillisPart();
        if (hours > 0) {
            sb.append(hours).append('h');
        }
        if (minutes > 0) {
            sb.append(minutes).append('m');
        }
        if (seconds > 0) {
            sb.append(seconds).append('s');
        }
        if (millis > 0) {
            sb.append(millis).append("ms");
        }
        return sb.toString();
    }

    private static long part(String digits) {
        return digits == null ? 0 : Long.parseLong(digits);
    }
}
