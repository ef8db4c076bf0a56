package io.releasepipeline.testkit;

import io.releasepipeline.testkit.contract.HealthSignalProviderContract;
import java.time.Duration;

class FakeHealthSignalsContractTest extends HealthSignalProviderContract {

    @Override
    protected HealthFixture fixture() {
        VirtualClock clock = new VirtualClock();
        FakeHealthSignals signals = new FakeHealthSignals(clock);
        signals.revision("v2").requestsPerMinute(600).errorRate(0.03);
        clock.advance(Duration.ofMinutes(10));
        return new HealthFixture(signals, "v2", "v1", clock.at(Duration.ofMinutes(5)), clock.now());
    }
}
