package io.releasepipeline.azure;

import static io.releasepipeline.azure.AlertPayloads.METRIC_ALERT_ID;
import static io.releasepipeline.azure.AlertPayloads.TARGET;
import static io.releasepipeline.azure.EntraIdStandIn.OTHER_TENANT;
import static io.releasepipeline.azure.EntraIdStandIn.TENANT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.spi.Alert;
import io.releasepipeline.testkit.VirtualClock;
import io.releasepipeline.trigger.AlertInbox;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The receiver behind an action group's Secure webhook action: Entra ID access tokens, checked against keys that a
 * stand-in tenant on 127.0.0.1 publishes the way {@code login.microsoftonline.com} does.
 */
class AzureAlertWebhookEntraIdTest {

    private static final KeyPair OTHER_KEY = EntraIdStandIn.rsa();

    private EntraIdStandIn entra;
    private VirtualClock clock;
    private AlertInbox inbox;
    private AzureAlertWebhook webhook;
    private String body;

    @BeforeEach
    void setUp() {
        entra = new EntraIdStandIn();
        clock = new VirtualClock();
        inbox = new AlertInbox(clock);
        webhook = new AzureAlertWebhook(inbox, AzureAlertWebhook.forResource(ArmStub.APP_PATH))
                .withEntraId(entra.authentication().build());
        body = AlertPayloads.metricAlert("Fired", clock.now(), TARGET);
    }

    @AfterEach
    void tearDown() {
        entra.close();
    }

    private AzureAlertWebhook.Reply post(String token) {
        return webhook.receive(body, Optional.of("Bearer " + token), Optional.empty());
    }

    private static Map<String, Object> v2(Consumer<Map<String, Object>> change) {
        Map<String, Object> claims = new LinkedHashMap<>(EntraIdStandIn.v2Claims());
        change.accept(claims);
        return claims;
    }

    @Test
    @DisplayName("a v2.0 token Entra issued to the action groups app for this app, with the role, fires the alert")
    void validV2Token() {
        AzureAlertWebhook.Reply reply = post(entra.token(EntraIdStandIn.v2Claims()));

        assertThat(reply.status()).as(reply.message()).isEqualTo(202);
        assertThat(inbox.firing(Instant.EPOCH)).extracting(Alert::id).containsExactly(METRIC_ALERT_ID);
    }

    @Test
    @DisplayName("a v1.0 token (sts.windows.net issuer, application ID URI audience, appid) is accepted too")
    void validV1Token() {
        AzureAlertWebhook.Reply reply = post(entra.token(EntraIdStandIn.v1Claims()));

        assertThat(reply.status()).as(reply.message()).isEqualTo(202);
        assertThat(inbox.firing(Instant.EPOCH)).hasSize(1);
    }

    @Test
    @DisplayName("a token a minute past exp is accepted within the 2-minute skew; nbf a minute ahead too")
    void clockSkew() {
        long now = Instant.now().getEpochSecond();

        assertThat(post(entra.token(v2(c -> c.put("exp", now - 60)))).status()).isEqualTo(202);
        assertThat(post(entra.token(v2(c -> c.put("nbf", now + 60)))).status()).isEqualTo(202);
    }

    @Test
    @DisplayName("forged, misdirected or stale tokens are 401s that change nothing and show no token anywhere")
    void refusedTokens() {
        long now = Instant.now().getEpochSecond();
        String valid = entra.token(EntraIdStandIn.v2Claims());
        String[] parts = valid.split("\\.");
        Map<String, String> forged = new LinkedHashMap<>();
        forged.put("wrong signature (claims changed after signing)", parts[0] + "."
                + EntraIdStandIn.b64(("{\"aud\":\"" + EntraIdStandIn.CLIENT_ID + "\",\"roles\":[\"Admin\"]}")
                        .getBytes(StandardCharsets.UTF_8)) + "." + parts[2]);
        forged.put("signed with another key under the tenant's key id", EntraIdStandIn.sign(
                Map.of("typ", "JWT", "alg", "RS256", "kid", EntraIdStandIn.KEY_ID), EntraIdStandIn.v2Claims(),
                OTHER_KEY));
        forged.put("alg none", EntraIdStandIn.unsigned(EntraIdStandIn.v2Claims()));
        forged.put("HS256 keyed with the tenant's public key", EntraIdStandIn.hs256(
                Map.of("typ", "JWT", "alg", "HS256", "kid", EntraIdStandIn.KEY_ID), EntraIdStandIn.v2Claims(),
                entra.key.getPublic().getEncoded()));
        forged.put("expired", entra.token(v2(c -> {
            c.put("nbf", now - 7200);
            c.put("exp", now - 600);
        })));
        forged.put("not yet valid", entra.token(v2(c -> c.put("nbf", now + 600))));
        forged.put("no exp", entra.token(v2(c -> c.remove("exp"))));
        forged.put("wrong issuer", entra.token(v2(c -> c.put("iss", "https://evil.example/" + TENANT + "/v2.0"))));
        forged.put("wrong audience", entra.token(v2(c -> c.put("aud", "api://someone-elses-app"))));
        forged.put("wrong tenant (same Microsoft key, another tenant's issuer)", entra.token(v2(c -> {
            c.put("iss", "https://login.microsoftonline.com/" + OTHER_TENANT + "/v2.0");
            c.put("tid", OTHER_TENANT);
        })));
        forged.put("tenant's issuer but another tid", entra.token(v2(c -> c.put("tid", OTHER_TENANT))));
        forged.put("missing role", entra.token(v2(c -> c.put("roles", List.of("Reader")))));
        forged.put("no roles at all", entra.token(v2(c -> c.remove("roles"))));
        forged.put("issued to another client app", entra.token(v2(c -> c.put("azp",
                "99998888-7777-6666-5555-444433332222"))));
        forged.put("a key id the tenant does not publish", EntraIdStandIn.sign(
                Map.of("typ", "JWT", "alg", "RS256", "kid", "made-up"), EntraIdStandIn.v2Claims(), entra.key));
        forged.put("not a JWT", "not.a-jwt");
        forged.put("two parts", parts[0] + "." + parts[1]);

        try (CapturedLog log = CapturedLog.start()) {
            forged.forEach((what, token) -> {
                AzureAlertWebhook.Reply reply = post(token);
                assertThat(reply.status()).as(what + ": " + reply.message()).isEqualTo(401);
                for (String part : token.split("\\.")) {
                    if (part.length() > 8) {
                        assertThat(reply.message()).as(what).doesNotContain(part);
                        assertThat(log.text()).as(what).doesNotContain(part);
                    }
                }
            });
            assertThat(log.lines()).filteredOn(l -> l.contains("Refused an Azure Monitor alert webhook call"))
                    .hasSize(forged.size());
        }
        assertThat(inbox.firing(Instant.EPOCH)).isEmpty();
        assertThat(webhook.receive(body, Optional.empty(), Optional.empty()).status()).isEqualTo(401);
        assertThat(webhook.receive(body, Optional.of("Basic " + EntraIdStandIn.b64(("x:" + valid).getBytes(
                StandardCharsets.UTF_8))), Optional.empty()).status())
                .as("a token is only taken as a Bearer token").isEqualTo(401);
        assertThat(webhook.receive(body, Optional.empty(), Optional.of(valid)).status())
                .as("nor from the query string").isEqualTo(401);
        assertThat(inbox.firing(Instant.EPOCH)).isEmpty();
    }

    @Test
    @DisplayName("the tenant's keys are fetched once, again for a new key id (rotation), but not for every unknown id")
    void keyRotation() {
        assertThat(post(entra.token(EntraIdStandIn.v2Claims())).status()).isEqualTo(202);
        assertThat(post(entra.token(EntraIdStandIn.v2Claims())).status()).isEqualTo(202);
        assertThat(entra.keyReads()).as("cached").isEqualTo(1);

        KeyPair rotated = EntraIdStandIn.rsa();
        entra.publishKeys(Map.of(EntraIdStandIn.KEY_ID, entra.key, "tenant-key-2", rotated));
        String signedWithNewKey = EntraIdStandIn.sign(Map.of("typ", "JWT", "alg", "RS256", "kid", "tenant-key-2"),
                EntraIdStandIn.v2Claims(), rotated);
        assertThat(post(signedWithNewKey).status()).isEqualTo(202);
        assertThat(entra.keyReads()).as("fetched again for the new key id").isEqualTo(2);

        for (int i = 0; i < 5; i++) {
            assertThat(post(EntraIdStandIn.sign(Map.of("typ", "JWT", "alg", "RS256", "kid", "made-up-" + i),
                    EntraIdStandIn.v2Claims(), rotated)).status()).isEqualTo(401);
        }
        assertThat(entra.keyReads()).as("at most one refresh a minute for unknown key ids").isEqualTo(2);
        assertThat(post(signedWithNewKey).status()).isEqualTo(202);
    }

    @Test
    @DisplayName("when the tenant's keys cannot be fetched, a token is answered 503 (Azure retries) and fires nothing")
    void keysUnavailable() {
        entra.server.resetAll();

        AzureAlertWebhook.Reply reply = post(entra.token(EntraIdStandIn.v2Claims()));

        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.message()).contains("signing keys", TENANT);
        assertThat(inbox.firing(Instant.EPOCH)).isEmpty();
    }

    @Test
    @DisplayName("with a shared secret as well, either credential is enough")
    void secretAndEntraId() {
        AzureAlertWebhook both = webhook.withSharedSecret("s3cret-webhook-token-1234");

        assertThat(both.receive(body, Optional.of("Bearer s3cret-webhook-token-1234"), Optional.empty()).status())
                .isEqualTo(202);
        assertThat(both.receive(body, Optional.of("Bearer " + entra.token(EntraIdStandIn.v2Claims())),
                Optional.empty()).status()).isEqualTo(202);
        assertThat(both.receive(body, Optional.of("Bearer " + entra.token(v2(c -> c.put("roles", List.of())))),
                Optional.empty()).status()).isEqualTo(401);
        assertThat(both.toString()).contains("shared secret", "tenant=" + TENANT).doesNotContain("s3cret");
    }

    @Test
    @DisplayName("a caller other than the action groups app is accepted only when configured")
    void callerApps() {
        String otherCaller = "99998888-7777-6666-5555-444433332222";
        String token = entra.token(v2(c -> c.put("azp", otherCaller)));
        AlertInbox other = new AlertInbox(clock);
        AzureAlertWebhook anyCaller = new AzureAlertWebhook(other, AzureAlertWebhook.forResource(ArmStub.APP_PATH))
                .withEntraId(entra.authentication().anyCallerApp().build());
        AzureAlertWebhook listed = new AzureAlertWebhook(other, AzureAlertWebhook.forResource(ArmStub.APP_PATH))
                .withEntraId(entra.authentication().callerAppIds(otherCaller).build());

        assertThat(post(token).status()).isEqualTo(401);
        assertThat(anyCaller.receive(body, Optional.of("Bearer " + token), Optional.empty()).status()).isEqualTo(202);
        assertThat(listed.receive(body, Optional.of("Bearer " + token), Optional.empty()).status()).isEqualTo(202);
        assertThat(listed.receive(body, Optional.of("Bearer " + entra.token(EntraIdStandIn.v2Claims())),
                Optional.empty()).status()).as("the list replaces the default").isEqualTo(401);
    }

    @Test
    @DisplayName("the builder reports every problem at once: tenant alias, no audience, plain http to a remote host")
    void builderValidation() {
        assertThatThrownBy(() -> EntraIdAuthentication.builder().tenantId("common")
                .authority(URI.create("http://login.example.com")).clockSkew(Duration.ofHours(1)).build())
                .isInstanceOf(InvalidConfigurationException.class)
                .satisfies(e -> assertThat(((InvalidConfigurationException) e).problems()).hasSize(4))
                .hasMessageContaining("tenantId").hasMessageContaining("multi-tenant alias")
                .hasMessageContaining("audiences").hasMessageContaining("authority: must be https")
                .hasMessageContaining("clockSkew");
        assertThatThrownBy(() -> EntraIdAuthentication.builder().tenantId("contoso.onmicrosoft.com")
                .audiences("api://x").build()).hasMessageContaining("not a GUID");
        assertThatThrownBy(() -> EntraIdAuthentication.builder().tenantId(TENANT).audiences("api://x")
                .authority(URI.create("http://127.evil.example")).build()).hasMessageContaining("authority");
        assertThatThrownBy(() -> EntraIdAuthentication.builder().tenantId(TENANT).audiences("api://x")
                .authority(URI.create("https://user:pw@login.microsoftonline.com")).build())
                .hasMessageContaining("user info").hasMessageNotContaining("pw");
        assertThat(EntraIdAuthentication.builder().tenantId(TENANT).audiences("api://x").build().toString())
                .contains("authority=https://login.microsoftonline.com", "role=ActionGroupsSecureWebhook",
                        EntraIdAuthentication.ACTION_GROUPS_APP_ID);
        assertThat(EntraIdAuthentication.builder().tenantId(TENANT).audiences("api://x")
                .authority(URI.create("http://[::1]:8080")).build()).isNotNull();
    }
}
