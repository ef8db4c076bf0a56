package io.releasepipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How the engine calls providers: retries of transient failures (resilience4j {@code Retry}, waiting on the
 * pipeline's clock and honouring a provider's retry-after hint) and a circuit breaker per provider (resilience4j
 * {@code CircuitBreaker}). Providers whose own client retries ({@code retriesOwnCalls()}) get the breaker only, so
 * that retries happen in one layer. Calls that are not idempotent (comments) are never retried; deployment records
 * are (creating one first looks for the release's own record). Immutable.
 *
 * <p>During a rollback (and for evidence writes, which are tried whatever the breaker says) a provider's
 * throttling must not stall the safety action: each retry wait is at most {@link #ROLLBACK_MAX_RETRY_WAIT}, whatever
 * the {@code Retry-After} hint says, and no retry starts once {@link #ROLLBACK_RETRY_BUDGET} has passed since the
 * call's first attempt.
 *
 * @param maxAttempts attempts per call, including the first
 * @param initialBackoff the wait after the first failure
 * @param backoffMultiplier how the wait grows after each further failure
 * @param maxBackoff the longest wait between attempts, including a retry-after hint
 * @param breakerFailureRate the failure percentage over the breaker's window that opens it
 * @param breakerWindow how many recent calls the breaker judges
 * @param breakerOpenFor how long an open breaker refuses calls before letting one through
 */
public record ProviderPolicy(int maxAttempts, Duration initialBackoff, double backoffMultiplier, Duration maxBackoff,
        float breakerFailureRate, int breakerWindow, Duration breakerOpenFor) {

    /** Four attempts: a transient failure is retried three times. */
    public static final int DEFAULT_MAX_ATTEMPTS = 4;
    /** One second after the first failure. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);
    /** Doubling. */
    public static final double DEFAULT_BACKOFF_MULTIPLIER = 2.0;
    /** At most one minute between attempts, whatever a retry-after hint says. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(1);
    /** The breaker opens when half the judged calls failed. */
    public static final float DEFAULT_BREAKER_FAILURE_RATE = 50f;
    /** The breaker judges the last ten calls (at least five before it may open). */
    public static final int DEFAULT_BREAKER_WINDOW = 10;
    /** An open breaker refuses calls for 30 seconds. */
    public static final Duration DEFAULT_BREAKER_OPEN_FOR = Duration.ofSeconds(30);

    /** Five seconds: the longest wait between two attempts of a rollback call, whatever a retry-after hint says. */
    public static final Duration ROLLBACK_MAX_RETRY_WAIT = Duration.ofSeconds(5);
    /**
     * Thirty seconds: after this long since a rollback (or evidence) call's first attempt failed, its failure is
     * final. Counted from the failure, so that an attempt that hung until its deadline is still retried.
     */
    public static final Duration ROLLBACK_RETRY_BUDGET = Duration.ofSeconds(30);

    /**
     * The defaults above.
     *
     * @return the defaults above
     */
    public static ProviderPolicy ofDefaults() {
        return new ProviderPolicy(DEFAULT_MAX_ATTEMPTS, DEFAULT_INITIAL_BACKOFF, DEFAULT_BACKOFF_MULTIPLIER,
                DEFAULT_MAX_BACKOFF, DEFAULT_BREAKER_FAILURE_RATE, DEFAULT_BREAKER_WINDOW, DEFAULT_BREAKER_OPEN_FOR);
    }

    /**
     * The same policy with another number of attempts (1 = no retries).
     *
     * @param attempts attempts including the first, at least 1
     * @return the same policy with another number of attempts (1 = no retries)
     */
    public ProviderPolicy withMaxAttempts(int attempts) {
        return new ProviderPolicy(attempts, initialBackoff, backoffMultiplier, maxBackoff, breakerFailureRate,
                breakerWindow, breakerOpenFor);
    }

    /**
     * The same policy with another backoff.
     *
     * @param initial the first retry's wait, positive
     * @param multiplier each next wait's factor, at least 1
     * @param max the longest wait, at least {@code initial}
     * @return the same policy with another backoff
     */
    public ProviderPolicy withBackoff(Duration initial, double multiplier, Duration max) {
        return new ProviderPolicy(maxAttempts, initial, multiplier, max, breakerFailureRate, breakerWindow,
                breakerOpenFor);
    }

    /**
     * The same policy with another circuit breaker.
     *
     * @param failureRatePercent the failure rate that opens the breaker, in percent (0, 100]
     * @param window how many recent calls the rate is measured over
     * @param openFor how long an open breaker refuses calls
     * @return the same policy with another circuit breaker
     */
    public ProviderPolicy withBreaker(float failureRatePercent, int window, Duration openFor) {
        return new ProviderPolicy(maxAttempts, initialBackoff, backoffMultiplier, maxBackoff, failureRatePercent,
                window, openFor);
    }

    /**
     * The wait before attempt {@code attempt + 1} after {@code attempt} failures, honouring a hint.
     *
     * @param attempt how many attempts failed so far, from 1
     * @param retryAfterHint the provider's Retry-After hint, or null
     * @return the wait before attempt {@code attempt + 1} after {@code attempt} failures, honouring a hint
     */
    public Duration backoff(int attempt, Duration retryAfterHint) {
        double millis = initialBackoff.toMillis() * Math.pow(backoffMultiplier, Math.max(0, attempt - 1));
        long wait = (long) Math.min(millis, maxBackoff.toMillis());
        if (retryAfterHint != null) {
            wait = Math.min(Math.max(wait, retryAfterHint.toMillis()), maxBackoff.toMillis());
        }
        return Duration.ofMillis(wait);
    }

    /**
     * Every problem with this policy, each as {@code path: problem}.
     *
     * @param path the key problems are reported under, e.g. {@code providerPolicy}
     * @return every problem with this policy, each as {@code path: problem}
     */
    public List<String> problems(String path) {
        List<String> p = new ArrayList<>();
        if (maxAttempts < 1) {
            p.add(path + ".maxAttempts: must be at least 1 (1 = no retries), got " + maxAttempts);
        }
        if (initialBackoff == null || initialBackoff.isNegative()) {
            p.add(path + ".initialBackoff: must be zero or positive, got " + initialBackoff);
        }
        if (backoffMultiplier < 1) {
            p.add(path + ".backoffMultiplier: must be at least 1, got " + backoffMultiplier);
        }
        if (maxBackoff == null || maxBackoff.isNegative()) {
            p.add(path + ".maxBackoff: must be zero or positive, got " + maxBackoff);
        }
        if (!(breakerFailureRate > 0 && breakerFailureRate <= 100)) {
            p.add(path + ".breakerFailureRate: must be a percentage in (0, 100], got " + breakerFailureRate);
        }
        if (breakerWindow < 1) {
            p.add(path + ".breakerWindow: must be at least 1, got " + breakerWindow);
        }
        if (breakerOpenFor == null || breakerOpenFor.isNegative() || breakerOpenFor.isZero()) {
            p.add(path + ".breakerOpenFor: must be positive, got " + breakerOpenFor);
        }
        return p;
    }
}
