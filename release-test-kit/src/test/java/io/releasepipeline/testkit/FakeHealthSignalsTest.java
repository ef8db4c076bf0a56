package io.releasepipeline.testkit;

import static java.time.Duration.ofMinutes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.error.ProviderException;
import io.releasepipeline.spi.ErrorRateReading;
import io.releasepipeline.spi.TrafficWeights;
import org.junit.jupiter.api.Test;

class FakeHealthSignalsTest {

    private final VirtualClock clock = new VirtualClock();
    private final FakeHealthSignals signals = new FakeHealthSignals(clock);

    @Test
    void integratesRequestsAndErrorsPiecewiseOverTheWindow() {
        signals.revision("v2").requestsPerMinute(600).errorRate(0.01).errorRateFrom(ofMinutes(3), 0.08);
        clock.advance(ofMinutes(10));

        // [1m, 6m]: 3000 requests; errors 2 min x 600 x 1% + 3 min x 600 x 8% = 12 + 144
        assertThat(signals.errorRate("v2", clock.at(ofMinutes(1)), clock.at(ofMinutes(6))))
                .isEqualTo(new ErrorRateReading.Measured("v2", clock.at(ofMinutes(1)), clock.at(ofMinutes(6)),
                        3000, 156));
    }

    @Test
    void aRevisionWithoutRequestsHasNoDataNeverAZeroRate() {
        signals.revision("v2").requestsPerMinute(600).trafficSince(ofMinutes(5));
        clock.advance(ofMinutes(10));

        assertThat(signals.errorRate("v1", clock.at(ofMinutes(0)), clock.now()))
                .isInstanceOf(ErrorRateReading.NoData.class);
        assertThat(signals.errorRate("v2", clock.at(ofMinutes(0)), clock.at(ofMinutes(5))))
                .isInstanceOf(ErrorRateReading.NoData.class);
        assertThat(signals.errorRate("v2", clock.at(ofMinutes(4)), clock.at(ofMinutes(6))))
                .isInstanceOfSatisfying(ErrorRateReading.Measured.class,
                        m -> assertThat(m.requests()).isEqualTo(600));
    }

    @Test
    void theFutureHasNoRequestsYet() {
        signals.revision("v2").requestsPerMinute(60);
        clock.advance(ofMinutes(2));
        assertThat(signals.errorRate("v2", clock.at(ofMinutes(0)), clock.at(ofMinutes(5))))
                .isInstanceOfSatisfying(ErrorRateReading.Measured.class,
                        m -> assertThat(m.requests()).isEqualTo(120));
    }

    @Test
    void aBriefErrorBurstRevertsToTheEarlierRate() {
        signals.revision("v2").requestsPerMinute(100).errorRate(0.02).errorRateBetween(ofMinutes(2), ofMinutes(3), 1.0);
        clock.advance(ofMinutes(5));
        // 4 quiet minutes at 2% (8) plus one minute all failing (100)
        assertThat(signals.errorRate("v2", clock.at(ofMinutes(0)), clock.at(ofMinutes(5))))
                .isInstanceOfSatisfying(ErrorRateReading.Measured.class,
                        m -> assertThat(m.serverErrors()).isEqualTo(108));
    }

    @Test
    void followsThePlatformsTrafficSplit() {
        FakePlatform platform = new FakePlatform(clock).withRevision("v2", true).serving("v1");
        signals.followTraffic(platform, 600).revision("v2").errorRate(0.1);
        clock.advance(ofMinutes(2));
        platform.setTraffic(TrafficWeights.split("v1", "v2", 10));
        clock.advance(ofMinutes(5));

        // v2 had 0% for 2 minutes, then 10% of 600 rpm for 5 minutes
        assertThat(signals.errorRate("v2", clock.at(ofMinutes(0)), clock.now()))
                .isInstanceOfSatisfying(ErrorRateReading.Measured.class, m -> {
                    assertThat(m.requests()).isEqualTo(300);
                    assertThat(m.serverErrors()).isEqualTo(30);
                });
        assertThat(signals.errorRate("v1", clock.at(ofMinutes(0)), clock.now()))
                .isInstanceOfSatisfying(ErrorRateReading.Measured.class,
                        m -> assertThat(m.requests()).isEqualTo(1200 + 2700));
    }

    @Test
    void failuresAreScriptable() {
        signals.failNext("errorRate", 1, true);
        assertThatThrownBy(() -> signals.errorRate("v2", clock.now(), clock.now()))
                .isInstanceOf(ProviderException.class);
        assertThat(signals.errorRate("v2", clock.now(), clock.now())).isInstanceOf(ErrorRateReading.NoData.class);
        assertThat(signals.count("errorRate")).isEqualTo(2);
    }
}
