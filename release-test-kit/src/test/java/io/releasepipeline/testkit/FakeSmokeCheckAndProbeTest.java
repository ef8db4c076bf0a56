package io.releasepipeline.testkit;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.health.SmokeResult;
import io.releasepipeline.health.SmokeTarget;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FakeSmokeCheckAndProbeTest {

    private final VirtualClock clock = new VirtualClock();

    @Test
    void healthDownFromThreeMinutesFor31Seconds() {
        FakeHealthProbe probe = new FakeHealthProbe(clock).failingFor("v2", ofMinutes(3), ofSeconds(31));
        SmokeTarget v2 = SmokeTarget.of("v2");

        clock.advance(ofMinutes(3).minusSeconds(1));
        assertThat(probe.probe(v2).up()).isTrue();
        clock.advance(ofSeconds(1));
        assertThat(probe.probe(v2).up()).isFalse();
        clock.advance(ofSeconds(30));
        assertThat(probe.probe(v2).up()).isFalse();
        assertThat(probe.probe(SmokeTarget.of("v1")).up()).isTrue();
        clock.advance(ofSeconds(1));
        assertThat(probe.probe(v2).up()).isTrue();

        assertThat(probe.probes("v2")).isEqualTo(4);
        assertThat(probe.probes()).isEqualTo(5);
    }

    @Test
    void smokeFailsInItsWindowWith503OnEveryEndpoint() {
        FakeSmokeCheck smoke = new FakeSmokeCheck(clock).failingBetween("v2", ofMinutes(1), ofMinutes(2));
        assertThat(smoke.run(SmokeTarget.of("v2"), clock).passed()).isTrue();
        clock.advance(ofMinutes(1));
        SmokeResult failed = smoke.run(SmokeTarget.of("v2"), clock);
        assertThat(failed.passed()).isFalse();
        assertThat(failed.at()).isEqualTo(clock.now());
        assertThat(failed.endpoints()).hasSize(FakeSmokeCheck.DEFAULT_ENDPOINTS.size())
                .allSatisfy(e -> assertThat(e.status()).contains(503));
        clock.advance(ofMinutes(1));
        assertThat(smoke.run(SmokeTarget.of("v2"), clock).passed()).isTrue();
        assertThat(smoke.runs("v2")).isEqualTo(3);
        assertThat(smoke.lastResult()).get().extracting(SmokeResult::passed).isEqualTo(true);
    }

    @Test
    void aSlowRevisionFailsTheLatencySlo() {
        FakeSmokeCheck smoke = new FakeSmokeCheck(clock).slow("v2", ofMillis(800)).slow("v3", ofMillis(499));
        assertThat(smoke.run(SmokeTarget.of("v2"), clock).summary()).startsWith("FAIL").contains("500ms SLO");
        assertThat(smoke.run(SmokeTarget.of("v3"), clock).passed()).isTrue();
    }

    @Test
    void aRunTakesVirtualTimeWhenScripted() {
        FakeSmokeCheck smoke = new FakeSmokeCheck(clock).runTakes(Duration.ofSeconds(4));
        SmokeResult r = smoke.run(SmokeTarget.of("v1"), clock);
        assertThat(r.at()).isEqualTo(clock.at(ofSeconds(4)));
    }
}
