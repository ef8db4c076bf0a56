package io.releasepipeline.github.internal;

import io.releasepipeline.github.TokenSource;
import io.releasepipeline.time.ReleaseClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything {@link GitHubClient} needs, validated by the public builder before it gets here. Not public API.
 *
 * @param apiUrl the REST API root without a trailing slash
 * @param token where the token comes from
 * @param clock every wait goes through it
 * @param http the HTTP client
 * @param requestTimeout the total deadline of one exchange, headers and body included
 * @param apiVersion the {@code X-GitHub-Api-Version} header
 * @param maxRateLimitWait the longest single wait for a rate limit to clear
 * @param rateLimitRetries how many times a rate-limited call is tried again
 * @param secondaryBackoff the first wait after a secondary rate limit without {@code retry-after}
 * @param minWriteInterval the least time from the end of one write to the start of the next
 * @param maxAttempts attempts of a retryable call on server errors and timeouts, including the first
 * @param retryBackoff the wait after the first server error; doubles, capped at {@link GitHubClient#MAX_RETRY_BACKOFF}
 * @param etagCacheSize how many answers are kept for conditional requests
 */
public record GitHubClientSettings(URI apiUrl, TokenSource token, ReleaseClock clock, HttpClient http,
        Duration requestTimeout, String apiVersion, Duration maxRateLimitWait, int rateLimitRetries,
        Duration secondaryBackoff, Duration minWriteInterval, int maxAttempts, Duration retryBackoff,
        int etagCacheSize) {

    /** Validates non-null fields. */
    public GitHubClientSettings {
        Objects.requireNonNull(apiUrl, "apiUrl");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(apiVersion, "apiVersion");
        Objects.requireNonNull(maxRateLimitWait, "maxRateLimitWait");
        Objects.requireNonNull(secondaryBackoff, "secondaryBackoff");
        Objects.requireNonNull(minWriteInterval, "minWriteInterval");
        Objects.requireNonNull(retryBackoff, "retryBackoff");
    }
}
