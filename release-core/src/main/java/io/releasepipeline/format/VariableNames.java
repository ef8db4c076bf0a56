package io.releasepipeline.format;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Names of environment variables, where a secret pasted by mistake must be caught and never echoed. Every place that
 * takes a variable's name (a {@code *Variable} key of {@code release.yaml}, {@code bearerTokenFromEnvironment},
 * {@code TokenSource.fromEnvironment}) checks it here, and shows it in a message only through {@link #shown}.
 *
 * <p>A value is <em>secret-like</em> when it has a credential's known shape (GitHub tokens {@code ghp_},
 * {@code gho_}, {@code ghu_}, {@code ghs_}, {@code ghr_}, {@code github_pat_}; a JWT such as an Azure access token;
 * 32 or more hex digits; a storage connection string or SAS; GitLab, Slack, npm, AWS and OpenAI key prefixes) or
 * looks random: at least 20 characters with no {@code _}, letters mixed with three or more separate runs of digits
 * (a name such as {@code MyToken2024} has one). Stateless and thread-safe.
 */
public final class VariableNames {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern KNOWN_SHAPES = Pattern.compile("(?s)\\s*(?:(?:ghp|gho|ghu|ghs|ghr)_|github_pat_"
            + "|glpat-|xox[abposr]-|npm_[A-Za-z0-9]{20}|AKIA[0-9A-Z]{16}|sk-[A-Za-z0-9_-]{20}"
            + "|eyJ[A-Za-z0-9_-]*\\.|[0-9a-fA-F]{32,}\\s*$"
            + "|.*(?:AccountKey|SharedAccessSignature|AccountName|SharedAccessKey|sig)=).*");
    private static final Pattern DIGIT_RUN = Pattern.compile("[0-9]+");

    private VariableNames() {
    }

    /**
     * Whether {@code name} is a valid variable name: letters, digits and {@code _}, not starting with a digit.
     *
     * @param name the name, or null
     * @return whether {@code name} is a valid variable name: letters, digits and {@code _}, not starting with a digit
     */
    public static boolean isName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * Whether {@code value} looks like a secret by the rules above; false for null.
     *
     * @param value the value, or null
     * @return whether {@code value} looks like a secret by the rules above; false for null
     */
    public static boolean looksLikeSecret(String value) {
        if (value == null) {
            return false;
        }
        if (KNOWN_SHAPES.matcher(value).matches()) {
            return true;
        }
        String v = value.strip();
        if (v.length() < 20 || v.contains("_") || v.chars().noneMatch(Character::isLetter)
                || DIGIT_RUN.matcher(v).results().count() < 3) {
            return false;
        }
        return entropyBitsPerChar(v) >= 3.5;
    }

    /**
     * Why {@code value} cannot be the variable name that {@code key} asks for, or empty: not a valid name, or
     * secret-like. The text names {@code key}, never the value, and says what to do.
     *
     * @param key the configuration key that asks for a variable name
     * @param value what was given
     * @return why it cannot be used, or empty
     */
    public static Optional<String> problem(String key, String value) {
        if (value != null && isName(value) && !looksLikeSecret(value)) {
            return Optional.empty();
        }
        if (value == null || value.isBlank()) {
            return Optional.of("the value of " + key + " is empty: give the name of the environment variable that "
                    + "holds the secret");
        }
        return Optional.of("the value of " + key + " looks like a secret, not a variable name; put the secret in an "
                + "environment variable and give its name (e.g. export RELEASE_TOKEN=... and write RELEASE_TOKEN; "
                + "a name is letters, digits and '_', not starting with a digit). The value is not shown"
                + (looksLikeSecret(value) ? "; if it is a real credential, revoke it, since it may have been "
                        + "shared" : ""));
    }

    /**
     * {@code name} as a message may show it: itself when it is a valid, not secret-like name, else a placeholder
     * that reveals nothing of it.
     *
     * @param name the name, or null
     * @return the name, or a placeholder
     */
    public static String shown(String name) {
        return isName(name) && !looksLikeSecret(name) ? name : "(a value that is not a variable name, not shown)";
    }

    private static double entropyBitsPerChar(String s) {
        Map<Integer, Integer> counts = new HashMap<>();
        s.chars().forEach(c -> counts.merge(c, 1, Integer::sum));
        double bits = 0;
        for (int n : counts.values()) {
            double p = (double) n / s.length();
            bits -= p * Math.log(p) / Math.log(2);
        }
        return bits;
    }
}
