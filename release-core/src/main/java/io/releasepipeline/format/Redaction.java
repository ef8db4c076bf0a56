package io.releasepipeline.format;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Removes credentials from text that is about to leave the process: exception messages, log lines, evidence,
 * console output. Services and the proxies in front of them sometimes echo what they were sent (an error body that
 * quotes the {@code Authorization} header, a URL with a SAS signature), and a message built from such an answer
 * would carry the credential into a log, a record or a pull-request comment. Every {@code ReleaseException} passes
 * its message and its causes through here, so a provider's message is safe wherever it goes.
 *
 * <p>What is recognised, by shape (the value is replaced by {@link #MASK}, the name around it kept so the message still
 * says what was there):
 * <ul>
 * <li>an HTTP credential after its scheme: {@code Bearer}, {@code Basic}, {@code SharedKey}, {@code SharedKeyLite}
 * (16 or more token characters, one a digit);</li>
 * <li>a JWT (every Microsoft Entra ID access token), whole or its header and claims alone;</li>
 * <li>GitHub tokens by their documented prefixes ({@code ghp_}, {@code gho_}, {@code ghu_}, {@code ghs_},
 * {@code ghr_}, {@code github_pat_});</li>
 * <li>secret-bearing parameters of query strings and connection strings: {@code sig}, {@code AccountKey},
 * {@code SharedAccessSignature}, {@code SharedAccessKey}, {@code client_secret}, {@code access_token},
 * {@code refresh_token}, {@code password}, {@code secret}, {@code api_key};</li>
 * <li>the user info of a URL ({@code https://user:password@host}).</li>
 * </ul>
 * A credential of no recognisable shape is not found: callers that know their secret (a client that holds its
 * token) remove it too. Stateless and thread-safe.
 */
public final class Redaction {

    /** What a credential is replaced with. */
    public static final String MASK = "***";

    /** A scheme, then a value of 16 or more token characters with a digit in it (so "Bearer authorization" stays). */
    private static final Pattern SCHEME = Pattern.compile(
            "(?i)\\b(Bearer|Basic|SharedKey|SharedKeyLite)(\\s+)(?=[A-Za-z0-9._~+/:=-]*[0-9])[A-Za-z0-9._~+/:=-]{16,}");
    private static final Pattern JWT = Pattern.compile(
            "eyJ[A-Za-z0-9_-]{4,}\\.eyJ[A-Za-z0-9_-]{4,}(?:\\.[A-Za-z0-9_-]*)?");
    private static final Pattern GITHUB = Pattern.compile(
            "\\b(?:gh[pousr]_[A-Za-z0-9]{8,}|github_pat_[A-Za-z0-9_]{8,})");
    private static final Pattern PARAMETER = Pattern.compile("(?i)\\b(sig|AccountKey|SharedAccessSignature"
            + "|SharedAccessKey|client_secret|access_token|refresh_token|password|secret|api[_-]?key)"
            + "(=|%3D)[^&;\\s\"'<>,)]+");
    private static final Pattern USER_INFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/?#@\\s\"'<>]+@");

    private Redaction() {
    }

    /**
     * {@code text} with every credential of a recognised shape replaced by {@link #MASK}; null stays null.
     * Idempotent: redacting twice changes nothing more.
     *
     * @param text the text, or null
     * @return the text with credentials masked
     */
    public static String credentials(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = USER_INFO.matcher(text).replaceAll("$1" + MASK + "@");
        out = SCHEME.matcher(out).replaceAll("$1$2" + MASK);
        out = JWT.matcher(out).replaceAll(MASK);
        out = GITHUB.matcher(out).replaceAll(MASK);
        out = PARAMETER.matcher(out).replaceAll("$1$2" + MASK);
        return out;
    }

    /**
     * Whether {@code text} holds a credential of a recognised shape.
     *
     * @param text the text, or null
     * @return whether {@code text} holds a credential of a recognised shape
     */
    public static boolean hasCredentials(String text) {
        return text != null && !credentials(text).equals(text);
    }

    /**
     * {@code failure} itself when no message in its cause chain holds a credential; otherwise a copy of the chain
     * in which each throwable is replaced by one of the same stack trace whose message is redacted and whose
     * {@code toString()} names the original class (e.g. {@code com.azure.core.management.exception.
     * ManagementException (redacted): Status code 401, ...}). So a stack trace printed or logged from it still shows
     * where and why, and never the credential. The copies are plain {@link RuntimeException}s: a caller that needs
     * a cause's type must look before redacting. Null stays null.
     *
     * @param failure the throwable to log or rethrow
     * @return {@code failure}, or a redacted copy of its chain
     */
    public static Throwable cause(Throwable failure) {
        if (failure == null || !chainHasCredentials(failure)) {
            return failure;
        }
        return copy(failure, new IdentityHashMap<>());
    }

    private static boolean chainHasCredentials(Throwable failure) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            if (hasCredentials(t.getMessage()) || hasCredentials(t.toString())) {
                return true;
            }
            for (Throwable s : t.getSuppressed()) {
                if (chainHasCredentials(s)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Throwable copy(Throwable original, Map<Throwable, Throwable> copies) {
        Throwable done = copies.get(original);
        if (done != null) {
            return done;
        }
        Redacted copy = new Redacted(original.getClass().getName(), credentials(original.getMessage()));
        copies.put(original, copy);
        copy.setStackTrace(original.getStackTrace());
        if (original.getCause() != null && original.getCause() != original) {
            copy.initCause(copy(original.getCause(), copies));
        }
        for (Throwable s : original.getSuppressed()) {
            copy.addSuppressed(copy(s, copies));
        }
        return copy;
    }

    /** A throwable standing in for one whose message held a credential. */
    private static final class Redacted extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final String originalClass;

        Redacted(String originalClass, String message) {
            super(message);
            this.originalClass = originalClass;
        }

        @Override
        public String toString() {
            String message = getLocalizedMessage();
            return originalClass + " (redacted)" + (message == null ? "" : ": " + message);
        }
    }
}
