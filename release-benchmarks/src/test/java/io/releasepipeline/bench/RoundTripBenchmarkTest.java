package io.releasepipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.azure.ArmStandIn;
import io.releasepipeline.azure.ArmStub;
import io.releasepipeline.bench.RoundTripBenchmark.Answer;
import io.releasepipeline.bench.RoundTripBenchmark.Counts;
import io.releasepipeline.bench.RoundTripBenchmark.Kind;
import io.releasepipeline.bench.RoundTripBenchmark.Row;
import io.releasepipeline.bench.RoundTripBenchmark.Run;
import io.releasepipeline.bench.RoundTripBenchmark.Scenario;
import io.releasepipeline.bench.RoundTripBenchmark.Span;
import io.releasepipeline.evidence.ReleaseOutcome;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Runs every scenario of {@link RoundTripBenchmark} once under each answer and checks that what the table prints is
 * what happened: the outcome, the traffic at the end, counts that add up and agree with the requests seen. Then
 * the limits, as documented targets.
 */
class RoundTripBenchmarkTest {

    /** Issue 16: rollback, trigger to traffic restored, previous revision active: at most 3 requests (1 write). */
    static final int ROLLBACK_MAX_ACTIVE = 3;
    /** Issue 16: the same with the previous revision inactive (an activation more): at most 4. */
    static final int ROLLBACK_MAX_INACTIVE = 4;
    /** Issue 16: a one-step promotion after the merge: at most 7 control-plane requests. */
    static final int PROMOTION_MAX = 7;

    private static RoundTripBenchmark bench;
    private static final Map<Scenario, Map<Answer, Run>> RUNS = new EnumMap<>(Scenario.class);

    @BeforeAll
    static void runEveryScenarioOnce() {
        bench = new RoundTripBenchmark();
        for (Scenario s : Scenario.values()) {
            for (Answer a : Answer.values()) {
                RUNS.computeIfAbsent(s, k -> new EnumMap<>(Answer.class)).put(a, bench.run(s, a));
            }
        }
    }

    @AfterAll
    static void stop() {
        bench.close();
    }

    private static List<Run> all() {
        List<Run> runs = new ArrayList<>();
        RUNS.values().forEach(m -> runs.addAll(m.values()));
        return runs;
    }

    @Test
    @DisplayName("each scenario ends as built: promotions put the new revision at 100%, rollbacks the previous one")
    void outcomes() {
        SoftAssertions soft = new SoftAssertions();
        for (Run run : all()) {
            String what = run.scenario() + " " + run.answer() + " " + run.requests();
            soft.assertThat(run.expectedOutcome()).as(what).isTrue();
            if (run.scenario() == Scenario.PROMOTION || run.scenario() == Scenario.CANARY) {
                soft.assertThat(run.outcome()).as(what).isEqualTo(ReleaseOutcome.PROMOTED);
                soft.assertThat(run.finalTraffic()).as(what).isEqualTo(Map.of(RoundTripBenchmark.NEW, 100));
            } else {
                soft.assertThat(run.outcome()).as(what).isEqualTo(ReleaseOutcome.ROLLED_BACK);
                soft.assertThat(run.finalTraffic()).as(what).containsEntry(RoundTripBenchmark.STABLE, 100);
            }
        }
        soft.assertAll();
    }

    @Test
    @DisplayName("the counts add up: total = sum of kinds, spans nested in the whole, the whole = every request")
    void countsAddUp() {
        SoftAssertions soft = new SoftAssertions();
        for (Run run : all()) {
            String what = run.scenario() + " " + run.answer();
            List<Span> spans = run.scenario().spans();
            assertThat(run.counts().keySet()).as(what).containsExactlyInAnyOrderElementsOf(spans);
            for (Span span : spans) {
                Counts c = run.counts().get(span);
                soft.assertThat(c.total()).as(what + " " + span)
                        .isEqualTo(c.byKind().values().stream().mapToInt(Integer::intValue).sum());
                soft.assertThat(c.controlPlane()).as(what + " " + span).isEqualTo(c.total() - c.of(Kind.OTHER));
            }
            Counts part = run.counts().get(spans.get(0));
            Counts whole = run.counts().get(spans.get(1));
            for (Kind k : Kind.values()) {
                soft.assertThat(part.of(k)).as(what + " " + k + ": " + spans.get(0) + " within " + spans.get(1))
                        .isLessThanOrEqualTo(whole.of(k));
            }
            if (!run.scenario().rollsBack()) {
                soft.assertThat(whole.total()).as(what + ": the whole release is every request")
                        .isEqualTo(run.requests().size());
            }
            soft.assertThat(whole.total()).as(what).isLessThanOrEqualTo(run.requests().size());
        }
        soft.assertAll();
    }

    @Test
    @DisplayName("the stand-in was faithful where it counts: 2 pages per revision list, 2 polls per 202 PATCH, "
            + "none per 200")
    void standInBehaved() {
        SoftAssertions soft = new SoftAssertions();
        for (Run run : all()) {
            String what = run.scenario() + " " + run.answer() + " " + run.requests();
            Counts whole = run.counts().get(run.scenario().spans().get(1));
            int patches = whole.of(Kind.PATCH);
            soft.assertThat(patches).as(what).isEqualTo(run.scenario() == Scenario.CANARY ? 3 : 1);
            soft.assertThat(whole.of(Kind.OPERATION_POLL)).as(what)
                    .isEqualTo(run.answer() == Answer.ACCEPTED_202 ? 2 * patches : 0);
            soft.assertThat(whole.of(Kind.REVISION_LIST_PAGE) % 2).as(what + ": lists of 2 revisions, 2 pages")
                    .isZero();
            soft.assertThat(whole.of(Kind.ACTIVATE)).as(what)
                    .isEqualTo(run.scenario() == Scenario.STANDALONE_ROLLBACK_INACTIVE ? 1 : 0);
            if (run.scenario().rollsBack()) {
                soft.assertThat(run.counts().get(Span.TRIGGER_TO_RESTORED).of(Kind.PATCH)).as(what).isEqualTo(1);
            }
        }
        soft.assertAll();
    }

    @Test
    @DisplayName("trigger -> PATCH is timed for every rollback and for nothing else")
    void triggerToPatchTimed() {
        for (Run run : all()) {
            if (run.scenario().rollsBack()) {
                assertThat(run.triggerToPatchNanos()).as(run.scenario() + " " + run.answer()).isPresent();
                assertThat(run.triggerToPatchNanos().getAsLong()).isPositive();
            } else {
                assertThat(run.triggerToPatchNanos()).as(run.scenario() + " " + run.answer()).isEmpty();
            }
        }
    }

    @Test
    @DisplayName("the table prints exactly the counted requests, one row per scenario, answer and span")
    void tablePrintsTheCounts() {
        List<Row> rows = new ArrayList<>();
        all().forEach(run -> rows.addAll(RoundTripBenchmark.rows(List.of(run))));
        String table = RoundTripBenchmark.table(rows, 1, 0);

        assertThat(rows).hasSize(2 * Scenario.values().length * Answer.values().length);
        for (Run run : all()) {
            for (Span span : run.scenario().spans()) {
                Counts c = run.counts().get(span);
                StringBuilder line = new StringBuilder("| " + run.scenario().label() + " | " + run.answer().label()
                        + " | " + span.label() + " |");
                for (Kind k : Kind.values()) {
                    line.append(' ').append(c.of(k)).append(" |");
                }
                line.append(' ').append(c.total()).append(" | ").append(c.controlPlane()).append(" | ");
                assertThat(table).as(table).contains(line.toString());
            }
        }
        assertThat(table.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| scenario"))).hasSize(rows.size());
        assertThat(table).contains("no Retry-After");
    }

    @Test
    @DisplayName("requests are told apart by method and path")
    void kinds() {
        String app = ArmStub.APP_PATH + "?api-version=" + ArmStub.API_VERSION;
        String revisions = ArmStub.APP_PATH + "/revisions";
        assertThat(Kind.of("GET", app)).isEqualTo(Kind.APP_GET);
        assertThat(Kind.of("PATCH", app)).isEqualTo(Kind.PATCH);
        assertThat(Kind.of("GET", revisions + "?api-version=x&$skiptoken=1")).isEqualTo(Kind.REVISION_LIST_PAGE);
        assertThat(Kind.of("GET", revisions + "/backend--r1?api-version=x")).isEqualTo(Kind.REVISION_GET);
        assertThat(Kind.of("POST", revisions + "/backend--r1/activate?api-version=x")).isEqualTo(Kind.ACTIVATE);
        assertThat(Kind.of("POST", revisions + "/backend--r1/deactivate?api-version=x")).isEqualTo(Kind.OTHER);
        assertThat(Kind.of("GET", ArmStandIn.OPERATIONS_PATH + "op-1?api-version=x"))
                .isEqualTo(Kind.OPERATION_POLL);
        assertThat(Kind.of("GET", ArmStandIn.METRICS_PATH + "?metricnames=Requests")).isEqualTo(Kind.OTHER);
    }

    /**
     * Issue 16's limits. Fails until the Azure provider confirms a change from the PATCH answer or the operation
     * status (no read of the app before, no final GET after): that is the point of the issue.
     */
    @Test
    @DisplayName("documented targets (issue 16): rollback <= 3 requests from the trigger, <= 4 when the previous "
            + "revision must be activated; one-step promotion <= 7 control-plane requests after the merge")
    void documentedTargets() {
        SoftAssertions soft = new SoftAssertions();
        for (Answer a : Answer.values()) {
            Run rollback = RUNS.get(Scenario.ENGINE_ROLLBACK).get(a);
            soft.assertThat(rollback.counts().get(Span.TRIGGER_TO_RESTORED).controlPlane())
                    .as("engine rollback, PATCH answered %s: %s", a.label(), rollback.requests())
                    .isLessThanOrEqualTo(ROLLBACK_MAX_ACTIVE);
            Run inactive = RUNS.get(Scenario.STANDALONE_ROLLBACK_INACTIVE).get(a);
            soft.assertThat(inactive.counts().get(Span.TRIGGER_TO_RESTORED).controlPlane())
                    .as("rollback to an inactive previous revision, from RollbackStarted, PATCH answered %s: %s",
                            a.label(), inactive.requests())
                    .isLessThanOrEqualTo(ROLLBACK_MAX_INACTIVE);
            Run promotion = RUNS.get(Scenario.PROMOTION).get(a);
            soft.assertThat(promotion.counts().get(Span.AFTER_MERGE).controlPlane())
                    .as("one-step promotion after the merge, PATCH answered %s: %s", a.label(),
                            promotion.requests())
                    .isLessThanOrEqualTo(PROMOTION_MAX);
        }
        soft.assertAll();
    }
}
