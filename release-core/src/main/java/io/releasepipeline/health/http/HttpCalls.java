package io.releasepipeline.health.http;

import io.releasepipeline.error.ReleaseInterruptedException;
import io.releasepipeline.format.Format;
import io.releasepipeline.format.Urls;
import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
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

    /** A client that verifies TLS (against {@code sslContext} when given) and follows redirects only if asked. */
    static HttpClient client(Optional<SSLContext> sslContext, boolean followRedirects, Duration connectTimeout) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(followRedirects ? HttpClient.Redirect.NORMAL : HttpClient.Redirect.NEVER);
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
     * @throws ReleaseInterruptedException if the calling thread is interrupted (the request is cancelled)
     */
    static Outcome call(HttpClient client, String base, Endpoint endpoint, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + endpoint.path())).timeout(timeout).GET();
        endpoint.headers().forEach(request::header);
        boolean wantBody = endpoint.expectedBodyText().isPresent();
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> future = client.sendAsync(request.build(),
                wantBody ? info -> HttpResponse.BodySubscribers.fromSubscriber(new BodyPrefix(), BodyPrefix::text)
                        : info -> HttpResponse.BodySubscribers.replacing(""));
        HttpResponse<String> response;
        try {
            // The request timeout only bounds the wait for headers; this bounds the whole exchange, body included.
            response = future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return Outcome.failed(Optional.empty(), elapsed(start), noAnswer(timeout));
        } catch (ExecutionException e) {
            return Outcome.failed(Optional.empty(), elapsed(start), describe(e.getCause(), timeout));
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new ReleaseInterruptedException("interrupted while requesting " + endpoint.path(), e);
        }
        Duration latency = elapsed(start);
        int status = response.statusCode();
        if (status != endpoint.expectedStatus()) {
            return Outcome.failed(Optional.of(status), latency, wrongStatus(response, endpoint.expectedStatus()));
        }
        if (wantBody && !response.body().contains(endpoint.expectedBodyText().get())) {
            return Outcome.failed(Optional.of(status), latency,
                    "body does not contain \"" + endpoint.expectedBodyText().get() + "\"");
        }
        return new Outcome(Optional.of(status), latency, Optional.empty());
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

    /** Keeps the first {@link #MAX_BODY_BYTES} of a body and drains the rest, so a huge body cannot exhaust memory. */
    private static final class BodyPrefix implements Flow.Subscriber<List<ByteBuffer>> {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                int n = Math.min(buffer.remaining(), MAX_BODY_BYTES - kept.size());
                if (n > 0) {
                    byte[] bytes = new byte[n];
                    buffer.get(bytes);
                    kept.write(bytes, 0, n);
                }
            }
        }

        @Override
        public void onError(Throwable throwable) {
            // The response future fails with the same error; nothing to keep.
        }

        @Override
        public void onComplete() {
            // text() is called once the body is complete.
        }

        String text() {
            return kept.toString(StandardCharsets.UTF_8);
        }
    }
}
