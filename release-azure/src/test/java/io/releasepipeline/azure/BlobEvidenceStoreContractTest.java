package io.releasepipeline.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.options.BlobBreakLeaseOptions;
import com.azure.storage.blob.specialized.BlobLeaseClientBuilder;
import io.releasepipeline.evidence.EvidenceStore;
import io.releasepipeline.evidence.LockOwner;
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
    private String container;

    @BeforeAll
    static void startAzurite() throws IOException {
        azurite = Azurite.shared();
    }

    @AfterEach
    void stopRenewingLeases() {
        stores.forEach(BlobEvidenceStore::close);
    }

    /**
     * The holder takes the lock, stops renewing (its process died) and its lease ends as if it had expired (broken:
     * Azurite would need the full lease duration), leaving the blob that names it.
     */
    @Override
    protected void lockHeldByDeadProcess(EvidenceStore store, String releaseId) {
        BlobEvidenceStore dying = BlobEvidenceStore.builder().connectionString(azurite.connectionString())
                .container(container).leaseDuration(Duration.ofSeconds(15)).build();
        assertThat(dying.tryLock(APP, releaseId, LockOwner.random(), "dead-host", T0)).isEmpty();
        dying.close();
        BlobClient blob = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .getBlobContainerClient(container).getBlobClient("locks/" + APP + ".lock");
        new BlobLeaseClientBuilder().blobClient(blob).buildClient().breakLeaseWithResponse(
                new BlobBreakLeaseOptions().setBreakPeriod(Duration.ZERO), null, Context.NONE);
    }

    @Override
    protected EvidenceStore store() {
        container = "contract-" + UUID.randomUUID().toString().substring(0, 8);
        BlobEvidenceStore store = BlobEvidenceStore.builder().connectionString(azurite.connectionString())
                .container(container)
                .leaseDuration(Duration.ofSeconds(15)).retry(2, Duration.ofMillis(1), Duration.ofMillis(5)).build();
        stores.add(store);
        return store;
    }
}
