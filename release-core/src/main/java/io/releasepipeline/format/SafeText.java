package io.releasepipeline.format;

/**
 * Neutralises untrusted text (pull-request titles and bodies, check names, review comments, alert descriptions,
 * rollback reasons, provider error messages, revision names read from a platform) for the place it goes out to, so
 * that it reads as the text it is and never acts as markup, a mention, a second log line or a workflow command.
 * One rule per target:
 *
 * <ul>
 *   <li>{@link #markdown(String)} and {@link #markdownCode(String)}: Markdown that GitHub renders (pull-request
 *       comments, the Markdown report). Mentions do not ping, images and links do not render, HTML and entities
 *       are escaped, the text cannot start a heading, quote, list, table or code fence, and stays on one line.
 *   <li>{@link #githubPlain(String, int)}: GitHub text shown as plain text (a deployment status description).
 *   <li>{@link #line(String)}: a log or console line: line breaks, control characters, terminal escapes and
 *       bidirectional overrides are shown as {@code \n}, <code>&#92;u001B</code> ..., and GitHub Actions workflow
 *       commands
 *       ({@code ::} at the start, {@code ##[} anywhere) are defused.
 *   <li>{@link #xml(String)}: XML 1.0 text and attribute values (the SVG chart).
 * </ul>
 *
 * <p>Each rule caps its input ({@link #FIELD_LIMIT} characters for Markdown fields, {@link #LINE_LIMIT} for a
 * value in a line) and marks a cut with {@value #ELLIPSIS}, so a 100 KB pull-request body cannot flood a comment, a
 * report or a log. Whole comment bodies are kept under GitHub's limit by {@link #fitComment(String)}.
 *
 * <p>Structured JSON (the evidence record, the journal) is not neutralised: it is the record, and Jackson escapes it.
 *
 * <p>Stateless and thread-safe. Every method takes a non-null string and throws {@link NullPointerException} for
 * null.
 */
public final class SafeText {

    /** The default cap, in characters of the input, of one untrusted field in Markdown: 300. */
    public static final int FIELD_LIMIT = 300;

    /** The default cap, in characters of the input, of one untrusted value in a log or console line: 2,000. */
    public static final int LINE_LIMIT = 2_000;

    /** GitHub's limit on the body of an issue or pull-request comment, in characters: 65,536. */
    public static final int GITHUB_COMMENT_LIMIT = 65_536;

    /** The most this library posts in one comment, in characters, leaving headroom under GitHub's limit: 60,000. */
    public static final int COMMENT_LIMIT = 60_000;

    /** What marks text that was cut: the ellipsis, U+2026. */
    public static final String ELLIPSIS = "\u2026";

    /**
     * Zero-width space. After an {@code @} it keeps GitHub from reading a mention (its mention filter wants a login
     * right after the {@code @}) while the text still reads {@code @org/team}; in plain GitHub text it also breaks
     * what would otherwise be a tag, an entity or a link.
     */
    private static final char BREAK = '\u200B';

    private SafeText() {
    }

    // ------------------------------------------------------------------------------------------------- Markdown

    /**
     * Untrusted text for inline Markdown that GitHub renders (a paragraph, a table cell, a list item), capped at
     * {@link #FIELD_LIMIT} characters. See {@link #markdown(String, int)}.
     *
     * @param untrusted the text, or null
     * @return the text, safe for inline Markdown
     */
    public static String markdown(String untrusted) {
        return markdown(untrusted, FIELD_LIMIT);
    }

    /**
     * Untrusted text for inline Markdown that GitHub renders (a paragraph, a table cell, a list item), safe wherever
     * it is put in a line, including at its start:
     *
     * <ul>
     *   <li>{@code @user} and {@code @org/team} do not ping: a zero-width space follows the {@code @} (the text still
     *       reads the same; an HTML entity would not do, GitHub finds mentions after decoding entities, and a code
     *       span would change how every login looks);
     *   <li>{@code ![x](url)} and {@code [x](url)} stay text (the brackets are escaped), so no image loads from
     *       elsewhere; a raw URL stays a URL, which GitHub may show as a link but never as an image;
     *   <li>{@code <}, {@code >} and {@code &} are escaped as entities: no HTML tag, comment or entity;
     *   <li>the Markdown punctuation that makes emphasis, code, tables, strikethrough or math is backslash-escaped,
     *       and so is a leading {@code #}, {@code -}, {@code +}, {@code =} or the dot of {@code 1.} ({@code >} is
     *       already {@code &gt;}): the text cannot start a heading, quote, list, table or code fence;
     *   <li>line breaks become spaces and other control characters, bidirectional overrides and characters that are
     *       not text (U+FFFE, lone surrogates) are shown as <code>&#92;uXXXX</code>;
     *   <li>GitHub's references ({@code #123}, {@code GH-1}, commit SHAs) are left alone: they link inside the
     *       repository and ping nobody.
     * </ul>
     *
     * @param untrusted the text, or null
     * @param maxChars how many characters of {@code untrusted} are kept at most (more are cut, with {@value
     *     #ELLIPSIS}); the escaped result may be longer
     * @return the text, safe for inline Markdown
     * @throws IllegalArgumentException if {@code maxChars} is less than 1
     */
    public static String markdown(String untrusted, int maxChars) {
        String s = strip(truncate(untrusted, maxChars));
        StringBuilder out = new StringBuilder(s.length() + 16);
        int marker = blockMarker(s);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (i == marker) {
                out.append('\\');
            }
            if (isLineBreak(cp)) {
                out.append(' ');
                if (cp == '\r' && next < s.length() && s.charAt(next) == '\n') {
                    next++;
                }
            } else if (cp == '\t') {
                out.append(' ');
            } else if (isHidden(cp)) {
                out.append(visible(cp));
            } else {
                switch (cp) {
                    case '&' -> out.append("&amp;");
                    case '<' -> out.append("&lt;");
                    case '>' -> out.append("&gt;");
                    case '\\', '`', '*', '_', '[', ']', '|', '~', '$' -> out.append('\\').append((char) cp);
                    case '@' -> {
                        out.append('@');
                        if (next < s.length() && Character.isLetterOrDigit(s.codePointAt(next))) {
                            out.append(BREAK);
                        }
                    }
                    default -> out.appendCodePoint(cp);
                }
            }
            i = next;
        }
        return out.toString();
    }

    /**
     * Untrusted text as a Markdown code span, capped at {@link #FIELD_LIMIT} characters: the fence is one backtick
     * longer than the longest run of backticks inside, so a backtick cannot close the span early; a pipe is escaped
     * (GitHub tables split on it even inside code); line breaks become spaces, control characters show as
     * <code>&#92;uXXXX</code>, and a zero-width space follows an {@code @}. An empty text shows as a span of two
     * quotes, so that it is still seen.
     *
     * @param untrusted the text, or null
     * @return the code span, fence included
     */
    public static String markdownCode(String untrusted) {
        return markdownCode(untrusted, FIELD_LIMIT);
    }

    /**
     * {@link #markdownCode(String)} keeping at most {@code maxChars} characters of the input.
     *
     * @param untrusted the text, or null
     * @param maxChars how many characters of {@code untrusted} are kept at most (more are cut, with {@value
     *     #ELLIPSIS}); the escaped result may be longer
     * @return the code span, fence included
     * @throws IllegalArgumentException if {@code maxChars} is less than 1
     */
    public static String markdownCode(String untrusted, int maxChars) {
        String s = truncate(untrusted, maxChars);
        StringBuilder content = new StringBuilder(s.length() + 8);
        int longestRun = 0;
        int run = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int next = i + Character.charCount(cp);
            run = cp == '`' ? run + 1 : 0;
            longestRun = Math.max(longestRun, run);
            if (isLineBreak(cp) || cp == '\t') {
                content.append(' ');
                if (cp == '\r' && next < s.length() && s.charAt(next) == '\n') {
                    next++;
                }
            } else if (isHidden(cp)) {
                content.append(visible(cp));
            } else if (cp == '|') {
                content.append("\\|");
            } else {
                content.appendCodePoint(cp);
                if (cp == '@' && next < s.length() && Character.isLetterOrDigit(s.codePointAt(next))) {
                    content.append(BREAK);
                }
            }
            i = next;
        }
        if (content.length() == 0) {
            return "`\"\"`";
        }
        String fence = "`".repeat(longestRun + 1);
        // CommonMark drops one space at each end when both ends have one; padding keeps a backtick at an end from
        // joining the fence, and keeps spaces the text had.
        boolean pad = content.charAt(0) == '`' || content.charAt(content.length() - 1) == '`'
                || (content.charAt(0) == ' ' && content.charAt(content.length() - 1) == ' ');
        return pad ? fence + " " + content + " " + fence : fence + content + fence;
    }

    /**
     * A URL as a Markdown link destination that stays one: blanks, controls, brackets, parentheses, quotes, pipes,
     * backslashes and anything outside ASCII are percent-encoded (UTF-8), so the URL can neither end the link early,
     * add a title, nor split a table cell. Checking the scheme is the caller's part.
     *
     * @param url the URL
     * @return a URL as a Markdown link destination that stays one: blanks, controls, brackets, parentheses, quotes,
     *     pipes, backslashes and anything outside ASCII are percent-encoded (UTF-8), so the URL can neither end the
     *     link early, add a title, nor split a table cell
     */
    public static String markdownUrl(String url) {
        StringBuilder sb = new StringBuilder(url.length() + 8);
        for (byte b : url.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c <= 0x20 || c >= 0x7F || "<>()\"'`|\\[]".indexOf(c) >= 0) {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            } else {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    /**
     * Keeps a whole comment body under GitHub's limit: at most {@link #COMMENT_LIMIT} characters, cut at a line break
     * when one is near, with a last line that says so. A body within the limit is returned as it is.
     *
     * @param body the comment body
     * @return the body, within the limit
     */
    public static String fitComment(String body) {
        if (body.length() <= COMMENT_LIMIT) {
            return body;
        }
        String tail = "\n\n" + ELLIPSIS + " (cut at " + Format.count(COMMENT_LIMIT) + " characters; the evidence has "
                + "the rest)";
        int cut = safeCut(body, COMMENT_LIMIT - tail.length());
        int lineBreak = body.lastIndexOf('\n', cut);
        if (lineBreak > cut - 2_000) {
            cut = lineBreak;
        }
        return body.substring(0, cut) + tail;
    }

    // -------------------------------------------------------------------------------------------- GitHub plain

    /**
     * Untrusted text for a GitHub field shown as plain text, such as a deployment status description (GitHub
     * escapes it, so entities or backslashes would show as written): one line, at most {@code maxChars} characters
     * in all. A zero-width space follows {@code @}, {@code <} and {@code &} before a letter, digit, {@code /},
     * {@code !}, {@code ?} or {@code #}, and sits between {@code ]} and {@code (}, so that even if GitHub rendered the
     * field as Markdown it would hold no mention, tag, entity, link or image; control characters show as
     * <code>&#92;uXXXX</code>.
     *
     * @param untrusted the text, or null
     * @param maxChars how many characters of {@code untrusted} are kept at most (more are cut, with {@value
     *     #ELLIPSIS}); the escaped result may be longer
     * @return the text, safe for the field
     * @throws IllegalArgumentException if {@code maxChars} is less than 1
     */
    public static String githubPlain(String untrusted, int maxChars) {
        String s = strip(untrusted);
        StringBuilder out = new StringBuilder(Math.min(s.length(), maxChars) + 8);
        for (int i = 0; i < s.length() && out.length() < maxChars + 16; ) {
            int cp = s.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (isLineBreak(cp) || cp == '\t') {
                out.append(' ');
                if (cp == '\r' && next < s.length() && s.charAt(next) == '\n') {
                    next++;
                }
            } else if (isHidden(cp)) {
                out.append(visible(cp));
            } else {
                out.appendCodePoint(cp);
                int after = next < s.length() ? s.codePointAt(next) : -1;
                boolean breaks = switch (cp) {
                    case '@' -> Character.isLetterOrDigit(after);
                    case '<' -> Character.isLetter(after) || after == '/' || after == '!' || after == '?';
                    case '&' -> Character.isLetterOrDigit(after) || after == '#';
                    case ']' -> after == '(' || after == '[';
                    default -> false;
                };
                if (breaks) {
                    out.append(BREAK);
                }
            }
            i = next;
        }
        return truncate(out.toString(), maxChars);
    }

    // --------------------------------------------------------------------------------------------------- lines

    /**
     * Untrusted text for a log or console line, at most {@link #LINE_LIMIT} characters: {@link #line(String, int)}.
     *
     * @param untrusted the text, or null
     * @return one safe line
     */
    public static String line(String untrusted) {
        return line(untrusted, LINE_LIMIT);
    }

    /**
     * Untrusted text for a log or console line, so that it cannot forge another line, drive the terminal or command
     * a GitHub Actions runner:
     *
     * <ul>
     *   <li>line feed, carriage return and tab show as {@code \n}, {@code \r}, {@code \t}; every other C0 and C1
     *       control (ESC of ANSI and OSC sequences, BEL, CSI), DEL, U+2028/U+2029, the bidirectional embeddings,
     *       overrides and isolates (U+202A-U+202E, U+2066-U+2069) and marks, U+FEFF, U+FFFE/U+FFFF and lone
     *       surrogates show as <code>&#92;uXXXX</code>;
     *   <li>{@code ::} at the start (after blanks, which the runner skips) becomes {@code \::}, and {@code ##[}
     *       anywhere (the runner's legacy command syntax is found anywhere in a line) becomes {@code ##\[}.
     * </ul>
     *
     * A backslash in the text is kept as it is: the result is for people to read, not to be parsed back.
     *
     * @param untrusted the text, or null
     * @param maxChars how many characters of {@code untrusted} are kept at most (more are cut, with {@value
     *     #ELLIPSIS})
     * @return one safe line
     * @throws IllegalArgumentException if {@code maxChars} is less than 1
     */
    public static String line(String untrusted, int maxChars) {
        String s = truncate(untrusted, maxChars);
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            switch (cp) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (isHidden(cp) || isLineBreak(cp)) {
                        out.append(visible(cp));
                    } else if (cp == '[' && out.length() >= 2 && out.charAt(out.length() - 1) == '#'
                            && out.charAt(out.length() - 2) == '#') {
                        out.append("\\[");
                    } else {
                        out.appendCodePoint(cp);
                    }
                }
            }
            i += Character.charCount(cp);
        }
        int first = 0;
        while (first < out.length() && isBlank(out.charAt(first))) {
            first++;
        }
        if (out.length() >= first + 2 && out.charAt(first) == ':' && out.charAt(first + 1) == ':') {
            out.insert(first, '\\');
        }
        return out.toString();
    }

    /**
     * A throwable to log with its stack trace in place of {@code t}: the same stack trace, causes and suppressed
     * throwables, with every message made a single {@link #line(String)} (a message may quote a provider's answer).
     * Its {@code toString()} reads like the original's ({@code java.io.IOException: ...}).
     *
     * @param t the throwable
     * @return a throwable to log with its stack trace in place of {@code t}: the same stack trace, causes and
     *     suppressed throwables, with every message made a single {@link #line(String)} (a message may quote a
     *     provider's answer)
     */
    public static Throwable loggable(Throwable t) {
        return loggable(t, 0);
    }

    private static Throwable loggable(Throwable t, int depth) {
        boolean deeper = depth < 16;
        Throwable cause = deeper && t.getCause() != null && t.getCause() != t ? loggable(t.getCause(), depth + 1)
                : null;
        Neutralised copy = new Neutralised(line(t.toString()), cause);
        copy.setStackTrace(t.getStackTrace());
        if (deeper) {
            for (Throwable s : t.getSuppressed()) {
                copy.addSuppressed(loggable(s, depth + 1));
            }
        }
        return copy;
    }

    /** A throwable whose text was made safe for a log: it prints as the original's class and message did. */
    private static final class Neutralised extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Neutralised(String text, Throwable cause) {
            super(text, cause, true, true);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }

    // ----------------------------------------------------------------------------------------------------- XML

    /**
     * Untrusted text for XML 1.0 character data and attribute values (the SVG chart): {@code & < > " '} escaped, and
     * every character XML 1.0 does not allow (controls other than tab, line feed and carriage return, U+FFFE,
     * U+FFFF, lone surrogates) replaced with U+FFFD. Not capped: cap with {@link #truncate(String, int)} first.
     *
     * @param untrusted the text, or null
     * @return the escaped text
     */
    public static String xml(String untrusted) {
        StringBuilder out = new StringBuilder(untrusted.length() + 16);
        for (int i = 0; i < untrusted.length(); ) {
            int cp = untrusted.codePointAt(i);
            switch (cp) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                    if (cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF)
                            || (cp >= 0xE000 && cp <= 0xFFFD) || cp >= 0x10000) {
                        out.appendCodePoint(cp);
                    } else {
                        out.append('\uFFFD');
                    }
                }
            }
            i += Character.charCount(cp);
        }
        return out.toString();
    }

    // ---------------------------------------------------------------------------------------------------- caps

    /**
     * {@code text} with at most {@code maxChars} characters: longer text is cut (never inside a surrogate pair) and
     * ends with {@value #ELLIPSIS}, which counts towards the limit.
     *
     * @param text the text
     * @param maxChars the most characters in the result, {@value #ELLIPSIS} included
     * @return the text, cut if longer
     * @throws IllegalArgumentException if {@code maxChars} is less than 1
     */
    public static String truncate(String text, int maxChars) {
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars must be at least 1, not " + maxChars);
        }
        if (text.length() <= maxChars) {
            return text;
        }
        return text.substring(0, safeCut(text, maxChars - ELLIPSIS.length())) + ELLIPSIS;
    }

    /**
     * The file name alone of a path or location ({@code /home/me/.ops/evidence/x.md} gives {@code x.md}).
     *
     * @param location a path or URL
     * @return the file name alone of a path or location ({@code /home/me/.ops/evidence/x.md} gives {@code x.md})
     */
    public static String fileName(String location) {
        String trimmed = location.strip();
        while (trimmed.endsWith("/") || trimmed.endsWith("\\")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        int slash = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
        String name = trimmed.substring(slash + 1);
        int colon = name.lastIndexOf(':');
        return colon >= 0 ? name.substring(colon + 1) : name;
    }

    // ----------------------------------------------------------------------------------------------- internals

    private static int safeCut(String text, int at) {
        int cut = Math.max(0, Math.min(at, text.length()));
        if (cut > 0 && cut < text.length() && Character.isHighSurrogate(text.charAt(cut - 1))
                && Character.isLowSurrogate(text.charAt(cut))) {
            cut--;
        }
        return cut;
    }

    private static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isBlank(s.charAt(start))) {
            start++;
        }
        while (end > start && isBlank(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    /** Whitespace as the Actions runner ({@code TrimStart}) and Markdown see it. */
    private static boolean isBlank(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    private static boolean isLineBreak(int cp) {
        return cp == '\n' || cp == '\r' || cp == 0x0B || cp == 0x0C || cp == 0x85 || cp == 0x2028 || cp == 0x2029;
    }

    /**
     * Characters that are not text to show: controls, bidirectional formatting, the byte-order mark,
     * non-characters and lone surrogates. Line breaks and tab are handled by each rule.
     */
    /**
     * Whether {@code cp} is a character the rules above show as a <code>&#92;uXXXX</code> escape: a control other than
     * CR, LF and tab (those each rule handles itself), DEL, C1, U+2028/U+2029, a bidirectional formatting mark, U+FEFF,
     * U+FFFE/U+FFFF or a surrogate. For writers that escape by their own syntax (JSON) with the same rule.
     *
     * @param cp a code point
     * @return whether {@code cp} is a character the rules above show as a <code>&#92;uXXXX</code> escape: a control
     *     other than CR, LF and tab (those each rule handles itself), DEL, C1, U+2028/U+2029, a bidirectional
     *     formatting mark, U+FEFF, U+FFFE/U+FFFF or a surrogate
     */
    public static boolean isHidden(int cp) {
        if (cp == '\n' || cp == '\r' || cp == '\t') {
            return false;
        }
        return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)
                || cp == 0x061C || cp == 0x200E || cp == 0x200F
                || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)
                || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF
                || cp == 0xFFFE || cp == 0xFFFF || (cp >= 0xD800 && cp <= 0xDFFF);
    }

    private static String visible(int cp) {
        return String.format("\\u%04X", cp);
    }

    /**
     * Where a backslash keeps {@code s}, put at the start of a line, from starting a Markdown block: before a leading
     * {@code # - + =}, or before the {@code .} or {@code )} of an ordered-list marker ({@code 1.}); -1 when it
     * starts none (the other block markers are escaped wherever they are).
     */
    private static int blockMarker(String s) {
        if (s.isEmpty()) {
            return -1;
        }
        char c = s.charAt(0);
        // A leading > is written as &gt;, which starts no quote.
        if (c == '#' || c == '-' || c == '+' || c == '=') {
            return 0;
        }
        int j = 0;
        while (j < s.length() && j < 10 && s.charAt(j) >= '0' && s.charAt(j) <= '9') {
            j++;
        }
        return j > 0 && j < s.length() && (s.charAt(j) == '.' || s.charAt(j) == ')') ? j : -1;
    }
}
