package io.releasepipeline.health.http;

import io.releasepipeline.format.Urls;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One endpoint to probe with a GET: a path relative to the base URL, the status it must answer (200 unless set),
 * optionally a text its body must contain, and extra request headers (an auth header, for instance).
 *
 * <p>Immutable and thread-safe: every {@code with}-style method returns a copy. Header <em>values</em> are
 * treated as credentials: they are sent, but never appear in {@link #toString()}, in results, in log lines or in
 * exception messages; only header names do. Put credentials in headers, not in the path's query string, which
 * does appear in results.
 *
 * <p>Nothing is validated here: {@link HttpSmokeCheck.Builder#build()} and {@link HttpHealthProbe.Builder#build()}
 * check every endpoint and report every problem at once.
 */
public final class Endpoint {

    /** The status an endpoint must answer unless {@link #expectStatus(int)} says otherwise: 200, as in the runbook. */
    public static final int DEFAULT_EXPECTED_STATUS = 200;

    private final String path;
    private final int expectedStatus;
    private final Optional<String> expectedBodyText;
    private final Map<String, String> headers;

    private Endpoint(String path, int expectedStatus, Optional<String> expectedBodyText, Map<String, String> headers) {
        this.path = path;
        this.expectedStatus = expectedStatus;
        this.expectedBodyText = expectedBodyText;
        this.headers = headers;
    }

    /**
     * A GET of {@code path} (with its query string, if any), expecting 200.
     *
     * @param path starts with {@code /}, e.g. {@code /health} or {@code /v1/markets?limit=5}
     * @return a GET of {@code path} (with its query string, if any), expecting 200
     * @throws NullPointerException if {@code path} is null
     */
    public static Endpoint get(String path) {
        return new Endpoint(Objects.requireNonNull(path, "path"), DEFAULT_EXPECTED_STATUS, Optional.empty(), Map.of());
    }

    /**
     * A copy that expects {@code status} instead (e.g. 204). Must be 100..599, checked at build.
     *
     * @param status the expected HTTP status
     * @return a copy that expects {@code status} instead (e.g. 204)
     */
    public Endpoint expectStatus(int status) {
        return new Endpoint(path, status, expectedBodyText, headers);
    }

    /**
     * A copy whose response body must contain {@code text} (compared on the first 64 KiB, decoded as UTF-8).
     *
     * @param text the text the body must contain
     * @return a copy whose response body must contain {@code text} (compared on the first 64 KiB, decoded as UTF-8)
     * @throws NullPointerException if {@code text} is null
     */
    public Endpoint expectBodyContains(String text) {
        return new Endpoint(path, expectedStatus, Optional.of(Objects.requireNonNull(text, "text")), headers);
    }

    /**
     * A copy that sends an extra header. The value is never logged or shown; a header with the same name replaces
     * the previous one.
     *
     * @param name the header's name
     * @param value the header's value, never logged
     * @return a copy that sends an extra header
     * @throws NullPointerException if {@code name} or {@code value} is null
     */
    public Endpoint header(String name, String value) {
        Objects.requireNonNull(name, "header name");
        Objects.requireNonNull(value, "value of header " + name);
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new Endpoint(path, expectedStatus, expectedBodyText, Collections.unmodifiableMap(copy));
    }

    /**
     * The path and query, as given. This is the endpoint's name in results.
     *
     * @return the path and query, as given
     */
    public String path() {
        return path;
    }

    /**
     * The status it must answer.
     *
     * @return the status it must answer
     */
    public int expectedStatus() {
        return expectedStatus;
    }

    /**
     * The text its body must contain, if any.
     *
     * @return the text its body must contain, if any
     */
    public Optional<String> expectedBodyText() {
        return expectedBodyText;
    }

    /**
     * The names of the extra headers it sends (never their values).
     *
     * @return the names of the extra headers it sends (never their values)
     */
    public Set<String> headerNames() {
        return headers.keySet();
    }

    /** The headers with their values, for sending only. */
    Map<String, String> headers() {
        return headers;
    }

    /** A copy that also sends {@code common} headers, its own winning on a name clash. */
    Endpoint withDefaultHeaders(Map<String, String> common) {
        if (common.isEmpty()) {
            return this;
        }
        Map<String, String> merged = new LinkedHashMap<>(common);
        merged.putAll(headers);
        return new Endpoint(path, expectedStatus, expectedBodyText, Collections.unmodifiableMap(merged));
    }

    /** Every problem with this endpoint, each prefixed with {@code where}; header values are never quoted. */
    List<String> problems(String where) {
        List<String> problems = new ArrayList<>();
        if (!path.startsWith("/")) {
            problems.add(where + ": path must start with '/', got '" + path + "'");
        } else if (path.startsWith("//")) {
            problems.add(where + ": path must not start with '//' (that names another host), got '" + shownPath()
                    + "'");
        } else {
            try {
                new URI("https://localhost" + path);
            } catch (URISyntaxException e) {
                problems.add(where + ": path is not a valid URL path (" + e.getReason() + " at index "
                        + (e.getIndex() - "https://localhost".length()) + "); percent-encode it");
            }
        }
        if (expectedStatus < 100 || expectedStatus > 599) {
            problems.add(where + ": expected status must be 100..599, got " + expectedStatus);
        }
        if (expectedBodyText.isPresent() && expectedBodyText.get().isEmpty()) {
            problems.add(where + ": expectBodyContains needs a non-empty text");
        }
        headers.forEach((name, value) -> HttpCalls.headerProblem(name, value)
                .ifPresent(p -> problems.add(where + ": header '" + name + "' " + p)));
        return problems;
    }

    /**
     * The path as messages may show it: as given, except that a path starting with {@code //} (which names a host)
     * has its user info and query redacted, since it may carry a credential ({@code //user:token@host/}).
     */
    String shownPath() {
        return path.startsWith("//") ? Urls.redacted("x:" + path).substring(2) : path;
    }

    /** E.g. {@code GET /health (expect 204, body contains "ok", headers [Authorization])}; never header values. */
    @Override
    public String toString() {
        List<String> details = new ArrayList<>();
        if (expectedStatus != DEFAULT_EXPECTED_STATUS) {
            details.add("expect " + expectedStatus);
        }
        expectedBodyText.ifPresent(t -> details.add("body contains \"" + t + "\""));
        if (!headers.isEmpty()) {
            details.add("headers " + headers.keySet());
        }
        return "GET " + shownPath() + (details.isEmpty() ? "" : " (" + String.join(", ", details) + ")");
    }
}
