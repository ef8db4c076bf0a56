package io.releasepipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.azure.LogAnalyticsErrorRate;
import io.releasepipeline.cli.config.CliConfig;
import io.releasepipeline.cli.config.ConfigReader;
import io.releasepipeline.error.InvalidConfigurationException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rollback.errorRate.source: metrics | logs} and {@code rollback.errorRate.logs}: the Log Analytics keys, every
 * bad value a problem listed at once (exit 64) before anything is built, and the production factory's choice of
 * provider and token.
 */
class LogsSourceConfigTest {

    private static final String BASE = """
            app: {subscription: sub-1, resourceGroup: trade-nexus, name: trade-nexus-backend}
            github: {repository: octo-org/trade-nexus}
            smoke: {baseUrl: "https://backend.example.com"}
            """;
    private static final String ENVIRONMENT_CREDENTIAL = """
            azure:
              credential: {type: environment, tokenVariable: AZURE_ACCESS_TOKEN}
            """;
    private static final String WORKSPACE = "1234abcd-def8-765a-9abc-def1234abcde";

    @TempDir
    Path dir;

    private CliConfig read(String yaml) throws IOException {
        return ConfigReader.read(Files.writeString(dir.resolve("release.yaml"), yaml));
    }

    @Test
    @DisplayName("the default source is Azure Monitor's metric; logs with only a workspace takes the documented "
            + "defaults")
    void defaults() throws IOException {
        assertThat(read(BASE).rollback().errorRate()).satisfies(e -> {
            assertThat(e.source()).isEqualTo("metrics");
            assertThat(e.logs()).isEmpty();
        });
        assertThat(new CloudProviderFactory(Map.<String, String>of()::get, Optional.empty())
                .healthSignals(read(BASE)).providerName()).isEqualTo("azure-monitor");

        CliConfig c = read(BASE + """
                rollback:
                  errorRate:
                    source: logs
                    logs: {workspaceId: %s}
                """.formatted(WORKSPACE));
        assertThat(c.rollback().errorRate().logs()).hasValueSatisfying(l -> {
            assertThat(l.workspaceId()).isEqualTo(WORKSPACE);
            assertThat(l.query()).isEqualTo(LogAnalyticsErrorRate.DEFAULT_QUERY);
            assertThat(l.ingestionDelay()).isEqualTo(Duration.ofMinutes(3));
            assertThat(l.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
            assertThat(l.endpoint()).isEmpty();
            assertThat(l.tokenVariable()).isEmpty();
        });
        assertThat(Plan.triggers(c)).anySatisfy(t -> assertThat(t).contains("from Log Analytics workspace "
                + WORKSPACE, "3m behind"));
    }

    @Test
    @DisplayName("the README's logs example reads, and its default query is the provider's")
    void readmeExample() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<!-- release.yaml logs -->\\s*```yaml\\n(.*?)```",
                java.util.regex.Pattern.DOTALL).matcher(readme);
        assertThat(m.find()).as("the README has the logs example marked <!-- release.yaml logs -->").isTrue();

        CliConfig c = read(BASE + m.group(1));

        assertThat(c.rollback().errorRate().source()).isEqualTo("logs");
        assertThat(c.rollback().errorRate().logs()).hasValueSatisfying(l -> assertThat(l.ingestionDelay())
                .isEqualTo(Duration.ofMinutes(3)));
        assertThat(readme).contains(LogAnalyticsErrorRate.DEFAULT_QUERY);
    }

    @Test
    @DisplayName("every mistake in the logs keys is listed at once, with its path")
    void everyProblemAtOnce() {
        assertThatThrownBy(() -> read(BASE + """
                rollback:
                  errorRate:
                    source: logs
                    logs:
                      workspaceId: "/subscriptions/x/workspaces/y"
                      query: "AppRequests | where Rev == {{revison}} | summarize requests = count(), serverErrors = 0"
                      endpoint: "http://api.loganalytics.io/v1"
                      ingestionDelay: soon
                      requestTimeout: 500ms
                      tokenVariable: "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJl"
                      workspace: x
                  canaryAnalysis: {enabled: true}
                """)).isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).startsWith("rollback.errorRate.logs.workspaceId: must be the "
                                + "workspace's id"))
                        .anySatisfy(p -> assertThat(p).startsWith("rollback.errorRate.logs.query: unknown placeholder "
                                + "{{revison}}"))
                        .anySatisfy(p -> assertThat(p).startsWith("rollback.errorRate.logs.query: must use the "
                                + "placeholder {{revision}}"))
                        .anySatisfy(p -> assertThat(p).startsWith("rollback.errorRate.logs.endpoint: plain http is "
                                + "allowed only to a loopback host"))
                        .anySatisfy(p -> assertThat(p).startsWith("rollback.errorRate.logs.ingestionDelay: must be "
                                + "a duration"))
                        .anySatisfy(p -> assertThat(p).startsWith("rollback.errorRate.logs.requestTimeout: must be "
                                + "at least 1s"))
                        .anySatisfy(p -> assertThat(p).startsWith("rollback.errorRate.logs.tokenVariable:")
                                .doesNotContain("eyJhbGciOiJSUzI1NiJ9"))
                        .anySatisfy(p -> assertThat(p).startsWith("rollback.errorRate.logs.workspace: unknown key; "
                                + "did you mean 'workspaceId'?")));
    }

    @Test
    @DisplayName("the CLI exits 64 listing the logs problems on stderr, before any provider is made")
    void cliExit64() throws IOException {
        Path file = Files.writeString(dir.resolve("release.yaml"), BASE + ENVIRONMENT_CREDENTIAL + """
                rollback:
                  errorRate: {source: logs, logs: {workspaceId: %s, query: "AppRequests | summarize count()"}}
                """.formatted(WORKSPACE));
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream quiet = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());

        int code = ReleaseCli.execute(quiet, new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8),
                new CloudProviderFactory(Map.<String, String>of()::get, Optional.empty()), "promote", "--pr", "7",
                "--config", file.toString());

        assertThat(code).isEqualTo(ReleaseCli.USAGE);
        assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("is invalid (2 problems)",
                "rollback.errorRate.logs.query: must use the placeholder {{revision}}",
                ConfigReader.LOGS_TOKEN_REQUIRED);
    }

    @Test
    @DisplayName("a mistyped source (log) is one problem naming the valid values, not also 'logs: only with source: "
            + "logs'")
    void mistypedSourceIsReportedOnce() {
        assertThatThrownBy(() -> read(BASE + """
                rollback:
                  errorRate: {source: log, logs: {workspaceId: %s}}
                """.formatted(WORKSPACE))).isInstanceOfSatisfying(
                        io.releasepipeline.error.InvalidConfigurationException.class, e -> assertThat(e.problems())
                                .singleElement().asString().startsWith("rollback.errorRate.source: must be metrics")
                                .contains("or logs", "got 'log'"));
    }

    @Test
    @DisplayName("source and logs must agree; query and queryFile are exclusive; a queryFile must be readable")
    void sourceAndQueryFile() throws IOException {
        assertThatThrownBy(() -> read(BASE + """
                rollback:
                  errorRate: {source: traces}
                """)).hasMessageContaining("rollback.errorRate.source: must be metrics");
        assertThatThrownBy(() -> read(BASE + """
                rollback:
                  errorRate: {source: logs}
                """)).hasMessageContaining("rollback.errorRate.logs: required with source: logs");
        assertThatThrownBy(() -> read(BASE + """
                rollback:
                  errorRate: {logs: {workspaceId: %s}}
                """.formatted(WORKSPACE))).hasMessageContaining("rollback.errorRate.logs: only with source: logs");
        assertThatThrownBy(() -> read(BASE + """
                rollback:
                  errorRate: {source: logs, logs: {workspaceId: %s, query: "x {{revision}}", queryFile: q.kql}}
                """.formatted(WORKSPACE))).hasMessageContaining("give either query or queryFile, not both");
        assertThatThrownBy(() -> read(BASE + """
                rollback:
                  errorRate: {source: logs, logs: {workspaceId: %s, queryFile: "%s"}}
                """.formatted(WORKSPACE, dir.resolve("missing.kql")))).hasMessageContaining(
                        "rollback.errorRate.logs.queryFile: cannot be read");

        Path kql = Files.writeString(dir.resolve("errors.kql"), """
                AppRequests
                | where tostring(Properties["revision"]) == {{revision}}
                | summarize requests = count(), serverErrors = countif(toint(ResultCode) >= 500)
                """);
        CliConfig c = read(BASE + """
                rollback:
                  errorRate: {source: logs, logs: {workspaceId: %s, queryFile: "%s", ingestionDelay: 0s}}
                """.formatted(WORKSPACE, kql));
        assertThat(c.rollback().errorRate().logs()).hasValueSatisfying(l -> {
            assertThat(l.query()).contains("Properties[\"revision\"]");
            assertThat(l.querySource()).contains("queryFile", kql.toString());
            assertThat(l.ingestionDelay()).isZero();
        });
    }

    @Test
    @DisplayName("with the environment credential, Log Analytics needs a token of its own: the Resource Manager "
            + "token is never sent to it")
    void logsTokenRequired() throws IOException {
        String logs = """
                rollback:
                  errorRate:
                    source: logs
                    logs: {workspaceId: %s, endpoint: "https://127.0.0.1:8443/v1"%s}
                """;
        assertThatThrownBy(() -> read(BASE + ENVIRONMENT_CREDENTIAL + logs.formatted(WORKSPACE, "")))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .containsExactly(ConfigReader.LOGS_TOKEN_REQUIRED));

        CliConfig c = read(BASE + ENVIRONMENT_CREDENTIAL + logs.formatted(WORKSPACE,
                ", tokenVariable: LOGS_TOKEN"));
        assertThat(c.rollback().errorRate().logs().orElseThrow().endpoint())
                .contains(URI.create("https://127.0.0.1:8443/v1"));
        assertThatThrownBy(() -> new CloudProviderFactory(Map.<String, String>of()::get, Optional.empty())
                .healthSignals(c)).isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(
                        e.problems()).singleElement().asString().startsWith("rollback.errorRate.logs.tokenVariable: "
                                + "environment variable LOGS_TOKEN is not set"));
        assertThat(new CloudProviderFactory(Map.of("LOGS_TOKEN", "opaque-logs-token")::get, Optional.empty())
                .healthSignals(c)).isInstanceOfSatisfying(LogAnalyticsErrorRate.class, p -> assertThat(p.toString())
                        .contains("LOGS_TOKEN", WORKSPACE, "127.0.0.1:8443").doesNotContain("opaque-logs-token"));
    }
}
