package io.releasepipeline.github.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.releasepipeline.error.ProviderException;
import io.releasepipeline.error.ReleaseInterruptedException;
import io.releasepipeline.format.SafeText;
import io.releasepipeline.format.Urls;
import io.releasepipeline.time.ReleaseClock;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small client for GitHub's REST API on {@code java.net.http}: the required headers, ETag conditional reads,
 * {@code Link} pagination, write spacing, and the retries for rate limits, server errors and timeouts. Every wait
 * goes through the injected {@link ReleaseClock}. Not public API.
 *
 * <p>Thread-safe: the ETag cache is guarded; concurrent reads proceed in parallel, while writes go one at a time
 * (GitHub asks for serial writes), each starting at least {@code minWriteInterval} after the previous one ended.
 */
public final class GitHubClient {

    /** The longest wait between two attempts after server errors or timeouts. */
    public static final Duration MAX_RETRY_BACKOFF = Duration.ofSeconds(30);
    /** Pages followed at most for one list: 100 pages of 100 items. */
    public static final int MAX_PAGES = 100;

    private static final Logger log = LoggerFactory.getLogger(GitHubClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GitHubClientSettings settings;
    private final ReleaseClock clock;
    private final Map<String, GitHubResponse> etagCache;
    /** Fair, so writers go in the order they came; held from the wait for the slot until the answer is in. */
    private final ReentrantLock writeLock = new ReentrantLock(true);
    /** When the last write's exchange ended (answered or failed); guarded by {@link #writeLock}. */
    private Instant lastWriteEnded;

    /** Creates a client. */
    public GitHubClient(GitHubClientSettings settings) {
        this.settings = settings;
        this.clock = settings.clock();
        int size = settings.etagCacheSize();
        this.etagCache = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, GitHubResponse> eldest) {
                return size() > size;
            }
        };
    }

    /** The settings this client runs with. */
    public GitHubClientSettings settings() {
        return settings;
    }

    /** Encodes a query parameter value. */
    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Reads every page of a list, following {@code Link: rel="next"} as given. {@code arrayField} names the array
     * inside each page's object ({@code check_runs}), or is null when the page itself is the array.
     */
    public List<JsonNode> getAll(GitHubRequest first, String arrayField) {
        List<JsonNode> items = new ArrayList<>();
        GitHubRequest request = first;
        for (int page = 1; ; page++) {
            GitHubResponse response = send(request);
            JsonNode array = arrayField == null ? response.body() : response.body().path(arrayField);
            array.forEach(items::add);
            Optional<String> next = nextLink(response.headers());
            if (next.isEmpty()) {
                return items;
            }
            if (page >= MAX_PAGES) {
                throw ProviderException.permanent(first.provider(), first.operation(), "more than " + MAX_PAGES
                        + " pages at " + path(first.target()) + "; narrow the query", null);
            }
            request = GitHubRequest.get(first.provider(), first.operation(), next.get());
        }
    }

    /**
     * Sends a request and returns a 2xx answer (or one of the request's handled statuses). Reads send the stored
     * ETag and return the cached body on 304. Rate limits are waited out within the configured bound; server errors
     * and timeouts are retried for retryable requests.
     *
     * @throws ProviderException for every other answer, with a message naming the call and never the token
     * @throws ReleaseInterruptedException if interrupted while waiting
     */
    public GitHubResponse send(GitHubRequest request) {
        URI uri = resolve(request);
        int attempt = 0;
        int rateLimited = 0;
        while (true) {
            attempt++;
            String token = settings.token().token().orElseThrow(() -> ProviderException.permanent(
                    request.provider(), request.operation(), "no GitHub token: " + settings.token().description()
                            + " is not set or empty", null));
            GitHubResponse cached = request.isRead() ? cached(uri) : null;
            HttpResponse<byte[]> raw;
            try {
                raw = exchange(request, httpRequest(request, uri, token, cached));
            } catch (IOException e) {
                if (request.retryable() && attempt < settings.maxAttempts()) {
                    log.warn("GitHub {} {} failed ({}), attempt {} of {}", request.method(), SafeText.line(path(uri)),
                            e.getClass().getSimpleName(), attempt, settings.maxAttempts());
                    clock.sleep(backoff(attempt));
                    continue;
                }
                throw new ProviderException(request.provider(), request.operation(), describe(e, uri, attempt, token),
                        true, null, 0, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ReleaseInterruptedException("interrupted while calling GitHub " + path(uri), e);
            }
            int status = raw.statusCode();
            HttpHeaders headers = raw.headers();
            log.debug("GitHub {} {} -> {} (rate limit remaining {})", request.method(), SafeText.line(path(uri)),
                    status, SafeText.line(headers.firstValue("x-ratelimit-remaining").orElse("?"), 40));
            if (status == 304 && cached != null) {
                return cached.asNotModified();
            }
            if (status >= 200 && status < 300) {
                GitHubResponse response = new GitHubResponse(status, parse(request, uri, raw, token), headers, false);
                if (request.isRead() && status == 200 && headers.firstValue("etag").isPresent()) {
                    synchronized (etagCache) {
                        etagCache.put(uri.toString(), response);
                    }
                }
                return response;
            }
            // Callers quote an error's message (a refused merge says why): a proxy that echoes the request must
            // not get the token into it, whatever its shape. GitHub's own words go into messages, logs and notes:
            // one line, bounded (redacted first, on the raw text).
            JsonNode errorBody = withoutToken(parseLeniently(raw.body()), token);
            String message = SafeText.line(redact(errorBody.path("message").asText(""), token), SafeText.FIELD_LIMIT);
            Optional<Duration> rateLimitWait = rateLimitWait(request, uri, status, headers, message, rateLimited + 1);
            if (rateLimitWait.isPresent()) {
                rateLimited++;
                clock.sleep(rateLimitWait.get());
                continue;
            }
            // After the rate-limit check: a rate-limited 403 must never reach a caller that handles 403 itself.
            if (request.handled().contains(status)) {
                return new GitHubResponse(status, errorBody, headers, false);
            }
            if (status >= 500 && request.retryable() && attempt < settings.maxAttempts()) {
                log.warn("GitHub {} {} answered {}, attempt {} of {}", request.method(), SafeText.line(path(uri)),
                        status, attempt, settings.maxAttempts());
                clock.sleep(backoff(attempt));
                continue;
            }
            throw failure(request, uri, status, headers, message, attempt);
        }
    }

    private HttpRequest httpRequest(GitHubRequest request, URI uri, String token, GitHubResponse cached) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(settings.requestTimeout())
                .header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", settings.apiVersion())
                .header("User-Agent", "release-pipeline")
                .header("Authorization", "Bearer " + token);
        if (cached != null) {
            cached.headers().firstValue("etag").ifPresent(etag -> b.header("If-None-Match", etag));
        }
        if (request.body() == null) {
            return b.method(request.method(), HttpRequest.BodyPublishers.noBody()).build();
        }
        try {
            return b.header("Content-Type", "application/json")
                    .method(request.method(), HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(request.body())))
                    .build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the request body of " + request.operation(), e);
        }
    }

    private GitHubResponse cached(URI uri) {
        synchronized (etagCache) {
            return etagCache.get(uri.toString());
        }
    }

    /**
     * Sends one request. A write waits for the writes before it and then until {@code minWriteInterval} has passed
     * since the previous write ended (its answer arrived, or it failed), as GitHub asks: measured from the start of
     * the previous write, a slow answer or a new connection would bring two writes closer than the interval at
     * GitHub's end. Waits (outside this method) for retries and rate limits do not hold the write turn.
     */
    private HttpResponse<byte[]> exchange(GitHubRequest request, HttpRequest http)
            throws IOException, InterruptedException {
        if (request.isRead()) {
            return withinDeadline(http);
        }
        writeLock.lockInterruptibly();
        try {
            if (lastWriteEnded != null) {
                Instant slot = lastWriteEnded.plus(settings.minWriteInterval());
                // A clock may return early from a sleep (a wake-up); the spacing is a promise to GitHub, so keep it.
                while (clock.now().isBefore(slot)) {
                    clock.sleepUntil(slot);
                }
            }
            try {
                return withinDeadline(http);
            } finally {
                lastWriteEnded = clock.now();
            }
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Sends one exchange and waits for the whole answer, headers and body, at most {@code requestTimeout}.
     * {@link HttpRequest#timeout} alone covers only the time to the response headers: a server that sends headers
     * and then a slow or stalled body would block the caller forever. On the deadline, or when the calling thread is
     * interrupted, the exchange is cancelled (its connection closed) so nothing keeps reading in the background.
     *
     * @throws HttpTimeoutException when the answer is not complete within the deadline
     */
    private HttpResponse<byte[]> withinDeadline(HttpRequest http) throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<byte[]>> answer =
                settings.http().sendAsync(http, HttpResponse.BodyHandlers.ofByteArray());
        try {
            return answer.get(settings.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new HttpTimeoutException("no complete answer (headers and body) within " + settings.requestTimeout());
        } catch (InterruptedException e) {
            answer.cancel(true);
            throw e;
        } catch (CancellationException e) {
            throw new IOException("the exchange was cancelled", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IOException(cause);
        }
    }

    /**
     * How long to wait before trying a rate-limited call again, or empty when the answer is not a rate limit.
     *
     * @throws ProviderException when the wait would exceed the bound, or after too many rate-limited tries
     */
    private Optional<Duration> rateLimitWait(GitHubRequest request, URI uri, int status, HttpHeaders headers,
            String message, int tries) {
        if (status != 403 && status != 429) {
            return Optional.empty();
        }
        Optional<Duration> retryAfter = retryAfter(headers);
        boolean primary = headers.firstValue("x-ratelimit-remaining").map("0"::equals).orElse(false)
                && retryAfter.isEmpty();
        boolean secondary = !primary && (status == 429 || retryAfter.isPresent()
                || message.toLowerCase(Locale.ROOT).contains("rate limit"));
        if (!primary && !secondary) {
            return Optional.empty();
        }
        Duration wait;
        String what;
        if (primary) {
            OptionalLong reset = headers.firstValueAsLong("x-ratelimit-reset");
            Instant resetAt = reset.isPresent() ? Instant.ofEpochSecond(reset.getAsLong()) : clock.now().plusSeconds(60);
            // One second past the reset, so GitHub's clock has surely rolled over too.
            wait = max(Duration.between(clock.now(), resetAt).plusSeconds(1), Duration.ofSeconds(1));
            what = "GitHub's primary rate limit" + headers.firstValue("x-ratelimit-limit")
                    .map(l -> " (" + l + " requests/hour)").orElse("") + " for "
                    + headers.firstValue("x-ratelimit-resource").orElse("core") + " is exhausted until " + resetAt;
        } else {
            wait = retryAfter.orElseGet(() -> min(settings.secondaryBackoff().multipliedBy(1L << Math.min(tries - 1, 10)),
                    settings.maxRateLimitWait()));
            what = "GitHub's secondary rate limit was hit (" + status + ": " + message + ")";
        }
        if (tries > settings.rateLimitRetries()) {
            throw new ProviderException(request.provider(), request.operation(), what + "; gave up after "
                    + tries + " tries; slow down the callers sharing this token", true, wait, status, null);
        }
        if (wait.compareTo(settings.maxRateLimitWait()) > 0) {
            throw new ProviderException(request.provider(), request.operation(), what + "; waiting " + wait
                    + " is longer than the allowed " + settings.maxRateLimitWait()
                    + " (maxRateLimitWait); try again after that time or raise the bound", true, wait, status, null);
        }
        log.warn("{} at {}; waiting {} before trying again (try {} of {})", SafeText.line(what),
                SafeText.line(path(uri)), wait, tries,
                settings.rateLimitRetries());
        return Optional.of(wait);
    }

    private ProviderException failure(GitHubRequest request, URI uri, int status, HttpHeaders headers, String message,
            int attempts) {
        String call = request.method() + " " + path(uri);
        String said = message.isEmpty() ? "" : ": " + message;
        String text = switch (status) {
            case 401 -> "GitHub rejected the token from " + settings.token().description() + " (401" + said
                    + "); check that it is valid, not expired, and issued for " + settings.apiUrl().getHost();
            case 403 -> call + " was forbidden (403" + said + "); the token from " + settings.token().description()
                    + " lacks a permission this call needs" + headers.firstValue("x-accepted-github-permissions")
                            .map(p -> " (GitHub accepts: " + p + ")").orElse("");
            case 404 -> call + " answered 404" + said + ": it does not exist, or the token from "
                    + settings.token().description() + " cannot see it";
            case 422 -> call + " was rejected as invalid (422" + said + ")";
            case 301, 302, 303, 307, 308 -> call + " was redirected (" + status + ") to "
                    + headers.firstValue("location").map(this::redirectTarget).orElse("another place")
                    + " and not followed (the token goes to the API host alone); the repository was probably "
                    + "renamed or transferred: configure its new owner/name";
            default -> call + " answered " + status + said
                    + (status >= 500 ? " after " + attempts + " attempt" + (attempts == 1 ? "" : "s")
                            + "; GitHub may be degraded (https://www.githubstatus.com)" : "");
        };
        boolean transientFailure = status >= 500 || status == 408;
        return new ProviderException(request.provider(), request.operation(), text, transientFailure, null, status,
                null);
    }

    private JsonNode parse(GitHubRequest request, URI uri, HttpResponse<byte[]> raw, String token) {
        byte[] body = raw.body();
        if (body == null || body.length == 0) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw ProviderException.permanent(request.provider(), request.operation(), request.method() + " "
                    + path(uri) + " answered " + raw.statusCode() + " with a body that is not valid JSON ("
                    + raw.headers().firstValue("content-type").orElse("no content type") + ", " + body.length
                    + " bytes: " + SafeText.line(redact(originalMessage(e), token), SafeText.FIELD_LIMIT)
                    + "); is the API URL " + settings.apiUrl()
                    + " right? GitHub Enterprise uses https://HOST/api/v3", null);
        }
    }

    private static String originalMessage(IOException e) {
        return e instanceof JsonProcessingException j ? j.getOriginalMessage() : String.valueOf(e.getMessage());
    }

    private static JsonNode parseLeniently(byte[] body) {
        try {
            JsonNode node = body == null || body.length == 0 ? null : JSON.readTree(body);
            return node == null ? MissingNode.getInstance() : node;
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    /** {@code body} with every occurrence of {@code token} in it replaced by {@code ***}. */
    static JsonNode withoutToken(JsonNode body, String token) {
        if (body.isMissingNode() || token == null || token.isEmpty()) {
            return body;
        }
        String text = body.toString();
        if (!text.contains(token)) {
            return body;
        }
        try {
            return JSON.readTree(text.replace(token, "***"));
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    private String describe(IOException e, URI uri, int attempts, String token) {
        String what = e instanceof HttpTimeoutException
                ? "no answer within " + settings.requestTimeout() + " (requestTimeout: headers and body)"
                : "I/O error (" + e.getClass().getSimpleName() + ": " + redact(String.valueOf(e.getMessage()), token) + ")";
        return what + " from " + uri.getHost() + " for " + path(uri) + " after " + attempts + " attempt"
                + (attempts == 1 ? "" : "s");
    }

    /** Scheme, host and port, never user info, path or query. */
    private static String origin(URI uri) {
        return SafeText.line(uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort()),
                SafeText.FIELD_LIMIT);
    }

    private URI resolve(GitHubRequest request) {
        String target = request.target();
        if (target.startsWith("/")) {
            return URI.create(settings.apiUrl() + target);
        }
        URI uri = URI.create(target);
        // The token goes with every request: never follow a link to another host.
        if (!onApiOrigin(uri)) {
            throw ProviderException.permanent(request.provider(), request.operation(), "GitHub sent a link to "
                    + origin(uri) + ", which is not the API's origin " + origin(settings.apiUrl())
                    + "; not following it, so the token is not sent there", null);
        }
        return uri;
    }

    /**
     * The wait after failed attempt {@code attempt} (1 for the first) of a retried call: {@code retryBackoff},
     * doubling, at most {@link #MAX_RETRY_BACKOFF}. For callers that retry a sequence of requests themselves.
     */
    public Duration backoff(int attempt) {
        return min(settings.retryBackoff().multipliedBy(1L << Math.min(attempt - 1, 10)), MAX_RETRY_BACKOFF);
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
                return Optional.of(max(Duration.between(clock.now(), at), Duration.ZERO));
            } catch (DateTimeException notADate) {
                return Optional.empty();
            }
        }
    }

    private static Optional<String> nextLink(HttpHeaders headers) {
        for (String link : headers.allValues("link")) {
            for (String part : link.split(",")) {
                String[] pieces = part.split(";");
                String url = pieces[0].strip();
                for (int i = 1; i < pieces.length; i++) {
                    if (pieces[i].strip().replace(" ", "").equalsIgnoreCase("rel=\"next\"")
                            && url.startsWith("<") && url.endsWith(">")) {
                        return Optional.of(url.substring(1, url.length() - 1));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Whether {@code uri} has the API URL's scheme, host and port (the only place the token goes). */
    private boolean onApiOrigin(URI uri) {
        return Urls.sameOrigin(settings.apiUrl(), uri);
    }

    /** Where a redirect pointed: a path on the API host, or another URL without its user info and query. */
    private String redirectTarget(String location) {
        try {
            URI uri = settings.apiUrl().resolve(location.strip());
            return onApiOrigin(uri) ? path(uri) : Urls.redacted(uri);
        } catch (IllegalArgumentException e) {
            return "a URL that is not valid";
        }
    }

    private String path(URI uri) {
        String api = settings.apiUrl().getRawPath();
        String p = uri.getRawPath();
        String rel = api != null && !api.isEmpty() && p.startsWith(api) ? p.substring(api.length()) : p;
        return uri.getRawQuery() == null ? rel : rel + "?" + uri.getRawQuery();
    }

    private String path(String target) {
        return target.startsWith("/") ? target : path(URI.create(target));
    }

    static String redact(String text, String token) {
        if (text == null || token == null || token.isEmpty()) {
            return text;
        }
        return text.replace(token, "***");
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
