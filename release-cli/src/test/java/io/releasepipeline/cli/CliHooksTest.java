package io.releasepipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.releasepipeline.ReleaseConfig;
import io.releasepipeline.cli.config.CliConfig;
import io.releasepipeline.cli.config.ConfigReader;
import io.releasepipeline.cli.hook.CommandHook;
import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.github.GitHubWorkflowHook;
import io.releasepipeline.hook.HookContext;
import io.releasepipeline.hook.HookPoint;
import io.releasepipeline.hook.HookResult;
import io.releasepipeline.hook.ReleaseHook;
import io.releasepipeline.hook.WebhookHook;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code hooks:} section of {@code release.yaml}: what it reads, every problem at once with exit 64 before any
 * side effect, and the production wiring putting each configured hook on the pipeline (the real providers against
 * the CLI's WireMock GitHub, a webhook that a receiver on 127.0.0.1 verifies).
 */
class CliHooksTest {

    private static final String SECRET_VARIABLE = "CLI_TEST_WEBHOOK_SECRET";
    private static final String SECRET = "cli-test-webhook-secret-0123456789";

    @TempDir
    Path dir;

    private CliWorld world;
    private HttpServer receiver;
    private final List<Boolean> signaturesValid = new CopyOnWriteArrayList<>();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    /** What the receiver answers: empty for 204, else a 403 with this JSON body. */
    private volatile String veto = "";

    @BeforeEach
    void start() throws IOException {
        world = new CliWorld(dir);
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            signaturesValid.add(valid(body, exchange.getRequestHeaders().getFirst("X-Release-Signature-256")));
            bodies.add(new String(body, StandardCharsets.UTF_8));
            byte[] refusal = veto.getBytes(StandardCharsets.UTF_8);
            if (veto.isEmpty()) {
                exchange.sendResponseHeaders(204, -1);
            } else {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(403, refusal.length);
                exchange.getResponseBody().write(refusal);
            }
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
        world.close();
    }

    /** The receiver's own check with javax.crypto and the secret it shares. */
    private static boolean valid(byte[] body, String header) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
            return header != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                    header.getBytes(StandardCharsets.US_ASCII));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private String hooksYaml() {
        return """
                hooks:
                  beforeMerge:
                    - name: change-board
                      timeout: 20s
                      webhook:
                        url: http://127.0.0.1:%d/hook
                        secretVariable: %s
                        retries: 1
                  onRollback:
                    - name: page-db
                      command:
                        run: [sh, -c, "echo $RELEASE_DELIVERY_ID"]
                        directory: %s
                  migrationRollback:
                    - name: migrate-down
                      timeout: 40m
                      workflow:
                        file: migration-rollback.yml
                        inputs:
                          release_id: ${release_id}
                """.formatted(receiver.getAddress().getPort(), SECRET_VARIABLE, dir.toString().replace('\\', '/'));
    }

    private Path config(String hooks) {
        return world.withYaml(hooks).config();
    }

    @Test
    @DisplayName("each kind is read with its settings, and each kind's timeout defaults to its own")
    void readsEveryKind() {
        CliConfig config = ConfigReader.read(config(hooksYaml()));

        CliConfig.Hooks hooks = config.hooks();
        assertThat(hooks.beforeMerge()).singleElement().satisfies(h -> {
            assertThat(h.name()).isEqualTo("change-board");
            assertThat(h.timeout()).isEqualTo(Duration.ofSeconds(20));
            assertThat(h.webhook().orElseThrow().secretVariable()).isEqualTo(SECRET_VARIABLE);
            assertThat(h.webhook().orElseThrow().retries()).isEqualTo(1);
        });
        assertThat(hooks.onRollback()).singleElement().satisfies(h -> {
            assertThat(h.timeout()).isEqualTo(CommandHook.DEFAULT_TIMEOUT);
            assertThat(h.command().orElseThrow().run()).containsExactly("sh", "-c", "echo $RELEASE_DELIVERY_ID");
        });
        assertThat(hooks.migrationRollback()).singleElement().satisfies(h -> {
            assertThat(h.timeout()).isEqualTo(Duration.ofMinutes(40));
            assertThat(h.workflow().orElseThrow().ref()).isEqualTo("main");
            assertThat(h.workflow().orElseThrow().inputs()).containsExactly(Map.entry("release_id", "${release_id}"));
        });
        assertThat(hooks.afterPromotion()).isEmpty();
        assertThat(hooks.onFreeze()).isEmpty();
    }

    @Test
    @DisplayName("the README's hooks: example is valid and means what it says")
    void readmeExample() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?s)```yaml\n(hooks:\n.*?)```").matcher(readme);
        assertThat(m.find()).as("the README shows a hooks: section").isTrue();

        CliConfig.Hooks hooks = ConfigReader.read(config(m.group(1))).hooks();

        assertThat(hooks.beforeMerge()).singleElement().satisfies(h -> {
            assertThat(h.timeout()).isEqualTo(Duration.ofSeconds(30));
            assertThat(h.webhook().orElseThrow().secretVariable()).isEqualTo("RELEASE_WEBHOOK_SECRET");
        });
        assertThat(hooks.migrationRollback()).singleElement().satisfies(h -> assertThat(h.workflow().orElseThrow()
                .inputs()).containsOnlyKeys("release_id", "sha"));
        assertThat(hooks.onRollback()).singleElement().satisfies(h -> assertThat(h.command().orElseThrow().run())
                .containsExactly("./scripts/page.sh", "--severity", "high"));
    }

    @Test
    @DisplayName("--dry-run's plan names the hooks of each point and what a failure there does")
    void planNamesTheHooks() {
        java.util.List<String> plan = Plan.promotion(ConfigReader.read(config(hooksYaml())), 7);

        assertThat(plan).contains("hooks before the merge: change-board (webhook, up to 20s); one that fails vetoes "
                        + "the release",
                "on rollback, after traffic is back: hooks page-db (command, up to 10m); one that fails makes the "
                        + "outcome page-someone",
                "on rollback of a release with a database migration, once traffic is all on the previous revision: "
                        + "hooks migrate-down (workflow migration-rollback.yml, up to 40m)");
        assertThat(plan.indexOf("hooks before the merge: change-board (webhook, up to 20s); one that fails vetoes "
                + "the release")).isLessThan(plan.indexOf(plan.stream().filter(l -> l.startsWith("merge ("))
                        .findFirst().orElseThrow()));
        assertThat(plan).noneMatch(l -> l.startsWith("hooks after the promotion") || l.startsWith("on freeze"));
    }

    @Test
    @DisplayName("every hook problem is listed at once, exit 64, and a pasted secret is never echoed")
    void everyProblemAtOnce() {
        String pasted = "ghp_pastedTokenThatMustNotBeEchoed000001";
        Path file = config("""
                hooks:
                  beforeMerge:
                    - name: both-kinds
                      webhook: {url: "https://hooks.example.com/x", secretVariable: OK_NAME}
                      command: {run: [true]}
                    - name: no-kind
                    - name: pasted
                      webhook: {url: "https://hooks.example.com/x", secretVariable: %s}
                    - name: pasted-value
                      webhook: {url: "https://hooks.example.com/x", secretVariable: OK_NAME, secret: %s}
                    - name: plain-http
                      timeout: 5 minutes
                      webhook: {url: "http://hooks.example.com/x", secretVariable: OK_NAME, retries: 20}
                  onFreeze:
                    - name: wf
                      workflow: {file: .github/workflows/x.yml, inputs: {why: "${cause}"}}
                    - name: wf
                      command: {directory: /tmp}
                  onRollback: [just-a-name]
                  onRollbak: []
                """.formatted(pasted, pasted));
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = ReleaseCli.execute(new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8), new CloudProviderFactory(), "status",
                "--config", file.toString());

        String text = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text).isEqualTo(ReleaseCli.USAGE);
        assertThat(text).contains(
                "hooks.beforeMerge[0]: give exactly one of webhook, workflow or command for each hook, got webhook "
                        + "and command",
                "hooks.beforeMerge[1]: give exactly one of webhook, workflow or command for each hook, got none",
                "hooks.beforeMerge[2].webhook.secretVariable: the value of hooks.beforeMerge[2].webhook."
                        + "secretVariable looks like a secret",
                "hooks.beforeMerge[3].webhook.secret: unknown key",
                "hooks.beforeMerge[4].timeout: must be a duration",
                "hooks.beforeMerge[4].webhook.url: plain http is allowed only to a loopback host",
                "hooks.beforeMerge[4].webhook.retries: must be between 0 and 10, got 20",
                "hooks.onFreeze[0].workflow.file: must be the workflow's file name",
                "hooks.onFreeze[0].workflow.inputs.why: unknown placeholder ${cause}",
                "hooks.onFreeze[1].command.run: required",
                "hooks.onFreeze: two hooks of onFreeze are named \"wf\"",
                "hooks.onRollback: hooks.onRollback[0] must be a mapping",
                "hooks.onRollbak: unknown key; did you mean 'onRollback'?");
        assertThat(text).doesNotContain(pasted);
    }

    @Test
    @DisplayName("a duplicate name is listed with the other problems even when the first hook is invalid; a command "
            + "line given as a text is one problem saying which list to write")
    void duplicateOfAnInvalidHookAndCommandAsText() {
        Path file = config("""
                hooks:
                  beforeMerge:
                    - name: cb
                      webhook: {url: "https://hooks.example.com/x", secretVariable: OK_NAME}
                      command: {run: [echo, hi]}
                    - name: cb
                      command: {run: [echo, hi]}
                  onFreeze:
                    - name: f
                      command:
                        run: "./page.sh --high"
                """);

        assertThatThrownBy(() -> ConfigReader.read(file)).isInstanceOfSatisfying(InvalidConfigurationException.class,
                e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "hooks.beforeMerge[0]: give exactly one of webhook, workflow or command for each hook, got "
                                + "webhook and command",
                        "hooks.beforeMerge: two hooks of beforeMerge are named \"cb\" (hooks.beforeMerge[1] is the "
                                + "second); names must be unique per point: the delivery id is made of it",
                        "hooks.onFreeze[0].command.run: must be a list: the program, then each argument, e.g. "
                                + "[./page.sh, --high] (run without a shell; write [sh, -c, \"...\"] for one), got "
                                + "the text './page.sh --high'"));
    }

    @Test
    @DisplayName("production wiring: each configured hook is on the pipeline, and the wired webhook's signature verifies")
    void wiredIntoThePipeline() {
        world.mergeablePullRequest(CliWorld.PR, "success");
        CliConfig config = ConfigReader.read(config(hooksYaml()));
        Map<String, String> env = Map.of(SECRET_VARIABLE, SECRET);

        ReleaseConfig pipeline;
        try (Wiring wiring = new Wiring(config, world.new LocalProviders(), env::get)) {
            pipeline = wiring.pipeline(event -> { }).config();
        }

        ReleaseHook webhook = pipeline.hooks().at(HookPoint.BEFORE_MERGE).get(0);
        assertThat(webhook).isInstanceOf(WebhookHook.class);
        assertThat(webhook.name()).isEqualTo("change-board");
        assertThat(webhook.timeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(((WebhookHook) webhook).retries()).isEqualTo(1);
        ReleaseHook command = pipeline.hooks().at(HookPoint.ON_ROLLBACK).get(0);
        assertThat(command).isInstanceOf(CommandHook.class);
        // The command does not inherit the credentials release.yaml names.
        assertThat(((CommandHook) command).removedVariables()).contains("CLI_TEST_GITHUB_TOKEN", SECRET_VARIABLE);
        // Its per-delivery state is kept next to the journal a resume reads: in the file store's directory.
        assertThat(((CommandHook) command).stateDirectory()).isEqualTo(world.evidenceDir.resolve(".hooks"));
        assertThat(pipeline.hooks().migrationRollback()).singleElement().isInstanceOf(GitHubWorkflowHook.class)
                .satisfies(h -> assertThat(h.kind()).isEqualTo("workflow"))
                .satisfies(h -> assertThat(h.toString()).contains(CliWorld.REPO, "migration-rollback.yml@main"));

        HookResult result = webhook.run(new HookContext(HookPoint.BEFORE_MERGE, HookContext.deliveryId("pr123-1",
                HookPoint.BEFORE_MERGE, "change-board"), "pr123-1", "backend", "production", Optional.of(123),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false, Optional.empty()));
        assertThat(result.status()).as(result.summary()).isEqualTo(HookResult.Status.SUCCEEDED);
        assertThat(signaturesValid).containsExactly(true);
    }

    /** Only the before-merge webhook: the path `release promote` takes with production wiring. */
    private String beforeMergeOnly() {
        return """
                hooks:
                  beforeMerge:
                    - name: change-board
                      timeout: 20s
                      webhook:
                        url: http://127.0.0.1:%d/hook
                        secretVariable: %s
                        retries: 1
                """.formatted(receiver.getAddress().getPort(), SECRET_VARIABLE);
    }

    @Test
    @DisplayName("release promote calls the before-merge webhook once, signed, before the merge, and promotes")
    void promoteCallsTheBeforeMergeHook() {
        world.mergeablePullRequest(CliWorld.PR, "success");

        CliWorld.Run run = world.run(Map.of(SECRET_VARIABLE, SECRET), handler -> () -> { }, "promote", "--config",
                config(beforeMergeOnly()).toString(), "--pr", String.valueOf(CliWorld.PR));

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.OK);
        assertThat(signaturesValid).containsExactly(true);
        assertThat(bodies.get(0)).contains("\"point\":\"before_merge\"", "\"hook\":\"change-board\"",
                "\"pull_request\":\"" + CliWorld.PR + "\"");
        assertThat(world.served("PUT", ".*/pulls/" + CliWorld.PR + "/merge")).isEqualTo(1);
        assertThat(run.out() + run.err()).doesNotContain(SECRET);
    }

    @Test
    @DisplayName("release gates with beforeMerge hooks: 'All gates pass' says the hooks were not run and may still "
            + "veto; none called")
    void gatesSaysBeforeMergeHooksAreNotRun() throws Exception {
        world.mergeablePullRequest(CliWorld.PR, "success");
        String file = config(beforeMergeOnly()).toString();

        CliWorld.Run run = world.run(Map.of(SECRET_VARIABLE, SECRET), handler -> () -> { }, "gates", "--config",
                file, "--pr", String.valueOf(CliWorld.PR));
        CliWorld.Run json = world.run(Map.of(SECRET_VARIABLE, SECRET), handler -> () -> { }, "gates", "--config",
                file, "--pr", String.valueOf(CliWorld.PR), "--output", "json");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.OK);
        assertThat(run.out()).contains("All gates pass. Not run here (gates changes nothing): the hooks.beforeMerge "
                + "hooks change-board (webhook, up to 20s), which `release promote` calls after the gates and which "
                + "may still veto the release.");
        assertThat(new ObjectMapper().readTree(json.out()).path("beforeMergeHooksNotRun").get(0).asText())
                .isEqualTo("change-board");
        assertThat(bodies).isEmpty();
    }

    @Test
    @DisplayName("a before-merge webhook that answers 403 vetoes: exit 2, nothing merged, its reason shown")
    void beforeMergeHookVetoes() {
        world.mergeablePullRequest(CliWorld.PR, "success");
        veto = "{\"reason\": \"change freeze until Monday\"}";

        CliWorld.Run run = world.run(Map.of(SECRET_VARIABLE, SECRET), handler -> () -> { }, "promote", "--config",
                config(beforeMergeOnly()).toString(), "--pr", String.valueOf(CliWorld.PR));

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.GATES_FAILED);
        assertThat(signaturesValid).containsExactly(true);
        assertThat(run.out() + run.err()).contains("hook:change-board", "change freeze until Monday")
                .doesNotContain(SECRET);
        assertThat(world.served("PUT", ".*/merge")).isZero();
    }

    @Test
    @DisplayName("a webhook secret variable that is unset or too short: exit 64 naming it, nothing merged or changed")
    void unsetSecretIsAConfigErrorBeforeAnySideEffect() throws Exception {
        world.mergeablePullRequest(CliWorld.PR, "success");
        Path file = config(hooksYaml() + """
                  afterPromotion:
                    - name: short-secret
                      webhook: {url: "https://hooks.example.com/x", secretVariable: CLI_TEST_SHORT_SECRET}
                """);
        Map<String, String> env = new HashMap<>(Map.of("CLI_TEST_SHORT_SECRET", "tooShort"));
        List<Path> evidenceBefore = files(world.evidenceDir);

        CliWorld.Run run = world.run(env, handler -> () -> { }, "promote", "--config", file.toString(), "--pr",
                String.valueOf(CliWorld.PR), "--output", "json");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.USAGE);
        assertThat(run.err()).contains("hooks.beforeMerge[0].webhook.secretVariable: environment variable "
                + SECRET_VARIABLE + " is not set or empty",
                "hooks.afterPromotion[0].webhook.secretVariable: the value of CLI_TEST_SHORT_SECRET: must be at "
                        + "least 16 characters")
                .doesNotContain("tooShort");
        assertThat(new ObjectMapper().readTree(run.out()).path("problems")).hasSize(2);
        assertThat(world.served("PUT", ".*/merge")).isZero();
        assertThat(world.served("POST", ".*")).isZero();
        assertThat(signaturesValid).isEmpty();
        assertThat(files(world.evidenceDir)).as("no journal, lock or record was written").isEqualTo(evidenceBefore);
    }

    private static List<Path> files(Path root) throws IOException {
        try (java.util.stream.Stream<Path> s = Files.walk(root)) {
            return s.sorted().toList();
        }
    }

    @Test
    @DisplayName("a provider setup that cannot dispatch workflows says so for a workflow hook (exit 64)")
    void workflowHookNeedsAProvider() {
        CliConfig config = ConfigReader.read(config(hooksYaml()));
        ProviderFactory without = new ProviderFactory() {
            private final CliWorld.LocalProviders local = world.new LocalProviders();

            @Override
            public io.releasepipeline.spi.PlatformProvider platform(CliConfig c) {
                return local.platform(c);
            }

            @Override
            public io.releasepipeline.spi.CiProvider ci(CliConfig c) {
                return local.ci(c);
            }

            @Override
            public io.releasepipeline.spi.IncidentProvider incidents(CliConfig c) {
                return local.incidents(c);
            }

            @Override
            public io.releasepipeline.spi.HealthSignalProvider healthSignals(CliConfig c) {
                return local.healthSignals(c);
            }

            @Override
            public io.releasepipeline.evidence.EvidenceStore evidence(CliConfig c) {
                return local.evidence(c);
            }
        };

        try (Wiring wiring = new Wiring(config, without, Map.of(SECRET_VARIABLE, SECRET)::get)) {
            assertThatThrownBy(() -> wiring.pipeline(event -> { }))
                    .isInstanceOf(InvalidConfigurationException.class)
                    .hasMessageContaining("hooks.migrationRollback[0].workflow: this provider setup cannot dispatch");
        }
    }
}
