package io.releasepipeline.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.error.ProviderException;
import io.releasepipeline.spi.Revision;
import io.releasepipeline.spi.RevisionMode;
import io.releasepipeline.spi.TrafficWeights;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FakePlatformTest {

    private final VirtualClock clock = new VirtualClock();
    private final FakePlatform platform = new FakePlatform(clock).serving("v1");

    @Test
    void aRevisionScriptedReadyAfter90sProvisionsUntilThen() {
        platform.revisionBecomesReadyAfter("v2", Duration.ofSeconds(90)).deployAt("sha", clock.now());

        assertThat(platform.revision("v2")).get().satisfies(r -> {
            assertThat(r.isReady()).isFalse();
            assertThat(r.provisioning()).isEqualTo(Revision.Provisioning.PROVISIONING);
        });
        clock.sleep(Duration.ofSeconds(89));
        assertThat(platform.revision("v2").orElseThrow().isReady()).isFalse();
        clock.sleep(Duration.ofSeconds(1));
        assertThat(platform.revision("v2").orElseThrow().isReady()).isTrue();
        assertThat(platform.traffic().latestReadyRevision()).contains("v2");
    }

    @Test
    void neverReadyAndFailedRevisions() {
        platform.revisionNeverReady("v2").revisionFails("v3");
        platform.deployAt("a", clock.now());
        platform.deployAt("b", clock.now().plusSeconds(1));
        clock.sleep(Duration.ofHours(1));

        Revision v2 = platform.revision("v2").orElseThrow();
        Revision v3 = platform.revision("v3").orElseThrow();
        assertThat(v2.isReady()).isFalse();
        assertThat(v2.hasFailed()).isFalse();
        assertThat(v3.hasFailed()).isTrue();
        assertThat(v3.health()).isEqualTo(Revision.Health.UNHEALTHY);
        assertThat(platform.traffic().latestRevision()).contains("v3");
        assertThat(platform.traffic().latestReadyRevision()).contains("v1");
    }

    @Test
    void theNextTwoCallsAnswer429ThenTheThirdSucceeds() {
        platform.withRevision("v2", true).failNext("setTraffic", 2, true);
        TrafficWeights canary = TrafficWeights.split("v1", "v2", 10);

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> platform.setTraffic(canary)).isInstanceOfSatisfying(ProviderException.class,
                    e -> {
                        assertThat(e.isTransient()).isTrue();
                        assertThat(e.statusCode()).isEqualTo(429);
                        assertThat(e.retryAfter()).contains(ScriptedFake.SCRIPTED_RETRY_AFTER);
                    });
        }
        platform.setTraffic(canary);

        assertThat(platform.trafficHistory()).containsExactly(canary);
        assertThat(platform.count("setTraffic")).isEqualTo(3);
        assertThat(platform.calls()).containsOnly("setTraffic(v1=90%, v2=10%)").hasSize(3);
    }

    @Test
    void failAlwaysFailsUntilRecovered() {
        platform.failAlways("traffic");
        assertThatThrownBy(platform::traffic).isInstanceOfSatisfying(ProviderException.class,
                e -> assertThat(e.statusCode()).isEqualTo(503));
        assertThatThrownBy(platform::traffic).isInstanceOf(ProviderException.class);
        platform.recover("traffic");
        assertThat(platform.traffic().weights()).isEqualTo(TrafficWeights.all("v1"));
    }

    @Test
    void aLostAnswerStillAppliedTheChange() {
        platform.withRevision("v2", true).failNextAfterApplying("setTraffic");
        assertThatThrownBy(() -> platform.setTraffic(TrafficWeights.all("v2")))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.isTransient()).isTrue());
        assertThat(platform.currentWeights()).contains(TrafficWeights.all("v2"));
    }

    @Test
    void refusesTrafficToInactiveRevisionsAndDeactivatingAServingOne() {
        platform.withRevision("v0", false);
        assertThatThrownBy(() -> platform.setTraffic(TrafficWeights.split("v1", "v0", 10)))
                .isInstanceOf(ProviderException.class).hasMessageContaining("not active");
        assertThatThrownBy(() -> platform.deactivate("v1")).isInstanceOf(ProviderException.class)
                .hasMessageContaining("100%");
        assertThat(platform.trafficHistory()).isEmpty();
    }

    @Test
    void singleModeRefusesASplit() {
        platform.revisionMode(RevisionMode.SINGLE).withRevision("v2", true);
        assertThatThrownBy(() -> platform.setTraffic(TrafficWeights.split("v1", "v2", 50)))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.isTransient()).isFalse());
    }

    @Test
    void unknownOperationsAreRejectedSoTyposDoNotScriptNothing() {
        assertThatThrownBy(() -> platform.failNext("settraffic", 1, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("setTraffic");
    }

    @Test
    void timelineRecordsEverySplitWithItsTime() {
        platform.withRevision("v2", true);
        clock.sleep(Duration.ofMinutes(5));
        platform.setTraffic(TrafficWeights.split("v1", "v2", 10));

        assertThat(platform.weightsAt(clock.at(Duration.ofMinutes(4)))).contains(TrafficWeights.all("v1"));
        assertThat(platform.weightsAt(clock.at(Duration.ofMinutes(5)))).contains(TrafficWeights.split("v1", "v2", 10));
        assertThat(platform.trafficTimeline()).hasSize(2);
    }
}
