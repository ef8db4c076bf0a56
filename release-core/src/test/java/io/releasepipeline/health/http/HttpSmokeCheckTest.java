package io.releasepipeline.health.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.health.EndpointResult;
import io.releasepipeline.health.SmokeResult;
import io.releasepipeline.health.SmokeTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class HttpSmokeCheckTest {

    private static final SmokeTarget TARGET = SmokeTarget.of("backend--0000042");
    private static final FixedClock CLOCK = new FixedClock();

    private final TestHttpServer server = TestHttpServer.http();

    @AfterEach
    void stopServer() {
        server.close();
    }

    private HttpSmokeCheck.Builder check() {
        return HttpSmokeCheck.builder().baseUrl(server.baseUrl());
    }

    private static EndpointResult endpoint(SmokeResult result, String path) {
        return result.endpoints().stream().filter(e -> e.endpoint().equals(path)).findFirst().orElseThrow();
    }

    @Nested
    @DisplayName("against a real local server")
    class Probing {

        @Test
        @DisplayName("passes when every endpoint answers as expected, with a warm-up and N samples each")
        void allHealthy() {
            server.healthy("/health").respond("/ready", 204, "").respond("/v1/markets", 200, "{\"markets\":[]}");

            SmokeResult result = check()
                    .endpoint(Endpoint.get("/health"))
                    .endpoint(Endpoint.get("/ready").expectStatus(204))
                    .endpoint(Endpoint.get("/v1/markets?limit=5").expectBodyContains("markets"))
                    .build().run(TARGET, CLOCK);

            assertThat(result.passed()).as(result.summary()).isTrue();
            assertThat(result.revision()).isEqualTo(TARGET.revision());
            assertThat(result.at()).isEqualTo(FixedClock.NOW);
            assertThat(result.endpoints()).extracting(EndpointResult::endpoint)
                    .containsExactly("/health", "/ready", "/v1/markets?limit=5");
            assertThat(endpoint(result, "/ready").status()).contains(204);
            for (EndpointResult e : result.endpoints()) {
                assertThat(e.medianLatency()).isPresent();
                assertThat(e.p95Latency().orElseThrow()).isGreaterThanOrEqualTo(e.medianLatency().orElseThrow());
                assertThat(e.error()).isEmpty();
            }
            assertThat(server.requests("/health")).isEqualTo(1 + HttpSmokeCheck.DEFAULT_SAMPLES);
        }

        @Test
        @DisplayName("fails when one endpoint answers 500, naming it and its status; the others still pass")
        void oneServerError() {
            server.healthy("/health").respond("/v1/orders", 500, "boom");

            SmokeResult result = check().endpoint(Endpoint.get("/health")).endpoint(Endpoint.get("/v1/orders"))
                    .build().run(TARGET, CLOCK);

            assertThat(result.passed()).isFalse();
            assertThat(endpoint(result, "/health").passed()).isTrue();
            EndpointResult orders = endpoint(result, "/v1/orders");
            assertThat(orders.passed()).isFalse();
            assertThat(orders.status()).contains(500);
            assertThat(orders.error().orElseThrow()).contains("status 500, expected 200");
            assertThat(result.summary()).contains("/v1/orders").doesNotContain("/health ");
        }

        @Test
        @DisplayName("fails an endpoint whose warm median (600 ms) is not under the 500 ms SLO, with its latencies")
        void slowEndpoint() {
            server.slow("/slow", Duration.ofMillis(600));

            SmokeResult result = check().endpoint(Endpoint.get("/slow")).samples(2).build().run(TARGET, CLOCK);

            EndpointResult slow = endpoint(result, "/slow");
            assertThat(result.passed()).isFalse();
            assertThat(slow.status()).contains(200);
            assertThat(slow.medianLatency().orElseThrow()).isGreaterThanOrEqualTo(Duration.ofMillis(600));
            assertThat(slow.p95Latency()).isPresent();
            assertThat(slow.error().orElseThrow()).contains("not under the SLO of 500ms");
        }

        @Test
        @DisplayName("fails a hanging endpoint after the request timeout instead of blocking")
        void hangingEndpoint() {
            server.hang("/hang").healthy("/health");

            SmokeResult result = check().endpoint(Endpoint.get("/hang")).endpoint(Endpoint.get("/health"))
                    .requestTimeout(Duration.ofMillis(300)).build().run(TARGET, CLOCK);

            EndpointResult hang = endpoint(result, "/hang");
            assertThat(result.passed()).isFalse();
            assertThat(hang.status()).isEmpty();
            assertThat(hang.error().orElseThrow()).contains("warm-up request").contains("timed out")
                    .contains("300ms");
            assertThat(endpoint(result, "/health").passed()).isTrue();
        }

        @Test
        @DisplayName("does not follow a redirect by default, and says where it pointed without its query")
        void redirectNotFollowed() {
            server.redirect("/old-health", "/health?session=s3cr3t").healthy("/health");

            SmokeResult result = check().endpoint(Endpoint.get("/old-health")).build().run(TARGET, CLOCK);

            EndpointResult old = endpoint(result, "/old-health");
            assertThat(old.passed()).isFalse();
            assertThat(old.status()).contains(302);
            assertThat(old.error().orElseThrow()).contains("redirect to /health?*** not followed")
                    .doesNotContain("s3cr3t");
            assertThat(server.requests("/health")).isZero();
        }

        @Test
        @DisplayName("never shows the user info of a redirect target (a login redirect can carry a token there)")
        void redirectUserInfoNotShown() {
            server.redirect("/sso", "https://ops:s3cr3t@login.example/sso");

            SmokeResult result = check().endpoint(Endpoint.get("/sso")).build().run(TARGET, CLOCK);

            assertThat(endpoint(result, "/sso").error().orElseThrow())
                    .contains("redirect to https://***@login.example/sso not followed").doesNotContain("s3cr3t");
            assertThat(result.toString() + result.summary()).doesNotContain("s3cr3t");
        }

        @Test
        @DisplayName("follows a redirect when asked")
        void redirectFollowed() {
            server.redirect("/old-health", "/health").healthy("/health");

            SmokeResult result = check().endpoint(Endpoint.get("/old-health")).followRedirects(true).build()
                    .run(TARGET, CLOCK);

            assertThat(result.passed()).as(result.summary()).isTrue();
            assertThat(server.requests("/health")).isEqualTo(1 + HttpSmokeCheck.DEFAULT_SAMPLES);
        }

        @Test
        @DisplayName("fails on a body that lacks the expected text")
        void bodyMismatch() {
            server.respond("/health", 200, "{\"status\":\"degraded\"}");

            SmokeResult result = check().endpoint(Endpoint.get("/health").expectBodyContains("\"status\":\"ok\""))
                    .build().run(TARGET, CLOCK);

            assertThat(result.passed()).isFalse();
            assertThat(endpoint(result, "/health").error().orElseThrow()).contains("body does not contain");
        }

        @Test
        @DisplayName("fails, never throws, when the connection is refused")
        void connectionRefused() {
            TestHttpServer gone = TestHttpServer.http();
            String url = gone.baseUrl();
            gone.close();

            SmokeResult result = HttpSmokeCheck.builder().baseUrl(url).endpoint(Endpoint.get("/health")).build()
                    .run(TARGET, CLOCK);

            assertThat(result.passed()).isFalse();
            assertThat(endpoint(result, "/health").error().orElseThrow()).contains("connection refused");
        }

        @Test
        @DisplayName("probes endpoints concurrently: four first requests that need each other all pass")
        void probesConcurrently() {
            CountDownLatch arrivals = new CountDownLatch(4);
            HttpSmokeCheck.Builder builder = check().concurrency(4);
            for (String path : new String[] {"/a", "/b", "/c", "/d"}) {
                server.rendezvous(path, arrivals);
                builder.endpoint(Endpoint.get(path));
            }

            SmokeResult result = builder.build().run(TARGET, CLOCK);

            assertThat(result.passed()).as(result.summary()).isTrue();
        }

        @Test
        @DisplayName("never has more requests in flight than the concurrency bound")
        void boundedConcurrency() {
            HttpSmokeCheck.Builder builder = check().concurrency(2).samples(1);
            for (String path : new String[] {"/a", "/b", "/c", "/d", "/e", "/f"}) {
                server.slow(path, Duration.ofMillis(50));
                builder.endpoint(Endpoint.get(path));
            }

            SmokeResult result = builder.build().run(TARGET, CLOCK);

            assertThat(result.passed()).as(result.summary()).isTrue();
            assertThat(server.maxInFlight()).isBetween(1, 2);
        }
    }

    @Nested
    @DisplayName("aimed at the revision's own URL")
    class RevisionUrl {

        @Test
        @DisplayName("probes the target revision's URL when asked")
        void usesRevisionUrl() {
            server.healthy("/health");

            SmokeResult result = HttpSmokeCheck.builder().targetRevisionUrl(true).endpoint(Endpoint.get("/health"))
                    .build().run(new SmokeTarget("backend--0000042", Optional.of(server.baseUrl() + "/")), CLOCK);

            assertThat(result.passed()).as(result.summary()).isTrue();
        }

        @Test
        @DisplayName("fails every endpoint, without throwing, when the revision has no URL and there is no base URL")
        void noUrlAtAll() {
            SmokeResult result = HttpSmokeCheck.builder().targetRevisionUrl(true).endpoint(Endpoint.get("/health"))
                    .build().run(TARGET, CLOCK);

            assertThat(result.passed()).isFalse();
            assertThat(endpoint(result, "/health").error().orElseThrow()).contains("has no URL of its own");
        }

        @Test
        @DisplayName("refuses a plain-http revision URL to a non-loopback host")
        void insecureRevisionUrl() {
            SmokeResult result = HttpSmokeCheck.builder().targetRevisionUrl(true).endpoint(Endpoint.get("/health"))
                    .build().run(new SmokeTarget("r", Optional.of("http://backend.example.com")), CLOCK);

            assertThat(result.passed()).isFalse();
            assertThat(endpoint(result, "/health").error().orElseThrow()).contains("plain http");
            SmokeResult lookalike = HttpSmokeCheck.builder().targetRevisionUrl(true).endpoint(Endpoint.get("/health"))
                    .build().run(new SmokeTarget("r", Optional.of("http://127.0.0.1.nip.io")), CLOCK);
            assertThat(endpoint(lookalike, "/health").error().orElseThrow()).contains("plain http");
        }
    }

    @Nested
    @DisplayName("over TLS with a self-signed certificate")
    class Tls {

        @Test
        @DisplayName("never follows a redirect from https down to plain http, even to loopback")
        void noDowngrade(@TempDir Path dir) throws Exception {
            TestCertificates.SelfSigned cert = TestCertificates.selfSigned(dir);
            try (TestHttpServer tls = TestHttpServer.https(cert.server());
                    TestHttpServer plain = TestHttpServer.http()) {
                plain.healthy("/health");
                tls.redirect("/health", plain.baseUrl() + "/health");

                SmokeResult result = HttpSmokeCheck.builder().baseUrl(tls.baseUrl()).sslContext(cert.trustingClient())
                        .followRedirects(true).endpoint(Endpoint.get("/health").header("Authorization", "Bearer t"))
                        .build().run(TARGET, CLOCK);

                assertThat(endpoint(result, "/health").error().orElseThrow())
                        .contains("never goes from https to plain http");
                assertThat(plain.requests("/health")).isZero();
            }
        }

        @Test
        @DisplayName("refuses the certificate unless it is trusted, and passes once it is")
        void selfSigned(@TempDir Path dir) throws Exception {
            TestCertificates.SelfSigned cert = TestCertificates.selfSigned(dir);
            try (TestHttpServer tls = TestHttpServer.https(cert.server())) {
                tls.healthy("/health");
                HttpSmokeCheck.Builder builder = HttpSmokeCheck.builder().baseUrl(tls.baseUrl())
                        .endpoint(Endpoint.get("/health"));

                SmokeResult untrusted = builder.build().run(TARGET, CLOCK);
                SmokeResult trusted = builder.sslContext(cert.trustingClient()).build().run(TARGET, CLOCK);

                assertThat(untrusted.passed()).isFalse();
                assertThat(endpoint(untrusted, "/health").error().orElseThrow()).contains("TLS failed");
                assertThat(trusted.passed()).as(trusted.summary()).isTrue();
            }
        }
    }

    @Nested
    @DisplayName("with credentials in headers")
    class Credentials {

        private static final String SECRET = "Bearer eyJhbGciOi.s3cr3t-token";

        @Test
        @DisplayName("sends header values but never shows them in results, toString or messages")
        void headerValueNeverShown() {
            server.respond("/private", 401, "").behave("/private", exchange -> TestHttpServer.send(exchange,
                    SECRET.equals(exchange.getRequestHeaders().getFirst("Authorization")) ? 200 : 401, "ok"));
            HttpSmokeCheck check = check().endpoint(Endpoint.get("/private").header("Authorization", SECRET))
                    .endpoint(Endpoint.get("/missing").header("X-Api-Key", SECRET)).build();

            SmokeResult result = check.run(TARGET, CLOCK);

            assertThat(server.lastAuthorization("/private")).contains(SECRET);
            assertThat(endpoint(result, "/private").passed()).isTrue();
            assertThat(endpoint(result, "/missing").passed()).isFalse();
            assertThat(result.toString()).doesNotContain("s3cr3t");
            assertThat(result.summary()).doesNotContain("s3cr3t");
            assertThat(check.toString()).contains("Authorization").doesNotContain("s3cr3t");
        }

        @Test
        @DisplayName("applies builder-wide headers to every endpoint, an endpoint's own header winning")
        void commonHeaders() {
            server.healthy("/a").healthy("/b");

            check().header("Authorization", "common").endpoint(Endpoint.get("/a"))
                    .endpoint(Endpoint.get("/b").header("Authorization", "own")).build().run(TARGET, CLOCK);

            assertThat(server.lastAuthorization("/a")).contains("common");
            assertThat(server.lastAuthorization("/b")).contains("own");
        }

        @Test
        @DisplayName("rejects an unsendable header value without quoting it")
        void badHeaderValue() {
            assertThatThrownBy(() -> check().endpoint(Endpoint.get("/h").header("Authorization", "s3cr3t\r\nX: y"))
                    .build())
                    .isInstanceOf(InvalidConfigurationException.class)
                    .hasMessageContaining("header 'Authorization'")
                    .hasMessageNotContaining("s3cr3t");
        }
    }

    @Nested
    @DisplayName("configuration")
    class Configuration {

        @Test
        @DisplayName("defaults are the runbook's numbers")
        void defaults() {
            HttpSmokeCheck check = check().endpoint(Endpoint.get("/health")).build();

            assertThat(check.latencySlo()).isEqualTo(Duration.ofMillis(500))
                    .isEqualTo(HttpSmokeCheck.DEFAULT_SMOKE_LATENCY_SLO);
            assertThat(check.samples()).isEqualTo(3);
            assertThat(check.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
            assertThat(check.concurrency()).isEqualTo(4);
        }

        @Test
        @DisplayName("build() reports every problem at once")
        void everyProblemAtOnce() {
            assertThatThrownBy(() -> HttpSmokeCheck.builder().samples(0).concurrency(0)
                    .latencySlo(Duration.ZERO).requestTimeout(Duration.ofSeconds(-1)).build())
                    .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                            .hasSize(6)
                            .anySatisfy(p -> assertThat(p).startsWith("baseUrl:"))
                            .anySatisfy(p -> assertThat(p).startsWith("endpoints:"))
                            .anySatisfy(p -> assertThat(p).startsWith("samples:"))
                            .anySatisfy(p -> assertThat(p).startsWith("concurrency:"))
                            .anySatisfy(p -> assertThat(p).startsWith("latencySlo:"))
                            .anySatisfy(p -> assertThat(p).startsWith("requestTimeout:")));
        }

        @Test
        @DisplayName("reports bad endpoints by index")
        void badEndpoints() {
            assertThatThrownBy(() -> check().endpoint(Endpoint.get("health"))
                    .endpoint(Endpoint.get("/ok").expectStatus(700)).endpoint(Endpoint.get("//evil.example.com/"))
                    .endpoint(Endpoint.get("/search?q=two words")).build())
                    .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                            .containsExactly("endpoints[0] health: path must start with '/', got 'health'",
                                    "endpoints[1] /ok: expected status must be 100..599, got 700",
                                    "endpoints[2] //evil.example.com/: path must not start with '//' (that names "
                                            + "another host), got '//evil.example.com/'",
                                    "endpoints[3] /search?q=two words: path is not a valid URL path (Illegal "
                                            + "character in query at index 13); percent-encode it"));
        }

        @Test
        @DisplayName("allows plain http only to loopback unless explicitly allowed")
        void insecureHttp() {
            for (String loopback : new String[] {"http://127.0.0.1:8080", "http://localhost", "http://[::1]:9",
                "http://127.0.0.2:8080", "http://LOCALHOST/"}) {
                assertThat(HttpSmokeCheck.builder().baseUrl(loopback).endpoint(Endpoint.get("/h")).build())
                        .isNotNull();
            }
            for (String lookalike : new String[] {"http://127.evil.example", "http://127.0.0.1.nip.io",
                "http://0x7f000001", "http://2130706433", "http://[::ffff:10.0.0.1]", "http://localhost.evil.example"}) {
                assertThatThrownBy(() -> HttpSmokeCheck.builder().baseUrl(lookalike).endpoint(Endpoint.get("/h"))
                        .build()).as(lookalike).isInstanceOf(InvalidConfigurationException.class)
                        .hasMessageContaining("plain http is allowed only to a loopback host")
                        .hasMessageContaining("use https://");
                assertThatThrownBy(() -> HttpHealthProbe.builder().baseUrl(lookalike).build()).as(lookalike)
                        .isInstanceOf(InvalidConfigurationException.class)
                        .hasMessageContaining("plain http is allowed only to a loopback host");
            }
            assertThatThrownBy(() -> HttpSmokeCheck.builder().baseUrl("http://backend.example.com")
                    .endpoint(Endpoint.get("/h")).build())
                    .isInstanceOf(InvalidConfigurationException.class)
                    .hasMessageContaining("plain http is allowed only to a loopback host");
            assertThat(HttpSmokeCheck.builder().baseUrl("http://backend.example.com").allowInsecureHttp(true)
                    .endpoint(Endpoint.get("/h")).build()).isNotNull();
        }

        @Test
        @DisplayName("rejects credentials in the base URL or an endpoint path without echoing them")
        void userInfoInUrl() {
            assertThatThrownBy(() -> HttpSmokeCheck.builder().baseUrl("https://ops:s3cr3t@backend.example.com")
                    .endpoint(Endpoint.get("/h")).build())
                    .isInstanceOf(InvalidConfigurationException.class)
                    .hasMessageContaining("must not contain user info")
                    .hasMessageNotContaining("s3cr3t");
            Endpoint hostPath = Endpoint.get("//ops:s3cr3t@evil.example/health");
            assertThatThrownBy(() -> HttpSmokeCheck.builder().baseUrl("https://backend.example.com")
                    .endpoint(hostPath).build())
                    .isInstanceOf(InvalidConfigurationException.class)
                    .hasMessageContaining("endpoints[0] //***@evil.example/health: path must not start with '//'")
                    .hasMessageNotContaining("s3cr3t");
            assertThatThrownBy(() -> HttpHealthProbe.builder().baseUrl("https://backend.example.com")
                    .endpoint(hostPath).build())
                    .hasMessageContaining("must not start with '//'").hasMessageNotContaining("s3cr3t");
            assertThat(hostPath.toString()).doesNotContain("s3cr3t");
        }
    }
}
