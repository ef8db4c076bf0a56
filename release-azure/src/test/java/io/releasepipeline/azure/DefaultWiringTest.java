package io.releasepipeline.azure;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every Azure provider built the way the README shows and users run it: no HTTP client given (the SDK's default
 * Netty client) and no credential given (the default credential chain). {@code build()} makes no network call, so
 * these need no Azure account; the CLI's production-wiring tests (release-cli, {@code *IT}) then run the same
 * default path against the stand-ins over HTTPS.
 */
class DefaultWiringTest {

    @Test
    @DisplayName("ContainerAppsPlatform.builder()...build() from the README builds with the SDK's default HTTP client")
    void platformFromTheReadme() {
        ContainerAppsPlatform platform = ContainerAppsPlatform.builder()
                .subscriptionId("00000000-0000-0000-0000-000000000000").resourceGroup("trade-nexus")
                .appName("trade-nexus-backend")
                .build();

        assertThat(platform.toString()).contains("trade-nexus-backend", "DefaultAzureCredential");
    }

    @Test
    @DisplayName("the environment-token credential and a custom endpoint need no HTTP client either")
    void platformWithEnvironmentToken() {
        ContainerAppsPlatform platform = ContainerAppsPlatform.builder()
                .subscriptionId("00000000-0000-0000-0000-000000000000").resourceGroup("trade-nexus")
                .appName("trade-nexus-backend").managementEndpoint(URI.create("https://management.usgovcloudapi.net"))
                .bearerTokenFromEnvironment("AZURE_ACCESS_TOKEN").environment(name -> "opaque-token")
                .build();

        assertThat(platform.toString()).contains("bearer token from $AZURE_ACCESS_TOKEN")
                .doesNotContain("opaque-token");
    }

    @Test
    @DisplayName("AzureMonitorErrorRate and AzureMonitorAlerts from the README build with the SDK's defaults")
    void monitorFromTheReadme() {
        assertThat(AzureMonitorErrorRate.builder().subscriptionId("00000000-0000-0000-0000-000000000000")
                .resourceGroup("trade-nexus").appName("trade-nexus-backend").build()).isNotNull();
        assertThat(AzureMonitorAlerts.builder().subscriptionId("00000000-0000-0000-0000-000000000000")
                .resourceGroup("trade-nexus").appName("trade-nexus-backend").build()).isNotNull();
    }

    @Test
    @DisplayName("BlobEvidenceStore with an endpoint and the default credential chain builds with the SDK's defaults")
    void blobStoreWithDefaults() {
        try (BlobEvidenceStore store = BlobEvidenceStore.builder()
                .endpoint(URI.create("https://tradenexusevidence.blob.core.windows.net"))
                .credential(new com.azure.identity.DefaultAzureCredentialBuilder().build()).build()) {
            assertThat(store.toString()).contains("tradenexusevidence.blob.core.windows.net/release-evidence");
        }
    }
}
