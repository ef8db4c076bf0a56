package io.releasepipeline.cli.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.releasepipeline.azure.ArmStandIn;
import io.releasepipeline.azure.ArmStub;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.testkit.local.LoadGenerator;
import io.releasepipeline.testkit.local.RevisionServer;
import io.releasepipeline.testkit.local.WeightedRouter;
import io.releasepipeline.time.ReleaseClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * Everything the packaged CLI talks to, on 127.0.0.1, speaking the real protocols:
 * <ul>
 * <li>Azure Resource Manager, Azure Monitor metrics and the Alerts Management API: release-azure's stateful
 * {@link ArmStandIn} over HTTPS with a certificate made for the test ({@link TestCertificate}), trusted by the child
 * through {@code -Djavax.net.ssl.trustStore};</li>
 * <li>GitHub's REST API: {@link GitHubStandIn} on plain http to loopback (which the CLI allows);</li>
 * <li>the app: each revision a real HTTP server ({@link RevisionServer}) behind a {@link WeightedRouter} that follows
 * the stand-in's traffic list as PATCHes change it, with steady load through it; Azure Monitor's {@code Requests}
 * metric is the router's own count of what each revision served;</li>
 * <li>tokens: an Azure access token (a JWT for the stand-in's audience, valid an hour) and a GitHub token, given to the
 * child in environment variables only.</li>
 * </ul>
 * The servers live as long as the world (one per test class); {@link #begin(Path)} and {@link #end()} frame each test
 * and stop its revision servers, router, load and child processes, even when the test failed. Not thread-safe: one
 * test at a time.
 */
final class ProductionWorld implements AutoCloseable {

    static final String APP = ArmStub.APP;
    static final String OLDEST = APP + "--r0";
    static final String STABLE = APP + "--r1";
    static final String NEW = APP + "--r2";
    static final int PR = 123;
    static final String AZURE_TOKEN_VARIABLE = "AZURE_ACCESS_TOKEN";
    static final String GITHUB_TOKEN_VARIABLE = "GITHUB_TOKEN";
    static final Duration RUN_TIMEOUT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    final TestCertificate tls = TestCertificate.get();
    final ArmStandIn standIn = new ArmStandIn();
    final ArmStub arm = standIn.serve(tls.keystore, TestCertificate.PASSWORD);
    final GitHubStandIn github = new GitHubStandIn();

    Path dir;
    String azureToken;
    String githubToken;
    private final Map<String, RevisionServer> revisions = new ConcurrentHashMap<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final List<String> secrets = new CopyOnWriteArrayList<>();
    private final List<ReleaseProcess> processes = new CopyOnWriteArrayList<>();
    private final Map<String, String> sections = new LinkedHashMap<>();
    private volatile WeightedRouter router;
    private LoadGenerator load;
    private volatile java.util.function.Consumer<LoggedRequest> armRequestListener;

    /** Starts the stand-ins (once per test class). */
    ProductionWorld() {
        // Runs after each response is sent: what it changes, the next request sees.
        arm.server.addMockServiceRequestListener((request, response) -> {
            java.util.function.Consumer<LoggedRequest> listener = armRequestListener;
            if (listener != null) {
                listener.accept(LoggedRequest.createFrom(request));
            }
        });
    }

    /** Starts a test: fresh stand-ins, fresh tokens, the default config sections, the working directory. */
    void begin(Path directory) {
        dir = directory;
        arm.server.resetRequests();
        armRequestListener = null;
        standIn.reset().asyncPatches(true);
        standIn.onTrafficChange(this::follow);
        standIn.requestCounts((revision, from, to) -> router == null ? new long[2]
                : router.counts(revision, from, to));
        github.reset();
        azureToken = jwt(arm.base() + "/", Instant.now().plus(Duration.ofHours(1)));
        githubToken = "ghp_" + UUID.randomUUID().toString().replace("-", "");
        environment.clear();
        secrets.clear();
        environment.put(AZURE_TOKEN_VARIABLE, azureToken);
        environment.put(GITHUB_TOKEN_VARIABLE, githubToken);
        secret(azureToken);
        secret(githubToken);
        defaultSections();
        // The stable revision went out hours ago: the stability gate has a history to judge (an empty one fails it).
        io.releasepipeline.evidence.file.FileEvidenceStore.of(directory.resolve(
                io.releasepipeline.evidence.file.FileEvidenceStore.DEFAULT_ROOT)).write(
                io.releasepipeline.testkit.FakeEvidenceStore.promotedRecord(APP, "pr100-previous", STABLE,
                        Instant.now().minus(Duration.ofHours(3))));
    }

    /**
     * Ends a test: kills its child processes, stops the load, the router and every revision server; each is
     * stopped even if stopping another failed.
     */
    void end() {
        List<Runnable> stops = new ArrayList<>();
        processes.forEach(p -> stops.add(p::close));
        LoadGenerator l = load;
        WeightedRouter r = router;
        if (l != null) {
            stops.add(l::close);
        }
        if (r != null) {
            stops.add(r::close);
        }
        revisions.values().forEach(server -> stops.add(server::close));
        processes.clear();
        load = null;
        router = null;
        revisions.clear();
        RuntimeException first = null;
        for (Runnable stop : stops) {
            try {
                stop.run();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Ends the test in progress, if any, and stops the stand-ins. */
    @Override
    public void close() {
        try {
            end();
        } finally {
            try {
                github.close();
            } finally {
                arm.close();
            }
        }
    }

    // ---- the app ------------------------------------------------------------------------------------------------

    /** A revision that existed before the test, created {@code age} ago, with its server. */
    ProductionWorld revision(String name, Duration age, boolean active, RevisionServer.Behaviour behaviour) {
        revisions.put(name, new RevisionServer(name, behaviour));
        standIn.revision(name, Instant.now().minus(age), active);
        return this;
    }

    /** {@code name} serves all traffic (the router follows). */
    ProductionWorld serving(String name) {
        standIn.serving(name);
        return this;
    }

    /** The usual production: {@link #STABLE}, healthy, serves everything; {@code perSecond} requests through it. */
    ProductionWorld stableApp(int perSecond) {
        revision(STABLE, Duration.ofDays(1), true, RevisionServer.Behaviour.HEALTHY).serving(STABLE);
        load = new LoadGenerator(router.url() + "/v1/quotes", perSecond, Long.MAX_VALUE);
        return this;
    }

    /** The app's revision server, to change how it answers. */
    RevisionServer server(String name) {
        return revisions.get(name);
    }

    /**
     * A successful merge deploys {@link #NEW}, behaving like {@code behaviour}: its server starts, and Resource
     * Manager lists it, provisioned, active at 0% (Multiple revision mode), created from the merge commit's image.
     */
    ProductionWorld mergeDeploys(RevisionServer.Behaviour behaviour) {
        github.onMerge(() -> {
            revisions.computeIfAbsent(NEW, n -> new RevisionServer(n, behaviour));
            standIn.deploy(NEW, Instant.now(), "acr.example.io/backend:" + GitHubStandIn.MERGE_SHA);
        });
        return this;
    }

    /**
     * An Azure Monitor alert rule on the app fires while {@code revision} serves: once it has traffic, the first time
     * the release polls the Alerts Management API (its observation has started), the alert fires, so the release's
     * next poll finds it Fired and New.
     */
    ProductionWorld alertFiresWhileServing(String revision, String rule) {
        return alertFiresWhileServing(revision, rule, "5xx above 2% on " + ArmStub.APP);
    }

    /**
     * As {@link #alertFiresWhileServing(String, String)}, with the alert's {@code description}. The stand-in writes
     * both into its JSON as they are: give them JSON-escaped for text that needs it.
     */
    ProductionWorld alertFiresWhileServing(String revision, String rule, String description) {
        java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean(true);
        armRequestListener = request -> {
            if (request.getUrl().startsWith(ArmStandIn.ALERTS_PATH)
                    && standIn.traffic().getOrDefault(revision, 0) > 0 && armed.getAndSet(false)) {
                standIn.fireAlert(rule, "Sev1", description);
            }
        };
        return this;
    }

    /** What the router counted for {@code revision} in {@code [from, to)}: {requests, 5xx}; zeros before any traffic. */
    long[] served(String revision, Instant from, Instant to) {
        WeightedRouter r = router;
        return r == null ? new long[2] : r.counts(revision, from, to);
    }

    /** The app's URL: the router. */
    String appUrl() {
        return router.url();
    }

    private void follow(Map<String, Integer> split) {
        Map<String, Integer> serving = split.entrySet().stream().filter(e -> e.getValue() > 0)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        TrafficWeights weights = new TrafficWeights(serving);
        if (router == null) {
            router = new WeightedRouter(weights, name -> revisions.get(name).url(), ReleaseClock.system());
        } else {
            router.weights(weights);
        }
    }

    // ---- release.yaml -------------------------------------------------------------------------------------------

    /** Puts every section of release.yaml back to the test default. */
    void defaultSections() {
        sections.clear();
        sections.put("app", """
                app:
                  subscription: %s
                  resourceGroup: %s
                  name: %s
                """.formatted(ArmStub.SUBSCRIPTION, ArmStub.GROUP, APP));
        sections.put("azure", """
                azure:
                  endpoint: %s
                  credential:
                    type: environment
                    tokenVariable: %s
                  pollInterval: 200ms
                """.formatted(arm.base(), AZURE_TOKEN_VARIABLE));
        sections.put("github", """
                github:
                  repository: %s
                  apiUrl: %s
                  tokenVariable: %s
                  minWriteInterval: 100ms
                  requestTimeout: 5s
                """.formatted(GitHubStandIn.REPO, github.baseUrl(), GITHUB_TOKEN_VARIABLE));
        sections.put("gates", """
                gates:
                  stableFor: 0s
                """);
        sections.put("smoke", """
                smoke:
                  baseUrl: ${APP_URL}
                  endpoints: [/health, /v1/quotes]
                  samples: 1
                  latencySlo: 1500ms
                  requestTimeout: 2s
                """);
        sections.put("rollback", """
                rollback:
                  smoke:
                    failingFor: 3s
                    interval: 500ms
                  health:
                    downFor: 1500ms
                    interval: 250ms
                    timeout: 1s
                  errorRate:
                    window: 2s
                    interval: 500ms
                    minimumRequests: 5
                    noData: hold
                    holdLimit: 3s
                  recovery:
                    timeout: 5s
                """);
        sections.put("traffic", """
                traffic:
                  steps: [100]
                """);
        sections.put("observation", """
                observation:
                  window: 2s
                """);
        sections.put("polling", """
                polling:
                  deployRunInterval: 200ms
                  deployTimeout: 20s
                  revisionInterval: 200ms
                  revisionReadyTimeout: 20s
                """);
    }

    /** Replaces the top-level section {@code key} of release.yaml with {@code yaml} (which starts with the key). */
    ProductionWorld section(String key, String yaml) {
        sections.put(key, yaml);
        return this;
    }

    /** Writes release.yaml in the working directory, with the app's URL filled in, and returns it. */
    Path writeConfig() {
        String yaml = String.join("", sections.values()).replace("${APP_URL}", router == null ? "http://127.0.0.1:9"
                : router.url());
        try {
            return Files.writeString(dir.resolve("release.yaml"), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- tokens -------------------------------------------------------------------------------------------------

    /** Sets an environment variable of the child; {@code secret} values are checked never to be printed. */
    ProductionWorld env(String name, String value, boolean secret) {
        environment.put(name, value);
        if (secret) {
            secret(value);
        }
        return this;
    }

    /** Removes an environment variable of the child. */
    ProductionWorld unset(String name) {
        environment.remove(name);
        return this;
    }

    private void secret(String value) {
        secrets.add(value);
        String[] parts = value.split("\\.");
        if (parts.length == 3) {
            secrets.add(parts[2]);
        }
    }

    /**
     * An Azure AD access token's shape: a JWT for {@code audience}, expiring at {@code expires}, with a random
     * signature (nothing here checks signatures).
     */
    static String jwt(String audience, Instant expires) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
        String header = "{\"typ\":\"JWT\",\"alg\":\"RS256\",\"kid\":\"stand-in\"}";
        String claims = JSON.createObjectNode().put("aud", audience)
                .put("iss", "https://sts.windows.net/" + tenant + "/")
                .put("iat", expires.minus(Duration.ofHours(1)).getEpochSecond())
                .put("nbf", expires.minus(Duration.ofHours(1)).getEpochSecond())
                .put("exp", expires.getEpochSecond()).put("appid", "04b07795-8ddb-461a-bbee-02f9e1bf7b46")
                .put("oid", UUID.randomUUID().toString()).put("tid", tenant).toString();
        byte[] signature = new byte[256];
        RANDOM.nextBytes(signature);
        return b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + b64.encodeToString(signature);
    }

    // ---- running the CLI ----------------------------------------------------------------------------------------

    /** Starts {@code release ARGS} from the packaged jar in the working directory, config written first. */
    ReleaseProcess start(String... args) {
        return start(List.of(), args);
    }

    /**
     * Starts {@code release ARGS} as {@link #start(String...)} does, with {@code jvmOptions} besides the trust of the
     * test certificate (e.g. a log level a user would set with {@code -D}).
     */
    ReleaseProcess start(List<String> jvmOptions, String... args) {
        writeConfig();
        List<String> options = new ArrayList<>(tls.trustOptions());
        options.addAll(jvmOptions);
        ReleaseProcess p = ReleaseProcess.start(dir, environment, options, args);
        processes.add(p);
        return p;
    }

    /**
     * Runs {@code release ARGS} to its end and returns what it printed; asserts that no token was printed and that
     * no token went to a service it is not for.
     */
    ReleaseProcess.Run run(String... args) {
        return checked(start(args).await(RUN_TIMEOUT));
    }

    /** Asserts about a finished run what {@link #run} asserts. */
    ReleaseProcess.Run checked(ReleaseProcess.Run run) {
        for (String secret : secrets) {
            assertThat(run.out() + run.err()).as("a token printed by the CLI").doesNotContain(secret);
        }
        assertTokensStayedHome();
        return run;
    }

    /** The Azure token went only to Azure, the GitHub token only to GitHub. */
    void assertTokensStayedHome() {
        for (LoggedRequest r : arm.requests()) {
            assertThat(String.valueOf(r.getHeader("Authorization"))).as("Authorization of " + r.getUrl())
                    .doesNotContain(githubToken);
        }
        for (LoggedRequest r : github.requests()) {
            assertThat(String.valueOf(r.getHeader("Authorization"))).as("Authorization of " + r.getUrl())
                    .doesNotContain(azureToken).isEqualTo("Bearer " + githubToken);
        }
    }

    // ---- what Azure was asked -----------------------------------------------------------------------------------

    /** Every Resource Manager request, as {@code METHOD path-below-the-app}. */
    List<String> armRequests() {
        return arm.requestLines();
    }

    /** Resource Manager requests that change something (anything but GET). */
    List<String> armWrites() {
        return arm.requestLines().stream().filter(l -> !l.startsWith("GET ")).toList();
    }

    /** The traffic lists PATCHed, in order, each as revision to weight. */
    List<Map<String, Integer>> patchedTraffic() {
        List<Map<String, Integer>> patches = new ArrayList<>();
        for (LoggedRequest r : arm.requests()) {
            if (r.getMethod().getName().equals("PATCH")) {
                Map<String, Integer> split = new LinkedHashMap<>();
                body(r).path("properties").path("configuration").path("ingress").path("traffic")
                        .forEach(e -> split.put(e.path("revisionName").asText(), e.path("weight").asInt()));
                patches.add(split);
            }
        }
        return patches;
    }

    /** A request's body (one a stand-in received), parsed as JSON. */
    static JsonNode body(LoggedRequest request) {
        try {
            return JSON.readTree(request.getBodyAsString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A split, in the order given. */
    static Map<String, Integer> split(Object... revisionAndWeight) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < revisionAndWeight.length; i += 2) {
            m.put((String) revisionAndWeight[i], (Integer) revisionAndWeight[i + 1]);
        }
        return m;
    }

    /** Parses a run's JSON output. */
    static JsonNode json(ReleaseProcess.Run run) {
        try {
            return JSON.readTree(run.out());
        } catch (IOException e) {
            throw new AssertionError("not JSON:\n" + run, e);
        }
    }
}
