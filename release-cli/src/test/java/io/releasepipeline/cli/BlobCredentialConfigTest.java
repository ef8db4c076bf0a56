package io.releasepipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.cli.config.CliConfig;
import io.releasepipeline.cli.config.ConfigReader;
import io.releasepipeline.error.InvalidConfigurationException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code evidence.blob.tokenVariable}: the Resource Manager token from {@code azure.credential.tokenVariable} is never
 * sent to Blob storage, so Blob evidence reached by endpoint with that credential needs a storage token of its own,
 * checked when release.yaml is read.
 */
class BlobCredentialConfigTest {

    private static final String BASE = """
            app: {subscription: sub-1, resourceGroup: trade-nexus, name: trade-nexus-backend}
            github: {repository: octo-org/trade-nexus}
            smoke: {baseUrl: "https://backend.example.com"}
            """;
    private static final String ENVIRONMENT_CREDENTIAL = """
            azure:
              credential: {type: environment, tokenVariable: AZURE_ACCESS_TOKEN}
            """;

    @TempDir
    Path dir;

    private CliConfig read(String yaml) throws IOException {
        return ConfigReader.read(Files.writeString(dir.resolve("release.yaml"), yaml));
    }

    @Test
    @DisplayName("environment credential + blob endpoint without a storage token: refused, saying what to do")
    void storageTokenRequired() {
        assertThatThrownBy(() -> read(BASE + ENVIRONMENT_CREDENTIAL + """
                evidence:
                  blob: {endpoint: "https://tradenexusevidence.blob.core.windows.net"}
                """)).isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .singleElement().asString().startsWith("evidence.blob.tokenVariable: required")
                        .contains("never sent to Blob storage", "connectionStringVariable"));
    }

    @Test
    @DisplayName("environment credential + blob endpoint + tokenVariable: read, the variable named, never its value")
    void storageTokenGiven() throws IOException {
        CliConfig c = read(BASE + ENVIRONMENT_CREDENTIAL + """
                evidence:
                  blob: {endpoint: "https://tradenexusevidence.blob.core.windows.net", tokenVariable: AZURE_STORAGE_TOKEN}
                """);

        assertThat(c.evidence().blob()).hasValueSatisfying(b -> {
            assertThat(b.endpoint()).contains(URI.create("https://tradenexusevidence.blob.core.windows.net"));
            assertThat(b.tokenVariable()).contains("AZURE_STORAGE_TOKEN");
        });
    }

    @Test
    @DisplayName("the default credential chain asks storage for its own token: no tokenVariable needed")
    void defaultChain() throws IOException {
        CliConfig c = read(BASE + """
                evidence:
                  blob: {endpoint: "https://tradenexusevidence.blob.core.windows.net"}
                """);

        assertThat(c.evidence().blob()).hasValueSatisfying(b -> assertThat(b.tokenVariable()).isEmpty());
    }

    @Test
    @DisplayName("tokenVariable with a connection string, or holding a value instead of a name: each a problem")
    void misuse() {
        assertThatThrownBy(() -> read(BASE + """
                evidence:
                  blob: {connectionStringVariable: EVIDENCE_CONNECTION, tokenVariable: "eyJ0eXAiOiJKV1Qi.x.y"}
                """)).isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).startsWith("evidence.blob.tokenVariable: the value of "
                                + "evidence.blob.tokenVariable looks like a secret, not a variable name"))
                        .anySatisfy(p -> assertThat(p).startsWith("evidence.blob.tokenVariable: only with endpoint"))
                        .allSatisfy(p -> assertThat(p).doesNotContain("eyJ0eXAiOiJKV1Qi")));
    }
}
