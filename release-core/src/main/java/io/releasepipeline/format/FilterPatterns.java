package io.releasepipeline.format;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A list of GitHub Actions filter patterns, as a workflow's {@code on.push.paths}, {@code paths-ignore},
 * {@code branches} or {@code tags} holds them, with GitHub's documented semantics ("Workflow syntax for GitHub
 * Actions", the filter pattern cheat sheet):
 *
 * <ul>
 *   <li>{@code *} matches zero or more characters except {@code /}; {@code **} matches zero or more of any
 *       character, and {@code **}{@code /} also matches no directory at all ({@code '**}{@code /README.md'} matches
 *       {@code README.md});
 *   <li>{@code ?} matches zero or one of the preceding character, {@code +} one or more of it;
 *   <li>{@code [CB]} or {@code [0-9a-z]} matches one alphanumeric character listed or in a range;
 *   <li>{@code \} makes the next character literal;
 *   <li>{@code !} at the start of a pattern negates it; anywhere else it is a literal character;
 *   <li>a pattern matches the whole name (a path from the repository's root), case-sensitively;
 *   <li>order matters: the last pattern that matches a name decides, so a negative pattern after a positive one
 *       excludes the name and a positive one after a negative one includes it again.
 * </ul>
 *
 * <pre>{@code
 * FilterPatterns paths = FilterPatterns.of("sub-project/**", "!sub-project/docs/**");
 * paths.selects("sub-project/src/index.js");   // true
 * paths.selects("sub-project/docs/readme.md"); // false
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class FilterPatterns {

    private final List<String> patterns;
    private final List<Compiled> compiled;

    private record Compiled(boolean negative, Pattern regex) {
    }

    private FilterPatterns(List<String> patterns, List<Compiled> compiled) {
        this.patterns = patterns;
        this.compiled = compiled;
    }

    /**
     * The patterns, in order.
     *
     * @param patterns glob patterns, {@code !} before a pattern excludes
     * @return the patterns, in order
     * @throws IllegalArgumentException listing every pattern that is not valid (see {@link #problems})
     */
    public static FilterPatterns of(List<String> patterns) {
        List<String> problems = problems(patterns);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        List<Compiled> compiled = new ArrayList<>();
        for (String p : patterns) {
            boolean negative = p.startsWith("!");
            compiled.add(new Compiled(negative, Pattern.compile(toRegex(negative ? p.substring(1) : p,
                    new ArrayList<>()))));
        }
        return new FilterPatterns(List.copyOf(patterns), List.copyOf(compiled));
    }

    /**
     * {@link #of(List)} for patterns given one by one.
     *
     * @param patterns glob patterns, {@code !} before a pattern excludes
     * @return the patterns, in order
     */
    public static FilterPatterns of(String... patterns) {
        return of(List.of(patterns));
    }

    /**
     * What is wrong with {@code patterns}, one entry per problem, each naming the pattern; empty when they are valid.
     * A list must not be empty, a pattern must not be empty (nor {@code !} alone), brackets must close and hold only
     * letters, digits and ranges of them, and {@code \} must be followed by a character. As GitHub requires, a list
     * with a negative pattern must also hold a positive one.
     *
     * @param patterns the patterns to check
     * @return what is wrong with {@code patterns}, one entry per problem, each naming the pattern; empty when they are
     *     valid
     */
    public static List<String> problems(List<String> patterns) {
        List<String> problems = new ArrayList<>();
        if (patterns == null || patterns.isEmpty()) {
            problems.add("no pattern: give at least one, e.g. 'backend/**'");
            return problems;
        }
        boolean positive = false;
        for (String p : patterns) {
            if (p == null || p.isEmpty() || p.equals("!")) {
                problems.add("an empty pattern" + (p == null ? "" : " '" + p + "'") + ": give a path pattern such "
                        + "as 'backend/**'");
                continue;
            }
            boolean negative = p.startsWith("!");
            positive |= !negative;
            List<String> errors = new ArrayList<>();
            toRegex(negative ? p.substring(1) : p, errors);
            errors.forEach(e -> problems.add("pattern '" + p + "': " + e));
        }
        if (!positive && problems.isEmpty()) {
            problems.add("only negative patterns " + patterns + ": a list with a '!' pattern needs a positive one "
                    + "before it (GitHub's rule), e.g. ['**', '" + patterns.get(0) + "']");
        }
        return problems;
    }

    /**
     * True when the last pattern that matches {@code name} is a positive one; false when none matches.
     *
     * @param name a path, e.g. {@code backend/src/App.java}
     * @return true when the last pattern that matches {@code name} is a positive one; false when none matches
     */
    public boolean selects(String name) {
        Objects.requireNonNull(name, "name");
        boolean selected = false;
        for (Compiled c : compiled) {
            if (c.regex().matcher(name).matches()) {
                selected = !c.negative();
            }
        }
        return selected;
    }

    /**
     * The patterns as given, in order.
     *
     * @return the patterns as given, in order
     */
    public List<String> patterns() {
        return patterns;
    }

    /** The patterns as a list, e.g. {@code [backend/**, !backend/docs/**]}. */
    @Override
    public String toString() {
        return patterns.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FilterPatterns other && other.patterns.equals(patterns);
    }

    @Override
    public int hashCode() {
        return patterns.hashCode();
    }

    /**
     * The regular expression of one pattern (without its leading {@code !}); problems go to {@code errors}. Each
     * piece is kept as an atom so that {@code ?} and {@code +} apply to the piece before them as a whole, whatever
     * it is (a character, a bracket, a wildcard), and never combine into a possessive or reluctant quantifier.
     */
    private static String toRegex(String pattern, List<String> errors) {
        List<String> atoms = new ArrayList<>();
        int i = 0;
        int n = pattern.length();
        while (i < n) {
            char c = pattern.charAt(i);
            switch (c) {
                case '*' -> {
                    if (i + 1 < n && pattern.charAt(i + 1) == '*') {
                        if (i + 2 < n && pattern.charAt(i + 2) == '/') {
                            atoms.add("(?:.+/)?");
                            i += 3;
                        } else {
                            atoms.add(".*");
                            i += 2;
                        }
                    } else {
                        atoms.add("[^/]*");
                        i++;
                    }
                }
                case '?', '+' -> {
                    if (atoms.isEmpty()) {
                        atoms.add(Pattern.quote(String.valueOf(c)));
                    } else {
                        int last = atoms.size() - 1;
                        atoms.set(last, "(?:" + atoms.get(last) + ")" + c);
                    }
                    i++;
                }
                case '[' -> i = bracket(pattern, i, atoms, errors);
                case '\\' -> {
                    if (i + 1 >= n) {
                        errors.add("'\\' at the end escapes nothing; write '\\\\' for a backslash");
                        i++;
                    } else {
                        atoms.add(Pattern.quote(String.valueOf(pattern.charAt(i + 1))));
                        i += 2;
                    }
                }
                default -> {
                    atoms.add(Pattern.quote(String.valueOf(c)));
                    i++;
                }
            }
        }
        return String.join("", atoms);
    }

    /** Reads {@code [...]} starting at {@code start}; returns the index after it. */
    private static int bracket(String pattern, int start, List<String> atoms, List<String> errors) {
        int end = pattern.indexOf(']', start + 1);
        if (end < 0) {
            errors.add("'[' at " + start + " is never closed with ']'");
            return pattern.length();
        }
        String inside = pattern.substring(start + 1, end);
        if (inside.isEmpty()) {
            errors.add("empty brackets '[]' at " + start + " match nothing");
            return end + 1;
        }
        StringBuilder set = new StringBuilder("[");
        for (int j = 0; j < inside.length(); j++) {
            char c = inside.charAt(j);
            if (j + 2 < inside.length() && inside.charAt(j + 1) == '-') {
                char to = inside.charAt(j + 2);
                if (!alphanumeric(c) || !alphanumeric(to) || c > to) {
                    errors.add("range '" + c + "-" + to + "' in brackets: ranges can only include a-z, A-Z and 0-9, "
                            + "in order");
                } else {
                    set.append(c).append('-').append(to);
                }
                j += 2;
            } else if (alphanumeric(c)) {
                set.append(c);
            } else {
                errors.add("'" + c + "' in brackets: brackets match one letter or digit (a-z, A-Z, 0-9)");
            }
        }
        atoms.add(set.append(']').toString());
        return end + 1;
    }

    private static boolean alphanumeric(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }
}
