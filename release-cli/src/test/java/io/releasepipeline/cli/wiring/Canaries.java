package io.releasepipeline.cli.wiring;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Recognisable secret values (canaries) given to the CLI, and every form in which one could leak: the value itself,
 * its standard and URL-safe Base64 encodings at each of the three byte alignments (so a canary inside a larger
 * encoded string, such as {@code Basic base64(user:token)}, is found too), its URL encoding, and any
 * {@link #PREFIX} consecutive characters of its secret part (a truncated echo, from either end). A scan reports each form found with where it was and an excerpt in
 * which every canary form is replaced by {@code <canary NAME>}, so the failure message itself leaks nothing.
 * Thread-safe.
 */
final class Canaries {

    /** The length of the fragments searched for: long enough never to be found by chance. */
    static final int PREFIX = 12;
    private static final int EXCERPT = 60;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /** A canary found where it must not be. */
    record Leak(String where, String canary, String form, String excerpt) {
        @Override
        public String toString() {
            return where + ": " + canary + " (" + form + "): ..." + excerpt + "...";
        }
    }

    private record Form(String canary, String form, String text) {
    }

    private final Map<String, String> values = new LinkedHashMap<>();
    private final List<Form> forms = new CopyOnWriteArrayList<>();

    /**
     * Registers {@code value} as canary {@code name}. {@code prefixFrom} is where the secret part starts (0, or past a
     * well-known prefix every such value shares, e.g. a JWT's header): the {@link #PREFIX}-character forms are taken
     * from there on. Returns the value.
     */
    synchronized String add(String name, String value, int prefixFrom) {
        values.put(name, value);
        forms.add(new Form(name, "verbatim", value));
        String url = URLEncoder.encode(value, StandardCharsets.UTF_8);
        if (!url.equals(value)) {
            forms.add(new Form(name, "URL-encoded", url));
        }
        for (int alignment = 0; alignment < 3; alignment++) {
            forms.add(new Form(name, "Base64", base64(Base64.getEncoder(), value, alignment)));
            forms.add(new Form(name, "Base64url", base64(Base64.getUrlEncoder(), value, alignment)));
        }
        // Any PREFIX characters of the secret part, not only its first: a parser's error snippet or a cut-off
        // column can show the tail of a value alone.
        for (int from = prefixFrom; from + PREFIX <= value.length(); from++) {
            forms.add(new Form(name, PREFIX + " of its characters (from " + from + ")",
                    value.substring(from, from + PREFIX)));
        }
        return value;
    }

    /** The value of canary {@code name}. */
    synchronized String value(String name) {
        return values.get(name);
    }

    /** Every canary's value. */
    synchronized List<String> values() {
        return List.copyOf(values.values());
    }

    /**
     * The characters of {@code value} encoded at byte offset {@code alignment} of a longer string: the encoding of
     * filler + value, without the characters that also encode the filler or the padding.
     */
    private static String base64(Base64.Encoder encoder, String value, int alignment) {
        byte[] raw = value.getBytes(StandardCharsets.UTF_8);
        byte[] shifted = new byte[raw.length + alignment];
        System.arraycopy(raw, 0, shifted, alignment, raw.length);
        String encoded = encoder.withoutPadding().encodeToString(shifted);
        int skip = alignment == 0 ? 0 : alignment + 1;
        int trailing = shifted.length % 3 == 0 ? 0 : 1;
        return encoded.substring(skip, encoded.length() - trailing);
    }

    /**
     * Every canary in {@code text}, said to be in {@code where}: for each canary found, the first of its forms found
     * (verbatim before encoded before truncated), with an excerpt around its first occurrence.
     */
    List<Leak> scan(String where, String text) {
        List<Leak> leaks = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return leaks;
        }
        String redacted = null;
        java.util.Set<String> found = new java.util.HashSet<>();
        for (Form f : forms) {
            if (!found.contains(f.canary()) && text.contains(f.text())) {
                found.add(f.canary());
                redacted = redacted == null ? redacted(text) : redacted;
                leaks.add(new Leak(where, f.canary(), f.form(), excerpt(redacted, "<canary " + f.canary() + ">")));
            }
        }
        return leaks;
    }

    /** {@code text} with every canary form replaced by {@code <canary NAME>}. */
    String redacted(String text) {
        String out = text;
        for (Form f : forms) {
            out = out.replace(f.text(), "<canary " + f.canary() + ">");
        }
        return out;
    }

    private static String excerpt(String redacted, String marker) {
        int at = Math.max(0, redacted.indexOf(marker));
        String around = redacted.substring(Math.max(0, at - EXCERPT), Math.min(redacted.length(),
                at + marker.length() + EXCERPT));
        return around.replace("\n", "\\n").replace("\r", "\\r");
    }

    /** {@code length} random letters and digits. */
    static String alphanumeric(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
        }
        return sb.toString();
    }
}
