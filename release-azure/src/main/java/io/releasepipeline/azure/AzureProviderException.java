package io.releasepipeline.azure;

import io.releasepipeline.error.ProviderException;
import java.time.Duration;
import java.util.Optional;

/**
 * A call to Azure failed. In addition to what every {@link ProviderException} carries (provider, operation,
 * transient or not, Retry-After, HTTP status), it keeps the service's own error code and message, e.g.
 * {@code ContainerAppOperationInProgress}, so callers can tell refusals apart without parsing text.
 *
 * <p>Immutable. Messages never contain a credential.
 */
public class AzureProviderException extends ProviderException {

    private static final long serialVersionUID = 1L;

    /** The service's error code, or null when it sent none. */
    private final String errorCode;

    /**
     * @param provider short provider name
     * @param operation what was attempted
     * @param message what went wrong and what to do about it
     * @param transientFailure true if trying again later may succeed
     * @param retryAfter the service's Retry-After hint, or null
     * @param statusCode the HTTP status, or 0
     * @param errorCode the service's error code (ARM {@code error.code}), or null
     * @param cause the underlying exception, or null
     */
    public AzureProviderException(String provider, String operation, String message, boolean transientFailure,
            Duration retryAfter, int statusCode, String errorCode, Throwable cause) {
        super(provider, operation, message, transientFailure, retryAfter, statusCode, cause);
        this.errorCode = errorCode;
    }

    /**
     * The service's error code (Resource Manager's {@code error.code}, Storage's {@code x-ms-error-code}).
     *
     * @return the service's error code (Resource Manager's {@code error.code}, Storage's {@code x-ms-error-code})
     */
    public Optional<String> errorCode() {
        return Optional.ofNullable(errorCode);
    }
}
