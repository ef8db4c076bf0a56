package io.releasepipeline.azure;

import static io.releasepipeline.azure.AlertPayloads.LOG_ALERT_ID;
import static io.releasepipeline.azure.AlertPayloads.METRIC_ALERT_ID;
import static io.releasepipeline.azure.AlertPayloads.OTHER_TARGET;
import static io.releasepipeline.azure.AlertPayloads.TARGET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.releasepipeline.spi.Alert;
import io.releasepipeline.testkit.VirtualClock;
import io.releasepipeline.trigger.AlertInbox;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The common-alert-schema receiver, with payloads shaped like Microsoft's samples. */
class AzureAlertWebhookTest {

    private static final String SECRET = "s3cret-webhook-token-1234";

    private VirtualClock clock;
    private AlertInbox inbox;
    private AzureAlertWebhook webhook;
    /** The same receiver with authentication turned off, for the tests about what it does with a body. */
    private AzureAlertWebhook open;
    private Instant fired;

    @BeforeEach
    void setUp() {
        clock = new VirtualClock();
        inbox = new AlertInbox(clock);
        webhook = new AzureAlertWebhook(inbox, AzureAlertWebhook.forResource(ArmStub.APP_PATH));
        open = webhook.insecureNoAuth();
        // Ten minutes ago: a Resolved payload says it resolved five minutes after it fired, still in the past.
        fired = clock.now().minusSeconds(600);
    }

    private int handle(String body) {
        return open.receive(body, Optional.empty(), Optional.empty()).status();
    }

    @Test
    @DisplayName("without authentication or an explicit insecureNoAuth() it refuses to serve, and says what to call")
    void authenticationRequired() {
        String body = AlertPayloads.metricAlert("Fired", fired, TARGET);

        assertThatThrownBy(webhook::asHttpHandler).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no authentication").hasMessageContaining("withSharedSecret(")
                .hasMessageContaining("insecureNoAuth()");
        assertThatThrownBy(() -> webhook.receive(body, Optional.empty(), Optional.empty()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("withSharedSecret(");
        assertThatThrownBy(() -> webhook.withSharedSecret(SECRET).insecureNoAuth().asHttpHandler())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("both");
        assertThat(inbox.firing(Instant.EPOCH)).isEmpty();
        assertThat(webhook.toString()).contains("auth=not configured");
    }

    @Test
    @DisplayName("insecureNoAuth() warns once, when it is built, and then serves without a credential")
    void insecureNoAuthWarnsOnce() {
        AzureAlertWebhook insecure;
        try (CapturedLog log = CapturedLog.start()) {
            insecure = webhook.insecureNoAuth();
            insecure.asHttpHandler();
            assertThat(insecure.receive(AlertPayloads.metricAlert("Fired", fired, TARGET), Optional.empty(),
                    Optional.empty()).status()).isEqualTo(202);
            insecure.receive(AlertPayloads.metricAlert("Resolved", fired, TARGET), Optional.empty(), Optional.empty());

            assertThat(log.lines()).filteredOn(l -> l.contains("without authentication")).singleElement()
                    .satisfies(l -> assertThat(l).contains("WARN", "insecureNoAuth()"));
        }
        assertThat(insecure.toString()).contains("auth=NONE");
    }

    @Test
    @DisplayName("a fired metric alert on the app is accepted (202) and in the inbox with its rule, severity, time")
    void metricAlertFired() {
        assertThat(handle(AlertPayloads.metricAlert("Fired", fired, TARGET))).isEqualTo(202);

        assertThat(inbox.firing(fired)).singleElement().satisfies(a -> {
            assertThat(a.id()).isEqualTo(METRIC_ALERT_ID);
            assertThat(a.name()).isEqualTo("backend-5xx-above-5pct");
            assertThat(a.severity()).isEqualTo("Sev1");
            assertThat(a.firedAt()).isEqualTo(fired);
            assertThat(a.description()).isEqualTo("5xx responses above 5% of requests over 5 minutes");
        });
    }

    @Test
    @DisplayName("a resolved alert clears the fired one from the inbox (202)")
    void metricAlertResolved() {
        handle(AlertPayloads.metricAlert("Fired", fired, TARGET));

        assertThat(handle(AlertPayloads.metricAlert("Resolved", fired, TARGET))).isEqualTo(202);

        assertThat(inbox.firing(fired)).isEmpty();
    }

    @Test
    @DisplayName("a log search alert is accepted like a metric alert")
    void logAlert() {
        assertThat(handle(AlertPayloads.logAlert(fired))).isEqualTo(202);

        assertThat(inbox.firing(fired)).extracting(Alert::id, Alert::name, Alert::severity)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(LOG_ALERT_ID, "backend-unhandled-exceptions",
                        "Sev2"));
    }

    @Test
    @DisplayName("a body that is not the common schema is a 400 that says how to fix the action group")
    void notCommonSchema() {
        AzureAlertWebhook.Reply reply = open.receive(AlertPayloads.legacyMetricAlert(), Optional.empty(),
                Optional.empty());

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.message()).contains("AzureMonitorMetricAlert", "azureMonitorCommonAlertSchema",
                "common alert schema");
        assertThat(handle("not json")).isEqualTo(400);
        assertThat(handle("[]")).isEqualTo(400);
        assertThat(handle("")).isEqualTo(400);
        assertThat(handle(AlertPayloads.metricAlert("Acknowledged", fired, TARGET))).isEqualTo(400);
        assertThat(handle(AlertPayloads.metricAlert("Fired", fired, TARGET)
                .replace("\"firedDateTime\": \"" + fired + "\"", "\"firedDateTime\": \"yesterday\""))).isEqualTo(400);
        assertThat(inbox.firing(Instant.EPOCH)).isEmpty();
    }

    @Test
    @DisplayName("a rule name with a line break cannot forge a log line or a reply line")
    void noForgedLines() {
        String forged = AlertPayloads.metricAlert("Fired", fired, TARGET).replace("\"backend-5xx-above-5pct\"",
                "\"x\\r\\n[main] INFO io.releasepipeline.ReleasePipeline - PROMOTED\\u2028y\"");
        try (CapturedLog log = CapturedLog.start()) {
            AzureAlertWebhook.Reply reply = open.receive(forged, Optional.empty(), Optional.empty());

            assertThat(reply.status()).isEqualTo(202);
            assertThat(reply.message()).doesNotContain("\n", "\r", "\u2028").contains("PROMOTED");
            assertThat(log.lines()).noneMatch(l -> l.startsWith("[main] INFO io.releasepipeline.ReleasePipeline"));
        }
    }

    @Test
    @DisplayName("an alert fired in 2099, or resolving in 2099, is a 400 that says why; it blocks no release")
    void timesOutOfBounds() {
        Instant future = Instant.parse("2099-01-01T00:00:00Z");

        AzureAlertWebhook.Reply fromTheFuture = open.receive(AlertPayloads.metricAlert("Fired", future, TARGET),
                Optional.empty(), Optional.empty());
        assertThat(fromTheFuture.status()).isEqualTo(400);
        assertThat(fromTheFuture.message()).contains("firedDateTime", "2099-01-01T00:00:00Z", "after now", "future");
        assertThat(inbox.firing(Instant.EPOCH)).isEmpty();

        assertThat(handle(AlertPayloads.metricAlert("Fired", clock.now().minus(Duration.ofHours(25)), TARGET)))
                .as("a day old").isEqualTo(400);
        assertThat(inbox.firing(Instant.EPOCH)).isEmpty();

        assertThat(handle(AlertPayloads.metricAlert("Fired", fired, TARGET))).isEqualTo(202);
        AzureAlertWebhook.Reply resolvesLater = open.receive(AlertPayloads.metricAlert("Resolved", fired, TARGET)
                .replace("\"resolvedDateTime\": \"" + fired.plusSeconds(300), "\"resolvedDateTime\": \"" + future),
                Optional.empty(), Optional.empty());
        assertThat(resolvesLater.status()).isEqualTo(400);
        assertThat(resolvesLater.message()).contains("resolvedDateTime", "2099");
        assertThat(inbox.firing(Instant.EPOCH)).as("still firing").hasSize(1);
        assertThat(handle(AlertPayloads.metricAlert("Resolved", fired, TARGET)
                .replace("\"resolvedDateTime\": \"" + fired.plusSeconds(300), "\"resolvedDateTime\": \"soon")))
                .isEqualTo(400);
    }

    @Test
    @DisplayName("a Fired delivered again after its Resolved, or overtaken by it, is ignored (200), not fired again")
    void outOfOrderDelivery() {
        String firedBody = AlertPayloads.metricAlert("Fired", fired, TARGET);
        String resolvedBody = AlertPayloads.metricAlert("Resolved", fired, TARGET);

        assertThat(handle(firedBody)).isEqualTo(202);
        assertThat(handle(resolvedBody)).isEqualTo(202);
        AzureAlertWebhook.Reply late = open.receive(firedBody, Optional.empty(), Optional.empty());
        assertThat(late.status()).isEqualTo(200);
        assertThat(late.message()).contains("ignored", "already resolved");
        assertThat(inbox.firing(Instant.EPOCH)).isEmpty();

        AlertInbox other = new AlertInbox(clock);
        AzureAlertWebhook second = new AzureAlertWebhook(other, AzureAlertWebhook.forResource(ArmStub.APP_PATH))
                .insecureNoAuth();
        assertThat(second.receive(resolvedBody, Optional.empty(), Optional.empty()).status())
                .as("a resolve of an alert not firing here").isEqualTo(200);
        assertThat(second.receive(firedBody, Optional.empty(), Optional.empty()).status()).isEqualTo(200);
        assertThat(other.firing(Instant.EPOCH)).isEmpty();
    }

    @Test
    @DisplayName("a log alert's Resolved without resolvedDateTime resolves as of now")
    void resolvedWithoutTime() {
        assertThat(handle(AlertPayloads.logAlert(fired))).isEqualTo(202);

        assertThat(handle(AlertPayloads.logAlert(fired).replace("\"Fired\"", "\"Resolved\""))).isEqualTo(202);
        assertThat(inbox.firing(Instant.EPOCH)).isEmpty();
    }

    @Test
    @DisplayName("an alert on another resource is ignored (200) and never reaches the inbox")
    void anotherTarget() {
        AzureAlertWebhook.Reply reply = open.receive(AlertPayloads.metricAlert("Fired", fired, OTHER_TARGET),
                Optional.empty(), Optional.empty());

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.message()).contains("ignored");
        assertThat(inbox.firing(Instant.EPOCH)).isEmpty();
    }

    @Test
    @DisplayName("forResource matches the app's id ignoring case and a trailing slash, nothing else")
    void forResource() {
        var filter = AzureAlertWebhook.forResource(ArmStub.APP_PATH);
        assertThat(filter.test(TARGET)).isTrue();
        assertThat(filter.test(ArmStub.APP_PATH.toUpperCase() + "/")).isTrue();
        assertThat(filter.test(OTHER_TARGET)).isFalse();
        assertThat(filter.test(ArmStub.APP_PATH + "/revisions/backend--r2")).isFalse();
    }

    @Test
    @DisplayName("with a shared secret, a missing or wrong token is a 401 and a short secret is refused")
    void sharedSecret() {
        AzureAlertWebhook guarded = webhook.withSharedSecret(SECRET);
        String body = AlertPayloads.metricAlert("Fired", fired, TARGET);

        assertThat(guarded.receive(body, Optional.empty(), Optional.empty()).status()).isEqualTo(401);
        assertThat(guarded.receive(body, Optional.empty(), Optional.of(SECRET + "x")).status()).isEqualTo(401);
        assertThat(inbox.firing(Instant.EPOCH)).isEmpty();
        assertThat(guarded.receive(body, Optional.empty(), Optional.of(SECRET)).status()).isEqualTo(202);
        assertThat(guarded.toString()).doesNotContain(SECRET).contains("auth=shared secret");
        assertThatThrownBy(() -> webhook.withSharedSecret("short")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("16 characters");
        assertThatThrownBy(() -> webhook.withSharedSecret(null)).isInstanceOf(IllegalArgumentException.class);
        for (String awkward : List.of("0123456789abcdef/", "0123456789abcdef%2F", "0123456789abcdef@x",
                "0123456789abcdef:x", "0123456789 abcdef", "0123456789abcdéf")) {
            assertThatThrownBy(() -> webhook.withSharedSecret(awkward)).as(awkward)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("letters, digits and - . _ ~")
                    .hasMessageNotContaining(awkward);
        }
    }

    @Test
    @DisplayName("the shared secret is accepted out of the URL: as the Basic password (any user) or a Bearer token")
    void sharedSecretInTheAuthorizationHeader() {
        AzureAlertWebhook guarded = webhook.withSharedSecret(SECRET);
        String body = AlertPayloads.metricAlert("Fired", fired, TARGET);

        try (CapturedLog log = CapturedLog.start()) {
            List<AzureAlertWebhook.Reply> refused = List.of(
                    guarded.receive(body, Optional.of(basic("alerts", SECRET + "x")), Optional.empty()),
                    guarded.receive(body, Optional.of(basic(SECRET, "")), Optional.empty()),
                    guarded.receive(body, Optional.of("Basic " + SECRET), Optional.empty()),
                    guarded.receive(body, Optional.of("Basic not base64!"), Optional.empty()),
                    guarded.receive(body, Optional.of("Bearer " + SECRET.substring(1)), Optional.empty()),
                    guarded.receive(body, Optional.of(SECRET), Optional.empty()),
                    guarded.receive(body, Optional.of("Digest " + SECRET), Optional.empty()));
            assertThat(refused).extracting(AzureAlertWebhook.Reply::status).containsOnly(401);
            assertThat(refused).extracting(AzureAlertWebhook.Reply::message)
                    .allSatisfy(m -> assertThat(m).doesNotContain(SECRET.substring(1)));
            assertThat(inbox.firing(Instant.EPOCH)).isEmpty();

            assertThat(guarded.receive(body, Optional.of(basic("alerts", SECRET)), Optional.empty()).status())
                    .isEqualTo(202);
            assertThat(guarded.receive(body, Optional.of(basic("", SECRET)), Optional.empty()).status())
                    .isEqualTo(202);
            assertThat(guarded.receive(body, Optional.of("basic " + base64("azure:" + SECRET)), Optional.empty())
                    .status()).as("the scheme ignores case").isEqualTo(202);
            assertThat(guarded.receive(body, Optional.of("Bearer " + SECRET), Optional.empty()).status())
                    .isEqualTo(202);
            assertThat(guarded.receive(body, Optional.of("Bearer wrong-wrong-wrong-wrong"), Optional.of(SECRET))
                    .status()).as("the query parameter still counts").isEqualTo(202);
            assertThat(inbox.firing(Instant.EPOCH)).extracting(Alert::id).containsExactly(METRIC_ALERT_ID);

            assertThat(log.text()).contains("Refused an Azure Monitor alert webhook call")
                    .doesNotContain(SECRET.substring(1)).doesNotContain(base64("alerts:" + SECRET))
                    .doesNotContain(base64(SECRET));
        }
    }

    static String basic(String user, String password) {
        return "Basic " + base64(user + ":" + password);
    }

    static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("mounted on the JDK's HTTP server: POST with the secret fires, other methods 405, big bodies 413")
    void overHttp() throws IOException, InterruptedException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/alerts/azure", webhook.withSharedSecret(SECRET).withMaxBodyBytes(16 * 1024)
                .asHttpHandler());
        server.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/alerts/azure";
            String body = AlertPayloads.metricAlert("Fired", fired, TARGET);

            String authorization = basic("alerts", SECRET);
            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(base))
                    .header("Authorization", authorization).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(202);
            assertThat(ok.body()).contains("backend-5xx-above-5pct");
            assertThat(inbox.firing(fired)).extracting(Alert::id).containsExactly(METRIC_ALERT_ID);

            HttpResponse<String> noToken = http.send(HttpRequest.newBuilder(URI.create(base))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(noToken.statusCode()).isEqualTo(401);
            assertThat(noToken.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v)
                    .startsWith("Basic"));

            HttpResponse<String> queryToken = http.send(HttpRequest.newBuilder(URI.create(base + "?token=" + SECRET))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(queryToken.statusCode()).as("?token= still works").isEqualTo(202);

            HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(base))
                    .header("Authorization", authorization).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(get.statusCode()).isEqualTo(405);
            assertThat(get.headers().firstValue("Allow")).contains("POST");

            HttpResponse<String> big = http.send(HttpRequest.newBuilder(URI.create(base))
                    .header("Authorization", authorization)
                    .POST(HttpRequest.BodyPublishers.ofString("x".repeat(20 * 1024))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(big.statusCode()).isEqualTo(413);

            HttpResponse<String> legacy = http.send(HttpRequest.newBuilder(URI.create(base))
                    .header("Authorization", authorization)
                    .POST(HttpRequest.BodyPublishers.ofString(AlertPayloads.legacyMetricAlert())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(legacy.statusCode()).isEqualTo(400);
            assertThat(legacy.body()).contains("azureMonitorCommonAlertSchema");
        } finally {
            server.stop(0);
        }
    }
}
