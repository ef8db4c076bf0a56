package io.releasepipeline.scenario;

import static io.releasepipeline.testkit.Simulation.APP;
import static io.releasepipeline.testkit.Simulation.NEW;
import static io.releasepipeline.testkit.Simulation.PR;
import static io.releasepipeline.testkit.Simulation.STABLE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.hook.HookContext;
import io.releasepipeline.hook.HookPoint;
import io.releasepipeline.hook.HookResult;
import io.releasepipeline.hook.WebhookHook;
import io.releasepipeline.migration.MigrationDetection;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.testkit.Simulation;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A migration release rolled back on the virtual clock, its migration undone by a real {@link WebhookHook}: the
 * receiver, an HTTP server on 127.0.0.1, checks the HMAC-SHA256 signature itself (javax.crypto, not the hook's code)
 * over the exact body it received, and sees the traffic already back when it is called.
 */
class WebhookScenarioTest {

    private static final String RELEASE = "pr123-webhook";
    private static final String SECRET = "scenario-webhook-secret-0123456789";

    private HttpServer receiver;
    private Simulation sim;
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

    /** What the receiver got: the body, whether its signature verified, and the split at that moment. */
    private record Delivery(String body, boolean signatureValid, String deliveryHeader, TrafficWeights traffic) {
    }

    @BeforeEach
    void start() throws IOException {
        sim = new Simulation();
        sim.ci.pr(PR).changes("backend/app/quotes.py", "backend/app/db/migrations/0042_quote_currency.sql");
        sim.smoke.failingFrom(NEW, Duration.ZERO);
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/undo-migration", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            deliveries.add(new Delivery(new String(body, StandardCharsets.UTF_8),
                    verifies(body, exchange.getRequestHeaders().getFirst("X-Release-Signature-256")),
                    exchange.getRequestHeaders().getFirst("X-Release-Delivery"),
                    sim.platform.currentWeights().orElseThrow()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
    }

    /** The receiver's own check, as the README tells receivers to do it. */
    private static boolean verifies(byte[] body, String header) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] expected = ("sha256=" + HexFormat.of().formatHex(mac.doFinal(body)))
                    .getBytes(StandardCharsets.US_ASCII);
            return header != null && MessageDigest.isEqual(expected, header.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aMigrationIsUndoneByASignedWebhookOnceTrafficIsBack() throws IOException {
        WebhookHook hook = WebhookHook.builder().name("undo-migration")
                .url("http://127.0.0.1:" + receiver.getAddress().getPort() + "/undo-migration").secret(SECRET)
                .timeout(Duration.ofSeconds(20)).clock(sim.clock).build();

        ReleaseResult result = sim.builder().migrations(MigrationDetection.paths("backend/**/migrations/**"))
                .migrationRollbackHook(hook).build().promote(ReleaseRequest.ofPullRequest(PR).withReleaseId(RELEASE));

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        String deliveryId = HookContext.deliveryId(RELEASE, HookPoint.ON_ROLLBACK, "undo-migration");
        assertThat(deliveries).singleElement().satisfies(d -> {
            assertThat(d.signatureValid()).as("the receiver verifies the signature over the body").isTrue();
            assertThat(d.deliveryHeader()).isEqualTo(deliveryId);
            assertThat(d.traffic()).as("called once traffic is back").isEqualTo(TrafficWeights.all(STABLE));
            JsonNode body = new ObjectMapper().readTree(d.body());
            assertThat(body.path("point").asText()).isEqualTo("on_rollback");
            assertThat(body.path("delivery_id").asText()).isEqualTo(deliveryId);
            assertThat(body.path("hook").asText()).isEqualTo("undo-migration");
            assertThat(body.path("database_migration").asText()).isEqualTo("true");
            assertThat(body.path("stable_revision").asText()).isEqualTo(STABLE);
            assertThat(body.path("new_revision").asText()).isEqualTo(NEW);
            assertThat(d.body()).doesNotContain(SECRET);
        });
        ReleaseRecord record = sim.evidence.read(APP, RELEASE).orElseThrow();
        assertThat(record.hooks()).singleElement().satisfies(h -> {
            assertThat(h.kind()).isEqualTo("webhook");
            assertThat(h.status()).isEqualTo(HookResult.Status.SUCCEEDED);
            assertThat(h.migrationRollback()).isTrue();
        });
        assertThat(record.toString() + sim.ci.comments(PR)).doesNotContain(SECRET);
    }
}
