package io.releasepipeline.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static io.releasepipeline.azure.LogsStandIn.apiError;
import static io.releasepipeline.azure.LogsStandIn.countsJson;
import static io.releasepipeline.azure.LogsStandIn.tablesJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.spi.ErrorRateReading;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Log Analytics error rate against the Logs query API stand-in over HTTPS. */
class LogAnalyticsErrorRateTest {

    private static final Instant FROM = Instant.parse("2026-01-05T09:00:00Z");
    private static final Instant TO = Instant.parse("2026-01-05T09:05:00Z");
    private static final Instant JUDGED_FROM = Instant.parse("2026-01-05T08:57:00Z");
    private static final Instant JUDGED_TO = Instant.parse("2026-01-05T09:02:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final LogsStandIn logs = new LogsStandIn();
    private LogAnalyticsErrorRate provider;

    @BeforeEach
    void reset() {
        logs.reset();
        provider = logs.provider().build();
    }

    @Test
    @DisplayName("the default query counts the revision's requests and 5xx over the window shifted back by the "
            + "ingestion delay, and the reading names that interval")
    void measured() {
        logs.requestCounts((revision, from, to) -> revision.equals("backend--r2") && from.equals(JUDGED_FROM)
                && to.equals(JUDGED_TO) ? new long[] {1200, 96} : new long[2]);

        ErrorRateReading reading = provider.errorRate("backend--r2", FROM, TO);

        assertThat(reading).isEqualTo(new ErrorRateReading.Measured("backend--r2", JUDGED_FROM, JUDGED_TO, 1200, 96));
        LoggedRequest request = logs.requests().get(0);
        assertThat(request.getUrl()).isEqualTo(LogsStandIn.QUERY_PATH);
        assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + ArmStub.TOKEN);
        assertThat(request.getHeader("Prefer")).isEqualTo("wait=30");
        JsonNode body = body(request);
        assertThat(body.path("timespan").asText()).isEqualTo("2026-01-05T08:57Z/2026-01-05T09:02Z");
        assertThat(body.path("query").asText()).contains("AppRequests",
                "TimeGenerated >= datetime(2026-01-05T08:57:00Z) and TimeGenerated < datetime(2026-01-05T09:02:00Z)",
                "AppRoleInstance startswith strcat(\"backend--r2\", \"-\")",
                "countif(ResultCode startswith \"5\")");
        assertThat(provider.retriesOwnCalls()).isTrue();
        assertThat(provider.providerName()).isEqualTo("log-analytics");
    }

    @Test
    @DisplayName("a zero ingestion delay reads the window as asked")
    void noDelay() {
        logs.requestCounts((revision, from, to) -> new long[] {10, 1});
        LogAnalyticsErrorRate now = logs.provider().ingestionDelay(Duration.ZERO).build();

        assertThat(now.errorRate("backend--r2", FROM, TO)).isEqualTo(new ErrorRateReading.Measured("backend--r2",
                FROM, TO, 10, 1));
    }

    @Test
    @DisplayName("no requests, or no row at all, is NoData naming the interval judged, never a zero rate")
    void noData() {
        assertThat(provider.errorRate("backend--r2", FROM, TO)).isInstanceOfSatisfying(ErrorRateReading.NoData.class,
                n -> {
                    assertThat(n.from()).isEqualTo(JUDGED_FROM);
                    assertThat(n.reason()).contains("no requests to backend--r2",
                            "2026-01-05T08:57:00Z .. 2026-01-05T09:02:00Z", "3m behind");
                });
        // On a real clock the window has nanoseconds: the reason names it at second precision, as the evidence does.
        assertThat(provider.errorRate("backend--r2", FROM.plusNanos(779_418_885), TO.plusNanos(779_418_885)))
                .isInstanceOfSatisfying(ErrorRateReading.NoData.class, n -> assertThat(n.reason())
                        .contains("2026-01-05T08:57:00Z .. 2026-01-05T09:02:00Z").doesNotContain(".779"));

        logs.stub(logs.onQuery(), okJson(tablesJson(new String[][] {{"requests", "long"}, {"serverErrors", "long"}})));
        assertThat(provider.errorRate("backend--r2", FROM, TO)).isInstanceOfSatisfying(ErrorRateReading.NoData.class,
                n -> assertThat(n.reason()).contains("no row"));
        // Before a release, though, a query that answers no row cannot show it has the columns needed.
        assertThatThrownBy(() -> provider.verifyQuery("backend--r2", FROM, TO))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("answered no row");
    }

    @Test
    @DisplayName("a revision name is a KQL string literal: quotes and backslashes cannot end it")
    void injection() {
        String hostile = "backend--r2\", \"-\") or true or AppRoleInstance startswith (\"\\";
        logs.requestCounts((revision, from, to) -> revision.equals(hostile) ? new long[] {3, 0} : new long[] {99, 99});

        // The stand-in reads the literal back, unescaped, and checks the text is the default query's rendering.
        assertThat(provider.errorRate(hostile, FROM, TO)).isInstanceOfSatisfying(ErrorRateReading.Measured.class,
                m -> assertThat(m.requests()).isEqualTo(3));
        assertThat(LogAnalyticsErrorRate.kqlString("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
        assertThatThrownBy(() -> provider.errorRate("backend\n| take 1", FROM, TO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control character");
        assertThat(logs.requests()).hasSize(1);
    }

    @Test
    @DisplayName("an unknown placeholder, a query without {{revision}} and other bad settings are all listed at build()")
    void buildProblems() {
        assertThatThrownBy(() -> LogAnalyticsErrorRate.builder().workspaceId("not a workspace/../x")
                .endpoint(java.net.URI.create("http://logs.example.com/v1"))
                .query("AppRequests | where TimeGenerated > {{start}} | summarize requests = count(), "
                        + "serverErrors = countif(ResultCode startswith '5')")
                .ingestionDelay(Duration.ofMinutes(-1)).requestTimeout(Duration.ofMillis(10)).build())
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).startsWith("workspaceId: must be the workspace's id"))
                        .anySatisfy(p -> assertThat(p).startsWith("endpoint: plain http is allowed only to a loopback"))
                        .anySatisfy(p -> assertThat(p).startsWith("query: unknown placeholder {{start}}")
                                .contains("{{revision}}, {{from}} and {{to}}"))
                        .anySatisfy(p -> assertThat(p).startsWith("query: must use the placeholder {{revision}}"))
                        .anySatisfy(p -> assertThat(p).startsWith("ingestionDelay"))
                        .anySatisfy(p -> assertThat(p).startsWith("requestTimeout")));
        assertThat(logs.requests()).isEmpty();
    }

    @Test
    @DisplayName("a query answering another shape is a configuration problem at verifyQuery, an error (never judged) "
            + "at errorRate")
    void shape() {
        logs.stub(logs.onQuery(), okJson(tablesJson(new String[][] {{"AppRoleInstance", "string"}, {"count_", "long"}},
                new Object[] {"backend--r2-5d9774cff-5wnd8", 12})));
        assertThatThrownBy(() -> provider.verifyQuery("backend--r2", FROM, TO))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .singleElement().asString().startsWith("query: the query answered no column requests")
                        .contains("AppRoleInstance (string)", "count_ (long)"));
        assertThatThrownBy(() -> provider.errorRate("backend--r2", FROM, TO))
                .isInstanceOfSatisfying(AzureProviderException.class, e -> {
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage()).contains("answered no column requests");
                });

        Map<String, String> wrong = Map.of(
                tablesJson(new String[][] {{"requests", "real"}, {"serverErrors", "long"}}, new Object[] {1.0, 0}),
                "column requests is of type real",
                tablesJson(new String[][] {{"requests", "long"}, {"serverErrors", "long"}}, new Object[] {5, 1},
                        new Object[] {7, 0}), "answered 2 rows",
                tablesJson(new String[][] {{"requests", "long"}, {"serverErrors", "int"}}, new Object[] {5, 6}),
                "serverErrors = 6");
        wrong.forEach((body, problem) -> {
            logs.stub(logs.onQuery(), okJson(body));
            assertThatThrownBy(() -> provider.verifyQuery("backend--r2", FROM, TO))
                    .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining(problem);
        });

        logs.stub(logs.onQuery(), okJson(tablesJson(new String[][] {{"serverErrors", "int"}, {"requests", "long"}},
                new Object[] {2, 40})));
        assertThat(provider.verifyQuery("backend--r2", FROM, TO)).isEqualTo(new ErrorRateReading.Measured(
                "backend--r2", JUDGED_FROM, JUDGED_TO, 40, 2));
    }

    @Test
    @DisplayName("a partial result (error next to the tables) is an error, never judged")
    void partialError() {
        logs.requestCounts((revision, from, to) -> new long[] {100, 50}).partialErrorNext(1);

        assertThatThrownBy(() -> provider.errorRate("backend--r2", FROM, TO))
                .isInstanceOfSatisfying(AzureProviderException.class, e -> {
                    assertThat(e.isTransient()).isTrue();
                    assertThat(e.errorCode()).contains("PartialError");
                    assertThat(e.getMessage()).contains("partial result", "PartialError",
                            "2026-01-05T08:57:00Z .. 2026-01-05T09:02:00Z was not judged");
                });
        assertThat(provider.errorRate("backend--r2", FROM, TO)).isInstanceOf(ErrorRateReading.Measured.class);
    }

    @Test
    @DisplayName("429 is retried as Retry-After says; still throttled after the retries is a transient error with "
            + "the hint")
    void throttling() {
        logs.requestCounts((revision, from, to) -> new long[] {100, 1}).throttleNext(2, 0);
        assertThat(provider.errorRate("backend--r2", FROM, TO)).isInstanceOf(ErrorRateReading.Measured.class);
        assertThat(logs.requests()).hasSize(3);

        logs.reset().throttleNext(1, 7);
        LogAnalyticsErrorRate once = logs.provider().retry(0, Duration.ofMillis(1), Duration.ofMillis(1)).build();
        assertThatThrownBy(() -> once.errorRate("backend--r2", FROM, TO))
                .isInstanceOfSatisfying(AzureProviderException.class, e -> {
                    assertThat(e.isTransient()).isTrue();
                    assertThat(e.statusCode()).isEqualTo(429);
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
                    assertThat(e.getMessage()).contains("HTTP 429 ThrottledError", "throttled")
                            .doesNotContain(ArmStub.TOKEN);
                });
    }

    @Test
    @DisplayName("a syntax error (400 BadArgumentError) says what the service found; 403 and 5xx say what to do")
    void errors() {
        logs.stub(logs.onQuery(), apiError(400, "BadArgumentError", "The request had some invalid properties",
                "SyntaxError", "Query could not be parsed at '|' on line [2,0]"));
        assertThatThrownBy(() -> provider.errorRate("backend--r2", FROM, TO))
                .isInstanceOfSatisfying(AzureProviderException.class, e -> {
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.errorCode()).contains("BadArgumentError");
                    assertThat(e.getMessage()).contains("HTTP 400 BadArgumentError",
                            "SyntaxError: Query could not be parsed at '|' on line [2,0]", "the query was refused")
                            .doesNotContain(ArmStub.TOKEN);
                });
        assertThat(logs.requests()).hasSize(1);

        logs.reset();
        logs.stub(logs.onQuery(), apiError(403, "InsufficientAccessError", "The provided credentials have "
                + "insufficient access to perform the requested operation", null, null));
        assertThatThrownBy(() -> provider.errorRate("backend--r2", FROM, TO))
                .isInstanceOfSatisfying(AzureProviderException.class, e -> {
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage()).contains("Log Analytics Reader", LogsStandIn.WORKSPACE);
                });

        logs.reset();
        logs.stub(logs.onQuery(), apiError(503, "ServiceUnavailableError", "try later", null, null));
        assertThatThrownBy(() -> provider.errorRate("backend--r2", FROM, TO))
                .isInstanceOfSatisfying(AzureProviderException.class, e -> {
                    assertThat(e.isTransient()).isTrue();
                    assertThat(e.getMessage()).contains("still failing after the configured retries");
                });
        assertThat(logs.requests()).hasSize(3);

        logs.reset();
        logs.stub(logs.onQuery(), aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("<html>proxy login</html>"));
        assertThatThrownBy(() -> provider.errorRate("backend--r2", FROM, TO))
                .isInstanceOf(AzureProviderException.class);
    }

    @Test
    @DisplayName("a token from the environment goes to the query API only: one for Resource Manager is refused "
            + "before it is sent, and never printed")
    void environmentToken() {
        String armToken = jwt("https://management.azure.com/");
        LogAnalyticsErrorRate wrong = logs.provider().credential(null).bearerTokenFromEnvironment("LOGS_TOKEN")
                .environment(Map.of("LOGS_TOKEN", armToken)::get).build();
        assertThatThrownBy(() -> wrong.errorRate("backend--r2", FROM, TO))
                .isInstanceOfSatisfying(AzureProviderException.class, e -> assertThat(e.getMessage())
                        .contains("LOGS_TOKEN", "https://api.loganalytics.io").doesNotContain(armToken));
        assertThat(logs.requests()).isEmpty();

        String logsToken = jwt("https://api.loganalytics.io");
        logs.requestCounts((revision, from, to) -> new long[] {8, 0});
        LogAnalyticsErrorRate right = logs.provider().credential(null).bearerTokenFromEnvironment("LOGS_TOKEN")
                .environment(Map.of("LOGS_TOKEN", logsToken)::get).build();
        assertThat(right.errorRate("backend--r2", FROM, TO)).isInstanceOf(ErrorRateReading.Measured.class);
        assertThat(logs.requests().get(0).getHeader("Authorization")).isEqualTo("Bearer " + logsToken);
        assertThat(right.toString()).contains("LOGS_TOKEN", LogsStandIn.WORKSPACE).doesNotContain(logsToken);

        assertThatThrownBy(() -> logs.provider().credential(null).bearerTokenFromEnvironment("LOGS_TOKEN")
                .environment(name -> null).build()).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("LOGS_TOKEN is not set");
    }

    private static JsonNode body(LoggedRequest request) {
        try {
            return JSON.readTree(request.getBodyAsString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String jwt(String audience) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String claims = JSON.createObjectNode().put("aud", audience)
                .put("exp", Instant.now().plus(Duration.ofHours(1)).getEpochSecond()).toString();
        return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
    }
}
