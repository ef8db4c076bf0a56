package io.releasepipeline.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * WireMock over HTTPS standing in for the Azure Monitor Log Analytics query API, v1: {@code POST
 * /v1/workspaces/{workspaceId}/query} with the body {@code {"query": "...", "timespan": "start/end"}}, answered as
 * the service answers (Microsoft's "Azure Monitor Log Analytics API response format" and "errors" pages):
 * <ul>
 * <li>200 {@code {"tables":[{"name":"PrimaryResult","columns":[{"name","type"}],"rows":[[...]]}]}};</li>
 * <li>a partial failure: 200 with the tables and {@code "error":{"code":"PartialError",...,"details":[...]}} next to
 * them ({@link #partialErrorNext(int)});</li>
 * <li>throttling: 429 with {@code Retry-After} ({@link #throttleNext(int, int)});</li>
 * <li>no or a malformed bearer token: 401 {@code AuthenticationFailed}; a JWT for another audience than the query
 * API: 403 {@code InvalidAuthenticationTokenAudience}; an unknown workspace: 404 {@code WorkspaceNotFoundError}; a
 * body without a query: 400 {@code BadArgumentError}.</li>
 * </ul>
 * It evaluates one query: {@link LogAnalyticsErrorRate#DEFAULT_QUERY} as the provider renders it (the revision and
 * the interval read back from the text, and the text checked to be exactly the rendering), counting from
 * {@link #requestCounts(ArmStandIn.RequestCounts)} what the revision served in the query's interval intersected
 * with the {@code timespan}; records younger than the {@link #ingestionLag(Duration) ingestion lag} are not there
 * yet. Any other query is a 400 {@code BadArgumentError} (tests of other queries stub their answer with
 * {@link #stub}, which wins over the stand-in). Thread-safe as WireMock is.
 */
public final class LogsStandIn implements ResponseDefinitionTransformerV2, AutoCloseable, AfterAllCallback {

    /** The workspace the stand-in serves. */
    public static final String WORKSPACE = "7b1f6c2e-3d4a-4f5b-9c8d-0e1f2a3b4c5d";
    /** The path of the workspace's query. */
    public static final String QUERY_PATH = "/v1/workspaces/" + WORKSPACE + "/query";
    static final String NAME = "logs-stand-in";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REVISION = Pattern.compile("strcat\\(\"((?:[^\"\\\\]|\\\\.)*)\", \"-\"\\)");
    private static final Pattern DATETIME = Pattern.compile("datetime\\(([^)]+)\\)");
    private static final Pattern WORKSPACE_PATH = Pattern.compile("/v1/workspaces/([^/]+)/query");

    /** The WireMock server, for stubbing and its request journal. */
    public final WireMockServer server;
    private ArmStandIn.RequestCounts requestCounts;
    private Duration ingestionLag = Duration.ZERO;
    private int throttled;
    private int retryAfterSeconds;
    private int partialErrors;

    /** A started stand-in on WireMock's own certificate. */
    public LogsStandIn() {
        this(options());
    }

    /**
     * A started stand-in serving HTTPS with the key and certificate in PKCS12 {@code keystore} (store and key
     * password {@code password}), e.g. one a child process trusts through {@code -Djavax.net.ssl.trustStore}.
     */
    public LogsStandIn(java.nio.file.Path keystore, String password) {
        this(options().keystorePath(keystore.toString()).keystoreType("PKCS12").keystorePassword(password)
                .keyManagerPassword(password));
    }

    private LogsStandIn(WireMockConfiguration options) {
        server = new WireMockServer(options.bindAddress("127.0.0.1").dynamicPort().dynamicHttpsPort()
                .extensions(this));
        server.start();
        server.stubFor(any(urlPathMatching("/v1/.*")).atPriority(10).willReturn(aResponse().withTransformers(NAME)));
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    /** The query API's root to configure, {@code https://127.0.0.1:PORT/v1}. */
    public URI endpoint() {
        return URI.create("https://127.0.0.1:" + server.httpsPort() + "/v1");
    }

    /**
     * The audience of the tokens the stand-in accepts besides {@code https://api.loganalytics.io}: what
     * azure-monitor-query asks for an endpoint on this host.
     */
    public static String audience() {
        return "https://127.0.0.1";
    }

    /** Forgets every stub, request, throttling and partial error, the ingestion lag and the counts' source. */
    public synchronized LogsStandIn reset() {
        server.resetAll();
        server.stubFor(any(urlPathMatching("/v1/.*")).atPriority(10).willReturn(aResponse().withTransformers(NAME)));
        requestCounts = null;
        ingestionLag = Duration.ZERO;
        throttled = 0;
        partialErrors = 0;
        return this;
    }

    /** Where the AppRequests the default query counts come from; none means no requests at all. */
    public synchronized LogsStandIn requestCounts(ArmStandIn.RequestCounts counts) {
        requestCounts = counts;
        return this;
    }

    /** Records are queryable only this long after they happened (wall clock). Default: zero. */
    public synchronized LogsStandIn ingestionLag(Duration lag) {
        ingestionLag = lag;
        return this;
    }

    /** The next {@code count} queries answer 429 with {@code Retry-After: retryAfterSeconds}. */
    public synchronized LogsStandIn throttleNext(int count, int retryAfterSeconds) {
        throttled = count;
        this.retryAfterSeconds = retryAfterSeconds;
        return this;
    }

    /** The next {@code count} queries answer their tables with a {@code PartialError} next to them. */
    public synchronized LogsStandIn partialErrorNext(int count) {
        partialErrors = count;
        return this;
    }

    /** A mapping of the workspace's query, to {@link #stub} with an answer of the test's own. */
    public MappingBuilder onQuery() {
        return WireMock.post(WireMock.urlPathEqualTo(QUERY_PATH));
    }

    /** Answers {@code mapping} with {@code response}, ahead of the stand-in's own answers. */
    public void stub(MappingBuilder mapping, ResponseDefinitionBuilder response) {
        server.stubFor(mapping.atPriority(1).willReturn(response));
    }

    /** Every request received, in order. */
    public List<LoggedRequest> requests() {
        return server.getAllServeEvents().stream().map(ServeEvent::getRequest)
                .sorted(java.util.Comparator.comparing(LoggedRequest::getLoggedDate)).toList();
    }

    /** A body of one table with {@code columns} (name, type pairs) and {@code rows}, as the API answers. */
    public static String tablesJson(String[][] columns, Object[]... rows) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode table = body.putArray("tables").addObject().put("name", "PrimaryResult");
        for (String[] c : columns) {
            table.withArray("columns").addObject().put("name", c[0]).put("type", c[1]);
        }
        table.putArray("rows");
        for (Object[] row : rows) {
            com.fasterxml.jackson.databind.node.ArrayNode r = table.withArray("rows").addArray();
            for (Object v : row) {
                r.addPOJO(v);
            }
        }
        return body.toString();
    }

    /** The default query's answer: one row of {@code requests} and {@code serverErrors}, both long. */
    public static String countsJson(long requests, long serverErrors) {
        return tablesJson(new String[][] {{"requests", "long"}, {"serverErrors", "long"}}, new Object[] {requests,
                serverErrors});
    }

    /** The API's error object, {@code {"error":{"message","code","innererror":{"code","message"}}}}. */
    public static ResponseDefinitionBuilder apiError(int status, String code, String message, String innerCode,
            String innerMessage) {
        ObjectNode error = JSON.createObjectNode();
        ObjectNode e = error.putObject("error").put("message", message).put("code", code)
                .put("correlationId", "c0ffee00-0000-4000-8000-000000000001");
        if (innerCode != null) {
            e.putObject("innererror").put("code", innerCode).put("message", innerMessage);
        }
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json; charset=utf-8")
                .withBody(error.toString());
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        LoggedRequest request = event.getRequest();
        synchronized (this) {
            ResponseDefinition refused = authenticate(request);
            if (refused != null) {
                return refused;
            }
            Matcher path = WORKSPACE_PATH.matcher(request.getUrl().replaceAll("\\?.*", ""));
            if (!path.matches() || !request.getMethod().getName().equals("POST")) {
                return apiError(404, "PathNotFoundError", "The requested path does not exist", null, null).build();
            }
            if (!path.group(1).equals(WORKSPACE)) {
                return apiError(404, "WorkspaceNotFoundError", "The workspace could not be found", null, null)
                        .build();
            }
            JsonNode body;
            try {
                body = JSON.readTree(request.getBodyAsString());
            } catch (IOException e) {
                body = null;
            }
            if (body == null || !body.path("query").isTextual() || body.path("query").asText().isBlank()) {
                return apiError(400, "BadArgumentError", "The request had some invalid properties",
                        "QueryValidationError", "A query is required").build();
            }
            if (throttled > 0) {
                throttled--;
                return apiError(429, "ThrottledError", "Too many requests: the workspace's query rate limit was "
                        + "exceeded", null, null).withHeader("Retry-After", String.valueOf(retryAfterSeconds))
                        .build();
            }
            Instant spanFrom = Instant.MIN;
            Instant spanTo = Instant.MAX;
            if (body.path("timespan").isTextual()) {
                String[] span = body.path("timespan").asText().split("/");
                try {
                    spanFrom = OffsetDateTime.parse(span[0]).toInstant();
                    spanTo = OffsetDateTime.parse(span[1]).toInstant();
                } catch (RuntimeException e) {
                    return apiError(400, "BadArgumentError", "The request had some invalid properties",
                            "InvalidTimespan", "timespan must be two ISO 8601 times, got "
                                    + body.path("timespan").asText()).build();
                }
            }
            String query = body.path("query").asText();
            Matcher revision = REVISION.matcher(query);
            Matcher times = DATETIME.matcher(query);
            String name = revision.find() ? revision.group(1).replace("\\\"", "\"").replace("\\\\", "\\") : null;
            Instant from = times.find() ? Instant.parse(times.group(1)) : null;
            Instant to = times.find() ? Instant.parse(times.group(1)) : null;
            if (name == null || from == null || to == null
                    || !query.equals(LogAnalyticsErrorRate.render(LogAnalyticsErrorRate.DEFAULT_QUERY, name, from,
                            to))) {
                return apiError(400, "BadArgumentError", "The request had some invalid properties", "SemanticError",
                        "this stand-in evaluates LogAnalyticsErrorRate.DEFAULT_QUERY only").build();
            }
            Instant start = from.isAfter(spanFrom) ? from : spanFrom;
            Instant end = to.isBefore(spanTo) ? to : spanTo;
            Instant ingested = Instant.now().minus(ingestionLag);
            end = end.isBefore(ingested) ? end : ingested;
            long[] counts = requestCounts == null || !start.isBefore(end) ? new long[2]
                    : requestCounts.count(name, start, end);
            String answer = countsJson(counts[0], counts[1]);
            if (partialErrors > 0) {
                partialErrors--;
                try {
                    ObjectNode partial = (ObjectNode) JSON.readTree(answer);
                    ObjectNode error = partial.putObject("error").put("message", "There were some errors when "
                            + "processing your query.").put("code", "PartialError");
                    error.putArray("details").addObject().put("code", "EngineError")
                            .put("message", "Something went wrong processing your query on the server.")
                            .putObject("innererror").put("code", "-2133196797")
                            .put("message", "Query execution has exceeded the allowed limits (80DA0003): partial "
                                    + "query failure").put("severity", 2).put("severityName", "Error");
                    answer = partial.toString();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=utf-8")
                    .withBody(answer).build();
        }
    }

    /** As the API: a bearer token is required; a JWT must be for the query API (not Resource Manager's). */
    private static ResponseDefinition authenticate(LoggedRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
            return apiError(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is "
                    + "missing.", null, null).build();
        }
        String[] parts = header.substring(7).trim().split("\\.");
        if (parts.length != 3) {
            return null;
        }
        try {
            JsonNode claims = JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]),
                    StandardCharsets.UTF_8));
            String aud = claims.path("aud").asText("").replaceAll("/+$", "");
            if (!aud.equals("https://api.loganalytics.io") && !aud.equals(audience())) {
                return apiError(403, "InvalidAuthenticationTokenAudience", "The access token has been obtained "
                        + "from wrong audience or resource '" + aud + "'. It should exactly match with one of the "
                        + "allowed audiences 'https://api.loganalytics.io'.", null, null).build();
            }
            if (claims.path("exp").canConvertToLong()
                    && Instant.ofEpochSecond(claims.path("exp").asLong()).isBefore(Instant.now())) {
                return apiError(401, "InvalidAuthenticationToken", "The access token expired.", null, null).build();
            }
            return null;
        } catch (IOException | IllegalArgumentException e) {
            return apiError(401, "InvalidAuthenticationToken", "The access token is invalid.", null, null).build();
        }
    }

    /** A provider pointed at this stand-in, trusting WireMock's certificate, retrying fast (1 ms base delay). */
    LogAnalyticsErrorRate.Builder provider() {
        return LogAnalyticsErrorRate.builder().workspaceId(WORKSPACE).endpoint(endpoint())
                .credential(ArmStub.credential()).httpClient(ArmStub.httpClient())
                .retry(2, Duration.ofMillis(1), Duration.ofMillis(5));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        server.stop();
    }
}
