package io.releasepipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.cli.config.CliConfig;
import io.releasepipeline.evidence.EvidenceStore;
import io.releasepipeline.spi.CiProvider;
import io.releasepipeline.spi.HealthSignalProvider;
import io.releasepipeline.spi.IncidentProvider;
import io.releasepipeline.spi.PlatformProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's last line of defence: an exception that is not the library's (a JDK or SDK one, whose message the library
 * did not write and could not redact) reaches stderr and the JSON document with its credentials masked, stack trace
 * included.
 */
class CliRedactionTest {

    private static final String JWT = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2V4YW1wbGUifQ"
            + ".Q0FOQVJZLWNsaS1zaWduYXR1cmUtMTIzNDU2Nzg5MA";
    private static final String SIG = "Q0FOQVJZc2FzU2lnbmF0dXJl%2F0123%3D";

    @TempDir
    Path dir;

    @Test
    @DisplayName("an unexpected exception (internal error, exit 69) is printed with its message and its cause's masked")
    void internalError() throws IOException {
        Printed printed = status(() -> new IllegalStateException("connection pool broke for Bearer " + JWT,
                new RuntimeException("GET https://acct.blob.core.windows.net/c?sig=" + SIG + " failed")), "text");

        assertThat(printed.exit).isEqualTo(ReleaseCli.UNAVAILABLE);
        assertThat(printed.err).contains("internal error", "Bearer ***", "sig=***", "IllegalStateException")
                .doesNotContain(JWT, SIG);
    }

    @Test
    @DisplayName("an IllegalArgumentException from a builder (exit 64) is printed masked, in text and in JSON")
    void illegalArgument() throws IOException {
        Supplier<RuntimeException> failure = () -> new IllegalArgumentException("bad endpoint "
                + "https://user:" + JWT + "@example.com");

        Printed text = status(failure, "text");
        Printed json = status(failure, "json");

        assertThat(text.exit).isEqualTo(ReleaseCli.USAGE);
        assertThat(text.err).contains("https://***@example.com").doesNotContain(JWT);
        assertThat(json.exit).isEqualTo(ReleaseCli.USAGE);
        assertThat(json.out).contains("https://***@example.com").doesNotContain(JWT);
    }

    private record Printed(int exit, String out, String err) {
    }

    /** Runs {@code status} with a platform provider that fails with {@code failure}. */
    private Printed status(Supplier<RuntimeException> failure, String output) throws IOException {
        Path config = Files.writeString(dir.resolve("release.yaml"), """
                app:
                  subscription: 00000000-0000-0000-0000-000000000000
                  resourceGroup: trade-nexus
                  name: trade-nexus-backend
                github:
                  repository: octo-org/trade-nexus
                smoke:
                  baseUrl: https://backend.example.com
                """);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ProviderFactory providers = new ProviderFactory() {
            @Override
            public PlatformProvider platform(CliConfig c) {
                throw failure.get();
            }

            @Override
            public CiProvider ci(CliConfig c) {
                throw failure.get();
            }

            @Override
            public IncidentProvider incidents(CliConfig c) {
                throw failure.get();
            }

            @Override
            public HealthSignalProvider healthSignals(CliConfig c) {
                throw failure.get();
            }

            @Override
            public EvidenceStore evidence(CliConfig c) {
                throw failure.get();
            }
        };
        int exit = ReleaseCli.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), providers, Map.<String, String>of()::get,
                "status", "--config", config.toString(), "--output", output);
        return new Printed(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
