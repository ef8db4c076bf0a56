package io.releasepipeline.cli.wiring;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.releasepipeline.cli.wiring.ProductionWorld.NEW;
import static io.releasepipeline.cli.wiring.ProductionWorld.PR;
import static io.releasepipeline.cli.wiring.ProductionWorld.STABLE;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.releasepipeline.azure.ArmStandIn;
import io.releasepipeline.azure.ArmStub;
import io.releasepipeline.testkit.local.RevisionServer.Behaviour;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The secrets test: the packaged CLI, production wiring, every credential it reads given a recognisable canary value
 * (the GitHub token, the Resource Manager token of {@code azure.credential.type: environment}), run through a
 * promotion, rollbacks, bad configs and failing providers whose error bodies echo the Authorization header they got.
 * Then everything the CLI wrote or sent is searched ({@link Exposure}): stdout, stderr, every file under the working
 * directory and the child's temp directory (evidence, journal, lock, JSON result), every request GitHub's and
 * Resource Manager's stand-ins received (PR comments and deployment statuses included) and every request an echoing
 * smoke-check server received. A token may appear only in the Authorization header of requests to its own service;
 * anywhere else, verbatim, Base64, URL-encoded or its first 12 characters, the test fails naming where.
 */
class SecretsIT extends SecretsWiring {

    private static final String CONNECTION_KEY = "a storage account key";
    private static final String STORAGE_TOKEN = "a storage token";

    private WireMockServer echo;
    /** Resource Manager's stand-in lives as long as the class: what a test adds to it, it takes away. */
    private final List<StubMapping> armStubs = new ArrayList<>();

    @AfterEach
    void removeStubs() {
        armStubs.forEach(world.arm.server::removeStub);
        armStubs.clear();
        if (echo != null) {
            echo.stop();
            echo = null;
        }
    }

    // ---- what users run ----------------------------------------------------------------------------------------

    @Test
    @DisplayName("a canary promotion at DEBUG log level with --json-file: exit 0, no token anywhere")
    void promotion() {
        stableAppAndGreenPr(20);
        world.mergeDeploys(Behaviour.HEALTHY).section("traffic", """
                traffic:
                  steps: [50, 100]
                  stepPause: 1s
                """);

        ReleaseProcess.Run run = run(List.of(DEBUG), "promote", "--pr", String.valueOf(PR), "--json-file",
                "result.json");

        assertThat(run.exitCode()).as(shown(run)).isZero();
        assertThat(run.err()).as("DEBUG logging was on").contains("DEBUG");
        assertThat(dir.resolve("result.json")).exists();
        assertNothingLeaked(run).anyMatch(s -> s.contains("/deployments/1/statuses") && s.endsWith("body"))
                .anyMatch(s -> s.startsWith("file .ops/evidence/") && s.endsWith(".md"))
                .anyMatch(s -> s.startsWith("file .ops/evidence/") && s.endsWith(".svg"))
                .anyMatch(s -> s.startsWith("file .ops/evidence/.journal/"))
                .anyMatch(s -> s.startsWith("file .ops/evidence/.locks/"))
                .contains("file result.json");
    }

    @Test
    @DisplayName("a promotion rolled back by its smoke check, --output json: exit 3, no token in the note or the record")
    void automaticRollback() {
        stableAppAndGreenPr(20);
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

        ReleaseProcess.Run run = run(List.of(), "promote", "--pr", String.valueOf(PR), "--output", "json");

        assertThat(run.exitCode()).as(shown(run)).isEqualTo(3);
        assertNothingLeaked(run).anyMatch(s -> s.contains("/issues/123/comments") && s.endsWith("body"));
    }

    @Test
    @DisplayName("release rollback --pr --output json at DEBUG log level: exit 0, no token in the incident note, the "
            + "record or the output")
    void standaloneRollback() {
        world.revision(STABLE, Duration.ofDays(2), false, Behaviour.HEALTHY)
                .revision(NEW, Duration.ofDays(1), true, Behaviour.FAILING).serving(NEW);

        ReleaseProcess.Run run = run(List.of(DEBUG), "rollback", "--reason", "checkout is broken", "--pr", "123",
                "--output", "json");

        assertThat(run.exitCode()).as(shown(run)).isZero();
        assertThat(ProductionWorld.json(run).path("exitCode").asInt()).isZero();
        assertNothingLeaked(run).anyMatch(s -> s.contains("/issues/123/comments") && s.endsWith("body"))
                .anyMatch(s -> s.startsWith("file .ops/evidence/") && s.endsWith(".json"));
    }

    // ---- bad configs -------------------------------------------------------------------------------------------

    @Test
    @DisplayName("a config with a token pasted where each variable name belongs, tokens in other values and bad "
            + "values next to the secret-bearing keys, and one that is not YAML on a token's line: exit 64 listing "
            + "the problems, no request, no token echoed (text and JSON)")
    void badConfigs() {
        String github = canaries.value(GITHUB);
        String azure = canaries.value(AZURE);
        String key = canaries.add(CONNECTION_KEY, storageKey("pasted"), 0);
        String storageToken = canaryJwt("https://storage.azure.com", "storage");
        canaries.add(STORAGE_TOKEN, storageToken, storageToken.lastIndexOf('.') + 1);
        String connection = "DefaultEndpointsProtocol=https;AccountName=tradenexusevidence;AccountKey=" + key
                + ";EndpointSuffix=core.windows.net";
        world.section("github", """
                github:
                  repository: %s
                  apiUrl: http://x-access-token:%s@github.example.com/api/v3
                  tokenVariable: %s
                  mergeMethod: sqush
                """.formatted(github, github, github)).section("azure", """
                azure:
                  endpoint: %s
                  credential:
                    type: %s
                    tokenVariable: %s
                """.formatted(world.arm.base(), azure, azure)).section("evidence", """
                evidence:
                  blob:
                    connectionStringVariable: "%s"
                    tokenVariable: %s
                    container: Release_Evidence
                """.formatted(connection, storageToken));
        List<ReleaseProcess.Run> runs = new ArrayList<>(badConfig("github.repository", "github.apiUrl",
                "github.tokenVariable", "github.mergeMethod", "azure.credential.type",
                "azure.credential.tokenVariable", "evidence.blob.connectionStringVariable",
                "evidence.blob.tokenVariable", "evidence.blob.container"));
        world.defaultSections();
        world.section("github", """
                github:
                  repository: %s
                  tokenVariable: %s: [
                """.formatted(GitHubStandIn.REPO, github));
        runs.addAll(badConfig("not valid YAML"));

        assertThat(world.github.requests()).isEmpty();
        assertThat(world.arm.requests()).isEmpty();
        assertNothingLeaked(runs.toArray(ReleaseProcess.Run[]::new));
    }

    /** Runs gates on the config as it is, as text and as JSON: exit 64, stderr naming every one of {@code paths}. */
    private List<ReleaseProcess.Run> badConfig(String... paths) {
        ReleaseProcess.Run text = run(List.of(), "gates", "--pr", String.valueOf(PR));
        ReleaseProcess.Run json = run(List.of(), "gates", "--pr", String.valueOf(PR), "--output", "json");
        assertThat(text.exitCode()).as(shown(text)).isEqualTo(64);
        assertThat(text.err()).as(shown(text)).contains(paths);
        assertThat(json.exitCode()).as(shown(json)).isEqualTo(64);
        assertThat(ProductionWorld.json(json).path("problems").toString()).as(shown(json)).contains(paths[0]);
        return List.of(text, json);
    }

    // ---- failing providers whose answers echo the credential --------------------------------------------------

    @Test
    @DisplayName("GitHub answers 401 echoing the Authorization header: gates and promote exit 69, token not repeated")
    void gitHub401() {
        stableAppAndGreenPr(10);
        world.github.server.stubFor(any(anyUrl()).atPriority(1).willReturn(echoing(401,
                "{\"message\":\"Bad credentials (the proxy got Authorization: {{{request.headers.Authorization}}})\","
                        + "\"documentation_url\":\"https://docs.github.com/rest\"}")));

        ReleaseProcess.Run gates = run(List.of(DEBUG), "gates", "--pr", String.valueOf(PR), "--output", "json");
        ReleaseProcess.Run promote = run(List.of(), "promote", "--pr", String.valueOf(PR));

        assertThat(gates.exitCode()).as(shown(gates)).isEqualTo(69);
        assertThat(promote.exitCode()).as(shown(promote)).isEqualTo(69);
        // The echo reached the message, masked.
        assertThat(gates.out() + promote.err()).contains("Bad credentials (the proxy got Authorization: Bearer ***)");
        assertNothingLeaked(gates, promote);
    }

    @Test
    @DisplayName("GitHub refuses the merge with 403 echoing the Authorization header: exit 5, token in no record")
    void gitHub403OnMerge() {
        stableAppAndGreenPr(10);
        world.github.server.stubFor(put(urlPathEqualTo(GitHubStandIn.API + "/pulls/" + PR + "/merge")).atPriority(1)
                .willReturn(echoing(403, "{\"message\":\"Resource not accessible by integration; Authorization: "
                        + "{{{request.headers.Authorization}}}\",\"documentation_url\":\"https://docs.github.com\"}")));

        ReleaseProcess.Run run = run(List.of(), "promote", "--pr", String.valueOf(PR), "--output", "json");

        assertThat(run.exitCode()).as(shown(run)).isEqualTo(5);
        assertThat(run.out()).contains("Resource not accessible by integration; Authorization: Bearer ***");
        assertNothingLeaked(run).anyMatch(s -> s.startsWith("file .ops/evidence/") && s.endsWith(".md"));
    }

    @Test
    @DisplayName("GitHub answers 500 echoing the Authorization header to the reviews read: exit 69, token in no record")
    void gitHub500() {
        stableAppAndGreenPr(10);
        world.github.server.stubFor(get(urlPathEqualTo(GitHubStandIn.API + "/pulls/" + PR + "/reviews"))
                .atPriority(1).willReturn(echoing(500, "{\"message\":\"Server Error at the proxy; request headers: "
                        + "Authorization: {{{request.headers.Authorization}}}\"}")));

        ReleaseProcess.Run run = run(List.of(), "promote", "--pr", String.valueOf(PR), "--json-file", "result.json");

        assertThat(run.exitCode()).as(shown(run)).isEqualTo(69);
        assertThat(run.out()).contains("Server Error at the proxy; request headers: Authorization: Bearer ***");
        assertNothingLeaked(run).contains("file result.json");
    }

    @Test
    @DisplayName("Resource Manager answers 401 echoing the Authorization header: status and promote exit 69")
    void resourceManager401() {
        stableAppAndGreenPr(10);
        armStub(any(anyUrl()).atPriority(1).willReturn(echoing(401, armError(
                "InvalidAuthenticationToken", "The access token is invalid. Authorization: "
                        + "{{{request.headers.Authorization}}}"))
                .withHeader("WWW-Authenticate", "Bearer authorization_uri=\"https://login.windows.net/\", "
                        + "error=\"invalid_token\"")));

        ReleaseProcess.Run status = run(List.of(DEBUG), "status", "--output", "json");
        ReleaseProcess.Run promote = run(List.of(), "promote", "--pr", String.valueOf(PR));

        assertThat(status.exitCode()).as(shown(status)).isEqualTo(69);
        assertThat(promote.exitCode()).as(shown(promote)).isEqualTo(69);
        assertThat(status.out() + promote.err()).contains("The access token is invalid. Authorization: Bearer ***");
        assertNothingLeaked(status, promote);
    }

    @Test
    @DisplayName("Resource Manager answers 500 echoing the Authorization header to every traffic PATCH: the release "
            + "stops before traffic moved (exit 5), and the token is in no record, note or output")
    void resourceManager500OnTraffic() {
        stableAppAndGreenPr(10);
        world.mergeDeploys(Behaviour.HEALTHY);
        armStub(patch(urlPathEqualTo(ArmStub.APP_PATH)).atPriority(1).willReturn(echoing(500,
                armError("InternalServerError", "upstream failed; request headers: Authorization: "
                        + "{{{request.headers.Authorization}}}"))));

        ReleaseProcess.Run run = run(List.of(), "promote", "--pr", String.valueOf(PR), "--output", "json");

        // The first traffic change failed, so traffic never moved: aborted.
        assertThat(run.exitCode()).as(shown(run)).isEqualTo(5);
        assertThat(run.out()).contains("upstream failed; request headers: Authorization: Bearer ***");
        assertNothingLeaked(run).anyMatch(s -> s.startsWith("file .ops/evidence/") && s.endsWith(".md"));
    }

    @Test
    @DisplayName("Azure Monitor answers 500 echoing the Authorization header to every metrics read: rolled back on "
            + "the read error, its recovery unverifiable for the same reason (exit 7), and the token is in no record, "
            + "note or output")
    void azureMonitor500() {
        stableAppAndGreenPr(10);
        world.mergeDeploys(Behaviour.HEALTHY).section("rollback", """
                rollback:
                  smoke:
                    failingFor: 30s
                  health:
                    enabled: false
                  errorRate:
                    window: 2s
                    interval: 500ms
                    minimumRequests: 5
                    onReadError: rollback
                  recovery:
                    timeout: 5s
                """).section("observation", """
                observation:
                  window: 10s
                """);
        armStub(any(urlPathEqualTo(ArmStandIn.METRICS_PATH)).atPriority(1).willReturn(echoing(500,
                armError("InternalServerError", "metrics backend failed; request headers: Authorization: "
                        + "{{{request.headers.Authorization}}}"))));

        ReleaseProcess.Run run = run(List.of(), "promote", "--pr", String.valueOf(PR), "--output", "json");

        assertThat(run.exitCode()).as(shown(run)).isEqualTo(7);
        assertThat(run.out()).contains("metrics backend failed; request headers: Authorization: Bearer ***");
        assertNothingLeaked(run).anyMatch(s -> s.contains("/issues/123/comments") && s.endsWith("body"));
    }

    @Test
    @DisplayName("a smoke-check server that echoes every request header in a 503: smoke-check exits 1 and the "
            + "promotion rolls back, its check failing too (exit 4); no token was sent to it or printed")
    void echoingSmokeServer() {
        echo = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
        echo.start();
        echo.stubFor(any(anyUrl()).willReturn(echoing(503, "you sent:\n{{#each request.headers}}{{@key}}: "
                + "{{{this}}}\n{{/each}}")));
        stableAppAndGreenPr(10);
        world.mergeDeploys(Behaviour.HEALTHY).section("smoke", """
                smoke:
                  baseUrl: %s
                  endpoints: [/health, /v1/quotes]
                  samples: 1
                  requestTimeout: 2s
                """.formatted(echo.baseUrl())).section("rollback", """
                rollback:
                  smoke:
                    failingFor: 1s
                    interval: 250ms
                  health:
                    downFor: 1s
                    interval: 250ms
                  errorRate:
                    enabled: false
                """);

        ReleaseProcess.Run smoke = run(List.of(DEBUG), "smoke-check");
        ReleaseProcess.Run promote = run(List.of(), "promote", "--pr", String.valueOf(PR), "--output", "json");

        assertThat(smoke.exitCode()).as(shown(smoke)).isEqualTo(1);
        // The rollback's own smoke check goes to the same server: traffic is back, its check still fails.
        assertThat(promote.exitCode()).as(shown(promote)).isEqualTo(4);
        assertThat(echo.getAllServeEvents()).isNotEmpty();
        assertNothingLeaked(smoke, promote);
    }

    // ---- support -----------------------------------------------------------------------------------------------

    private void armStub(MappingBuilder mapping) {
        armStubs.add(world.arm.server.stubFor(mapping));
    }

    @Override
    void searchMore(Exposure exposure) {
        if (echo != null) {
            exposure.requests("the smoke-check server", echo.findAll(anyRequestedFor(anyUrl())), null);
        }
    }

    /** An answer whose body is a template over the request ({@code {{{request.headers.Authorization}}}}). */
    private static ResponseDefinitionBuilder echoing(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json; charset=utf-8")
                .withBody(body).withTransformers("response-template");
    }

    private static String armError(String code, String message) {
        return "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}";
    }
}
