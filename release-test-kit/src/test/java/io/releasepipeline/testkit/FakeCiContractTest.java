package io.releasepipeline.testkit;

import io.releasepipeline.testkit.contract.CiProviderContract;
import java.util.Optional;

class FakeCiContractTest extends CiProviderContract {

    @Override
    protected CiFixture fixture() {
        FakeCi ci = new FakeCi(new VirtualClock());
        String head = FakeCi.sha("feature");
        ci.deploysOnlyUnder("backend");
        ci.collaborator("mallory", "triage");
        ci.pr(42).headSha(head).approvedBy("alice", "mallory").checkPasses("tests").checkFails("lint")
                .changes("backend/app/quotes.py", "docs/quotes.md");
        return new CiFixture(ci, 42, head, "alice", "tests", "backend/app/quotes.py", "docs/README.md",
                Optional.of("mallory"));
    }
}
