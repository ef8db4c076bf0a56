package io.releasepipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.cli.config.CliConfig;
import io.releasepipeline.cli.config.ConfigReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code release.yaml}'s URLs and secrets through {@code release promote --config}, in-process with the CLI's test
 * world (GitHub on WireMock, the app on 127.0.0.1): a refused config exits 64, lists every problem, and sends no
 * request anywhere.
 */
class CliTransportTest {

    @TempDir
    Path dir;
    CliWorld world;

    @BeforeEach
    void start() {
        world = new CliWorld(dir);
        world.mergeablePullRequest(CliWorld.PR, "success");
    }

    @AfterEach
    void stop() {
        world.close();
    }

    private CliWorld.Run promote(String yaml) {
        Path config = world.write("release.yaml", yaml);
        return world.run("promote", "--config", config.toString(), "--pr", String.valueOf(CliWorld.PR));
    }

    private void assertNothingSent(CliWorld.Run run) {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.USAGE);
        assertThat(world.github.getAllServeEvents()).as("requests to GitHub").isEmpty();
        assertThat(world.platform.traffic().weights().weightOf("v1")).as("traffic untouched").isEqualTo(100);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.evil.example", "http://127.0.0.1.nip.io", "http://0x7f000001",
        "http://2130706433", "http://[::ffff:10.0.0.1]", "http://localhost.evil.example"})
    @DisplayName("plain http to a host that only looks like loopback is refused in every URL key: exit 64, all "
            + "listed, no request sent")
    void lookalikeLoopbackRefused(String url) {
        String yaml = world.yaml().replace("apiUrl: " + world.github.baseUrl(), "apiUrl: " + url)
                .replace("baseUrl: " + world.platform.url(), "baseUrl: " + url)
                + "azure:\n  endpoint: " + url + "\n";

        CliWorld.Run run = promote(yaml);

        assertNothingSent(run);
        assertThat(run.err()).contains("is invalid (3 problems)",
                "github.apiUrl: plain http is allowed only to a loopback host",
                "smoke.baseUrl: plain http is allowed only to a loopback host",
                "azure.endpoint: plain http is allowed only to a loopback host", "use https://");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.2:8080", "http://[::1]:9", "http://LOCALHOST/"})
    @DisplayName("plain http to localhost or a loopback IP literal is accepted (a local stand-in)")
    void loopbackAccepted(String url) {
        Path config = world.write("release.yaml", world.yaml()
                .replace("apiUrl: " + world.github.baseUrl(), "apiUrl: " + url)
                .replace("baseUrl: " + world.platform.url(), "baseUrl: " + url));

        CliConfig read = ConfigReader.read(config);

        assertThat(read.github().apiUrl()).isEqualTo(URI.create(url));
        assertThat(read.smoke().baseUrl()).contains(url);
    }

    /** Runs {@code run} with System.out and System.err captured too (log lines go there); returns all it printed. */
    private static String everythingPrinted(CliWorld.Run[] holder, Supplier<CliWorld.Run> run) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(logs, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            holder[0] = run.get();
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return holder[0].out() + holder[0].err() + logs.toString(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("a URL with user info is refused in every URL key (exit 64, all listed, nothing sent), and the "
            + "token in it appears on no output, error or log line")
    void userInfoRefusedNeverEchoed() {
        String token = "ghp_UserInfoTokenNeverPrinted01234567";
        String yaml = world.yaml()
                .replace("apiUrl: " + world.github.baseUrl(), "apiUrl: https://octocat:" + token
                        + "@github.example.com/api/v3")
                .replace("baseUrl: " + world.platform.url(), "baseUrl: http://ops:" + token + "@127.0.0.1:9")
                .replace("  name: " + CliWorld.APP + "\n", "  name: " + CliWorld.APP + "\n  url: https://" + token
                        + "@app.example.com/\n")
                + "azure:\n  endpoint: https://user:" + token + "@management.example.com\n";
        CliWorld.Run[] run = new CliWorld.Run[1];

        String printed = everythingPrinted(run, () -> promote(yaml));

        assertNothingSent(run[0]);
        assertThat(run[0].err()).contains("is invalid (4 problems)",
                "github.apiUrl: must not contain user info", "https://***@github.example.com/api/v3",
                "smoke.baseUrl: must not contain user info", "app.url: must not contain user info",
                "azure.endpoint: must not contain user info");
        assertThat(printed).doesNotContain(token, "octocat", "ops:");
    }

    @Test
    @DisplayName("a Blob endpoint with user info or a SAS query is refused without showing either")
    void blobEndpointSecretsNeverEchoed() {
        String sig = "sig=SasSignatureNeverPrinted0123456789";
        for (String endpoint : new String[] {"https://acct:" + sig + "@acct.blob.core.windows.net",
            "https://acct.blob.core.windows.net/?sv=2022-11-02&" + sig}) {
            String yaml = world.yaml().replaceFirst("(?m)^  directory: .*$", "  blob: {endpoint: \"" + endpoint
                    + "\"}");
            CliWorld.Run[] run = new CliWorld.Run[1];

            String printed = everythingPrinted(run, () -> promote(yaml));

            assertNothingSent(run[0]);
            assertThat(run[0].err()).contains("evidence.blob.endpoint: must not");
            assertThat(printed).doesNotContain(sig, "SasSignatureNeverPrinted");
        }
    }

    /** The 1-based line of the {@code n}th line (1-based) of {@code yaml} that starts with {@code prefix}. */
    private static int line(String yaml, String prefix, int n) {
        String[] lines = yaml.split("\n", -1);
        for (int i = 0, seen = 0; i < lines.length; i++) {
            if (lines[i].startsWith(prefix) && ++seen == n) {
                return i + 1;
            }
        }
        throw new AssertionError(prefix + " #" + n + " not in\n" + yaml);
    }

    @Test
    @DisplayName("a duplicated key at any level (a second rollback: block, a key twice in a section or a list item) "
            + "is a problem listed with the others, with both lines: exit 64, no request sent")
    void duplicateKeysAreProblems() {
        String yaml = world.yaml().replace("  samples: 1\n", "  samples: 1\n  samples: 3\n")
                .replace("  endpoints: [/health, /v1/quotes]\n", "  endpoints: [/health, {path: /v1/quotes, "
                        + "status: 200, status: 204}]\n")
                + """
                rollback:
                  smoke:
                    enabled: false
                traffic:
                  steps: [50]
                """;

        CliWorld.Run run = promote(yaml);

        assertNothingSent(run);
        assertThat(run.err()).contains("is invalid (4 problems)",
                "rollback: appears twice in one mapping (lines " + line(yaml, "rollback:", 1) + " and "
                        + line(yaml, "rollback:", 2) + "); YAML would silently keep only the last: merge them into one",
                "smoke.samples: appears twice in one mapping (lines " + line(yaml, "  samples:", 1) + " and "
                        + line(yaml, "  samples:", 2) + ")",
                "smoke.endpoints[1].status: appears twice in one mapping (lines " + line(yaml, "  endpoints:", 1)
                        + " and " + line(yaml, "  endpoints:", 1) + ")",
                "traffic: the last step must be 100, got 50");
    }

    @Test
    @DisplayName("a secret pasted where a variable name belongs, or into any key, is named by its key and never "
            + "printed: exit 64, no request sent")
    void pastedSecretsNeverEchoed() {
        String randomLooking = "a8F3kL0pQz7XvB2nR5tY9wE1uI4oP6sD";
        String pat = "ghp_PastedIntoTokenEnv0123456789abcdef";
        String clientSecret = "Q7x8Q~pastedClientSecret.0123456789-abcdEFGH";
        String key = "xoxb-2401234567890-ABCDEFghijkl";
        String yaml = world.yaml().replace("tokenVariable: CLI_TEST_GITHUB_TOKEN", "tokenVariable: " + randomLooking
                        + "\n  tokenEnv: " + pat + "\n  mergeMethod: " + key)
                + "azure:\n  credential:\n    clientSecret: \"" + clientSecret + "\"\n";
        CliWorld.Run[] run = new CliWorld.Run[1];

        String printed = everythingPrinted(run, () -> promote(yaml));

        assertNothingSent(run[0]);
        assertThat(run[0].err()).contains(
                "github.tokenVariable: the value of github.tokenVariable looks like a secret, not a variable name; "
                        + "put the secret in an environment variable and give its name",
                "github.tokenEnv: unknown key",
                "github.tokenEnv: the value of github.tokenEnv looks like a secret, not a variable name",
                "github.mergeMethod: must be one of merge, squash, rebase, got a value that looks like a secret "
                        + "(not shown)",
                "azure.credential.clientSecret: unknown key");
        assertThat(printed).doesNotContain(randomLooking, pat, clientSecret, key, "pastedClientSecret");
    }

    @Test
    @DisplayName("a YAML syntax error on a secret's line names the line and column and the parser's problem, never "
            + "the excerpt of the line the parser quotes (it would show the secret's tail): exit 64, no request sent")
    void yamlErrorQuotesNoLine() {
        String pat = "ghp_R7kq2ZpX9wLm4Vt8Yb3Nc6Hd1Jf5Gs0Ae2Qu";
        String yaml = world.yaml().replace("tokenVariable: CLI_TEST_GITHUB_TOKEN", "tokenVariable: " + pat + ": [");
        CliWorld.Run[] run = new CliWorld.Run[1];

        String printed = everythingPrinted(run, () -> promote(yaml));

        assertNothingSent(run[0]);
        assertThat(run[0].err()).contains("not valid YAML (line " + line(yaml, "  tokenVariable:", 1) + ", column",
                "mapping values are not allowed here");
        for (int from = 0; from + 8 <= pat.length(); from++) {
            assertThat(printed).doesNotContain(pat.substring(from, from + 8));
        }
    }

    @Test
    @DisplayName("a second YAML document (after a '---' line), which would be ignored in silence, is a problem "
            + "listed with the others: exit 64, no request sent")
    void secondDocumentIsAProblem() {
        String yaml = world.yaml() + "---\ngithub:\n  apiUrl: https://evil.example\n";

        CliWorld.Run run = promote(yaml);

        assertNothingSent(run);
        assertThat(run.err()).contains("holds 2 YAML documents (a line '---' starts another); keep the "
                + "configuration in one document");
    }
}
