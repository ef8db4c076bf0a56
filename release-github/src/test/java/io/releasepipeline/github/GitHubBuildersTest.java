package io.releasepipeline.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.releasepipeline.error.InvalidConfigurationException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Builder validation and the defaults a user relies on. */
class GitHubBuildersTest {

    @Test
    @DisplayName("the connection builder reports every problem at once")
    void connectionProblems() {
        InvalidConfigurationException e = catchThrowableOfType(InvalidConfigurationException.class,
                () -> GitHubConnection.builder()
                        .apiUrl(URI.create("ftp://example.com"))
                        .repository("trade-nexus")
                        .secondaryRateLimitBackoff(Duration.ofSeconds(5))
                        .maxAttempts(0)
                        .build());

        assertThat(e.problems()).hasSize(5);
        assertThat(e.problems()).anyMatch(p -> p.startsWith("github.apiUrl:"))
                .anyMatch(p -> p.startsWith("github.repository:") && p.contains("owner/name"))
                .anyMatch(p -> p.startsWith("github.token:") && p.contains("GITHUB_TOKEN"))
                .anyMatch(p -> p.startsWith("github.secondaryRateLimitBackoff:") && p.contains("60 s"))
                .anyMatch(p -> p.startsWith("github.maxAttempts:"));
    }

    @Test
    @DisplayName("the CI provider builder reports every problem at once")
    void ciProblems() {
        GitHubConnection connection = GitHubConnection.builder().repository("octo-org/trade-nexus")
                .token(TokenSource.ofToken("t")).build();

        InvalidConfigurationException e = catchThrowableOfType(InvalidConfigurationException.class,
                () -> GitHubCiProvider.builder(connection).deployWorkflow(".github/workflows/backend-deploy.yml")
                        .mergeMethod(null).mergeableRecheck(-1, Duration.ofSeconds(-1)).build());

        assertThat(e.problems()).hasSize(4);
        assertThat(e.getMessage()).contains("github.deployWorkflow", "github.mergeMethod",
                "github.mergeableRecheck.times", "github.mergeableRecheck.delay");
    }

    @Test
    @DisplayName("defaults: github.com, the runbook's workflow, squash; an Enterprise URL keeps its /api/v3 path")
    void defaults() {
        GitHubConnection dotCom = GitHubConnection.builder().repository("octo-org/trade-nexus")
                .token(TokenSource.fromEnvironment("GITHUB_TOKEN")).build();
        GitHubConnection enterprise = GitHubConnection.builder().repository("octo-org/trade-nexus")
                .apiUrl(URI.create("https://github.example.com/api/v3/")).token(TokenSource.of(() -> "x")).build();
        GitHubCiProvider ci = GitHubCiProvider.builder(dotCom).build();

        assertThat(dotCom.apiUrl()).isEqualTo(URI.create("https://api.github.com"));
        assertThat(enterprise.apiUrl()).isEqualTo(URI.create("https://github.example.com/api/v3"));
        assertThat(ci.deployWorkflow()).isEqualTo("backend-deploy.yml");
        assertThat(ci.mergeMethod()).isEqualTo(MergeMethod.SQUASH);
        assertThat(dotCom.toString()).contains("environment variable GITHUB_TOKEN");
    }

    @Test
    @DisplayName("a token source never shows its token")
    void tokenSourceHidesToken() {
        TokenSource source = TokenSource.ofToken("ghp_secretsecret");

        assertThat(source.token()).hasValue("ghp_secretsecret");
        assertThat(source.toString()).doesNotContain("ghp_secretsecret");
        assertThat(source.description()).doesNotContain("ghp_secretsecret");
        assertThat(TokenSource.of(() -> "  ").token()).isEmpty();
    }
}
