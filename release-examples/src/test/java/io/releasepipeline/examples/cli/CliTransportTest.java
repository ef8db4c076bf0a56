package io.releasepipeline.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.examples.cli.config.CliConfig;
import io.releasepipeline.examples.cli.config.ConfigReader;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code release.yaml}'s URLs and secrets through {@code release promote --config}, in-process with the CLI's test
 * world (GitHub on WireMock, the app on 127.0.0.1): a refused config exits 64, lists every problem, and sends no
 * request anywhere.
 */
class CliTransportTest {

    @TempDir
    Path dir;
    CliWorld world;

    @BeforeEach
    void start() {
        world = new CliWorld(dir);
        world.mergeablePullRequest(CliWorld.PR, "success");
    }

    @AfterEach
    void stop() {
        world.close();
    }

    private CliWorld.Run promote(String yaml) {
        Path config = world.write("release.yaml", yaml);
        return world.run("promote", "--config", config.toString(), "--pr", String.valueOf(CliWorld.PR));
    }

    private void assertNothingSent(CliWorld.Run run) {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.USAGE);
        assertThat(world.github.getAllServeEvents()).as("requests to GitHub").isEmpty();
        assertThat(world.platform.traffic().weights().weightOf("v1")).as("traffic untouched").isEqualTo(100);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.evil.example", "http://127.0.0.1.nip.io", "http://0x7f000001",
        "http://2130706433", "http://[::ffff:10.0.0.1]", "http://localhost.evil.example"})
    @DisplayName("plain http to a host that only looks like loopback is refused in every URL key: exit 64, all "
            + "listed, no request sent")
    void lookalikeLoopbackRefused(String url) {
        String yaml = world.yaml().replace("apiUrl: " + world.github.baseUrl(), "apiUrl: " + url)
                .replace("baseUrl: " + world.platform.url(), "baseUrl: " + url)
                + "azure:\n  endpoint: " + url + "\n";

        CliWorld.Run run = promote(yaml);

        assertNothingSent(run);
        assertThat(run.err()).contains("is invalid (3 problems)",
                "github.apiUrl: plain http is allowed only to a loopback host",
                "smoke.baseUrl: plain http is allowed only to a loopback host",
                "azure.endpoint: plain http is allowed only to a loopback host", "use https://");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.2:8080", "http://[::1]:9", "http://LOCALHOST/"})
    @DisplayName("plain http to localhost or a loopback IP literal is accepted (a local stand-in)")
    void loopbackAccepted(String url) {
        Path config = world.write("release.yaml", world.yaml()
                .replace("apiUrl: " + world.github.baseUrl(), "apiUrl: " + url)
                .replace("baseUrl: " + world.platform.url(), "baseUrl: " + url));

        CliConfig read = ConfigReader.read(config);

        assertThat(read.github().apiUrl()).isEqualTo(URI.create(url));
        assertThat(read.smoke().baseUrl()).contains(url);
    }
}
