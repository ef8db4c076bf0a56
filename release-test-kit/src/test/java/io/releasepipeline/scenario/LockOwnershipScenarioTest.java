package io.releasepipeline.scenario;

import static io.releasepipeline.testkit.Simulation.APP;
import static io.releasepipeline.testkit.Simulation.PR;
import static io.releasepipeline.testkit.Simulation.STABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.LockLostException;
import io.releasepipeline.LockTakeover;
import io.releasepipeline.ReleaseInProgressException;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.JournalEntry;
import io.releasepipeline.evidence.ReleaseLock;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.testkit.Simulation;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The release lock is held by an owner: not re-entrant across processes, taken over only from the dead, fenced. */
class LockOwnershipScenarioTest {

    private static final String ID = "pr123-20260105-090000-abcdef";
    private final Simulation sim = new Simulation();

    private void assertNothingChanged() {
        assertThat(sim.ci.isMerged(PR)).as("merged").isFalse();
        assertThat(sim.platform.trafficHistory()).as("traffic changes").isEmpty();
        assertThat(sim.evidence.journal(APP, ID)).as("journal").isEmpty();
    }

    private void crashedAfterStarting() {
        sim.evidence.appendJournal(new JournalEntry(APP, ID, 1, sim.clock.now(), "STARTED",
                Map.of("pullRequest", String.valueOf(PR))));
    }

    @Test
    @DisplayName("a second process running the same release id is refused while the first lives (not re-entrant)")
    void sameReleaseIdFromAnotherProcess() {
        ReleaseLock running = sim.evidence.seedLiveLock(APP, ID, "runner-1", sim.clock.now());

        assertThatThrownBy(() -> sim.pipeline().promote(ReleaseRequest.ofPullRequest(PR).withReleaseId(ID)))
                .isInstanceOfSatisfying(ReleaseInProgressException.class, e -> {
                    assertThat(e.owner()).isEqualTo(running.owner());
                    assertThat(e.stale()).isFalse();
                    assertThat(e.getMessage()).contains(ID, "runner-1", running.owner(), "live");
                });
        assertThat(sim.ci.isMerged(PR)).isFalse();
        assertThat(sim.platform.trafficHistory()).isEmpty();
    }

    @Test
    @DisplayName("resume of a release whose process still lives is refused, naming the holder; nothing changes")
    void resumeOfALiveRelease() {
        crashedAfterStarting();
        ReleaseLock running = sim.evidence.seedLiveLock(APP, ID, "runner-1", sim.clock.now());

        assertThatThrownBy(() -> sim.pipeline().resume(ID))
                .isInstanceOfSatisfying(ReleaseInProgressException.class,
                        e -> assertThat(e.getMessage()).contains(ID, running.owner(), "runner-1"));
        assertThat(sim.ci.isMerged(PR)).isFalse();
        assertThat(sim.platform.trafficHistory()).isEmpty();
        assertThat(sim.evidence.journal(APP, ID)).hasSize(1);
        assertThat(sim.evidence.currentLock(APP)).contains(running);
    }

    @Test
    @DisplayName("resume takes over the stale lock of its own release (its process died) and finishes it")
    void resumeTakesOverAStaleLock() {
        crashedAfterStarting();
        sim.evidence.seedStaleLock(APP, ID, "runner-1", sim.clock.now());

        ReleaseResult result = sim.pipeline().resume(ID);

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(sim.evidence.currentLock(APP)).isEmpty();
    }

    @Test
    @DisplayName("resume --force breaks a live holder's lock of the same release, and never another release's")
    void forcedResume() {
        crashedAfterStarting();
        sim.evidence.seedLiveLock(APP, "pr99-other", "runner-9", sim.clock.now());
        assertThatThrownBy(() -> sim.pipeline().resume(ID, LockTakeover.FORCE))
                .isInstanceOf(ReleaseInProgressException.class).hasMessageContaining("pr99-other");
        sim.evidence.breakLock(APP, "pr99-other");
        sim.evidence.seedLiveLock(APP, ID, "runner-1", sim.clock.now());

        ReleaseResult result = sim.pipeline().resume(ID, LockTakeover.FORCE);

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(sim.evidence.calls()).contains("breakLock(" + APP + ", " + ID + ")");
        assertThat(sim.events(ReleaseEvent.Warning.class)).anySatisfy(w -> assertThat(w.message())
                .contains("forced takeover of the release lock held by release " + ID));
    }

    @Test
    @DisplayName("fencing: a release whose lock another process took writes no journal entry after that, and says so")
    void lockLostMidRelease() {
        AtomicReference<Instant> takenAt = new AtomicReference<>();
        AtomicReference<ReleaseLock> taker = new AtomicReference<>();
        List<Throwable> thrown = new java.util.ArrayList<>();
        ReleaseResult result = null;
        try {
            result = sim.builder().listener(event -> {
                if (event instanceof ReleaseEvent.Merged && takenAt.get() == null) {
                    takenAt.set(event.at());
                    taker.set(sim.evidence.takeOverLock(APP, "pr99-forced", "runner-9", event.at()));
                }
            }).build().promote(ReleaseRequest.ofPullRequest(PR).withReleaseId(ID));
        } catch (RuntimeException e) {
            thrown.add(e);
        }

        assertThat(takenAt.get()).as("the lock was taken over after the merge").isNotNull();
        List<JournalEntry> journal = sim.evidence.journal(APP, ID);
        assertThat(journal).as("nothing journaled (so nothing done) after the lock was lost")
                .allSatisfy(e -> assertThat(e.at()).isBeforeOrEqualTo(takenAt.get()))
                .noneSatisfy(e -> assertThat(e.state()).isIn("SHIFTING", "NEW_REVISION", "DEPLOYED"));
        assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(STABLE));
        String expected = "release " + ID + " of " + APP + " lost the app's release lock; it is now held by release "
                + "pr99-forced (owner " + taker.get().owner() + " on runner-9";
        boolean said = thrown.stream().anyMatch(t -> t instanceof LockLostException
                && t.getMessage().startsWith(expected))
                || sim.events(ReleaseEvent.Warning.class).stream().anyMatch(w -> w.message().contains(expected))
                || (result != null && result.record().notes().stream().anyMatch(n -> n.contains(expected)));
        assertThat(said).as("the loss is reported, naming the new holder: %s / %s / %s", thrown,
                sim.events(ReleaseEvent.Warning.class), result).isTrue();
        assertThat(sim.evidence.currentLock(APP)).contains(taker.get());
    }
}
