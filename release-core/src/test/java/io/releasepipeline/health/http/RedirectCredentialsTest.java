package io.releasepipeline.health.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.releasepipeline.health.EndpointResult;
import io.releasepipeline.health.HealthProbe;
import io.releasepipeline.health.SmokeResult;
import io.releasepipeline.health.SmokeTarget;
import io.releasepipeline.time.ReleaseClock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A smoke check or health probe told to follow redirects sends its headers (credentials) to the first request's
 * origin only. Two WireMock servers on 127.0.0.1 and two ports are two origins: the second never sees a credential.
 */
class RedirectCredentialsTest {

    private static final String TOKEN = "Bearer s3cr3t-smoke-token";
    private static final String API_KEY = "k3y-never-forwarded";
    private static final SmokeTarget TARGET = new SmokeTarget("r1", Optional.empty());
    private static final ReleaseClock CLOCK = ReleaseClock.system();

    private final WireMockServer origin = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    private final WireMockServer other = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));

    @BeforeEach
    void start() {
        origin.start();
        other.start();
        other.stubFor(get(urlPathEqualTo("/health")).willReturn(aResponse().withStatus(200).withBody("ok")));
        origin.stubFor(get(urlPathEqualTo("/health")).willReturn(aResponse().withStatus(200).withBody("ok")));
    }

    @AfterEach
    void stop() {
        origin.stop();
        other.stop();
    }

    private String base(WireMockServer server) {
        return "http://127.0.0.1:" + server.port();
    }

    private void redirect(WireMockServer from, String path, String location) {
        from.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withStatus(302)
                .withHeader("Location", location)));
    }

    private HttpSmokeCheck smoke(String path) {
        return HttpSmokeCheck.builder().baseUrl(base(origin)).samples(1).followRedirects(true)
                .header("X-Api-Key", API_KEY).endpoint(Endpoint.get(path).header("Authorization", TOKEN)).build();
    }

    private static List<LoggedRequest> requests(WireMockServer server, String path) {
        return server.findAll(getRequestedFor(urlPathEqualTo(path)));
    }

    private static EndpointResult only(SmokeResult result) {
        assertThat(result.endpoints()).hasSize(1);
        return result.endpoints().get(0);
    }

    @Test
    @DisplayName("a redirect to another origin is followed without the endpoint's headers; the origin got them")
    void crossOriginDropsCredentials() {
        redirect(origin, "/old-health", base(other) + "/health");

        SmokeResult result = smoke("/old-health").run(TARGET, CLOCK);

        assertThat(only(result).passed()).as(result.summary()).isTrue();
        assertThat(requests(origin, "/old-health")).hasSize(2).allSatisfy(r -> {
            assertThat(r.getHeader("Authorization")).isEqualTo(TOKEN);
            assertThat(r.getHeader("X-Api-Key")).isEqualTo(API_KEY);
        });
        assertThat(requests(other, "/health")).hasSize(2).allSatisfy(r -> {
            assertThat(r.containsHeader("Authorization")).as("Authorization at the other origin").isFalse();
            assertThat(r.containsHeader("X-Api-Key")).as("X-Api-Key at the other origin").isFalse();
        });
        assertThat(other.getAllServeEvents()).allSatisfy(e -> assertThat(e.getRequest().getAllHeaderKeys())
                .noneMatch(h -> h.equalsIgnoreCase("Authorization") || h.equalsIgnoreCase("Cookie")));
    }

    @Test
    @DisplayName("a redirect within the origin keeps the headers")
    void sameOriginKeepsCredentials() {
        redirect(origin, "/old-health", "/health");

        SmokeResult result = smoke("/old-health").run(TARGET, CLOCK);

        assertThat(only(result).passed()).as(result.summary()).isTrue();
        assertThat(requests(origin, "/health")).hasSize(2)
                .allSatisfy(r -> assertThat(r.getHeader("Authorization")).isEqualTo(TOKEN));
    }

    @Test
    @DisplayName("once a chain has left the origin, a hop back to it carries no headers either")
    void backToOriginStaysWithoutCredentials() {
        redirect(origin, "/old-health", base(other) + "/bounce");
        redirect(other, "/bounce", base(origin) + "/health");

        SmokeResult result = smoke("/old-health").run(TARGET, CLOCK);

        assertThat(only(result).passed()).as(result.summary()).isTrue();
        assertThat(requests(other, "/bounce")).noneMatch(r -> r.containsHeader("Authorization"));
        assertThat(requests(origin, "/health")).hasSize(2).noneMatch(r -> r.containsHeader("Authorization"));
    }

    @Test
    @DisplayName("the health probe follows the same rule")
    void healthProbeDropsCredentials() {
        redirect(origin, "/health-old", base(other) + "/health");
        HttpHealthProbe probe = HttpHealthProbe.builder().baseUrl(base(origin)).followRedirects(true)
                .endpoint(Endpoint.get("/health-old").header("Authorization", TOKEN)).build();

        HealthProbe.ProbeResult result = probe.probe(TARGET);

        assertThat(result.up()).as(result.detail()).isTrue();
        assertThat(requests(origin, "/health-old")).singleElement()
                .satisfies(r -> assertThat(r.getHeader("Authorization")).isEqualTo(TOKEN));
        assertThat(requests(other, "/health")).singleElement()
                .satisfies(r -> assertThat(r.containsHeader("Authorization")).isFalse());
    }

    @Test
    @DisplayName("a redirect to plain http on a non-loopback host is not followed, and nothing is sent there")
    void insecureRedirectRefused() {
        redirect(origin, "/old-health", "http://127.0.0.1.nip.io:" + other.port() + "/health");

        EndpointResult result = only(smoke("/old-health").run(TARGET, CLOCK));

        assertThat(result.passed()).isFalse();
        assertThat(result.error().orElseThrow()).contains("redirect to http://127.0.0.1.nip.io:" + other.port()
                + "/health not followed: plain http is allowed only to a loopback host");
        assertThat(other.getAllServeEvents()).isEmpty();
    }

    @Test
    @DisplayName("a redirect loop fails after 5 redirects instead of spinning")
    void redirectLoop() {
        redirect(origin, "/loop", "/loop");

        EndpointResult result = only(smoke("/loop").run(TARGET, CLOCK));

        assertThat(result.passed()).isFalse();
        assertThat(result.error().orElseThrow()).contains("more than 5 redirects");
        assertThat(requests(origin, "/loop")).as("the first request and 5 redirects").hasSize(6);
    }
}
