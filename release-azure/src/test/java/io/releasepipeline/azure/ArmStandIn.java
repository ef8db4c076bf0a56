package io.releasepipeline.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.releasepipeline.azure.ArmStub.API_VERSION;
import static io.releasepipeline.azure.ArmStub.APP_PATH;
import static io.releasepipeline.azure.ArmStub.SUBSCRIPTION;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.QueryParameter;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small stateful stand-in for the parts of Azure Resource Manager a release touches, as a WireMock extension. It
 * keeps one Container App's revision mode, its ingress traffic list and its revisions' active flags (api-version
 * 2025-01-01), and answers
 * <ul>
 * <li>{@code GET app}: ContainerApps_Get, the full model (secrets, template, registries, location included, as the
 * service returns them, so a client that sends the model back is caught);</li>
 * <li>{@code GET .../revisions} and {@code GET .../revisions/{name}}: Revisions_List / Revisions_Get, each revision's
 * {@code trafficWeight} derived from the app's traffic list; the list in one page, or, with
 * {@link #revisionPageSize(int)}, in pages of that many revisions linked by an absolute {@code nextLink} (with
 * {@code api-version} and a {@code $skiptoken}), as Resource Manager pages it;</li>
 * <li>{@code POST .../revisions/{name}/activate|deactivate}: 200 without a body;</li>
 * <li>{@code PATCH app}: applies {@code properties.configuration.activeRevisionsMode} and
 * {@code properties.configuration.ingress.traffic} (the array replaces the list) and answers 200 with the app, or,
 * with {@link #asyncPatches(boolean)}, 202 with an {@code Azure-AsyncOperation} status URL;</li>
 * <li>{@code GET} of that status URL: {@code {"status":"InProgress"}} for the first
 * {@link #inProgressPolls(int)} polls of each operation, then {@code Succeeded} (or {@code Failed} with an
 * {@code error}, see {@link #failNextOperation}); with {@link #retryAfterSeconds(int)}, the 202 and every InProgress
 * answer carry {@code Retry-After}, which the SDK waits instead of its poll interval. A change is applied when the
 * PATCH is accepted, not when its operation ends: the service applies it asynchronously, so a read while the
 * operation is in progress may show either split, and the new one is as faithful as the old;</li>
 * <li>{@code GET {app}/providers/Microsoft.Insights/metrics}: Azure Monitor's metrics of the app, metric
 * {@code Requests} (Total, per {@code interval}) filtered by {@code revisionName eq '...'} and split by
 * {@code statusCodeCategory}, counted by {@link #requestCounts(RequestCounts)} (no source: no data);</li>
 * <li>{@code GET /subscriptions/{sub}/providers/Microsoft.AlertsManagement/alerts} (2019-05-05-preview): the alerts
 * {@link #fireAlert fired} on the app, filtered by {@code targetResource}, {@code monitorCondition},
 * {@code alertState} and {@code timeRange}.</li>
 * </ul>
 * Refusals, like the service's: an unknown revision is a 404 ({@code ResourceNotFound}); a traffic list naming an
 * unknown or inactive revision, not summing to 100, or sent in Single revision mode is a 400 ({@code BadRequest},
 * nothing applied); deactivating a revision that has traffic is a 400. Authentication as Resource Manager checks
 * it, short of signatures: no bearer token is a 401 {@code AuthenticationFailed}; a JWT whose {@code exp} has passed
 * is a 401 {@code ExpiredAuthenticationToken}; a JWT for another audience than this endpoint is a 401
 * {@code InvalidAuthenticationTokenAudience}. An opaque token is accepted. Error codes are Resource Manager's
 * generic ones: the stand-in checks what the provider does, not the service's exact wording.
 *
 * <p>{@code @RegisterExtension static final ArmStub arm = STAND_IN.serve();} serves it over HTTPS.
 * Thread-safe: WireMock serves requests on several threads; listeners are called on them, holding the stand-in's
 * monitor, so they must be quick and must not wait for another request.
 */
public final class ArmStandIn implements ResponseDefinitionTransformerV2 {

    /**
     * Where the metrics come from: the requests a revision served in a time range.
     */
    @FunctionalInterface
    public interface RequestCounts {
        /**
         * Requests to {@code revision} in {@code [from, to)}.
         *
         * @return {@code {requests, serverErrors}}: all requests, and those answered 5xx
         */
        long[] count(String revision, Instant from, Instant to);
    }

    /** The Alerts Management API version the stand-in serves. */
    public static final String ALERTS_API_VERSION = "2019-05-05-preview";
    static final String NAME = "arm-stand-in";
    /** Where long-running operations' statuses are polled. */
    public static final String OPERATIONS_PATH = "/subscriptions/" + SUBSCRIPTION
            + "/providers/Microsoft.App/locations/eastus/containerappOperationStatuses/";
    /** Azure Monitor's metrics of the app. */
    public static final String METRICS_PATH = APP_PATH + "/providers/Microsoft.Insights/metrics";
    /** The subscription's alerts (Alerts Management). */
    public static final String ALERTS_PATH = "/subscriptions/" + SUBSCRIPTION
            + "/providers/Microsoft.AlertsManagement/alerts";
    private static final Pattern REVISION_FILTER = Pattern.compile("revisionName eq '([^']*)'");
    private static final Pattern CATEGORY_FILTER = Pattern.compile("statusCodeCategory eq '([^']*)'");
    private static final Map<String, Duration> TIME_RANGES = Map.of("1h", Duration.ofHours(1), "1d",
            Duration.ofDays(1), "7d", Duration.ofDays(7), "30d", Duration.ofDays(30));
    private static final Pattern REVISION = Pattern.compile("/revisions/([^/]+)(?:/(activate|deactivate))?");
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Rev(String name, Instant createdAt, String image, boolean active) {
        Rev withActive(boolean value) {
            return new Rev(name, createdAt, image, value);
        }
    }

    /** One traffic entry; {@code revisionName} null for a {@code latestRevision: true} entry. */
    private record Entry(String revisionName, int weight, String label) {
    }

    private record FiredAlert(String guid, String rule, String severity, Instant startedAt, String description) {
    }

    /** A long-running operation: how many polls still answer InProgress, and its error if it ends Failed. */
    private static final class Operation {
        int inProgressPolls;
        final String errorCode;
        final String errorMessage;

        Operation(int inProgressPolls, String errorCode, String errorMessage) {
            this.inProgressPolls = inProgressPolls;
            this.errorCode = errorCode;
            this.errorMessage = errorMessage;
        }
    }

    private final Map<String, Rev> revisions = new LinkedHashMap<>();
    private List<Entry> traffic = new ArrayList<>();
    private String mode = "Multiple";
    private String latestRevision;
    private boolean asyncPatches;
    private String base;
    private int operations;
    private final Map<String, Operation> pending = new LinkedHashMap<>();
    private int revisionPageSize;
    private int inProgressPolls;
    private int retryAfterSeconds = -1;
    private String[] nextFailure;
    private RequestCounts requestCounts;
    private final List<FiredAlert> alerts = new ArrayList<>();
    private final List<Consumer<Map<String, Integer>>> trafficListeners = new CopyOnWriteArrayList<>();

    /** A stand-in with no revision; {@link #serve()} it. */
    public ArmStandIn() {
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    /** A started {@link ArmStub}, on WireMock's own certificate, whose requests this stand-in answers. */
    public ArmStub serve() {
        ArmStub arm = new ArmStub(this);
        install(arm);
        return arm;
    }

    /**
     * A started {@link ArmStub} serving HTTPS with the key and certificate in PKCS12 {@code keystore} (store and key
     * password {@code password}), e.g. one a child process trusts through {@code -Djavax.net.ssl.trustStore}.
     */
    public ArmStub serve(java.nio.file.Path keystore, String password) {
        ArmStub arm = new ArmStub(WireMockConfiguration.options().keystorePath(keystore.toString())
                .keystoreType("PKCS12").keystorePassword(password).keyManagerPassword(password), this);
        install(arm);
        return arm;
    }

    private void install(ArmStub arm) {
        synchronized (this) {
            base = arm.base();
        }
        arm.server.stubFor(any(urlPathMatching(Pattern.quote(APP_PATH) + "(/revisions(/[^/]+(/[a-z]+)?)?)?"))
                .withQueryParam("api-version", equalTo(API_VERSION))
                .willReturn(aResponse().withTransformers(NAME)));
        arm.server.stubFor(any(urlPathMatching(Pattern.quote(OPERATIONS_PATH) + "[^/]+"))
                .willReturn(aResponse().withTransformers(NAME)));
        arm.server.stubFor(any(urlPathEqualTo(METRICS_PATH)).willReturn(aResponse().withTransformers(NAME)));
        arm.server.stubFor(any(urlPathEqualTo(ALERTS_PATH)).willReturn(aResponse().withTransformers(NAME)));
    }

    /**
     * Forgets everything: no revisions, no traffic, Multiple revision mode, PATCHes answered 200, operations that
     * succeed at the first poll without {@code Retry-After}, revisions listed in one page, no alerts, no metrics
     * source, no listeners.
     */
    public synchronized ArmStandIn reset() {
        revisions.clear();
        traffic = new ArrayList<>();
        mode = "Multiple";
        latestRevision = null;
        asyncPatches = false;
        operations = 0;
        pending.clear();
        revisionPageSize = 0;
        inProgressPolls = 0;
        retryAfterSeconds = -1;
        nextFailure = null;
        requestCounts = null;
        alerts.clear();
        trafficListeners.clear();
        return this;
    }

    /** "Single" or "Multiple". */
    public synchronized ArmStandIn revisionMode(String revisionMode) {
        mode = revisionMode;
        return this;
    }

    /** PATCHes answer 202 with an {@code Azure-AsyncOperation} to poll, as the service usually does. */
    public synchronized ArmStandIn asyncPatches(boolean async) {
        asyncPatches = async;
        return this;
    }

    /**
     * Revisions_List answers pages of at most {@code size} revisions, each but the last with an absolute
     * {@code nextLink} on this stand-in, as Resource Manager pages long lists; 0 (the default) answers them all in
     * one page without {@code nextLink}.
     *
     * @throws IllegalArgumentException if {@code size} is negative
     */
    public synchronized ArmStandIn revisionPageSize(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("revisionPageSize must be 0 (one page) or more, not " + size);
        }
        revisionPageSize = size;
        return this;
    }

    /**
     * Each long-running operation answers {@code {"status":"InProgress"}} to its first {@code polls} polls before it
     * ends, as the service does while it applies a change; 0 (the default) ends it at the first poll. Applies to
     * operations started afterwards.
     *
     * @throws IllegalArgumentException if {@code polls} is negative
     */
    public synchronized ArmStandIn inProgressPolls(int polls) {
        if (polls < 0) {
            throw new IllegalArgumentException("inProgressPolls must be 0 or more, not " + polls);
        }
        inProgressPolls = polls;
        return this;
    }

    /**
     * The 202 that starts a long-running operation and each InProgress poll answer carry {@code Retry-After:
     * seconds}, which the SDK honours instead of its poll interval (so every poll then waits that long in real
     * time). Default: no {@code Retry-After}.
     *
     * @throws IllegalArgumentException if {@code seconds} is negative
     */
    public synchronized ArmStandIn retryAfterSeconds(int seconds) {
        if (seconds < 0) {
            throw new IllegalArgumentException("retryAfterSeconds must be 0 or more, not " + seconds);
        }
        retryAfterSeconds = seconds;
        return this;
    }

    /**
     * The next PATCH the stand-in accepts starts a long-running operation (answered 202, even when
     * {@link #asyncPatches(boolean) PATCHes are answered 200}, since only an operation reports a failure after
     * acceptance) that ends {@code Failed} with {@code {"error":{"code":code,"message":message}}} after the
     * {@link #inProgressPolls(int) InProgress polls}; its change is not applied. Once.
     */
    public synchronized ArmStandIn failNextOperation(String code, String message) {
        nextFailure = new String[] {code, message};
        return this;
    }

    /** A provisioned revision that existed before the test. */
    public synchronized ArmStandIn revision(String name, Instant createdAt, boolean active) {
        revisions.put(name, new Rev(name, createdAt, "repo/backend:" + name, active));
        latestRevision = name;
        return this;
    }

    /** {@code name} takes all the traffic. */
    public synchronized ArmStandIn serving(String name) {
        traffic = new ArrayList<>(List.of(new Entry(name, 100, null)));
        trafficChanged();
        return this;
    }

    /**
     * What a deploy does: a new provisioned revision from {@code image}. In Multiple mode it is active at 0% (the
     * traffic list does not change); in Single mode it takes all traffic and the others are deactivated.
     */
    public synchronized void deploy(String name, Instant createdAt, String image) {
        revisions.put(name, new Rev(name, createdAt, image, true));
        latestRevision = name;
        if ("Single".equals(mode)) {
            revisions.replaceAll((n, r) -> r.withActive(n.equals(name)));
            serving(name);
        }
    }

    /** The traffic list as Resource Manager would return it. */
    public synchronized String trafficJson() {
        return trafficArray().toString();
    }

    /** The split now, revision to weight, in the list's order. */
    public synchronized Map<String, Integer> traffic() {
        Map<String, Integer> split = new LinkedHashMap<>();
        traffic.forEach(e -> split.merge(e.revisionName() != null ? e.revisionName() : latestRevision, e.weight(),
                Integer::sum));
        return split;
    }

    /** Whether {@code revision} is active. */
    public synchronized boolean isActive(String revision) {
        return revisions.get(revision).active();
    }

    /**
     * Calls {@code listener} with the split (revision to weight) each time the traffic list changes: a PATCH that
     * applies one, {@link #serving}, a deploy in Single mode. Listeners are forgotten on {@link #reset()}.
     */
    public ArmStandIn onTrafficChange(Consumer<Map<String, Integer>> listener) {
        trafficListeners.add(listener);
        return this;
    }

    /** Where Azure Monitor's {@code Requests} metric is counted from; none (the default) is no data. */
    public synchronized ArmStandIn requestCounts(RequestCounts counts) {
        requestCounts = counts;
        return this;
    }

    /**
     * An alert rule on the app fires now: the Alerts Management API lists it as Fired and New from now on.
     *
     * @return the alert's id
     */
    public synchronized String fireAlert(String rule, String severity, String description) {
        FiredAlert alert = new FiredAlert(UUID.randomUUID().toString(), rule, severity,
                Instant.now().truncatedTo(ChronoUnit.MILLIS), description);
        alerts.add(alert);
        return "/subscriptions/" + SUBSCRIPTION + "/providers/Microsoft.AlertsManagement/alerts/" + alert.guid();
    }

    private void trafficChanged() {
        Map<String, Integer> split = traffic();
        trafficListeners.forEach(l -> l.accept(split));
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        LoggedRequest request = event.getRequest();
        String method = request.getMethod().getName();
        String path = ArmStub.shortPath(request.getUrl());
        synchronized (this) {
            ResponseDefinition unauthorized = authenticate(request);
            if (unauthorized != null) {
                return unauthorized;
            }
            String fullPath = request.getUrl().replaceAll("\\?.*", "");
            if (fullPath.equals(METRICS_PATH) || fullPath.equals(ALERTS_PATH)) {
                if (!method.equals("GET")) {
                    return error(405, "MethodNotAllowed", method + " " + fullPath);
                }
                return fullPath.equals(METRICS_PATH) ? metrics(request) : alerts(request);
            }
            if (path.startsWith(OPERATIONS_PATH)) {
                return method.equals("GET") ? operationStatus(path)
                        : error(405, "MethodNotAllowed", method + " of an operation status");
            }
            if (path.isEmpty()) {
                return switch (method) {
                    case "GET" -> json(200, appJson());
                    case "PATCH" -> patch(request.getBodyAsString());
                    default -> error(405, "MethodNotAllowed", method + " of the app");
                };
            }
            if (path.equals("/revisions") && method.equals("GET")) {
                return revisionPage(query(request, "$skiptoken"));
            }
            Matcher m = REVISION.matcher(path);
            if (!m.matches()) {
                return error(404, "NotFound", "no such resource " + path);
            }
            String name = m.group(1);
            if (!revisions.containsKey(name)) {
                return error(404, "ResourceNotFound", "The Resource 'Microsoft.App/containerApps/"
                        + ArmStub.APP + "/revisions/" + name + "' under resource group '" + ArmStub.GROUP
                        + "' was not found.");
            }
            if (m.group(2) == null && method.equals("GET")) {
                return json(200, revisionNode(name).toString());
            }
            if (m.group(2) != null && method.equals("POST")) {
                boolean activate = m.group(2).equals("activate");
                if (!activate && weightOf(name) > 0) {
                    return error(400, "BadRequest", "revision " + name + " has traffic; move it first");
                }
                revisions.computeIfPresent(name, (n, r) -> r.withActive(activate));
                return aResponse().withStatus(200).build();
            }
            return error(405, "MethodNotAllowed", method + " " + path);
        }
    }

    private ResponseDefinition patch(String body) {
        JsonNode configuration;
        try {
            configuration = JSON.readTree(body).path("properties").path("configuration");
        } catch (IOException e) {
            return error(400, "InvalidRequestContent", "the body is not JSON");
        }
        String newMode = configuration.path("activeRevisionsMode").asText(mode);
        JsonNode newTraffic = configuration.path("ingress").path("traffic");
        List<Entry> entries = null;
        if (newTraffic.isArray()) {
            if (!"Multiple".equalsIgnoreCase(newMode)) {
                return error(400, "BadRequest", "traffic weights can only be set in Multiple revision mode");
            }
            entries = new ArrayList<>();
            int sum = 0;
            for (JsonNode e : newTraffic) {
                String name = e.path("revisionName").asText(null);
                int weight = e.path("weight").asInt(0);
                if (name == null && e.path("latestRevision").asBoolean(false)) {
                    sum += weight;
                    entries.add(new Entry(null, weight, e.path("label").asText(null)));
                    continue;
                }
                Rev rev = name == null ? null : revisions.get(name);
                if (rev == null) {
                    return error(400, "BadRequest", "traffic names revision " + name + ", which does not exist");
                }
                if (weight > 0 && !rev.active()) {
                    return error(400, "BadRequest", "revision " + name + " is inactive; activate it first");
                }
                sum += weight;
                entries.add(new Entry(name, weight, e.path("label").asText(null)));
            }
            if (sum != 100) {
                return error(400, "BadRequest", "traffic weights must sum to 100, not " + sum);
            }
        }
        String[] failure = nextFailure;
        nextFailure = null;
        if (failure == null) {
            mode = newMode;
            if (entries != null) {
                traffic = entries;
                trafficChanged();
            }
            if (!asyncPatches) {
                return json(200, appJson());
            }
        }
        String id = "op-" + (++operations);
        pending.put(id, new Operation(inProgressPolls, failure == null ? null : failure[0],
                failure == null ? null : failure[1]));
        String status = base + OPERATIONS_PATH + id + "?api-version=" + API_VERSION;
        return withRetryAfter(aResponse().withStatus(202).withHeader("Azure-AsyncOperation", status)).build();
    }

    /** An operation's status, as the Azure-AsyncOperation URL answers it. */
    private ResponseDefinition operationStatus(String path) {
        String id = path.substring(OPERATIONS_PATH.length());
        Operation op = pending.get(id);
        if (op == null) {
            return error(404, "OperationNotFound", "no operation " + id);
        }
        ObjectNode body = JSON.createObjectNode().put("id", path).put("name", id);
        if (op.inProgressPolls > 0) {
            op.inProgressPolls--;
            body.put("status", "InProgress");
            return withRetryAfter(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                    .withBody(body.toString())).build();
        }
        if (op.errorCode != null) {
            body.put("status", "Failed").putObject("error").put("code", op.errorCode).put("message", op.errorMessage);
        } else {
            body.put("status", "Succeeded");
        }
        return json(200, body.toString());
    }

    private ResponseDefinitionBuilder withRetryAfter(ResponseDefinitionBuilder response) {
        return retryAfterSeconds < 0 ? response
                : response.withHeader("Retry-After", String.valueOf(retryAfterSeconds));
    }

    /** One page of Revisions_List, from {@code skipToken} (null: the first). */
    private ResponseDefinition revisionPage(String skipToken) {
        List<String> names = new ArrayList<>(revisions.keySet());
        int from;
        try {
            from = skipToken == null ? 0 : Integer.parseInt(skipToken);
        } catch (NumberFormatException e) {
            return error(400, "InvalidSkipToken", "the $skiptoken " + skipToken + " is not one this service issued");
        }
        int to = revisionPageSize == 0 ? names.size() : Math.min(names.size(), from + revisionPageSize);
        ArrayNode value = JSON.createArrayNode();
        names.subList(Math.min(from, names.size()), to).forEach(name -> value.add(revisionNode(name)));
        ObjectNode page = JSON.createObjectNode().set("value", value);
        if (to < names.size()) {
            page.put("nextLink", base + APP_PATH + "/revisions?api-version=" + API_VERSION + "&$skiptoken=" + to);
        }
        return json(200, page.toString());
    }

    /**
     * Resource Manager's bearer check, short of the signature: a token must be there, unexpired, and for this
     * endpoint when it says whom it is for. Null when the request may go on.
     */
    private ResponseDefinition authenticate(LoggedRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
            return unauthorized("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
        }
        String[] parts = header.substring(7).trim().split("\\.");
        if (parts.length != 3) {
            return null;
        }
        JsonNode claims;
        try {
            claims = JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException e) {
            return unauthorized("InvalidAuthenticationToken", "The access token is invalid.");
        }
        if (claims.path("exp").canConvertToLong()
                && Instant.ofEpochSecond(claims.path("exp").asLong()).isBefore(Instant.now())) {
            return unauthorized("ExpiredAuthenticationToken", "The access token expiry UTC time '"
                    + Instant.ofEpochSecond(claims.path("exp").asLong()) + "' is earlier than current UTC time '"
                    + Instant.now() + "'.");
        }
        String audience = claims.path("aud").asText("");
        if (!audience.isEmpty() && !trimSlashes(audience).equalsIgnoreCase(trimSlashes(base))) {
            return unauthorized("InvalidAuthenticationTokenAudience", "The access token has been obtained for wrong "
                    + "audience or resource '" + audience + "'. It should exactly match with one of the allowed "
                    + "audiences '" + base + "/'.");
        }
        return null;
    }

    private static String trimSlashes(String s) {
        return s.replaceAll("/+$", "");
    }

    private static ResponseDefinition unauthorized(String code, String message) {
        return aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                .withHeader("WWW-Authenticate", "Bearer authorization_uri=\"https://login.windows.net/\", "
                        + "error=\"invalid_token\", error_description=\"The authentication failed because of missing "
                        + "'Authorization' header or an invalid token.\"")
                .withBody(JSON.createObjectNode().set("error", JSON.createObjectNode().put("code", code)
                        .put("message", message)).toString())
                .build();
    }

    /** Metrics_List for the app's {@code Requests}, as Azure Monitor answers it (api-version 2024-02-01 shape). */
    private ResponseDefinition metrics(LoggedRequest request) {
        String apiVersion = query(request, "api-version");
        if (apiVersion == null) {
            return error(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is "
                    + "required for all requests.");
        }
        String metric = query(request, "metricnames");
        if (metric == null || !metric.equalsIgnoreCase("Requests")) {
            return error(400, "BadRequest", "Failed to find metric configuration for provider: Microsoft.App, "
                    + "resource Type: containerApps, metric: " + metric + ", Valid metrics: Requests, Replicas, "
                    + "RestartCount, CpuPercentage, MemoryPercentage");
        }
        String namespace = query(request, "metricnamespace");
        if (namespace != null && !namespace.equalsIgnoreCase("Microsoft.App/containerApps")) {
            return error(400, "BadRequest", "Metric namespace " + namespace + " is not valid for this resource");
        }
        String aggregation = query(request, "aggregation");
        if (aggregation != null && !aggregation.toLowerCase(Locale.ROOT).contains("total")) {
            return error(400, "BadRequest", "Requests supports the Total aggregation; asked " + aggregation);
        }
        Instant from;
        Instant to;
        try {
            String[] span = query(request, "timespan").split("/");
            from = OffsetDateTime.parse(span[0]).toInstant();
            to = OffsetDateTime.parse(span[1]).toInstant();
        } catch (RuntimeException e) {
            return error(400, "BadRequest", "timespan must be start/end in ISO 8601, got "
                    + query(request, "timespan"));
        }
        String intervalText = query(request, "interval");
        boolean full = intervalText != null && intervalText.equalsIgnoreCase("FULL");
        Duration interval;
        try {
            interval = intervalText == null || full ? Duration.ofMinutes(1) : Duration.parse(intervalText);
        } catch (DateTimeParseException e) {
            return error(400, "BadRequest", "interval must be an ISO 8601 duration, got " + intervalText);
        }
        if (interval.compareTo(Duration.ofMinutes(1)) < 0) {
            return error(400, "BadRequest", "Requests has a finest time grain of PT1M, asked " + intervalText);
        }
        String filter = query(request, "$filter");
        Matcher revisionFilter = REVISION_FILTER.matcher(filter == null ? "" : filter);
        if (!revisionFilter.find()) {
            return error(400, "BadRequest", "this stand-in answers Requests filtered by revisionName only, got "
                    + filter);
        }
        String revision = revisionFilter.group(1);
        Matcher categoryFilter = CATEGORY_FILTER.matcher(filter);
        String category = categoryFilter.find() ? categoryFilter.group(1) : "*";
        ArrayNode series = JSON.createArrayNode();
        if (requestCounts != null) {
            Map<String, List<long[]>> perCategory = new LinkedHashMap<>();
            // One point per time grain, stamped with the grain's start, counting what falls inside the timespan.
            Instant bucket = full ? from : from.truncatedTo(ChronoUnit.MINUTES);
            Duration step = full ? Duration.between(from, to) : interval;
            for (; bucket.isBefore(to); bucket = bucket.plus(step)) {
                Instant start = bucket.isBefore(from) ? from : bucket;
                Instant end = bucket.plus(step).isAfter(to) ? to : bucket.plus(step);
                long[] counts = requestCounts.count(revision, start, end);
                perCategory.computeIfAbsent("2xx", c -> new ArrayList<>())
                        .add(new long[] {bucket.getEpochSecond(), counts[0] - counts[1]});
                perCategory.computeIfAbsent("5xx", c -> new ArrayList<>())
                        .add(new long[] {bucket.getEpochSecond(), counts[1]});
            }
            perCategory.forEach((name, points) -> {
                boolean any = points.stream().anyMatch(p -> p[1] > 0);
                if (any && (category.equals("*") || category.equalsIgnoreCase(name))) {
                    ObjectNode s = series.addObject();
                    ArrayNode metadata = s.putArray("metadatavalues");
                    metadata.addObject().put("value", revision).putObject("name").put("value", "revisionName")
                            .put("localizedValue", "revisionName");
                    metadata.addObject().put("value", name).putObject("name").put("value", "statusCodeCategory")
                            .put("localizedValue", "statusCodeCategory");
                    ArrayNode data = s.putArray("data");
                    points.forEach(p -> data.addObject().put("timeStamp", Instant.ofEpochSecond(p[0]).toString())
                            .put("total", (double) p[1]));
                }
            });
        }
        ObjectNode body = JSON.createObjectNode().put("cost", 0).put("timespan", from + "/" + to)
                .put("interval", intervalText == null ? "PT1M" : intervalText);
        ObjectNode value = body.putArray("value").addObject()
                .put("id", APP_PATH + "/providers/Microsoft.Insights/metrics/Requests")
                .put("type", "Microsoft.Insights/metrics");
        value.putObject("name").put("value", "Requests").put("localizedValue", "Requests");
        value.put("displayDescription", "Requests processed").put("unit", "Count");
        value.set("timeseries", series);
        value.put("errorCode", "Success");
        body.put("namespace", "Microsoft.App/containerApps").put("resourceregion", "eastus");
        return json(200, body.toString());
    }

    /** Alerts_GetAll (2019-05-05-preview): the fired alerts that match the query's filters. */
    private ResponseDefinition alerts(LoggedRequest request) {
        if (!ALERTS_API_VERSION.equals(query(request, "api-version"))) {
            return error(400, "InvalidApiVersionParameter", "The api-version '" + query(request, "api-version")
                    + "' is invalid. The supported versions are '2019-05-05-preview,2023-07-12-preview'.");
        }
        String target = query(request, "targetResource");
        String condition = query(request, "monitorCondition");
        String state = query(request, "alertState");
        String range = query(request, "timeRange");
        Duration lookBack = range == null ? Duration.ofDays(1) : TIME_RANGES.get(range);
        if (lookBack == null) {
            return error(400, "BadRequest", "timeRange must be one of 1h, 1d, 7d, 30d, got " + range);
        }
        Instant since = Instant.now().minus(lookBack);
        ArrayNode value = JSON.createArrayNode();
        for (FiredAlert a : alerts) {
            boolean matches = (target == null || target.equalsIgnoreCase(APP_PATH))
                    && (condition == null || condition.equalsIgnoreCase("Fired"))
                    && (state == null || state.equalsIgnoreCase("New")) && !a.startedAt().isBefore(since);
            if (matches) {
                try {
                    value.add(JSON.readTree(ArmStub.alertJson(a.guid(), a.rule(), a.severity(), a.startedAt(),
                            a.description())));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return json(200, JSON.createObjectNode().set("value", value).toString());
    }

    private static String query(LoggedRequest request, String name) {
        QueryParameter p = request.queryParameter(name);
        return p == null || !p.isPresent() ? null : p.firstValue();
    }

    private int weightOf(String revision) {
        return traffic.stream().filter(e -> revision.equals(e.revisionName() != null ? e.revisionName()
                : latestRevision)).mapToInt(Entry::weight).sum();
    }

    private ArrayNode trafficArray() {
        ArrayNode array = JSON.createArrayNode();
        for (Entry e : traffic) {
            ObjectNode node = e.revisionName() != null ? array.addObject().put("revisionName", e.revisionName())
                    : array.addObject().put("latestRevision", true);
            node.put("weight", e.weight());
            if (e.label() != null) {
                node.put("label", e.label());
            }
        }
        return array;
    }

    private String appJson() {
        return ArmStub.appJson(mode, latestRevision, latestRevision, trafficArray().toString());
    }

    private JsonNode revisionNode(String name) {
        Rev r = revisions.get(name);
        String state = r.active()
                ? "\"healthState\":\"Healthy\",\"provisioningState\":\"Provisioned\",\"runningState\":\"Running\""
                : "\"healthState\":\"None\",\"provisioningState\":\"Provisioned\",\"runningState\":\"Stopped\"";
        try {
            return JSON.readTree(ArmStub.revisionJson(name, r.createdAt(), r.image(), r.active(), weightOf(name),
                    state));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ResponseDefinition json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body).build();
    }

    private static ResponseDefinition error(int status, String code, String message) {
        return ArmStub.armError(status, code, message).build();
    }
}
