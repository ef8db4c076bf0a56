package io.releasepipeline.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.error.ProviderException;
import io.releasepipeline.evidence.LockOwner;
import io.releasepipeline.evidence.ReleaseLock;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FakeEvidenceStoreTest {

    private static final Instant NOW = VirtualClock.DEFAULT_START;
    private final FakeEvidenceStore store = new FakeEvidenceStore();

    @Test
    void seededRecordsDescribeTheirPastRelease() {
        store.seed(FakeEvidenceStore.promotedRecord("app", "r-40", "v1", NOW.minus(Duration.ofHours(2))))
                .seed(FakeEvidenceStore.rolledBackRecord("app", "r-41", "v2", "v1", NOW.minus(Duration.ofMinutes(20))));

        assertThat(store.latest("app", 5)).extracting(ReleaseRecord::releaseId).containsExactly("r-41", "r-40");
        ReleaseRecord rolledBack = store.latest("app", 1).get(0);
        assertThat(rolledBack.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(rolledBack.rolledBack()).isTrue();
        assertThat(rolledBack.finishedAt()).contains(NOW.minus(Duration.ofMinutes(20)));
        assertThat(rolledBack.rollback()).get().satisfies(r -> assertThat(r.toRevision()).isEqualTo("v1"));
        assertThat(FakeEvidenceStore.rollbackFailedRecord("app", "r-42", "v3", "v2", NOW).outcome())
                .isEqualTo(ReleaseOutcome.ROLLBACK_FAILED);
        assertThat(store.calls()).as("seeding is not a call").isEmpty();
    }

    @Test
    void aSeededLockIsHeldByAnotherProcess() {
        store.seedLock(new ReleaseLock("app", "r-dead", "o-dead", "host-x", NOW.minus(Duration.ofHours(5)),
                NOW.plusSeconds(60)));
        assertThat(store.tryLock("app", "r-1", LockOwner.random(), "host-a", NOW)).get()
                .extracting(ReleaseLock::host).isEqualTo("host-x");
        assertThat(store.calls()).containsExactly("tryLock(app, r-1)");
    }

    @Test
    void writeFailuresAreScriptable() {
        store.failNext("write", 1, false);
        ReleaseRecord r = FakeEvidenceStore.record("app", "r-1", ReleaseOutcome.ABORTED, NOW);
        assertThatThrownBy(() -> store.write(r)).isInstanceOfSatisfying(ProviderException.class,
                e -> assertThat(e.isTransient()).isFalse());
        assertThat(store.read("app", "r-1")).isEmpty();
        store.write(r);
        assertThat(store.read("app", "r-1")).contains(r);
    }
}
