package io.releasepipeline.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.releasepipeline.ProviderPolicy;
import io.releasepipeline.error.ProviderException;
import io.releasepipeline.error.ReleaseException;
import io.releasepipeline.format.Format;
import io.releasepipeline.format.SafeText;
import io.releasepipeline.spi.Provider;
import io.releasepipeline.time.ReleaseClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls providers under the pipeline's {@link ProviderPolicy}: a resilience4j circuit breaker per provider and, for
 * idempotent calls to providers that do not retry on their own, a resilience4j retry whose waits go through the
 * pipeline's clock (resilience4j decides whether and how long; the clock waits, so virtual time stays virtual).
 * Thread-safe. Not public API.
 */
final class ProviderCalls {

    private static final Logger log = LoggerFactory.getLogger(ProviderCalls.class);

    /** Receives a notice before each retry wait. */
    interface RetryListener {
        void retrying(String provider, String operation, int attempt, Duration wait, ProviderException error);
    }

    /** Whether a call may be repeated. */
    enum Idempotency { IDEMPOTENT, NOT_IDEMPOTENT }

    private final ProviderPolicy policy;
    private final ReleaseClock clock;
    private final RetryConfig retryConfig;
    private final CircuitBreakerConfig breakerConfig;
    private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    private final Map<String, Retry> retries = new ConcurrentHashMap<>();

    ProviderCalls(ProviderPolicy policy, ReleaseClock clock) {
        this.policy = policy;
        this.clock = clock;
        IntervalBiFunction<Object> interval = (attempt, outcome) -> {
            Duration hint = outcome.isLeft() && outcome.getLeft() instanceof ProviderException pe
                    ? pe.retryAfter().orElse(null) : null;
            return policy.backoff(attempt, hint).toMillis();
        };
        this.retryConfig = RetryConfig.custom()
                .maxAttempts(policy.maxAttempts())
                .intervalBiFunction(interval)
                .retryOnException(e -> e instanceof ProviderException pe && pe.isTransient())
                .build();
        this.breakerConfig = CircuitBreakerConfig.custom()
                .failureRateThreshold(policy.breakerFailureRate())
                .slidingWindow(policy.breakerWindow(), Math.max(1, Math.min(5, policy.breakerWindow())),
                        CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .waitDurationInOpenState(policy.breakerOpenFor())
                .permittedNumberOfCallsInHalfOpenState(1)
                .recordException(e -> !(e instanceof ProviderException pe) || pe.isTransient())
                .clock(clock.asJavaClock())
                .build();
    }

    /**
     * Calls {@code action} on {@code provider}. Transient failures of idempotent calls are retried unless the
     * provider retries on its own. When {@code mustTry} is set (rollback, evidence), an open breaker does not stop
     * the attempt, and throttling cannot stall it: each retry wait is capped at
     * {@link ProviderPolicy#ROLLBACK_MAX_RETRY_WAIT} and no retry starts after
     * {@link ProviderPolicy#ROLLBACK_RETRY_BUDGET} since the first attempt failed. The budget counts from that
     * failure, not from the start of the attempt: a first attempt that hung until its own deadline still gets its
     * retries (the deadline already bounded the hang), so one hung call cannot cost a rollback, an evidence record
     * or the release of the lock.
     */
    <T> T call(Provider provider, String operation, Idempotency idempotency, boolean mustTry, RetryListener listener,
            Supplier<T> action) {
        String name = provider.providerName();
        CircuitBreaker breaker = breakers.computeIfAbsent(name, n -> CircuitBreaker.of(n, breakerConfig));
        boolean retryable = idempotency == Idempotency.IDEMPOTENT && !provider.retriesOwnCalls();
        Retry.AsyncContext<T> context = retryable
                ? retries.computeIfAbsent(name, n -> Retry.of(n, retryConfig)).asyncContext() : null;
        Instant firstFailure = null;
        int attempt = 0;
        while (true) {
            attempt++;
            if (!breaker.tryAcquirePermission()) {
                if (!mustTry) {
                    throw new ProviderException(name, operation, "circuit breaker open after repeated failures ("
                            + Format.percent(breaker.getMetrics().getFailureRate() / 100.0) + " of recent calls "
                            + "failed); calls resume after " + Format.duration(policy.breakerOpenFor())
                            + "; check the provider's health", true, policy.breakerOpenFor(), 0, null);
                }
                log.warn("{} {}: circuit breaker open, trying anyway (rollback)", name, SafeText.line(operation));
            }
            long startNanos = System.nanoTime();
            try {
                T result = action.get();
                breaker.onSuccess(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
                if (context != null) {
                    context.onComplete();
                }
                return result;
            } catch (ProviderException e) {
                breaker.onError(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS, e);
                long waitMillis = context != null && e.isTransient() ? context.onError(e) : -1;
                if (waitMillis < 0) {
                    throw e;
                }
                Duration wait = Duration.ofMillis(waitMillis);
                if (mustTry) {
                    if (firstFailure == null) {
                        firstFailure = clock.now();
                    }
                    Duration left = ProviderPolicy.ROLLBACK_RETRY_BUDGET.minus(Duration.between(firstFailure,
                            clock.now()));
                    if (left.isNegative() || left.isZero()) {
                        log.warn("{} {} failed (attempt {}) and the rollback retry budget of {} is spent; giving up",
                                name, SafeText.line(operation), attempt,
                                Format.duration(ProviderPolicy.ROLLBACK_RETRY_BUDGET));
                        throw e;
                    }
                    wait = min(min(wait, ProviderPolicy.ROLLBACK_MAX_RETRY_WAIT), left);
                }
                log.info("{} {} failed (attempt {}): {}; retrying in {}", name, SafeText.line(operation), attempt,
                        SafeText.line(String.valueOf(e.getMessage())), Format.duration(wait));
                listener.retrying(name, operation, attempt, wait, e);
                clock.sleep(wait);
            } catch (ReleaseException e) {
                breaker.onError(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS, e);
                throw e;
            } catch (RuntimeException e) {
                breaker.onError(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS, e);
                throw ProviderException.permanent(name, operation, "unexpected " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
