package io.releasepipeline.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import io.releasepipeline.azure.internal.ArmSettings;
import java.net.URI;
import java.time.Duration;
import java.util.function.Function;

/**
 * The settings every Resource Manager client of this module shares: where the app is, who calls, how hard to
 * retry, which HTTP client. Not thread-safe.
 *
 * @param <B> the concrete builder, returned by every setter
 *
 * <p>Public so that wiring code can set the connection once for any Azure provider
 * ({@code <B extends ArmClientBuilder<B>> B connect(B builder)}); only this package's builders extend it.
 */
public abstract class ArmClientBuilder<B extends ArmClientBuilder<B>> {

    final ArmSettings settings = new ArmSettings();

    ArmClientBuilder() {
    }

    abstract B self();

    /**
     * The Azure subscription id. Required.
     *
     * @param subscriptionId the Azure subscription id
     * @return this builder
     */
    public B subscriptionId(String subscriptionId) {
        settings.subscriptionId(subscriptionId);
        return self();
    }

    /**
     * The app's resource group. Required.
     *
     * @param resourceGroup the app's resource group
     * @return this builder
     */
    public B resourceGroup(String resourceGroup) {
        settings.resourceGroup(resourceGroup);
        return self();
    }

    /**
     * The Container App's name. Required.
     *
     * @param appName the Container App's name
     * @return this builder
     */
    public B appName(String appName) {
        settings.appName(appName);
        return self();
    }

    /**
     * The credential for Resource Manager. Default: azure-identity's {@code DefaultAzureCredential}
     * (environment, workload identity, managed identity, Azure CLI...). Exclusive with
     * {@link #bearerTokenFromEnvironment(String)}.
     *
     * @param credential the credential for Resource Manager
     * @return this builder
     */
    public B credential(TokenCredential credential) {
        settings.credential(credential);
        return self();
    }

    /**
     * Uses an access token that a CI system already holds, read from environment variable {@code variable}
     * (e.g. {@code AZURE_ACCESS_TOKEN}, from {@code az account get-access-token}). {@code build()} fails if the
     * variable is unset or empty. The token is used for Resource Manager at the {@link #managementEndpoint} alone:
     * it is never handed to another service (a request for another scope, or a JWT issued for another audience, is
     * refused), and it ends at its JWT {@code exp} (an expired token is refused, not sent). The token is never
     * logged.
     *
     * @param variable the environment variable's name, e.g. {@code AZURE_ACCESS_TOKEN}
     * @return this builder
     */
    public B bearerTokenFromEnvironment(String variable) {
        settings.bearerTokenFromEnvironment(variable);
        return self();
    }

    /**
     * Where {@link #bearerTokenFromEnvironment(String)} reads its variable: an application's own view of the
     * environment (a command line tool that takes its variables from a file, a test). Default:
     * {@link System#getenv(String)}.
     *
     * @param environment variable name to value; null for an unset variable
     * @return this builder
     */
    public B environment(Function<String, String> environment) {
        settings.environment(environment);
        return self();
    }

    /**
     * The Resource Manager endpoint, for sovereign clouds and tests (must be https, without user info, query or
     * fragment; checked at {@code build()}, never echoing user info or a query). Tokens are requested for
     * {@code <endpoint>/.default}. Default: the public cloud, {@code https://management.azure.com}.
     *
     * @param endpoint the Resource Manager endpoint, for sovereign clouds and tests (must be https, without user info,
     *     query or fragment; checked at {@code build()}, never echoing user info or a query)
     * @return this builder
     */
    public B managementEndpoint(URI endpoint) {
        settings.managementEndpoint(endpoint);
        return self();
    }

    /**
     * The Azure SDK's retry of 408, 429, 5xx and I/O failures: at most {@code maxRetries} retries with
     * exponential delays from {@code baseDelay} up to {@code maxDelay}; a {@code Retry-After} header is honoured
     * as sent. Other 4xx are never retried. Defaults: {@link ContainerAppsPlatform#DEFAULT_MAX_RETRIES},
     * {@link ContainerAppsPlatform#DEFAULT_RETRY_BASE_DELAY}, {@link ContainerAppsPlatform#DEFAULT_RETRY_MAX_DELAY}.
     *
     * @param maxRetries retries after the first attempt, at least 0
     * @param baseDelay the first retry's delay, positive
     * @param maxDelay the longest delay between two attempts, at least {@code baseDelay}
     * @return this builder
     */
    public B retry(int maxRetries, Duration baseDelay, Duration maxDelay) {
        settings.retry(maxRetries, baseDelay, maxDelay);
        return self();
    }

    /**
     * The HTTP client, e.g. one with a proxy or trusting a test certificate. Default: the Azure SDK's Netty
     * client (which honours {@code -Djavax.net.ssl.trustStore}).
     *
     * @param httpClient the HTTP client, e.g. one with a proxy or trusting a test certificate
     * @return this builder
     */
    public B httpClient(HttpClient httpClient) {
        settings.httpClient(httpClient);
        return self();
    }
}
