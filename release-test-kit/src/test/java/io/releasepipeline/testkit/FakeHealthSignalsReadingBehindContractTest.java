package io.releasepipeline.testkit;

import io.releasepipeline.testkit.contract.HealthSignalProviderContract;
import java.time.Duration;

/** The contract, kept by the fake when it reads two minutes behind, as a log source waiting for ingestion does. */
class FakeHealthSignalsReadingBehindContractTest extends HealthSignalProviderContract {

    @Override
    protected HealthFixture fixture() {
        VirtualClock clock = new VirtualClock();
        FakeHealthSignals signals = new FakeHealthSignals(clock).readsBehind(Duration.ofMinutes(2));
        signals.revision("v2").requestsPerMinute(600).errorRate(0.03);
        clock.advance(Duration.ofMinutes(10));
        return new HealthFixture(signals, "v2", "v1", clock.at(Duration.ofMinutes(5)), clock.now());
    }

    @Override
    protected Duration readsBehind() {
        return Duration.ofMinutes(2);
    }
}
