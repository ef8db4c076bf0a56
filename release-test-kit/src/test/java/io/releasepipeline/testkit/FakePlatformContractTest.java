package io.releasepipeline.testkit;

import io.releasepipeline.testkit.contract.PlatformProviderContract;

class FakePlatformContractTest extends PlatformProviderContract {

    @Override
    protected PlatformFixture fixture() {
        FakePlatform platform = new FakePlatform(new VirtualClock()).withRevision("v0", false).serving("v1");
        return new PlatformFixture(platform, "v1", "v0");
    }
}
