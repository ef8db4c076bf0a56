package io.releasepipeline.testkit;

import io.releasepipeline.spi.RevisionMode;
import io.releasepipeline.testkit.contract.PlatformProviderContract;

/** The fake in Single mode where it cannot move traffic (as Azure Container Apps without the mode switch). */
class FakePlatformSingleModeNoTrafficContractTest extends PlatformProviderContract {

    @Override
    protected PlatformFixture fixture() {
        FakePlatform platform = new FakePlatform(new VirtualClock()).revisionMode(RevisionMode.SINGLE)
                .movesTrafficInSingleMode(false).withRevision("v0", false).serving("v1");
        return new PlatformFixture(platform, "v1", "v0");
    }
}
