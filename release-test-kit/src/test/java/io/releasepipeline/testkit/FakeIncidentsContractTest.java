package io.releasepipeline.testkit;

import io.releasepipeline.testkit.contract.IncidentProviderContract;

class FakeIncidentsContractTest extends IncidentProviderContract {

    @Override
    protected IncidentFixture fixture() {
        return new IncidentFixture(new FakeIncidents().open("INC-1", "SEV-1").open("INC-2", "SEV-3"), "INC-1",
                "SEV-1");
    }
}
