package io.releasepipeline.azure;

import static io.releasepipeline.azure.AlertPayloads.METRIC_ALERT_ID;
import static io.releasepipeline.azure.AlertPayloads.TARGET;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.time.Instant;
import java.util.Base64;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The production path: {@link AzureAlertWebhook#asHttpHandler()} mounted on the JDK's HTTP server on 127.0.0.1, and
 * alerts POSTed with {@code java.net.http} the way an action group sends them, in each authentication mode. Nothing
 * is injected: the Entra ID mode fetches its keys with its own client from a stand-in tenant.
 */
class AzureAlertWebhookHttpTest {

    private static final String SECRET = "0f3c9a7e5b1d4c2a8e6f0b9d7c5a3e1f";

    private final HttpClient http = HttpClient.newHttpClient();
    private VirtualClock clock;
    private AlertInbox inbox;
    private AzureAlertWebhook webhook;
    private HttpServer server;
    private String url;
    private String fired;
    private String resolved;

    @BeforeEach
    void setUp() {
        clock = new VirtualClock();
        inbox = new AlertInbox(clock);
        webhook = new AzureAlertWebhook(inbox, AzureAlertWebhook.forResource(ArmStub.APP_PATH));
        Instant firedAt = clock.now().minusSeconds(600);
        fired = AlertPayloads.metricAlert("Fired", firedAt, TARGET);
        resolved = AlertPayloads.metricAlert("Resolved", firedAt, TARGET);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private void serve(AzureAlertWebhook receiver) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/alerts/azure", receiver.asHttpHandler());
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort() + "/alerts/azure";
    }

    /**
     * POSTs {@code body} to {@code webhookUri} as an action group does: JSON, and the URI's user info, if any, sent as
     * HTTP Basic authentication rather than in the request line.
     */
    private HttpResponse<String> post(String webhookUri, String body, Function<HttpRequest.Builder,
            HttpRequest.Builder> headers) throws IOException, InterruptedException {
        URI uri = URI.create(webhookUri);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri.getRawUserInfo() == null ? uri
                : URI.create(webhookUri.replace(uri.getRawUserInfo() + "@", "")));
        if (uri.getUserInfo() != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    uri.getUserInfo().getBytes(StandardCharsets.UTF_8)));
        }
        request = headers.apply(request.header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String webhookUri, String body) throws IOException, InterruptedException {
        return post(webhookUri, body, Function.identity());
    }

    private String withUserInfo(String userInfo) {
        return url.replace("http://", "http://" + userInfo + "@");
    }

    @Test
    @DisplayName("Webhook action, secret in the URI's user info (sent as Basic): fires and resolves; no secret, 401")
    void sharedSecretAsBasic() throws Exception {
        serve(webhook.withSharedSecret(SECRET));
        try (CapturedLog log = CapturedLog.start()) {
            HttpResponse<String> none = post(url, fired);
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().allValues("WWW-Authenticate")).containsExactly(
                    "Basic realm=\"azure-alert-webhook\"");
            assertThat(post(withUserInfo("alerts:wrong-secret-0000000000"), fired).statusCode()).isEqualTo(401);
            assertThat(inbox.firing(Instant.EPOCH)).isEmpty();

            HttpResponse<String> ok = post(withUserInfo("alerts:" + SECRET), fired);
            assertThat(ok.statusCode()).isEqualTo(202);
            assertThat(ok.body()).contains("fired alert \"backend-5xx-above-5pct\"");
            assertThat(inbox.firing(Instant.EPOCH)).extracting(Alert::id).containsExactly(METRIC_ALERT_ID);

            assertThat(post(withUserInfo("alerts:" + SECRET), resolved).statusCode()).isEqualTo(202);
            assertThat(inbox.firing(Instant.EPOCH)).isEmpty();
            assertThat(log.text()).doesNotContain(SECRET).doesNotContain("wrong-secret");
        }
    }

    @Test
    @DisplayName("the secret as a Bearer token, or as ?token= (kept for old webhook URIs), is accepted too")
    void sharedSecretAsBearerOrQuery() throws Exception {
        serve(webhook.withSharedSecret(SECRET));
        try (CapturedLog log = CapturedLog.start()) {
            assertThat(post(url, fired, r -> r.header("Authorization", "Bearer " + SECRET)).statusCode())
                    .isEqualTo(202);
            assertThat(post(url, resolved, r -> r.header("Authorization", "Bearer " + SECRET + "0")).statusCode())
                    .isEqualTo(401);
            assertThat(post(url + "?token=" + SECRET, resolved).statusCode()).isEqualTo(202);
            assertThat(inbox.firing(Instant.EPOCH)).isEmpty();
            assertThat(log.text()).doesNotContain(SECRET).doesNotContain(url + "?");
        }
    }

    @Test
    @DisplayName("Secure webhook action, an Entra ID token as Bearer: fires; a forged or missing one, 401")
    void entraIdToken() throws Exception {
        try (EntraIdStandIn entra = new EntraIdStandIn(); CapturedLog log = CapturedLog.start()) {
            serve(webhook.withEntraId(entra.authentication().build()));
            String token = entra.token(EntraIdStandIn.v2Claims());

            HttpResponse<String> none = post(url, fired);
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().allValues("WWW-Authenticate")).containsExactly(
                    "Bearer realm=\"azure-alert-webhook\"");
            HttpResponse<String> forged = post(url, fired, r -> r.header("Authorization", "Bearer "
                    + EntraIdStandIn.unsigned(EntraIdStandIn.v2Claims())));
            assertThat(forged.statusCode()).isEqualTo(401);
            assertThat(forged.body()).contains("RS256");
            assertThat(inbox.firing(Instant.EPOCH)).isEmpty();

            HttpResponse<String> ok = post(url, fired, r -> r.header("Authorization", "Bearer " + token));
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
            assertThat(inbox.firing(Instant.EPOCH)).extracting(Alert::id).containsExactly(METRIC_ALERT_ID);
            assertThat(entra.keyReads()).isEqualTo(1);
            for (String part : token.split("\\.")) {
                assertThat(log.text()).doesNotContain(part);
            }
        }
    }

    @Test
    @DisplayName("Secure webhook action while the tenant's keys cannot be fetched: 503, which Azure retries")
    void entraIdKeysUnavailable() throws Exception {
        String token;
        EntraIdAuthentication authentication;
        try (EntraIdStandIn entra = new EntraIdStandIn()) {
            token = entra.token(EntraIdStandIn.v2Claims());
            authentication = entra.authentication().build();
        }
        serve(webhook.withEntraId(authentication));

        HttpResponse<String> response = post(url, fired, r -> r.header("Authorization", "Bearer " + token));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(inbox.firing(Instant.EPOCH)).isEmpty();
    }

    @Test
    @DisplayName("insecureNoAuth(): anyone may post, as the name says")
    void insecureNoAuth() throws Exception {
        serve(webhook.insecureNoAuth());

        assertThat(post(url, fired).statusCode()).isEqualTo(202);
        assertThat(inbox.firing(Instant.EPOCH)).hasSize(1);
    }
}
