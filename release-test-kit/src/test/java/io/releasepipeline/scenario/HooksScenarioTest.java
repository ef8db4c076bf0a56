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
import io.releasepipeline.RollbackRequest;
import io.releasepipeline.RollbackResult;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.EvidenceReport;
import io.releasepipeline.evidence.GateStatus;
import io.releasepipeline.evidence.HookRun;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.hook.HookContext;
import io.releasepipeline.hook.HookPoint;
import io.releasepipeline.hook.HookResult;
import io.releasepipeline.migration.MigrationDetection;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.testkit.RecordingHook;
import io.releasepipeline.testkit.Simulation;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Hooks that always run, and migrations detected from the pull request, on the virtual clock: a migration release
 * rolled back with its migration-rollback hook (once, after traffic is back), across a crash and a resume; a
 * vetoing pre-merge hook; a failing rollback hook (page someone, traffic back); a hanging hook bounded by its
 * timeout; an after-promotion failure that keeps the promotion; and roll-forward-only by policy.
 */
class HooksScenarioTest {

    private static final String RELEASE = "pr123-hooks";
    private static final String MIGRATION_FILE = "backend/app/db/migrations/0042_quote_currency.sql";
    private static final MigrationDetection DETECTION = MigrationDetection.paths("backend/**/migrations/**")
            .orLabels("db-migration");

    /** A simulation whose pull request adds a migration and whose new revision fails its smoke check. */
    private static Simulation badMigrationRelease() {
        Simulation sim = new Simulation();
        sim.ci.pr(PR).changes("backend/app/quotes.py", MIGRATION_FILE);
        sim.smoke.failingFrom(NEW, Duration.ZERO);
        return sim;
    }

    /** A hook that remembers the traffic split at the moment it ran. */
    private static RecordingHook undoMigration(Simulation sim, List<TrafficWeights> seen) {
        return RecordingHook.named("undo-migration").before(ctx -> seen.add(sim.platform.currentWeights()
                .orElseThrow()));
    }

    @Test
    void aMigrationDetectedFromFilesIsRolledBackWithItsHookOnceTrafficIsBack() {
        Simulation sim = badMigrationRelease();
        List<TrafficWeights> seen = new CopyOnWriteArrayList<>();
        RecordingHook undo = undoMigration(sim, seen);
        ReleaseResult result = sim.builder().migrations(DETECTION).migrationRollbackHook(undo).build()
                .promote(ReleaseRequest.ofPullRequest(PR).withReleaseId(RELEASE));

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(undo.runs()).isEqualTo(1);
        assertThat(seen).containsExactly(TrafficWeights.all(STABLE));
        HookContext ctx = undo.contexts().get(0);
        assertThat(ctx.point()).isEqualTo(HookPoint.ON_ROLLBACK);
        assertThat(ctx.deliveryId()).isEqualTo(HookContext.deliveryId(RELEASE, HookPoint.ON_ROLLBACK,
                "undo-migration"));
        assertThat(ctx.databaseMigration()).isTrue();
        assertThat(ctx.stableRevision()).contains(STABLE);
        assertThat(ctx.newRevision()).contains(NEW);

        ReleaseRecord record = sim.evidence.read(APP, RELEASE).orElseThrow();
        assertThat(record.databaseMigration()).isTrue();
        assertThat(record.migration()).hasValueSatisfying(m -> {
            assertThat(m.files()).containsExactly(MIGRATION_FILE + " (backend/**/migrations/**)");
            assertThat(m.declared()).isFalse();
            assertThat(m.reason()).contains("1 changed file matches the migration paths");
        });
        assertThat(record.hooks()).singleElement().satisfies(h -> {
            assertThat(h.name()).isEqualTo("undo-migration");
            assertThat(h.kind()).isEqualTo("recording");
            assertThat(h.status()).isEqualTo(HookResult.Status.SUCCEEDED);
            assertThat(h.migrationRollback()).isTrue();
            assertThat(h.attempt()).isEqualTo(1);
        });
        // With a hook that undoes it, the rollback does not tell people to undo the schema by hand.
        assertThat(record.rollback().orElseThrow().migrationWarning()).isEmpty();
        String report = EvidenceReport.markdown(record, "t.svg");
        assertThat(report).contains("## Hooks").contains("`undo-migration`").contains("ON_ROLLBACK (migration rollback)")
                .contains("backend/app/db/migrations/0042\\_quote\\_currency.sql");
        assertThat(sim.ci.comments(PR)).singleElement().satisfies(note -> assertThat(note)
                .contains("**Rollback hooks:**").contains("`undo-migration` (migration rollback) SUCCEEDED"));
        List<String> journal = sim.evidence.journal(APP, RELEASE).stream().map(e -> e.state()).toList();
        assertThat(journal).containsSubsequence("GATES_PASSED", "MIGRATION_JUDGED", "MERGING", "ROLLING_BACK",
                "HOOK_STARTED", "HOOK_FINISHED", "FINISHING");
        assertThat(sim.events(ReleaseEvent.HookFinished.class)).singleElement()
                .satisfies(e -> assertThat(e.run().name()).isEqualTo("undo-migration"));
    }

    @Test
    void aCrashBetweenTheTrafficRollbackAndTheHookRunsTheHookOnceOnResume() {
        Simulation sim = badMigrationRelease();
        List<TrafficWeights> seen = new CopyOnWriteArrayList<>();
        RecordingHook undo = undoMigration(sim, seen);
        CrashResumeScenarioTest.CrashingStore store = new CrashResumeScenarioTest.CrashingStore(sim.evidence,
                "HOOK_STARTED", false);
        ReleasePipeline dying = CrashResumeScenarioTest.dying(sim, store).migrations(DETECTION)
                .migrationRollbackHook(undo).build();
        assertThatThrownBy(() -> dying.promote(ReleaseRequest.ofPullRequest(PR).withReleaseId(RELEASE)))
                .isInstanceOf(CrashResumeScenarioTest.Crash.class);
        assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(STABLE));
        assertThat(undo.runs()).isZero();

        sim.clock.advance(Duration.ofSeconds(30));
        ReleaseResult result = sim.builder().migrations(DETECTION).migrationRollbackHook(undo).build()
                .resume(RELEASE);

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(undo.runs()).isEqualTo(1);
        assertThat(seen).containsExactly(TrafficWeights.all(STABLE));
        assertThat(result.record().hooks()).singleElement().satisfies(h -> assertThat(h.attempt()).isEqualTo(1));
        assertThat(result.record().databaseMigration()).isTrue();
    }

    @Test
    void aCrashWhileTheHookRanRunsItAgainOnResumeWithTheSameDeliveryId() {
        Simulation sim = badMigrationRelease();
        RecordingHook undo = RecordingHook.named("undo-migration");
        // Dies after the hook did its work, before its end was journaled.
        CrashResumeScenarioTest.CrashingStore store = new CrashResumeScenarioTest.CrashingStore(sim.evidence,
                "HOOK_FINISHED", false);
        ReleasePipeline dying = CrashResumeScenarioTest.dying(sim, store).migrations(DETECTION)
                .migrationRollbackHook(undo).build();
        assertThatThrownBy(() -> dying.promote(ReleaseRequest.ofPullRequest(PR).withReleaseId(RELEASE)))
                .isInstanceOf(CrashResumeScenarioTest.Crash.class);
        assertThat(undo.runs()).isEqualTo(1);

        ReleaseResult result = sim.builder().migrations(DETECTION).migrationRollbackHook(undo).build()
                .resume(RELEASE);

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        String id = HookContext.deliveryId(RELEASE, HookPoint.ON_ROLLBACK, "undo-migration");
        assertThat(undo.runsByDelivery()).containsExactly(java.util.Map.entry(id, 2));
        assertThat(result.record().hooks()).singleElement().satisfies(h -> {
            assertThat(h.attempt()).isEqualTo(2);
            assertThat(h.summary()).contains("same delivery id");
        });
    }

    @Test
    void aCrashAfterTheHookFinishedDoesNotRunItAgain() {
        Simulation sim = badMigrationRelease();
        RecordingHook undo = RecordingHook.named("undo-migration");
        CrashResumeScenarioTest.CrashingStore store = new CrashResumeScenarioTest.CrashingStore(sim.evidence,
                "HOOK_FINISHED", true);
        ReleasePipeline dying = CrashResumeScenarioTest.dying(sim, store).migrations(DETECTION)
                .migrationRollbackHook(undo).build();
        assertThatThrownBy(() -> dying.promote(ReleaseRequest.ofPullRequest(PR).withReleaseId(RELEASE)))
                .isInstanceOf(CrashResumeScenarioTest.Crash.class);

        ReleaseResult result = sim.builder().migrations(DETECTION).migrationRollbackHook(undo).build()
                .resume(RELEASE);

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(undo.runs()).isEqualTo(1);
        assertThat(result.record().hooks()).singleElement().satisfies(h -> {
            assertThat(h.status()).isEqualTo(HookResult.Status.SUCCEEDED);
            assertThat(h.migrationRollback()).isTrue();
        });
    }

    @Test
    void aMigrationRollbackHookDoesNotRunWhileTheNewRevisionStillServes() {
        Simulation sim = badMigrationRelease();
        RecordingHook undo = RecordingHook.named("undo-migration");
        RecordingHook chat = RecordingHook.named("tell-chat");
        // The first step moves half the traffic; from then on the platform refuses every split.
        ReleaseResult result = sim.builder().trafficPlan(io.releasepipeline.traffic.TrafficPlan.canary(50, 100))
                .listener(e -> {
                    if (e instanceof ReleaseEvent.TrafficShifted) {
                        sim.platform.failAlways("setTraffic", false);
                    }
                }).migrations(DETECTION).migrationRollbackHook(undo).hook(HookPoint.ON_ROLLBACK, chat).build()
                .promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLBACK_FAILED);
        assertThat(sim.platform.currentWeights()).contains(TrafficWeights.split(STABLE, NEW, 50));
        assertThat(undo.runs()).isZero();
        assertThat(chat.runs()).isEqualTo(1);
        assertThat(chat.contexts().get(0).reason()).hasValueSatisfying(r -> assertThat(r)
                .startsWith("rollback FAILED to v1"));
        assertThat(result.record().notes()).anySatisfy(n -> assertThat(n)
                .contains("migration-rollback hook [undo-migration] did NOT run: traffic is not verifiably all on v1")
                .contains(io.releasepipeline.testkit.Simulation.STABLE));
    }

    @Test
    void aVetoingPreMergeHookStopsTheReleaseLikeAFailedGate() {
        Simulation sim = new Simulation();
        RecordingHook freezeWindow = RecordingHook.named("change-freeze").failing("change freeze until Monday");
        RecordingHook later = RecordingHook.named("later");
        ReleaseResult result = sim.builder().hook(HookPoint.BEFORE_MERGE, freezeWindow)
                .hook(HookPoint.BEFORE_MERGE, later).build().promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.GATES_FAILED);
        assertThat(sim.ci.isMerged(PR)).isFalse();
        assertThat(sim.ci.count("merge")).isZero();
        assertThat(sim.platform.trafficHistory()).isEmpty();
        assertThat(later.runs()).isZero();
        assertThat(result.failedGates()).singleElement().satisfies(g -> {
            assertThat(g.gate()).isEqualTo("hook:change-freeze");
            assertThat(g.status()).isEqualTo(GateStatus.FAIL);
            assertThat(g.reason()).contains("change freeze until Monday");
        });
        assertThat(result.record().notes()).anySatisfy(n -> assertThat(n)
                .contains("pre-merge hook change-freeze vetoed the release; nothing was merged"));
    }

    @Test
    void aPreMergeHookThatFinishedBeforeACrashIsNotRunAgainWhenTheGatesRunAgain() {
        Simulation sim = new Simulation();
        RecordingHook cab = RecordingHook.named("ask-cab");
        CrashResumeScenarioTest.CrashingStore store = new CrashResumeScenarioTest.CrashingStore(sim.evidence,
                "MERGING", false);
        ReleasePipeline dying = CrashResumeScenarioTest.dying(sim, store).hook(HookPoint.BEFORE_MERGE, cab).build();
        assertThatThrownBy(() -> dying.promote(ReleaseRequest.ofPullRequest(PR).withReleaseId(RELEASE)))
                .isInstanceOf(CrashResumeScenarioTest.Crash.class);
        assertThat(cab.runs()).isEqualTo(1);

        ReleaseResult result = sim.builder().hook(HookPoint.BEFORE_MERGE, cab).build().resume(RELEASE);

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(cab.runs()).isEqualTo(1);
        assertThat(sim.ci.count("merge")).isEqualTo(1);
        assertThat(result.record().hooks()).singleElement().satisfies(h -> assertThat(h.status())
                .isEqualTo(HookResult.Status.SUCCEEDED));
        assertThat(result.record().gates()).anySatisfy(g -> assertThat(g.gate()).isEqualTo("hook:ask-cab"));
    }

    @Test
    void anErrorThrownByAPreMergeHookAbortsBeforeTheMergeAndPropagates() {
        Simulation sim = new Simulation();
        RecordingHook broken = RecordingHook.named("ask-cab").throwing(new NoClassDefFoundError("okhttp3/Call"));
        ReleasePipeline pipeline = sim.builder().hook(HookPoint.BEFORE_MERGE, broken).build();

        assertThatThrownBy(() -> pipeline.promote(ReleaseRequest.ofPullRequest(PR).withReleaseId(RELEASE)))
                .isInstanceOf(NoClassDefFoundError.class);

        assertThat(sim.ci.count("merge")).isZero();
        assertThat(sim.evidence.read(APP, RELEASE)).hasValueSatisfying(r -> assertThat(r.outcome())
                .isEqualTo(ReleaseOutcome.ABORTED));
        assertThat(sim.evidence.currentLock(APP)).isEmpty();
    }

    @Test
    void aPreMergeHookThatCannotRunIsAGateError() {
        Simulation sim = new Simulation();
        RecordingHook broken = RecordingHook.named("ask-cab").throwing(new IllegalStateException("connection "
                + "refused (token ghp_0123456789abcdefABCDEF0123456789abcd)"));
        ReleaseResult result = sim.builder().hook(HookPoint.BEFORE_MERGE, broken).build()
                .promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.GATES_FAILED);
        assertThat(sim.ci.isMerged(PR)).isFalse();
        assertThat(result.failedGates()).singleElement().satisfies(g -> {
            assertThat(g.status()).isEqualTo(GateStatus.ERROR);
            assertThat(g.reason()).contains("IllegalStateException: connection refused");
        });
        assertThat(result.record().hooks()).singleElement().satisfies(h -> assertThat(h.summary())
                .doesNotContain("ghp_").contains("token ***"));
    }

    @Test
    void aFailingRollbackHookPagesSomeoneWithTrafficBack() {
        Simulation sim = badMigrationRelease();
        RecordingHook undo = RecordingHook.named("undo-migration").failing("migration 0042 could not be reverted");
        RecordingHook chat = RecordingHook.named("tell-chat");
        ReleaseResult result = sim.builder().migrations(DETECTION).migrationRollbackHook(undo)
                .hook(HookPoint.ON_ROLLBACK, chat).build().promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK_HOOK_FAILED);
        assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(STABLE));
        // A failed hook stops neither the traffic rollback nor the other hooks.
        assertThat(chat.runs()).isEqualTo(1);
        assertThat(result.record().hooks()).extracting(HookRun::name, HookRun::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("undo-migration", HookResult.Status.FAILED),
                org.assertj.core.groups.Tuple.tuple("tell-chat", HookResult.Status.SUCCEEDED));
        assertThat(result.record().notes()).anySatisfy(n -> assertThat(n).contains("undo-migration FAILED")
                .contains("follow the migration rollback procedure by hand"));
        assertThat(sim.ci.comments(PR)).singleElement().satisfies(note -> assertThat(note)
                .contains("one FAILED, page the on-call engineer").contains("migration 0042 could not be reverted"));
    }

    @Test
    void theIncidentNoteCountsTheRollbackHooksThatFailed() {
        Simulation sim = badMigrationRelease();
        RecordingHook undo = RecordingHook.named("undo-migration").failing("migration 0042 could not be reverted");
        RecordingHook chat = RecordingHook.named("tell-chat").failing("chat answered 500");
        RecordingHook page = RecordingHook.named("page-oncall");
        ReleaseResult result = sim.builder().migrations(DETECTION).migrationRollbackHook(undo)
                .hook(HookPoint.ON_ROLLBACK, chat).hook(HookPoint.ON_ROLLBACK, page).build()
                .promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK_HOOK_FAILED);
        assertThat(sim.ci.comments(PR)).singleElement().satisfies(note -> assertThat(note)
                .contains("**Rollback hooks: 2 FAILED, page the on-call engineer:**").doesNotContain("one FAILED")
                .contains("`undo-migration` (migration rollback) FAILED").contains("`tell-chat` FAILED")
                .contains("`page-oncall` SUCCEEDED"));
    }

    @Test
    void aHangingHookIsAbandonedAtItsTimeout() {
        Simulation sim = new Simulation();
        sim.smoke.failingFrom(NEW, Duration.ZERO);
        RecordingHook stuck = RecordingHook.named("stuck").hanging().timeout(Duration.ofMillis(200));
        ReleaseResult result = sim.builder().hook(HookPoint.ON_ROLLBACK, stuck).build()
                .promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK_HOOK_FAILED);
        assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(STABLE));
        assertThat(result.record().hooks()).singleElement().satisfies(h -> {
            assertThat(h.status()).isEqualTo(HookResult.Status.ERROR);
            assertThat(h.summary()).contains("did not finish within its timeout");
            assertThat(h.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        });
    }

    @Test
    void anAfterPromotionFailureIsRecordedAndThePromotionStands() {
        Simulation sim = new Simulation();
        RecordingHook notify = RecordingHook.named("notify").failing("chat answered 500");
        ReleaseResult result = sim.builder().hook(HookPoint.AFTER_PROMOTION, notify).build()
                .promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(notify.runs()).isEqualTo(1);
        assertThat(notify.contexts().get(0).newRevision()).contains(NEW);
        assertThat(result.record().hooks()).singleElement().satisfies(h -> assertThat(h.status())
                .isEqualTo(HookResult.Status.FAILED));
        assertThat(result.record().notes()).anySatisfy(n -> assertThat(n)
                .contains("AFTER_PROMOTION hook notify FAILED: chat answered 500; the outcome stands"));
        assertThat(sim.events(ReleaseEvent.Warning.class)).anySatisfy(w -> assertThat(w.message())
                .contains("notify FAILED"));
    }

    @Test
    void aMigrationWithoutARollbackHookIsFrozenUnderTheRollForwardOnlyPolicy() {
        Simulation sim = new Simulation();
        sim.ci.pr(PR).labels("DB-Migration");
        sim.smoke.failingFrom(NEW, Duration.ZERO);
        RecordingHook onFreeze = RecordingHook.named("page-dba");
        ReleaseResult result = sim.builder().migrations(MigrationDetection.labels("db-migration")
                .withoutRollbackHook(MigrationDetection.WithoutRollbackHook.ROLL_FORWARD_ONLY))
                .hook(HookPoint.ON_FREEZE, onFreeze).build().promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.FROZEN);
        assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(NEW));
        assertThat(onFreeze.runs()).isEqualTo(1);
        assertThat(result.record().migration()).hasValueSatisfying(m -> {
            assertThat(m.labels()).containsExactly("DB-Migration");
            assertThat(m.rollForwardOnly()).isTrue();
            assertThat(m.reason()).contains("roll-forward-only");
        });
    }

    @Test
    void theRollForwardOnlyPolicyIsJournaledAndKeptByAResumedRelease() {
        Simulation sim = new Simulation();
        sim.ci.pr(PR).labels("db-migration");
        sim.smoke.failingFrom(NEW, Duration.ZERO);
        MigrationDetection policy = MigrationDetection.labels("db-migration")
                .withoutRollbackHook(MigrationDetection.WithoutRollbackHook.ROLL_FORWARD_ONLY);
        CrashResumeScenarioTest.CrashingStore store = new CrashResumeScenarioTest.CrashingStore(sim.evidence,
                "MERGED", true);
        ReleasePipeline dying = CrashResumeScenarioTest.dying(sim, store).migrations(policy).build();
        assertThatThrownBy(() -> dying.promote(ReleaseRequest.ofPullRequest(PR).withReleaseId(RELEASE)))
                .isInstanceOf(CrashResumeScenarioTest.Crash.class);

        // Resumed by a pipeline that no longer detects migrations: the journaled decision stands.
        ReleaseResult result = sim.pipeline().resume(RELEASE);

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.FROZEN);
    }

    @Test
    void aMigrationWithoutAHookWarnsByDefault() {
        Simulation sim = badMigrationRelease();
        ReleaseResult result = sim.builder().migrations(DETECTION).build().promote(ReleaseRequest.ofPullRequest(PR));

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(result.record().rollback().orElseThrow().migrationWarning()).isPresent();
    }

    @Test
    void aStandaloneRollbackRunsTheRollbackHooks() {
        Simulation sim = new Simulation();
        ReleasePipeline pipeline = sim.pipeline();
        pipeline.promote(ReleaseRequest.ofPullRequest(PR));
        RecordingHook undo = RecordingHook.named("undo-migration").failing("no down migration");
        RollbackResult rb = sim.builder().migrationRollbackHook(undo).build().rollback(new RollbackRequest(
                Optional.empty(), "errors after release", Optional.of(PR), true));

        assertThat(rb.succeeded()).isTrue();
        assertThat(undo.runs()).isEqualTo(1);
        ReleaseRecord record = sim.evidence.read(APP, rb.releaseId()).orElseThrow();
        assertThat(record.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK_HOOK_FAILED);
        assertThat(record.hooks()).singleElement().satisfies(h -> assertThat(h.status())
                .isEqualTo(HookResult.Status.FAILED));
    }

    @Test
    void aCancelDuringAPreMergeHookAbortsBeforeTheMerge() {
        Simulation sim = new Simulation();
        Thread release = Thread.currentThread();
        RecordingHook slow = RecordingHook.named("ask-cab").before(ctx -> release.interrupt()).hanging()
                .timeout(Duration.ofSeconds(30));
        ReleaseResult result;
        try {
            result = sim.builder().hook(HookPoint.BEFORE_MERGE, slow).build()
                    .promote(ReleaseRequest.ofPullRequest(PR));
            // The caller gets its interrupt back.
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ABORTED);
        assertThat(sim.ci.count("merge")).isZero();
        assertThat(sim.platform.trafficHistory()).isEmpty();
        assertThat(result.record().notes()).anySatisfy(n -> assertThat(n).contains("cancelled")
                .contains("nothing was changed"));
    }

    @Test
    void aCancelDuringARollbackHookNeitherSkipsNorCutsIt() {
        Simulation sim = new Simulation();
        sim.smoke.failingFrom(NEW, Duration.ZERO);
        Thread release = Thread.currentThread();
        RecordingHook undo = RecordingHook.named("undo").before(ctx -> release.interrupt());
        ReleaseResult result;
        try {
            result = sim.builder().hook(HookPoint.ON_ROLLBACK, undo).build()
                    .promote(ReleaseRequest.ofPullRequest(PR));
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(undo.runs()).isEqualTo(1);
        assertThat(result.record().hooks()).singleElement().satisfies(h -> assertThat(h.status())
                .isEqualTo(HookResult.Status.SUCCEEDED));
        assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(STABLE));
    }

    @Test
    void anErrorThrownByARollbackHookPropagatesAfterTheReleaseIsRecorded() {
        Simulation sim = new Simulation();
        sim.smoke.failingFrom(NEW, Duration.ZERO);
        RecordingHook oom = RecordingHook.named("oom").throwing(new OutOfMemoryError("hook heap"));
        ReleasePipeline pipeline = sim.builder().hook(HookPoint.ON_ROLLBACK, oom).build();

        assertThatThrownBy(() -> pipeline.promote(ReleaseRequest.ofPullRequest(PR).withReleaseId(RELEASE)))
                .isInstanceOf(OutOfMemoryError.class);

        assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(STABLE));
        ReleaseRecord record = sim.evidence.read(APP, RELEASE).orElseThrow();
        assertThat(record.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK_HOOK_FAILED);
        assertThat(record.hooks()).singleElement().satisfies(h -> assertThat(h.summary())
                .contains("OutOfMemoryError: hook heap"));
        assertThat(sim.evidence.currentLock(APP)).isEmpty();
    }
}
