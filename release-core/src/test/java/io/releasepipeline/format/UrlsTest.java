package io.releasepipeline.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shared transport rule: plain http only to loopback hosts, decided by parsing, never by a prefix or DNS. */
class UrlsTest {

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1", "http://127.0.0.2:8080", "http://127.255.255.254/x", "http://[::1]:9",
        "http://[0:0:0:0:0:0:0:1]/", "http://LOCALHOST/", "http://localhost.:8080", "http://LocalHost",
        "http://[::ffff:127.0.0.1]:80", "https://api.github.com", "https://10.0.0.1"})
    @DisplayName("accepts https anywhere and plain http to localhost or a loopback IP literal")
    void accepted(String url) {
        assertThat(Urls.transportProblem(URI.create(url), false)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.evil.example", "http://127.0.0.1.nip.io", "http://0x7f000001",
        "http://2130706433", "http://[::ffff:10.0.0.1]", "http://localhost.evil.example", "http://0177.0.0.1",
        "http://127.0.0.01", "http://[::2]", "http://10.0.0.1", "http://github.example.com/api/v3",
        "http://evil-localhost", "http://[::127.0.0.1]"})
    @DisplayName("refuses plain http to anything that is not loopback by parsing, saying to use https")
    void refused(String url) {
        assertThat(Urls.transportProblem(URI.create(url), false)).hasValueSatisfying(p -> assertThat(p)
                .contains("plain http is allowed only to a loopback host", "use https://"));
        assertThat(Urls.transportProblem(URI.create(url), true)).isEmpty();
    }

    @Test
    @DisplayName("decides on the literal alone: no DNS lookup, even for names that resolve to loopback")
    void noLookup() {
        // localhost.localdomain resolves to 127.0.0.1 on many machines; it is still not a loopback literal.
        assertThat(Urls.isLoopbackHost("localhost.localdomain")).isFalse();
        assertThat(Urls.isLoopbackHost("[fe80::1%25eth0]")).isFalse();
        assertThat(Urls.isLoopbackHost("[not-an-address]")).isFalse();
        assertThat(Urls.isLoopbackHost(null)).isFalse();
        assertThat(Urls.isLoopbackHost("")).isFalse();
    }

    @Test
    @DisplayName("refuses user info in any URL, http or https, and never shows it")
    void userInfo() {
        for (String url : new String[] {"https://octocat:ghp_s3cr3tT0k3n@api.github.com",
            "http://ghp_s3cr3tT0k3n@127.0.0.1:8",
            "https://ghp_s3cr3tT0k3n:x-oauth-basic@github.example.com/api/v3?x=1"}) {
            assertThat(Urls.transportProblem(URI.create(url), true)).hasValueSatisfying(p -> assertThat(p)
                    .contains("must not contain user info", "***@").doesNotContain("ghp_s3cr3tT0k3n", "octocat", "x-oauth-basic"));
        }
    }

    @Test
    @DisplayName("refuses other schemes and URLs without a host")
    void schemesAndHosts() {
        assertThat(Urls.transportProblem(URI.create("ftp://example.com"), false)).hasValueSatisfying(p ->
                assertThat(p).contains("must be an absolute https URL, got scheme 'ftp'"));
        assertThat(Urls.transportProblem(URI.create("/api/v3"), false)).hasValueSatisfying(p ->
                assertThat(p).contains("got no scheme"));
        for (String noHost : new String[] {"https://my_host/", "http://127.1", "http://localhost..",
            "http://127.0.0.256"}) {
            assertThat(Urls.transportProblem(URI.create(noHost), false)).hasValueSatisfying(p ->
                    assertThat(p).contains("has no valid host name"));
        }
        assertThat(Urls.transportProblem(null, false)).hasValueSatisfying(p -> assertThat(p).contains("required"));
    }

    @Test
    @DisplayName("redacts user info and queries, whether or not the text parses")
    void redaction() {
        assertThat(Urls.redacted(URI.create("https://u:pw@host.example:8443/a/b?sig=abc#frag")))
                .isEqualTo("https://***@host.example:8443/a/b?***");
        assertThat(Urls.redacted(URI.create("https://host.example/a"))).isEqualTo("https://host.example/a");
        assertThat(Urls.redacted("https://u:p w@host/x y?sig=abc")).isEqualTo("https://***@host/x y?***");
        assertThat(Urls.redacted("https://host/#sig=abc?x")).isEqualTo("https://host/");
        assertThat(Urls.redacted((URI) null)).isEqualTo("nothing");
    }

    @Test
    @DisplayName("same origin: scheme and host ignoring case, a missing port read as the scheme's default")
    void sameOrigin() {
        assertThat(Urls.sameOrigin(URI.create("https://API.example/a"), URI.create("HTTPS://api.example:443/b")))
                .isTrue();
        assertThat(Urls.sameOrigin(URI.create("http://127.0.0.1/"), URI.create("http://127.0.0.1:80/x"))).isTrue();
        assertThat(Urls.sameOrigin(URI.create("http://127.0.0.1:8080/"), URI.create("http://127.0.0.1:8081/")))
                .isFalse();
        assertThat(Urls.sameOrigin(URI.create("https://a.example/"), URI.create("http://a.example:443/"))).isFalse();
        assertThat(Urls.sameOrigin(URI.create("https://a.example/"), URI.create("https://b.example/"))).isFalse();
        assertThat(Urls.sameOrigin(URI.create("/relative"), URI.create("https://a.example/"))).isFalse();
    }
}
