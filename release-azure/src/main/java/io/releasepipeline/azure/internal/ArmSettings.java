package io.releasepipeline.azure.internal;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.profile.AzureProfile;
import com.azure.identity.DefaultAzureCredentialBuilder;
import io.releasepipeline.format.Urls;
import io.releasepipeline.format.VariableNames;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * What every Azure Resource Manager client of this module is built from: where (subscription, resource group,
 * app, endpoint), who (a credential), and how hard to try (retries, poll interval). Mutable while a public builder
 * fills it, then validated once; not thread-safe. Not public API.
 */
public final class ArmSettings {

    /** Retries after the first attempt, the Azure SDK's own default. */
    public static final int DEFAULT_MAX_RETRIES = 3;
    /** First retry delay when the service sends no Retry-After, the Azure SDK's own default. */
    public static final Duration DEFAULT_RETRY_BASE_DELAY = Duration.ofMillis(800);
    /** Longest computed retry delay (a Retry-After header is honoured as sent), the Azure SDK's own default. */
    public static final Duration DEFAULT_RETRY_MAX_DELAY = Duration.ofSeconds(8);

    private String subscriptionId;
    private String resourceGroup;
    private String appName;
    private TokenCredential credential;
    private String tokenVariable;
    private Function<String, String> environment = System::getenv;
    private URI managementEndpoint;
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private Duration retryBaseDelay = DEFAULT_RETRY_BASE_DELAY;
    private Duration retryMaxDelay = DEFAULT_RETRY_MAX_DELAY;
    private HttpClient httpClient;

    public void subscriptionId(String value) {
        subscriptionId = value;
    }

    public void resourceGroup(String value) {
        resourceGroup = value;
    }

    public void appName(String value) {
        appName = value;
    }

    public void credential(TokenCredential value) {
        credential = value;
    }

    public void bearerTokenFromEnvironment(String variable) {
        tokenVariable = variable;
    }

    public void environment(Function<String, String> value) {
        environment = Objects.requireNonNull(value, "environment");
    }

    public void managementEndpoint(URI value) {
        managementEndpoint = value;
    }

    public void retry(int retries, Duration baseDelay, Duration maxDelay) {
        maxRetries = retries;
        retryBaseDelay = baseDelay;
        retryMaxDelay = maxDelay;
    }

    public void httpClient(HttpClient value) {
        httpClient = value;
    }

    /** An independent copy, so that a built provider never sees later builder calls. */
    public ArmSettings copy() {
        ArmSettings c = new ArmSettings();
        c.subscriptionId = subscriptionId;
        c.resourceGroup = resourceGroup;
        c.appName = appName;
        c.credential = credential;
        c.tokenVariable = tokenVariable;
        c.environment = environment;
        c.managementEndpoint = managementEndpoint;
        c.maxRetries = maxRetries;
        c.retryBaseDelay = retryBaseDelay;
        c.retryMaxDelay = retryMaxDelay;
        c.httpClient = httpClient;
        return c;
    }

    /** Adds a {@code path: problem} line for every invalid setting to {@code problems}. */
    public void validate(List<String> problems) {
        requireName(problems, "subscriptionId", subscriptionId);
        requireName(problems, "resourceGroup", resourceGroup);
        requireName(problems, "appName", appName);
        credentialProblems(problems, credential, tokenVariable, environment,
                "export the access token in it or use credential(...)");
        if (managementEndpoint != null) {
            httpsEndpointProblem(managementEndpoint).ifPresent(p -> problems.add("managementEndpoint: " + p));
        }
        if (maxRetries < 0) {
            problems.add("retry: maxRetries must be >= 0, got " + maxRetries);
        }
        if (retryBaseDelay == null || retryBaseDelay.isNegative() || retryBaseDelay.isZero()) {
            problems.add("retry: baseDelay must be positive, got " + retryBaseDelay);
        }
        if (retryMaxDelay == null || retryBaseDelay != null && retryMaxDelay.compareTo(retryBaseDelay) < 0) {
            problems.add("retry: maxDelay must be >= baseDelay, got " + retryMaxDelay);
        }
    }

    /**
     * Why {@code endpoint} cannot receive an Azure bearer token, or empty: it must pass {@link Urls}' transport rule
     * (no user info; plain http only to loopback), and more strictly be https, since the Azure SDK sends bearer
     * tokens over https only, and have no query or fragment (a SAS belongs in a connection string). The text never
     * shows user info or a query.
     */
    public static Optional<String> httpsEndpointProblem(URI endpoint) {
        Optional<String> transport = Urls.transportProblem(endpoint, false);
        if (transport.isPresent()) {
            return transport;
        }
        if (!"https".equalsIgnoreCase(endpoint.getScheme())) {
            return Optional.of("must be an https URL (the Azure SDK sends bearer tokens over https only, even to a "
                    + "loopback stand-in), got " + Urls.redacted(endpoint) + "; serve the stand-in over TLS and "
                    + "trust its certificate (-Djavax.net.ssl.trustStore)");
        }
        if (endpoint.getRawQuery() != null || endpoint.getRawFragment() != null) {
            return Optional.of("must not have a query or fragment, got " + Urls.redacted(endpoint) + "; give the "
                    + "endpoint alone (a shared access signature belongs in a connection string)");
        }
        return Optional.empty();
    }

    /**
     * Adds a problem when both {@code credential} and {@code tokenVariable} are given, when {@code tokenVariable} is
     * not a variable name, or when {@code environment} has no token in it ({@code unsetHint} says what to do then).
     */
    public static void credentialProblems(List<String> problems, TokenCredential credential, String tokenVariable,
            Function<String, String> environment, String unsetHint) {
        if (credential != null && tokenVariable != null) {
            problems.add("credential: both a TokenCredential and bearerTokenFromEnvironment(\""
                    + VariableNames.shown(tokenVariable) + "\") were given; choose one");
        }
        if (tokenVariable != null) {
            Optional<String> notAName = VariableNames.problem("bearerTokenFromEnvironment(name)", tokenVariable);
            if (notAName.isPresent()) {
                problems.add("bearerTokenFromEnvironment: " + notAName.get());
            } else {
                String token = environment.apply(tokenVariable);
                if (token == null || token.isBlank()) {
                    problems.add("bearerTokenFromEnvironment: environment variable " + tokenVariable
                            + " is not set or empty; " + unsetHint);
                }
            }
        }
    }

    /** Adds {@code path: must be positive} to {@code problems} unless {@code value} is a positive duration. */
    public static void requirePositive(List<String> problems, String path, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            problems.add(path + ": must be positive, got " + value);
        }
    }

    private static void requireName(List<String> problems, String path, String value) {
        if (value == null || value.isBlank()) {
            problems.add(path + ": required");
        } else if (value.contains("/") || value.contains("?") || value.contains("#")) {
            problems.add(path + ": must not contain '/', '?' or '#', got '" + value + "'");
        }
    }

    public String subscriptionId() {
        return subscriptionId;
    }

    public String resourceGroup() {
        return resourceGroup;
    }

    public String appName() {
        return appName;
    }

    /** The app's Resource Manager id, with its leading slash. */
    public String appResourceId() {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.App/containerApps/" + appName;
    }

    /** The credential to use: the one given, the environment token, or azure-identity's default chain. */
    public TokenCredential resolveCredential() {
        if (credential != null) {
            return credential;
        }
        if (tokenVariable != null) {
            return EnvironmentTokenCredential.forResourceManager(tokenVariable, environment, endpoint());
        }
        return new DefaultAzureCredentialBuilder().build();
    }

    /** Where the credential comes from, for toString and logs; never the secret itself. */
    public String credentialDescription() {
        return credentialDescription(credential, tokenVariable);
    }

    /** As {@link #credentialDescription()}, for a client that is not built from these settings. */
    public static String credentialDescription(TokenCredential credential, String tokenVariable) {
        if (credential != null) {
            return credential.getClass().getSimpleName();
        }
        return tokenVariable != null ? "bearer token from $" + VariableNames.shown(tokenVariable)
                : "DefaultAzureCredential";
    }

    /** The management endpoint, without a trailing slash. */
    public String endpoint() {
        if (managementEndpoint == null) {
            return AzureEnvironment.AZURE.getResourceManagerEndpoint().replaceAll("/+$", "");
        }
        return managementEndpoint.toString().replaceAll("/+$", "");
    }

    /** The Resource Manager profile: the public cloud, or the custom endpoint for both ARM and token scope. */
    public AzureProfile profile() {
        AzureEnvironment environment = managementEndpoint == null ? AzureEnvironment.AZURE
                : new AzureEnvironment(Map.of("resourceManagerEndpointUrl", endpoint(),
                        "managementEndpointUrl", endpoint()));
        return new AzureProfile(null, subscriptionId, environment);
    }

    /** The custom HTTP client, or null for the SDK's default (Netty). */
    public HttpClient httpClient() {
        return httpClient;
    }

    /**
     * The SDK's retry: exponential backoff, a Retry-After header honoured as sent, retrying 408, 429, 5xx and I/O
     * failures; never another 4xx.
     */
    public RetryOptions retryOptions() {
        return retryOptions(maxRetries, retryBaseDelay, retryMaxDelay);
    }

    /** As {@link #retryOptions()}, for a client that is not built from these settings (e.g. Log Analytics). */
    public static RetryOptions retryOptions(int maxRetries, Duration retryBaseDelay, Duration retryMaxDelay) {
        return new RetryOptions(new ExponentialBackoffOptions().setMaxRetries(maxRetries)
                .setBaseDelay(retryBaseDelay).setMaxDelay(retryMaxDelay))
                .setShouldRetryCondition(condition -> condition.getResponse() != null
                        ? isRetryableStatus(condition.getResponse().getStatusCode())
                        : isRetryableThrowable(condition.getThrowable()));
    }

    /** True for the statuses worth another try: 408, 429 and 5xx except 501 and 505 (which never change). */
    public static boolean isRetryableStatus(int status) {
        return status == 408 || status == 429 || status >= 500 && status != 501 && status != 505;
    }

    private static boolean isRetryableThrowable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IOException || c instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "subscription=" + subscriptionId + ", resourceGroup=" + resourceGroup + ", app=" + appName
                + ", endpoint=" + endpoint() + ", credential=" + credentialDescription();
    }
}
