package io.releasepipeline.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.releasepipeline.error.ProviderException;
import io.releasepipeline.spi.DeployRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The REST client's protocol behaviour, observed through the providers: headers, ETags, limits, errors. */
class GitHubClientBehaviourTest extends GitHubWireMockSupport {

    static final String RUN = API + "/actions/runs/30433642";

    @Test
    @DisplayName("every request carries GitHub's media type, API version, a user agent and the bearer token")
    void requiredHeaders() {
        publish(RUN, workflowRun(30433642, "queued", null));

        ci().deployRun("30433642");

        github.verify(getRequestedFor(urlPathEqualTo(RUN))
                .withHeader("Accept", equalTo("application/vnd.github+json"))
                .withHeader("X-GitHub-Api-Version", equalTo("2022-11-28"))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withHeader("User-Agent", matching(".+")));
    }

    @Nested
    @DisplayName("conditional requests")
    class Conditional {

        @Test
        @DisplayName("a poll sends If-None-Match with the last ETag and a 304 returns the cached body")
        void notModified() {
            GitHubCiProvider ci = ci();
            publish(RUN, workflowRun(30433642, "in_progress", null));

            DeployRun first = ci.deployRun("30433642");
            DeployRun second = ci.deployRun("30433642");

            assertThat(second).isEqualTo(first);
            assertThat(second.status()).isEqualTo(DeployRun.Status.IN_PROGRESS);
            assertThat(served()).extracting(e -> e.getResponse().getStatus()).containsExactlyInAnyOrder(200, 304);
            github.verify(1, getRequestedFor(urlPathEqualTo(RUN)).withHeader("If-None-Match", matching("W/\".+\"")));
        }

        @Test
        @DisplayName("a changed resource answers 200 with a new ETag and the new body replaces the cached one")
        void changed() {
            GitHubCiProvider ci = ci();
            publish(RUN, workflowRun(30433642, "in_progress", null));
            ci.deployRun("30433642");
            publish(RUN, workflowRun(30433642, "completed", "success"));

            assertThat(ci.deployRun("30433642").succeeded()).isTrue();
        }
    }

    @Nested
    @DisplayName("rate limits")
    class RateLimits {

        @Test
        @DisplayName("an exhausted primary limit is waited out until its reset when that is within the bound")
        void primaryWithinBound() {
            long reset = clock.now().plusSeconds(120).getEpochSecond();
            github.stubFor(getPath(RUN).inScenario("primary").whenScenarioStateIs(STARTED)
                    .willReturn(json(403, "{\"message\": \"API rate limit exceeded for installation ID 1.\", "
                            + "\"documentation_url\": \"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api\"}")
                            .withHeader("x-ratelimit-remaining", "0")
                            .withHeader("x-ratelimit-reset", Long.toString(reset)))
                    .willSetStateTo("reset"));
            github.stubFor(getPath(RUN).inScenario("primary").whenScenarioStateIs("reset")
                    .willReturn(json(200, workflowRun(30433642, "queued", null))));

            DeployRun run = ci().deployRun("30433642");

            assertThat(run.status()).isEqualTo(DeployRun.Status.QUEUED);
            assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(121));
        }

        @Test
        @DisplayName("a primary reset beyond the bound fails at once, transient, naming the reset time")
        void primaryBeyondBound() {
            Instant reset = clock.now().plus(Duration.ofMinutes(50));
            github.stubFor(getPath(RUN).willReturn(json(429, "{\"message\": \"API rate limit exceeded\"}")
                    .withHeader("x-ratelimit-remaining", "0")
                    .withHeader("x-ratelimit-reset", Long.toString(reset.getEpochSecond()))));

            ProviderException e = catchThrowableOfType(ProviderException.class, () -> ci().deployRun("30433642"));

            assertThat(e.isTransient()).isTrue();
            assertThat(e.getMessage()).contains("primary rate limit", reset.toString(), "maxRateLimitWait");
            assertThat(e.retryAfter()).hasValue(Duration.ofMinutes(50).plusSeconds(1));
            assertThat(clock.sleeps()).isEmpty();
            assertThat(served()).hasSize(1);
        }

        @Test
        @DisplayName("a secondary limit with retry-after waits exactly that long, then succeeds")
        void secondaryRetryAfter() {
            github.stubFor(getPath(RUN).inScenario("secondary").whenScenarioStateIs(STARTED)
                    .willReturn(json(403, "{\"message\": \"You have exceeded a secondary rate limit. Please wait a "
                            + "few minutes before you try again.\"}").withHeader("retry-after", "42"))
                    .willSetStateTo("ok"));
            github.stubFor(getPath(RUN).inScenario("secondary").whenScenarioStateIs("ok")
                    .willReturn(json(200, workflowRun(30433642, "completed", "success"))));

            assertThat(ci().deployRun("30433642").succeeded()).isTrue();
            assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(42));
        }

        @Test
        @DisplayName("a secondary limit without retry-after backs off from 60 s, doubling, and gives up after the cap")
        void secondaryBackoffAndCap() {
            github.stubFor(getPath(RUN).willReturn(json(429, "{\"message\": \"You have exceeded a secondary rate "
                    + "limit.\"}")));

            ProviderException e = catchThrowableOfType(ProviderException.class, () -> ci().deployRun("30433642"));

            assertThat(e.isTransient()).isTrue();
            assertThat(e.statusCode()).isEqualTo(429);
            assertThat(e.getMessage()).contains("secondary rate limit", "gave up after 4 tries");
            assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(60), Duration.ofSeconds(120),
                    Duration.ofSeconds(240));
            assertThat(served()).hasSize(4);
        }

        @Test
        @DisplayName("writes are spaced at least one second apart on the clock")
        void writeSpacing() {
            github.stubFor(post(urlPathEqualTo(API + "/issues/42/comments"))
                    .willReturn(json(201, "{\"id\": 1, \"body\": \"x\"}")));
            GitHubCiProvider ci = ci();

            ci.comment(42, "first");
            ci.comment(42, "second");
            ci.comment(42, "third");

            assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
            assertThat(clock.elapsed()).isEqualTo(Duration.ofSeconds(2));
        }
    }

    @Nested
    @DisplayName("errors")
    class Errors {

        @Test
        @DisplayName("server errors on reads are retried with backoff and then succeed")
        void serverErrorRetried() {
            github.stubFor(getPath(RUN).inScenario("5xx").whenScenarioStateIs(STARTED)
                    .willReturn(json(502, "{\"message\": \"Server Error\"}")).willSetStateTo("again"));
            github.stubFor(getPath(RUN).inScenario("5xx").whenScenarioStateIs("again")
                    .willReturn(json(503, "")).willSetStateTo("ok"));
            github.stubFor(getPath(RUN).inScenario("5xx").whenScenarioStateIs("ok")
                    .willReturn(json(200, workflowRun(30433642, "queued", null))));

            assertThat(ci().deployRun("30433642").status()).isEqualTo(DeployRun.Status.QUEUED);
            assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        }

        @Test
        @DisplayName("persistent server errors end in a transient error with the status, after maxAttempts")
        void serverErrorExhausted() {
            github.stubFor(getPath(RUN).willReturn(json(500, "{\"message\": \"Server Error\"}")));

            ProviderException e = catchThrowableOfType(ProviderException.class, () -> ci().deployRun("30433642"));

            assertThat(e.isTransient()).isTrue();
            assertThat(e.statusCode()).isEqualTo(500);
            assertThat(e.getMessage()).contains("deployRun(30433642)", "500", "after 4 attempts");
            assertThat(served()).hasSize(4);
        }

        @Test
        @DisplayName("a write that hit a server error is not repeated (it may have been applied)")
        void writeNotRetried() {
            github.stubFor(post(urlPathEqualTo(API + "/issues/42/comments")).willReturn(json(502, "")));

            ProviderException e = catchThrowableOfType(ProviderException.class, () -> ci().comment(42, "note"));

            assertThat(e.isTransient()).isTrue();
            github.verify(1, postRequestedFor(urlPathEqualTo(API + "/issues/42/comments")));
        }

        @Test
        @DisplayName("malformed JSON is a clear, permanent error that points at the API URL")
        void malformedJson() {
            github.stubFor(getPath(RUN).willReturn(json(200, "{\"id\": 30433642, \"status\": ")));

            ProviderException e = catchThrowableOfType(ProviderException.class, () -> ci().deployRun("30433642"));

            assertThat(e.isTransient()).isFalse();
            assertThat(e.getMessage()).contains("not valid JSON", "/actions/runs/30433642", "api/v3");
        }

        @Test
        @DisplayName("401 names the token's source, never the token, anywhere in the exception")
        void badToken() {
            github.stubFor(getPath(RUN).willReturn(json(401, "{\"message\": \"Bad credentials\", "
                    + "\"documentation_url\": \"https://docs.github.com/rest\"}")));
            GitHubCiProvider ci = ci();

            ProviderException e = catchThrowableOfType(ProviderException.class, () -> ci.deployRun("30433642"));

            assertThat(e.isTransient()).isFalse();
            assertThat(e.statusCode()).isEqualTo(401);
            assertThat(e.getMessage()).contains("rejected the token", "configured token", "Bad credentials");
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            assertThat(trace.toString()).doesNotContain(TOKEN);
            assertThat(ci.toString()).doesNotContain(TOKEN);
            assertThat(served()).hasSize(1);
        }

        @Test
        @DisplayName("a missing environment token fails before any request, naming the variable")
        void missingEnvironmentToken() {
            GitHubCiProvider ci = GitHubCiProvider.builder(connection(b -> b.token(
                    TokenSource.fromEnvironment("RELEASE_PIPELINE_TEST_UNSET_TOKEN")))).build();

            ProviderException e = catchThrowableOfType(ProviderException.class, () -> ci.deployRun("1"));

            assertThat(e.getMessage()).contains("environment variable RELEASE_PIPELINE_TEST_UNSET_TOKEN");
            assertThat(served()).isEmpty();
        }

        @Test
        @DisplayName("a request that times out is retried, then reported as transient")
        void timeout() {
            github.stubFor(getPath(RUN).willReturn(json(200, workflowRun(1, "queued", null)).withFixedDelay(600)));
            GitHubCiProvider ci = GitHubCiProvider.builder(connection(b -> b.requestTimeout(Duration.ofMillis(150))
                    .maxAttempts(2))).build();

            ProviderException e = catchThrowableOfType(ProviderException.class, () -> ci.deployRun("30433642"));

            assertThat(e.isTransient()).isTrue();
            assertThat(e.getMessage()).contains("no answer within PT0.15S", "after 2 attempts");
            assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(1));
        }

        @Test
        @DisplayName("a pagination link to another host is not followed, so the token stays on the API host")
        void foreignLink() {
            github.stubFor(getPath(API + "/issues").willReturn(json(200, array())
                    .withHeader("Link", "<https://attacker.example/repos/x/issues?page=2>; rel=\"next\"")));
            GitHubIncidentProvider incidents = GitHubIncidentProvider.builder(connection()).build();

            ProviderException e = catchThrowableOfType(ProviderException.class,
                    () -> incidents.openIncidents(java.util.Set.of("SEV-1")));

            assertThat(e.getMessage()).contains("attacker.example", "not following it");
            assertThat(served()).hasSize(1);
        }

        @Test
        @DisplayName("a link to the same host on another port is another origin: not followed, and the message "
                + "names both ports")
        void otherPort() {
            int port = github.getPort() == 1 ? 2 : github.getPort() - 1;
            github.stubFor(getPath(API + "/issues").willReturn(json(200, array())
                    .withHeader("Link", "<http://127.0.0.1:" + port + "/repos/x/issues?page=2&sig=abc>; rel=\"next\"")));
            GitHubIncidentProvider incidents = GitHubIncidentProvider.builder(connection()).build();

            ProviderException e = catchThrowableOfType(ProviderException.class,
                    () -> incidents.openIncidents(java.util.Set.of("SEV-1")));

            assertThat(e.getMessage()).contains("http://127.0.0.1:" + port + ", which is not the API's origin",
                    ":" + github.getPort()).doesNotContain("sig=");
            assertThat(served()).hasSize(1);
        }
    }

    @Test
    @DisplayName("a 404 says the resource is missing or invisible to the token")
    void notFound() {
        github.stubFor(getPath(RUN).willReturn(aResponse().withStatus(404)
                .withBody("{\"message\": \"Not Found\"}")));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> ci().deployRun("30433642"));

        assertThat(e.statusCode()).isEqualTo(404);
        assertThat(e.isTransient()).isFalse();
        assertThat(e.getMessage()).contains("404", "cannot see it");
        assertThat(List.of(e.provider(), e.operation())).containsExactly("github", "deployRun(30433642)");
    }
}
