package io.releasepipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.cli.config.CliConfig;
import io.releasepipeline.cli.config.ConfigReader;
import io.releasepipeline.cli.config.Durations;
import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.gate.Gates;
import io.releasepipeline.health.http.HttpSmokeCheck;
import io.releasepipeline.trigger.Triggers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code release.yaml}: defaults, durations, and one error listing every problem with its path. */
class CliConfigTest {

    private static final String MINIMAL = """
            app: {subscription: sub-1, resourceGroup: trade-nexus, name: trade-nexus-backend}
            github: {repository: octo-org/trade-nexus}
            smoke: {baseUrl: "https://backend.example.com"}
            """;

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("release.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @ParameterizedTest
    @CsvSource({"500ms,500", "30s,30000", "2m,120000", "1h,3600000", "1h30m,5400000", "1m30s,90000", "0s,0"})
    @DisplayName("durations are written 500ms, 30s, 2m, 1h, 1h30m")
    void durations(String text, long millis) {
        assertThat(Durations.parse(text)).contains(Duration.ofMillis(millis));
        assertThat(Durations.parse(Durations.format(Duration.ofMillis(millis)))).contains(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"30", "PT30S", "5 minutes", "1.5h", "30s1m", "m", "-1s", "1d"})
    @DisplayName("anything else is not a duration")
    void notDurations(String text) {
        assertThat(Durations.parse(text)).isEmpty();
    }

    @Test
    @DisplayName("what a minimal file leaves out gets the runbook's numbers")
    void defaults() throws IOException {
        CliConfig c = ConfigReader.read(write(MINIMAL));

        assertThat(c.gates().requiredChecks()).isEqualTo(Gates.DEFAULT_REQUIRED_CHECKS);
        assertThat(c.gates().minimumApprovals()).isEqualTo(1);
        assertThat(c.gates().incidentLabels()).containsExactly("SEV-1", "SEV-2");
        assertThat(c.gates().stableFor()).isEqualTo(Duration.ofHours(1));
        assertThat(c.smoke().latencySlo()).isEqualTo(HttpSmokeCheck.DEFAULT_SMOKE_LATENCY_SLO);
        assertThat(c.smoke().endpoints()).extracting(CliConfig.SmokeEndpoint::path).containsExactly("/health");
        assertThat(c.rollback().smoke().failingFor()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.rollback().health().downFor()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.rollback().errorRate().threshold()).isEqualTo(Triggers.DEFAULT_ERROR_RATE_THRESHOLD);
        assertThat(c.rollback().errorRate().window()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.traffic().steps()).containsExactly(100);
        assertThat(c.observation()).isEqualTo(ReleasePipeline.DEFAULT_OBSERVATION_WINDOW);
        assertThat(c.polling().deployRunInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.github().mergeMethod()).isEqualTo("squash");
        assertThat(c.github().tokenVariable()).isEqualTo("GITHUB_TOKEN");
        assertThat(c.evidence().directory()).contains(Path.of(".ops", "evidence"));
        assertThat(c.app().url()).contains("https://backend.example.com");
    }

    @Test
    @DisplayName("azure.operationTimeout: the overall deadline of a Resource Manager call, 3m by default, positive")
    void azureOperationTimeout() throws IOException {
        assertThat(ConfigReader.read(write(MINIMAL)).azure().operationTimeout())
                .isEqualTo(io.releasepipeline.azure.ContainerAppsPlatform.DEFAULT_OPERATION_TIMEOUT);
        assertThat(ConfigReader.read(write(MINIMAL + "azure: {operationTimeout: 90s}\n")).azure().operationTimeout())
                .isEqualTo(Duration.ofSeconds(90));
        Path zero = write(MINIMAL + "azure: {operationTimeout: 0s}\n");
        assertThatThrownBy(() -> ConfigReader.read(zero)).hasMessageContaining("azure.operationTimeout");
    }

    @Test
    @DisplayName("github.deployPaths: read the workflow by default; GitHub path patterns when given, checked at load")
    void deployPaths() throws IOException {
        assertThat(ConfigReader.read(write(MINIMAL)).github().deployPaths()).isEmpty();

        CliConfig c = ConfigReader.read(write(MINIMAL.replace("github: {repository: octo-org/trade-nexus}",
                "github: {repository: octo-org/trade-nexus, deployPaths: ['backend/**', '!backend/docs/**']}")));
        assertThat(c.github().deployPaths()).contains(java.util.List.of("backend/**", "!backend/docs/**"));

        Path bad = write(MINIMAL.replace("github: {repository: octo-org/trade-nexus}",
                "github: {repository: octo-org/trade-nexus, deployPaths: ['backend/[]', 'v[0-9']}"));
        assertThatThrownBy(() -> ConfigReader.read(bad)).isInstanceOfSatisfying(InvalidConfigurationException.class,
                e -> assertThat(e.problems()).containsExactly(
                        "github.deployPaths: pattern 'backend/[]': empty brackets '[]' at 8 match nothing (GitHub path "
                                + "filter patterns, as in on.push.paths)",
                        "github.deployPaths: pattern 'v[0-9': '[' at 1 is never closed with ']' (GitHub path filter "
                                + "patterns, as in on.push.paths)"));
        Path onlyNegative = write(MINIMAL.replace("github: {repository: octo-org/trade-nexus}",
                "github: {repository: octo-org/trade-nexus, deployPaths: ['!docs/**']}"));
        assertThatThrownBy(() -> ConfigReader.read(onlyNegative)).hasMessageContaining(
                "github.deployPaths: only negative patterns [!docs/**]");
        Path empty = write(MINIMAL.replace("github: {repository: octo-org/trade-nexus}",
                "github: {repository: octo-org/trade-nexus, deployPaths: []}"));
        assertThatThrownBy(() -> ConfigReader.read(empty)).hasMessageContaining(
                "github.deployPaths: no pattern: give at least one");
    }

    @Test
    @DisplayName("migrations: paths (GitHub patterns, checked at load), labels and the policy without a rollback hook")
    void migrations() throws IOException {
        CliConfig defaults = ConfigReader.read(write(MINIMAL));
        assertThat(defaults.migrations()).isEqualTo(new CliConfig.Migrations(java.util.List.of(), java.util.List.of(),
                "warn"));

        CliConfig c = ConfigReader.read(write(MINIMAL + """
                migrations:
                  paths: ['backend/**/migrations/**', '!backend/**/migrations/README.md']
                  labels: [db-migration]
                  withoutRollbackHook: roll-forward-only
                """));
        assertThat(c.migrations()).isEqualTo(new CliConfig.Migrations(java.util.List.of("backend/**/migrations/**",
                "!backend/**/migrations/README.md"), java.util.List.of("db-migration"), "roll-forward-only"));

        Path bad = write(MINIMAL + """
                migrations:
                  paths: ['db/[']
                  withoutRollbackHook: never
                  label: [db]
                """);
        assertThatThrownBy(() -> ConfigReader.read(bad)).isInstanceOfSatisfying(InvalidConfigurationException.class,
                e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "migrations.paths: pattern 'db/[': '[' at 3 is never closed with ']' (GitHub path filter "
                                + "patterns, e.g. 'backend/**/migrations/**')",
                        "migrations.withoutRollbackHook: must be warn (roll back and say loudly that the schema was "
                                + "not) or roll-forward-only (freeze instead of rolling back), got 'never'",
                        "migrations.label: unknown key; did you mean 'labels'?"));
    }

    @Test
    @DisplayName("a malformed file is one error listing every problem with its path, unknown keys included")
    void everyProblemAtOnce() throws IOException {
        Path file = write("""
                app:
                  name: trade nexus
                  subscripton: sub-1
                github:
                  repository: trade-nexus
                  apiUrl: http://github.example.com/api/v3
                  mergeMethod: fast-forward
                smoke:
                  baseUrl: https://backend.example.com
                  endpoints: [health]
                  latencySlo: 500
                rollback:
                  errorRate:
                    threshold: 5
                    window: 5 minutes
                    noData: maybe
                traffic:
                  steps: [10, 50, 90]
                evidence:
                  directory: .ops/evidence
                  blob: {container: Release_Evidence}
                observaton:
                  window: 10m
                """);

        assertThatThrownBy(() -> ConfigReader.read(file)).isInstanceOfSatisfying(
                InvalidConfigurationException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "app.subscription: required, e.g. 00000000-0000-0000-0000-000000000000",
                        "app.resourceGroup: required, e.g. trade-nexus",
                        "app.name: must be letters, digits, '.', '_' or '-' (it names evidence files and locks), "
                                + "got 'trade nexus'",
                        "app.subscripton: unknown key; did you mean 'subscription'?",
                        "github.repository: must be owner/name, e.g. octo-org/trade-nexus, got 'trade-nexus'",
                        "github.apiUrl: plain http is allowed only to a loopback host (localhost, a 127.x.x.x "
                                + "address or [::1], written as such; names are not resolved), got host "
                                + "github.example.com; use https://github.example.com (requests and their "
                                + "credentials would cross the network in clear)",
                        "github.mergeMethod: must be one of merge, squash, rebase, got 'fast-forward'",
                        "smoke.latencySlo: must be a duration such as 500ms, 30s, 2m, 1h or 1h30m, got 500",
                        "smoke.endpoints[0]: path must start with '/', got 'health'",
                        "rollback.errorRate.threshold: must be between 0 and 1 (a fraction: 0.05 is 5%), got 5",
                        "rollback.errorRate.window: must be a duration such as 500ms, 30s, 2m, 1h or 1h30m, got "
                                + "'5 minutes'",
                        "rollback.errorRate.noData: must be one of hold (observe up to holdLimit longer, then "
                                + "promote noting the error rate was not verified), fail (roll back) or ignore, got "
                                + "'maybe'",
                        "traffic: the last step must be 100, got 90",
                        "evidence.blob.endpoint: give either endpoint (with the Azure credential; the identity "
                                + "needs Storage Blob Data Contributor) or connectionStringVariable, not both or "
                                + "neither",
                        "evidence.blob.container: 3-63 lowercase letters, digits and single hyphens, got "
                                + "'Release_Evidence'",
                        "evidence.directory: give either directory or blob, not both",
                        "observaton: unknown key; did you mean 'observation'?"));
    }

    @Test
    @DisplayName("the CLI exits 64 with the list on stderr (and as JSON on stdout with --output json)")
    void cliExit64() throws Exception {
        Path file = write(MINIMAL + "rollback: {errorRate: {threshold: 5}}\ntraffic: {steps: [50]}\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = ReleaseCli.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new CloudProviderFactory(),
                "status", "--config", file.toString(), "--output", "json");

        assertThat(code).isEqualTo(ReleaseCli.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("is invalid (2 problems)",
                "rollback.errorRate.threshold: must be between 0 and 1", "traffic: the last step must be 100, got 50");
        JsonNode doc = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertThat(doc.path("exitCode").asInt()).isEqualTo(64);
        assertThat(doc.path("problems")).hasSize(2);
    }

    @Test
    @DisplayName("a token variable that is not set is a config error naming the variable (exit 64), before any call")
    void missingToken() throws IOException {
        Path file = write(MINIMAL.replace("octo-org/trade-nexus}", "octo-org/trade-nexus, tokenVariable: "
                + "RELEASE_CLI_TEST_UNSET_TOKEN}"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = ReleaseCli.execute(new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                new CloudProviderFactory(Map.<String, String>of()::get, Optional.empty()),
                "gates", "--config", file.toString(), "--pr", "1");

        assertThat(code).isEqualTo(ReleaseCli.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("github.tokenVariable: environment variable "
                + "RELEASE_CLI_TEST_UNSET_TOKEN is not set or empty");
    }

    /** Credentials pasted where a variable name belongs; all are made up, shaped like the real ones. */
    static final String[] PASTED_SECRETS = {
        "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
        "github_pat_11ABCDEFG0yQ7Wcx3nXrPZ_k2Jd8sLm4QwErTyUiOpAsDfGhJkLzXcVbNm1234567890qwertyuiopASDFG",
        "gho_16C7e42F292c6912E7710c838347Ae178B4a",
        "ghs_16C7e42F292c6912E7710c838347Ae178B4a",
        "abcdef0123456789abcdef0123456789abcdef01",
        "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuYXp1cmUuY29tIn0.c2lnbmF0dXJl",
        "DefaultEndpointsProtocol=https;AccountName=tradenexus;AccountKey=bm90LWEta2V5;EndpointSuffix=core.windows.net"};

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> pastedSecrets() {
        Map<String, String> keys = Map.of(
                "github.tokenVariable", """
                        app: {subscription: sub-1, resourceGroup: trade-nexus, name: trade-nexus-backend}
                        github: {repository: octo-org/trade-nexus, tokenVariable: "%s"}
                        smoke: {baseUrl: "https://backend.example.com"}
                        """,
                "azure.credential.tokenVariable", MINIMAL + """
                        azure: {credential: {type: environment, tokenVariable: "%s"}}
                        """,
                "evidence.blob.connectionStringVariable", MINIMAL + """
                        evidence: {blob: {connectionStringVariable: "%s"}}
                        """);
        return keys.entrySet().stream().flatMap(k -> java.util.Arrays.stream(PASTED_SECRETS)
                .map(secret -> org.junit.jupiter.params.provider.Arguments.of(k.getKey(), k.getValue(), secret)));
    }

    @ParameterizedTest(name = "{0} = {2}")
    @org.junit.jupiter.params.provider.MethodSource("pastedSecrets")
    @DisplayName("a token pasted into a *Variable key is refused (exit 64) naming the key, and never echoed")
    void pastedTokenIsRefusedWithoutEcho(String key, String yaml, String secret) throws Exception {
        Path file = write(yaml.formatted(secret));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int text = ReleaseCli.execute(new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                new CloudProviderFactory(Map.<String, String>of()::get, Optional.empty()),
                "gates", "--config", file.toString(), "--pr", "1");
        int json = ReleaseCli.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                new CloudProviderFactory(Map.<String, String>of()::get, Optional.empty()),
                "status", "--config", file.toString(), "--output", "json");

        assertThat(text).isEqualTo(ReleaseCli.USAGE);
        assertThat(json).isEqualTo(ReleaseCli.USAGE);
        String said = err.toString(StandardCharsets.UTF_8) + out.toString(StandardCharsets.UTF_8);
        assertThat(said).contains(key + ": the value of " + key + " looks like a secret, not a variable name; put "
                + "the secret in an environment variable and give its name").doesNotContain(secret);
        for (String part : secret.split("[;.=_]")) {
            if (part.length() >= 12) {
                assertThat(said).as("no part of the secret is shown").doesNotContain(part);
            }
        }
    }

    @Test
    @DisplayName("bad usage exits 64: an unknown command, a missing --pr, a missing config file")
    void badUsage() {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        assertThat(ReleaseCli.execute(quiet, quiet, new CloudProviderFactory(), "promot")).isEqualTo(64);
        assertThat(ReleaseCli.execute(quiet, quiet, new CloudProviderFactory(), "promote")).isEqualTo(64);
        assertThat(ReleaseCli.execute(quiet, quiet, new CloudProviderFactory(), "status", "--config",
                dir.resolve("missing.yaml").toString())).isEqualTo(64);
        assertThat(ReleaseCli.execute(quiet, quiet, new CloudProviderFactory(), "status", "--output", "xml"))
                .isEqualTo(64);
    }

    @Test
    @DisplayName("progressive delivery: canary analysis, alerts, advisory triggers and approvals from the file")
    void progressiveDelivery() throws IOException {
        CliConfig c = ConfigReader.read(write(MINIMAL + """
                traffic:
                  steps: [10, 50, 100]
                  approvalBefore: [100]
                  approvals: {timeout: 30m, onTimeout: approve, github: {workflow: approve.yml, environment: prod-gate}}
                rollback:
                  canaryAnalysis: {enabled: true, maxIncrease: 0.02}
                  alerts: {enabled: true, interval: 15s}
                  advisory: [canary-analysis]
                """));

        assertThat(c.traffic().approvalBefore()).containsExactly(100);
        assertThat(c.traffic().approvals()).isEqualTo(new CliConfig.Approvals(Duration.ofMinutes(30), "approve",
                "approve.yml", "prod-gate"));
        assertThat(c.rollback().canaryAnalysis()).isEqualTo(new CliConfig.CanaryAnalysis(true, 0.02));
        assertThat(c.rollback().alerts()).isEqualTo(new CliConfig.Alerts(true, Duration.ofSeconds(15)));
        assertThat(c.rollback().advisory()).containsExactly("canary-analysis");
        assertThat(Wiring.trafficPlan(c.traffic()).approvalBefore()).containsExactly(100);
    }

    @Test
    void progressiveDeliveryMistakesAreListedWithTheirPaths() throws IOException {
        Path file = write(MINIMAL + """
                traffic:
                  steps: [10, 100]
                  approvalBefore: [50]
                  approvals: {onTimeout: maybe}
                rollback:
                  canaryAnalysis: {enabled: true, maxIncrease: 3}
                  advisory: [alert]
                """);
        assertThatThrownBy(() -> ConfigReader.read(file)).isInstanceOfSatisfying(
                io.releasepipeline.error.InvalidConfigurationException.class, e -> assertThat(e.problems()).contains(
                        "traffic.approvalBefore: 50 is not a step of the plan [10, 100]",
                        "traffic.approvals.onTimeout: must be reject (roll back when nobody decides) or approve, "
                                + "got 'maybe'",
                        "rollback.canaryAnalysis.maxIncrease: must be at least 0 and under 1 (a fraction: 0.01 is "
                                + "one percentage point), got 3.0",
                        "rollback.advisory: \"alert\" is not an armed trigger; armed: [smoke-check, health-endpoint, "
                                + "error-rate, canary-analysis]"));
    }

    @Test
    @DisplayName("an old or near trigger name in rollback.advisory is refused with the name it probably means")
    void advisoryOldNameHint() throws IOException {
        Path file = write(MINIMAL + "rollback:\n  advisory: [health, smoke, ERROR_RATE]\n");
        assertThatThrownBy(() -> ConfigReader.read(file)).isInstanceOfSatisfying(
                io.releasepipeline.error.InvalidConfigurationException.class, e -> assertThat(e.problems()).contains(
                        "rollback.advisory: \"health\" is not an armed trigger; did you mean \"health-endpoint\"?; "
                                + "armed: [smoke-check, health-endpoint, error-rate]",
                        "rollback.advisory: \"smoke\" is not an armed trigger; did you mean \"smoke-check\"?; "
                                + "armed: [smoke-check, health-endpoint, error-rate]",
                        "rollback.advisory: \"ERROR_RATE\" is not an armed trigger; did you mean \"error-rate\"?; "
                                + "armed: [smoke-check, health-endpoint, error-rate]"));
        assertThat(Triggers.likelyMeant("latency")).isEmpty();
        assertThat(Triggers.likelyMeant(Triggers.ERROR_RATE)).isEmpty();
    }

    @Test
    @DisplayName("the complete release.yaml in the README is valid and means what it says")
    void readmeExample() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher m = Pattern.compile("<!-- release.yaml -->\\s*```yaml\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(m.find()).as("the README has a complete release.yaml marked <!-- release.yaml -->").isTrue();

        CliConfig c = ConfigReader.read(write(m.group(1)));

        assertThat(c.app().name()).isEqualTo("trade-nexus-backend");
        assertThat(c.traffic().steps()).containsExactly(10, 50, 100);
        assertThat(c.rollback().errorRate().threshold()).isEqualTo(0.05);
        assertThat(c.rollback().recovery()).isEqualTo(new CliConfig.Recovery(true, 0.01, Duration.ofMinutes(10)));
    }

    @Test
    @DisplayName("rollback.recovery: defaults, the keys reach the pipeline's triggers, and mistakes name their path")
    void recovery() throws IOException {
        CliConfig defaults = ConfigReader.read(write(MINIMAL));
        assertThat(defaults.rollback().recovery()).isEqualTo(new CliConfig.Recovery(true,
                io.releasepipeline.trigger.RecoveryPolicy.DEFAULT_TOLERANCE,
                io.releasepipeline.trigger.RecoveryPolicy.DEFAULT_TIMEOUT));
        assertThat(Wiring.triggers(defaults.rollback(), java.util.Optional.empty()).recovery())
                .isEqualTo(io.releasepipeline.trigger.RecoveryPolicy.ofDefaults());

        CliConfig set = ConfigReader.read(write(MINIMAL + """
                rollback:
                  recovery: {tolerance: 0.02, timeout: 15m}
                """));
        assertThat(Wiring.triggers(set.rollback(), java.util.Optional.empty()).recovery())
                .isEqualTo(new io.releasepipeline.trigger.RecoveryPolicy(true, 0.02, Duration.ofMinutes(15)));
        io.releasepipeline.spi.AppTraffic traffic = new io.releasepipeline.spi.AppTraffic(
                io.releasepipeline.spi.RevisionMode.MULTIPLE, io.releasepipeline.spi.TrafficWeights.all("v2"),
                java.util.Optional.empty(), java.util.Optional.empty());
        assertThat(Plan.rollback(set, traffic, "v1", false)).contains("watch v1's 5xx rate every 1m until within 2% of the "
                + "baseline of the release rolled back (else the 5% threshold), for up to 15m; not recovered is exit 7");
        CliConfig off = ConfigReader.read(write(MINIMAL + """
                rollback:
                  recovery: {enabled: false}
                """));
        assertThat(Wiring.triggers(off.rollback(), java.util.Optional.empty()).recovery().enabled()).isFalse();
        assertThat(Plan.rollback(off, traffic, "v1", false)).anySatisfy(l -> assertThat(l)
                .startsWith("error rate not watched after the rollback"));

        Path bad = write(MINIMAL + """
                rollback:
                  recovery: {tolerance: 5, timeout: 0s, within: 1m}
                """);
        assertThatThrownBy(() -> ConfigReader.read(bad)).isInstanceOfSatisfying(
                io.releasepipeline.error.InvalidConfigurationException.class, e -> assertThat(e.problems()).contains(
                        "rollback.recovery.tolerance: must be at least 0 and under 1 (an absolute 5xx fraction over "
                                + "the baseline: 0.01 is one percentage point), got 5.0",
                        "rollback.recovery.timeout: must be positive, got 0s")
                        .anySatisfy(p -> assertThat(p).startsWith("rollback.recovery.within:")));
    }
}
