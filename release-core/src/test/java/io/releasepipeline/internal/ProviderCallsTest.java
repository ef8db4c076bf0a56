package io.releasepipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.ProviderPolicy;
import io.releasepipeline.error.ProviderException;
import io.releasepipeline.internal.ProviderCalls.Idempotency;
import io.releasepipeline.spi.Provider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProviderCallsTest {

    private final StepClock clock = new StepClock();
    private final ProviderCalls calls = new ProviderCalls(ProviderPolicy.ofDefaults(), clock);
    private final List<String> retries = new ArrayList<>();
    private final ProviderCalls.RetryListener listener = (p, op, attempt, wait, e) -> retries.add(op + "#" + attempt
            + " " + wait);

    private static Provider provider(boolean retriesOwnCalls) {
        return new Provider() {
            @Override
            public String providerName() {
                return "fake";
            }

            @Override
            public boolean retriesOwnCalls() {
                return retriesOwnCalls;
            }
        };
    }

    private static ProviderException throttled(Duration retryAfter) {
        return new ProviderException("fake", "op", "429 too many requests", true, retryAfter, 429, null);
    }

    @Test
    void retriesTransientFailuresOnTheClockHonouringRetryAfter() {
        AtomicInteger attempts = new AtomicInteger();
        String result = calls.call(provider(false), "read", Idempotency.IDEMPOTENT, false, listener, () -> {
            if (attempts.incrementAndGet() <= 2) {
                throw throttled(Duration.ofSeconds(7));
            }
            return "ok";
        });
        assertThat(result).isEqualTo("ok");
        assertThat(attempts).hasValue(3);
        assertThat(clock.sleeps).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(7));
        assertThat(retries).containsExactly("read#1 PT7S", "read#2 PT7S");
    }

    @Test
    void backsOffExponentiallyWithoutAHintAndGivesUpAfterMaxAttempts() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> calls.call(provider(false), "read", Idempotency.IDEMPOTENT, false, listener, () -> {
            attempts.incrementAndGet();
            throw throttled(null);
        })).isInstanceOf(ProviderException.class).hasMessageContaining("429");
        assertThat(attempts).hasValue(ProviderPolicy.DEFAULT_MAX_ATTEMPTS);
        assertThat(clock.sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
    }

    @Test
    @org.junit.jupiter.api.DisplayName("a rollback call throttled with Retry-After of five minutes waits at most 5 s "
            + "between attempts; an ordinary call keeps the policy's bound")
    void rollbackCapsEachThrottlingWait() {
        AtomicInteger attempts = new AtomicInteger();
        String result = calls.call(provider(false), "setTraffic", Idempotency.IDEMPOTENT, true, listener, () -> {
            if (attempts.incrementAndGet() <= 3) {
                throw throttled(Duration.ofMinutes(5));
            }
            return "rolled back";
        });
        assertThat(result).isEqualTo("rolled back");
        assertThat(clock.sleeps).containsExactly(ProviderPolicy.ROLLBACK_MAX_RETRY_WAIT,
                ProviderPolicy.ROLLBACK_MAX_RETRY_WAIT, ProviderPolicy.ROLLBACK_MAX_RETRY_WAIT);

        clock.sleeps.clear();
        attempts.set(0);
        calls.call(provider(false), "read", Idempotency.IDEMPOTENT, false, listener, () -> {
            if (attempts.incrementAndGet() <= 1) {
                throw throttled(Duration.ofMinutes(5));
            }
            return "ok";
        });
        assertThat(clock.sleeps).containsExactly(ProviderPolicy.DEFAULT_MAX_BACKOFF);
    }

    @Test
    @org.junit.jupiter.api.DisplayName("a rollback call gives up once 30 s have passed since its first attempt, "
            + "however many attempts the policy allows")
    void rollbackRetryBudget() {
        ProviderCalls patient = new ProviderCalls(ProviderPolicy.ofDefaults().withMaxAttempts(100), clock);
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> patient.call(provider(false), "setTraffic", Idempotency.IDEMPOTENT, true, listener,
                () -> {
                    attempts.incrementAndGet();
                    clock.sleep(Duration.ofSeconds(2)); // the attempt itself takes time too
                    throw throttled(Duration.ofMinutes(5));
                })).isInstanceOf(ProviderException.class).hasMessageContaining("429");
        Duration total = clock.sleeps.stream().reduce(Duration.ZERO, Duration::plus);
        // The budget counts from the first failure: the first attempt's own 2 s and the last one's come on top.
        assertThat(total).isLessThanOrEqualTo(ProviderPolicy.ROLLBACK_RETRY_BUDGET.plusSeconds(4));
        assertThat(attempts.get()).isBetween(4, 6);
    }

    @Test
    void aRollbackCallThatHungToItsDeadlineIsStillRetried() {
        AtomicInteger attempts = new AtomicInteger();
        String result = calls.call(provider(false), "write", Idempotency.IDEMPOTENT, true, listener, () -> {
            if (attempts.incrementAndGet() == 1) {
                clock.sleep(Duration.ofMinutes(2)); // hung until the provider's own deadline
                throw ProviderException.transientFailure("fake", "write", "timed out after 2 minutes", null, null);
            }
            return "written";
        });
        assertThat(result).isEqualTo("written");
        assertThat(attempts).hasValue(2);
    }

    @Test
    void neverRetriesPermanentFailuresNonIdempotentCallsOrSelfRetryingProviders() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> calls.call(provider(false), "read", Idempotency.IDEMPOTENT, false, listener, () -> {
            attempts.incrementAndGet();
            throw ProviderException.permanent("fake", "read", "404 not found", null);
        })).hasMessageContaining("404");
        assertThatThrownBy(() -> calls.call(provider(false), "comment", Idempotency.NOT_IDEMPOTENT, false, listener,
                () -> {
                    attempts.incrementAndGet();
                    throw throttled(null);
                })).hasMessageContaining("429");
        assertThatThrownBy(() -> calls.call(provider(true), "azure", Idempotency.IDEMPOTENT, false, listener, () -> {
            attempts.incrementAndGet();
            throw throttled(null);
        })).hasMessageContaining("429");
        assertThat(attempts).hasValue(3);
        assertThat(clock.sleeps).isEmpty();
    }

    @Test
    void anOpenBreakerFailsFastButARollbackStillTries() {
        ProviderCalls strict = new ProviderCalls(ProviderPolicy.ofDefaults().withMaxAttempts(1)
                .withBreaker(50f, 4, Duration.ofSeconds(30)), clock);
        AtomicInteger attempts = new AtomicInteger();
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> strict.call(provider(false), "read", Idempotency.IDEMPOTENT, false, listener,
                    () -> {
                        attempts.incrementAndGet();
                        throw throttled(null);
                    }));
        }
        assertThatThrownBy(() -> strict.call(provider(false), "read", Idempotency.IDEMPOTENT, false, listener,
                () -> attempts.incrementAndGet())).hasMessageContaining("circuit breaker open");
        assertThat(attempts).hasValue(4);
        assertThat(strict.call(provider(false), "rollback", Idempotency.IDEMPOTENT, true, listener,
                () -> "tried")).isEqualTo("tried");
        clock.sleep(Duration.ofSeconds(31));
        assertThat(strict.call(provider(false), "read", Idempotency.IDEMPOTENT, false, listener, () -> "half-open"))
                .isEqualTo("half-open");
    }

    @Test
    void wrapsUnexpectedExceptionsWithTheProviderAndOperation() {
        assertThatThrownBy(() -> calls.call(provider(false), "read", Idempotency.IDEMPOTENT, false, listener, () -> {
            throw new IllegalStateException("boom");
        })).isInstanceOf(ProviderException.class).hasMessage("fake read failed: unexpected IllegalStateException: boom");
    }
}
