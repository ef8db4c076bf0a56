package io.releasepipeline.testkit;

import io.releasepipeline.error.ProviderException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the fake providers share: a log of the calls that change something, a count of every call, and scripted
 * failures per operation. Operations are named after the SPI methods ({@code "setTraffic"}, {@code "merge"}).
 *
 * <p>Memory stays flat under load: read calls (polls) are only counted, never logged; only calls that change
 * state are logged, as short strings.
 *
 * <p>Thread-safe: every method synchronizes on the fake itself.
 */
public abstract class ScriptedFake {

    /** The retry-after hint of a transient failure scripted with {@link #failNext}: one second. */
    public static final Duration SCRIPTED_RETRY_AFTER = Duration.ofSeconds(1);

    private final String name;
    private final Set<String> operations;
    private final List<String> calls = new ArrayList<>();
    private final Map<String, long[]> counts = new HashMap<>();
    private final Map<String, Failure> failures = new HashMap<>();

    /**
     * @param name the provider name reported in exceptions
     * @param operations the operations that can be counted and failed
     */
    protected ScriptedFake(String name, Set<String> operations) {
        this.name = Objects.requireNonNull(name, "name");
        this.operations = Set.copyOf(operations);
        for (String op : this.operations) {
            counts.put(op, new long[1]);
        }
    }

    /**
     * The provider name, as reported in scripted exceptions.
     *
     * @return the provider name, as reported in scripted exceptions
     */
    public String providerName() {
        return name;
    }

    /**
     * The next {@code times} calls of {@code operation} fail before doing anything: a transient failure is an HTTP
     * 429 with a {@link #SCRIPTED_RETRY_AFTER} hint, a permanent one an HTTP 400. Replaces any earlier script of
     * that operation. Example: {@code platform.failNext("setTraffic", 2, true)} ("the platform answers 429 twice").
     *
     * @param operation the SPI method's name, e.g. {@code setTraffic}
     * @param times how many calls fail
     * @param transientFailure true for a transient failure (429), false for a permanent one (400)
     * @throws IllegalArgumentException if the operation is unknown or {@code times < 1}
     */
    public synchronized void failNext(String operation, int times, boolean transientFailure) {
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1, got " + times);
        }
        failures.put(known(operation), new Failure(times, transientFailure, false));
    }

    /**
     * Every call of {@code operation} fails with a transient HTTP 503 until {@link #recover}: the service is down.
     *
     * @param operation the SPI method's name
     */
    public void failAlways(String operation) {
        failAlways(operation, true);
    }

    /**
     * Every call of {@code operation} fails (transient 503 or permanent 400) until {@link #recover}.
     *
     * @param operation the SPI method's name
     * @param transientFailure true for a transient failure (503), false for a permanent one (400)
     */
    public synchronized void failAlways(String operation, boolean transientFailure) {
        failures.put(known(operation), new Failure(-1, transientFailure, false));
    }

    /**
     * The next call of {@code operation} takes effect, then fails with a transient HTTP 504: the answer was lost.
     * Tests that a caller retrying or resuming does not repeat the change. Example:
     * {@code ci.failNextAfterApplying("merge")}.
     *
     * @param operation the SPI method's name
     */
    public synchronized void failNextAfterApplying(String operation) {
        failures.put(known(operation), new Failure(1, true, true));
    }

    /**
     * Removes the failure script of {@code operation}: its next call succeeds.
     *
     * @param operation the SPI method's name
     */
    public synchronized void recover(String operation) {
        failures.remove(known(operation));
    }

    /**
     * Every call that changes state, in order, including calls that then failed, e.g. {@code "activate(v1)"}.
     *
     * @return every call that changes state, in order, including calls that then failed, e.g. {@code "activate(v1)"}
     */
    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    /**
     * How many times {@code operation} was called (reads included, failed calls included).
     *
     * @param operation the SPI method's name
     * @return how many times {@code operation} was called (reads included, failed calls included)
     */
    public synchronized long count(String operation) {
        return counts.get(known(operation))[0];
    }

    /**
     * Counts a read-only call of {@code operation}, then throws if a failure is scripted before it.
     *
     * @param operation the SPI method's name
     */
    protected final synchronized void call(String operation) {
        counts.get(operation)[0]++;
        fail(operation, false);
    }

    /**
     * Counts and logs a changing call, then throws if a failure is scripted before it.
     *
     * @param operation the SPI method's name
     * @param logEntry the call as {@link #calls()} shows it
     */
    protected final synchronized void call(String operation, String logEntry) {
        calls.add(logEntry);
        call(operation);
    }

    /**
     * Throws if a failure is scripted after {@code operation} took effect.
     *
     * @param operation the SPI method's name
     */
    protected final synchronized void applied(String operation) {
        fail(operation, true);
    }

    /**
     * A permanent provider failure with an HTTP status, for fakes that refuse a call as the real one would.
     *
     * @param operation the SPI method's name
     * @param status the HTTP status the real provider would have had
     * @param message what went wrong
     * @return a permanent provider failure with an HTTP status, for fakes that refuse a call as the real one would
     */
    protected final ProviderException refused(String operation, int status, String message) {
        return new ProviderException(name, operation, message, false, null, status, null);
    }

    /**
     * Returns {@code duration}, or throws {@link IllegalArgumentException} if it is negative.
     *
     * @param duration the duration to check
     * @return {@code duration}, or throws {@link IllegalArgumentException} if it is negative
     */
    protected static Duration notNegative(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative, got " + duration);
        }
        return duration;
    }

    private void fail(String operation, boolean afterApplying) {
        Failure f = failures.get(operation);
        if (f == null || f.afterApplying != afterApplying) {
            return;
        }
        if (f.remaining > 0 && --f.remaining == 0) {
            failures.remove(operation);
        }
        if (afterApplying) {
            throw new ProviderException(name, operation, "504 gateway timeout after the change was applied (scripted)",
                    true, null, 504, null);
        }
        if (f.remaining < 0) {
            throw f.transientFailure
                    ? new ProviderException(name, operation, "503 service unavailable (scripted)", true, null, 503, null)
                    : refused(operation, 400, "400 bad request (scripted)");
        }
        throw f.transientFailure
                ? new ProviderException(name, operation, "429 too many requests (scripted)", true,
                        SCRIPTED_RETRY_AFTER, 429, null)
                : refused(operation, 400, "400 bad request (scripted)");
    }

    private String known(String operation) {
        if (!operations.contains(operation)) {
            throw new IllegalArgumentException("unknown operation " + operation + " of " + name + "; one of "
                    + new TreeSet<>(operations));
        }
        return operation;
    }

    private static final class Failure {
        int remaining;
        final boolean transientFailure;
        final boolean afterApplying;

        Failure(int remaining, boolean transientFailure, boolean afterApplying) {
            this.remaining = remaining;
            this.transientFailure = transientFailure;
            this.afterApplying = afterApplying;
        }
    }
}
