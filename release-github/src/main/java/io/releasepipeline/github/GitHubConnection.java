package io.releasepipeline.github;

import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.format.Urls;
import io.releasepipeline.github.internal.GitHubClient;
import io.releasepipeline.github.internal.GitHubClientSettings;
import io.releasepipeline.time.ReleaseClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A connection to one GitHub repository over the REST API: where the API is, which repository, the token, and how
 * the client treats rate limits, errors and timeouts. Share one connection between {@link GitHubCiProvider} and
 * {@link GitHubIncidentProvider}, so that they share one rate-limit budget, one write schedule and one ETag cache.
 *
 * <p>The client handles GitHub's rate limits itself and retries reads (and the pinned merge) on server errors and
 * timeouts; the providers therefore report {@code retriesOwnCalls() == true} and the engine adds no second retry
 * layer. Every wait goes through the configured {@link ReleaseClock}.
 *
 * <p>Immutable and thread-safe. {@link #toString()} names the token's source, never the token.
 */
public final class GitHubConnection {

    /** github.com's REST API. GitHub Enterprise Server uses {@code https://HOST/api/v3}. */
    public static final URI DEFAULT_API_URL = URI.create("https://api.github.com");
    /** The REST API version sent in {@code X-GitHub-Api-Version}. */
    public static final String DEFAULT_API_VERSION = "2022-11-28";
    /** Ten seconds to open a connection. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Thirty seconds for one request's whole answer, headers and body: the total deadline of one exchange. A retried
     * read gets this deadline per attempt.
     */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /**
     * Five minutes: the longest wait for an exhausted primary limit to reset (or a secondary limit's
     * {@code retry-after}); a longer wait fails at once with an error naming the reset time.
     */
    public static final Duration DEFAULT_MAX_RATE_LIMIT_WAIT = Duration.ofMinutes(5);
    /** A rate-limited call is tried again at most three times. */
    public static final int DEFAULT_RATE_LIMIT_RETRIES = 3;
    /** Sixty seconds after a secondary rate limit without {@code retry-after}, doubling (GitHub asks for >= 60 s). */
    public static final Duration DEFAULT_SECONDARY_RATE_LIMIT_BACKOFF = Duration.ofSeconds(60);
    /** One second between two writes (GitHub's guidance against secondary rate limits). */
    public static final Duration DEFAULT_MIN_WRITE_INTERVAL = Duration.ofSeconds(1);
    /** Four attempts of a read after server errors and timeouts, including the first. */
    public static final int DEFAULT_MAX_ATTEMPTS = 4;
    /** One second after the first server error, doubling, at most thirty seconds. */
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofSeconds(1);
    /** Answers kept for conditional (ETag) requests. */
    public static final int DEFAULT_ETAG_CACHE_SIZE = 256;

    private static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+");

    private final String repository;
    private final GitHubClient client;

    private GitHubConnection(String repository, GitHubClient client) {
        this.repository = repository;
        this.client = client;
    }

    /**
     * A builder with the defaults above; {@link Builder#repository} and {@link Builder#token} are required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The repository, {@code owner/name}.
     *
     * @return the repository, {@code owner/name}
     */
    public String repository() {
        return repository;
    }

    /**
     * The REST API root, without a trailing slash.
     *
     * @return the REST API root, without a trailing slash
     */
    public URI apiUrl() {
        return client.settings().apiUrl();
    }

    /**
     * The clock every wait goes through.
     *
     * @return the clock every wait goes through
     */
    public ReleaseClock clock() {
        return client.settings().clock();
    }

    /** The REST client; not public API. */
    GitHubClient client() {
        return client;
    }

    /** {@code /repos/owner/name}. */
    String repositoryPath() {
        return "/repos/" + repository;
    }

    @Override
    public String toString() {
        return "GitHubConnection[" + apiUrl() + ", " + repository + ", token from "
                + client.settings().token().description() + "]";
    }

    /**
     * Builds a {@link GitHubConnection}. Not thread-safe; {@link #build()} validates everything at once and copies
     * it, so the builder may be reused.
     */
    public static final class Builder {

        private URI apiUrl = DEFAULT_API_URL;
        private String repository;
        private TokenSource token;
        private ReleaseClock clock = ReleaseClock.system();
        private HttpClient httpClient;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private String apiVersion = DEFAULT_API_VERSION;
        private Duration maxRateLimitWait = DEFAULT_MAX_RATE_LIMIT_WAIT;
        private int rateLimitRetries = DEFAULT_RATE_LIMIT_RETRIES;
        private Duration secondaryRateLimitBackoff = DEFAULT_SECONDARY_RATE_LIMIT_BACKOFF;
        private Duration minWriteInterval = DEFAULT_MIN_WRITE_INTERVAL;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
        private int etagCacheSize = DEFAULT_ETAG_CACHE_SIZE;

        private Builder() {
        }

        /**
         * The REST API root. Default {@link #DEFAULT_API_URL}; Enterprise: {@code https://HOST/api/v3}. Must be
         * https; plain http only to a loopback host (a local stand-in), by {@link Urls}' rule; never with user info.
         *
         * @param apiUrl the REST API root
         * @return this builder
         */
        public Builder apiUrl(URI apiUrl) {
            this.apiUrl = apiUrl;
            return this;
        }

        /**
         * The repository, {@code owner/name}. Required.
         *
         * @param repository the repository, {@code owner/name}
         * @return this builder
         */
        public Builder repository(String repository) {
            this.repository = repository;
            return this;
        }

        /**
         * Where the token comes from, e.g. {@code TokenSource.fromEnvironment("GITHUB_TOKEN")}. Required.
         *
         * @param token where the token comes from, e.g. {@code TokenSource.fromEnvironment("GITHUB_TOKEN")}
         * @return this builder
         */
        public Builder token(TokenSource token) {
            this.token = token;
            return this;
        }

        /**
         * The clock every wait (rate limits, backoff, write spacing) goes through. Default the system clock.
         *
         * @param clock the clock every wait (rate limits, backoff, write spacing) goes through
         * @return this builder
         */
        public Builder clock(ReleaseClock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * The HTTP client, e.g. one with a proxy or a custom trust store for GitHub Enterprise. Default: a new client
         * with {@link #connectTimeout}; when given, its own connect timeout applies. It must not follow redirects
         * ({@code HttpClient.Redirect.NEVER}, the JDK's default): the JDK's client would resend the token to another
         * host; {@link #build()} refuses one that does.
         *
         * @param httpClient the HTTP client, e.g. one with a proxy or a custom trust store for GitHub Enterprise
         * @return this builder
         */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = httpClient;
            return this;
        }

        /**
         * How long opening a connection may take. Default {@link #DEFAULT_CONNECT_TIMEOUT}.
         *
         * @param connectTimeout how long opening a connection may take
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /**
         * The total deadline of one request: from sending it until its whole answer, headers and body, has arrived.
         * Past it the exchange is cancelled and the call fails as a transient {@code ProviderException} naming the
         * operation (a retryable read is tried again first). Default {@link #DEFAULT_REQUEST_TIMEOUT}.
         *
         * @param requestTimeout the total deadline of one request: from sending it until its whole answer, headers and
         *     body, has arrived
         * @return this builder
         */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /**
         * The {@code X-GitHub-Api-Version} header. Default {@link #DEFAULT_API_VERSION}.
         *
         * @param apiVersion the {@code X-GitHub-Api-Version} header
         * @return this builder
         */
        public Builder apiVersion(String apiVersion) {
            this.apiVersion = apiVersion;
            return this;
        }

        /**
         * The longest single wait for a rate limit; beyond it, calls fail at once naming when to try again. Default
         * {@link #DEFAULT_MAX_RATE_LIMIT_WAIT}; zero never waits.
         *
         * @param maxRateLimitWait the longest single wait for a rate limit; beyond it, calls fail at once naming when
         *     to try again
         * @return this builder
         */
        public Builder maxRateLimitWait(Duration maxRateLimitWait) {
            this.maxRateLimitWait = maxRateLimitWait;
            return this;
        }

        /**
         * How many times a rate-limited call is tried again. Default {@link #DEFAULT_RATE_LIMIT_RETRIES}.
         *
         * @param rateLimitRetries how many times a rate-limited call is tried again
         * @return this builder
         */
        public Builder rateLimitRetries(int rateLimitRetries) {
            this.rateLimitRetries = rateLimitRetries;
            return this;
        }

        /**
         * The first wait after a secondary rate limit that names no {@code retry-after}; doubles on each further
         * one. Default {@link #DEFAULT_SECONDARY_RATE_LIMIT_BACKOFF}; at least 60 seconds, as GitHub asks.
         *
         * @param secondaryRateLimitBackoff the first wait after a secondary rate limit that names no {@code
         *     retry-after}; doubles on each further one
         * @return this builder
         */
        public Builder secondaryRateLimitBackoff(Duration secondaryRateLimitBackoff) {
            this.secondaryRateLimitBackoff = secondaryRateLimitBackoff;
            return this;
        }

        /**
         * The least time from the end of one write (its answer) to the start of the next; writes go one at a time.
         * Default {@link #DEFAULT_MIN_WRITE_INTERVAL}.
         *
         * @param minWriteInterval the least time from the end of one write (its answer) to the start of the next;
         *     writes go one at a time
         * @return this builder
         */
        public Builder minWriteInterval(Duration minWriteInterval) {
            this.minWriteInterval = minWriteInterval;
            return this;
        }

        /**
         * Attempts of a read (and of the pinned merge) after server errors and timeouts, including the first; 1
         * means no retries. Other writes are never repeated. Default {@link #DEFAULT_MAX_ATTEMPTS}.
         *
         * @param maxAttempts attempts including the first, at least 1
         * @return this builder
         */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * The wait after the first server error; doubles, at most 30 s. Default {@link #DEFAULT_RETRY_BACKOFF}.
         *
         * @param retryBackoff the wait after the first server error; doubles, at most 30 s
         * @return this builder
         */
        public Builder retryBackoff(Duration retryBackoff) {
            this.retryBackoff = retryBackoff;
            return this;
        }

        /**
         * How many answers are kept for conditional requests. Default {@link #DEFAULT_ETAG_CACHE_SIZE}.
         *
         * @param etagCacheSize how many answers are kept for conditional requests
         * @return this builder
         */
        public Builder etagCacheSize(int etagCacheSize) {
            this.etagCacheSize = etagCacheSize;
            return this;
        }

        /**
         * Validates every setting and builds the connection.
         *
         * @return a new connection with this builder's settings
         * @throws InvalidConfigurationException listing every problem at once
         */
        public GitHubConnection build() {
            List<String> problems = new ArrayList<>();
            Optional<String> transport = Urls.transportProblem(apiUrl, false);
            if (transport.isPresent()) {
                problems.add("github.apiUrl: " + transport.get() + " (github.com: " + DEFAULT_API_URL
                        + ", GitHub Enterprise Server: https://HOST/api/v3)");
            } else if (apiUrl.getRawQuery() != null || apiUrl.getRawFragment() != null) {
                problems.add("github.apiUrl: must not have a query or fragment, got " + Urls.redacted(apiUrl)
                        + "; give the API root alone, e.g. https://HOST/api/v3");
            }
            if (repository == null || !REPOSITORY.matcher(repository).matches()) {
                problems.add("github.repository: must be owner/name, e.g. org/trade-nexus, got "
                        + (repository == null ? "nothing" : "'" + repository + "'"));
            }
            if (token == null) {
                problems.add("github.token: required, e.g. TokenSource.fromEnvironment(\"GITHUB_TOKEN\")");
            }
            if (clock == null) {
                problems.add("github.clock: must not be null (default ReleaseClock.system())");
            }
            if (httpClient != null && httpClient.followRedirects() != HttpClient.Redirect.NEVER) {
                problems.add("github.httpClient: follows redirects (Redirect." + httpClient.followRedirects()
                        + "), and would send the token to wherever a redirect points; build it with "
                        + "followRedirects(HttpClient.Redirect.NEVER) (the default): a redirect then fails the call "
                        + "naming where it pointed");
            }
            positive(problems, "github.connectTimeout", connectTimeout);
            positive(problems, "github.requestTimeout", requestTimeout);
            if (apiVersion == null || apiVersion.isBlank()) {
                problems.add("github.apiVersion: must not be blank (default " + DEFAULT_API_VERSION + ")");
            }
            if (maxRateLimitWait == null || maxRateLimitWait.isNegative()) {
                problems.add("github.maxRateLimitWait: must be zero or positive, got " + maxRateLimitWait);
            }
            if (rateLimitRetries < 0) {
                problems.add("github.rateLimitRetries: must be zero or more, got " + rateLimitRetries);
            }
            if (secondaryRateLimitBackoff == null || secondaryRateLimitBackoff.compareTo(Duration.ofSeconds(60)) < 0) {
                problems.add("github.secondaryRateLimitBackoff: must be at least 60 s, as GitHub asks, got "
                        + secondaryRateLimitBackoff);
            }
            if (minWriteInterval == null || minWriteInterval.isNegative()) {
                problems.add("github.minWriteInterval: must be zero or positive, got " + minWriteInterval);
            }
            if (maxAttempts < 1) {
                problems.add("github.maxAttempts: must be at least 1 (1 = no retries), got " + maxAttempts);
            }
            if (retryBackoff == null || retryBackoff.isNegative()) {
                problems.add("github.retryBackoff: must be zero or positive, got " + retryBackoff);
            }
            if (etagCacheSize < 1) {
                problems.add("github.etagCacheSize: must be at least 1, got " + etagCacheSize);
            }
            if (!problems.isEmpty()) {
                throw new InvalidConfigurationException("GitHub connection", problems);
            }
            String root = apiUrl.toString().replaceAll("/+$", "");
            HttpClient http = Optional.ofNullable(httpClient).orElseGet(() -> HttpClient.newBuilder()
                    .connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER).build());
            return new GitHubConnection(repository, new GitHubClient(new GitHubClientSettings(URI.create(root), token,
                    clock, http, requestTimeout, apiVersion, maxRateLimitWait, rateLimitRetries,
                    secondaryRateLimitBackoff, minWriteInterval, maxAttempts, retryBackoff, etagCacheSize)));
        }

        private static void positive(List<String> problems, String path, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                problems.add(path + ": must be positive, got " + d);
            }
        }
    }
}
