package io.releasepipeline.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.releasepipeline.cli.config.CliConfig;
import io.releasepipeline.cli.demo.GitHubPayloads;
import io.releasepipeline.evidence.EvidenceStore;
import io.releasepipeline.evidence.file.FileEvidenceStore;
import io.releasepipeline.spi.CiProvider;
import io.releasepipeline.spi.HealthSignalProvider;
import io.releasepipeline.spi.IncidentProvider;
import io.releasepipeline.spi.PlatformProvider;
import io.releasepipeline.testkit.FakeEvidenceStore;
import io.releasepipeline.testkit.local.LocalHealthSignals;
import io.releasepipeline.testkit.local.LocalPlatform;
import io.releasepipeline.testkit.local.RevisionServer;
import io.releasepipeline.time.ReleaseClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CLI's test world: the app is a {@link LocalPlatform} on 127.0.0.1 (real HTTP revision servers behind a
 * weighted router; the error rate from the router's counters), GitHub is WireMock on 127.0.0.1 answering the REST
 * calls the real {@code GitHubCiProvider} makes, and evidence is files in a temporary directory. A merge on the
 * WireMock GitHub starts the next revision on the platform, as a deploy would. Timings in {@link #yaml()} are the
 * runbook's scaled down so a promotion takes about two seconds. Close it to stop everything.
 */
final class CliWorld implements AutoCloseable {

    static final String APP = "backend";
    static final String REPO = GitHubPayloads.REPO;
    static final String API = "/repos/" + REPO;
    static final String TOKEN = "ghp_cliTestTokenThatMustNeverBePrinted0001";
    static final String HEAD_SHA = GitHubPayloads.HEAD_SHA;
    static final String MERGE_SHA = GitHubPayloads.MERGE_SHA;
    static final int PR = 123;
    private static final ObjectMapper JSON = new ObjectMapper();

    final WireMockServer github = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").jettyAcceptors(1)
            .jettyStopTimeout(0L));
    final LocalPlatform platform = new LocalPlatform(APP, ReleaseClock.system());
    final Path dir;
    final Path evidenceDir;
    final FileEvidenceStore evidence;
    private final Deque<RevisionServer.Behaviour> nextDeploys = new ArrayDeque<>();
    private int revisions = 1;
    private String extraYaml = "";
    private String githubYaml = "";
    private volatile boolean mergesDeploy = true;

    /** The runbook's deploy workflow, as {@code GET .../contents/.github/workflows/backend-deploy.yml} serves it. */
    static final String DEPLOY_WORKFLOW = GitHubPayloads.DEPLOY_WORKFLOW;
    private Optional<PlatformView.Look> platformLook = Optional.empty();

    CliWorld(Path dir) {
        this.dir = dir;
        this.evidenceDir = dir.resolve("evidence");
        this.evidence = FileEvidenceStore.of(evidenceDir);
        // v1 was promoted hours ago: the stability gate has a history to judge (an empty one fails it).
        evidence.write(FakeEvidenceStore.promotedRecord(APP, "pr100-previous", "v1",
                java.time.Instant.now().minus(java.time.Duration.ofHours(3))));
        platform.startRevision("v1", RevisionServer.Behaviour.HEALTHY);
        github.start();
        github.addMockServiceRequestListener((request, response) -> {
            if (request.getUrl().endsWith("/merge") && response.getStatus() == 200 && mergesDeploy) {
                RevisionServer.Behaviour b;
                synchronized (nextDeploys) {
                    b = nextDeploys.isEmpty() ? RevisionServer.Behaviour.HEALTHY : nextDeploys.poll();
                }
                platform.startRevision("v" + (++revisions), b);
            }
        });
        noIncidents();
        deploymentRecords();
    }

    /** The next merge's revision will behave like this. */
    CliWorld nextDeployBehaves(RevisionServer.Behaviour behaviour) {
        synchronized (nextDeploys) {
            nextDeploys.add(behaviour);
        }
        return this;
    }

    /** Extra keys for the config's {@code github:} section, each line indented two spaces. */
    CliWorld withGitHubYaml(String lines) {
        this.githubYaml = lines;
        return this;
    }

    /** The CLI sees the platform with this look (e.g. Single revision mode, a refused token). */
    CliWorld platformLooks(PlatformView.Look look) {
        this.platformLook = Optional.of(look);
        return this;
    }

    /** Extra YAML appended to the config (e.g. a section the test changes). */
    CliWorld withYaml(String yaml) {
        this.extraYaml = yaml;
        return this;
    }

    /** The config: the runbook scaled down about a hundredfold, GitHub on WireMock, evidence in the temp dir. */
    String yaml() {
        return """
                app:
                  subscription: 00000000-0000-0000-0000-000000000000
                  resourceGroup: trade-nexus
                  name: %s
                github:
                  repository: %s
                  apiUrl: %s
                  tokenVariable: CLI_TEST_GITHUB_TOKEN
                  minWriteInterval: 0s
                  requestTimeout: 5s
                %s
                gates:
                  stableFor: 0s
                smoke:
                  baseUrl: %s
                  targetRevisionUrl: true
                  endpoints: [/health, /v1/quotes]
                  samples: 1
                  latencySlo: 500ms
                  requestTimeout: 2s
                observation:
                  window: 800ms
                polling:
                  deployRunInterval: 50ms
                  deployTimeout: 5s
                  revisionInterval: 50ms
                  revisionReadyTimeout: 5s
                evidence:
                  directory: %s
                """.formatted(APP, REPO, github.baseUrl(), githubYaml, platform.url(),
                evidenceDir.toString().replace('\\', '/'))
                + rollbackYaml() + extraYaml;
    }

    private String rollbackYaml() {
        return extraYaml.contains("rollback:") ? "" : """
                rollback:
                  smoke:
                    failingFor: 600ms
                    interval: 200ms
                  health:
                    downFor: 400ms
                    interval: 100ms
                    timeout: 500ms
                  errorRate:
                    window: 1s
                    interval: 300ms
                    minimumRequests: 10
                    noData: ignore
                """;
    }

    /** Writes the config and returns its path. */
    Path config() {
        return write("release.yaml", yaml());
    }

    Path write(String name, String content) {
        try {
            Path file = dir.resolve(name);
            Files.writeString(file, content);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the CLI in-process with this world's providers; stdout and stderr captured. */
    Run run(String... args) {
        return execute(new LocalProviders(), args);
    }

    /**
     * Runs the CLI in-process with the production provider factory, as the jar runs it (for commands that need no
     * cloud: demo, backtest, help, usage errors); stdout and stderr captured.
     */
    static Run runProduction(String... args) {
        return execute(new CloudProviderFactory(), args);
    }

    private static Run execute(ProviderFactory providers, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = ReleaseCli.execute(o, e, providers, args);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * Runs the CLI in-process with {@code environment} as the process environment (nothing else is visible) and
     * {@code signals} receiving the termination hooks commands register.
     */
    Run run(Map<String, String> environment, CliContext.Signals signals, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            LocalProviders providers = new LocalProviders();
            code = ReleaseCli.execute(new CliContext(o, e, () -> providers, false, environment::get, signals), args);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Forgets every release on record (as a runner's fresh disk would): the evidence directory is emptied. */
    CliWorld withoutHistory() {
        try (java.util.stream.Stream<Path> files = Files.walk(evidenceDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).filter(p -> !p.equals(evidenceDir)).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** What a CLI run printed and returned. */
    record Run(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /**
     * The test wiring: the local platform and its error rate, the real GitHub providers (built by the production
     * factory) against WireMock, the production evidence wiring (files).
     */
    final class LocalProviders implements ProviderFactory {
        private final CloudProviderFactory cloud = new CloudProviderFactory(
                Map.of("CLI_TEST_GITHUB_TOKEN", TOKEN)::get, Optional.empty());

        @Override
        public PlatformProvider platform(CliConfig config) {
            return platformLook.<PlatformProvider>map(look -> new PlatformView(platform, look)).orElse(platform);
        }

        @Override
        public CiProvider ci(CliConfig config) {
            return cloud.ci(config);
        }

        @Override
        public IncidentProvider incidents(CliConfig config) {
            return cloud.incidents(config);
        }

        @Override
        public HealthSignalProvider healthSignals(CliConfig config) {
            return new LocalHealthSignals(platform);
        }

        @Override
        public EvidenceStore evidence(CliConfig config) {
            return cloud.evidence(config);
        }

        @Override
        public io.releasepipeline.github.GitHubTriggerChecks triggerChecks(CliConfig config) {
            return cloud.triggerChecks(config);
        }

        @Override
        public io.releasepipeline.hook.ReleaseHook workflowHook(CliConfig config, CliConfig.Hook hook) {
            return cloud.workflowHook(config, hook);
        }
    }

    // ---- GitHub ------------------------------------------------------------------------------------------------

    /**
     * Pull request {@code number}: open and mergeable at {@link #HEAD_SHA}, approved by alice (write permission; a
     * later {@link #collaborator} call for alice replaces it), the runbook's four
     * checks passed, breaking changes documented; merging it pinned to the head answers 200 and reads merged
     * afterwards; the deploy workflow's run for the merge commit completes with {@code deployConclusion}.
     */
    CliWorld mergeablePullRequest(int number, String deployConclusion) {
        return pullRequest(number, List.of("lint", "typecheck", "tests", "contract-governance"), "APPROVED",
                deployConclusion);
    }

    CliWorld pullRequest(int number, List<String> passingChecks, String review, String deployConclusion) {
        String scenario = "pr" + number;
        String pr = API + "/pulls/" + number;
        github.stubFor(get(urlPathEqualTo(pr)).inScenario(scenario).whenScenarioStateIs(STARTED)
                .willReturn(json(200, GitHubPayloads.pullRequest(number, false))));
        github.stubFor(get(urlPathEqualTo(pr)).inScenario(scenario).whenScenarioStateIs("merged")
                .willReturn(json(200, GitHubPayloads.pullRequest(number, true))));
        github.stubFor(put(urlPathEqualTo(pr + "/merge")).inScenario(scenario).whenScenarioStateIs(STARTED)
                .withRequestBody(matchingJsonPath("$.sha", equalTo(HEAD_SHA)))
                .willReturn(json(200, Map.of("sha", MERGE_SHA, "merged", true, "message", "merged")))
                .willSetStateTo("merged"));
        github.stubFor(get(urlPathEqualTo(pr + "/reviews")).willReturn(json(200, List.of(Map.of("id", 80,
                "user", Map.of("login", "alice", "id", 1), "state", review, "commit_id", HEAD_SHA,
                "submitted_at", "2026-01-05T08:00:00Z")))));
        collaborator("alice", "write", "write");
        List<Map<String, Object>> runs = passingChecks.stream().<Map<String, Object>>map(name -> Map.of("id",
                name.hashCode(), "name", name, "head_sha", HEAD_SHA, "status", "completed", "conclusion", "success"))
                .toList();
        github.stubFor(get(urlPathEqualTo(API + "/commits/" + HEAD_SHA + "/check-runs"))
                .willReturn(json(200, Map.of("total_count", runs.size(), "check_runs", runs))));
        github.stubFor(get(urlPathEqualTo(API + "/commits/" + HEAD_SHA + "/status"))
                .willReturn(json(200, Map.of("state", "pending", "statuses", List.of(), "total_count", 0))));
        Map<String, Object> run = Map.of("id", 30433642, "name", "Backend deploy", "head_sha", MERGE_SHA,
                "head_branch", "main", "event", "push", "status", "completed", "conclusion", deployConclusion,
                "html_url", "https://github.com/" + REPO + "/actions/runs/30433642",
                "created_at", "2026-01-05T09:00:30Z", "updated_at", "2026-01-05T09:03:30Z");
        github.stubFor(get(urlPathEqualTo(API + "/actions/workflows/backend-deploy.yml/runs"))
                .willReturn(json(200, Map.of("total_count", 1, "workflow_runs", List.of(run)))));
        github.stubFor(get(urlPathEqualTo(API + "/actions/runs/30433642")).willReturn(json(200, run)));
        changes(number, "backend/app/quotes.py", "docs/quotes.md");
        deployWorkflow(DEPLOY_WORKFLOW);
        return this;
    }

    /**
     * The files pull request {@code number} changes, as {@code GET .../pulls/{n}/files} lists them. When none is
     * under {@code backend/}, its merge starts no deploy run and so no new revision, as on GitHub with
     * {@link #DEPLOY_WORKFLOW}.
     */
    CliWorld changes(int number, String... files) {
        List<Map<String, Object>> entries = java.util.Arrays.stream(files).map(GitHubPayloads::changedFile).toList();
        github.stubFor(get(urlPathEqualTo(API + "/pulls/" + number + "/files")).willReturn(json(200, entries)));
        mergesDeploy = java.util.Arrays.stream(files).anyMatch(f -> f.startsWith("backend/"));
        return this;
    }

    /** The deploy workflow file on any ref, base64-encoded as the contents API answers. */
    CliWorld deployWorkflow(String yaml) {
        github.stubFor(get(urlPathEqualTo(API + "/contents/" + GitHubPayloads.DEPLOY_WORKFLOW_PATH))
                .willReturn(json(200, GitHubPayloads.workflowFile(yaml))));
        return this;
    }

    /** GitHub has no deploy workflow file: its contents API answers 404, as GitHub does. */
    CliWorld noDeployWorkflow() {
        github.stubFor(get(urlPathEqualTo(API + "/contents/.github/workflows/backend-deploy.yml"))
                .willReturn(json(404, Map.of("message", "Not Found", "documentation_url",
                        "https://docs.github.com/rest/repos/contents#get-repository-content", "status", "404"))));
        return this;
    }

    /**
     * Pull request {@code number} as {@link #mergeablePullRequest}, but merged in GitHub's UI before any release:
     * it reads merged at {@link #MERGE_SHA}, the deploy run succeeded and already created the next revision (at 0%),
     * GitHub maps the merge commit back to it, and a merge call would fail the test (no stub answers it).
     */
    CliWorld mergedPullRequest(int number) {
        mergeablePullRequest(number, "success");
        String pr = API + "/pulls/" + number;
        github.stubFor(get(urlPathEqualTo(pr)).atPriority(1).willReturn(json(200, GitHubPayloads.pullRequest(number, true))));
        github.stubFor(put(urlPathEqualTo(pr + "/merge")).atPriority(1).willReturn(json(500, Map.of("message",
                "the test forbids merging a pull request merged before the release"))));
        commitOfPullRequest(MERGE_SHA, number);
        RevisionServer.Behaviour b;
        synchronized (nextDeploys) {
            b = nextDeploys.isEmpty() ? RevisionServer.Behaviour.HEALTHY : nextDeploys.poll();
        }
        platform.startRevision("v" + (++revisions), b);
        return this;
    }

    /** GitHub maps {@code sha} to merged pull request {@code number} (GET /commits/{sha}/pulls). */
    CliWorld commitOfPullRequest(String sha, int number) {
        Map<String, Object> pr = new java.util.LinkedHashMap<>(GitHubPayloads.pullRequest(number, true));
        pr.put("merged_at", "2026-01-05T09:00:05Z");
        github.stubFor(get(urlPathEqualTo(API + "/commits/" + sha + "/pulls")).willReturn(json(200, List.of(pr))));
        return this;
    }

    /** GitHub knows no pull request for {@code sha}: a direct push. */
    CliWorld commitWithoutPullRequest(String sha) {
        github.stubFor(get(urlPathEqualTo(API + "/commits/" + sha + "/pulls")).willReturn(json(200, List.of())));
        return this;
    }

    /**
     * {@code login}'s permission on the repository, as GET /collaborators/{login}/permission answers it: the legacy
     * {@code permission} (admin, write, read, none) and the assigned {@code role_name}.
     */
    CliWorld collaborator(String login, String permission, String roleName) {
        github.stubFor(get(urlPathEqualTo(API + "/collaborators/" + login + "/permission")).willReturn(json(200,
                Map.of("permission", permission, "role_name", roleName, "user", Map.of("login", login, "id", 9,
                        "type", "User")))));
        return this;
    }


    private void noIncidents() {
        github.stubFor(get(urlPathEqualTo(API + "/issues")).willReturn(json(200, List.of())));
    }

    /** An open issue labelled {@code label}: an incident. */
    CliWorld openIncident(String label) {
        github.stubFor(get(urlPathEqualTo(API + "/issues")).withQueryParam("labels", equalTo(label))
                .willReturn(json(200, List.of(Map.of("id", 1, "number", 77, "title", "Checkout is down",
                        "state", "open", "html_url", "https://github.com/" + REPO + "/issues/77",
                        "labels", List.of(Map.of("name", label)), "created_at", "2026-01-05T07:00:00Z")))));
        return this;
    }

    private void deploymentRecords() {
        github.stubFor(post(urlPathMatching(API + "/issues/\\d+/comments")).willReturn(json(201, Map.of("id", 1))));
        github.stubFor(get(urlPathEqualTo(API + "/deployments")).willReturn(json(200, List.of())));
        github.stubFor(post(urlPathEqualTo(API + "/deployments")).willReturn(json(201, Map.of("id", 1))));
        github.stubFor(post(urlPathEqualTo(API + "/deployments/1/statuses")).willReturn(json(201, Map.of("id", 1))));
    }

    /** How many requests WireMock served that match a method and a path pattern. */
    long served(String method, String pathRegex) {
        return github.getAllServeEvents().stream().filter(e -> e.getRequest().getMethod().getName().equals(method)
                && e.getRequest().getUrl().replaceAll("\\?.*", "").matches(pathRegex)).count();
    }

    private static ResponseDefinitionBuilder json(int status, Object body) {
        try {
            return aResponse().withStatus(status).withHeader("Content-Type", "application/json; charset=utf-8")
                    .withBody(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        github.stop();
        platform.close();
    }
}
