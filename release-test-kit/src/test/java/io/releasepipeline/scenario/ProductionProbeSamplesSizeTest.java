package io.releasepipeline.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.releasepipeline.ApprovalTimeoutAction;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.approval.ApiApprovals;
import io.releasepipeline.backtest.Backtest;
import io.releasepipeline.backtest.Determinism;
import io.releasepipeline.evidence.EvidenceJson;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.Samples;
import io.releasepipeline.health.HealthProbe.ProbeResult;
import io.releasepipeline.health.http.HttpHealthProbe;
import io.releasepipeline.health.http.HttpSmokeCheck;
import io.releasepipeline.health.http.Endpoint;
import io.releasepipeline.testkit.Simulation;
import io.releasepipeline.traffic.TrafficPlan;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The samples' size bound on the production path: the shipped {@link HttpHealthProbe} and {@link HttpSmokeCheck}
 * making real requests to a local HTTP server on 127.0.0.1, while the virtual clock drives the release (runbook
 * defaults: a probe a second, a smoke check every 15 s on two endpoints, an error-rate reading a minute). The
 * probes' latencies are real, so the sizes vary by a few bytes from run to run; on loopback a latency takes one
 * digit, so each bound is asserted with every probe's latency counted as three digits (up to 999 ms), what a
 * remote endpoint writes. {@link SamplesSizeTest} keeps the deterministic figures with a fake probe.
 */
@Timeout(300)
class ProductionProbeSamplesSizeTest {

    private HttpServer server;
    private ExecutorService executor;
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newFixedThreadPool(4);
        server.setExecutor(executor);
        for (String path : new String[] {"/health", "/v1/status"}) {
            server.createContext(path, exchange -> {
                requests.incrementAndGet();
                // No body: the answer goes out in one write (a body in a second write meets the loopback's
                // delayed ACK, some 40 ms a request, which would slow the test, not change the format).
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
        }
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
        executor.shutdownNow();
    }

    private String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private ReleaseResult release(Simulation sim, TrafficPlan plan, ApiApprovals approvals, Duration approvalTimeout) {
        HttpHealthProbe probe = HttpHealthProbe.builder().baseUrl(baseUrl()).build();
        HttpSmokeCheck smoke = HttpSmokeCheck.builder().baseUrl(baseUrl())
                .endpoint(Endpoint.get("/health")).endpoint(Endpoint.get("/v1/status")).build();
        var builder = sim.builder().healthProbe(probe).smokeCheck(smoke).trafficPlan(plan);
        if (approvals != null) {
            builder.approvals(approvals).approvalTimeout(approvalTimeout, ApprovalTimeoutAction.APPROVE);
        }
        ReleaseResult result = builder.build().promote(ReleaseRequest.ofPullRequest(Simulation.PR));
        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        return result;
    }

    private static int bytes(Samples samples) {
        return EvidenceJson.toBytes(samples).length;
    }

    /** The bytes the health latency column would take more if every latency written had three digits. */
    private static int toThreeDigitLatencies(Samples samples) {
        return samples.steps().stream().flatMap(s -> s.health().ms().stream())
                .mapToInt(ms -> Math.max(0, 3 - Long.toString(ms).length())).sum();
    }

    private static void assertStableDescriptions(Samples samples) {
        // The fix: a steady endpoint is described once per step, not once per probe.
        assertThat(samples.steps()).allSatisfy(step -> assertThat(step.health().detail())
                .extracting(Samples.Detail::text).containsExactly("GET /health 200"));
    }

    @Test
    @DisplayName("a default 14-minute release with the real HTTP probe and smoke check keeps its samples under 16 KB")
    void defaultRelease() {
        Simulation sim = new Simulation();
        ReleaseRecord record = release(sim, TrafficPlan.immediate(), null, null).record();
        Samples samples = record.samples().orElseThrow();

        assertThat(samples.steps()).singleElement().satisfies(step -> {
            assertThat(step.health().count()).isEqualTo(601);
            assertThat(step.smoke().checks()).hasSize(41);
            assertThat(step.errorRate()).hasSize(10);
        });
        assertThat(requests.get()).as("real requests: 601 probes, 41 checks of 2 endpoints x 4")
                .isGreaterThanOrEqualTo(601 + 41 * 2 * 4);
        assertStableDescriptions(samples);
        int size = bytes(samples);
        System.out.println("samples of a default 14-minute release, real probes on loopback: " + size
                + " bytes; with 3-digit latencies: " + (size + toThreeDigitLatencies(samples)) + " bytes");
        assertThat(size + toThreeDigitLatencies(samples)).isLessThan(SamplesSizeTest.DEFAULT_RELEASE_BOUND_KB * 1024);
    }

    @Test
    @DisplayName("a 24-minute canary with the real HTTP probe and smoke check keeps its samples under 28 KB")
    void canary() {
        Simulation sim = new Simulation();
        ReleaseRecord record = release(sim, TrafficPlan.canary(10, 50, 100), null, null).record();
        Samples samples = record.samples().orElseThrow();

        assertThat(samples.steps()).extracting(Samples.Step::weight).containsExactly(10, 50, 100);
        assertThat(samples.steps().stream().mapToInt(s -> s.health().count()).sum()).isEqualTo(1_203);
        assertThat(samples.steps().stream().mapToInt(s -> s.smoke().checks().size()).sum()).isEqualTo(83);
        assertStableDescriptions(samples);
        int size = bytes(samples);
        System.out.println("samples of a 24-minute canary, real probes on loopback: " + size
                + " bytes; with 3-digit latencies: " + (size + toThreeDigitLatencies(samples)) + " bytes");
        assertThat(size + toThreeDigitLatencies(samples)).isLessThan(SamplesSizeTest.CANARY_BOUND_KB * 1024);
    }

    @Test
    @DisplayName("the 20,000-sample worst case (an approval awaited for hours) stays under 400 KB")
    void worstCase() {
        // The tests above show the real probes write one description per step and a latency per probe; here a probe
        // that does the same with three-digit latencies (the real probe's worst on a network) fills the budget in
        // virtual time, without 20,000 loopback requests (22 s of CI).
        Simulation sim = new Simulation();
        ApiApprovals approvals = new ApiApprovals(sim.clock, request -> { });
        ReleaseResult result = sim.builder().trafficPlan(TrafficPlan.canary(10, 50, 100).withApprovalBefore(100))
                .healthProbe(target -> ProbeResult.up("GET /health 200", Duration.ofMillis(150)))
                .approvals(approvals).approvalTimeout(Duration.ofMinutes(5 * 60 + 15), ApprovalTimeoutAction.APPROVE)
                .build().promote(ReleaseRequest.ofPullRequest(Simulation.PR));
        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        ReleaseRecord record = result.record();
        Samples samples = record.samples().orElseThrow();

        assertThat(samples.count()).isEqualTo(Samples.MAX_SAMPLES);
        assertThat(samples.steps()).filteredOn(s -> s.truncated().isPresent()).first()
                .satisfies(s -> assertThat(s.approval()).isTrue());
        assertThat(Backtest.verify(record).status()).isEqualTo(Determinism.Status.REPRODUCED);
        int size = bytes(samples);
        System.out.println("samples of the 20,000-sample worst case, 3-digit latencies: " + size + " bytes");
        assertThat(size).isLessThan(400 * 1024);
    }

    @Test
    @DisplayName("the engine records the latency a probe measured itself, not the call on the release's clock")
    void probeMeasuredLatency() {
        Simulation sim = new Simulation();
        ReleaseRecord record = sim.builder().trafficPlan(TrafficPlan.immediate())
                .healthProbe(target -> ProbeResult.up("GET /health 200", Duration.ofMillis(123))).build()
                .promote(ReleaseRequest.ofPullRequest(Simulation.PR)).record();

        // On the virtual clock the call itself takes 0 ms: 123 can only come from the probe's own measurement.
        assertThat(record.samples().orElseThrow().steps()).singleElement()
                .satisfies(step -> assertThat(step.health().ms()).containsOnly(123L));
    }
}
