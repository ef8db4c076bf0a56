package io.releasepipeline.format;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Variable names versus secrets pasted in their place: caught, and never shown. */
class VariableNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"GITHUB_TOKEN", "AZURE_ACCESS_TOKEN", "AZURE_STORAGE_CONNECTION_STRING", "_PRIVATE",
        "MyGitHubTokenForReleases2024", "token", "RELEASE_TOKEN_V2", "A1B2", "CLI_TEST_GITHUB_TOKEN"})
    @DisplayName("ordinary variable names are names, and are shown as they are")
    void names(String name) {
        assertThat(VariableNames.problem("github.tokenVariable", name)).isEmpty();
        assertThat(VariableNames.shown(name)).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ghp_16C7e42F292c6912E7710c838347Ae178B4a", "gho_16C7e42F292c6912E7710c838347Ae178B4a",
        "ghu_16C7e42F292c6912E7710c838347Ae178B4a", "ghs_16C7e42F292c6912E7710c838347Ae178B4a",
        "github_pat_11ABCDEFG0yQ7Wcx3nXrPZ_k2Jd8sLm4QwErTyUiOpAsDfGhJ", "abcdef0123456789abcdef0123456789abcdef01",
        "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwcyJ9.c2lnbmF0dXJl",
        "AccountName=a;AccountKey=bm90LWEta2V5", "a8F3kL0pQz7XvB2nR5tY9wE1uI4oP6sD", "AKIAIOSFODNN7EXAMPLE",
        "npm_a8F3kL0pQz7XvB2nR5tY9wE1uI4oP6sD", "xoxb-2401234567890-ABCDEFghijkl", "sv=2022-11-02&sig=abc%2Bdef"})
    @DisplayName("credentials by their shape, and long random-looking strings, are secrets: named by key, never shown")
    void secrets(String secret) {
        assertThat(VariableNames.looksLikeSecret(secret)).isTrue();
        assertThat(VariableNames.problem("github.tokenVariable", secret)).hasValueSatisfying(p -> assertThat(p)
                .startsWith("the value of github.tokenVariable looks like a secret, not a variable name; put the "
                        + "secret in an environment variable and give its name")
                .contains("revoke").doesNotContain(secret));
        assertThat(VariableNames.shown(secret)).doesNotContain(secret).contains("not shown");
    }

    @Test
    @DisplayName("a value that is not a name at all is refused the same way, without being shown")
    void notNames() {
        for (String value : new String[] {"MY-VAR", "1TOKEN", "my token", "$GITHUB_TOKEN", "p@ssw0rd!"}) {
            assertThat(VariableNames.problem("k", value)).hasValueSatisfying(p -> assertThat(p)
                    .startsWith("the value of k looks like a secret, not a variable name").doesNotContain(value));
        }
        assertThat(VariableNames.problem("k", " ")).hasValueSatisfying(p -> assertThat(p).contains("is empty"));
    }
}
