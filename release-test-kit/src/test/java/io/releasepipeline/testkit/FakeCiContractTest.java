package io.releasepipeline.testkit;

import io.releasepipeline.testkit.contract.CiProviderContract;

class FakeCiContractTest extends CiProviderContract {

    @Override
    protected CiFixture fixture() {
        FakeCi ci = new FakeCi(new VirtualClock());
        String head = FakeCi.sha("feature");
        ci.pr(42).headSha(head).approvedBy("alice").checkPasses("tests").checkFails("lint");
        return new CiFixture(ci, 42, head, "alice", "tests");
    }
}
