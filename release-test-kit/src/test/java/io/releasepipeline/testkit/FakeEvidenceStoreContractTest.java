package io.releasepipeline.testkit;

import io.releasepipeline.evidence.EvidenceStore;
import io.releasepipeline.testkit.contract.EvidenceStoreContract;

class FakeEvidenceStoreContractTest extends EvidenceStoreContract {

    @Override
    protected EvidenceStore store() {
        return new FakeEvidenceStore();
    }

    @Override
    protected void lockHeldByDeadProcess(EvidenceStore store, String releaseId) {
        ((FakeEvidenceStore) store).seedStaleLock(APP, releaseId, "dead-host", T0);
    }
}
