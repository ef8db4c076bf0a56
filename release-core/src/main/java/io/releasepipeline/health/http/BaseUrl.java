package io.releasepipeline.health.http;

import io.releasepipeline.format.Urls;
import io.releasepipeline.health.SmokeTarget;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Optional;

/**
 * Where requests go: a configured base URL, or the target revision's own URL. Enforces {@link Urls}' rule ("https,
 * or plain http to a loopback host only, unless explicitly allowed"; no user info) on both. Immutable.
 */
final class BaseUrl {

    private final Optional<String> configured;
    private final boolean useRevisionUrl;
    private final boolean allowInsecureHttp;

    BaseUrl(Optional<String> configured, boolean useRevisionUrl, boolean allowInsecureHttp) {
        this.configured = configured;
        this.useRevisionUrl = useRevisionUrl;
        this.allowInsecureHttp = allowInsecureHttp;
    }

    /** Adds every configuration problem to {@code problems}. */
    void validate(List<String> problems) {
        if (configured.isEmpty()) {
            if (!useRevisionUrl) {
                problems.add("baseUrl: required unless targetRevisionUrl(true), e.g. https://backend.example.com");
            }
            return;
        }
        problem(configured.get()).ifPresent(p -> problems.add("baseUrl: " + p));
    }

    /**
     * The base URL for {@code target}, without a trailing slash, or why there is none. The revision URL wins when
     * configured and present; a bare host name (as platforms report revision FQDNs) is taken as https.
     */
    Resolved resolve(SmokeTarget target) {
        if (useRevisionUrl && target.revisionUrl().isPresent()) {
            String url = target.revisionUrl().get();
            String withScheme = url.contains("://") ? url : "https://" + url;
            Optional<String> problem = problem(withScheme);
            return problem.isPresent()
                    ? Resolved.problem("the URL of revision " + target.revision() + " is not usable: " + problem.get())
                    : Resolved.url(trimSlash(withScheme));
        }
        if (configured.isPresent()) {
            return Resolved.url(trimSlash(configured.get()));
        }
        return Resolved.problem("revision " + target.revision() + " has no URL of its own and no baseUrl is "
                + "configured");
    }

    @Override
    public String toString() {
        return configured.map(BaseUrl::shown).orElse("") + (useRevisionUrl ? " (or the revision's URL)" : "");
    }

    /** Why {@code url} cannot be a base URL; the message never shows user info or a query. */
    private Optional<String> problem(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Optional.of("not a valid URL (" + e.getReason() + "), got " + Urls.redacted(url));
        }
        Optional<String> transport = Urls.transportProblem(uri, allowInsecureHttp);
        if (transport.isPresent()) {
            String problem = transport.get();
            return Optional.of(problem.startsWith("plain http")
                    ? problem + ", or allowInsecureHttp(true) if you really mean it" : problem);
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return Optional.of("must not have a query or fragment, got " + Urls.redacted(uri)
                    + "; put them in the endpoint paths");
        }
        return Optional.empty();
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String shown(String url) {
        try {
            URI uri = new URI(url);
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                    + (uri.getRawPath() == null ? "" : uri.getRawPath());
        } catch (URISyntaxException e) {
            return Urls.redacted(url);
        }
    }

    /** A base URL, or why there is none. */
    record Resolved(Optional<String> url, String problem) {
        static Resolved url(String url) {
            return new Resolved(Optional.of(url), "");
        }

        static Resolved problem(String problem) {
            return new Resolved(Optional.empty(), problem);
        }
    }
}
