package io.releasepipeline.error;

import java.time.Duration;
import java.util.Optional;

/**
 * A provider call failed: the cloud platform, the CI system, the evidence store, the incident source or the
 * health signal. Carries which provider and which operation, whether the failure is transient (worth retrying),
 * and the provider's retry-after hint when it gave one.
 *
 * <p>Providers throw this (or a subclass) for every I/O failure, wrapping the cause, with a message that names
 * what was being done and never contains a credential.
 */
public class ProviderException extends ReleaseException {

    private static final long serialVersionUID = 1L;

    /** The provider's short name. */
    private final String provider;
    /** What was attempted. */
    private final String operation;
    /** Whether trying again later may succeed. */
    private final boolean transientFailure;
    /** The service's Retry-After hint, or null. */
    private final Duration retryAfter;
    /** The HTTP status, or 0 when there was none. */
    private final int statusCode;

    /**
     * @param provider short provider name, e.g. {@code "azure-container-apps"}
     * @param operation what was attempted, e.g. {@code "setTraffic(app=backend)"}
     * @param message what went wrong and what to do about it
     * @param transientFailure true if trying again later may succeed (timeouts, 429, 5xx)
     * @param retryAfter the provider's hint for when to try again, or null
     * @param statusCode the protocol status code if there was one, or 0
     * @param cause the underlying exception, or null
     */
    public ProviderException(String provider, String operation, String message, boolean transientFailure,
            Duration retryAfter, int statusCode, Throwable cause) {
        super(prefix(provider, operation) + message, cause);
        this.provider = provider;
        this.operation = operation;
        this.transientFailure = transientFailure;
        this.retryAfter = retryAfter;
        this.statusCode = statusCode;
    }

    /**
     * A permanent failure with no status code.
     *
     * @param provider short provider name, e.g. {@code "azure-container-apps"}
     * @param operation what was attempted, e.g. {@code "setTraffic(app=backend)"}
     * @param message what went wrong and what to do about it
     * @param cause the underlying exception, or null
     * @return a permanent failure with no status code
     */
    public static ProviderException permanent(String provider, String operation, String message, Throwable cause) {
        return new ProviderException(provider, operation, message, false, null, 0, cause);
    }

    /**
     * A transient failure that may succeed when tried again.
     *
     * @param provider short provider name, e.g. {@code "azure-container-apps"}
     * @param operation what was attempted, e.g. {@code "setTraffic(app=backend)"}
     * @param message what went wrong and what to do about it
     * @param retryAfter the provider's hint for when to try again, or null
     * @param cause the underlying exception, or null
     * @return a transient failure that may succeed when tried again
     */
    public static ProviderException transientFailure(String provider, String operation, String message,
            Duration retryAfter, Throwable cause) {
        return new ProviderException(provider, operation, message, true, retryAfter, 0, cause);
    }

    /**
     * The provider's short name.
     *
     * @return the provider's short name
     */
    public String provider() {
        return provider;
    }

    /**
     * The operation that failed.
     *
     * @return the operation that failed
     */
    public String operation() {
        return operation;
    }

    /**
     * What went wrong, without the {@code "<provider> <operation> failed: "} the {@link #getMessage() message} starts
     * with: for a caller that wraps this failure in words of its own. Redacted as the message is.
     *
     * @return what went wrong, without the {@code "<provider> <operation> failed: "} the {@link #getMessage() message}
     *     starts with: for a caller that wraps this failure in words of its own
     */
    public String detail() {
        String message = getMessage();
        String prefix = prefix(provider, operation);
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    private static String prefix(String provider, String operation) {
        return provider + " " + operation + " failed: ";
    }

    /**
     * True if the same call may succeed later (timeouts, throttling, server errors).
     *
     * @return true if the same call may succeed later (timeouts, throttling, server errors)
     */
    public boolean isTransient() {
        return transientFailure;
    }

    /**
     * How long the provider asked us to wait before trying again, when it said.
     *
     * @return how long the provider asked us to wait before trying again, when it said
     */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /**
     * The protocol status code (HTTP status), or 0 when there was none.
     *
     * @return the protocol status code (HTTP status), or 0 when there was none
     */
    public int statusCode() {
        return statusCode;
    }
}
