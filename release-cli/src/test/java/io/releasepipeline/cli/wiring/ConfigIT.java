package io.releasepipeline.cli.wiring;

import static io.releasepipeline.cli.wiring.ProductionWorld.PR;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code release.yaml} mistakes through the packaged jar with production wiring: each is refused with exit 64
 * before any request reaches GitHub or Resource Manager, and no token is printed.
 */
class ConfigIT extends ProductionWiring {

    private void assertRefusedBeforeAnyRequest(ReleaseProcess.Run run) {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(64);
        assertThat(world.github.requests()).as("requests to GitHub").isEmpty();
        assertThat(world.armRequests()).as("requests to Resource Manager").isEmpty();
    }

    @Test
    @DisplayName("a second rollback: block is a config problem naming both lines, listed with the others: exit 64")
    void duplicateRollbackBlock() {
        world.section("observation", """
                observation:
                  window: 2s
                rollback:
                  smoke:
                    enabled: false
                """);

        ReleaseProcess.Run run = world.run("promote", "--pr", String.valueOf(PR));

        assertRefusedBeforeAnyRequest(run);
        assertThat(run.err()).containsPattern("rollback: appears twice in one mapping \\(lines \\d+ and \\d+\\); "
                + "YAML would silently keep only the last: merge them into one");
    }

    @Test
    @DisplayName("a random-looking token pasted as github.tokenVariable is refused naming the key, never printed")
    void pastedTokenNeverPrinted() {
        String token = "a8F3kL0pQz7XvB2nR5tY9wE1uI4oP6sD";
        world.env("UNRELATED_VARIABLE", token, true).section("github", """
                github:
                  repository: %s
                  apiUrl: %s
                  tokenVariable: %s
                """.formatted(GitHubStandIn.REPO, world.github.baseUrl(), token));

        ReleaseProcess.Run run = world.run("promote", "--pr", String.valueOf(PR));

        assertRefusedBeforeAnyRequest(run);
        assertThat(run.err()).contains("github.tokenVariable: the value of github.tokenVariable looks like a secret, "
                + "not a variable name; put the secret in an environment variable and give its name");
    }
}
