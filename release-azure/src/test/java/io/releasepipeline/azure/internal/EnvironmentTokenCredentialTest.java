package io.releasepipeline.azure.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.exception.ClientAuthenticationException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The environment-token credential: a token's own expiry, and one service per token. */
class EnvironmentTokenCredentialTest {

    private static final String VARIABLE = "AZURE_ACCESS_TOKEN";
    private static final String PUBLIC_ARM = "https://management.azure.com";
    /** What azure-resourcemanager asks for on the public cloud (the management endpoint, with its slash). */
    private static final String ARM_SDK_SCOPE = "https://management.core.windows.net//.default";
    private static final String STORAGE_SCOPE = "https://storage.azure.com/.default";

    private static String jwt(String audience, Instant expires) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String claims = "{\"aud\":\"" + audience + "\",\"exp\":" + expires.getEpochSecond() + "}";
        return b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJlLXNlY3JldA";
    }

    private static EnvironmentTokenCredential armCredential(String token) {
        return EnvironmentTokenCredential.forResourceManager(VARIABLE, Map.of(VARIABLE, token)::get, PUBLIC_ARM);
    }

    private static TokenRequestContext scope(String scope) {
        return new TokenRequestContext().addScopes(scope);
    }

    @Test
    @DisplayName("the token's expiry is its JWT exp claim, not a made-up lifetime")
    void expiryFromExp() {
        Instant exp = Instant.now().plus(Duration.ofMinutes(7)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String token = jwt("https://management.azure.com/", exp);

        AccessToken t = armCredential(token).getTokenSync(scope(ARM_SDK_SCOPE));

        assertThat(t.getToken()).isEqualTo(token);
        assertThat(t.getExpiresAt().toInstant()).isEqualTo(exp);
    }

    @Test
    @DisplayName("Resource Manager's scopes on the public cloud are both accepted, as is the async path")
    void resourceManagerScopes() {
        String token = jwt("https://management.core.windows.net/", Instant.now().plusSeconds(600));
        EnvironmentTokenCredential credential = armCredential(token);

        assertThat(credential.getTokenSync(scope(ARM_SDK_SCOPE)).getToken()).isEqualTo(token);
        assertThat(credential.getTokenSync(scope(PUBLIC_ARM + "/.default")).getToken()).isEqualTo(token);
        assertThat(credential.getToken(scope(PUBLIC_ARM + "/.default")).block().getToken()).isEqualTo(token);
    }

    @Test
    @DisplayName("an opaque token (not a JWT) is used for an hour from each request")
    void opaqueToken() {
        AccessToken t = armCredential("opaque-secret").getTokenSync(scope(ARM_SDK_SCOPE));

        assertThat(t.getExpiresAt().toInstant()).isBetween(Instant.now().plus(Duration.ofMinutes(59)),
                Instant.now().plus(Duration.ofMinutes(61)));
    }

    @Test
    @DisplayName("the Resource Manager token is refused to Blob storage, the token never in the message")
    void neverToStorage() {
        String token = jwt("https://management.azure.com/", Instant.now().plusSeconds(600));

        assertThatThrownBy(() -> armCredential(token).getTokenSync(scope(STORAGE_SCOPE)))
                .isInstanceOf(ClientAuthenticationException.class)
                .hasMessageContaining(VARIABLE).hasMessageContaining("https://storage.azure.com")
                .hasMessageContaining("Resource Manager")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(token, "c2lnbmF0dXJlLXNlY3JldA"));
    }

    @Test
    @DisplayName("a JWT issued for another audience is refused, naming the audience")
    void wrongAudience() {
        String token = jwt("https://storage.azure.com", Instant.now().plusSeconds(600));

        assertThatThrownBy(() -> armCredential(token).getTokenSync(scope(ARM_SDK_SCOPE)))
                .isInstanceOf(ClientAuthenticationException.class)
                .hasMessageContaining("issued for audience https://storage.azure.com")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(token));
    }

    @Test
    @DisplayName("a token whose exp has passed is refused rather than sent")
    void expired() {
        String token = jwt("https://management.azure.com/", Instant.now().minusSeconds(60));

        assertThatThrownBy(() -> armCredential(token).getTokenSync(scope(ARM_SDK_SCOPE)))
                .isInstanceOf(ClientAuthenticationException.class).hasMessageContaining("expired at")
                .hasMessageContaining(VARIABLE).satisfies(e -> assertThat(e.getMessage()).doesNotContain(token));
    }

    @Test
    @DisplayName("a custom endpoint (sovereign cloud, test) is the audience; the public cloud's is not")
    void customEndpoint() {
        String endpoint = "https://management.usgovcloudapi.net";
        String token = jwt("https://management.core.usgovcloudapi.net/", Instant.now().plusSeconds(600));
        EnvironmentTokenCredential gov = EnvironmentTokenCredential.forResourceManager(VARIABLE,
                Map.of(VARIABLE, token)::get, endpoint);

        assertThat(gov.getTokenSync(scope(endpoint + "/.default")).getToken()).isEqualTo(token);
        assertThatThrownBy(() -> gov.getTokenSync(scope(ARM_SDK_SCOPE)))
                .isInstanceOf(ClientAuthenticationException.class);
    }

    @Test
    @DisplayName("a storage token is used for storage alone: its scope and the account's, never Resource Manager's")
    void storageToken() {
        String token = jwt("https://storage.azure.com", Instant.now().plusSeconds(600));
        URI account = URI.create("https://tradenexusevidence.blob.core.windows.net");
        EnvironmentTokenCredential storage = EnvironmentTokenCredential.forStorage("AZURE_STORAGE_TOKEN",
                Map.of("AZURE_STORAGE_TOKEN", token)::get, account);

        assertThat(storage.getTokenSync(scope(STORAGE_SCOPE)).getToken()).isEqualTo(token);
        assertThat(storage.getTokenSync(scope(account + "/.default")).getToken()).isEqualTo(token);
        assertThatThrownBy(() -> storage.getTokenSync(scope(ARM_SDK_SCOPE)))
                .isInstanceOf(ClientAuthenticationException.class).hasMessageContaining("AZURE_STORAGE_TOKEN");
        assertThat(storage.toString()).contains("AZURE_STORAGE_TOKEN").doesNotContain(token);
    }

    @Test
    @DisplayName("an unset variable is a clear error naming it")
    void unset() {
        EnvironmentTokenCredential credential = EnvironmentTokenCredential.forResourceManager(VARIABLE,
                name -> null, PUBLIC_ARM);

        assertThatThrownBy(() -> credential.getTokenSync(scope(ARM_SDK_SCOPE)))
                .isInstanceOf(ClientAuthenticationException.class).hasMessageContaining(VARIABLE + " holds no");
    }
}
