package io.releasepipeline.cli.wiring;

import static io.releasepipeline.cli.wiring.ProductionWorld.AZURE_TOKEN_VARIABLE;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The environment-token Azure credential of release.yaml ({@code azure.credential.type: environment}), from the
 * packaged jar: a token is used for what it is for and while it is valid, and is never sent anywhere else. A token
 * that cannot be used stops the command with a message naming the variable, before any request, and the token
 * itself never appears in the output.
 */
class AzureCredentialIT extends ProductionWiring {

    private static final String STORAGE_TOKEN_VARIABLE = "AZURE_STORAGE_TOKEN";
    private BlobStandIn blob;

    @BeforeEach
    void app() {
        world.stableApp(10);
    }

    @AfterEach
    void stopBlob() {
        if (blob != null) {
            blob.close();
        }
    }

    @Test
    @DisplayName("a token whose exp has passed is refused before any request: exit 69 naming the variable")
    void expiredTokenIsNotSent() {
        world.env(AZURE_TOKEN_VARIABLE, ProductionWorld.jwt(world.arm.base() + "/",
                Instant.now().minus(Duration.ofMinutes(10))), true);

        ReleaseProcess.Run run = world.run("status");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(69);
        assertThat(run.err()).contains(AZURE_TOKEN_VARIABLE, "expired");
        assertThat(world.arm.requests()).isEmpty();
    }

    @Test
    @DisplayName("a token for another audience (Blob storage's) is never sent to Resource Manager: exit 69")
    void tokenForAnotherAudienceIsNotSent() {
        world.env(AZURE_TOKEN_VARIABLE, ProductionWorld.jwt("https://storage.azure.com",
                Instant.now().plus(Duration.ofHours(1))), true);

        ReleaseProcess.Run run = world.run("status");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(69);
        assertThat(run.err()).contains(AZURE_TOKEN_VARIABLE, "https://storage.azure.com");
        assertThat(world.arm.requests()).isEmpty();
    }

    @Test
    @DisplayName("Blob evidence with the environment credential and no storage token: exit 64 at config load, "
            + "naming evidence.blob.tokenVariable; the Resource Manager token never reaches Blob storage")
    void blobNeedsItsOwnToken() {
        blob = new BlobStandIn(world.tls);
        world.section("evidence", """
                evidence:
                  blob:
                    endpoint: %s
                """.formatted(blob.endpoint()));

        ReleaseProcess.Run run = world.run("status");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(64);
        assertThat(run.err()).contains("evidence.blob.tokenVariable", "connectionStringVariable");
        assertThat(blob.requests()).noneSatisfy(r -> assertThat(String.valueOf(r.getHeader("Authorization")))
                .contains(world.azureToken));
        assertThat(blob.requests()).isEmpty();
        assertThat(world.arm.requests()).isEmpty();
    }

    @Test
    @DisplayName("Blob evidence with evidence.blob.tokenVariable: status exits 0; Blob storage gets the storage token "
            + "alone and Resource Manager the Resource Manager token alone")
    void blobGetsTheStorageToken() {
        blob = new BlobStandIn(world.tls);
        String storageToken = ProductionWorld.jwt("https://storage.azure.com", Instant.now().plus(Duration.ofHours(1)));
        world.env(STORAGE_TOKEN_VARIABLE, storageToken, true).section("evidence", """
                evidence:
                  blob:
                    endpoint: %s
                    tokenVariable: %s
                """.formatted(blob.endpoint(), STORAGE_TOKEN_VARIABLE));

        ReleaseProcess.Run run = world.run("status");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("lock: free", "no releases recorded yet");
        assertThat(blob.requests()).isNotEmpty().allSatisfy(r -> assertThat(r.getHeader("Authorization"))
                .isEqualTo("Bearer " + storageToken));
        assertThat(world.arm.requests()).isNotEmpty().allSatisfy(r -> assertThat(r.getHeader("Authorization"))
                .isEqualTo("Bearer " + world.azureToken));
    }
}
