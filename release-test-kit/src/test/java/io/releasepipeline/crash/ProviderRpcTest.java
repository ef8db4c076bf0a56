package io.releasepipeline.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.releasepipeline.error.ProviderException;
import io.releasepipeline.spi.CiProvider;
import io.releasepipeline.spi.MergeRefusedException;
import io.releasepipeline.spi.PlatformProvider;
import io.releasepipeline.spi.PullRequest;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.testkit.FakeCi;
import io.releasepipeline.testkit.FakePlatform;
import io.releasepipeline.testkit.VirtualClock;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A provider behind {@link ProviderRpc} answers and fails as it does in process. */
class ProviderRpcTest {

    private final VirtualClock clock = new VirtualClock();
    private final FakeCi ci = new FakeCi(clock);
    private final FakePlatform platform = new FakePlatform("backend", clock).withRevision("v0", false)
            .serving("v1");
    private ProviderRpc.Server server;
    private CiProvider remoteCi;
    private PlatformProvider remotePlatform;

    @BeforeEach
    void serve() throws Exception {
        server = new ProviderRpc.Server().serve("ci", CiProvider.class, ci)
                .serve("platform", PlatformProvider.class, platform);
        remoteCi = ProviderRpc.client(server.uri(), "ci", CiProvider.class);
        remotePlatform = ProviderRpc.client(server.uri(), "platform", PlatformProvider.class);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void resultsArriveWithTheirGenericTypes() {
        ci.pr(7).approvedBy("alice");
        assertThat(remoteCi.pullRequest(7)).isEqualTo(ci.pullRequest(7));
        assertThat(remoteCi.reviews(7, Optional.empty()).approvedBy()).containsExactly("alice");
        assertThat(remoteCi.findDeployRun("abc")).isEmpty();
        assertThat(remotePlatform.revision("v1")).isEqualTo(platform.revision("v1"));
        assertThat(remotePlatform.revision("v9")).isEmpty();
        assertThat(remotePlatform.listRevisions()).isEqualTo(platform.listRevisions());
        assertThat(remotePlatform.appName()).isEqualTo("backend");
        assertThat(remotePlatform.retriesOwnCalls()).isFalse();
    }

    @Test
    void callsChangeTheServedProvider() {
        remotePlatform.activate("v0");
        remotePlatform.setTraffic(TrafficWeights.split("v1", "v0", 10));
        assertThat(platform.trafficHistory()).containsExactly(TrafficWeights.split("v1", "v0", 10));
        ci.pr(7);
        String mergeSha = remoteCi.merge(7, ci.pullRequest(7).headSha());
        assertThat(ci.pullRequest(7).state()).isEqualTo(PullRequest.State.MERGED);
        assertThat(ci.mergeCommitSha(7)).contains(mergeSha);
    }

    @Test
    void aProviderExceptionIsThrownAgainWithItsFields() {
        FakeCi twin = new FakeCi(clock);
        twin.pr(7);
        twin.failNext("pullRequest", 1, true);
        ProviderException local = catchThrowableOfType(() -> twin.pullRequest(7), ProviderException.class);
        ci.pr(7);
        ci.failNext("pullRequest", 1, true);

        assertThatThrownBy(() -> remoteCi.pullRequest(7)).isExactlyInstanceOf(ProviderException.class)
                .hasMessage(local.getMessage())
                .satisfies(e -> {
                    ProviderException p = (ProviderException) e;
                    assertThat(p.provider()).isEqualTo(local.provider());
                    assertThat(p.operation()).isEqualTo(local.operation());
                    assertThat(p.isTransient()).isTrue();
                    assertThat(p.retryAfter()).isEqualTo(local.retryAfter()).isPresent();
                    assertThat(p.statusCode()).isEqualTo(local.statusCode());
                });
    }

    @Test
    void aMergeRefusalKeepsItsReason() {
        ci.pr(7);
        assertThatThrownBy(() -> remoteCi.merge(7, "not-the-head")).isInstanceOfSatisfying(
                MergeRefusedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(MergeRefusedException.Reason.HEAD_CHANGED);
                    assertThat(e.operation()).isEqualTo("merge(#7)");
                    assertThat(e.statusCode()).isEqualTo(409);
                });
        assertThat(ci.isMerged(7)).isFalse();
    }

    @Test
    void anUnreachableServerIsATransientProviderFailure() {
        server.close();
        assertThatThrownBy(() -> remotePlatform.traffic()).isInstanceOfSatisfying(ProviderException.class,
                e -> assertThat(e.isTransient()).isTrue());
    }
}
