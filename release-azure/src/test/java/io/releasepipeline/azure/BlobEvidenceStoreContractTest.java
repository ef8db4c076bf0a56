package io.releasepipeline.azure;

import io.releasepipeline.evidence.EvidenceStore;
import io.releasepipeline.testkit.contract.EvidenceStoreContract;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The evidence store contract, kept by the Blob store against a real Azurite; each test gets a fresh container. */
class BlobEvidenceStoreContractTest extends EvidenceStoreContract {

    private static Azurite azurite;
    private final List<BlobEvidenceStore> stores = new ArrayList<>();

    @BeforeAll
    static void startAzurite() throws IOException {
        azurite = Azurite.shared();
    }

    @AfterEach
    void stopRenewingLeases() {
        stores.forEach(BlobEvidenceStore::close);
    }

    @Override
    protected EvidenceStore store() {
        BlobEvidenceStore store = BlobEvidenceStore.builder().connectionString(azurite.connectionString())
                .container("contract-" + UUID.randomUUID().toString().substring(0, 8))
                .leaseDuration(Duration.ofSeconds(15)).retry(2, Duration.ofMillis(1), Duration.ofMillis(5)).build();
        stores.add(store);
        return store;
    }
}
