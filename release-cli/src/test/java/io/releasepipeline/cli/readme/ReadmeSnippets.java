package io.releasepipeline.cli.readme;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the two sides of the README's Java snippets: the tagged regions of a Java source and the {@code ```java}
 * blocks of a Markdown file, and compares them line by line. Stateless; thread-safe.
 *
 * <p>The rules, mechanical so that anyone can predict them:
 * <ul>
 *   <li>A region runs from a line {@code // tag::NAME[]} to a line {@code // end::NAME[]} (NAME: letters, digits,
 *       {@code -}); regions neither nest nor repeat a name.</li>
 *   <li>A region line ending in {@link #HIDDEN} is left out of the README text: it runs, and the README does not
 *       show it.</li>
 *   <li>The common leading indentation of the remaining lines is removed, and so is trailing whitespace: the README
 *       block equals the rest exactly.</li>
 *   <li>A README block is tagged by a line {@code <!-- snippet: NAME -->} right before its opening fence (blank
 *       lines allowed between).</li>
 * </ul>
 */
final class ReadmeSnippets {

    /** Marks a region line that runs but is not shown in the README. */
    static final String HIDDEN = "// readme:hidden";

    private static final Pattern TAG = Pattern.compile("^\\s*// (tag|end)::([A-Za-z0-9-]+)\\[]\\s*$");
    private static final Pattern MARKER = Pattern.compile("^<!-- snippet: ([A-Za-z0-9-]+) -->$");

    /** A {@code ```java} block of the README. */
    record Block(int line, Optional<String> name, String text) {
        /** "block 'NAME' (README.md line N)" or "the untagged block at README.md line N". */
        String describe() {
            return name.map(n -> "block '" + n + "' (README.md line " + line + ")")
                    .orElse("the untagged ```java block at README.md line " + line);
        }
    }

    private ReadmeSnippets() {
    }

    /**
     * The tagged regions of {@code source} by name, in order, as the README must show them.
     *
     * @throws IllegalArgumentException for a region that is not closed, closed without being opened, nested, or
     *         named twice
     */
    static Map<String, String> regions(String source) {
        Map<String, String> regions = new LinkedHashMap<>();
        String open = null;
        int openedAt = 0;
        List<String> lines = new ArrayList<>();
        String[] all = source.split("\n", -1);
        for (int i = 0; i < all.length; i++) {
            Matcher tag = TAG.matcher(all[i]);
            if (!tag.matches()) {
                if (open != null && !all[i].stripTrailing().endsWith(HIDDEN)) {
                    lines.add(all[i]);
                }
                continue;
            }
            String name = tag.group(2);
            if (tag.group(1).equals("tag")) {
                if (open != null) {
                    throw new IllegalArgumentException("line " + (i + 1) + ": tag::" + name + "[] opens inside region '"
                            + open + "' (opened at line " + openedAt + "); regions do not nest");
                }
                if (regions.containsKey(name)) {
                    throw new IllegalArgumentException("line " + (i + 1) + ": region '" + name + "' is tagged twice");
                }
                open = name;
                openedAt = i + 1;
                lines.clear();
            } else {
                if (!name.equals(open)) {
                    throw new IllegalArgumentException("line " + (i + 1) + ": end::" + name + "[] closes "
                            + (open == null ? "no open region" : "region '" + open + "'"));
                }
                regions.put(name, dedent(lines));
                open = null;
            }
        }
        if (open != null) {
            throw new IllegalArgumentException("region '" + open + "' opened at line " + openedAt + " is never closed");
        }
        return regions;
    }

    /** Every {@code ```java} block of {@code markdown}, with the name of its {@code <!-- snippet: NAME -->}. */
    static List<Block> javaBlocks(String markdown) {
        List<Block> blocks = new ArrayList<>();
        String[] lines = markdown.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].strip().equals("```java")) {
                continue;
            }
            Optional<String> name = Optional.empty();
            for (int j = i - 1; j >= 0; j--) {
                if (!lines[j].isBlank()) {
                    Matcher marker = MARKER.matcher(lines[j].strip());
                    name = marker.matches() ? Optional.of(marker.group(1)) : Optional.empty();
                    break;
                }
            }
            List<String> body = new ArrayList<>();
            int j = i + 1;
            while (j < lines.length && !lines[j].strip().equals("```")) {
                body.add(lines[j]);
                j++;
            }
            if (j == lines.length) {
                throw new IllegalArgumentException("the ```java block at README.md line " + (i + 1) + " is never closed");
            }
            blocks.add(new Block(i + 1, name, String.join("\n", body.stream().map(String::stripTrailing).toList())));
            i = j;
        }
        return blocks;
    }

    /**
     * A line diff of {@code expected} (the tagged region) against {@code actual} (the README block): {@code -} for a
     * line only the region has, {@code +} for one only the README has, two spaces for a common line. Empty if equal.
     */
    static String diff(String expected, String actual) {
        if (expected.equals(actual)) {
            return "";
        }
        String[] a = expected.split("\n", -1);
        String[] b = actual.split("\n", -1);
        int[][] common = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                common[i][j] = a[i].equals(b[j]) ? common[i + 1][j + 1] + 1
                        : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) {
                out.append("  ").append(a[i++]).append('\n');
                j++;
            } else if (i < a.length && (j == b.length || common[i + 1][j] >= common[i][j + 1])) {
                out.append("- ").append(a[i++]).append('\n');
            } else {
                out.append("+ ").append(b[j++]).append('\n');
            }
        }
        return out.toString();
    }

    private static String dedent(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                .min().orElse(0);
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            out.add(line.isBlank() ? "" : line.substring(indent).stripTrailing());
        }
        return String.join("\n", out);
    }
}
