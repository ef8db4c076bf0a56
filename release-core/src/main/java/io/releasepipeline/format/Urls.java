package io.releasepipeline.format;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one rule every module applies to a URL it sends requests (and credentials) to, and the one way such a URL is
 * shown in messages. The GitHub connection, the HTTP smoke check and health probe, the Azure endpoint overrides and
 * the CLI's {@code release.yaml} reader all call it, so "plain http only to loopback" means the same everywhere.
 *
 * <p>A host is loopback if and only if it is {@code localhost} (any case, with or without a trailing dot) or an IP
 * literal (a strict dotted quad, or a bracketed IPv6 address) whose {@link InetAddress} is a
 * {@linkplain InetAddress#isLoopbackAddress() loopback address}. The literal is parsed, never looked up: no DNS query
 * is made, and names that merely start like an address ({@code 127.0.0.1.nip.io}, {@code 127.evil.example}) or
 * other spellings of a number ({@code 0x7f000001}, {@code 2130706433}, {@code 0177.0.0.1}) are not loopback.
 *
 * <p>Stateless and thread-safe.
 */
public final class Urls {

    private static final String OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    private static final Pattern DOTTED_QUAD = Pattern.compile(OCTET + "(?:\\." + OCTET + "){3}");
    private static final Pattern BRACKETED_IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.]+\\]");
    private static final Pattern USER_INFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@");

    /** What a redacted URL shows in place of user info or a query. */
    public static final String REDACTED = "***";

    private Urls() {
    }

    /**
     * Whether {@code host}, as {@link URI#getHost()} returns it (IPv6 in brackets), is a loopback host by the rule
     * above. Never makes a DNS query.
     *
     * @param host the host, as {@link URI#getHost()} returns it
     * @return false for null or blank
     */
    public static boolean isLoopbackHost(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.equals("localhost.")) {
            return true;
        }
        try {
            if (DOTTED_QUAD.matcher(h).matches()) {
                String[] parts = h.split("\\.");
                byte[] address = new byte[4];
                for (int i = 0; i < 4; i++) {
                    address[i] = (byte) Integer.parseInt(parts[i]);
                }
                return InetAddress.getByAddress(address).isLoopbackAddress();
            }
            if (BRACKETED_IPV6.matcher(h).matches()) {
                // With brackets the JDK parses an IPv6 literal or fails; it never falls back to a DNS lookup.
                return InetAddress.getByName(h).isLoopbackAddress();
            }
        } catch (UnknownHostException notALiteral) {
            return false;
        }
        return false;
    }

    /**
     * Why {@code url} cannot be used to send requests that may carry credentials, or empty when it can: it must be
     * an absolute {@code http} or {@code https} URL with a host and without user info ({@code user:password@}), and
     * plain {@code http} may only go to a loopback host unless {@code allowInsecureHttp}. A query or fragment is
     * not judged here (callers that forbid one say so). The problem text never quotes the user info or the query;
     * it says what to do instead.
     *
     * @param url the URL; null is a problem ("required")
     * @param allowInsecureHttp whether plain http may go to any host (an explicit opt-out the caller offers)
     * @return why it cannot be used, or empty
     */
    public static Optional<String> transportProblem(URI url, boolean allowInsecureHttp) {
        if (url == null) {
            return Optional.of("required: an absolute https URL");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return Optional.of("must be an absolute https URL, got " + (scheme.isEmpty() ? "no scheme"
                    : "scheme '" + scheme + "'") + " in " + redacted(url));
        }
        if (url.getRawUserInfo() != null) {
            return Optional.of("must not contain user info (the 'user:password@' before the host, not shown here), "
                    + "got " + redacted(url) + "; remove it and give the credential the documented way (a token "
                    + "from an environment variable, or a header), and revoke it if it was a real secret");
        }
        if (url.getHost() == null) {
            return Optional.of("has no valid host name, got " + redacted(url) + "; write it as https://HOST/...");
        }
        if (scheme.equals("http") && !allowInsecureHttp && !isLoopbackHost(url.getHost())) {
            return Optional.of("plain http is allowed only to a loopback host (localhost, a 127.x.x.x address or "
                    + "[::1], written as such; names are not resolved), got host " + url.getHost()
                    + "; use https://" + url.getRawAuthority() + " (requests and their credentials would cross the "
                    + "network in clear)");
        }
        return Optional.empty();
    }

    /**
     * Whether {@code a} and {@code b} have the same origin: scheme and host ignoring case, and the same port, a
     * missing one read as the scheme's default (443 for https, 80 otherwise). Credentials may go from one to the other
     * only when this holds.
     *
     * @param a one URL
     * @param b the other
     * @return false when either lacks a scheme or a host
     */
    public static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /**
     * {@code url} as it may be shown in a message or {@code toString}: user info and query replaced with
     * {@value #REDACTED}, fragment dropped, e.g. {@code https://***@api.example.com/v3?***}.
     *
     * @param url the URL, or null
     * @return {@code "nothing"} for null
     */
    public static String redacted(URI url) {
        if (url == null) {
            return "nothing";
        }
        if (!url.isAbsolute() || url.isOpaque() || url.getRawAuthority() == null) {
            return redacted(url.toString());
        }
        String authority = url.getRawAuthority();
        int at = authority.lastIndexOf('@');
        StringBuilder sb = new StringBuilder(url.getScheme()).append("://");
        if (at >= 0) {
            sb.append(REDACTED).append('@').append(authority.substring(at + 1));
        } else {
            sb.append(authority);
        }
        sb.append(url.getRawPath() == null ? "" : url.getRawPath());
        if (url.getRawQuery() != null) {
            sb.append('?').append(REDACTED);
        }
        return sb.toString();
    }

    /**
     * As {@link #redacted(URI)}, for text that may not even parse as a URL: anything between {@code ://} and an
     * {@code @} before the path, and everything after {@code ?}, is replaced with {@value #REDACTED}.
     *
     * @param url the URL as text, or null
     * @return {@code "nothing"} for null
     */
    public static String redacted(String url) {
        if (url == null) {
            return "nothing";
        }
        String s = USER_INFO.matcher(url.strip()).replaceFirst("$1" + REDACTED + "@");
        int query = s.indexOf('?');
        int fragment = s.indexOf('#');
        if (fragment >= 0 && (query < 0 || fragment < query)) {
            s = s.substring(0, fragment);
            query = -1;
        }
        return query >= 0 ? s.substring(0, query + 1) + REDACTED : s;
    }
}
