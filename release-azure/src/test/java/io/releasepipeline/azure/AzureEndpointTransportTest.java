package io.releasepipeline.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import io.releasepipeline.error.InvalidConfigurationException;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;

/**
 * Endpoint overrides of the Azure builders: where a bearer token (or a SAS) may be sent. Resource Manager and Blob
 * endpoints must be https with no user info or query; a connection string's BlobEndpoint follows the shared rule
 * (plain http only to a loopback literal, as Azurite's). No problem text quotes user info, a query or a connection
 * string.
 */
class AzureEndpointTransportTest {

    private static final String SECRET = "ghp_pastedIntoTheUrl0123456789";
    private static final TokenCredential CREDENTIAL = request -> Mono.just(new AccessToken("t",
            OffsetDateTime.now().plusHours(1)));

    private static List<Function<URI, Object>> armBuilders() {
        return List.of(
                uri -> ContainerAppsPlatform.builder().subscriptionId("sub").resourceGroup("rg").appName("app")
                        .credential(CREDENTIAL).managementEndpoint(uri).build(),
                uri -> AzureMonitorErrorRate.builder().subscriptionId("sub").resourceGroup("rg").appName("app")
                        .credential(CREDENTIAL).managementEndpoint(uri).build(),
                uri -> AzureMonitorAlerts.builder().subscriptionId("sub").resourceGroup("rg").appName("app")
                        .credential(CREDENTIAL).managementEndpoint(uri).build());
    }

    private static List<String> problems(Runnable build) {
        InvalidConfigurationException e = catchThrowableOfType(InvalidConfigurationException.class, build::run);
        assertThat(e).as("build() refuses").isNotNull();
        assertThat(e.getMessage()).doesNotContain(SECRET, "sig=");
        return e.problems();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.evil.example", "http://127.0.0.1.nip.io", "http://0x7f000001",
        "http://2130706433", "http://[::ffff:10.0.0.1]", "http://localhost.evil.example"})
    @DisplayName("Resource Manager and Blob endpoints refuse plain http to a host that only looks like loopback")
    void lookalikesRefused(String url) {
        for (Function<URI, Object> build : armBuilders()) {
            assertThat(problems(() -> build.apply(URI.create(url)))).singleElement().asString()
                    .startsWith("managementEndpoint: plain http is allowed only to a loopback host");
        }
        assertThat(problems(() -> BlobEvidenceStore.builder().endpoint(URI.create(url)).credential(CREDENTIAL)
                .build())).singleElement().asString().startsWith("endpoint: plain http is allowed only to a loopback");
    }

    @Test
    @DisplayName("Resource Manager and Blob endpoints refuse user info and a query, showing neither")
    void userInfoAndQueryRefused() {
        for (Function<URI, Object> build : armBuilders()) {
            assertThat(problems(() -> build.apply(URI.create("https://user:" + SECRET + "@management.example"))))
                    .singleElement().asString().startsWith("managementEndpoint: must not contain user info")
                    .contains("https://***@management.example");
        }
        assertThat(problems(() -> BlobEvidenceStore.builder().endpoint(URI.create("https://" + SECRET
                + "@acct.blob.core.windows.net")).credential(CREDENTIAL).build())).singleElement().asString()
                .startsWith("endpoint: must not contain user info");
        assertThat(problems(() -> BlobEvidenceStore.builder().endpoint(URI.create(
                "https://acct.blob.core.windows.net/?sv=2022-11-02&sig=abc")).credential(CREDENTIAL).build()))
                .singleElement().asString().startsWith("endpoint: must not have a query")
                .contains("https://acct.blob.core.windows.net/?***", "connection string");
    }

    @Test
    @DisplayName("a connection string's BlobEndpoint: plain http to loopback only, and the string is never quoted")
    void connectionStringEndpoint() {
        String key = "AccountKey=c2VjcmV0LWtleS1ub3Qtc2hvd24=";
        String azurite = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" + key
                + ";BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;";
        try (BlobEvidenceStore store = BlobEvidenceStore.builder().connectionString(azurite).build()) {
            assertThat(store.toString()).contains("127.0.0.1:10000").doesNotContain(key);
        }
        for (String cs : new String[] {
            "DefaultEndpointsProtocol=http;AccountName=a;" + key + ";BlobEndpoint=http://127.0.0.1.nip.io/a;",
            "DefaultEndpointsProtocol=https;AccountName=a;" + key + ";BlobEndpoint=http://blob.example.com/a;",
            "DefaultEndpointsProtocol=http;AccountName=a;" + key + ";EndpointSuffix=core.windows.net"}) {
            List<String> problems = problems(() -> BlobEvidenceStore.builder().connectionString(cs).build());
            assertThat(problems).singleElement().asString().startsWith("connectionString: ").contains("http")
                    .doesNotContain(key, "c2VjcmV0");
        }
    }

    @Test
    @DisplayName("bearerTokenFromEnvironment refuses a token given in place of the variable's name, never quoting it")
    void tokenInPlaceOfVariableName() {
        String jwt = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwcyJ9.c2lnbmF0dXJl";
        List<String> arm = problems(() -> ContainerAppsPlatform.builder().subscriptionId("sub").resourceGroup("rg")
                .appName("app").bearerTokenFromEnvironment(jwt).environment(name -> "x").build());
        List<String> blob = problems(() -> BlobEvidenceStore.builder().endpoint(URI.create(
                "https://acct.blob.core.windows.net")).bearerTokenFromEnvironment(jwt).environment(name -> "x")
                .build());

        assertThat(arm).singleElement().asString().startsWith("bearerTokenFromEnvironment: the value of "
                + "bearerTokenFromEnvironment(name) looks like a secret, not a variable name").doesNotContain(jwt);
        assertThat(blob).singleElement().asString().startsWith("bearerTokenFromEnvironment: the value of")
                .doesNotContain(jwt);
        assertThat(problems(() -> ContainerAppsPlatform.builder().subscriptionId("sub").resourceGroup("rg")
                .appName("app").credential(CREDENTIAL).bearerTokenFromEnvironment(jwt).build()))
                .allSatisfy(p -> assertThat(p).doesNotContain(jwt, "c2lnbmF0dXJl"));
    }
}
