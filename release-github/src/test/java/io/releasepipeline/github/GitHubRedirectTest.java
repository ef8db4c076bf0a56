package io.releasepipeline.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.releasepipeline.error.ProviderException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The connection's own HTTP client (none injected, as users run it) never follows a redirect: GitHub on one WireMock
 * redirects to a second server on another port, which never sees a request, let alone the token.
 */
class GitHubRedirectTest extends GitHubWireMockSupport {

    private final WireMockServer elsewhere = new WireMockServer(wireMockConfig().dynamicPort()
            .bindAddress("127.0.0.1"));

    @BeforeEach
    void startElsewhere() {
        elsewhere.start();
        elsewhere.stubFor(get(urlPathEqualTo("/collect")).willReturn(aResponse().withStatus(200)));
    }

    @AfterEach
    void stopElsewhere() {
        elsewhere.stop();
    }

    @Test
    @DisplayName("a redirect to another host is not followed: the call fails naming it, without user info or query")
    void redirectToAnotherHostNotFollowed() {
        String run = API + "/actions/runs/1";
        github.stubFor(get(urlPathEqualTo(run)).willReturn(aResponse().withStatus(307).withHeader("Location",
                "http://spy:pw@127.0.0.1:" + elsewhere.port() + "/collect?session=abc")));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> ci().deployRun("1"));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("was redirected (307) to http://***@127.0.0.1:" + elsewhere.port()
                + "/collect?*** and not followed").doesNotContain("spy", "pw@", "session=abc", TOKEN);
        assertThat(elsewhere.getAllServeEvents()).as("requests that reached the other host").isEmpty();
    }
}
