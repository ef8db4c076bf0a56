package io.releasepipeline.hook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.time.ReleaseClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The webhook hook against a real receiver on 127.0.0.1 (the JDK's HttpServer) that verifies the signature itself
 * with javax.crypto, as a team's receiver would: none of the hook's code is used on the receiving side.
 */
class WebhookHookTest {

    private static final String SECRET = "s3cr3t-Shared-Between-Pipeline-And-Receiver";
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer server;
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    private final Deque<Reply> replies = new ArrayDeque<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final TestClock clock = new TestClock();

    /** What the receiver saw: headers, raw body, and whether it found the signature valid. */
    record Received(Map<String, List<String>> headers, byte[] body, boolean signatureValid) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
                    .map(e -> e.getValue().get(0)).orElse(null);
        }
    }

    /** How the receiver answers one request; {@code hang} never answers until the test ends. */
    record Reply(int status, String body, Map<String, String> headers, boolean hang) {
        static Reply of(int status, String body) {
            return new Reply(status, body, Map.of(), false);
        }
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String header = exchange.getRequestHeaders().getFirst("X-Release-Signature-256");
            boolean valid = verify(SECRET, body, header);
            received.add(new Received(Map.copyOf(exchange.getRequestHeaders()), body, valid));
            Reply reply;
            synchronized (replies) {
                reply = replies.isEmpty() ? null : replies.poll();
            }
            if (reply == null) {
                reply = valid ? Reply.of(204, "") : Reply.of(401, "{\"reason\":\"signature does not match\"}");
            }
            if (reply.hang()) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
                return;
            }
            reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(out);
                }
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    /** The receiver's own check, as the README shows it: HMAC-SHA256 of the raw body, compared in constant time. */
    private static boolean verify(String secret, byte[] body, String header) {
        if (header == null || !header.startsWith("sha256=")) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] expected = mac.doFinal(body);
            StringBuilder hex = new StringBuilder();
            for (byte b : expected) {
                hex.append(String.format("%02x", b));
            }
            return MessageDigest.isEqual(hex.toString().getBytes(StandardCharsets.US_ASCII),
                    header.substring("sha256=".length()).getBytes(StandardCharsets.US_ASCII));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    private WebhookHook.Builder hook() {
        return WebhookHook.builder().name("release-gate").url(url()).secret(SECRET).clock(clock)
                .attemptTimeout(Duration.ofSeconds(5));
    }

    private void reply(Reply... r) {
        synchronized (replies) {
            replies.addAll(List.of(r));
        }
    }

    static HookContext context(HookPoint point) {
        return new HookContext(point, HookContext.deliveryId("pr42-20260105T0900", point, "release-gate"),
                "pr42-20260105T0900", "backend", "production", Optional.of(42), Optional.of("abc123"),
                Optional.of("backend--v1"), Optional.empty(), Optional.empty(), false, Optional.empty());
    }

    @Test
    @DisplayName("the receiver verifies the HMAC-SHA256 signature over the exact body with javax.crypto")
    void receiverVerifiesSignature() throws IOException {
        HookResult result = hook().build().run(context(HookPoint.BEFORE_MERGE));

        assertThat(result.status()).as(result.summary()).isEqualTo(HookResult.Status.SUCCEEDED);
        assertThat(received).hasSize(1);
        Received r = received.get(0);
        assertThat(r.signatureValid()).isTrue();
        assertThat(r.header("X-Release-Delivery")).isEqualTo("pr42-20260105T0900:before_merge:release-gate");
        assertThat(r.header("X-Release-Event")).isEqualTo("before_merge");
        assertThat(r.header("X-Release-Hook")).isEqualTo("release-gate");
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("hook").asText()).isEqualTo("release-gate");
        assertThat(body.path("point").asText()).isEqualTo("before_merge");
        assertThat(body.path("delivery_id").asText()).isEqualTo("pr42-20260105T0900:before_merge:release-gate");
        assertThat(body.path("pull_request").asText()).isEqualTo("42");
        assertThat(body.path("stable_revision").asText()).isEqualTo("backend--v1");
        assertThat(body.has("new_revision")).isFalse();
    }

    @Test
    @DisplayName("a body signed with another secret fails the receiver's check, and its 401 is a FAILED with the reason")
    void wrongSecretIsRefusedByTheReceiver() {
        HookResult result = hook().secret("another-secret-of-enough-length").build()
                .run(context(HookPoint.BEFORE_MERGE));

        assertThat(received).hasSize(1);
        assertThat(received.get(0).signatureValid()).isFalse();
        assertThat(result.status()).isEqualTo(HookResult.Status.FAILED);
        assertThat(result.summary()).contains("401").contains("signature does not match");
    }

    @Test
    @DisplayName("503 twice, then 200: retried with doubling backoff on the clock, same delivery id and signature")
    void retriesOn503ThenSucceeds() {
        reply(Reply.of(503, "busy"), Reply.of(503, "busy"), Reply.of(200, "{}"));

        HookResult result = hook().backoff(Duration.ofSeconds(2)).build().run(context(HookPoint.ON_ROLLBACK));

        assertThat(result.status()).as(result.summary()).isEqualTo(HookResult.Status.SUCCEEDED);
        assertThat(received).hasSize(3);
        assertThat(received).allMatch(Received::signatureValid);
        assertThat(received).extracting(r -> r.header("X-Release-Delivery")).containsOnly(
                "pr42-20260105T0900:on_rollback:release-gate");
        assertThat(received).extracting(r -> r.header("X-Release-Signature-256")).hasSize(3).containsOnly(
                received.get(0).header("X-Release-Signature-256"));
        assertThat(clock.sleeps).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(4));
    }

    @Test
    @DisplayName("429 with Retry-After waits that long on the clock before the next attempt")
    void honoursRetryAfter() {
        reply(new Reply(429, "{\"message\":\"slow down\"}", Map.of("Retry-After", "7"), false), Reply.of(202, ""));

        HookResult result = hook().build().run(context(HookPoint.AFTER_PROMOTION));

        assertThat(result.status()).isEqualTo(HookResult.Status.SUCCEEDED);
        assertThat(clock.sleeps).containsExactly(Duration.ofSeconds(7));
        assertThat(received).hasSize(2);
    }

    @Test
    @DisplayName("a Retry-After past the hook's timeout gives up at once as ERROR, without waiting")
    void retryAfterPastTheTimeoutIsAnError() {
        reply(new Reply(503, "", Map.of("Retry-After", "600"), false));

        HookResult result = hook().timeout(Duration.ofSeconds(30)).build().run(context(HookPoint.ON_ROLLBACK));

        assertThat(result.status()).isEqualTo(HookResult.Status.ERROR);
        assertThat(result.summary()).contains("Retry-After").contains("timeout");
        assertThat(clock.sleeps).isEmpty();
        assertThat(received).hasSize(1);
    }

    @Test
    @DisplayName("a 4xx is FAILED at once, not retried, with the receiver's reason on one safe line")
    void clientErrorIsFailedWithReason() {
        reply(Reply.of(403, "{\"reason\":\"change freeze until 18:00\\n::error::forged line\"}"));

        HookResult result = hook().build().run(context(HookPoint.BEFORE_MERGE));

        assertThat(result.status()).isEqualTo(HookResult.Status.FAILED);
        assertThat(result.summary()).contains("403").contains("change freeze until 18:00").doesNotContain("\n");
        assertThat(received).hasSize(1);
        assertThat(clock.sleeps).isEmpty();
    }

    @Test
    @DisplayName("a long reason is cut to the limit")
    void longReasonIsTruncated() {
        reply(Reply.of(422, "x".repeat(5_000)));

        HookResult result = hook().build().run(context(HookPoint.BEFORE_MERGE));

        assertThat(result.status()).isEqualTo(HookResult.Status.FAILED);
        assertThat(result.summary().length()).isLessThan(WebhookHook.REASON_LIMIT + 120);
    }

    @Test
    @DisplayName("a receiver that never answers: each attempt times out, then ERROR")
    void timeoutIsAnError() {
        reply(new Reply(0, "", Map.of(), true), new Reply(0, "", Map.of(), true));

        HookResult result = hook().attemptTimeout(Duration.ofMillis(300)).retries(1).build()
                .run(context(HookPoint.ON_ROLLBACK));

        assertThat(result.status()).isEqualTo(HookResult.Status.ERROR);
        assertThat(result.summary()).contains("2 attempts").contains("no").contains("answer within");
        assertThat(received).hasSize(2);
    }

    @Test
    @DisplayName("connection refused is retried, then ERROR")
    void connectionRefusedIsRetriedThenError() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        HookResult result = hook().url("http://127.0.0.1:" + port + "/hook").retries(2).build()
                .run(context(HookPoint.ON_FREEZE));

        assertThat(result.status()).isEqualTo(HookResult.Status.ERROR);
        assertThat(result.summary()).contains("3 attempts").contains("connection refused");
        assertThat(clock.sleeps).hasSize(2);
    }

    @Test
    @DisplayName("a redirect is not followed: ERROR naming where it pointed, and the other host gets nothing")
    void redirectIsNotFollowed() {
        reply(new Reply(307, "", Map.of("Location", "http://127.0.0.1:1/elsewhere?token=abc"), false));

        HookResult result = hook().build().run(context(HookPoint.AFTER_PROMOTION));

        assertThat(result.status()).isEqualTo(HookResult.Status.ERROR);
        assertThat(result.summary()).contains("307").contains("not followed").doesNotContain("token=abc");
        assertThat(received).hasSize(1);
    }

    @Test
    @DisplayName("the secret is never in a summary, a log line or toString, even when the receiver echoes it")
    void secretNeverShown() {
        reply(Reply.of(503, "{\"message\":\"bad key " + SECRET + "\"}"),
                Reply.of(400, "{\"reason\":\"you sent " + SECRET + "\"}"));
        PrintStream original = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        HookResult result;
        WebhookHook hook = hook().build();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            result = hook.run(context(HookPoint.BEFORE_MERGE));
        } finally {
            System.setErr(original);
        }

        assertThat(result.status()).isEqualTo(HookResult.Status.FAILED);
        assertThat(result.summary()).contains("you sent ***").doesNotContain(SECRET);
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("attempt 1 of 4").doesNotContain(SECRET);
        assertThat(hook.toString()).doesNotContain(SECRET).contains("release-gate");
    }

    @Test
    @DisplayName("build() lists every problem at once, without quoting the secret")
    void validation() {
        assertThatThrownBy(() -> WebhookHook.builder().name("bad name!").url("http://hooks.example.com/x")
                .secret("short-secret").timeout(Duration.ZERO).retries(11).build())
                .isInstanceOf(InvalidConfigurationException.class)
                .satisfies(e -> assertThat(((InvalidConfigurationException) e).problems()).hasSize(5))
                .hasMessageContaining("name:").hasMessageContaining("plain http is allowed only to a loopback")
                .hasMessageContaining("at least 16").hasMessageContaining("timeout:")
                .hasMessageContaining("retries:").hasMessageNotContaining("short-secret");
        assertThatThrownBy(() -> WebhookHook.builder().name("x").url("https://user:pw@hooks.example.com/x")
                .build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("user info").hasMessageContaining("secret: required")
                .hasMessageNotContaining("pw@");
    }

    /** A virtual clock: sleeping moves time on and is recorded. */
    static final class TestClock implements ReleaseClock {
        private Instant now = Instant.parse("2026-01-05T09:00:00Z");
        final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());

        @Override
        public synchronized Instant now() {
            return now;
        }

        @Override
        public synchronized void sleep(Duration duration) {
            sleeps.add(duration);
            now = now.plus(duration);
        }

        @Override
        public void wakeUp() {
        }
    }
}
