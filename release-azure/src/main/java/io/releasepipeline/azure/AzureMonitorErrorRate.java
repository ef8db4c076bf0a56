package io.releasepipeline.azure;

import com.azure.core.util.Context;
import com.azure.monitor.query.MetricsQueryClient;
import com.azure.monitor.query.MetricsQueryClientBuilder;
import com.azure.monitor.query.models.AggregationType;
import com.azure.monitor.query.models.MetricResult;
import com.azure.monitor.query.models.MetricValue;
import com.azure.monitor.query.models.MetricsQueryOptions;
import com.azure.monitor.query.models.MetricsQueryResult;
import com.azure.monitor.query.models.QueryTimeInterval;
import com.azure.monitor.query.models.TimeSeriesElement;
import io.releasepipeline.azure.internal.ArmSettings;
import io.releasepipeline.azure.internal.AzureErrors;
import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.spi.ErrorRateReading;
import io.releasepipeline.spi.HealthSignalProvider;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A revision's 5xx rate from Azure Monitor: the Container App's {@code Requests} metric (namespace
 * {@code Microsoft.App/containerApps}, aggregation Total), filtered to the revision and split by
 * {@code statusCodeCategory}; errors are the {@code 5xx} series, requests the sum of all series. A window with no
 * request is {@link ErrorRateReading.NoData}, never a zero rate.
 *
 * <p>One GET per reading. Retries happen in the Azure SDK alone (429 and 5xx honouring {@code Retry-After}), so
 * {@link #retriesOwnCalls()} is true. Thread-safe: immutable after {@link Builder#build()}. Failures are
 * {@link AzureProviderException}s; no credential ever appears in a log line, a message or {@link #toString()}.
 */
public final class AzureMonitorErrorRate implements HealthSignalProvider {

    /** This provider's name in logs, events and evidence. */
    public static final String PROVIDER_NAME = "azure-monitor";
    /** The metric read. */
    public static final String METRIC = "Requests";
    /** The metric's namespace. */
    public static final String METRIC_NAMESPACE = "Microsoft.App/containerApps";
    /** The time grain asked of Azure Monitor: one minute, the metric's finest. */
    public static final Duration DEFAULT_GRANULARITY = Duration.ofMinutes(1);

    private final ArmSettings settings;
    private final Duration granularity;
    private final MetricsQueryClient client;

    private AzureMonitorErrorRate(ArmSettings settings, Duration granularity) {
        this.settings = settings;
        this.granularity = granularity;
        MetricsQueryClientBuilder builder = new MetricsQueryClientBuilder().endpoint(settings.endpoint())
                .credential(settings.resolveCredential()).retryOptions(settings.retryOptions());
        if (settings.httpClient() != null) {
            builder.httpClient(settings.httpClient());
        }
        this.client = builder.buildClient();
    }

    /**
     * A new builder. Not thread-safe; build once and share the provider.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String providerName() {
        return PROVIDER_NAME;
    }

    /** True: the Azure SDK retries 429, 5xx and I/O failures itself. */
    @Override
    public boolean retriesOwnCalls() {
        return true;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code to} is not after {@code from}, or the revision name contains a
     *         quote
     * @throws AzureProviderException if Azure Monitor cannot be read
     */
    @Override
    public ErrorRateReading errorRate(String revision, Instant from, Instant to) {
        Objects.requireNonNull(revision, "revision");
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("the window must end after it starts: " + from + " .. " + to);
        }
        if (revision.contains("'")) {
            throw new IllegalArgumentException("a revision name cannot contain a quote: " + revision);
        }
        MetricsQueryOptions options = new MetricsQueryOptions()
                .setMetricNamespace(METRIC_NAMESPACE)
                .setGranularity(granularity)
                .setAggregations(AggregationType.TOTAL)
                .setTimeInterval(new QueryTimeInterval(from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC)))
                .setFilter("revisionName eq '" + revision + "' and statusCodeCategory eq '*'");
        MetricsQueryResult result;
        try {
            // azure-monitor-query 1.5.2 would send "//subscriptions/..." for an id with its leading slash.
            result = client.queryResourceWithResponse(settings.appResourceId().substring(1), List.of(METRIC),
                    options, Context.NONE).getValue();
        } catch (RuntimeException e) {
            String operation = "errorRate(" + revision + ") of " + settings.appName();
            AzureProviderException failure = AzureErrors.translate(PROVIDER_NAME, operation, e);
            if (failure.statusCode() == 403) {
                throw new AzureProviderException(PROVIDER_NAME, operation, "Azure Monitor refused to read the "
                        + "app's metrics (403" + failure.errorCode().map(c -> " " + c).orElse("") + "): the identity "
                        + "lacks the Monitoring Reader role on " + settings.appResourceId() + ", so the error rate "
                        + "cannot be judged. Grant it: az role assignment create --assignee <the identity's object "
                        + "id> --role \"Monitoring Reader\" --scope " + settings.appResourceId()
                        + " (or on its resource group)", false, null, 403, failure.errorCode().orElse(null), e);
            }
            throw failure;
        }
        long requests = 0;
        long serverErrors = 0;
        for (MetricResult metric : result.getMetrics()) {
            for (TimeSeriesElement series : metric.getTimeSeries()) {
                long total = Math.round(series.getValues().stream().map(MetricValue::getTotal)
                        .filter(Objects::nonNull).mapToDouble(Double::doubleValue).sum());
                requests += total;
                if (category(series.getMetadata()).startsWith("5")) {
                    serverErrors += total;
                }
            }
        }
        if (requests < 1) {
            return new ErrorRateReading.NoData(revision, from, to, "Azure Monitor counted no requests to "
                    + revision + " in the window");
        }
        return new ErrorRateReading.Measured(revision, from, to, requests, Math.min(serverErrors, requests));
    }

    private static String category(Map<String, String> metadata) {
        if (metadata == null) {
            return "";
        }
        return metadata.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("statusCodeCategory"))
                .map(Map.Entry::getValue).filter(Objects::nonNull).findFirst().orElse("");
    }

    /** The app, the endpoint and where the credential comes from; never a secret. */
    @Override
    public String toString() {
        return "AzureMonitorErrorRate[" + settings + "]";
    }

    /**
     * Builds an {@link AzureMonitorErrorRate}. Setter order does not matter; {@link #build()} validates everything
     * at once. Not thread-safe.
     */
    public static final class Builder extends ArmClientBuilder<Builder> {

        private Duration granularity = DEFAULT_GRANULARITY;

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * The time grain asked of Azure Monitor. Default: {@link #DEFAULT_GRANULARITY}.
         *
         * @param granularity the time grain asked of Azure Monitor
         * @return this builder
         */
        public Builder granularity(Duration granularity) {
            this.granularity = granularity;
            return this;
        }

        /**
         * Validates and builds. Makes no network call.
         *
         * @return a new {@code AzureMonitorErrorRate} with this builder's settings
         * @throws InvalidConfigurationException listing every problem found
         */
        public AzureMonitorErrorRate build() {
            List<String> problems = new ArrayList<>();
            settings.validate(problems);
            ArmSettings.requirePositive(problems, "granularity", granularity);
            if (!problems.isEmpty()) {
                throw new InvalidConfigurationException("AzureMonitorErrorRate", problems);
            }
            return new AzureMonitorErrorRate(settings.copy(), granularity);
        }
    }
}
