package io.releasepipeline.cli.readme;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.sun.net.httpserver.HttpServer;
import io.releasepipeline.ApprovalTimeoutAction;
import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.RollbackRequest;
import io.releasepipeline.RollbackResult;
import io.releasepipeline.approval.ApiApprovals;
import io.releasepipeline.azure.AzureAlertWebhook;
import io.releasepipeline.azure.AzureMonitorAlerts;
import io.releasepipeline.azure.AzureMonitorErrorRate;
import io.releasepipeline.azure.ContainerAppsPlatform;
import io.releasepipeline.evidence.EvidenceStore;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.TrafficChange;
import io.releasepipeline.evidence.file.FileEvidenceStore;
import io.releasepipeline.gate.Gates;
import io.releasepipeline.github.GitHubCiProvider;
import io.releasepipeline.github.GitHubConnection;
import io.releasepipeline.github.GitHubEnvironmentApprovals;
import io.releasepipeline.github.GitHubIncidentProvider;
import io.releasepipeline.github.TokenSource;
import io.releasepipeline.health.HealthProbe;
import io.releasepipeline.health.SmokeCheck;
import io.releasepipeline.health.http.Endpoint;
import io.releasepipeline.health.http.HttpHealthProbe;
import io.releasepipeline.health.http.HttpSmokeCheck;
import io.releasepipeline.spi.CiProvider;
import io.releasepipeline.spi.HealthSignalProvider;
import io.releasepipeline.spi.IncidentProvider;
import io.releasepipeline.spi.PlatformProvider;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.testkit.Simulation;
import io.releasepipeline.testkit.VirtualClock;
import io.releasepipeline.traffic.TrafficPlan;
import io.releasepipeline.trigger.AlertInbox;
import io.releasepipeline.trigger.TriggerVerdict;
import io.releasepipeline.trigger.Triggers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every Java snippet of README.md, as real code that compiles and runs. Each test holds one README block between
 * {@code // tag::NAME[]} and {@code // end::NAME[]} (the README marks the block {@code <!-- snippet: NAME -->});
 * {@link ReadmeJavaBlocksTest} checks that the README shows exactly that text. Around the region, each test gives
 * the snippet what it assumes exists ({@code sub}, {@code clock}, {@code chat}, ...), runs it against stand-ins on
 * 127.0.0.1 (the test kit's fakes in virtual time, WireMock for GitHub, the JDK's HTTP server for the alert webhook),
 * and asserts what the README says happens.
 *
 * <p>A line ending in {@code // readme:hidden} runs but is not shown in the README: it is used only where the README
 * elides with {@code // ... providers as above}, and to run a release on the test kit's virtual clock
 * ({@code .clock(clock)}), so that a ten-minute observation takes milliseconds. Nothing else is hidden: the Azure and
 * GitHub providers are built exactly as shown, with the SDK's default HTTP client and DefaultAzureCredential.
 */
class ReadmeSnippetsTest {

    private static final Logger log = LoggerFactory.getLogger(ReadmeSnippetsTest.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The release id (less its random tail) the README's {@code resume} example shows, and its start. */
    private static final String README_RELEASE_ID = "pr123-20261126-101500";
    private static final Instant README_RELEASE_START = Instant.parse("2026-11-26T10:15:00Z");
    private static final DateTimeFormatter RELEASE_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    @Test
    @DisplayName("quickstart: promotes pull request 123, rolls it back on its own, and resumes the README's release id")
    void quickstart() {
        Simulation sim = new Simulation();
        // The README shows "pr123-20261126-101500-k3v7qa": start the release at that moment.
        sim.clock.advance(Duration.between(sim.clock.now(), README_RELEASE_START));
        VirtualClock clock = sim.clock;
        PlatformProvider platform = sim.platform;
        CiProvider ci = sim.ci;
        EvidenceStore evidence = sim.evidence;
        IncidentProvider incidents = sim.incidents;
        HealthSignalProvider signals = sim.signals;
        SmokeCheck smoke = sim.smoke;
        HealthProbe probe = sim.probe;

        // tag::quickstart[]
        ReleasePipeline pipeline = ReleasePipeline.builder()
            .platform(platform)                       // cloud platform SPI (Azure Container Apps)
            .ci(ci)                                   // CI system SPI (GitHub)
            .evidence(evidence)                       // evidence, journal and release lock
            .incidents(incidents)                     // open SEV-1 / SEV-2 incidents
            .healthSignals(signals)                   // 5xx rate per revision (Azure Monitor)
            .gates(Gates.runbookDefaults())           // the five checklist gates
            .smokeCheck(smoke)                        // runbook step 4
            .healthProbe(probe)                       // synthetic monitoring of the health endpoint
            .rollbackTriggers(Triggers.runbookDefaults())
            .trafficPlan(TrafficPlan.immediate())     // or TrafficPlan.canary(10, 50, 100)
            .listener(event -> log.info("{}", event))
            .clock(clock)                             // readme:hidden
            .build();                                 // validates everything, lists every problem at once

        ReleaseResult result = pipeline.promote(ReleaseRequest.ofPullRequest(123));
        switch (result.outcome()) {
            case PROMOTED -> log.info("{} is live", result.record().newRevision().orElseThrow());
            case GATES_FAILED -> result.failedGates().forEach(g -> log.warn("{}", g));
            case ROLLED_BACK -> log.error("rolled back by {}", result.rolledBackBy()   // the trigger's verdict
                .map(TriggerVerdict::toString).orElse("a failed step: " + result.record().notes()));
            case ROLLBACK_FAILED, ABORTED -> log.error("{}", result.record().notes());
            default -> { }
        }

        // From another thread, while a release observes ("critical functionality broken"):
        pipeline.requestRollback("checkout is broken");
        // On its own, like the runbook's rollback.sh:
        RollbackResult rb = pipeline.rollback(RollbackRequest.toPrevious("smoke failing").forPullRequest(123));
        // After the process running a release died (journal in the evidence store), by its id,
        // e.g. "pr123-20261126-101500-k3v7qa" (pull request, start time, random tail):
        ReleaseResult resumed = pipeline.resume(result.releaseId());
        // end::quickstart[]

        assertThat(result.releaseId()).matches(README_RELEASE_ID + "-[a-z2-7]{6}");
        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(result.record().newRevision()).contains(Simulation.NEW);
        assertThat(Gates.runbookDefaults()).as("the five checklist gates").hasSize(5);
        assertThat(result.record().gates()).as("the checklist gates and the engine's own").hasSizeGreaterThan(5)
                .allSatisfy(g -> assertThat(g.passed()).as(g.toString()).isTrue());
        assertThat(rb.succeeded()).as("the standalone rollback: %s", rb.details()).isTrue();
        assertThat(rb.trafficAfter()).contains(TrafficWeights.all(Simulation.STABLE));
        assertThat(rb.details().reason()).contains("smoke failing");
        assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(Simulation.STABLE));
        assertThat(resumed.releaseId()).isEqualTo(result.releaseId());
        assertThat(resumed.outcome()).as("a finished release resumes to its record").isEqualTo(ReleaseOutcome.PROMOTED);
    }

    @Test
    @DisplayName("providers: every provider builds exactly as shown (the Azure SDK's default HTTP client, "
            + "DefaultAzureCredential, GITHUB_TOKEN read per request), makes no call, and fits the quickstart")
    void providers() {
        String sub = "00000000-0000-0000-0000-000000000000";

        // tag::providers[]
        ContainerAppsPlatform platform = ContainerAppsPlatform.builder()
            .subscriptionId(sub).resourceGroup("trade-nexus").appName("trade-nexus-backend")
            .build();                                           // DefaultAzureCredential by default
        AzureMonitorErrorRate signals = AzureMonitorErrorRate.builder()
            .subscriptionId(sub).resourceGroup("trade-nexus").appName("trade-nexus-backend").build();
        GitHubConnection github = GitHubConnection.builder()
            .repository("org/trade-nexus").token(TokenSource.fromEnvironment("GITHUB_TOKEN")).build();
        CiProvider ci = GitHubCiProvider.builder(github).deployWorkflow("backend-deploy.yml").build();
        IncidentProvider incidents = GitHubIncidentProvider.builder(github).build();
        EvidenceStore evidence = FileEvidenceStore.of(Path.of(".ops/evidence"));  // or BlobEvidenceStore
        SmokeCheck smoke = HttpSmokeCheck.builder().baseUrl("https://backend.example.com")
            .endpoint(Endpoint.get("/health")).endpoint(Endpoint.get("/v1/markets?limit=5")).build();
        HealthProbe probe = HttpHealthProbe.builder().baseUrl("https://backend.example.com").build();
        // end::providers[]

        assertThat(platform.appName()).isEqualTo("trade-nexus-backend");
        assertThat(platform).hasToString("ContainerAppsPlatform[subscription=" + sub + ", resourceGroup=trade-nexus, "
                + "app=trade-nexus-backend, endpoint=https://management.azure.com, credential=DefaultAzureCredential]");
        assertThat(signals.toString()).contains("app=trade-nexus-backend", "credential=DefaultAzureCredential");
        assertThat(github.repository()).isEqualTo("org/trade-nexus");
        assertThat(github.apiUrl()).isEqualTo(GitHubConnection.DEFAULT_API_URL);
        assertThat(github.toString()).contains("environment variable GITHUB_TOKEN");
        assertThat(ci.toString()).contains("backend-deploy.yml");
        assertThat(incidents.providerName()).isNotBlank();
        assertThat(((FileEvidenceStore) evidence).root()).isEqualTo(Path.of(".ops/evidence").toAbsolutePath());
        assertThat(Path.of(".ops")).as("the filesystem store creates nothing until its first write").doesNotExist();
        assertThat(((HttpSmokeCheck) smoke).endpoints()).extracting(Endpoint::toString)
                .anySatisfy(e -> assertThat(e).contains("/health"))
                .anySatisfy(e -> assertThat(e).contains("/v1/markets?limit=5"));
        assertThat(probe.toString()).contains("https://backend.example.com");

        // The quickstart takes exactly these providers.
        ReleasePipeline pipeline = ReleasePipeline.builder().platform(platform).ci(ci).evidence(evidence)
                .incidents(incidents).healthSignals(signals).smokeCheck(smoke).healthProbe(probe).build();
        assertThat(pipeline.config().platform()).isSameAs(platform);
    }

    @Test
    @DisplayName("progressive delivery: a canary 10 -> 50 -> 100 with an approval before 100 that nobody gives "
            + "within the hour is rejected, and the roll-forward-only release freezes where it is")
    void progressiveDelivery() {
        Simulation sim = new Simulation();
        VirtualClock clock = sim.clock;
        Chat chat = new Chat();

        // tag::progressive-delivery[]
        ApiApprovals approvals = new ApiApprovals(clock, question -> chat.post(question.summary()));
        AlertInbox alerts = new AlertInbox(clock);              // fed by the Azure Monitor webhook handler
        ReleasePipeline pipeline = ReleasePipeline.builder()
            // ... providers as above
            .platform(sim.platform).ci(sim.ci).evidence(sim.evidence).incidents(sim.incidents)   // readme:hidden
            .healthSignals(sim.signals).smokeCheck(sim.smoke).healthProbe(sim.probe).clock(clock) // readme:hidden
            .trafficPlan(TrafficPlan.canary(10, 50, 100)        // 5 minutes at 10% and at 50% by default
                .withApprovalBefore(100))                       // a person approves the full rollout
            .approvals(approvals)
            .approvalTimeout(Duration.ofHours(1), ApprovalTimeoutAction.REJECT)
            .rollbackTriggers(Triggers.builder()
                .canaryAnalysis(0.01)                           // canary 5xx at most 1 point above stable's
                .onAlerts(alerts)                               // an Azure Monitor alert rolls back at once
                .advisory(Triggers.CANARY_ANALYSIS)             // record what it would do; enforce later
                .build())
            .build();
        pipeline.promote(ReleaseRequest.ofPullRequest(123).withRollForwardOnly());  // irreversible migration
        // end::progressive-delivery[]

        ReleaseRecord record = sim.evidence.latest(Simulation.APP, 1).get(0);
        assertThat(record.outcome()).as(record.notes().toString()).isEqualTo(ReleaseOutcome.FROZEN);
        assertThat(chat.posts).as("one question, in chat").singleElement().asString().contains("100%");
        assertThat(approvals.pending()).singleElement().satisfies(q -> assertThat(q.weight()).isEqualTo(100));
        assertThat(record.approvals()).singleElement().satisfies(a -> {
            assertThat(a.weight()).isEqualTo(100);
            assertThat(a.approved()).isFalse();
            assertThat(a.timedOut()).isTrue();
            assertThat(Duration.between(a.requestedAt(), a.decidedAt())).isEqualTo(Duration.ofHours(1));
        });
        List<TrafficChange> shifts = record.trafficChanges();
        assertThat(shifts).extracting(c -> c.to().weightOf(Simulation.NEW)).containsExactly(10, 50);
        assertThat(Duration.between(shifts.get(0).at(), shifts.get(1).at())).as("5 minutes at 10%")
                .isEqualTo(TrafficPlan.DEFAULT_CANARY_STEP_PAUSE);
        assertThat(Duration.between(shifts.get(1).at(), record.approvals().get(0).requestedAt()))
                .as("5 minutes at 50% before the question").isEqualTo(TrafficPlan.DEFAULT_CANARY_STEP_PAUSE);
        assertThat(sim.platform.currentWeights()).as("frozen at 50%, not moved back")
                .contains(TrafficWeights.split(Simulation.STABLE, Simulation.NEW, 50));
        assertThat(record.verdicts()).extracting(TriggerVerdict::trigger).contains("canary-analysis");
        assertThat(alerts.firing(clock.start())).isEmpty();
    }

    @Test
    @DisplayName("alerts: the polled source builds as shown; an alert POSTed to the webhook with the shared secret "
            + "rolls a canary back")
    void alerts() throws IOException, InterruptedException {
        String secret = System.getenv("ALERT_WEBHOOK_TOKEN");
        assertThat(secret).as("release-cli/pom.xml sets ALERT_WEBHOOK_TOKEN for the tests, as an action group's "
                + "webhook URI would carry it").isNotBlank();
        String sub = "00000000-0000-0000-0000-000000000000";
        Simulation sim = new Simulation();
        VirtualClock clock = sim.clock;
        String appResourceId = "/subscriptions/" + sub
                + "/resourceGroups/trade-nexus/providers/Microsoft.App/containerApps/trade-nexus-backend";
        HttpServer httpServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        httpServer.start();
        try {
            // tag::alerts[]
            // Polled: the app's Fired + New alerts from the Alerts Management API, every alertInterval (default 30 s).
            AzureMonitorAlerts polled = AzureMonitorAlerts.builder()
                .subscriptionId(sub).resourceGroup("trade-nexus").appName("trade-nexus-backend").build();
            Triggers polledAlerts = Triggers.builder().onAlerts(polled).build();

            // Pushed: an action group's webhook (common alert schema on) wakes the release the moment it arrives.
            AlertInbox inbox = new AlertInbox(clock);
            AzureAlertWebhook webhook = new AzureAlertWebhook(inbox, AzureAlertWebhook.forResource(appResourceId))
                .withSharedSecret(System.getenv("ALERT_WEBHOOK_TOKEN"));   // webhook URI: https://alerts:<secret>@host/...
            httpServer.createContext("/alerts/azure", webhook.asHttpHandler());   // or webhook.receive(...) in a servlet
            Triggers pushedAlerts = Triggers.builder().onAlerts(inbox).build();
            // end::alerts[]

            assertThat(polled.toString()).contains("app=trade-nexus-backend", "credential=DefaultAzureCredential");
            assertThat(polledAlerts.alertSource()).containsSame(polled);
            assertThat(polledAlerts.alertInterval()).isEqualTo(Duration.ofSeconds(30));

            String webhookUri = "http://127.0.0.1:" + httpServer.getAddress().getPort() + "/alerts/azure";
            assertThat(postAlert(webhookUri, metricAlert(appResourceId, clock.now())))
                    .as("no secret, no alert").isEqualTo(401);
            assertThat(postAlert(webhookUri.replace("://", "://alerts:not-the-secret-at-all@"),
                    metricAlert(appResourceId, clock.now()))).as("a wrong secret, no alert").isEqualTo(401);
            assertThat(inbox.firing(clock.start())).isEmpty();

            // Six minutes in, the canary has served 10% for two minutes: Azure Monitor calls the webhook.
            List<Integer> answers = new ArrayList<>();
            clock.scheduleAt(Duration.ofMinutes(6), () -> answers.add(postAlert(
                    webhookUri.replace("://", "://alerts:" + secret + "@"), metricAlert(appResourceId, clock.now()))));
            ReleaseResult result = sim.builder().trafficPlan(TrafficPlan.canary(10, 50, 100))
                    .rollbackTriggers(pushedAlerts).build().promote(ReleaseRequest.ofPullRequest(Simulation.PR));

            assertThat(answers).containsExactly(202);
            assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
            assertThat(result.rolledBackBy()).hasValueSatisfying(v -> {
                assertThat(v.trigger()).isEqualTo(Triggers.ALERT);
                assertThat(v.at()).as("at once").isEqualTo(clock.at(Duration.ofMinutes(6)));
            });
            assertThat(result.record().trafficChanges()).extracting(c -> c.to().weightOf(Simulation.NEW))
                    .containsExactly(10, 0);
            assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(Simulation.STABLE));
        } finally {
            httpServer.stop(0);
        }
    }

    @Test
    @DisplayName("GitHub environment approvals: the pipeline as shown dispatches the README's approval workflow and "
            + "goes to 100% once a reviewer of the README's environment approves")
    void gitHubEnvironmentApprovals() throws IOException {
        ApprovalWorkflow workflow = ApprovalWorkflow.fromReadme(ReadmeJavaBlocksTest.readme());
        Simulation sim = new Simulation();
        VirtualClock clock = sim.clock;
        // Generated ids end in a random tail: name this one, so that the stubbed workflow run can carry it.
        String releaseId = "pr" + Simulation.PR + "-" + RELEASE_ID_TIME.format(clock.now()) + "-k3v7qa";
        WireMockServer gitHub = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")
                .jettyAcceptors(1).jettyStopTimeout(0L));
        gitHub.start();
        try {
            workflow.stub(gitHub, releaseId);
            GitHubConnection github = GitHubConnection.builder().apiUrl(URI.create(gitHub.baseUrl()))
                    .repository(ApprovalWorkflow.REPOSITORY).token(TokenSource.ofToken(ApprovalWorkflow.TOKEN))
                    .clock(clock).build();

            // tag::github-approvals[]
            ReleasePipeline pipeline = ReleasePipeline.builder()
                // ... providers as above
                .platform(sim.platform).ci(sim.ci).evidence(sim.evidence).incidents(sim.incidents)   // readme:hidden
                .healthSignals(sim.signals).smokeCheck(sim.smoke).healthProbe(sim.probe).clock(clock) // readme:hidden
                .trafficPlan(TrafficPlan.canary(10, 50, 100).withApprovalBefore(100))
                .approvals(GitHubEnvironmentApprovals.builder(github)
                    .workflow("release-approval.yml")          // the defaults
                    .environment("production-approval")
                    .build())                                  // .ref("main"): default, the repository's default branch
                .approvalTimeout(Duration.ofMinutes(30), ApprovalTimeoutAction.REJECT)
                .build();
            // end::github-approvals[]

            ReleaseResult result = pipeline.promote(ReleaseRequest.ofPullRequest(Simulation.PR)
                    .withReleaseId(releaseId));

            assertThat(result.outcome()).as(result.record().notes().toString()).isEqualTo(ReleaseOutcome.PROMOTED);
            assertThat(result.record().approvals()).singleElement().satisfies(a -> {
                assertThat(a.weight()).isEqualTo(100);
                assertThat(a.approved()).isTrue();
                assertThat(a.by()).contains("alice");
                assertThat(a.comment()).isEqualTo("Canary numbers look fine");
            });
            List<LoggedRequest> dispatches = gitHub.findAll(postRequestedFor(urlPathEqualTo(workflow.path("dispatches"))));
            assertThat(dispatches).as("dispatched once").hasSize(1);
            JsonNode dispatch = JSON.readTree(dispatches.get(0).getBodyAsString());
            assertThat(dispatch.path("ref").asText()).as("the repository's default branch").isEqualTo("main");
            assertThat(dispatch.path("inputs").path("release_id").asText()).isEqualTo(releaseId);
            assertThat(dispatch.path("inputs").path("weight").asText()).isEqualTo("100");
            assertThat(dispatch.path("inputs").path("revision").asText()).isEqualTo(Simulation.NEW);
            List<String> declared = new ArrayList<>();
            dispatch.path("inputs").fieldNames().forEachRemaining(declared::add);
            assertThat(declared).as("exactly the inputs the README's workflow declares")
                    .containsExactlyInAnyOrderElementsOf(workflow.inputs);
        } finally {
            gitHub.stop();
        }
    }

    @Test
    @DisplayName("test kit: health down 31 s at t+6m rolls the release back")
    void testKit() {
        // tag::test-kit[]
        Simulation sim = new Simulation();        // every fake, on one VirtualClock, passing the runbook
        sim.probe.failingFor("v2", Duration.ofMinutes(6), Duration.ofSeconds(31)); // health down 31 s at t+6m
        ReleaseResult result = sim.pipeline().promote(ReleaseRequest.ofPullRequest(Simulation.PR));
        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(result.rollbackTrigger()).contains(Triggers.HEALTH_ENDPOINT);
        // end::test-kit[]

        assertThat(result.rolledBackBy()).hasValueSatisfying(v -> {
            assertThat(v.trigger()).isEqualTo("health-endpoint");
            assertThat(v.at()).as("during the 31 s outage").isBetween(sim.clock.at(Duration.ofMinutes(6)),
                    sim.clock.at(Duration.ofMinutes(6).plusSeconds(31)));
        });
    }

    /** The chat the progressive-delivery snippet posts its question to. */
    static final class Chat {
        final List<String> posts = new ArrayList<>();

        synchronized void post(String message) {
            posts.add(message);
        }
    }

    /** A metric alert in Azure Monitor's common alert schema, aimed at the app (Azure lower-cases the id). */
    static String metricAlert(String appResourceId, Instant fired) {
        return """
                {"schemaId": "azureMonitorCommonAlertSchema",
                 "data": {"essentials": {
                   "alertId": "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.AlertsManagement/alerts/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e",
                   "alertRule": "backend-5xx-above-5pct", "severity": "Sev1", "signalType": "Metric",
                   "monitorCondition": "Fired", "monitoringService": "Platform",
                   "alertTargetIDs": ["%s"], "configurationItems": ["trade-nexus-backend"],
                   "firedDateTime": "%s", "description": "5xx responses above 5%% of requests over 5 minutes",
                   "essentialsVersion": "1.0", "alertContextVersion": "1.0"},
                  "alertContext": {}, "customProperties": null}}
                """.formatted(appResourceId.toLowerCase(Locale.ROOT), fired);
    }

    /** Posts like an action group: user info in the webhook URI goes out as Basic authentication, not in the URL. */
    private static int postAlert(String uri, String body) {
        URI webhookUri = URI.create(uri);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri.replace(
                webhookUri.getRawUserInfo() == null ? "" : webhookUri.getRawUserInfo() + "@", "")));
        if (webhookUri.getUserInfo() != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    webhookUri.getUserInfo().getBytes(StandardCharsets.UTF_8)));
        }
        try {
            return HttpClient.newHttpClient().send(request.header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The approval workflow as the README's {@code <!-- release-approval.yml -->} block defines it (file, run-name,
     * environment, inputs), and a WireMock GitHub that runs it the way GitHub does: the dispatch starts a run titled
     * by the run-name, which waits for the environment's reviewers until alice approves on the second look.
     */
    record ApprovalWorkflow(String file, String runName, String environment, List<String> inputs) {

        static final String REPOSITORY = "org/trade-nexus";
        static final String TOKEN = "ghp_readmeSnippetTokenThatMustNeverBePrinted";
        private static final long RUN_ID = 7301;

        static ApprovalWorkflow fromReadme(String readme) {
            Matcher block = Pattern.compile("<!-- release-approval.yml -->\\s*```yaml\\n(.*?)```", Pattern.DOTALL)
                    .matcher(readme);
            assertThat(block.find()).as("the README has the workflow marked <!-- release-approval.yml -->").isTrue();
            String yaml = block.group(1);
            List<String> inputs = new ArrayList<>();
            Matcher input = Pattern.compile("(?m)^\\s{6}(\\w+): \\{").matcher(yaml);
            while (input.find()) {
                inputs.add(input.group(1));
            }
            return new ApprovalWorkflow(find(yaml, "# \\.github/workflows/(\\S+)"), find(yaml, "run-name: \"(.*)\""),
                    find(yaml, "environment: (\\S+)"), inputs);
        }

        private static String find(String yaml, String regex) {
            Matcher m = Pattern.compile(regex).matcher(yaml);
            assertThat(m.find()).as("the README's approval workflow has %s", regex).isTrue();
            return m.group(1);
        }

        String path(String tail) {
            return "/repos/" + REPOSITORY + "/actions/workflows/" + file + "/" + tail;
        }

        void stub(WireMockServer gitHub, String releaseId) {
            String title = runName.replace("${{ inputs.release_id }}", releaseId).replace("${{ inputs.weight }}", "100");
            String run = """
                    {"id": %d, "name": "Release approval", "display_title": "%s", "event": "workflow_dispatch",
                     "status": "waiting", "conclusion": null, "head_branch": "main",
                     "html_url": "https://github.com/%s/actions/runs/%d"}
                    """.formatted(RUN_ID, title, REPOSITORY, RUN_ID);
            String runs = "/repos/" + REPOSITORY + "/actions/runs/" + RUN_ID;
            String scenario = "approval";
            gitHub.stubFor(get(urlPathEqualTo("/repos/" + REPOSITORY))
                    .willReturn(okJson("{\"full_name\": \"" + REPOSITORY + "\", \"default_branch\": \"main\"}")));
            gitHub.stubFor(get(urlPathEqualTo(path("runs"))).withQueryParam("event", equalTo("workflow_dispatch"))
                    .inScenario(scenario).whenScenarioStateIs(STARTED)
                    .willReturn(okJson("{\"total_count\": 0, \"workflow_runs\": []}")));
            gitHub.stubFor(post(urlPathEqualTo(path("dispatches"))).inScenario(scenario)
                    .whenScenarioStateIs(STARTED).willReturn(aResponse().withStatus(204)).willSetStateTo("dispatched"));
            for (String state : List.of("dispatched", "reviewed")) {
                gitHub.stubFor(get(urlPathEqualTo(path("runs"))).withQueryParam("event", equalTo("workflow_dispatch"))
                        .inScenario(scenario).whenScenarioStateIs(state)
                        .willReturn(okJson("{\"total_count\": 1, \"workflow_runs\": [" + run + "]}")));
            }
            gitHub.stubFor(get(urlPathEqualTo(runs)).willReturn(okJson(run)));
            gitHub.stubFor(get(urlPathEqualTo(runs + "/pending_deployments")).willReturn(okJson(
                    "[{\"environment\": {\"id\": 161088068, \"name\": \"" + environment + "\"}, \"wait_timer\": 0,"
                            + " \"current_user_can_approve\": false, \"reviewers\": []}]")));
            gitHub.stubFor(get(urlPathEqualTo(runs + "/approvals")).inScenario(scenario)
                    .whenScenarioStateIs("dispatched").willReturn(okJson("[]")).willSetStateTo("reviewed"));
            gitHub.stubFor(get(urlPathEqualTo(runs + "/approvals")).inScenario(scenario)
                    .whenScenarioStateIs("reviewed").willReturn(okJson("""
                            [{"state": "approved", "comment": "Canary numbers look fine",
                              "environments": [{"id": 161088068, "name": "%s"}],
                              "user": {"login": "alice", "id": 583231, "type": "User"}}]
                            """.formatted(environment))));
        }
    }
}
