package io.releasepipeline.hook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.error.ReleaseInterruptedException;
import io.releasepipeline.format.Format;
import io.releasepipeline.format.Redaction;
import io.releasepipeline.format.SafeText;
import io.releasepipeline.format.Urls;
import io.releasepipeline.health.http.BoundedBody;
import io.releasepipeline.time.ReleaseClock;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hook that POSTs the release's {@link HookContext} to an HTTP endpoint, signed so the receiver can tell it came
 * from this pipeline and was not changed on the way.
 *
 * <p><b>The request.</b> {@code POST url} with {@code Content-Type: application/json} and a JSON object body: every
 * entry of {@link HookContext#values()} (snake_case text values: {@code point}, {@code delivery_id},
 * {@code release_id}, {@code app}, ...) and {@code "hook": name}. Headers, after GitHub's webhook convention:
 * <ul>
 *   <li>{@value #SIGNATURE_HEADER}{@code : sha256=<hex>}: HMAC-SHA256 of the exact body bytes with the shared secret,
 *       64 lowercase hex digits. A receiver recomputes it over the raw body it read (before parsing) and compares in
 *       constant time;</li>
 *   <li>{@value #DELIVERY_HEADER}: the delivery id, the same on every attempt and when a resumed release runs the
 *       hook again: a receiver dedupes on it;</li>
 *   <li>{@value #EVENT_HEADER}: the point, e.g. {@code before_merge}; {@value #HOOK_HEADER}: the hook's name.</li>
 * </ul>
 *
 * <p><b>Answers.</b> 2xx is {@link HookResult.Status#SUCCEEDED}. Any other 4xx but 429 is
 * {@link HookResult.Status#FAILED} at once, never retried (at {@link HookPoint#BEFORE_MERGE} that is the veto), with
 * the receiver's reason in the summary: the {@code reason}, {@code message} or {@code error} text of a JSON body,
 * else the body's text; one line, control characters shown, credentials masked, at most {@value #REASON_LIMIT}
 * characters. A redirect (3xx) is never followed and is an {@link HookResult.Status#ERROR} naming where it pointed.
 *
 * <p><b>Retries.</b> A connection that fails, an attempt with no complete answer within
 * {@linkplain Builder#attemptTimeout(Duration) the attempt timeout}, a 5xx and a 429 are tried again, at most
 * {@linkplain Builder#retries(int) retries} times, after {@linkplain Builder#backoff(Duration) a backoff} that doubles
 * up to {@link #MAX_BACKOFF}, or after the answer's {@code Retry-After} (seconds or an HTTP date) when it has one.
 * Everything, waits included, stays within the hook's {@link #timeout()}: a {@code Retry-After} that would end past
 * it gives up at once. Running out of attempts or time is an {@link HookResult.Status#ERROR}. A timed-out attempt may
 * have reached the receiver: the delivery id is what makes the retry safe.
 *
 * <p><b>Safety.</b> https only; plain http only to a loopback host ({@link Urls}); no user info in the URL. The secret
 * is never logged, put in a summary, an exception or {@link #toString()}, and an answer that echoes it has it masked.
 * Waits between attempts go through the {@link ReleaseClock} given to the builder; an attempt itself is bounded in
 * real time.
 *
 * <p>Immutable and thread-safe; one instance serves every release of a pipeline.
 *
 * <pre>{@code
 * ReleaseHook notify = WebhookHook.builder()
 *         .name("release-gate")
 *         .url("https://hooks.example.com/release")
 *         .secret(System.getenv("RELEASE_WEBHOOK_SECRET"))
 *         .build();
 * pipelineBuilder.hook(HookPoint.BEFORE_MERGE, notify);
 * }</pre>
 */
public final class WebhookHook implements ReleaseHook {

    /** The header carrying {@code sha256=} and the body's HMAC-SHA256 in lowercase hex. */
    public static final String SIGNATURE_HEADER = "X-Release-Signature-256";
    /** The header carrying the delivery id. */
    public static final String DELIVERY_HEADER = "X-Release-Delivery";
    /** The header carrying the point, e.g. {@code on_rollback}. */
    public static final String EVENT_HEADER = "X-Release-Event";
    /** The header carrying the hook's name. */
    public static final String HOOK_HEADER = "X-Release-Hook";
    /** The hook's whole time, every attempt and wait included: 60 seconds. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** One attempt's time, connecting to the whole answer: 10 seconds. */
    public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(10);
    /** Attempts after the first: 3. */
    public static final int DEFAULT_RETRIES = 3;
    /** The wait after the first failed attempt, doubling: 1 second. */
    public static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(1);
    /** The longest wait between two attempts without a {@code Retry-After}: 30 seconds. */
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** The most retries a hook may have: 10. */
    public static final int MAX_RETRIES = 10;
    /** The shortest secret accepted, in characters: 16 (use a random value, e.g. {@code openssl rand -hex 32}). */
    public static final int MIN_SECRET_LENGTH = 16;
    /** The most characters of a receiver's reason kept in a summary: 200. */
    public static final int REASON_LIMIT = 200;

    static final int MAX_BODY_BYTES = 16 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(WebhookHook.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final URI url;
    /** {@link #url} as shown in summaries and logs: user info and query hidden. */
    private final String where;
    private final byte[] secret;
    private final String secretText;
    private final Duration timeout;
    private final Duration attemptTimeout;
    private final int retries;
    private final Duration backoff;
    private final ReleaseClock clock;
    private final HttpClient client;

    private WebhookHook(Builder b, URI url) {
        this.name = b.name;
        this.url = url;
        this.where = Urls.redacted(url);
        this.secretText = b.secret;
        this.secret = b.secret.getBytes(StandardCharsets.UTF_8);
        this.timeout = b.timeout;
        this.attemptTimeout = b.attemptTimeout;
        this.retries = b.retries;
        this.backoff = b.backoff;
        this.clock = b.clock;
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(b.attemptTimeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        b.sslContext.ifPresent(http::sslContext);
        this.client = http.build();
    }

    /**
     * A builder with the defaults above; name, URL and secret are required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return name;
    }

    /** {@code webhook}. */
    @Override
    public String kind() {
        return "webhook";
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    /**
     * Where it POSTs.
     *
     * @return where it POSTs
     */
    public URI url() {
        return url;
    }

    /**
     * Attempts after the first.
     *
     * @return the attempts after the first
     */
    public int retries() {
        return retries;
    }

    /**
     * One attempt's time.
     *
     * @return one attempt's time
     */
    public Duration attemptTimeout() {
        return attemptTimeout;
    }

    /**
     * POSTs the context, retrying as the class describes, and returns how it ended. Never throws for a failed
     * exchange.
     *
     * @throws ReleaseInterruptedException if the calling thread is interrupted (the request in flight is cancelled)
     */
    @Override
    public HookResult run(HookContext context) {
        byte[] body = body(context);
        String signature = "sha256=" + sign(secret, body);
        Instant deadline = clock.now().plus(timeout);
        String last = "no attempt was made";
        int attempts = 0;
        for (int attempt = 1; attempt <= retries + 1; attempt++) {
            Duration left = Duration.between(clock.now(), deadline);
            if (left.isNegative() || left.isZero()) {
                break;
            }
            attempts = attempt;
            Duration limit = min(attemptTimeout, left);
            Attempt a = attempt(context, body, signature, limit);
            if (a.result != null) {
                return a.result;
            }
            last = a.problem;
            if (attempt == retries + 1) {
                break;
            }
            Duration wait = a.retryAfter.isPresent() ? a.retryAfter.get() : backoff(attempt);
            Duration remaining = Duration.between(clock.now(), deadline);
            if (wait.compareTo(remaining) >= 0) {
                return HookResult.error("webhook " + where + " gave up after " + plural(attempts, "attempt") + ": "
                        + last + "; the next attempt " + (a.retryAfter.isPresent() ? "(Retry-After "
                        + Format.duration(wait) + ") " : "") + "would start past the hook's timeout of "
                        + Format.duration(timeout));
            }
            LOG.warn("webhook hook {} to {}: attempt {} of {} failed ({}); trying again in {}", name,
                    SafeText.line(where), attempt, retries + 1, SafeText.line(last), Format.duration(wait));
            clock.sleep(wait);
        }
        return HookResult.error("webhook " + where + " gave up after " + plural(attempts, "attempt") + " within "
                + Format.duration(timeout) + ": " + last);
    }

    private Attempt attempt(HookContext context, byte[] body, String signature, Duration limit) {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(limit)
                .header("Content-Type", "application/json")
                .header("User-Agent", "release-pipeline-hook")
                .header(SIGNATURE_HEADER, signature)
                .header(DELIVERY_HEADER, context.deliveryId())
                .header(EVENT_HEADER, context.point().name().toLowerCase(Locale.ROOT))
                .header(HOOK_HEADER, name)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        CompletableFuture<HttpResponse<byte[]>> future = client.sendAsync(request,
                info -> BoundedBody.bytes(MAX_BODY_BYTES));
        HttpResponse<byte[]> response;
        try {
            // The request timeout bounds the wait for headers only; this bounds the body too.
            response = future.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return Attempt.retry("no complete answer within " + Format.duration(limit), Optional.empty());
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new ReleaseInterruptedException("interrupted while calling webhook hook " + name, e);
        } catch (ExecutionException e) {
            return failedExchange(e.getCause(), limit);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return Attempt.done(HookResult.succeeded("webhook " + where + " answered " + status));
        }
        if (status >= 300 && status < 400) {
            String location = response.headers().firstValue("location").map(Urls::redacted).orElse("nowhere");
            return Attempt.done(HookResult.error("webhook " + where + " answered " + status + " (a redirect to "
                    + SafeText.line(location, REASON_LIMIT) + "), which is not followed: configure the final URL"));
        }
        String reason = reason(response.body(), response.headers());
        if (status == 429 || status >= 500) {
            return Attempt.retry("answered " + status + (reason.isEmpty() ? "" : ": " + reason),
                    retryAfter(response.headers()));
        }
        return Attempt.done(HookResult.failed("webhook " + where + " refused with " + status
                + (reason.isEmpty() ? " and no reason" : ": " + reason)));
    }

    private Attempt failedExchange(Throwable cause, Duration limit) {
        if (cause instanceof HttpConnectTimeoutException) {
            return Attempt.retry("could not connect within " + Format.duration(limit), Optional.empty());
        }
        if (cause instanceof HttpTimeoutException) {
            return Attempt.retry("no answer within " + Format.duration(limit), Optional.empty());
        }
        if (cause instanceof ConnectException) {
            return Attempt.retry("connection refused or unreachable", Optional.empty());
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                // A certificate the JDK does not trust will not be trusted on the next attempt either.
                return Attempt.done(HookResult.error("webhook " + where + ": TLS failed ("
                        + mask(String.valueOf(t.getMessage())) + "); trust the server's CA (sslContext) or fix its "
                        + "certificate"));
            }
        }
        if (cause instanceof IOException) {
            return Attempt.retry("I/O error (" + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + mask(cause.getMessage())) + ")", Optional.empty());
        }
        return Attempt.done(HookResult.error("webhook " + where + " could not be called: "
                + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": "
                        + mask(cause.getMessage()))));
    }

    /** The receiver's reason: a JSON body's reason, message or error text, else the body; one safe short line. */
    private String reason(byte[] body, HttpHeaders headers) {
        if (body == null || body.length == 0) {
            return "";
        }
        String text = new String(body, StandardCharsets.UTF_8);
        if (headers.firstValue("content-type").map(t -> t.toLowerCase(Locale.ROOT).contains("json")).orElse(false)
                || text.stripLeading().startsWith("{")) {
            try {
                JsonNode node = JSON.readTree(body);
                for (String field : List.of("reason", "message", "error")) {
                    if (node != null && node.path(field).isTextual()) {
                        text = node.path(field).asText();
                        break;
                    }
                }
            } catch (IOException notJson) {
                // Shown as the text it is.
            }
        }
        String line = mask(text.strip());
        return line.isEmpty() ? "" : SafeText.line(line, REASON_LIMIT);
    }

    /** {@code text} without the secret and without credentials of a known shape. */
    private String mask(String text) {
        String out = text.replace(secretText, Redaction.MASK);
        return Redaction.credentials(out);
    }

    private Optional<Duration> retryAfter(HttpHeaders headers) {
        Optional<String> value = headers.firstValue("retry-after").map(String::strip);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.get()))));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration d = Duration.between(clock.now(), at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeException notADate) {
                return Optional.empty();
            }
        }
    }

    private Duration backoff(int failedAttempt) {
        return min(backoff.multipliedBy(1L << Math.min(failedAttempt - 1, 20)), MAX_BACKOFF);
    }

    private byte[] body(HookContext context) {
        Map<String, String> fields = new LinkedHashMap<>(context.values());
        fields.put("hook", name);
        try {
            return JSON.writeValueAsBytes(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the webhook body", e);
        }
    }

    /** HMAC-SHA256 of {@code body} with {@code key}, in lowercase hex. */
    static String sign(byte[] key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    /** Name, URL (user info and query hidden), timeouts and retries; never the secret. */
    @Override
    public String toString() {
        return "WebhookHook[" + name + ", " + where + ", timeout=" + Format.duration(timeout)
                + ", attemptTimeout=" + Format.duration(attemptTimeout) + ", retries=" + retries + "]";
    }

    /** One attempt: a final result, or a problem worth another attempt (after {@code retryAfter} when given). */
    private record Attempt(HookResult result, String problem, Optional<Duration> retryAfter) {
        static Attempt done(HookResult result) {
            return new Attempt(result, null, Optional.empty());
        }

        static Attempt retry(String problem, Optional<Duration> retryAfter) {
            return new Attempt(null, problem, retryAfter);
        }
    }

    /**
     * Configures a {@link WebhookHook}. Not thread-safe; {@link #build()} validates everything at once and copies it.
     */
    public static final class Builder {
        private String name;
        private String url;
        private String secret;
        private Duration timeout = DEFAULT_TIMEOUT;
        private Duration attemptTimeout = DEFAULT_ATTEMPT_TIMEOUT;
        private int retries = DEFAULT_RETRIES;
        private Duration backoff = DEFAULT_BACKOFF;
        private ReleaseClock clock = ReleaseClock.system();
        private Optional<SSLContext> sslContext = Optional.empty();

        private Builder() {
        }

        /**
         * The hook's name: 1 to 64 letters, digits, {@code .}, {@code _} or {@code -}. Required.
         *
         * @param name the hook's name: 1 to 64 letters, digits, {@code .}, {@code _} or {@code -}
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * Where to POST: https, or plain http to a loopback host; no user info, no fragment. Required.
         *
         * @param url where to POST: https, or plain http to a loopback host; no user info, no fragment
         * @return this builder
         */
        public Builder url(String url) {
            this.url = url;
            return this;
        }

        /**
         * As {@link #url(String)}.
         *
         * @param url the webhook's URL
         * @return this builder
         */
        public Builder url(URI url) {
            this.url = url == null ? null : url.toString();
            return this;
        }

        /**
         * The shared secret the body is signed with, at least {@value WebhookHook#MIN_SECRET_LENGTH} characters (its
         * UTF-8 bytes are the HMAC key). Required. Never shown anywhere.
         *
         * @param secret the shared secret the body is signed with, at least {@value WebhookHook#MIN_SECRET_LENGTH}
         *     characters (its UTF-8 bytes are the HMAC key)
         * @return this builder
         */
        public Builder secret(String secret) {
            this.secret = secret;
            return this;
        }

        /**
         * The hook's whole time, every attempt and wait included. Default {@link #DEFAULT_TIMEOUT}.
         *
         * @param timeout the hook's whole time, every attempt and wait included
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /**
         * One attempt's time, from connecting to the whole answer (cut to what is left of {@link #timeout}). Default
         * {@link #DEFAULT_ATTEMPT_TIMEOUT}.
         *
         * @param attemptTimeout one attempt's time, from connecting to the whole answer (cut to what is left of {@link
         *     #timeout})
         * @return this builder
         */
        public Builder attemptTimeout(Duration attemptTimeout) {
            this.attemptTimeout = attemptTimeout;
            return this;
        }

        /**
         * Attempts after the first, 0 to {@value WebhookHook#MAX_RETRIES}. Default
         * {@value WebhookHook#DEFAULT_RETRIES}.
         *
         * @param retries attempts after the first
         * @return this builder
         */
        public Builder retries(int retries) {
            this.retries = retries;
            return this;
        }

        /**
         * The wait after the first failed attempt; doubles, at most {@link #MAX_BACKOFF}. Default 1 s.
         *
         * @param backoff the wait after the first failed attempt; doubles, at most {@link #MAX_BACKOFF}
         * @return this builder
         */
        public Builder backoff(Duration backoff) {
            this.backoff = backoff;
            return this;
        }

        /**
         * The clock the deadline is read from and waits between attempts go through. Default the system clock.
         *
         * @param clock the clock the deadline is read from and waits between attempts go through
         * @return this builder
         */
        public Builder clock(ReleaseClock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * The TLS context to verify the receiver with (a private CA). Default: the JDK's trusted CAs.
         *
         * @param sslContext the TLS context to verify the receiver with (a private CA)
         * @return this builder
         */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = Optional.of(Objects.requireNonNull(sslContext, "sslContext"));
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return a new {@code WebhookHook} with this builder's settings
         * @throws InvalidConfigurationException listing every problem at once (the secret is never quoted)
         */
        public WebhookHook build() {
            List<String> problems = new ArrayList<>();
            if (!Hooks.isValidName(name)) {
                problems.add("name: must be 1 to 64 letters, digits, '.', '_' or '-', got "
                        + (name == null ? "nothing" : "\"" + SafeText.line(name, 80) + "\""));
            }
            URI uri = null;
            if (url == null || url.isBlank()) {
                problems.add("url: required, an https URL such as https://hooks.example.com/release");
            } else {
                try {
                    uri = new URI(url.strip());
                    Optional<String> transport = Urls.transportProblem(uri, false);
                    if (transport.isPresent()) {
                        problems.add("url: " + transport.get());
                        uri = null;
                    } else if (uri.getRawFragment() != null) {
                        problems.add("url: must not have a fragment, got " + Urls.redacted(uri));
                        uri = null;
                    }
                } catch (URISyntaxException e) {
                    problems.add("url: not a valid URL (" + e.getReason() + "), got " + Urls.redacted(url));
                }
            }
            if (secret == null || secret.isEmpty()) {
                problems.add("secret: required: the shared secret the receiver verifies the signature with");
            } else if (secret.length() < MIN_SECRET_LENGTH) {
                problems.add("secret: must be at least " + MIN_SECRET_LENGTH + " characters (got " + secret.length()
                        + "; the value is not shown); use a random one, e.g. openssl rand -hex 32");
            } else if (!secret.strip().equals(secret)) {
                problems.add("secret: starts or ends with blanks (a line break pasted with it?); the receiver "
                        + "would compute another signature: remove them (the value is not shown)");
            }
            positive(problems, "timeout", timeout);
            positive(problems, "attemptTimeout", attemptTimeout);
            if (backoff == null || backoff.isNegative()) {
                problems.add("backoff: must be zero or positive, got " + backoff);
            }
            if (retries < 0 || retries > MAX_RETRIES) {
                problems.add("retries: must be 0 to " + MAX_RETRIES + ", got " + retries);
            }
            if (clock == null) {
                problems.add("clock: must not be null (default ReleaseClock.system())");
            }
            if (!problems.isEmpty()) {
                throw new InvalidConfigurationException("WebhookHook" + (Hooks.isValidName(name)
                        ? " " + name : ""), problems);
            }
            return new WebhookHook(this, uri);
        }

        private static void positive(List<String> problems, String key, Duration d) {
            if (d == null || d.isZero() || d.isNegative()) {
                problems.add(key + ": must be positive, got " + d);
            }
        }
    }
}
