package io.releasepipeline.health.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.health.HealthProbe.ProbeResult;
import io.releasepipeline.health.SmokeTarget;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class HttpHealthProbeTest {

    private static final SmokeTarget TARGET = SmokeTarget.of("backend--0000042");

    private final TestHttpServer server = TestHttpServer.http();

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    @DisplayName("is up when GET /health answers 200, with the status in the detail and the latency beside it")
    void up() {
        server.healthy("/health");

        ProbeResult result = HttpHealthProbe.builder().baseUrl(server.baseUrl()).build().probe(TARGET);

        assertThat(result.up()).isTrue();
        assertThat(result.detail()).isEqualTo("GET /health 200");
        assertThat(result.latency()).hasValueSatisfying(l -> assertThat(l).isPositive()
                .isLessThan(HttpHealthProbe.DEFAULT_PROBE_TIMEOUT));
        assertThat(server.requests("/health")).isEqualTo(1);
    }

    @Test
    @DisplayName("describes a steady endpoint the same on every probe: the evidence writes a description once")
    void stableDescription() {
        server.healthy("/health");
        HttpHealthProbe probe = HttpHealthProbe.builder().baseUrl(server.baseUrl()).build();

        List<ProbeResult> results = IntStream.range(0, 20).mapToObj(i -> probe.probe(TARGET)).toList();

        assertThat(results).extracting(ProbeResult::detail).containsOnly("GET /health 200");
        assertThat(results).allSatisfy(r -> assertThat(r.latency()).isPresent());
    }

    @Test
    @DisplayName("is down on an unexpected status")
    void wrongStatus() {
        server.respond("/health", 503, "draining");

        ProbeResult result = HttpHealthProbe.builder().baseUrl(server.baseUrl()).build().probe(TARGET);

        assertThat(result.up()).isFalse();
        assertThat(result.detail()).isEqualTo("GET /health: status 503, expected 200");
        assertThat(result.latency()).isPresent();
    }

    @Test
    @DisplayName("honours a custom endpoint and expected status")
    void customEndpoint() {
        server.respond("/livez", 204, "");

        ProbeResult result = HttpHealthProbe.builder().baseUrl(server.baseUrl())
                .endpoint(Endpoint.get("/livez").expectStatus(204)).build().probe(TARGET);

        assertThat(result.up()).isTrue();
    }

    @Test
    @DisplayName("is down, not blocked, when the endpoint hangs past the timeout")
    void hang() {
        server.hang("/health");

        ProbeResult result = HttpHealthProbe.builder().baseUrl(server.baseUrl()).timeout(Duration.ofMillis(200))
                .build().probe(TARGET);

        assertThat(result.up()).isFalse();
        assertThat(result.detail()).contains("timed out").contains("200ms");
    }

    @Test
    @DisplayName("is down when nothing listens")
    void refused() {
        TestHttpServer gone = TestHttpServer.http();
        String url = gone.baseUrl();
        gone.close();

        ProbeResult result = HttpHealthProbe.builder().baseUrl(url).build().probe(TARGET);

        assertThat(result.up()).isFalse();
        assertThat(result.detail()).contains("connection refused");
    }

    @Test
    @DisplayName("probes the revision's own URL when asked")
    void revisionUrl() {
        server.healthy("/health");

        ProbeResult result = HttpHealthProbe.builder().targetRevisionUrl(true).build()
                .probe(new SmokeTarget("r", Optional.of(server.baseUrl())));

        assertThat(result.up()).isTrue();
    }

    @Test
    @DisplayName("defaults to a 2 s timeout and GET /health, and reports every configuration problem at once")
    void configuration() {
        assertThat(HttpHealthProbe.DEFAULT_PROBE_TIMEOUT).isEqualTo(Duration.ofSeconds(2));
        assertThat(HttpHealthProbe.DEFAULT_ENDPOINT.path()).isEqualTo("/health");
        assertThatThrownBy(() -> HttpHealthProbe.builder().endpoint(Endpoint.get("health"))
                .timeout(Duration.ZERO).build())
                .isInstanceOfSatisfying(InvalidConfigurationException.class,
                        e -> assertThat(e.problems()).hasSize(3));
    }
}
