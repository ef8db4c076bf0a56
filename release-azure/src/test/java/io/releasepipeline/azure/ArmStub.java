package io.releasepipeline.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.Extension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import reactor.core.publisher.Mono;

/**
 * WireMock over HTTPS standing in for Azure Resource Manager (and Azure Monitor), with response bodies shaped like
 * the public REST examples of api-version 2025-01-01. Started when made; as a JUnit extension
 * ({@code @RegisterExtension static final ArmStub arm = new ArmStub();}) it stops after the test class.
 *
 * <p>Public, with {@link ArmStandIn}, so that other modules' tests (the CLI's production-wiring tests, through this
 * module's test-jar) run against the same stand-in. Thread-safe as WireMock is.
 */
public final class ArmStub implements AutoCloseable, AfterAllCallback {

    /** The app's subscription. */
    public static final String SUBSCRIPTION = "00000000-0000-0000-0000-000000000001";
    /** The app's resource group. */
    public static final String GROUP = "trade-nexus";
    /** The Container App. */
    public static final String APP = "trade-nexus-backend";
    /** The app's Resource Manager id. */
    public static final String APP_PATH = "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + GROUP
            + "/providers/Microsoft.App/containerApps/" + APP;
    /** The Container Apps api-version the SDK sends. */
    public static final String API_VERSION = "2025-01-01";
    /** What the test credential hands out; never to be seen in a message or a request body. */
    static final String TOKEN = "test-token-b5c1e0d7-secret";

    private static final HttpClient TLS_TRUSTING_CLIENT = trustingClient();

    /** The WireMock server, for stubbing and its request journal. */
    public final WireMockServer server;

    /** A stub with WireMock {@code extensions}, e.g. the stateful {@link ArmStandIn}, on WireMock's own certificate. */
    ArmStub(Extension... extensions) {
        this(options().bindAddress("127.0.0.1").dynamicPort().dynamicHttpsPort(), extensions);
    }

    /**
     * A stub on {@code options} (e.g. with a keystore whose certificate a child process trusts) plus
     * {@code extensions}. Binds to 127.0.0.1 on dynamic ports whatever {@code options} say.
     */
    ArmStub(WireMockConfiguration options, Extension... extensions) {
        server = new WireMockServer(options.bindAddress("127.0.0.1").dynamicPort().dynamicHttpsPort()
                .extensions(extensions));
        server.start();
    }

    /** The HTTPS base URL, {@code https://127.0.0.1:PORT}, to use as the Resource Manager endpoint. */
    public String base() {
        return "https://127.0.0.1:" + server.httpsPort();
    }

    static HttpClient httpClient() {
        return TLS_TRUSTING_CLIENT;
    }

    static TokenCredential credential() {
        return request -> Mono.just(new AccessToken(TOKEN, OffsetDateTime.now().plusHours(1)));
    }

    /**
     * A provider pointed at this stub, retrying fast (1 ms base delay) and polling every 20 ms. Public for other
     * modules' harnesses (the request-count benchmark), through this module's test-jar.
     */
    public ContainerAppsPlatform.Builder platform() {
        return ContainerAppsPlatform.builder().subscriptionId(SUBSCRIPTION).resourceGroup(GROUP).appName(APP)
                .credential(credential()).managementEndpoint(URI.create(base())).httpClient(httpClient())
                .retry(3, Duration.ofMillis(1), Duration.ofMillis(5)).pollInterval(Duration.ofMillis(20));
    }

    /** The error-rate signal pointed at this stub, retrying fast (1 ms base delay). */
    AzureMonitorErrorRate.Builder monitor() {
        return AzureMonitorErrorRate.builder().subscriptionId(SUBSCRIPTION).resourceGroup(GROUP).appName(APP)
                .credential(credential()).managementEndpoint(URI.create(base())).httpClient(httpClient())
                .retry(2, Duration.ofMillis(1), Duration.ofMillis(5));
    }

    /** The alert source pointed at this stub, retrying fast (1 ms base delay). */
    AzureMonitorAlerts.Builder alerts() {
        return AzureMonitorAlerts.builder().subscriptionId(SUBSCRIPTION).resourceGroup(GROUP).appName(APP)
                .credential(credential()).managementEndpoint(URI.create(base())).httpClient(httpClient())
                .retry(2, Duration.ofMillis(1), Duration.ofMillis(5));
    }

    // ---- stubbing

    /** The Alerts Management list of the subscription's alerts. */
    MappingBuilder onAlerts() {
        return get(urlPathEqualTo("/subscriptions/" + SUBSCRIPTION + "/providers/Microsoft.AlertsManagement/alerts"))
                .withQueryParam("api-version", equalTo(AzureMonitorAlerts.API_VERSION));
    }

    /** Azure Monitor's metrics query of the app's {@code Requests}. */
    MappingBuilder onMetrics() {
        return get(urlPathEqualTo(APP_PATH + "/providers/Microsoft.Insights/metrics"))
                .withQueryParam("metricnames", equalTo("Requests"));
    }

    MappingBuilder onGet(String subPath) {
        return get(urlPathEqualTo(APP_PATH + subPath)).withQueryParam("api-version", equalTo(API_VERSION));
    }

    MappingBuilder onPatchApp() {
        return patch(urlPathEqualTo(APP_PATH)).withQueryParam("api-version", equalTo(API_VERSION));
    }

    MappingBuilder onPost(String subPath) {
        return post(urlPathEqualTo(APP_PATH + subPath)).withQueryParam("api-version", equalTo(API_VERSION));
    }

    void stub(MappingBuilder mapping, ResponseDefinitionBuilder response) {
        server.stubFor(mapping.willReturn(response));
    }

    /** Answers the app GET with {@code body}. */
    void app(String body) {
        stub(onGet(""), okJson(body));
    }

    static ResponseDefinitionBuilder armError(int status, String code, String message) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}");
    }

    // ---- bodies shaped like the REST examples

    /** ContainerApps_Get: the full app, secrets and template included, as the service returns it. */
    static String appJson(String mode, String latest, String latestReady, String trafficJson) {
        String modeField = mode == null ? "" : "\"activeRevisionsMode\":\"" + mode + "\",";
        return """
                {"id":"%s","name":"%s","type":"Microsoft.App/containerApps","location":"East US",
                 "properties":{"provisioningState":"Succeeded","managedEnvironmentId":"/subscriptions/%s/resourceGroups/%s/providers/Microsoft.App/managedEnvironments/demokube",
                  "latestRevisionName":"%s","latestReadyRevisionName":"%s","latestRevisionFqdn":"%s--x.demokube.azurecontainerapps.io",
                  "configuration":{%s"secrets":[{"name":"registry-password"}],
                   "ingress":{"external":true,"targetPort":3000,"transport":"auto","traffic":%s}},
                  "template":{"containers":[{"image":"repo/testcontainerapp0:v1","name":"testcontainerapp0"}]}}}
                """.formatted(APP_PATH, APP, SUBSCRIPTION, GROUP, latest, latestReady, latest, modeField, trafficJson);
    }

    /** Revisions_List / Revisions_Get shape; {@code extraProperties} adds e.g. health fields. */
    static String revisionJson(String name, boolean active, int weight, String extraProperties) {
        return revisionJson(name, Instant.parse("2026-01-05T08:00:00Z"), "repo/backend:" + name, active, weight,
                extraProperties);
    }

    /** Revisions_List / Revisions_Get shape, created at {@code created} from {@code image}. */
    static String revisionJson(String name, Instant created, String image, boolean active, int weight,
            String extraProperties) {
        return """
                {"id":"%s/revisions/%s","name":"%s","type":"Microsoft.App/containerapps/revisions",
                 "properties":{"createdTime":"%s","lastActiveTime":"%s",
                  "fqdn":"%s.demokube.azurecontainerapps.io","template":{"containers":[{"image":"%s","name":"backend"}]},
                  "active":%s,"replicas":%d,"trafficWeight":%d%s}}
                """.formatted(APP_PATH, name, name, created, created.plusSeconds(300), name, image, active,
                active ? 1 : 0, weight, extraProperties.isEmpty() ? "" : "," + extraProperties);
    }

    static String ready() {
        return "\"healthState\":\"Healthy\",\"provisioningState\":\"Provisioned\",\"runningState\":\"Running\"";
    }

    /** The metrics REST response: one {@code Requests} metric, one time series per status code category. */
    static String metricsJson(String... seriesByCategory) {
        return """
                {"cost":5,"timespan":"2026-01-05T09:00:00Z/2026-01-05T09:05:00Z","interval":"PT1M",
                 "value":[{"id":"%s/providers/Microsoft.Insights/metrics/Requests","type":"Microsoft.Insights/metrics",
                  "name":{"value":"Requests","localizedValue":"Requests"},"displayDescription":"Requests processed",
                  "unit":"Count","timeseries":[%s],"errorCode":"Success"}],
                 "namespace":"Microsoft.App/containerApps","resourceregion":"eastus"}
                """.formatted(APP_PATH, String.join(",", seriesByCategory));
    }

    /** One metrics time series: {@code category} ("2xx", "5xx"...) with one-minute totals. */
    static String metricsSeries(String category, double... totals) {
        String data = Arrays.stream(totals)
                .mapToObj(t -> "{\"timeStamp\":\"2026-01-05T09:00:00Z\",\"total\":" + t + "}")
                .collect(Collectors.joining(","));
        return "{\"metadatavalues\":[{\"name\":{\"value\":\"statusCodeCategory\","
                + "\"localizedValue\":\"statusCodeCategory\"},\"value\":\"" + category + "\"}],"
                + "\"data\":[" + data + "]}";
    }

    /** One alert of the Alerts Management list (Alerts_List example shape, 2019-05-05-preview). */
    static String alertJson(String guid, String rule, String severity, Instant started, String description) {
        return """
                {"properties":{"essentials":{"severity":"%s","signalType":"Metric","alertState":"New",
                  "monitorCondition":"Fired","monitorService":"Platform","targetResource":"%s",
                  "targetResourceName":"%s","targetResourceGroup":"%s","targetResourceType":"containerApps",
                  "sourceCreatedId":"%s_metricAlerts","alertRule":"/subscriptions/%s/resourceGroups/%s/providers/microsoft.insights/metricAlerts/%s",
                  "startDateTime":"%s","lastModifiedDateTime":"%s","lastModifiedUserName":"System",
                  "actionStatus":{"isSuppressed":false},"description":"%s"},
                 "egressConfig":{},"context":{}},
                 "id":"/subscriptions/%s/providers/Microsoft.AlertsManagement/alerts/%s",
                 "type":"Microsoft.AlertsManagement/alerts","name":"%s"}
                """.formatted(severity, APP_PATH.toLowerCase(java.util.Locale.ROOT), APP, GROUP, guid, SUBSCRIPTION,
                GROUP, rule, started, started, description, SUBSCRIPTION, guid, rule);
    }

    static String page(List<String> items, String nextLink) {
        return "{\"value\":[" + String.join(",", items) + "]"
                + (nextLink == null ? "" : ",\"nextLink\":\"" + nextLink + "\"") + "}";
    }

    // ---- what was asked

    /** Every request served, oldest first. */
    public List<LoggedRequest> requests() {
        return server.findAll(anyRequestedFor(anyUrl())).stream()
                .sorted(Comparator.comparing(LoggedRequest::getLoggedDate)).toList();
    }

    /** Each request as {@code METHOD path-after-the-app}, e.g. {@code PATCH } or {@code GET /revisions/r2}. */
    public List<String> requestLines() {
        return requests().stream().map(r -> r.getMethod().getName() + " " + shortPath(r.getUrl()))
                .collect(Collectors.toList());
    }

    /** The path of {@code url} without its query, relative to the app when below it. */
    public static String shortPath(String url) {
        String path = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
        return path.startsWith(APP_PATH) ? path.substring(APP_PATH.length()) : path;
    }

    /** Forgets every stub and request. */
    public void reset() {
        server.resetAll();
    }

    /** Stops the server. */
    @Override
    public void close() {
        server.stop();
    }

    /** Stops the server after the class that registered it; {@code @Nested} classes inherit it and leave it on. */
    @Override
    public void afterAll(ExtensionContext context) {
        if (!context.getRequiredTestClass().isAnnotationPresent(Nested.class)) {
            close();
        }
    }

    private static HttpClient trustingClient() {
        try {
            // Trusts WireMock's self-signed certificate; test only.
            SslContext ssl = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
            return new NettyAsyncHttpClientBuilder(
                    reactor.netty.http.client.HttpClient.create().secure(spec -> spec.sslContext(ssl))).build();
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
    }
}
