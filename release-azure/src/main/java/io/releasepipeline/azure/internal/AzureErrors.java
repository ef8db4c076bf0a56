package io.releasepipeline.azure.internal;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpResponse;
import com.azure.core.management.exception.ManagementError;
import com.azure.core.management.exception.ManagementException;
import io.releasepipeline.azure.AzureProviderException;
import io.releasepipeline.error.ProviderException;
import java.io.IOException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Turns what the Azure SDK throws into {@link AzureProviderException}s with a message a person on call can act on:
 * the HTTP status, the service's error code and message, and whether trying again may help. Stateless. Not public
 * API.
 */
public final class AzureErrors {

    private AzureErrors() {
    }

    /** Runs {@code body}, turning any failure but a {@link ProviderException} into an {@link AzureProviderException}. */
    public static <T> T call(String provider, String operation, Supplier<T> body) {
        try {
            return body.get();
        } catch (ProviderException e) {
            throw e;
        } catch (RuntimeException e) {
            throw translate(provider, operation, e);
        }
    }

    /** The exception to throw for {@code failure}, raised while doing {@code operation}. */
    public static AzureProviderException translate(String provider, String operation, Throwable failure) {
        if (failure instanceof AzureProviderException already) {
            return already;
        }
        HttpResponseException http = find(failure, HttpResponseException.class);
        Throwable unreadable = findJsonFailure(failure);
        boolean serviceError = http instanceof ManagementException m && m.getValue() != null
                && m.getValue().getCode() != null;
        boolean successWithBadBody = !serviceError && http != null && http.getResponse() != null
                && http.getResponse().getStatusCode() / 100 == 2;
        if (unreadable != null || successWithBadBody) {
            Throwable detail = unreadable != null ? unreadable : http;
            return new AzureProviderException(provider, operation, "Azure answered with a body that is not the JSON "
                    + "expected (" + firstLine(detail.getMessage()) + "); this call changed nothing", false, null,
                    http != null && http.getResponse() != null ? http.getResponse().getStatusCode() : 0, null,
                    failure);
        }
        if (http != null && http.getResponse() != null) {
            return fromResponse(provider, operation, http);
        }
        ClientAuthenticationException auth = find(failure, ClientAuthenticationException.class);
        if (auth != null || isCredentialUnavailable(failure)) {
            return new AzureProviderException(provider, operation, "could not get an access token ("
                    + rootMessage(failure) + "); check the credential configuration", false, null, 0, null, failure);
        }
        if (find(failure, TimeoutException.class) != null || find(failure, IOException.class) != null) {
            return new AzureProviderException(provider, operation, "could not reach Azure (" + rootMessage(failure)
                    + ") after the configured retries", true, null, 0, null, failure);
        }
        return new AzureProviderException(provider, operation, "unexpected failure: " + rootMessage(failure), false,
                null, 0, null, failure);
    }

    private static AzureProviderException fromResponse(String provider, String operation, HttpResponseException e) {
        HttpResponse response = e.getResponse();
        int status = response.getStatusCode();
        String code = null;
        String serviceMessage = null;
        if (e instanceof ManagementException m && m.getValue() != null) {
            ManagementError error = m.getValue();
            code = error.getCode();
            serviceMessage = error.getMessage();
        }
        if (code == null) {
            code = response.getHeaderValue("x-ms-error-code");
        }
        if (serviceMessage == null) {
            serviceMessage = firstLine(e.getMessage());
        }
        return fromStatus(provider, operation, status, response::getHeaderValue, code, serviceMessage, e);
    }

    /**
     * The exception for an answer of {@code status} carrying the service's {@code code} and {@code serviceMessage}
     * (either may be null): a 2xx is a long-running operation whose status reported Failed or Canceled, after the
     * service had accepted the change (so not a refusal of the request: transient, worth one more try, as the
     * service's own "please retry" answers say); any other status is an HTTP failure, transient when a retry may
     * help.
     *
     * @param header the answer's headers by name (for {@code Retry-After})
     */
    public static AzureProviderException fromStatus(String provider, String operation, int status,
            Function<String, String> header, String code, String serviceMessage, Throwable cause) {
        if (status / 100 == 2) {
            // A long-running operation whose status poll (HTTP 200) reported Failed or Canceled.
            return new AzureProviderException(provider, operation, "the operation ended " + code + ": "
                    + serviceMessage, true, null, 0, code, cause);
        }
        boolean retryable = ArmSettings.isRetryableStatus(status);
        StringBuilder message = new StringBuilder("HTTP ").append(status);
        if (code != null) {
            message.append(' ').append(code);
        }
        message.append(": ").append(serviceMessage);
        message.append(switch (status) {
            case 401 -> " (the access token was refused: is it expired or for another tenant?)";
            case 403 -> " (the identity lacks permission on this resource)";
            case 429 -> " (throttled; still throttled after the configured retries)";
            default -> retryable ? " (still failing after the configured retries)" : "";
        });
        return new AzureProviderException(provider, operation, message.toString(), retryable,
                retryAfter(header.apply("Retry-After")), status, code, cause);
    }

    /** The Retry-After header as a duration (seconds or an HTTP date), or null. */
    public static Duration retryAfter(HttpResponse response) {
        return retryAfter(response.getHeaderValue("Retry-After"));
    }

    /** A Retry-After value as a duration (seconds or an HTTP date), or null. */
    private static Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Long.parseLong(value.trim()));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(OffsetDateTime.now(),
                        OffsetDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME));
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException neither) {
                return null;
            }
        }
    }

    private static Throwable findJsonFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getClass().getName().toLowerCase(java.util.Locale.ROOT).contains("json")) {
                return c;
            }
        }
        return null;
    }

    private static boolean isCredentialUnavailable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getClass().getSimpleName().equals("CredentialUnavailableException")) {
                return true;
            }
        }
        return false;
    }

    /** The first cause of type {@code type} in the chain, or null. */
    public static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return root.getClass().getSimpleName() + (m == null ? "" : ": " + firstLine(m));
    }

    /** The first line of {@code s}, or "" for null. */
    public static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
