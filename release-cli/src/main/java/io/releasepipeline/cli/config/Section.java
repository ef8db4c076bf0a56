package io.releasepipeline.cli.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.releasepipeline.format.Urls;
import io.releasepipeline.format.VariableNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One mapping of the YAML tree, read key by key. Every type error becomes a {@code path: problem} line in a shared
 * list instead of an exception, so one pass finds every problem; {@link #rejectUnknownKeys()} then reports the keys
 * nobody read, with a suggestion when one is a likely typo. Not thread-safe; lives for one read.
 */
final class Section {

    /** Keys that by their name expect the name of an environment variable. */
    private static final Pattern VARIABLE_KEY = Pattern.compile("(?i).*(?:env|variable|var)");

    private final String path;
    private final JsonNode node;
    private final List<String> problems;
    private final Set<String> known = new LinkedHashSet<>();

    private Section(String path, JsonNode node, List<String> problems) {
        this.path = path;
        this.node = node;
        this.problems = problems;
    }

    /** The document's root; a missing or empty document reads as an empty mapping. */
    static Section root(JsonNode node, List<String> problems) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return new Section("", JsonNodeFactory.instance.objectNode(), problems);
        }
        if (!node.isObject()) {
            problems.add("(top level): must be a mapping of sections (app, github, smoke, ...), got "
                    + describe(node));
            return new Section("", JsonNodeFactory.instance.objectNode(), problems);
        }
        return new Section("", node, problems);
    }

    /** The path of {@code key} in this section, e.g. {@code rollback.errorRate.threshold}. */
    String pathOf(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** Adds a problem about {@code key}. */
    void problem(String key, String problem) {
        problems.add(pathOf(key) + ": " + problem);
    }

    /** Adds a problem about this mapping as a whole (e.g. a list item that lacks a choice). */
    void problemHere(String problem) {
        problems.add((path.isEmpty() ? "(top level)" : path) + ": " + problem);
    }

    /** True when {@code key} is present and not null. */
    boolean has(String key) {
        known.add(key);
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    /** A nested mapping; missing reads as empty. */
    Section section(String key) {
        JsonNode v = value(key);
        if (v == null) {
            return new Section(pathOf(key), JsonNodeFactory.instance.objectNode(), problems);
        }
        if (!v.isObject()) {
            problem(key, "must be a mapping, got " + describe(v));
            return new Section(pathOf(key), JsonNodeFactory.instance.objectNode(), problems);
        }
        return new Section(pathOf(key), v, problems);
    }

    /** A text value, when present. */
    Optional<String> text(String key) {
        JsonNode v = value(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isValueNode()) {
            problem(key, "must be a text, got " + describe(v));
            return Optional.empty();
        }
        String s = v.asText();
        if (s.isBlank()) {
            problem(key, "must not be blank");
            return Optional.empty();
        }
        return Optional.of(s.trim());
    }

    /** A text value or {@code fallback}. */
    String text(String key, String fallback) {
        return text(key).orElse(fallback);
    }

    /** A text value that must be present; {@code example} shows what to write. */
    String required(String key, String example) {
        if (!has(key)) {
            problem(key, "required, e.g. " + example);
            return "";
        }
        return text(key).orElse("");
    }

    /** A duration ({@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, {@code 1h30m}) that must be positive. */
    Duration duration(String key, Duration fallback) {
        Duration d = durationOrZero(key, fallback);
        if (d.isZero() && has(key)) {
            problem(key, "must be positive, got " + node.get(key).asText());
            return fallback;
        }
        return d;
    }

    /** A duration that may be zero. */
    Duration durationOrZero(String key, Duration fallback) {
        JsonNode v = value(key);
        if (v == null) {
            return fallback;
        }
        Optional<Duration> d = v.isTextual() ? Durations.parse(v.asText()) : Optional.empty();
        if (d.isEmpty()) {
            problem(key, "must be a duration such as 500ms, 30s, 2m, 1h or 1h30m, got " + describe(v));
            return fallback;
        }
        return d.get();
    }

    /** A whole number within {@code min..max}. */
    long number(String key, long fallback, long min, long max) {
        JsonNode v = value(key);
        if (v == null) {
            return fallback;
        }
        if (!v.isIntegralNumber()) {
            problem(key, "must be a whole number, got " + describe(v));
            return fallback;
        }
        long n = v.asLong();
        if (n < min || n > max) {
            problem(key, "must be " + (max == Long.MAX_VALUE ? "at least " + min : "between " + min + " and " + max)
                    + ", got " + n);
            return fallback;
        }
        return n;
    }

    /** A number (whole or not). */
    double decimal(String key, double fallback) {
        JsonNode v = value(key);
        if (v == null) {
            return fallback;
        }
        if (!v.isNumber()) {
            problem(key, "must be a number, got " + describe(v));
            return fallback;
        }
        return v.asDouble();
    }

    /** {@code true} or {@code false}. */
    boolean bool(String key, boolean fallback) {
        JsonNode v = value(key);
        if (v == null) {
            return fallback;
        }
        if (!v.isBoolean()) {
            problem(key, "must be true or false, got " + describe(v));
            return fallback;
        }
        return v.asBoolean();
    }

    /** A list of texts. */
    List<String> texts(String key, List<String> fallback) {
        JsonNode v = value(key);
        if (v == null) {
            return fallback;
        }
        if (!v.isArray()) {
            problem(key, "must be a list, e.g. [a, b], got " + describe(v));
            return fallback;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            if (!item.isValueNode() || item.isNull() || item.asText().isBlank()) {
                problems.add(pathOf(key) + "[" + i + "]: must be a text, got " + describe(item));
            } else {
                out.add(item.asText().trim());
            }
        }
        return List.copyOf(out);
    }

    /**
     * The value of {@code key} when it is a scalar (a text, number or boolean) rather than a list or mapping; empty
     * when it is absent or not a scalar. Marks the key known; adds no problem.
     */
    Optional<String> textIfText(String key) {
        JsonNode v = value(key);
        return v != null && v.isValueNode() ? Optional.of(v.asText()) : Optional.empty();
    }

    /** A list of whole numbers. */
    List<Integer> integers(String key, List<Integer> fallback) {
        JsonNode v = value(key);
        if (v == null) {
            return fallback;
        }
        if (!v.isArray()) {
            problem(key, "must be a list of whole numbers, e.g. [10, 50, 100], got " + describe(v));
            return fallback;
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            if (!item.isInt()) {
                problems.add(pathOf(key) + "[" + i + "]: must be a whole number, got " + describe(item));
            } else {
                out.add(item.asInt());
            }
        }
        return List.copyOf(out);
    }

    /**
     * A mapping of names to texts (e.g. a workflow's inputs), in the order written; empty when absent. A value that
     * is not a text is a problem; a number or boolean is read as its text.
     */
    java.util.Map<String, String> textMap(String key) {
        JsonNode v = value(key);
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        if (!v.isObject()) {
            problem(key, "must be a mapping of names to texts, got " + describe(v));
            return out;
        }
        Iterator<String> names = v.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            JsonNode item = v.get(name);
            if (item == null || !item.isValueNode() || item.isNull()) {
                problems.add(pathOf(key) + "." + name + ": must be a text, got " + describe(item));
            } else {
                out.put(name, item.asText());
            }
        }
        return out;
    }

    /** The items of a list, each as a section (mappings) or a bare value; empty when absent. */
    List<Item> items(String key) {
        JsonNode v = value(key);
        if (v == null) {
            return List.of();
        }
        if (!v.isArray()) {
            problem(key, "must be a list, got " + describe(v));
            return List.of();
        }
        List<Item> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            String itemPath = pathOf(key) + "[" + i + "]";
            JsonNode item = v.get(i);
            out.add(new Item(itemPath, item, item.isObject() ? new Section(itemPath, item, problems) : null));
        }
        return out;
    }

    /** Reports every key of this mapping that was never asked for. */
    void rejectUnknownKeys() {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                String hint = known.stream().filter(k -> close(k, name)).findFirst()
                        .map(k -> "; did you mean '" + k + "'?").orElse("; known keys: " + String.join(", ", known));
                problems.add(pathOf(name) + ": unknown key" + hint);
                JsonNode value = node.get(name);
                String text = value != null && value.isValueNode() ? value.asText() : null;
                if (text != null && VARIABLE_KEY.matcher(name).matches()) {
                    // A key meant to name a variable (tokenEnv, secretVariable...): its value is judged as one.
                    VariableNames.problem(pathOf(name), text).ifPresent(p -> problems.add(pathOf(name) + ": " + p));
                } else if (VariableNames.looksLikeSecret(text)) {
                    problems.add(pathOf(name) + ": its value looks like a secret (not shown); release.yaml holds no "
                            + "secrets: put it in an environment variable and give that variable's name in the "
                            + "matching *Variable key; if it is a real credential, revoke it");
                }
            }
        }
    }

    private JsonNode value(String key) {
        known.add(key);
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v;
    }

    /**
     * A text value as a message may show it: quoted, cut at 60 characters, a URL's user info and query redacted; or
     * a placeholder when it looks like a secret ({@link VariableNames#looksLikeSecret}), so that a credential pasted
     * into the wrong key is never echoed.
     */
    static String shown(String value) {
        if (VariableNames.looksLikeSecret(value)) {
            return "a value that looks like a secret (not shown)";
        }
        String s = value.contains("://") ? Urls.redacted(value) : value;
        return "'" + (s.length() > 60 ? s.substring(0, 60) + "..." : s) + "'";
    }

    /** Shows a value in a message; a text goes through {@link #shown(String)}. */
    static String describe(JsonNode v) {
        if (v == null || v.isNull()) {
            return "nothing";
        }
        if (v.isObject()) {
            return "a mapping";
        }
        if (v.isArray()) {
            return "a list";
        }
        return v.isTextual() ? shown(v.asText()) : v.asText();
    }

    /** True when {@code a} and {@code b} differ by case or by at most two edits: a likely typo. */
    private static boolean close(String a, String b) {
        if (a.equalsIgnoreCase(b)) {
            return true;
        }
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = Character.toLowerCase(a.charAt(i - 1)) == Character.toLowerCase(b.charAt(j - 1)) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()] <= 2;
    }

    /**
     * One list item.
     *
     * @param path e.g. {@code smoke.endpoints[1]}
     * @param value the raw value
     * @param section the item as a mapping, or null when it is not one
     */
    record Item(String path, JsonNode value, Section section) {
    }
}
