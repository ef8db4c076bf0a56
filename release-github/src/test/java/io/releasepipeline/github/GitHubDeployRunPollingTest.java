package io.releasepipeline.github;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.releasepipeline.spi.DeployRun;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What it costs to watch a deploy run: the runbook's 3-5 minute run, polled every 15 s the way the engine does
 * (findDeployRun until the run appears, then deployRun), against a GitHub that answers 304 when nothing changed.
 */
class GitHubDeployRunPollingTest extends GitHubWireMockSupport {

    private static final Logger log = LoggerFactory.getLogger(GitHubDeployRunPollingTest.class);
    static final String RUNS = API + "/actions/workflows/backend-deploy.yml/runs";
    static final String RUN = API + "/actions/runs/30433642";
    static final Duration POLL = Duration.ofSeconds(15);

    @Test
    @DisplayName("a 5-minute deploy run polled every 15 s costs <= 25 requests, <= 5 of them against the rate limit")
    void fiveMinuteRunCostsFewCountedRequests() {
        GitHubCiProvider ci = ci();
        Optional<DeployRun> run = Optional.empty();
        DeployRun last = null;
        int polls = 0;
        for (Duration t = Duration.ZERO; t.compareTo(Duration.ofMinutes(5)) < 0; t = t.plus(POLL)) {
            githubAsOf(t);
            polls++;
            if (run.isEmpty()) {
                run = ci.findDeployRun(MERGE_SHA);
                last = run.orElse(null);
            } else {
                last = ci.deployRun(run.get().id());
            }
            clock.advance(POLL);
        }

        List<ServeEvent> served = served();
        long counted = served.stream().filter(e -> e.getResponse().getStatus() != 304).count();
        log.info("watching a 5-minute deploy run: {} polls, {} requests, {} counted against the primary limit, {} "
                + "answered 304", polls, served.size(), counted, served.size() - counted);
        assertThat(polls).isEqualTo(20);
        assertThat(last).isNotNull();
        assertThat(last.succeeded()).isTrue();
        assertThat(served).hasSizeLessThanOrEqualTo(25);
        assertThat(counted).isLessThanOrEqualTo(5);
        assertThat(served.stream().filter(e -> e.getResponse().getStatus() == 304)
                .allMatch(e -> e.getRequest().containsHeader("If-None-Match"))).isTrue();
        assertThat(clock.sleeps()).as("the provider itself never waits while polling").isEmpty();
    }

    /** GitHub's state at {@code t}: the run is created at 30 s, starts at 90 s and succeeds at 4 min 45 s. */
    private void githubAsOf(Duration t) {
        long s = t.toSeconds();
        if (s == 0) {
            publish(RUNS, workflowRuns());
        } else if (s == 30) {
            publish(RUNS, workflowRuns(workflowRun(30433642, "queued", null)));
            publish(RUN, workflowRun(30433642, "queued", null));
        } else if (s == 90) {
            publish(RUN, workflowRun(30433642, "in_progress", null));
        } else if (s == 285) {
            publish(RUN, workflowRun(30433642, "completed", "success"));
        }
    }
}
