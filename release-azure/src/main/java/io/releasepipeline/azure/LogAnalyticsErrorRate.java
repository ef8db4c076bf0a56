package io.releasepipeline.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpClient;
import com.azure.core.models.ResponseError;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.monitor.query.LogsQueryClient;
import com.azure.monitor.query.LogsQueryClientBuilder;
import com.azure.monitor.query.models.LogsColumnType;
import com.azure.monitor.query.models.LogsQueryOptions;
import com.azure.monitor.query.models.LogsQueryResult;
import com.azure.monitor.query.models.LogsTable;
import com.azure.monitor.query.models.LogsTableCell;
import com.azure.monitor.query.models.LogsTableRow;
import com.azure.monitor.query.models.QueryTimeInterval;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.releasepipeline.azure.internal.ArmSettings;
import io.releasepipeline.azure.internal.AzureErrors;
import io.releasepipeline.azure.internal.EnvironmentTokenCredential;
import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.format.Format;
import io.releasepipeline.spi.ErrorRateReading;
import io.releasepipeline.spi.HealthSignalProvider;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A revision's 5xx rate from a Log Analytics workspace: a KQL query run through azure-monitor-query's
 * {@link LogsQueryClient} ({@code POST {endpoint}/workspaces/{workspaceId}/query} with {@code {query, timespan}}).
 *
 * <p><b>The query.</b> By default {@link #DEFAULT_QUERY}, for workspace-based Application Insights: the
 * {@code AppRequests} table, the requests served by a replica of the revision, counted, and those whose
 * {@code ResultCode} (a string) starts with 5. A Container Apps replica is named
 * {@code <revision>-<replica set hash>-<pod suffix>} (e.g. {@code myapp--0wlqy09-5d9774cff-5wnd8}), and Application
 * Insights (the Java agent, the Azure Monitor OpenTelemetry distro) records the host name, which is the replica's
 * name, as {@code AppRoleInstance} ({@code cloud_RoleInstance}); {@code AppRoleName} is the app or whatever
 * OpenTelemetry's {@code service.name} says, so it is not used. The default query keeps the rows whose
 * {@code AppRoleInstance} is the revision's name followed by exactly two more dash-separated parts, so that revision
 * {@code app--v1} never counts the replicas of {@code app--v1-hotfix}. An app that sets its role instance otherwise
 * (e.g. {@code service.instance.id}) gives its own query ({@link Builder#query(String)}), e.g. filtering on a custom
 * dimension that holds {@code CONTAINER_APP_REVISION}.
 *
 * <p>A query names its values with placeholders: {@value #REVISION} (required) becomes the revision as a KQL string
 * literal, escaped, so that a revision name can never change the query; {@value #FROM} and {@value #TO} become the
 * judged interval's ends as {@code datetime(...)} literals. Any other {@code {{name}}} is a configuration error at
 * {@link Builder#build()}. The query must answer one table of at most one row, with a {@value #REQUESTS_COLUMN} and a
 * {@value #SERVER_ERRORS_COLUMN} column of type long or int; another shape is refused with the columns it had
 * ({@link #verifyQuery} checks it before a release changes anything). The request's {@code timespan} is the judged
 * interval too, so the service reads nothing outside it whatever the query says.
 *
 * <p><b>Ingestion delay.</b> Log records are queryable minutes after the request (Microsoft documents an average
 * ingestion latency of 20 s to 3 min, and 2 to 5 min for Application Insights data as it is batched by the SDK), so
 * a window that ends now would read a part of its last minutes as "no requests". The interval read is therefore the
 * window asked for shifted back by {@link Builder#ingestionDelay(Duration)} (default
 * {@link #DEFAULT_INGESTION_DELAY}), and each reading's {@code from} and {@code to} are that interval, the one
 * actually judged, for the evidence.
 *
 * <p>No row, or zero requests, is {@link ErrorRateReading.NoData}, never a zero rate. One POST per reading; retries
 * of 408, 429 (honouring {@code Retry-After}), 5xx and I/O failures happen in the Azure SDK, so
 * {@link #retriesOwnCalls()} is true. Failures are {@link AzureProviderException}s: a partial result (the API's
 * {@code error} next to {@code tables}) is never judged; no message holds the bearer token. Thread-safe: immutable
 * after {@link Builder#build()}.
 */
public final class LogAnalyticsErrorRate implements HealthSignalProvider {

    /** This provider's name in logs, events and evidence. */
    public static final String PROVIDER_NAME = "log-analytics";
    /** The public cloud's Log Analytics query API. */
    public static final URI DEFAULT_ENDPOINT = URI.create("https://api.loganalytics.io/v1");
    /**
     * How far back the judged interval is shifted: 3 minutes, the upper end of Azure Monitor's documented average
     * log ingestion latency, so that the interval read is (nearly) complete; a longer delay delays every verdict by
     * as much.
     */
    public static final Duration DEFAULT_INGESTION_DELAY = Duration.ofMinutes(3);
    /** How long the service may run one query ({@code Prefer: wait=}), and the client waits 5 s more. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** The placeholder of the revision, substituted as a KQL string literal. */
    public static final String REVISION = "{{revision}}";
    /** The placeholder of the judged interval's start, substituted as a KQL {@code datetime(...)} literal. */
    public static final String FROM = "{{from}}";
    /** The placeholder of the judged interval's end (exclusive), substituted as a KQL {@code datetime(...)}. */
    public static final String TO = "{{to}}";
    /** The column holding the number of requests. */
    public static final String REQUESTS_COLUMN = "requests";
    /** The column holding the number of requests answered 5xx. */
    public static final String SERVER_ERRORS_COLUMN = "serverErrors";
    /** The query used unless another is given: see the class documentation. */
    public static final String DEFAULT_QUERY = """
            AppRequests
            | where TimeGenerated >= {{from}} and TimeGenerated < {{to}}
            | where AppRoleInstance startswith strcat({{revision}}, "-")
            | where substring(AppRoleInstance, strlen({{revision}}) + 1) matches regex "^[a-z0-9]+-[a-z0-9]+$"
            | summarize requests = count(), serverErrors = countif(ResultCode startswith "5")
            """;

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^{}]*?)\\s*\\}\\}");
    private static final Set<String> PLACEHOLDERS = Set.of("revision", "from", "to");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String workspaceId;
    private final URI endpoint;
    private final String query;
    private final Duration ingestionDelay;
    private final Duration requestTimeout;
    private final String credentialDescription;
    private final LogsQueryClient client;

    private LogAnalyticsErrorRate(Builder b, TokenCredential credential) {
        this.workspaceId = b.workspaceId;
        this.endpoint = b.endpoint;
        this.query = b.query;
        this.ingestionDelay = b.ingestionDelay;
        this.requestTimeout = b.requestTimeout;
        this.credentialDescription = ArmSettings.credentialDescription(b.credential, b.tokenVariable);
        LogsQueryClientBuilder builder = new LogsQueryClientBuilder()
                .endpoint(endpoint.toString().replaceAll("/+$", "")).credential(credential)
                .retryOptions(ArmSettings.retryOptions(b.maxRetries, b.retryBaseDelay, b.retryMaxDelay));
        if (b.httpClient != null) {
            builder.httpClient(b.httpClient);
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

    /** True: the Azure SDK retries 408, 429, 5xx and I/O failures itself. */
    @Override
    public boolean retriesOwnCalls() {
        return true;
    }

    /**
     * The ingestion delay: how far back each reading's interval is shifted from the window asked for.
     *
     * @return the ingestion delay: how far back each reading's interval is shifted from the window asked for
     */
    public Duration ingestionDelay() {
        return ingestionDelay;
    }

    /** The {@link #ingestionDelay()}: each reading judges the window asked for shifted back by it. */
    @Override
    public Duration readsBehind() {
        return ingestionDelay;
    }

    /**
     * {@inheritDoc} The reading's {@code from} and {@code to} are the interval judged: {@code from} and {@code to}
     * shifted back by the {@link #ingestionDelay()}.
     *
     * @throws IllegalArgumentException if {@code to} is not after {@code from}, or the revision name is empty or
     *         holds a control character
     * @throws AzureProviderException if the workspace cannot be read, the result is partial, or the query answers
     *         another shape than one row of {@value #REQUESTS_COLUMN} and {@value #SERVER_ERRORS_COLUMN}
     */
    @Override
    public ErrorRateReading errorRate(String revision, Instant from, Instant to) {
        String operation = "errorRate(" + revision + ") from workspace " + workspaceId;
        try {
            return read(revision, from, to, operation, false);
        } catch (ShapeProblem e) {
            throw new AzureProviderException(PROVIDER_NAME, operation, e.getMessage(), false, null, 0, null, null);
        }
    }

    /**
     * Runs the query once, as {@link #errorRate} does, to check before a release changes anything that the
     * workspace can be read and that the query answers the shape this provider needs.
     *
     * @param revision the revision to query, as the placeholder {@value #REVISION} receives it
     * @param from the window's start
     * @param to the window's end, after {@code from}
     * @return the reading, as {@link #errorRate} returns it
     * @throws InvalidConfigurationException if the query answers another shape (problem path {@code query}), or no
     *         row (whose columns cannot be checked); the message lists the columns it answered
     * @throws AzureProviderException if the workspace cannot be read (a refused token, a query the service rejects)
     */
    public ErrorRateReading verifyQuery(String revision, Instant from, Instant to) {
        try {
            return read(revision, from, to, "verifyQuery(" + revision + ") on workspace " + workspaceId, true);
        } catch (ShapeProblem e) {
            throw new InvalidConfigurationException("LogAnalyticsErrorRate", List.of("query: " + e.getMessage()));
        }
    }

    private ErrorRateReading read(String revision, Instant from, Instant to, String operation, boolean strict) {
        Objects.requireNonNull(revision, "revision");
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("the window must end after it starts: " + from + " .. " + to);
        }
        Instant judgedFrom = from.minus(ingestionDelay);
        Instant judgedTo = to.minus(ingestionDelay);
        String kql = render(query, revision, judgedFrom, judgedTo);
        LogsQueryResult result;
        try {
            result = client.queryWorkspaceWithResponse(workspaceId, kql,
                    new QueryTimeInterval(judgedFrom.atOffset(ZoneOffset.UTC), judgedTo.atOffset(ZoneOffset.UTC)),
                    new LogsQueryOptions().setServerTimeout(requestTimeout), Context.NONE).getValue();
        } catch (RuntimeException e) {
            throw translate(operation, e);
        }
        // Second precision, as the rest of the evidence writes instants; the query itself uses the exact interval.
        String interval = judgedFrom.truncatedTo(ChronoUnit.SECONDS) + " .. "
                + judgedTo.truncatedTo(ChronoUnit.SECONDS);
        ResponseError partial = result.getError();
        if (partial != null) {
            throw new AzureProviderException(PROVIDER_NAME, operation, "Log Analytics answered with an error"
                    + (result.getAllTables() == null || result.getAllTables().isEmpty() ? "" : " next to its tables "
                    + "(a partial result, which is never judged)") + ": " + partial.getCode() + ": "
                    + AzureErrors.firstLine(partial.getMessage()) + "; the interval " + interval + " was not judged",
                    true, null, 200, partial.getCode(), null);
        }
        List<LogsTable> tables = result.getAllTables() == null ? List.of() : result.getAllTables();
        if (tables.isEmpty()) {
            throw new ShapeProblem("the query answered no table; it must answer one row with columns "
                    + REQUESTS_COLUMN + " and " + SERVER_ERRORS_COLUMN + " (long), e.g. end it with | summarize "
                    + REQUESTS_COLUMN + " = count(), " + SERVER_ERRORS_COLUMN
                    + " = countif(ResultCode startswith \"5\")");
        }
        LogsTable table = tables.get(0);
        List<LogsTableRow> rows = table.getRows();
        if (rows.size() > 1) {
            throw new ShapeProblem("the query answered " + rows.size() + " rows; it must answer at most one (a "
                    + "summarize without 'by'), with columns " + REQUESTS_COLUMN + " and " + SERVER_ERRORS_COLUMN);
        }
        if (rows.isEmpty()) {
            if (strict) {
                // The SDK gives a table's columns through its cells: with no row they cannot be checked.
                throw new ShapeProblem("the query answered no row, so its columns could not be checked; it must "
                        + "answer one row (end it with a summarize without 'by', which answers one row even when "
                        + "nothing matched) with columns " + REQUESTS_COLUMN + " and " + SERVER_ERRORS_COLUMN);
            }
            return new ErrorRateReading.NoData(revision, judgedFrom, judgedTo, "Log Analytics answered no row for "
                    + revision + " in " + interval);
        }
        List<LogsTableCell> cells = rows.get(0).getRow();
        int requestsAt = column(cells, REQUESTS_COLUMN);
        int errorsAt = column(cells, SERVER_ERRORS_COLUMN);
        long requests = value(rows.get(0), requestsAt, REQUESTS_COLUMN);
        long serverErrors = value(rows.get(0), errorsAt, SERVER_ERRORS_COLUMN);
        if (requests < 0 || serverErrors < 0 || serverErrors > requests) {
            throw new ShapeProblem("the query answered " + REQUESTS_COLUMN + " = " + requests + " and "
                    + SERVER_ERRORS_COLUMN + " = " + serverErrors + "; it must count the 5xx among the requests it "
                    + "counts (0 <= " + SERVER_ERRORS_COLUMN + " <= " + REQUESTS_COLUMN + ")");
        }
        if (requests == 0) {
            return new ErrorRateReading.NoData(revision, judgedFrom, judgedTo, "Log Analytics counted no requests to "
                    + revision + " in " + interval + " (read " + Format.duration(ingestionDelay)
                    + " behind, for ingestion)");
        }
        return new ErrorRateReading.Measured(revision, judgedFrom, judgedTo, requests, serverErrors);
    }

    private static int column(List<LogsTableCell> columns, String name) {
        for (int i = 0; i < columns.size(); i++) {
            LogsTableCell c = columns.get(i);
            if (name.equals(c.getColumnName())) {
                LogsColumnType type = c.getColumnType();
                if (!LogsColumnType.LONG.equals(type) && !LogsColumnType.INT.equals(type)) {
                    throw new ShapeProblem("the query's column " + name + " is of type " + type + "; it must be "
                            + "long or int (a count), answered columns " + describe(columns));
                }
                return i;
            }
        }
        throw new ShapeProblem("the query answered no column " + name + "; it must answer columns "
                + REQUESTS_COLUMN + " and " + SERVER_ERRORS_COLUMN + " (long), answered columns "
                + describe(columns));
    }

    private static String describe(List<LogsTableCell> columns) {
        List<String> shown = new ArrayList<>();
        columns.forEach(c -> shown.add(c.getColumnName() + " (" + c.getColumnType() + ")"));
        return shown.toString();
    }

    private static long value(LogsTableRow row, int index, String name) {
        LogsTableCell cell = row.getRow().get(index);
        String text = cell.getValueAsString();
        if (text == null || text.isBlank()) {
            return 0;
        }
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new ShapeProblem("the query's column " + name + " holds '" + text + "', not a count");
        }
    }

    /**
     * {@code query} with its placeholders replaced: the revision as a KQL string literal, the interval's ends as
     * {@code datetime(...)} literals.
     *
     * @throws IllegalArgumentException if the revision is empty or holds a control character
     */
    static String render(String query, String revision, Instant from, Instant to) {
        String literal = kqlString(revision);
        Matcher m = PLACEHOLDER.matcher(query);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = switch (m.group(1)) {
                case "revision" -> literal;
                case "from" -> "datetime(" + from + ")";
                case "to" -> "datetime(" + to + ")";
                default -> throw new IllegalStateException("unknown placeholder " + m.group());
            };
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * {@code value} as a double-quoted KQL string literal: backslashes and double quotes escaped, so that nothing in
     * it can end the literal.
     *
     * @throws IllegalArgumentException if {@code value} is empty or holds a control character
     */
    static String kqlString(String value) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("the revision name is empty");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new IllegalArgumentException("a revision name cannot hold a control character (at index " + i
                        + ")");
            }
        }
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * Every problem with {@code query}'s placeholders, each as {@code query: ...}: an unknown placeholder, no
     * {@value #REVISION}, a blank query. Checked by {@link Builder#build()}; public so that configuration readers can
     * report them with their own keys before building. Stateless.
     *
     * @param query the KQL query, with its placeholders
     * @return every problem with {@code query}'s placeholders, each as {@code query: ...}: an unknown placeholder, no
     *     {@value #REVISION}, a blank query
     */
    public static List<String> queryProblems(String query) {
        List<String> problems = new ArrayList<>();
        if (query == null || query.isBlank()) {
            problems.add("query: required (a KQL query; the default is LogAnalyticsErrorRate.DEFAULT_QUERY)");
            return problems;
        }
        Set<String> unknown = new LinkedHashSet<>();
        boolean revision = false;
        Matcher m = PLACEHOLDER.matcher(query);
        while (m.find()) {
            if (PLACEHOLDERS.contains(m.group(1))) {
                revision |= m.group(1).equals("revision");
            } else {
                unknown.add(m.group());
            }
        }
        if (!unknown.isEmpty()) {
            problems.add("query: unknown placeholder" + (unknown.size() == 1 ? " " : "s ") + String.join(", ", unknown)
                    + "; the placeholders are " + REVISION + ", " + FROM + " and " + TO);
        }
        if (!revision) {
            problems.add("query: must use the placeholder " + REVISION + " (the revision, as a KQL string literal), "
                    + "or it would read every revision's requests as this one's; e.g. | where AppRoleInstance "
                    + "startswith strcat(" + REVISION + ", \"-\")");
        }
        return problems;
    }

    private AzureProviderException translate(String operation, RuntimeException e) {
        HttpResponseException http = AzureErrors.find(e, HttpResponseException.class);
        if (http == null || http.getResponse() == null) {
            return AzureErrors.translate(PROVIDER_NAME, operation, e);
        }
        int status = http.getResponse().getStatusCode();
        if (status / 100 == 2) {
            return AzureErrors.translate(PROVIDER_NAME, operation, e);
        }
        ServiceError error = ServiceError.of(http);
        String code = error.code().orElse(http.getResponse().getHeaderValue("x-ms-error-code"));
        boolean retryable = ArmSettings.isRetryableStatus(status);
        StringBuilder message = new StringBuilder("HTTP ").append(status);
        if (code != null) {
            message.append(' ').append(code);
        }
        message.append(": ").append(error.message().orElse(AzureErrors.firstLine(http.getMessage())));
        message.append(switch (status) {
            case 400 -> " (the query was refused: fix it, e.g. try it in the workspace's Logs blade with the "
                    + "placeholders filled in)";
            case 401 -> " (the access token was refused: is it expired or for another tenant?)";
            case 403 -> code != null && code.contains("Audience")
                    ? " (the token was issued for another service: get one for " + EnvironmentTokenCredential
                            .LOG_ANALYTICS_AUDIENCE + ", e.g. az account get-access-token --resource "
                            + EnvironmentTokenCredential.LOG_ANALYTICS_AUDIENCE + ")"
                    : " (the identity cannot read workspace " + workspaceId + ": grant it the Log Analytics Reader "
                            + "role on the workspace, e.g. az role assignment create --assignee <object id> --role "
                            + "\"Log Analytics Reader\" --scope <the workspace's resource id>)";
            case 404 -> " (no workspace " + workspaceId + " at " + endpoint + ": give the workspace id, a GUID, "
                    + "shown as Workspace ID on the workspace's overview)";
            case 429 -> " (throttled; still throttled after the configured retries)";
            default -> retryable ? " (still failing after the configured retries)" : "";
        });
        return new AzureProviderException(PROVIDER_NAME, operation, message.toString(), retryable,
                AzureErrors.retryAfter(http.getResponse()), status, code, e);
    }

    /** The workspace, endpoint, ingestion delay and where the credential comes from; never a secret. */
    @Override
    public String toString() {
        return "LogAnalyticsErrorRate[workspace=" + workspaceId + ", endpoint=" + endpoint + ", ingestionDelay="
                + ingestionDelay + ", credential=" + credentialDescription + "]";
    }

    /** A query answering another shape than this provider reads. */
    private static final class ShapeProblem extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ShapeProblem(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The API's error object ({@code {"error":{"code","message","innererror":{...}}}}): the top code, and its message
     * followed by the innermost error's, which says what is wrong with a query (e.g. where it could not be parsed).
     */
    private record ServiceError(Optional<String> code, Optional<String> message) {

        static ServiceError of(HttpResponseException e) {
            JsonNode error;
            try {
                Object value = e.getValue();
                JsonNode root = value == null ? null : JSON.readTree(value instanceof String s ? s
                        : BinaryData.fromObject(value).toString());
                error = root == null ? null : root.has("error") ? root.get("error") : root;
            } catch (java.io.IOException | RuntimeException unreadable) {
                error = null;
            }
            if (error == null || !error.isObject()) {
                return new ServiceError(Optional.empty(), Optional.empty());
            }
            Optional<String> code = text(error, "code");
            List<String> messages = new ArrayList<>();
            text(error, "message").ifPresent(messages::add);
            JsonNode inner = error.path("innererror");
            JsonNode innermost = null;
            while (inner.isObject()) {
                innermost = inner;
                inner = inner.path("innererror");
            }
            if (innermost != null) {
                String innerText = text(innermost, "code").map(c -> c + ": ").orElse("")
                        + text(innermost, "message").orElse("");
                if (!innerText.isBlank()) {
                    messages.add(innerText);
                }
            }
            return new ServiceError(code, messages.isEmpty() ? Optional.empty()
                    : Optional.of(AzureErrors.firstLine(String.join("; ", messages))));
        }

        private static Optional<String> text(JsonNode node, String field) {
            JsonNode v = node.path(field);
            return v.isTextual() && !v.asText().isBlank() ? Optional.of(v.asText()) : Optional.empty();
        }
    }

    /**
     * Builds a {@link LogAnalyticsErrorRate}. Setter order does not matter; {@link #build()} validates everything
     * at once. Not thread-safe.
     */
    public static final class Builder {

        private String workspaceId;
        private URI endpoint = DEFAULT_ENDPOINT;
        private String query = DEFAULT_QUERY;
        private Duration ingestionDelay = DEFAULT_INGESTION_DELAY;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private TokenCredential credential;
        private String tokenVariable;
        private Function<String, String> environment = System::getenv;
        private int maxRetries = ArmSettings.DEFAULT_MAX_RETRIES;
        private Duration retryBaseDelay = ArmSettings.DEFAULT_RETRY_BASE_DELAY;
        private Duration retryMaxDelay = ArmSettings.DEFAULT_RETRY_MAX_DELAY;
        private HttpClient httpClient;

        private Builder() {
        }

        /**
         * The workspace's id (its Workspace ID, a GUID, not its resource id). Required.
         *
         * @param workspaceId the workspace's id (its Workspace ID, a GUID, not its resource id)
         * @return this builder
         */
        public Builder workspaceId(String workspaceId) {
            this.workspaceId = workspaceId;
            return this;
        }

        /**
         * The query API's root, for sovereign clouds and tests: https, without user info, query or fragment; the
         * token is asked for {@code https://<its host>/.default}. Default: {@link #DEFAULT_ENDPOINT}.
         *
         * @param endpoint the query API's root, for sovereign clouds and tests: https, without user info, query or
         *     fragment; the token is asked for {@code https://<its host>/.default}
         * @return this builder
         */
        public Builder endpoint(URI endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /**
         * The KQL query, with the placeholders {@value LogAnalyticsErrorRate#REVISION} (required),
         * {@value LogAnalyticsErrorRate#FROM} and {@value LogAnalyticsErrorRate#TO}; it must answer one row with
         * columns {@value LogAnalyticsErrorRate#REQUESTS_COLUMN} and
         * {@value LogAnalyticsErrorRate#SERVER_ERRORS_COLUMN}. Default: {@link LogAnalyticsErrorRate#DEFAULT_QUERY}.
         *
         * @param query the KQL query, with the placeholders {@value LogAnalyticsErrorRate#REVISION} (required),
         *     {@value LogAnalyticsErrorRate#FROM} and {@value LogAnalyticsErrorRate#TO}; it must answer one row with
         *     columns {@value LogAnalyticsErrorRate#REQUESTS_COLUMN} and {@value
         *     LogAnalyticsErrorRate#SERVER_ERRORS_COLUMN}
         * @return this builder
         */
        public Builder query(String query) {
            this.query = query;
            return this;
        }

        /**
         * How far back the interval read is shifted from the window asked for, so that its logs have been ingested.
         * Zero reads the window as asked. Default: {@link LogAnalyticsErrorRate#DEFAULT_INGESTION_DELAY}.
         *
         * @param ingestionDelay how far back the interval read is shifted from the window asked for, so that its logs
         *     have been ingested
         * @return this builder
         */
        public Builder ingestionDelay(Duration ingestionDelay) {
            this.ingestionDelay = ingestionDelay;
            return this;
        }

        /**
         * How long the service may run one query (sent as {@code Prefer: wait=<seconds>}; the client gives up 5 s
         * later). Whole seconds, at least 1. Default: {@link LogAnalyticsErrorRate#DEFAULT_REQUEST_TIMEOUT}.
         *
         * @param requestTimeout how long the service may run one query (sent as {@code Prefer: wait=<seconds>}; the
         *     client gives up 5 s later)
         * @return this builder
         */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /**
         * The credential, asked for the query API's scope. Default: azure-identity's {@code DefaultAzureCredential}.
         * Exclusive with {@link #bearerTokenFromEnvironment(String)}. The identity needs Log Analytics Reader (or
         * Reader) on the workspace.
         *
         * @param credential the credential, asked for the query API's scope
         * @return this builder
         */
        public Builder credential(TokenCredential credential) {
            this.credential = credential;
            return this;
        }

        /**
         * Uses a Log Analytics access token that a CI system already holds, read from environment variable
         * {@code variable} (e.g. from {@code az account get-access-token --resource https://api.loganalytics.io}).
         * It is sent to the query API alone: a token issued for another audience (a Resource Manager token) is
         * refused, not sent, and so is an expired one. {@code build()} fails if the variable is unset or empty. The
         * token is never logged. Exclusive with {@link #credential(TokenCredential)}.
         *
         * @param variable the environment variable's name
         * @return this builder
         */
        public Builder bearerTokenFromEnvironment(String variable) {
            this.tokenVariable = variable;
            return this;
        }

        /**
         * Where {@link #bearerTokenFromEnvironment(String)} reads its variable. Default: {@link System#getenv}.
         *
         * @param environment variable name to value; null for an unset variable
         * @return this builder
         */
        public Builder environment(Function<String, String> environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /**
         * The Azure SDK's retry of 408, 429, 5xx and I/O failures: at most {@code maxRetries} retries with
         * exponential delays from {@code baseDelay} up to {@code maxDelay}; a {@code Retry-After} header is honoured
         * as sent. Defaults: 3 retries, 800 ms, 8 s (the SDK's own).
         *
         * @param maxRetries retries after the first attempt, at least 0
         * @param baseDelay the first retry's delay, positive
         * @param maxDelay the longest delay between two attempts, at least {@code baseDelay}
         * @return this builder
         */
        public Builder retry(int maxRetries, Duration baseDelay, Duration maxDelay) {
            this.maxRetries = maxRetries;
            this.retryBaseDelay = baseDelay;
            this.retryMaxDelay = maxDelay;
            return this;
        }

        /**
         * The HTTP client, e.g. one with a proxy. Default: the Azure SDK's Netty client.
         *
         * @param httpClient the HTTP client, e.g. one with a proxy
         * @return this builder
         */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = httpClient;
            return this;
        }

        /**
         * Validates and builds. Makes no network call ({@link LogAnalyticsErrorRate#verifyQuery} makes one).
         *
         * @return a new {@code LogAnalyticsErrorRate} with this builder's settings
         * @throws InvalidConfigurationException listing every problem found
         */
        public LogAnalyticsErrorRate build() {
            List<String> problems = new ArrayList<>();
            if (workspaceId == null || workspaceId.isBlank()) {
                problems.add("workspaceId: required (the workspace's Workspace ID, a GUID)");
            } else if (!workspaceId.matches("[A-Za-z0-9-]{1,64}")) {
                problems.add("workspaceId: must be the workspace's id (a GUID such as "
                        + "1234abcd-def8-765a-9abc-def1234abcde), got '" + workspaceId + "'");
            }
            if (endpoint == null) {
                problems.add("endpoint: required");
            } else {
                ArmSettings.httpsEndpointProblem(endpoint).ifPresent(p -> problems.add("endpoint: " + p));
            }
            problems.addAll(queryProblems(query));
            if (ingestionDelay == null || ingestionDelay.isNegative()) {
                problems.add("ingestionDelay: must be zero or positive, got " + ingestionDelay);
            }
            if (requestTimeout == null || requestTimeout.toSeconds() < 1) {
                problems.add("requestTimeout: must be at least 1s, got " + requestTimeout);
            }
            ArmSettings.credentialProblems(problems, credential, tokenVariable, environment, "export a Log Analytics "
                    + "access token in it (az account get-access-token --resource https://api.loganalytics.io) or use "
                    + "credential(...)");
            if (maxRetries < 0) {
                problems.add("retry: maxRetries must be >= 0, got " + maxRetries);
            }
            ArmSettings.requirePositive(problems, "retry: baseDelay", retryBaseDelay);
            if (retryMaxDelay == null || retryBaseDelay != null && retryMaxDelay.compareTo(retryBaseDelay) < 0) {
                problems.add("retry: maxDelay must be >= baseDelay, got " + retryMaxDelay);
            }
            if (!problems.isEmpty()) {
                throw new InvalidConfigurationException("LogAnalyticsErrorRate", problems);
            }
            TokenCredential resolved = credential != null ? credential : tokenVariable != null
                    ? EnvironmentTokenCredential.forLogAnalytics(tokenVariable, environment, endpoint)
                    : new DefaultAzureCredentialBuilder().build();
            return new LogAnalyticsErrorRate(this, resolved);
        }
    }
}
