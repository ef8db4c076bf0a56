package io.releasepipeline.scenario;

import static io.releasepipeline.testkit.Simulation.APP;
import static io.releasepipeline.testkit.Simulation.NEW;
import static io.releasepipeline.testkit.Simulation.PR;
import static io.releasepipeline.testkit.Simulation.STABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleasePipelineBuilder;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.evidence.EvidenceStore;
import io.releasepipeline.evidence.JournalEntry;
import io.releasepipeline.evidence.LockOwner;
import io.releasepipeline.evidence.ReleaseLock;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.spi.CiProvider;
import io.releasepipeline.spi.PlatformProvider;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.testkit.FakeEvidenceStore;
import io.releasepipeline.testkit.Simulation;
import io.releasepipeline.traffic.TrafficPlan;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A process that dies at any step boundary (just before or just after journaling a state) is resumed by a fresh
 * pipeline: the release ends as it would have, the merge happens once, each traffic shift happens once, and the
 * evidence says it was resumed. The child-JVM test with a real SIGKILL is
 * {@code io.releasepipeline.crash.KilledReleaseResumeTest}.
 */
class CrashResumeScenarioTest {

    private static final String RELEASE = "pr123-crash";

    /** The process dies: an Error nothing in the engine catches; the lock stays held like a dead process's. */
    static final class Crash extends Error {
        private static final long serialVersionUID = 1L;

        Crash(String at) {
            super("simulated crash " + at);
        }
    }

    /** An evidence store that dies around one journal state. */
    static final class CrashingStore implements EvidenceStore {
        private final FakeEvidenceStore delegate;
        private final String state;
        private final boolean afterJournaling;
        private final int occurrence;
        private int seen;
        private volatile boolean crashed;

        CrashingStore(FakeEvidenceStore delegate, String state, boolean afterJournaling) {
            this(delegate, state, afterJournaling, 1);
        }

        /** Dies around the {@code occurrence}-th entry of {@code state}. */
        CrashingStore(FakeEvidenceStore delegate, String state, boolean afterJournaling, int occurrence) {
            this.delegate = delegate;
            this.state = state;
            this.afterJournaling = afterJournaling;
            this.occurrence = occurrence;
        }

        @Override
        public List<String> journaledReleases(String app) {
            dieIfCrashed();
            return delegate.journaledReleases(app);
        }

        @Override
        public void appendJournal(JournalEntry entry) {
            dieIfCrashed();
            boolean here = !crashed && entry.state().equals(state) && ++seen == occurrence;
            if (here && !afterJournaling) {
                die();
                throw new Crash("before journaling " + state);
            }
            delegate.appendJournal(entry);
            if (here) {
                die();
                throw new Crash("after journaling " + state);
            }
        }

        /** A dead process does nothing more: every later call dies too. */
        private void dieIfCrashed() {
            if (crashed) {
                throw new Crash("(the process is dead)");
            }
        }

        boolean crashed() {
            return crashed;
        }

        /** The process dies: its lock stays behind, stale. */
        private void die() {
            crashed = true;
            delegate.abandonLocks();
        }

        @Override
        public void unlock(String app, LockOwner owner) {
            if (!crashed) {
                delegate.unlock(app, owner);
            }
        }

        @Override
        public boolean holdsLock(String app, LockOwner owner) {
            return !crashed && delegate.holdsLock(app, owner);
        }

        @Override
        public String providerName() {
            return delegate.providerName();
        }

        @Override
        public String write(ReleaseRecord record) {
            dieIfCrashed();
            return delegate.write(record);
        }

        @Override
        public Optional<ReleaseRecord> read(String app, String releaseId) {
            dieIfCrashed();
            return delegate.read(app, releaseId);
        }

        @Override
        public List<ReleaseRecord> latest(String app, int limit) {
            dieIfCrashed();
            return delegate.latest(app, limit);
        }

        @Override
        public List<JournalEntry> journal(String app, String releaseId) {
            dieIfCrashed();
            return delegate.journal(app, releaseId);
        }

        @Override
        public Optional<ReleaseLock> tryLock(String app, String releaseId, LockOwner owner, String host,
                Instant now) {
            dieIfCrashed();
            return delegate.tryLock(app, releaseId, owner, host, now);
        }

        @Override
        public Optional<ReleaseLock> currentLock(String app) {
            dieIfCrashed();
            return delegate.currentLock(app);
        }

        @Override
        public boolean breakLock(String app, String releaseId) {
            dieIfCrashed();
            return delegate.breakLock(app, releaseId);
        }
    }

    /**
     * The dying process's pipeline: once {@code store} has crashed, every platform and CI call dies too, as in a
     * process that is gone (the engine's safety net for {@code Error}s then changes nothing in the world).
     */
    static ReleasePipelineBuilder dying(Simulation sim, CrashingStore store) {
        return sim.builder().evidence(store).platform(deadAfterCrash(sim.platform, PlatformProvider.class, store))
                .ci(deadAfterCrash(sim.ci, CiProvider.class, store));
    }

    private static <T> T deadAfterCrash(T target, Class<T> type, CrashingStore store) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (store.crashed() && method.getDeclaringClass() != Object.class
                    && !method.getName().equals("providerName")) {
                throw new Crash("(the process is dead)");
            }
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }

    static Stream<Arguments> boundaries() {
        List<String> states = List.of("GATES_PASSED", "MERGING", "MERGED", "DEPLOYMENT", "DEPLOYED", "NEW_REVISION",
                "SHIFTING", "OBSERVING", "STEP_PASSED", "FINISHED");
        return states.stream().flatMap(s -> Stream.of(Arguments.of(s, false), Arguments.of(s, true)));
    }

    @ParameterizedTest(name = "dies {1} journaling {0}: resumed, promoted, nothing repeated")
    @MethodSource("boundaries")
    void aPromotionResumesFromEveryBoundary(String state, boolean afterJournaling) {
        Simulation sim = new Simulation();
        ReleasePipeline dying = dying(sim, new CrashingStore(sim.evidence, state, afterJournaling)).build();
        assertThatThrownBy(() -> dying.promote(ReleaseRequest.ofPullRequest(PR).withReleaseId(RELEASE)))
                .isInstanceOf(Crash.class);
        assertThat(sim.evidence.currentLock(APP)).hasValueSatisfying(l -> assertThat(l.releaseId())
                .isEqualTo(RELEASE));

        List<JournalEntry> journal = sim.evidence.journal(APP, RELEASE);
        JournalEntry stoppedAt = journal.get(journal.size() - 1);
        sim.clock.advance(Duration.ofSeconds(30));
        Instant resumedAt = sim.clock.now();
        ReleaseResult result = sim.pipeline().resume(RELEASE);

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        if (!state.equals("FINISHED")) {
            // "stopped at" is when the old process wrote its last entry, not when the resume ran 30 s later.
            assertThat(result.record().notes()).anySatisfy(n -> assertThat(n).startsWith("resumed after the previous "
                    + "process stopped at " + stoppedAt.state() + " (journal entry " + stoppedAt.sequence()
                    + ", written at " + stoppedAt.at() + ") by ").endsWith(" at " + resumedAt));
        }
        assertThat(sim.ci.count("merge")).isEqualTo(1);
        assertThat(sim.platform.trafficHistory()).containsExactly(TrafficWeights.all(NEW));
        assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(NEW));
        ReleaseRecord record = sim.evidence.read(APP, RELEASE).orElseThrow();
        assertThat(record.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(record.gates()).hasSize(8).allMatch(g -> g.passed());
        assertThat(record.newRevision()).contains(NEW);
        // The record keeps what the stopped process saw: it is carried in the journal.
        assertThat(record.approvers()).containsExactly("alice");
        assertThat(record.trafficChanges()).singleElement().satisfies(c -> {
            assertThat(c.from()).isEqualTo(TrafficWeights.all(STABLE));
            assertThat(c.to()).isEqualTo(TrafficWeights.all(NEW));
        });
        assertThat(record.smokeChecks()).isNotEmpty();
        assertThat(record.verdicts()).extracting(v -> v.trigger()).containsExactly("smoke-check", "health-endpoint",
                "error-rate");
        assertThat(record.deployRun()).hasValueSatisfying(r -> assertThat(r.succeeded()).isTrue());
        if (!state.equals("FINISHED")) {
            assertThat(record.notes()).anySatisfy(n -> assertThat(n).startsWith("resumed after the previous process "
                    + "stopped at"));
        }
        assertThat(sim.evidence.currentLock(APP)).isEmpty();
        assertThat(sim.evidence.journal(APP, RELEASE)).last().satisfies(j -> assertThat(j.state())
                .isEqualTo("FINISHED"));
        // Creating a deployment record is idempotent per release: dying between it and its journal entry leaves a
        // record that the resumed release finds again (by its release id) and reports on.
        assertThat(sim.ci.deployments()).singleElement().satisfies(d -> assertThat(d.releaseId()).isEqualTo(RELEASE));
        String reported = sim.ci.deployments().get(0).id();
        assertThat(sim.ci.deploymentStatuses(reported)).last().satisfies(s -> assertThat(s.state())
                .isEqualTo(io.releasepipeline.spi.DeploymentState.SUCCESS));
    }

    @ParameterizedTest(name = "a canary that dies {1} journaling its second {0} resumes without re-shifting")
    @MethodSource("canaryBoundaries")
    void aCanaryResumesMidPlan(String state, boolean afterJournaling) {
        Simulation sim = new Simulation();
        CrashingStore store = new CrashingStore(sim.evidence, state, afterJournaling, 2);
        ReleasePipeline dying = dying(sim, store).trafficPlan(TrafficPlan.canary(10, 50, 100)).build();
        assertThatThrownBy(() -> dying.promote(ReleaseRequest.ofPullRequest(PR).withReleaseId(RELEASE)))
                .isInstanceOf(Crash.class);

        ReleaseResult result = sim.builder().trafficPlan(TrafficPlan.canary(10, 50, 100)).build().resume(RELEASE);

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(sim.platform.trafficHistory()).containsExactly(TrafficWeights.split(STABLE, NEW, 10),
                TrafficWeights.split(STABLE, NEW, 50), TrafficWeights.all(NEW));
    }

    static Stream<Arguments> canaryBoundaries() {
        return Stream.of("SHIFTING", "OBSERVING", "STEP_PASSED")
                .flatMap(s -> Stream.of(Arguments.of(s, false), Arguments.of(s, true)));
    }

    @ParameterizedTest(name = "a rollback that dies {0} journaling ROLLING_BACK is finished on resume")
    @MethodSource("beforeAfter")
    void aRollbackInFlightIsFinished(boolean afterJournaling) {
        Simulation sim = new Simulation();
        sim.smoke.failingFrom(NEW, Duration.ZERO);
        ReleasePipeline dying = dying(sim, new CrashingStore(sim.evidence, "ROLLING_BACK",
                afterJournaling)).build();
        assertThatThrownBy(() -> dying.promote(ReleaseRequest.ofPullRequest(PR).withReleaseId(RELEASE)))
                .isInstanceOf(Crash.class);
        assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(NEW));

        ReleaseResult result = sim.pipeline().resume(RELEASE);

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(sim.platform.trafficHistory()).containsExactly(TrafficWeights.all(NEW), TrafficWeights.all(STABLE));
        assertThat(sim.ci.comments(PR)).hasSize(1);
    }

    static Stream<Boolean> beforeAfter() {
        return Stream.of(false, true);
    }

    @Test
    void aFinishedReleaseResumesToItsRecordAndAnUnknownOneIsAClearError() {
        Simulation sim = new Simulation();
        ReleaseResult done = sim.pipeline().promote(ReleaseRequest.ofPullRequest(PR).withReleaseId(RELEASE));
        ReleaseResult again = sim.pipeline().resume(RELEASE);
        assertThat(again.record()).isEqualTo(done.record());
        assertThat(sim.ci.count("merge")).isEqualTo(1);
        // A crashed release (STARTED only) can be resumed; the finished one and a standalone rollback cannot.
        sim.evidence.appendJournal(new JournalEntry(APP, "pr124-crashed", 1, sim.clock.now(), "STARTED",
                java.util.Map.of("pullRequest", "124")));
        sim.evidence.appendJournal(new JournalEntry(APP, "rollback-1", 1, sim.clock.now(), "STARTED",
                java.util.Map.of("reason", "panic")));
        assertThatThrownBy(() -> sim.pipeline().resume("pr999-never"))
                .isInstanceOfSatisfying(io.releasepipeline.UnknownTargetException.class, e -> {
                    assertThat(e.known()).containsExactly("pr124-crashed");
                    assertThat(e.getMessage()).isEqualTo("no release 'pr999-never' of backend to resume (it has no "
                            + "journal); nothing was changed; releases that can be resumed: pr124-crashed");
                });
        assertThat(sim.evidence.currentLock(APP)).isEmpty();
    }

    @Test
    void aStaleLockCanBeBrokenExplicitly() {
        Simulation sim = new Simulation();
        sim.evidence.seedStaleLock(APP, "pr1-dead", "runner-3", sim.clock.now().minusSeconds(7200));
        ReleasePipeline pipeline = sim.pipeline();
        assertThat(pipeline.currentLock()).hasValueSatisfying(l -> assertThat(l.host()).isEqualTo("runner-3"));
        assertThat(pipeline.breakLock("pr2-other")).isFalse();
        assertThat(pipeline.breakLock("pr1-dead")).isTrue();
        assertThat(pipeline.promote(ReleaseRequest.ofPullRequest(PR)).outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
    }
}
