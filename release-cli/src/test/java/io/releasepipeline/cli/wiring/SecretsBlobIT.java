package io.releasepipeline.cli.wiring;

import static io.releasepipeline.cli.wiring.ProductionWorld.PR;
import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.sas.AccountSasPermission;
import com.azure.storage.common.sas.AccountSasResourceType;
import com.azure.storage.common.sas.AccountSasService;
import com.azure.storage.common.sas.AccountSasSignatureValues;
import io.releasepipeline.azure.Azurite;
import io.releasepipeline.testkit.local.RevisionServer.Behaviour;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The secrets test with evidence, journal and lock in Azure Blob storage: a real Azurite (the npm package, from
 * {@code AZURITE_DIR} as {@code .ci/run} installs it) whose one account has a canary key, reached by the packaged CLI
 * through {@code evidence.blob.connectionStringVariable} with the account key or with a SAS (its signature a canary
 * too). Besides what {@link SecretsWiring} searches, every blob the CLI wrote (name, metadata, content) is searched.
 */
class SecretsBlobIT extends SecretsWiring {

    private static final String ACCOUNT = "canaryevidence";
    private static final String KEY = storageKey("account");
    private static final String CONNECTION_VARIABLE = "EVIDENCE_CONNECTION";
    private static Path azuriteData;
    private static Azurite azurite;
    private static int containers;

    private String container;

    @BeforeAll
    static void startAzurite() throws IOException {
        azuriteData = Files.createTempDirectory("secrets-azurite");
        azurite = Azurite.withAccount(azuriteData, ACCOUNT, KEY);
    }

    @AfterAll
    static void stopAzurite() {
        if (azurite != null) {
            azurite.close();
        }
    }

    @BeforeEach
    void evidenceInBlob() {
        canaries.add("the storage account key", KEY, 0);
        container = "evidence-" + ++containers;
        stableAppAndGreenPr(10);
    }

    @Override
    void searchMore(Exposure exposure) {
        exposure.blobs("the evidence container", containerClient());
    }

    @Test
    @DisplayName("a promotion with the account key's connection string: exit 0; the key is in no blob, no output")
    void promotionWithAccountKey() {
        useConnectionString(keyConnectionString());
        world.mergeDeploys(Behaviour.HEALTHY);

        ReleaseProcess.Run run = run(List.of(DEBUG), "promote", "--pr", String.valueOf(PR), "--first-release",
                "--output", "json");

        assertThat(run.exitCode()).as(shown(run)).isZero();
        assertNothingLeaked(run).anyMatch(s -> s.startsWith("the evidence container blob evidence/"))
                .anyMatch(s -> s.startsWith("the evidence container blob journal/"));
    }

    @Test
    @DisplayName("a promotion rolled back with a SAS connection string, then status: exit 3 and 0; the SAS "
            + "signature is in no blob, URL, note or output")
    void rollbackWithSas() {
        useConnectionString(sasConnectionString("rwlac"));
        world.mergeDeploys(Behaviour.FAILING).section("rollback", """
                rollback:
                  smoke:
                    failingFor: 1s
                    interval: 250ms
                  health:
                    enabled: false
                  errorRate:
                    enabled: false
                """).section("observation", """
                observation:
                  window: 20s
                """);

        ReleaseProcess.Run promote = run(List.of(), "promote", "--pr", String.valueOf(PR), "--first-release");
        ReleaseProcess.Run status = run(List.of(DEBUG), "status", "--output", "json");

        assertThat(promote.exitCode()).as(shown(promote)).isEqualTo(3);
        assertThat(status.exitCode()).as(shown(status)).isZero();
        assertNothingLeaked(promote, status).anyMatch(s -> s.contains("/issues/123/comments") && s.endsWith("body"))
                .anyMatch(s -> s.startsWith("the evidence container blob evidence/"));
    }

    @Test
    @DisplayName("Blob storage refuses: a read-only SAS and a wrong account key; status and promote exit 69 and "
            + "neither the SAS, the wrong key nor the real one is printed")
    void refusedWithSecretsInTheConnection() {
        useConnectionString(sasConnectionString("rl"));
        ReleaseProcess.Run readOnly = run(List.of(DEBUG), "promote", "--pr", String.valueOf(PR), "--first-release");
        String wrongKey = canaries.add("a wrong storage account key", storageKey("wrong"), 0);
        useConnectionString(keyConnectionString().replace(KEY, wrongKey));
        ReleaseProcess.Run wrong = run(List.of(), "status", "--output", "json");

        assertThat(readOnly.exitCode()).as(shown(readOnly)).isEqualTo(69);
        assertThat(wrong.exitCode()).as(shown(wrong)).isEqualTo(69);
        assertThat(world.github.writes()).isEmpty();
        assertNothingLeaked(readOnly, wrong);
    }

    // ---- support -----------------------------------------------------------------------------------------------

    private void useConnectionString(String connection) {
        world.env(CONNECTION_VARIABLE, connection, true).section("evidence", """
                evidence:
                  blob:
                    connectionStringVariable: %s
                    container: %s
                """.formatted(CONNECTION_VARIABLE, container));
    }

    private static String keyConnectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + KEY + ";BlobEndpoint="
                + azurite.blobEndpoint(ACCOUNT) + ";";
    }

    /**
     * A connection string with an account SAS of {@code permissions} for Blob service, container and object, valid
     * an hour; its signature is registered as a canary.
     */
    private String sasConnectionString(String permissions) {
        String sas = new BlobServiceClientBuilder().endpoint(azurite.blobEndpoint(ACCOUNT))
                .credential(new StorageSharedKeyCredential(ACCOUNT, KEY)).buildClient()
                .generateAccountSas(new AccountSasSignatureValues(OffsetDateTime.now().plusHours(1),
                        AccountSasPermission.parse(permissions), AccountSasService.parse("b"),
                        AccountSasResourceType.parse("sco")));
        String signature = URLDecoder.decode(sas.replaceAll(".*(?:^|&)sig=([^&]+).*", "$1"), StandardCharsets.UTF_8);
        canaries.add("the SAS signature (" + permissions + ")", signature, 0);
        return "BlobEndpoint=" + azurite.blobEndpoint(ACCOUNT) + ";SharedAccessSignature=" + sas;
    }

    /** The test's own view of the container, with the account key. */
    private BlobContainerClient containerClient() {
        return new BlobServiceClientBuilder().connectionString(keyConnectionString()).buildClient()
                .getBlobContainerClient(container);
    }
}
