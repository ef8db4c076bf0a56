package io.releasepipeline.hostile;

import java.util.Arrays;
import java.util.List;

/**
 * Untrusted text as an attacker would write it into a pull request, a check name, a review, an alert or a rollback
 * reason: everything that must not act once it goes out. Every fragment carries {@value #SENTINEL}, so a checker can
 * tell an injected heading, quote or list item from the library's own.
 */
public final class HostileText {

    /** The word every hostile fragment carries. */
    public static final String SENTINEL = "PWN";

    /** The host of the hostile images and links. */
    public static final String EVIL_HOST = "evil.example";

    /** A log line a newline would forge if it were let through. */
    public static final String FORGED_LINE =
            "[main] INFO io.releasepipeline.internal.Promotion - release FORGED: PROMOTED";

    /**
     * Everything at once: a workflow command at the very start, mentions, an image beacon, a link, HTML, a comment,
     * then, each on a line of its own, a heading, a quote, a list item, a code fence, a forged log line, workflow
     * commands (new and legacy syntax); terminal escapes (ANSI colour, OSC title), U+FFFE, U+FFFF, a lone surrogate,
     * a right-to-left override, Markdown pipes, backticks and math.
     */
    public static final String PAYLOAD = "::error::PWN @org/team @alice ![PWN](https://evil.example/t.png) "
            + "[PWN](https://evil.example/x) <img src=x onerror=alert('PWN')> <!-- PWN -->"
            + "\n# PWN heading\r\n> PWN quote\n- PWN item\n1. PWN\n``` PWN\n" + FORGED_LINE
            + "\n::set-output name=x::PWN\n  ::add-mask::PWN\n##[error]PWN"
            + " \u001B[31mPWN\u001B[0m \u001B]0;PWN\u0007 \u009B2J \uFFFE\uFFFF\uD800 \u202EPWN\u202C"
            + " \u2028PWN | ` $x$ ";

    /** About 100 KB of text after the payload, to show that every output is bounded. */
    public static final int FLOOD = 100_000;

    private HostileText() {
    }

    /** The payload, a tag naming where it was put, and {@value #FLOOD} characters more. */
    public static String of(String where) {
        return PAYLOAD + "(" + where + ") " + "x".repeat(FLOOD);
    }

    /** The payload and the tag, without the flood: for names that are also keys or go into URLs. */
    public static String shortOf(String where) {
        return PAYLOAD + "(" + where + ")";
    }

    /**
     * The payload's fragments that follow a line break, each up to its first character that is not printable ASCII:
     * what would start a line of its own, in a log, a console or a Markdown document, were line breaks let through.
     */
    public static List<String> lineStarts() {
        return Arrays.stream(PAYLOAD.split("\r\n|\r|\n|\u2028")).skip(1)
                .map(s -> s.substring(0, (int) s.chars().takeWhile(c -> c >= 0x20 && c < 0x7F).count()).strip())
                .filter(s -> !s.isEmpty()).toList();
    }
}
