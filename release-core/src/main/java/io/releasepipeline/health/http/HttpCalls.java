package io.releasepipeline.health.http;

import io.releasepipeline.error.ReleaseInterruptedException;
import io.releasepipeline.format.Format;
import io.releasepipeline.format.Urls;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/** One GET with a deadline on the whole exchange, described for people and never quoting a header value. */
final class HttpCalls {

    /** How much of a body is kept for {@link Endpoint#expectBodyContains(String)}; the rest is read and dropped. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    private HttpCalls() {
    }

    /** Redirects followed at most, as the JDK's own client does; one more is a failure. */
    static final int MAX_REDIRECTS = 5;

    private static final java.util.Set<Integer> REDIRECTS = java.util.Set.of(301, 302, 303, 307, 308);

    /**
     * How requests go out: a client that never follows redirects itself, and whether {@link #call} follows them
     * (by the rules on {@link #call}).
     *
     * @param client the HTTP client, with {@code Redirect.NEVER}
     * @param followRedirects whether redirects are followed
     * @param allowInsecureHttp whether a redirect may lead to plain http on a non-loopback host
     */
    record Transport(HttpClient client, boolean followRedirects, boolean allowInsecureHttp) {
    }

    /**
     * A client that verifies TLS (against {@code sslContext} when given) and never follows a redirect itself: the
     * JDK's client would send every header, credentials included, to wherever a redirect points.
     */
    static HttpClient client(Optional<SSLContext> sslContext, Duration connectTimeout) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        sslContext.ifPresent(builder::sslContext);
        return builder.build();
    }

    /** Why a header cannot be sent, without quoting its value. */
    static Optional<String> headerProblem(String name, String value) {
        try {
            HttpRequest.newBuilder(URI.create("https://localhost/")).header(name, value);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of("cannot be sent: the name is restricted or invalid, or the value has a forbidden "
                    + "character (the value is not shown)");
        }
    }

    /** Adds a problem when {@code d} is zero or negative. */
    static void requirePositive(List<String> problems, String name, Duration d) {
        if (d.isZero() || d.isNegative()) {
            problems.add(name + ": must be positive, got " + d);
        }
    }

    /**
     * GETs {@code base + endpoint.path()} and judges the answer against the endpoint's expectations. Never throws
     * for a failed exchange: a refused connection, a TLS failure or no answer within {@code timeout} is an
     * {@link Outcome} with an error.
     *
     * <p>With {@link Transport#followRedirects()}, a 301, 302, 303, 307 or 308 with a {@code Location} is followed
     * here, at most {@link #MAX_REDIRECTS} times, always as a GET, within the same {@code timeout} for the whole
     * chain. The endpoint's headers (every one is treated as a credential) go only to the origin (scheme, host and
     * port) of the first request: from the first hop that leaves it on, the chain carries no header of the
     * endpoint's. A redirect from https to http, or to a URL the transport rule refuses (plain http to a
     * non-loopback host unless allowed, user info), is not followed and fails the call.
     *
     * @throws ReleaseInterruptedException if the calling thread is interrupted (the request is cancelled)
     */
    static Outcome call(Transport transport, String base, Endpoint endpoint, Duration timeout) {
        URI origin = URI.create(base + endpoint.path());
        URI target = origin;
        boolean sendHeaders = true;
        boolean wantBody = endpoint.expectedBodyText().isPresent();
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        HttpResponse.BodyHandler<String> bodies = info -> wantBody
                && !(transport.followRedirects() && REDIRECTS.contains(info.statusCode()))
                ? BoundedBody.text(MAX_BODY_BYTES)
                : HttpResponse.BodySubscribers.replacing("");
        for (int hop = 0; ; hop++) {
            HttpResponse<String> response;
            HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(timeout).GET();
            if (sendHeaders) {
                endpoint.headers().forEach(request::header);
            }
            CompletableFuture<HttpResponse<String>> future = transport.client().sendAsync(request.build(), bodies);
            try {
                // The request timeout only bounds the wait for headers; this bounds the whole chain, bodies included.
                response = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                future.cancel(true);
                return Outcome.failed(Optional.empty(), elapsed(start), noAnswer(timeout));
            } catch (ExecutionException e) {
                return Outcome.failed(Optional.empty(), elapsed(start), describe(e.getCause(), timeout)
                        + (hop == 0 ? "" : " (after " + hop + " redirect" + (hop == 1 ? "" : "s") + ", at "
                                + Urls.redacted(target) + ")"));
            } catch (InterruptedException e) {
                future.cancel(true);
                Thread.currentThread().interrupt();
                throw new ReleaseInterruptedException("interrupted while requesting " + endpoint.path(), e);
            }
            int status = response.statusCode();
            Optional<String> location = response.headers().firstValue("location");
            if (transport.followRedirects() && REDIRECTS.contains(status) && location.isPresent()) {
                if (hop == MAX_REDIRECTS) {
                    return Outcome.failed(Optional.of(status), elapsed(start), "more than " + MAX_REDIRECTS
                            + " redirects; the last pointed to " + Urls.redacted(location.get()));
                }
                URI next;
                try {
                    next = target.resolve(location.get().strip());
                } catch (IllegalArgumentException e) {
                    return Outcome.failed(Optional.of(status), elapsed(start), "status " + status
                            + ": redirect to an invalid URL " + Urls.redacted(location.get()));
                }
                Optional<String> refused = redirectProblem(target, next, transport.allowInsecureHttp());
                if (refused.isPresent()) {
                    return Outcome.failed(Optional.of(status), elapsed(start), "status " + status + ": redirect to "
                            + Urls.redacted(next) + " not followed: " + refused.get());
                }
                sendHeaders = sendHeaders && Urls.sameOrigin(origin, next);
                target = next;
                continue;
            }
            Duration latency = elapsed(start);
            if (status != endpoint.expectedStatus()) {
                return Outcome.failed(Optional.of(status), latency, wrongStatus(response, endpoint.expectedStatus()));
            }
            if (wantBody && !response.body().contains(endpoint.expectedBodyText().get())) {
                return Outcome.failed(Optional.of(status), latency,
                        "body does not contain \"" + endpoint.expectedBodyText().get() + "\"");
            }
            return new Outcome(Optional.of(status), latency, Optional.empty());
        }
    }

    /** Why a redirect from {@code from} to {@code to} is not followed, or empty. */
    private static Optional<String> redirectProblem(URI from, URI to, boolean allowInsecureHttp) {
        Optional<String> transport = Urls.transportProblem(to, allowInsecureHttp);
        if (transport.isPresent()) {
            return transport;
        }
        if ("https".equalsIgnoreCase(from.getScheme()) && "http".equalsIgnoreCase(to.getScheme())) {
            return Optional.of("a redirect never goes from https to plain http");
        }
        return Optional.empty();
    }

    private static String wrongStatus(HttpResponse<?> response, int expected) {
        int status = response.statusCode();
        String text = "status " + status + ", expected " + expected;
        Optional<String> location = response.headers().firstValue("location");
        if (status >= 300 && status < 400 && location.isPresent()) {
            // A redirect target's query or user info can carry a token (a login redirect): neither is shown.
            return text + ": redirect to " + Urls.redacted(location.get()) + " not followed (followRedirects is off)";
        }
        return text;
    }

    private static String describe(Throwable cause, Duration timeout) {
        if (cause instanceof HttpTimeoutException) {
            return noAnswer(timeout);
        }
        if (cause instanceof ConnectException) {
            return "connection refused or unreachable";
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return "TLS failed: " + t.getMessage();
            }
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    private static String noAnswer(Duration timeout) {
        return "timed out: no complete answer within " + Format.duration(timeout);
    }

    private static Duration elapsed(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** How one exchange went. {@code error} is empty when the endpoint answered as expected. */
    record Outcome(Optional<Integer> status, Duration latency, Optional<String> error) {

        static Outcome failed(Optional<Integer> status, Duration latency, String error) {
            return new Outcome(status, latency, Optional.of(error));
        }

        boolean ok() {
            return error.isEmpty();
        }
    }
}
