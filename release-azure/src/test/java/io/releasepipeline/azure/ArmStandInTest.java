package io.releasepipeline.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.releasepipeline.spi.Revision;
import io.releasepipeline.spi.TrafficWeights;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The stand-in's paging and long-running operations, seen through the real SDK (via {@link ContainerAppsPlatform}):
 * where a request count depends on them, they must behave as Resource Manager does.
 */
class ArmStandInTest {

    private static final ArmStandIn STAND_IN = new ArmStandIn();
    private static final Instant T0 = Instant.parse("2026-01-05T08:00:00Z");

    @RegisterExtension
    static final ArmStub arm = STAND_IN.serve();

    private final ContainerAppsPlatform platform = arm.platform().build();

    @BeforeEach
    void world() {
        arm.server.resetRequests();
        STAND_IN.reset().revision("r1", T0, true).revision("r2", T0.plusSeconds(60), true)
                .revision("r3", T0.plusSeconds(120), true).serving("r1");
    }

    @Test
    @DisplayName("revisions listed in pages of 2: the SDK follows the absolute nextLink and gets all 3 in 2 requests")
    void paging() {
        STAND_IN.revisionPageSize(2);

        List<Revision> all = platform.listRevisions();

        assertThat(all).extracting(Revision::name).containsExactlyInAnyOrder("r1", "r2", "r3");
        List<ServeEvent> served = servedOldestFirst();
        assertThat(served).hasSize(2);
        assertThat(served.get(0).getResponse().getBodyAsString()).contains("\"nextLink\":\"" + arm.base()
                + ArmStub.APP_PATH + "/revisions?api-version=" + ArmStub.API_VERSION);
        assertThat(served.get(1).getRequest().getUrl()).contains("$skiptoken=2");
        assertThat(served.get(1).getResponse().getBodyAsString()).doesNotContain("nextLink");
    }

    @Test
    @DisplayName("one page by default: no nextLink")
    void onePageByDefault() {
        assertThat(platform.listRevisions()).hasSize(3);
        assertThat(servedOldestFirst()).singleElement()
                .satisfies(e -> assertThat(e.getResponse().getBodyAsString()).doesNotContain("nextLink"));
    }

    @Test
    @DisplayName("a 202 PATCH with one InProgress poll: PATCH, two polls (Retry-After on the 202 and InProgress only), "
            + "then the SDK's final GET of the app")
    void longRunningPatch() {
        STAND_IN.asyncPatches(true).inProgressPolls(1).retryAfterSeconds(0);
        arm.server.resetRequests();

        platform.setTraffic(TrafficWeights.all("r2"));

        assertThat(STAND_IN.traffic()).isEqualTo(Map.of("r2", 100));
        List<ServeEvent> served = servedOldestFirst();
        List<String> lines = served.stream().map(e -> e.getRequest().getMethod().getName() + " "
                + ArmStub.shortPath(e.getRequest().getUrl())).toList();
        String poll = "GET " + ArmStandIn.OPERATIONS_PATH + "op-1";
        // The provider's own read of the app, the PATCH, two polls; Succeeded confirms it (no final GET).
        assertThat(lines).containsExactly("GET ", "PATCH ", poll, poll);
        assertThat(lines.stream().filter(poll::equals)).hasSize(2);
        int patch = lines.indexOf("PATCH ");
        assertThat(served.get(patch).getResponse().getStatus()).isEqualTo(202);
        assertThat(served.get(patch).getResponse().getHeaders().getHeader("Retry-After").firstValue()).isEqualTo("0");
        assertThat(served.get(patch + 1).getResponse().getBodyAsString()).contains("\"status\":\"InProgress\"");
        assertThat(served.get(patch + 1).getResponse().getHeaders().getHeader("Retry-After").firstValue())
                .isEqualTo("0");
        assertThat(served.get(patch + 2).getResponse().getBodyAsString()).contains("\"status\":\"Succeeded\"");
        assertThat(served.get(patch + 2).getResponse().getHeaders().getHeader("Retry-After").isPresent()).isFalse();
    }

    @Test
    @DisplayName("failNextOperation: the operation ends Failed with its error code, nothing is applied, and only once")
    void failedOperation() {
        STAND_IN.failNextOperation("ContainerAppOperationError", "the revision failed to provision");

        assertThatThrownBy(() -> platform.setTraffic(TrafficWeights.all("r2")))
                .isInstanceOfSatisfying(AzureProviderException.class,
                        e -> assertThat(e.errorCode()).contains("ContainerAppOperationError"));
        assertThat(STAND_IN.traffic()).isEqualTo(Map.of("r1", 100));

        platform.setTraffic(TrafficWeights.all("r2"));
        assertThat(STAND_IN.traffic()).isEqualTo(Map.of("r2", 100));
    }

    private static List<ServeEvent> servedOldestFirst() {
        return arm.server.getAllServeEvents().stream()
                .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate())).toList();
    }
}
