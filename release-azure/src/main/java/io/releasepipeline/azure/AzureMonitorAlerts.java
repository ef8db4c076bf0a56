package io.releasepipeline.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.BearerTokenAuthenticationPolicy;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.core.http.policy.UserAgentPolicy;
import com.azure.core.management.exception.ManagementError;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.util.Context;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.releasepipeline.azure.internal.ArmSettings;
import io.releasepipeline.azure.internal.AzureErrors;
import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.spi.Alert;
import io.releasepipeline.spi.AlertSource;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Azure Monitor alerts fired on the Container App, polled from the Alerts Management API:
 * {@code GET {endpoint}/subscriptions/{sub}/providers/Microsoft.AlertsManagement/alerts?api-version=2019-05-05-preview
 * &targetResource={appResourceId}&monitorCondition=Fired&alertState=New&timeRange=1h}. Hand it to
 * {@code Triggers.builder().onAlerts(alerts)} to roll a release back when an alert rule on the app (a metric alert on
 * 5xx, a log alert) fires while a step is observed.
 *
 * <p>Each alert becomes an {@link Alert}: the alert's id, its rule's name, the severity ({@code Sev0}..{@code Sev4}),
 * {@code essentials.startDateTime} as the time it fired, the description, and on the public cloud a link to the
 * alert in the Azure portal. Only alerts still {@code New} count: one a person has acknowledged or closed does not
 * roll a release back.
 *
 * <p>One GET per poll (more only when the service pages its answer). The call goes through azure-core's HTTP
 * pipeline with the same credential, endpoint and retry as the module's other providers, so the Azure SDK retries
 * 429, 5xx and I/O failures itself, honouring {@code Retry-After}, and {@link #retriesOwnCalls()} is true. Thread-safe:
 * immutable after {@link Builder#build()}. Failures are {@link AzureProviderException}s; no credential ever appears in
 * a log line, a message or {@link #toString()}. Needs {@code Microsoft.AlertsManagement/alerts/read} on the app
 * (the built-in Monitoring Reader role has it).
 */
public final class AzureMonitorAlerts implements AlertSource {

    /** This provider's name in logs, events and evidence. */
    public static final String PROVIDER_NAME = "azure-monitor-alerts";
    /** The Alerts Management API version asked for. */
    public static final String API_VERSION = "2019-05-05-preview";
    /** The look-back asked of the service by default: {@code timeRange=1h}, the shortest it accepts. */
    public static final Duration DEFAULT_TIME_RANGE = Duration.ofHours(1);
    /** The look-backs the service accepts, with their query values. */
    private static final Map<Duration, String> TIME_RANGES = Map.of(Duration.ofHours(1), "1h", Duration.ofDays(1),
            "1d", Duration.ofDays(7), "7d", Duration.ofDays(30), "30d");
    /** How many pages of alerts one poll follows before it stops, so a misbehaving nextLink cannot loop forever. */
    static final int MAX_PAGES = 20;
    private static final String PUBLIC_CLOUD = "https://management.azure.com";
    private static final String PORTAL_ALERT = "https://portal.azure.com/#blade/Microsoft_Azure_Monitoring_Alerts/"
            + "AlertDetailsTemplateBlade/alertId/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ArmSettings settings;
    private final String timeRange;
    private final HttpPipeline pipeline;

    private AzureMonitorAlerts(ArmSettings settings, String timeRange) {
        this.settings = settings;
        this.timeRange = timeRange;
        // Retry before authentication, as the Azure SDK's own clients do, so that every attempt carries a token.
        this.pipeline = new HttpPipelineBuilder()
                .httpClient(settings.httpClient() != null ? settings.httpClient() : HttpClient.createDefault())
                .policies(new UserAgentPolicy("release-pipeline"), new RetryPolicy(settings.retryOptions()),
                        new BearerTokenAuthenticationPolicy(settings.resolveCredential(),
                                settings.endpoint() + "/.default"))
                .build();
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

    /** True: the Azure SDK's HTTP pipeline retries 429, 5xx and I/O failures itself. */
    @Override
    public boolean retriesOwnCalls() {
        return true;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Asks for the app's alerts that are Fired and New within the configured time range, and keeps those that
     * started at or after {@code since}. Blocks on I/O.
     *
     * @throws AzureProviderException if the alerts cannot be read (transient for 429, 5xx and I/O failures that
     *         outlasted the retries), or Azure answered with something that is not the alerts list
     */
    @Override
    public List<Alert> firing(Instant since) {
        String operation = "firing(since " + since + ") of " + settings.appName();
        List<Alert> alerts = new ArrayList<>();
        String url = firstPage();
        for (int page = 0; url != null && page < MAX_PAGES; page++) {
            JsonNode body = get(operation, url);
            for (JsonNode item : body.path("value")) {
                Alert alert = toAlert(operation, item);
                if (!alert.firedAt().isBefore(since)
                        && "Fired".equalsIgnoreCase(item.path("properties").path("essentials")
                                .path("monitorCondition").asText("Fired"))) {
                    alerts.add(alert);
                }
            }
            url = nextLink(operation, body);
        }
        return List.copyOf(alerts);
    }

    private String firstPage() {
        return settings.endpoint() + "/subscriptions/" + settings.subscriptionId()
                + "/providers/Microsoft.AlertsManagement/alerts?api-version=" + API_VERSION
                + "&targetResource=" + encode(settings.appResourceId())
                + "&monitorCondition=Fired&alertState=New&timeRange=" + timeRange;
    }

    private JsonNode get(String operation, String url) {
        HttpResponse response;
        try {
            response = pipeline.sendSync(new HttpRequest(HttpMethod.GET, url)
                    .setHeader("Accept", "application/json"), Context.NONE);
        } catch (RuntimeException e) {
            throw AzureErrors.translate(PROVIDER_NAME, operation, e);
        }
        try (response) {
            String text = response.getBodyAsBinaryData() == null ? "" : response.getBodyAsBinaryData().toString();
            if (response.getStatusCode() / 100 != 2) {
                throw AzureErrors.translate(PROVIDER_NAME, operation, serviceError(response, text));
            }
            try {
                JsonNode body = JSON.readTree(text);
                if (body == null || !body.isObject() || !body.path("value").isArray()) {
                    throw new AzureProviderException(PROVIDER_NAME, operation, "Azure answered HTTP "
                            + response.getStatusCode() + " without the alerts list ({\"value\":[...]}) expected; "
                            + "this call changed nothing", false, null, response.getStatusCode(), null, null);
                }
                return body;
            } catch (JsonProcessingException e) {
                throw AzureErrors.translate(PROVIDER_NAME, operation, e);
            }
        }
    }

    /** The service's error, as the Azure SDK's management clients would raise it. */
    private static ManagementException serviceError(HttpResponse response, String text) {
        ManagementError error = null;
        try {
            JsonNode body = JSON.readTree(text);
            JsonNode e = body != null && body.has("error") ? body.get("error") : body;
            if (e != null && e.hasNonNull("code")) {
                error = new ManagementError(e.path("code").asText(), e.path("message").asText(""));
            }
        } catch (JsonProcessingException notJson) {
            // Not every error is JSON (a proxy's HTML page); the status alone is still worth reporting.
        }
        String message = error != null ? error.getMessage()
                : "Status code " + response.getStatusCode() + (text.isBlank() ? "" : ", " + abbreviate(text));
        return new ManagementException(message, response, error);
    }

    private Alert toAlert(String operation, JsonNode item) {
        JsonNode essentials = item.path("properties").path("essentials");
        String id = item.path("id").asText(null);
        String started = essentials.path("startDateTime").asText(null);
        if (id == null || id.isBlank() || started == null) {
            throw new AzureProviderException(PROVIDER_NAME, operation, "Azure listed an alert without an id or a "
                    + "startDateTime (" + abbreviate(item.toString()) + "); this call changed nothing", false, null,
                    200, null, null);
        }
        Instant firedAt;
        try {
            firedAt = OffsetDateTime.parse(started).toInstant();
        } catch (DateTimeParseException e) {
            throw new AzureProviderException(PROVIDER_NAME, operation, "Azure listed alert " + id + " with a "
                    + "startDateTime that is not a date-time: " + started, false, null, 200, null, e);
        }
        return new Alert(id, ruleName(item, essentials), essentials.path("severity").asText(""), firedAt,
                essentials.path("description").asText(""), portalUrl(id));
    }

    /**
     * The alert rule's name: the alert's own name (Azure names an alert after its rule), else the last segment of
     * the rule's resource id in {@code essentials.alertRule}.
     */
    private static String ruleName(JsonNode item, JsonNode essentials) {
        String name = item.path("name").asText("");
        if (!name.isBlank()) {
            return name;
        }
        String rule = essentials.path("alertRule").asText("");
        if (rule.startsWith("/")) {
            return rule.substring(rule.lastIndexOf('/') + 1);
        }
        return rule.isBlank() ? "unnamed alert rule" : rule;
    }

    /** A link to the alert in the Azure portal; only known for the public cloud. */
    private Optional<String> portalUrl(String alertId) {
        if (!settings.endpoint().equalsIgnoreCase(PUBLIC_CLOUD)) {
            return Optional.empty();
        }
        return Optional.of(PORTAL_ALERT + encode(alertId));
    }

    /** The next page, which must be on the endpoint's host: the bearer token never goes anywhere else. */
    private String nextLink(String operation, JsonNode body) {
        String next = body.path("nextLink").asText("");
        if (next.isBlank()) {
            return null;
        }
        URI nextUri;
        URI endpoint = URI.create(settings.endpoint());
        try {
            nextUri = URI.create(next);
        } catch (IllegalArgumentException e) {
            throw new AzureProviderException(PROVIDER_NAME, operation, "Azure sent a nextLink that is not a URL",
                    false, null, 200, null, e);
        }
        if (!"https".equalsIgnoreCase(nextUri.getScheme()) || nextUri.getHost() == null
                || !nextUri.getHost().equalsIgnoreCase(endpoint.getHost()) || nextUri.getPort() != endpoint.getPort()) {
            throw new AzureProviderException(PROVIDER_NAME, operation, "Azure sent a nextLink to another host ("
                    + nextUri.getHost() + "); not following it with the access token", false, null, 200, null, null);
        }
        return next;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ").trim();
        return one.length() <= 200 ? one : one.substring(0, 200) + "...";
    }

    /** The app, the endpoint, the time range and where the credential comes from; never a secret. */
    @Override
    public String toString() {
        return "AzureMonitorAlerts[" + settings + ", timeRange=" + timeRange + "]";
    }

    /**
     * Builds an {@link AzureMonitorAlerts}. Setter order does not matter; {@link #build()} validates everything at
     * once. Not thread-safe.
     */
    public static final class Builder extends ArmClientBuilder<Builder> {

        private Duration timeRange = DEFAULT_TIME_RANGE;

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * How far back the service looks for alerts: 1 hour, 1 day, 7 days or 30 days (the values its
         * {@code timeRange} accepts). Default: {@link #DEFAULT_TIME_RANGE}; an alert older than that is no news to
         * a release polling every half minute.
         *
         * @param timeRange how far back the service looks for alerts: 1 hour, 1 day, 7 days or 30 days (the values its
         *     {@code timeRange} accepts)
         * @return this builder
         */
        public Builder timeRange(Duration timeRange) {
            this.timeRange = timeRange;
            return this;
        }

        /**
         * Validates and builds. Makes no network call.
         *
         * @return a new {@code AzureMonitorAlerts} with this builder's settings
         * @throws InvalidConfigurationException listing every problem found
         */
        public AzureMonitorAlerts build() {
            List<String> problems = new ArrayList<>();
            settings.validate(problems);
            if (timeRange == null || !TIME_RANGES.containsKey(timeRange)) {
                problems.add("timeRange: must be 1 hour, 1 day, 7 days or 30 days (the values Azure Monitor "
                        + "accepts), got " + (timeRange == null ? null : timeRange.toString().toLowerCase(Locale.ROOT)));
            }
            if (!problems.isEmpty()) {
                throw new InvalidConfigurationException("AzureMonitorAlerts", problems);
            }
            return new AzureMonitorAlerts(settings.copy(), TIME_RANGES.get(timeRange));
        }
    }
}
