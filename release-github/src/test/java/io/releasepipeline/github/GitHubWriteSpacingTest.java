package io.releasepipeline.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ServeEventListener;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URI;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * GitHub asks for at least {@code minWriteInterval} between two writes. The interval runs from the end of one write
 * (its answer) to the start of the next, so a slow answer never brings two writes closer at GitHub's end.
 */
class GitHubWriteSpacingTest {

    private static final String COMMENTS = GitHubWireMockSupport.API + "/issues/42/comments";

    private final RecordingClock clock = new RecordingClock();
    private WireMockServer github;

    @AfterEach
    void stop() {
        if (github != null) {
            github.stop();
        }
    }

    private WireMockServer start(ServeEventListener... listeners) {
        github = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").jettyAcceptors(1)
                .jettyStopTimeout(0L).extensions(listeners));
        github.start();
        return github;
    }

    private GitHubConnection.Builder connection() {
        return GitHubConnection.builder().apiUrl(URI.create(github.baseUrl())).repository(GitHubWireMockSupport.REPO)
                .token(TokenSource.ofToken(GitHubWireMockSupport.TOKEN));
    }

    @Test
    @DisplayName("on the injected clock, a write that takes 400 ms is followed by the full interval, not the rest of it")
    void intervalRunsFromTheEndOfTheWrite() {
        // Each write takes 400 ms of the release's (virtual) time before GitHub answers it.
        start(new ServeEventListener() {
            @Override
            public void beforeResponseSent(ServeEvent serveEvent, Parameters parameters) {
                clock.advance(Duration.ofMillis(400));
            }

            @Override
            public String getName() {
                return "slow-answers";
            }
        }).stubFor(post(urlPathEqualTo(COMMENTS)).willReturn(aResponse().withStatus(201).withBody("{\"id\": 1}")));
        GitHubCiProvider ci = GitHubCiProvider.builder(connection().clock(clock).build()).build();

        ci.comment(42, "first");
        ci.comment(42, "second");
        ci.comment(42, "third");

        assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
        assertThat(clock.elapsed()).isEqualTo(Duration.ofMillis(3 * 400 + 2 * 1000));
    }

    @Test
    @DisplayName("in production (the system clock), GitHub receives each write at least the interval after it "
            + "answered the previous one")
    void productionPathSpacesWritesAtGitHub() {
        Duration interval = Duration.ofMillis(300);
        int answerMillis = 150;
        start().stubFor(post(urlPathEqualTo(COMMENTS)).willReturn(aResponse().withStatus(201).withBody("{\"id\": 1}")
                .withFixedDelay(answerMillis)));
        GitHubCiProvider ci = GitHubCiProvider.builder(connection().minWriteInterval(interval).build()).build();

        ci.comment(42, "first");
        ci.comment(42, "second");
        ci.comment(42, "third");

        List<Long> arrivals = github.getAllServeEvents().stream()
                .map(e -> e.getRequest().getLoggedDate().getTime()).sorted(Comparator.naturalOrder()).toList();
        assertThat(arrivals).hasSize(3);
        for (int i = 1; i < arrivals.size(); i++) {
            long sincePreviousAnswer = arrivals.get(i) - (arrivals.get(i - 1) + answerMillis);
            // WireMock logs arrival times in whole milliseconds: allow that rounding, nothing more.
            assertThat(sincePreviousAnswer).as("ms between the answer to write %d and the arrival of write %d", i,
                    i + 1).isGreaterThanOrEqualTo(interval.toMillis() - 1);
        }
    }
}
