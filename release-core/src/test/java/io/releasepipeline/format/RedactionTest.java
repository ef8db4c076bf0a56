package io.releasepipeline.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.error.ProviderException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RedactionTest {

    static final String JWT = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuYXp1cmUuY29tIn0"
            + ".c2lnbmF0dXJlLWNhbmFyeS0xMjM0NTY3ODkw";
    static final String GITHUB = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";
    static final String SIG = "Xk3%2Bq9ZLcanarySIG%3D";

    @Nested
    @DisplayName("credentials(text)")
    class Text {

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {
            "HTTP 401 InvalidAuthenticationToken: Authorization: Bearer " + JWT + " (refused)",
            "the proxy saw Bearer opaque-token-value-1234567890",
            "a bare token " + JWT + " in a sentence",
            "Bad credentials for " + GITHUB,
            "fine-grained github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
            "GET https://acct.blob.core.windows.net/c/b?sv=2025-01-05&sig=" + SIG + "&se=2026 failed",
            "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=c2VjcmV0LWtleQ==;EndpointSuffix=x",
            "BlobEndpoint=https://a.example;SharedAccessSignature=sv=2025&sig=abc",
            "apiUrl: got 'https://x-access-token:s3cr3t-value@github.example.com/api/v3'",
            "client_secret=abc.def~ghi and password=hunter2",
            "Authorization: Basic dXNlcjpzM2NyM3QtcGFzc3dvcmQ=",
            "Authorization: SharedKey acct:c2lnbmF0dXJlLXZhbHVlLTEyMzQ1"})
        @DisplayName("masks a credential of each recognised shape, keeping what names it")
        void masks(String text) {
            String out = Redaction.credentials(text);

            assertThat(out).contains(Redaction.MASK).doesNotContain(JWT, GITHUB, SIG, "c2VjcmV0LWtleQ==",
                    "s3cr3t-value", "hunter2", "abc.def~ghi", "dXNlcjpzM2NyM3QtcGFzc3dvcmQ=", "opaque-token-value",
                    "github_pat_11ABC", "c2lnbmF0dXJlLXZhbHVlLTEyMzQ1", "sig=abc");
            assertThat(Redaction.credentials(out)).as("idempotent").isEqualTo(out);
            assertThat(Redaction.hasCredentials(text)).isTrue();
        }

        @Test
        @DisplayName("keeps the names around a credential, so the message still says what was there")
        void keepsNames() {
            assertThat(Redaction.credentials("Authorization: Bearer " + JWT)).isEqualTo("Authorization: Bearer ***");
            assertThat(Redaction.credentials("https://a.example/b?sv=1&sig=" + SIG + "&se=2"))
                    .isEqualTo("https://a.example/b?sv=1&sig=***&se=2");
            assertThat(Redaction.credentials("https://user:pw@host.example/x")).isEqualTo("https://***@host.example/x");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {
            "GitHub rejected the token from environment variable GITHUB_TOKEN (401: Bad credentials)",
            "HTTP 401 InvalidAuthenticationToken: The access token is invalid.",
            "github.tokenVariable: must be the name of an environment variable",
            "GET /repos/octo-org/trade-nexus/pulls/123 answered 404",
            "revision trade-nexus-backend--r2 serves 100% at https://backend.example.com/health?probe=1",
            "Bearer authorization required",
            "release pr123-20261202-005720-krapjy ROLLED_BACK; evidence: .ops/evidence/a.md"})
        @DisplayName("leaves a message with no credential as it is")
        void leavesOrdinaryText(String text) {
            assertThat(Redaction.credentials(text)).isEqualTo(text);
            assertThat(Redaction.hasCredentials(text)).isFalse();
        }

        @Test
        @DisplayName("null and empty stay as they are")
        void nullAndEmpty() {
            assertThat(Redaction.credentials(null)).isNull();
            assertThat(Redaction.credentials("")).isEmpty();
        }
    }

    @Nested
    @DisplayName("cause(throwable)")
    class Causes {

        @Test
        @DisplayName("a chain with no credential is returned as it is, the same objects")
        void untouched() {
            IllegalStateException e = new IllegalStateException("plain", new RuntimeException("also plain"));

            assertThat(Redaction.cause(e)).isSameAs(e);
            assertThat(Redaction.cause(null)).isNull();
        }

        @Test
        @DisplayName("a chain holding a credential anywhere is copied: same stack traces and class names, messages "
                + "masked, suppressed ones too")
        void copied() {
            RuntimeException root = new RuntimeException("Status code 401, {\"message\":\"Bearer " + JWT + "\"}");
            IllegalStateException top = new IllegalStateException("call failed", root);
            top.addSuppressed(new IllegalArgumentException("sig=" + SIG));

            Throwable copy = Redaction.cause(top);

            assertThat(copy).isNotSameAs(top);
            assertThat(copy.getStackTrace()).isEqualTo(top.getStackTrace());
            assertThat(copy.toString()).isEqualTo("java.lang.IllegalStateException (redacted): call failed");
            assertThat(copy.getCause().toString()).startsWith("java.lang.RuntimeException (redacted): Status code 401")
                    .contains("Bearer ***");
            assertThat(copy.getCause().getStackTrace()).isEqualTo(root.getStackTrace());
            assertThat(copy.getSuppressed()).singleElement().satisfies(s -> assertThat(s.getMessage())
                    .isEqualTo("sig=***"));
            assertThat(trace(copy)).doesNotContain(JWT, SIG).contains("RedactionTest");
        }
    }

    @Nested
    @DisplayName("the library's exceptions")
    class Exceptions {

        @Test
        @DisplayName("a provider's message quoting an echoed Authorization header, and its cause, are masked in the "
                + "message, toString and the printed stack trace")
        void providerException() {
            RuntimeException sdk = new RuntimeException("Status code 500, \"{\\\"message\\\":\\\"Authorization: Bearer "
                    + JWT + "\\\"}\"");
            ProviderException e = new ProviderException("azure-container-apps", "setTraffic", "HTTP 500: "
                    + "Authorization: Bearer " + JWT, true, null, 500, sdk);

            assertThat(e.getMessage()).contains("HTTP 500: Authorization: Bearer ***").doesNotContain(JWT);
            assertThat(trace(e)).doesNotContain(JWT).contains("java.lang.RuntimeException (redacted): Status code 500");
            assertThat(e.statusCode()).isEqualTo(500);
            assertThat(e.isTransient()).isTrue();
        }

        @Test
        @DisplayName("a configuration problem quoting a pasted token is masked in the message and in problems()")
        void invalidConfiguration() {
            InvalidConfigurationException e = new InvalidConfigurationException("release.yaml", List.of(
                    "github.repository: must be owner/name, got '" + GITHUB + "'",
                    "github.apiUrl: must be https, got 'http://x:" + GITHUB + "@github.example.com'"));

            assertThat(e.getMessage()).doesNotContain(GITHUB).contains("got '***'", "http://***@github.example.com");
            assertThat(e.problems()).hasSize(2).noneMatch(p -> p.contains(GITHUB))
                    .first().isEqualTo("github.repository: must be owner/name, got '***'");
        }
    }

    private static String trace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
