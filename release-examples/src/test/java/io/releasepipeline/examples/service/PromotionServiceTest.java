package io.releasepipeline.examples.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.approval.ApiApprovals;
import io.releasepipeline.evidence.EvidenceJson;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.testkit.local.LocalWorld;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The service as a client uses it: started on 127.0.0.1:0 over the local world (real HTTP revisions behind a
 * weighted router), driven over real HTTP, its status polled as a client polls it.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PromotionServiceTest {

    /** The local world's time scale, shortened further so a release takes a few seconds. */
    static final LocalWorld.Timings FAST = new LocalWorld.Timings(Duration.ofMillis(300), Duration.ofMillis(50),
            Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofMillis(200),
            Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofMillis(100), 40);
    static final Duration PATIENCE = Duration.ofSeconds(60);

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final ByteArrayOutputStream log = new ByteArrayOutputStream();
    LocalPromotionService local;
    String url;

    @BeforeEach
    void start() {
        local = LocalPromotionService.start(new InetSocketAddress("127.0.0.1", 0), FAST,
                new PrintStream(log, true, StandardCharsets.UTF_8));
        url = local.service().url();
    }

    @AfterEach
    void stop() {
        local.close();
    }

    @Test
    @DisplayName("promote over HTTP, approve the step awaiting approval, then roll the promoted release back: "
            + "traffic and the records follow")
    void promoteApproveRollBack() {
        JsonNode started = call("POST", "/releases?pr=123", 202);
        String id = started.get("releaseId").asText();
        assertThat(started.get("status").asText()).isEqualTo("/releases/" + id);

        JsonNode waiting = awaitStatus(id, s -> s.path("awaitingApproval").toString().equals("[100]"));
        assertThat(waiting.get("state").asText()).isEqualTo("RUNNING");
        assertThat(waiting.get("traffic").toString()).isEqualTo("{\"v1\":50,\"v2\":50}");

        JsonNode approved = call("POST", "/releases/" + id + "/approve?step=100&by=alice&comment=canary+clean", 200);
        assertThat(approved.get("decision").asText()).isEqualTo("approved");

        JsonNode promoted = awaitStatus(id, s -> s.get("state").asText().equals("FINISHED"));
        assertThat(promoted.get("outcome").asText()).as(promoted.toString()).isEqualTo("PROMOTED");
        assertThat(promoted.get("awaitingApproval").toString()).as("still there, empty, once ended").isEqualTo("[]");
        ReleaseRecord record = recordOf(promoted);
        assertThat(record.newRevision()).contains("v2");
        assertThat(record.approvals()).singleElement().satisfies(a -> {
            assertThat(a.weight()).isEqualTo(100);
            assertThat(a.approved()).isTrue();
            assertThat(a.by()).contains("alice");
        });
        assertThat(call("GET", "/traffic", 200).get("traffic").toString()).isEqualTo("{\"v2\":100}");

        call("POST", "/releases/" + id + "/rollback?reason=checkout+is+broken", 202);
        JsonNode rolledBack = awaitStatus(id, s -> s.path("rollback").path("state").asText().equals("FINISHED"));
        JsonNode rollback = rolledBack.get("rollback");
        assertThat(rollback.get("outcome").asText()).as(rollback.toString()).isEqualTo("ROLLED_BACK");
        assertThat(rollback.get("details").get("toRevision").asText()).isEqualTo("v1");
        assertThat(local.world().platform.traffic().weights().weightOf("v1")).isEqualTo(100);
        assertThat(call("GET", "/traffic", 200).get("traffic").get("v1").asInt()).isEqualTo(100);
        assertThat(local.world().evidence().latest(LocalWorld.APP, 5)).first().satisfies(r -> {
            assertThat(r.kind()).isEqualTo(ReleaseRecord.Kind.ROLLBACK);
            assertThat(r.rollback().orElseThrow().reason()).isEqualTo("checkout is broken");
        });
        assertThat(call("POST", "/releases/" + id + "/rollback?reason=again", 409).get("error").asText())
                .contains("already rolled back");
    }

    @Test
    @DisplayName("a rollback asked for while the canary awaits approval stops the release: all traffic back on v1")
    void rollBackInFlight() {
        String id = call("POST", "/releases?pr=123", 202).get("releaseId").asText();
        awaitStatus(id, s -> s.path("awaitingApproval").toString().equals("[100]"));

        assertThat(call("POST", "/releases/" + id + "/rollback?reason=numbers+look+wrong", 202).get("rollback")
                .asText()).isEqualTo("requested");

        JsonNode done = awaitStatus(id, s -> s.get("state").asText().equals("FINISHED"));
        assertThat(done.get("outcome").asText()).isEqualTo("ROLLED_BACK");
        assertThat(recordOf(done).rollback().orElseThrow().reason()).contains("numbers look wrong");
        assertThat(done.get("traffic").get("v1").asInt()).isEqualTo(100);
        assertThat(local.world().platform.traffic().weights().weightOf("v1")).isEqualTo(100);
    }

    @Test
    @DisplayName("closing the service while traffic is split puts it all back on the stable revision before it returns")
    void shutdownNeverLeavesTrafficSplit() {
        String id = call("POST", "/releases?pr=123", 202).get("releaseId").asText();
        awaitStatus(id, s -> s.path("awaitingApproval").toString().equals("[100]"));
        assertThat(local.world().platform.traffic().weights().isSplit()).isTrue();

        local.service().close();

        assertThat(local.service().stoppedCleanly()).isTrue();
        assertThat(local.world().platform.traffic().weights().weightOf("v1")).isEqualTo(100);
        ReleaseRecord record = local.world().evidence().read(LocalWorld.APP, id).orElseThrow();
        assertThat(record.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(record.rollback().orElseThrow().reason()).contains("shutting down");
        assertThatThrownBy(() -> send("GET", "/traffic")).as("no longer listening")
                .isInstanceOf(UncheckedIOException.class);
    }

    @Test
    @DisplayName("a bad request gets a 4xx that says what is wrong, and starts nothing")
    void badRequests() {
        assertThat(error("POST", "/releases?pr=abc", 400)).contains("pr must be a positive whole number", "\"abc\"");
        assertThat(error("POST", "/releases", 400)).contains("missing parameter pr", "pr=123");
        assertThat(error("POST", "/releases?pr=123&force=yes", 400)).contains("unknown parameter force");
        assertThat(error("GET", "/releases", 405)).contains("use POST");
        assertThat(error("GET", "/releases/pr1-nope", 404)).contains("no release pr1-nope");
        assertThat(error("GET", "/deploy", 404)).contains("POST /releases");
        assertThat(local.world().evidence().latest(LocalWorld.APP, 5)).as("nothing started")
                .extracting(ReleaseRecord::releaseId).containsExactly("pr100-previous");

        String id = call("POST", "/releases?pr=123", 202).get("releaseId").asText();
        assertThat(error("POST", "/releases?pr=124", 409)).contains("release " + id + " is in flight");
        assertThat(error("POST", "/releases/" + id + "/approve?step=100", 400)).contains("missing parameter by");
        awaitStatus(id, s -> s.path("awaitingApproval").toString().equals("[100]"));
        assertThat(error("POST", "/releases/" + id + "/approve?step=50&by=alice", 409))
                .contains("not awaiting approval of step 50%", "[100%]");
        assertThat(error("POST", "/releases/" + id + "/rollback", 400)).contains("missing parameter reason");
    }

    @Test
    @DisplayName("a pipeline built without the service's approvals is refused at start, naming the fix")
    void approvalsMustBeWired() {
        ApiApprovals approvals = new ApiApprovals(local.world().clock, q -> { });
        ReleasePipeline without = local.world().builder().build();

        assertThatThrownBy(() -> PromotionService.start(new InetSocketAddress("127.0.0.1", 0), without, approvals))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(".approvals(approvals)");
    }

    // ---- a client ----------------------------------------------------------------------------------------------

    HttpResponse<String> send(String method, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    JsonNode call(String method, String path, int expectedStatus) {
        HttpResponse<String> response = send(method, path);
        assertThat(response.statusCode()).as(method + " " + path + " -> " + response.body()).isEqualTo(expectedStatus);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/json"));
        try {
            return EvidenceJson.mapper().readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String error(String method, String path, int expectedStatus) {
        return call(method, path, expectedStatus).get("error").asText();
    }

    /** Polls the release's status, as a client does, until {@code done} holds. */
    JsonNode awaitStatus(String id, Predicate<JsonNode> done) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        JsonNode status = call("GET", "/releases/" + id, 200);
        while (!done.test(status)) {
            assertThat(status.get("state").asText()).as("release %s ended before the awaited state: %s\n%s", id,
                    status, log).isIn(List.of("QUEUED", "RUNNING", "FINISHED"));
            assertThat(System.nanoTime()).as("awaited state not reached in %s: %s", PATIENCE, status)
                    .isLessThan(deadline);
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            status = call("GET", "/releases/" + id, 200);
        }
        return status;
    }

    static ReleaseRecord recordOf(JsonNode status) {
        return EvidenceJson.fromBytes(status.get("record").toString().getBytes(StandardCharsets.UTF_8),
                ReleaseRecord.class);
    }
}
