package io.releasepipeline.cli.wiring;

import static io.releasepipeline.cli.wiring.ProductionWorld.NEW;
import static io.releasepipeline.cli.wiring.ProductionWorld.PR;
import static io.releasepipeline.cli.wiring.ProductionWorld.STABLE;
import static io.releasepipeline.cli.wiring.ProductionWorld.split;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.releasepipeline.azure.LogsStandIn;
import io.releasepipeline.evidence.file.FileEvidenceStore;
import io.releasepipeline.testkit.local.RevisionServer.Behaviour;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code rollback.errorRate.source: logs} from the packaged jar with production wiring: the error rate is a KQL query
 * on a Log Analytics workspace, answered by the Logs query API stand-in over HTTPS (trusted by the child through
 * {@code -Djavax.net.ssl.trustStore}) from what the router counted, with an ingestion lag; the Log Analytics token
 * comes from its own environment variable and goes nowhere else, the Resource Manager token never to Log Analytics.
 */
class LogsErrorRateIT extends ProductionWiring {

    private static final String LOGS_TOKEN_VARIABLE = "LOG_ANALYTICS_TOKEN";
    private static LogsStandIn logs;
    private String logsToken;

    @BeforeAll
    static void startLogs() {
        logs = new LogsStandIn(world.tls.keystore, TestCertificate.PASSWORD);
    }

    @AfterAll
    static void stopLogs() {
        if (logs != null) {
            logs.close();
        }
    }

    @BeforeEach
    void logsSource() {
        stableAppAndGreenPr(40);
        logs.reset().ingestionLag(Duration.ofMillis(500)).requestCounts(world::served);
        logsToken = ProductionWorld.jwt(LogsStandIn.audience(), Instant.now().plus(Duration.ofHours(1)));
        world.env(LOGS_TOKEN_VARIABLE, logsToken, true).section("observation", """
                observation:
                  window: 20s
                """);
    }

    private void rollbackFromLogs(String query) {
        world.section("rollback", """
                rollback:
                  smoke:
                    failingFor: 30s
                  health:
                    enabled: false
                  errorRate:
                    threshold: 0.05
                    window: 2s
                    interval: 500ms
                    minimumRequests: 5
                    source: logs
                    logs:
                      workspaceId: %s
                      endpoint: %s
                      ingestionDelay: 1s
                      requestTimeout: 5s
                      tokenVariable: %s
                %s""".formatted(LogsStandIn.WORKSPACE, logs.endpoint(), LOGS_TOKEN_VARIABLE,
                query == null ? "" : "      query: " + query + "\n"));
    }

    @Test
    @DisplayName("the new revision's 5xx rate read from Log Analytics is high: rolled back by error-rate, exit 3, and "
            + "the evidence names the interval judged, a second behind")
    void rolledBackByLogs() throws IOException {
        world.mergeDeploys(Behaviour.FAILING);
        rollbackFromLogs(null);

        ReleaseProcess.Run run = world.run("promote", "--pr", String.valueOf(PR), "--output", "json");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        JsonNode doc = ProductionWorld.json(run);
        assertThat(doc.path("outcome").asText()).isEqualTo("ROLLED_BACK");
        JsonNode trigger = doc.path("rollback").path("trigger");
        assertThat(trigger.path("trigger").asText()).as(run.toString()).isEqualTo("error-rate");
        // Read a second behind (ingestionDelay), plus the moments between the read and the verdict.
        assertThat(trigger.path("reason").asText()).contains("5xx 100.0%", "(judged ")
                .matches(".*, 1(\\.\\d+)?s behind\\).*");
        assertThat(world.patchedTraffic()).containsExactly(split(NEW, 100), split(STABLE, 100));
        assertThat(world.standIn.traffic()).containsExactly(Map.entry(STABLE, 100));

        // Log Analytics was asked, Azure Monitor's metric never; each token went to its own service only.
        List<LoggedRequest> queries = logs.requests();
        assertThat(queries).isNotEmpty().allSatisfy(r -> {
            assertThat(r.getUrl()).isEqualTo(LogsStandIn.QUERY_PATH);
            assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + logsToken);
        });
        assertThat(queries).anySatisfy(r -> assertThat(ProductionWorld.body(r).path("query").asText())
                .contains("strcat(\"" + NEW + "\", \"-\")"));
        assertThat(world.arm.requests()).noneSatisfy(r -> assertThat(r.getUrl()).contains("Microsoft.Insights/metrics"))
                .allSatisfy(r -> assertThat(String.valueOf(r.getHeader("Authorization"))).doesNotContain(logsToken));

        String report = evidenceMarkdown();
        assertThat(report).contains("error-rate", "(judged ", " behind)");
    }

    @Test
    @DisplayName("recovery read from Log Analytics judges only traffic after the rollback: the previous revision "
            + "fails from the rollback on, so, although it served the canary well, it did NOT recover: exit 7")
    void recoveryJudgesOnlyTrafficAfterTheRollback() throws IOException {
        world.mergeDeploys(Behaviour.FAILING).section("smoke", """
                smoke:
                  baseUrl: ${APP_URL}
                  endpoints: [/health]
                  samples: 1
                  latencySlo: 1500ms
                  requestTimeout: 2s
                """).section("traffic", """
                traffic:
                  steps: [50, 100]
                  stepPause: 30s
                """).section("rollback", """
                rollback:
                  smoke:
                    failingFor: 30s
                  health:
                    enabled: false
                  errorRate:
                    threshold: 0.05
                    window: 2s
                    interval: 500ms
                    minimumRequests: 5
                    source: logs
                    logs:
                      workspaceId: %s
                      endpoint: %s
                      ingestionDelay: 4s
                      requestTimeout: 5s
                      tokenVariable: %s
                  recovery:
                    tolerance: 0.01
                    timeout: 12s
                """.formatted(LogsStandIn.WORKSPACE, logs.endpoint(), LOGS_TOKEN_VARIABLE));

        ReleaseProcess release = world.start("promote", "--pr", String.valueOf(PR));
        release.awaitLine(l -> l.contains("ROLLING BACK"), Duration.ofSeconds(90));
        world.server(STABLE).behaviour(Behaviour.FAILING_BEHIND_HEALTH);
        ReleaseProcess.Run run = release.await(ProductionWorld.RUN_TIMEOUT);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(7);
        assertThat(run.err()).contains("ROLLED_BACK_NOT_RECOVERED: PAGE SOMEONE: back on " + STABLE)
                .doesNotContain("recovered: at");
        String report = evidenceMarkdown();
        assertThat(report).contains("#### Error rate after the rollback: NOT_RECOVERED");
        int start = report.indexOf("#### Error rate after the rollback");
        int end = report.indexOf("\n## ", start);
        String recovery = report.substring(start, end < 0 ? report.length() : end);
        assertThat(recovery).containsPattern("5xx 100\\.0% of [0-9,]+ requests on " + STABLE
                        + " over [0-9.ms]+ \\(judged [0-9T:-]+Z \\.\\. [0-9T:-]+Z, 4(\\.\\d+)?s behind\\)")
                .doesNotContainPattern("\\d{2}:\\d{2}:\\d{2}\\.\\d+Z");
        // The baseline names its judged interval too. Read 4 s behind just before the first shift, it may find no
        // requests yet when the load started only moments before (then the threshold is the reference, and says so).
        assertThat(recovery).containsPattern("Judged against the baseline \\(5xx 0\\.0% of .*4s behind\\), measured "
                + "|Judged against the error-rate threshold 5\\.0%, because there is no usable baseline \\(no data on "
                + STABLE + " .*4s behind\\)");
    }

    @Test
    @DisplayName("a query answering another shape stops promote before anything changes: exit 64, the columns named")
    void wrongShapeStopsBeforeAnySideEffect() {
        world.mergeDeploys(Behaviour.HEALTHY);
        rollbackFromLogs("'AppRequests | where AppRoleInstance startswith {{revision}} | summarize count()'");
        logs.stub(logs.onQuery(), WireMock.okJson(LogsStandIn.tablesJson(new String[][] {{"count_", "long"}},
                new Object[] {42})));

        ReleaseProcess.Run run = world.run("promote", "--pr", String.valueOf(PR));

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(64);
        assertThat(run.err()).contains("rollback.errorRate.logs.query: the query answered no column requests",
                "count_ (long)", "checked on " + STABLE + " before anything changed");
        assertThat(world.armWrites()).isEmpty();
        assertThat(world.github.writes()).isEmpty();
        assertThat(logs.requests()).hasSize(1);
    }

    private String evidenceMarkdown() throws IOException {
        Path root = dir.resolve(FileEvidenceStore.DEFAULT_ROOT);
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(".md")).map(f -> {
                try {
                    return Files.readString(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).reduce("", String::concat);
        }
    }
}
