package io.releasepipeline.cli.wiring;

import static io.releasepipeline.cli.wiring.ProductionWorld.AZURE_TOKEN_VARIABLE;
import static io.releasepipeline.cli.wiring.ProductionWorld.GITHUB_TOKEN_VARIABLE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.ListAssert;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the secrets tests share: canary values for the GitHub token and the Resource Manager token (an Azure access
 * token, {@code azure.credential.type: environment}), given to the CLI in place of the world's own; runs of the
 * packaged CLI whose temp directory is inside the working directory; and {@link #assertNothingLeaked}, which searches
 * everything the CLI printed, wrote or sent ({@link Exposure}) and fails on any canary found outside the one
 * Authorization header each token is for.
 */
abstract class SecretsWiring extends ProductionWiring {

    static final String GITHUB = "the GitHub token";
    static final String AZURE = "the Resource Manager token";
    /** The log level a user sets to see what the CLI does; slf4j-simple reads it before its properties file. */
    static final String DEBUG = "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug";

    Canaries canaries;
    /** Files the test wrote itself (a config a canary was pasted into): not searched. */
    final List<Path> inputs = new ArrayList<>();

    @BeforeEach
    void canaries() throws IOException {
        canaries = new Canaries();
        String github = canaries.add(GITHUB, "ghp_CANARYgh" + Canaries.alphanumeric(28), 0);
        String azure = canaryJwt(world.arm.base() + "/", "azure-arm");
        canaries.add(AZURE, azure, azure.lastIndexOf('.') + 1);
        world.env(GITHUB_TOKEN_VARIABLE, github, true).env(AZURE_TOKEN_VARIABLE, azure, true);
        Files.createDirectories(dir.resolve("tmp"));
        inputs.clear();
        inputs.add(dir.resolve("release.yaml"));
    }

    /** A run as text for an assertion message, the canaries masked (a failing test's report leaks nothing either). */
    String shown(ReleaseProcess.Run run) {
        return canaries.redacted(run.toString());
    }

    /** Runs {@code release ARGS} to its end, its temp directory inside the working directory (so it is searched). */
    ReleaseProcess.Run run(List<String> jvmOptions, String... args) {
        List<String> options = new ArrayList<>(jvmOptions);
        options.add("-Djava.io.tmpdir=" + dir.resolve("tmp"));
        return world.start(options, args).await(ProductionWorld.RUN_TIMEOUT);
    }

    /** What else a test class searches (its own servers, a Blob container). Default: nothing. */
    void searchMore(Exposure exposure) {
    }

    /**
     * Searches everything the runs printed, every file under the working directory (the {@link #inputs} aside),
     * every request GitHub's and Resource Manager's stand-ins received and {@link #searchMore}, and fails on any
     * canary found; returns what was searched, for the test to check that what it expected to be searched was.
     */
    ListAssert<String> assertNothingLeaked(ReleaseProcess.Run... runs) {
        Exposure exposure = new Exposure(canaries);
        for (int i = 0; i < runs.length; i++) {
            exposure.run("run " + (i + 1), runs[i]);
        }
        exposure.files(dir, Set.copyOf(inputs))
                .requests("GitHub", world.github.requests(), "Bearer " + canaries.value(GITHUB))
                .requests("Resource Manager", world.arm.requests(), "Bearer " + canaries.value(AZURE));
        searchMore(exposure);
        exposure.assertClean();
        return assertThat(exposure.searched());
    }

    /** An Azure AD access token's shape for {@code audience}, valid an hour, its signature a recognisable canary. */
    static String canaryJwt(String audience, String what) {
        String jwt = ProductionWorld.jwt(audience, Instant.now().plus(Duration.ofHours(1)));
        String signature = Base64.getUrlEncoder().withoutPadding().encodeToString(("CANARY-" + what + "-signature-"
                + Canaries.alphanumeric(160)).getBytes(StandardCharsets.US_ASCII));
        return jwt.substring(0, jwt.lastIndexOf('.') + 1) + signature;
    }

    /** A storage account key's shape (64 bytes, Base64), recognisable by {@code what} (a few letters). */
    static String storageKey(String what) {
        String text = "CANARY-" + what + "-storage-key-";
        byte[] key = (text + Canaries.alphanumeric(64 - text.length())).getBytes(StandardCharsets.US_ASCII);
        return Base64.getEncoder().encodeToString(key);
    }
}
