package io.releasepipeline.spi;

/**
 * What every provider has in common.
 */
public interface Provider {

    /**
     * A short, stable name for logs, events and evidence, e.g. {@code "azure-container-apps"}.
     *
     * @return a short, stable name for logs, events and evidence, e.g. {@code "azure-container-apps"}
     */
    String providerName();

    /**
     * True when this provider's own client already retries transient failures (the Azure SDK does, with its
     * {@code RetryOptions}). The engine then does not add a retry layer on top, so that retries happen in one
     * layer only; it still applies its circuit breaker. Default: false, the engine retries transient
     * {@link io.releasepipeline.error.ProviderException}s.
     *
     * @return true when this provider's own client already retries transient failures (the Azure SDK does, with its
     *     {@code RetryOptions})
     */
    default boolean retriesOwnCalls() {
        return false;
    }
}
