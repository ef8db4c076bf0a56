package io.releasepipeline.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.azure.internal.EnvironmentTokenCredential;
import io.releasepipeline.error.InvalidConfigurationException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Blob evidence store with a storage token from the environment, against WireMock over HTTPS answering the Blob
 * REST API: the storage token goes to storage, and a Resource Manager token is never sent there.
 */
class BlobEvidenceStoreTokenTest {

    @RegisterExtension
    static final ArmStub blob = new ArmStub();

    /** The lock blob {@code locks/backend.lock}, its slash encoded as the SDK sends it. */
    private static final String LOCK_BLOB = "/devstoreaccount1/release-evidence/locks%2Fbackend.lock";

    @BeforeEach
    void emptyContainer() {
        blob.reset();
        blob.server.stubFor(head(urlPathMatching("/devstoreaccount1/release-evidence/.+")).willReturn(aResponse()
                .withStatus(404).withHeader("x-ms-error-code", "BlobNotFound")));
    }

    private static String jwt(String audience) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("{\"aud\":\"" + audience + "\",\"exp\":"
                        + Instant.now().plusSeconds(3600).getEpochSecond() + "}").getBytes(StandardCharsets.UTF_8))
                + ".c2lnbmF0dXJl";
    }

    private BlobEvidenceStore.Builder store() {
        return BlobEvidenceStore.builder().endpoint(URI.create(blob.base() + "/devstoreaccount1"))
                .httpClient(ArmStub.httpClient()).retry(0, java.time.Duration.ofMillis(1),
                        java.time.Duration.ofMillis(1));
    }

    @Test
    @DisplayName("bearerTokenFromEnvironment: every Blob request carries the storage token")
    void storageTokenToStorage() {
        String token = jwt("https://storage.azure.com");
        try (BlobEvidenceStore store = store().bearerTokenFromEnvironment("AZURE_STORAGE_TOKEN")
                .environment(Map.of("AZURE_STORAGE_TOKEN", token)::get).build()) {
            assertThat(store.currentLock("backend")).isEmpty();
        }

        assertThat(blob.server.findAll(anyRequestedFor(anyUrl()))).singleElement().satisfies(r -> {
            assertThat(r.getUrl()).isEqualTo(LOCK_BLOB);
            assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + token);
        });
    }

    @Test
    @DisplayName("a Resource Manager token from the environment is refused to Blob storage before any request")
    void resourceManagerTokenNeverToStorage() {
        String token = jwt("https://management.azure.com/");
        try (BlobEvidenceStore store = store().credential(EnvironmentTokenCredential.forResourceManager(
                "AZURE_ACCESS_TOKEN", Map.of("AZURE_ACCESS_TOKEN", token)::get, "https://management.azure.com"))
                .build()) {
            assertThatThrownBy(() -> store.currentLock("backend")).isInstanceOf(AzureProviderException.class)
                    .hasMessageContaining("AZURE_ACCESS_TOKEN").hasMessageContaining("not sent to")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(token));
        }

        assertThat(blob.server.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    @DisplayName("the token variable: required to be set, only with an endpoint, exclusive with a credential")
    void validation() {
        assertThatThrownBy(() -> store().bearerTokenFromEnvironment("AZURE_STORAGE_TOKEN").environment(n -> null)
                .build()).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("environment variable AZURE_STORAGE_TOKEN is not set");
        assertThatThrownBy(() -> BlobEvidenceStore.builder().connectionString("UseDevelopmentStorage=true")
                .bearerTokenFromEnvironment("AZURE_STORAGE_TOKEN").environment(n -> "x").build())
                .hasMessageContaining("bearerTokenFromEnvironment: only with endpoint(...)");
        assertThatThrownBy(() -> store().bearerTokenFromEnvironment("AZURE_STORAGE_TOKEN").environment(n -> "x")
                .credential(request -> null).build()).hasMessageContaining("choose one");
        assertThatThrownBy(() -> store().build()).hasMessageContaining("credential: required with endpoint(...)");
    }
}
