package io.releasepipeline.scenario;

import static io.releasepipeline.testkit.Simulation.APP;
import static io.releasepipeline.testkit.Simulation.NEW;
import static io.releasepipeline.testkit.Simulation.PR;
import static io.releasepipeline.testkit.Simulation.STABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.JournalEntry;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.spi.DeploymentState;
import io.releasepipeline.spi.PlatformProvider;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.testkit.Simulation;
import io.releasepipeline.traffic.TrafficPlan;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The engine keeps its promises when things go wrong (issue 11): an interrupt, an {@link Error}, a journal that
 * cannot be written, a resume whose journal and world disagree. Each test names the issue's case it covers.
 */
class FailureSemanticsScenarioTest {

    private static final String RELEASE = "pr123-faults";
    private static final TrafficWeights CANARY_10 = TrafficWeights.split(STABLE, NEW, 10);

    /** Case 1: {@code shutdownNow()} on a canary at 90/10. */
    @Nested
    class Interrupt {

        @Test
        void issue1_anInterruptAtNinetyTenPutsTrafficBackOnStableAndRecordsIt() throws Exception {
            Simulation sim = new Simulation();
            CountDownLatch atCanary = new CountDownLatch(1);
            ReleasePipeline pipeline = sim.builder().platform(failsWhenInterrupted(sim.platform))
                    .clock(sim.clock).trafficPlan(TrafficPlan.canary(10, 50, 100))
                    .listener(e -> {
                        if (e instanceof ReleaseEvent.ObservationStarted o && o.weight() == 10) {
                            atCanary.countDown();
                            waitForInterrupt();
                        }
                    }).build();
            ExecutorService runner = Executors.newSingleThreadExecutor();
            AtomicBoolean interruptedAfter = new AtomicBoolean();
            Future<ReleaseResult> release = runner.submit(() -> {
                ReleaseResult r = pipeline.promote(ReleaseRequest.ofPullRequest(PR).withReleaseId(RELEASE));
                interruptedAfter.set(Thread.currentThread().isInterrupted());
                return r;
            });
            assertThat(atCanary.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(sim.platform.currentWeights()).contains(CANARY_10);

            runner.shutdownNow();
            ReleaseResult result = release.get(30, TimeUnit.SECONDS);

            assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
            assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(STABLE));
            assertThat(interruptedAfter).as("the interrupt is given back to the caller").isTrue();
            ReleaseRecord record = sim.evidence.read(APP, RELEASE).orElseThrow();
            assertThat(record.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
            assertThat(record.notes()).anySatisfy(n -> assertThat(n).startsWith("cancelled: the release's thread "
                    + "was interrupted; traffic was put back on " + STABLE));
            assertThat(record.rollback()).hasValueSatisfying(r -> assertThat(r.succeeded()).isTrue());
            assertThat(sim.evidence.journal(APP, RELEASE)).extracting(JournalEntry::state)
                    .contains("ROLLING_BACK").last().isEqualTo("FINISHED");
            assertThat(sim.evidence.currentLock(APP)).isEmpty();
            String deployment = sim.ci.deployments().get(0).id();
            assertThat(sim.ci.deploymentStatuses(deployment)).last()
                    .satisfies(s -> assertThat(s.state()).isEqualTo(DeploymentState.FAILURE));
        }

        @Test
        void anInterruptAtOneHundredPercentUnderObservationRollsBackToStable() {
            Simulation sim = new Simulation();
            // Interrupted on its own thread: the flag alone, no exception, as a pool's shutdownNow() may leave it.
            ReleasePipeline pipeline = sim.builder().listener(e -> {
                if (e instanceof ReleaseEvent.ObservationStarted o && o.weight() == 100) {
                    Thread.currentThread().interrupt();
                }
            }).build();

            ReleaseResult result = pipeline.promote(ReleaseRequest.ofPullRequest(PR).withReleaseId(RELEASE));
            boolean interruptedAfter = Thread.interrupted();

            assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
            assertThat(interruptedAfter).isTrue();
            assertThat(sim.platform.trafficHistory()).containsExactly(TrafficWeights.all(NEW),
                    TrafficWeights.all(STABLE));
            assertThat(result.record().rollback()).hasValueSatisfying(r -> assertThat(r.reason())
                    .isEqualTo("manual rollback: the release's thread was interrupted (cancelled)"));
            assertThat(sim.evidence.currentLock(APP)).isEmpty();
        }

        @Test
        void aCancelRollbackSmokeChecksTheStableRevisionOnceInsteadOfWaitingItsPatience() {
            Simulation sim = new Simulation();
            // The stable revision's smoke check fails too: a trigger's rollback would wait the smoke patience (2m).
            sim.smoke.failingFrom(STABLE, Duration.ZERO);
            ReleasePipeline[] pipeline = new ReleasePipeline[1];
            pipeline[0] = sim.builder().trafficPlan(TrafficPlan.canary(10, 50, 100)).listener(e -> {
                if (e instanceof ReleaseEvent.ObservationStarted o && o.weight() == 10) {
                    pipeline[0].requestRollback("cancelled by the CI runner");
                }
            }).build();
            ReleaseResult result = pipeline[0].promote(ReleaseRequest.ofPullRequest(PR).withReleaseId(RELEASE));

            assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLBACK_FAILED);
            assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(STABLE));
            ReleaseEvent.RollbackStarted started = sim.events(ReleaseEvent.RollbackStarted.class).get(0);
            ReleaseEvent.RollbackFinished finished = sim.events(ReleaseEvent.RollbackFinished.class).get(0);
            assertThat(Duration.between(started.at(), finished.at())).isLessThan(Duration.ofSeconds(5));
        }
    }

    /** Case 3: an {@code Error} thrown by a listener. */
    @Nested
    class Errors {

        @Test
        void issue3_anAssertionErrorFromAListenerRollsBackFirstThenPropagates() {
            Simulation sim = new Simulation();
            AtomicBoolean broken = new AtomicBoolean();
            // Once broken, the listener throws on every event, the rollback's own events included.
            ReleasePipeline pipeline = sim.builder().trafficPlan(TrafficPlan.canary(10, 50, 100)).listener(e -> {
                if (e instanceof ReleaseEvent.ObservationStarted o && o.weight() == 10) {
                    broken.set(true);
                }
                if (broken.get()) {
                    throw new AssertionError("listener bug on " + e.getClass().getSimpleName());
                }
            }).build();

            assertThatThrownBy(() -> pipeline.promote(ReleaseRequest.ofPullRequest(PR).withReleaseId(RELEASE)))
                    .isInstanceOf(AssertionError.class).hasMessage("listener bug on ObservationStarted");

            assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(STABLE));
            assertThat(sim.platform.trafficHistory()).containsExactly(CANARY_10, TrafficWeights.all(STABLE));
            ReleaseRecord record = sim.evidence.read(APP, RELEASE).orElseThrow();
            assertThat(record.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
            assertThat(record.rollback()).hasValueSatisfying(r -> assertThat(r.reason())
                    .contains("AssertionError: listener bug on ObservationStarted"));
            assertThat(sim.evidence.journal(APP, RELEASE)).last().extracting(JournalEntry::state)
                    .isEqualTo("FINISHED");
            assertThat(sim.evidence.currentLock(APP)).isEmpty();
        }
    }

    /** Case 4: the journal fails after the gates. */
    @Nested
    class WriteAhead {

        @Test
        void issue4_aJournalFailingAfterTheGatesStopsTheReleaseBeforeTheMerge() {
            Simulation sim = new Simulation();
            ReleasePipeline pipeline = sim.builder().listener(e -> {
                if (e instanceof ReleaseEvent.GatesEvaluated) {
                    sim.evidence.failAlways("appendJournal", false);
                }
            }).build();

            ReleaseResult result = pipeline.promote(ReleaseRequest.ofPullRequest(PR).withReleaseId(RELEASE));

            assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ABORTED);
            assertThat(sim.ci.count("merge")).isZero();
            assertThat(sim.platform.trafficHistory()).isEmpty();
            assertThat(result.record().notes()).anySatisfy(n -> assertThat(n).startsWith("stopped: could not journal "
                    + "GATES_PASSED").endsWith("; nothing was changed"));
            assertThat(sim.evidence.journal(APP, RELEASE)).extracting(JournalEntry::state).containsExactly("STARTED");
            assertThat(sim.evidence.currentLock(APP)).isEmpty();
        }

        @Test
        void aJournalFailingAfterTrafficMovedRollsBack() {
            Simulation sim = new Simulation();
            ReleasePipeline pipeline = sim.builder().trafficPlan(TrafficPlan.canary(10, 50, 100)).listener(e -> {
                if (e instanceof ReleaseEvent.ObservationStarted o && o.weight() == 10) {
                    sim.evidence.failAlways("appendJournal", false);
                }
            }).build();

            ReleaseResult result = pipeline.promote(ReleaseRequest.ofPullRequest(PR).withReleaseId(RELEASE));

            assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
            assertThat(sim.platform.trafficHistory()).containsExactly(CANARY_10, TrafficWeights.all(STABLE));
            assertThat(result.record().notes()).anySatisfy(n -> assertThat(n).startsWith("could not journal "
                    + "ROLLING_BACK").endsWith("rolled back anyway (safety first)"));
            assertThat(result.record().rollback()).hasValueSatisfying(r -> assertThat(r.reason())
                    .startsWith("stopped: could not journal STEP_PASSED"));
        }
    }

    /** Resume decides from the journal and from what the platform and the CI system say now. */
    @Nested
    class ResumeDecisions {

        @Test
        void issue4_resumeRollsBackWhenTheJournalNeverReachedTheMergeButThePullRequestIsMergedAndTrafficSplit() {
            Simulation sim = new Simulation();
            // What an older version left: the journal failed after STARTED, it merged and shifted, then it died.
            sim.evidence.appendJournal(new JournalEntry(APP, RELEASE, 1, sim.clock.now(), "STARTED",
                    Map.of("pullRequest", String.valueOf(PR), "environment", "production")));
            sim.ci.pr(PR).mergedOutsideRelease();
            sim.platform.withRevision(NEW, sim.clock.now().minusSeconds(60), true).withTraffic(CANARY_10);

            ReleaseResult result = sim.pipeline().resume(RELEASE);

            assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
            assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(STABLE));
            assertThat(sim.events(ReleaseEvent.GatesEvaluated.class)).isEmpty();
            assertThat(result.record().notes()).anySatisfy(n -> assertThat(n).contains("is merged and traffic is "
                    + "split v1=90%, v2=10%: rolling back to v1 instead of judging the gates again"));
            assertThat(result.record().rollback()).hasValueSatisfying(r -> {
                assertThat(r.fromRevision()).contains(NEW);
                assertThat(r.toRevision()).isEqualTo(STABLE);
            });
        }

        @Test
        void resumeRerunsTheGatesWhenNothingWasMergedAndTrafficIsOnStable() {
            Simulation sim = new Simulation();
            sim.evidence.appendJournal(new JournalEntry(APP, RELEASE, 1, sim.clock.now(), "STARTED",
                    Map.of("pullRequest", String.valueOf(PR))));

            ReleaseResult result = sim.pipeline().resume(RELEASE);

            assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
            assertThat(sim.events(ReleaseEvent.GatesEvaluated.class)).hasSize(1);
            assertThat(sim.ci.count("merge")).isEqualTo(1);
        }

        @Test
        void journalSaysShiftingToFiftyButAllTrafficIsOnStable_goesOnFromWhatThePlatformShows() {
            Simulation sim = new Simulation();
            CrashResumeScenarioTest.CrashingStore store = new CrashResumeScenarioTest.CrashingStore(sim.evidence,
                    "SHIFTING", true, 2);
            ReleasePipeline dying = CrashResumeScenarioTest.dying(sim, store)
                    .trafficPlan(TrafficPlan.canary(10, 50, 100)).build();
            assertThatThrownBy(() -> dying.promote(ReleaseRequest.ofPullRequest(PR).withReleaseId(RELEASE)))
                    .isInstanceOf(CrashResumeScenarioTest.Crash.class);
            assertThat(sim.platform.currentWeights()).contains(CANARY_10);
            // Someone put everything back on the stable revision while the release was down.
            sim.platform.withTraffic(TrafficWeights.all(STABLE));

            ReleaseResult result = sim.builder().trafficPlan(TrafficPlan.canary(10, 50, 100)).build()
                    .resume(RELEASE);

            assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
            // The 10% step is passed again: its observation judged traffic that is no longer in place.
            assertThat(sim.platform.trafficHistory()).filteredOn(CANARY_10::equals).hasSize(2);
            assertThat(sim.platform.trafficHistory()).endsWith(CANARY_10, TrafficWeights.split(STABLE, NEW, 50),
                    TrafficWeights.all(NEW));
            assertThat(result.record().notes()).anySatisfy(n -> assertThat(n).contains("steps [10] had passed but "
                    + "the new revision now holds 0%, so only [] count"));
        }

        @Test
        void aJournalInThePreviousFormatStillResumes() {
            Simulation sim = new Simulation();
            String head = sim.ci.pullRequest(PR).headSha();
            Instant t = sim.clock.now();
            List.of(new JournalEntry(APP, RELEASE, 1, t, "STARTED", Map.of("pullRequest", "123",
                            "databaseMigration", "false", "environment", "production")),
                    new JournalEntry(APP, RELEASE, 2, t, "GATES_PASSED", Map.of("approvals", "PASS|approved by alice",
                            "ci-checks", "PASS|all required checks passed")),
                    new JournalEntry(APP, RELEASE, 3, t, "MERGING", Map.of("headSha", head, "stable", STABLE)))
                    .forEach(sim.evidence::appendJournal);

            ReleaseResult result = sim.pipeline().resume(RELEASE);

            assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
            assertThat(sim.ci.count("merge")).isEqualTo(1);
            assertThat(sim.events(ReleaseEvent.GatesEvaluated.class)).isEmpty();
            assertThat(result.record().gates()).extracting(g -> g.gate()).containsExactly("approvals", "ci-checks");
            assertThat(sim.evidence.journal(APP, RELEASE)).extracting(JournalEntry::format)
                    .startsWith(1, 1, 1).last().isEqualTo(2);
        }
    }

    /** Blocks the listener's thread until it is interrupted, then leaves the flag set, as a cancelled task would. */
    private static void waitForInterrupt() {
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Fails every call on an interrupted thread, as the Azure SDK's {@code Mono.block()} does. */
    private static PlatformProvider failsWhenInterrupted(PlatformProvider target) {
        return (PlatformProvider) Proxy.newProxyInstance(PlatformProvider.class.getClassLoader(),
                new Class<?>[] {PlatformProvider.class}, (proxy, method, args) -> {
                    if (Thread.currentThread().isInterrupted() && method.getDeclaringClass() != Object.class) {
                        throw new RuntimeException("java.lang.InterruptedException",
                                new InterruptedException());
                    }
                    try {
                        return method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
