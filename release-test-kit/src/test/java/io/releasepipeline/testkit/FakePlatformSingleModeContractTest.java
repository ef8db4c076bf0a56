package io.releasepipeline.testkit;

import io.releasepipeline.spi.RevisionMode;
import io.releasepipeline.testkit.contract.PlatformProviderContract;

class FakePlatformSingleModeContractTest extends PlatformProviderContract {

    @Override
    protected PlatformFixture fixture() {
        FakePlatform platform = new FakePlatform(new VirtualClock()).revisionMode(RevisionMode.SINGLE)
                .withRevision("v0", false).serving("v1");
        return new PlatformFixture(platform, "v1", "v0");
    }
}
