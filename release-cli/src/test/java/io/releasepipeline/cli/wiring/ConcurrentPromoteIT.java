package io.releasepipeline.cli.wiring;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.releasepipeline.cli.wiring.ProductionWorld.PR;
import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.evidence.file.FileEvidenceStore;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two {@code release promote} of one app started at the same instant, from the packaged jar with production wiring
 * and the file evidence store: exactly one proceeds, the other exits 75 naming the holder. No start barrier is
 * needed: the first pull request read after the lock never answers, so the winner holds the lock for as long as the
 * loser takes to get there; once the loser has exited, the winner is killed and its lock file (stale) removed for
 * the next round.
 */
class ConcurrentPromoteIT extends ProductionWiring {

    private static final int ROUNDS = 20;
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Pattern STARTED_WITH_UNIQUE_ID = Pattern.compile("release (pr" + PR
            + "-\\d{8}-\\d{6}-[a-z2-7]{6}): promoting pull request #" + PR);

    @Test
    @DisplayName("two promotes at the same instant, 20 times: exactly one proceeds, the other exits 75 naming it")
    void onlyOneProceeds() throws IOException {
        stableAppAndGreenPr(40);
        world.github.server.stubFor(get(urlPathEqualTo(GitHubStandIn.API + "/pulls/" + PR)).atPriority(1)
                .willReturn(aResponse().withStatus(503).withFixedDelay((int) WAIT.toMillis() * 2)));
        Instant start = Instant.now();

        for (int round = 0; round < ROUNDS; round++) {
            ReleaseProcess one = world.start("promote", "--pr", String.valueOf(PR));
            ReleaseProcess two = world.start("promote", "--pr", String.valueOf(PR));

            ReleaseProcess.Run loser = firstToExit(one, two);
            ReleaseProcess winner = loser == null ? null : (one.isAlive() ? one : two);

            assertThat(loser).as("round %d: one of them exits while the other holds the lock", round).isNotNull();
            assertThat(loser.exitCode()).as("round %d: %s", round, loser).isEqualTo(75);
            assertThat(winner.isAlive()).as("round %d: the winner still runs", round).isTrue();
            String winnerId = releaseId(winner.awaitLine(STARTED_WITH_UNIQUE_ID.asPredicate(), WAIT));
            assertThat(loser.out()).as("round %d: the loser never started", round).doesNotContain("promoting pull");
            assertThat(loser.err()).as("round %d: names the holder", round)
                    .contains("release " + winnerId + " in progress", "owner o-", "live");
            world.checked(winner.kill());
            Files.delete(dir.resolve(FileEvidenceStore.DEFAULT_ROOT).resolve(".locks")
                    .resolve(ProductionWorld.APP + ".lock"));
        }
        System.out.println("ConcurrentPromoteIT: " + ROUNDS + " rounds in " + Duration.between(start, Instant.now()));
    }

    /** Waits until one of the two has exited and returns its run (null if neither exits in time). */
    private static ReleaseProcess.Run firstToExit(ReleaseProcess one, ReleaseProcess two) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!one.isAlive()) {
                return world.checked(one.await(WAIT));
            }
            if (!two.isAlive()) {
                return world.checked(two.await(WAIT));
            }
            one.awaitExit(Duration.ofMillis(50));
        }
        return null;
    }
}
