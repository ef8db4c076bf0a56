package io.releasepipeline.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.releasepipeline.error.InvalidConfigurationException;
import java.net.URI;
import java.net.http.HttpClient;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Where the connection may send the token: https, or plain http to a loopback literal; nothing else. */
class GitHubConnectionTransportTest {

    private static GitHubConnection.Builder connection(String apiUrl) {
        return GitHubConnection.builder().apiUrl(URI.create(apiUrl)).repository("octo-org/trade-nexus")
                .token(TokenSource.ofToken("ghp_test"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.2:8080", "http://[::1]:9", "http://LOCALHOST/", "http://localhost.:80",
        "https://github.example.com/api/v3"})
    @DisplayName("accepts https, and plain http to localhost or a loopback IP literal (a local stand-in)")
    void loopbackAccepted(String url) {
        assertThat(connection(url).build().apiUrl().getHost()).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.evil.example", "http://127.0.0.1.nip.io", "http://0x7f000001",
        "http://2130706433", "http://[::ffff:10.0.0.1]", "http://localhost.evil.example", "http://github.example.com"})
    @DisplayName("refuses plain http to any other host, decided by parsing the host (no prefix test, no DNS)")
    void plainHttpRefused(String url) {
        InvalidConfigurationException e = catchThrowableOfType(InvalidConfigurationException.class,
                () -> connection(url).build());

        assertThat(e).as(url).isNotNull();
        assertThat(e.problems()).singleElement().asString().startsWith("github.apiUrl: plain http is allowed only "
                + "to a loopback host").contains("use https://");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://octocat:ghp_UserInfoToken0123456789@api.github.com",
        "http://ghp_UserInfoToken0123456789@127.0.0.1:8080", "https://x-access-token:ghp_UserInfoToken0123456789@"
        + "github.example.com/api/v3"})
    @DisplayName("refuses user info in the API URL, and the message never shows it")
    void userInfoRefused(String url) {
        InvalidConfigurationException e = catchThrowableOfType(InvalidConfigurationException.class,
                () -> connection(url).build());

        assertThat(e).as(url).isNotNull();
        assertThat(e.problems()).singleElement().asString().startsWith("github.apiUrl: must not contain user info")
                .contains("://***@");
        assertThat(e.getMessage()).doesNotContain("ghp_UserInfoToken0123456789", "octocat", "x-access-token");
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = HttpClient.Redirect.class, names = {"NORMAL", "ALWAYS"})
    @DisplayName("refuses a caller's HttpClient that follows redirects (it would carry the token to another host)")
    void redirectFollowingClientRefused(HttpClient.Redirect redirect) {
        HttpClient client = HttpClient.newBuilder().followRedirects(redirect).build();

        InvalidConfigurationException e = catchThrowableOfType(InvalidConfigurationException.class,
                () -> connection("https://api.github.com").httpClient(client).build());

        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().asString().startsWith("github.httpClient: follows redirects "
                + "(Redirect." + redirect + ")").contains("followRedirects(HttpClient.Redirect.NEVER)");
        assertThat(connection("https://api.github.com").httpClient(HttpClient.newHttpClient()).build()).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ghp_16C7e42F292c6912E7710c838347Ae178B4a", "a8F3kL0pQz7XvB2nR5tY9wE1uI4oP6sD", "MY-TOKEN"})
    @DisplayName("TokenSource.fromEnvironment refuses a token given in place of the variable's name, never quoting it")
    void tokenInPlaceOfVariableName(String value) {
        IllegalArgumentException e = catchThrowableOfType(IllegalArgumentException.class,
                () -> TokenSource.fromEnvironment(value));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).startsWith("the value of TokenSource.fromEnvironment(name) looks like a secret, "
                + "not a variable name").doesNotContain(value);
        assertThat(TokenSource.fromEnvironment("GITHUB_TOKEN").description())
                .isEqualTo("environment variable GITHUB_TOKEN");
    }
}
