package io.releasepipeline.scenario;

import static io.releasepipeline.testkit.Simulation.NEW;
import static io.releasepipeline.testkit.Simulation.PR;
import static io.releasepipeline.testkit.Simulation.STABLE;
import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.ReleasePipelineBuilder;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.spi.AppTraffic;
import io.releasepipeline.spi.PlatformProvider;
import io.releasepipeline.spi.Revision;
import io.releasepipeline.spi.RevisionMode;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.testkit.Simulation;
import io.releasepipeline.traffic.TrafficPlan;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The fewest platform round trips between a firing trigger and production restored (issue 16), counted at the SPI:
 * the engine acts on what it read or had confirmed during the release instead of reading it again, takes a
 * traffic change's confirmation from the platform's answer, and still reads back whenever that answer, a failure or
 * a stale state leaves the split in doubt.
 */
class RoundTripScenarioTest {

    private static final List<String> OPERATIONS = List.of("listRevisions", "revision", "traffic", "activate",
            "deactivate", "setTraffic");

    private final Simulation sim = new Simulation();
    /** The platform's call counts when an event of the marked type was delivered. */
    private final Map<Class<?>, Map<String, Long>> marks = new LinkedHashMap<>();

    private Map<String, Long> counts() {
        Map<String, Long> now = new LinkedHashMap<>();
        OPERATIONS.forEach(op -> now.put(op, sim.platform.count(op)));
        return now;
    }

    /** The calls since the event of {@code type} (only those made). */
    private Map<String, Long> since(Class<? extends ReleaseEvent> type) {
        Map<String, Long> before = marks.get(type);
        assertThat(before).as("no " + type.getSimpleName() + " event").isNotNull();
        Map<String, Long> made = new LinkedHashMap<>();
        counts().forEach((op, n) -> {
            if (n > before.get(op)) {
                made.put(op, n - before.get(op));
            }
        });
        return made;
    }

    private ReleasePipelineBuilder builder() {
        return builder(sim.platform);
    }

    private ReleasePipelineBuilder builder(PlatformProvider platform) {
        return sim.builder().platform(platform).listener(e -> {
            if (!marks.containsKey(e.getClass())) {
                marks.put(e.getClass(), counts());
            }
        });
    }

    private ReleaseResult promote(ReleasePipelineBuilder builder) {
        return builder.build().promote(ReleaseRequest.ofPullRequest(PR));
    }

    @Test
    @DisplayName("a one-step promotion after the merge: the list that finds the new revision, one read of the app "
            + "after the deploy run, one change confirmed by its answer; nothing read back")
    void promotionAfterTheMerge() {
        ReleaseResult result = promote(builder());

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(since(ReleaseEvent.Merged.class)).containsExactlyInAnyOrderEntriesOf(Map.of("listRevisions", 1L,
                "traffic", 1L, "setTraffic", 1L));
        assertThat(result.record().trafficChanges()).last().satisfies(c -> {
            assertThat(c.from()).isEqualTo(TrafficWeights.all(STABLE));
            assertThat(c.to()).isEqualTo(TrafficWeights.all(NEW));
        });
    }

    @Test
    @DisplayName("a rollback fired during the observation: the change is its only platform call")
    void rollbackIsOneCall() {
        sim.smoke.failingFrom(NEW, Duration.ZERO);

        ReleaseResult result = promote(builder());

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(since(ReleaseEvent.RollbackStarted.class)).containsExactlyEntriesOf(Map.of("setTraffic", 1L));
        assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(STABLE));
        assertThat(result.record().trafficChanges()).last().satisfies(c -> {
            assertThat(c.from()).isEqualTo(TrafficWeights.all(NEW));
            assertThat(c.to()).isEqualTo(TrafficWeights.all(STABLE));
        });
    }

    @Test
    @DisplayName("with the previous revision inactive when last read (Single mode deactivated it), the rollback "
            + "activates it and moves traffic: two calls, the readiness is left to the smoke check")
    void rollbackToAnInactiveRevision() {
        sim.platform.revisionMode(RevisionMode.SINGLE);
        sim.smoke.failingFrom(NEW, Duration.ZERO);

        ReleaseResult result = promote(builder());

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(since(ReleaseEvent.RollbackStarted.class)).containsExactlyInAnyOrderEntriesOf(Map.of("activate",
                1L, "setTraffic", 1L));
        assertThat(sim.platform.calls()).endsWith("activate(v1)", "setTraffic(v1=100%)");
    }

    @Test
    @DisplayName("a revision the rollback activated that is not serving yet: the smoke check waits for it to be "
            + "ready, then judges")
    void activatedRevisionStillStarting() {
        sim.platform.revisionMode(RevisionMode.SINGLE);
        sim.smoke.failingFrom(NEW, Duration.ZERO);
        // v1 fails its smoke check until a minute after the rollback started (it was starting).
        java.time.Instant start = sim.clock.now();
        ReleasePipelineBuilder builder = builder().listener(e -> {
            if (e instanceof ReleaseEvent.RollbackStarted) {
                Duration at = Duration.between(start, e.at());
                sim.smoke.failingBetween(STABLE, at, at.plus(Duration.ofMinutes(1)));
            }
        });

        ReleaseResult result = promote(builder);

        assertThat(result.outcome()).as(result.record().notes().toString()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(result.rollback().orElseThrow().details().smoke()).hasValueSatisfying(s -> assertThat(s.passed())
                .isTrue());
        // One readiness read, after the first failed check; the check passes once v1 serves.
        assertThat(since(ReleaseEvent.RollbackStarted.class)).containsEntry("revision", 1L);
        assertThat(sim.events(ReleaseEvent.SmokeChecked.class)).last().satisfies(s -> assertThat(s.result().revision())
                .isEqualTo(STABLE));
    }

    @Test
    @DisplayName("a canary: after the first step, each step is one change, starting from the split the previous "
            + "change's answer confirmed; its rollback is one change too")
    void canarySteps() {
        AtomicInteger shifts = new AtomicInteger();
        AtomicReference<Map<String, Long>> afterFirst = new AtomicReference<>();
        ReleasePipelineBuilder builder = builder().trafficPlan(TrafficPlan.canary(10, 50, 100)).listener(e -> {
            if (e instanceof ReleaseEvent.TrafficShifted && shifts.incrementAndGet() == 1) {
                afterFirst.set(counts());
            }
        });

        ReleaseResult result = promote(builder);

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        Map<String, Long> now = counts();
        assertThat(now.get("setTraffic") - afterFirst.get().get("setTraffic")).isEqualTo(2);
        assertThat(now.get("traffic")).isEqualTo(afterFirst.get().get("traffic"));
        assertThat(now.get("revision") + now.get("listRevisions"))
                .isEqualTo(afterFirst.get().get("revision") + afterFirst.get().get("listRevisions"));
    }

    @Test
    @DisplayName("what the release knows goes stale after 30 minutes: a rollback 40 minutes into a long observation "
            + "reads the app and the revision again before it acts")
    void oldKnowledgeIsReadAgain() {
        sim.smoke.failingFrom(NEW, Duration.ofMinutes(4 + 40));

        ReleaseResult result = promote(builder().observationWindow(Duration.ofMinutes(60)));

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(since(ReleaseEvent.RollbackStarted.class)).containsExactlyInAnyOrderEntriesOf(Map.of("traffic",
                1L, "revision", 1L, "setTraffic", 1L));
    }

    @Test
    @DisplayName("a stale state is safe: the previous revision deactivated by hand during the observation makes the "
            + "change refused; the rollback reads the app and the revision, activates it and tries once more")
    void staleStateIsRecovered() {
        sim.smoke.failingFrom(NEW, Duration.ofMinutes(8));
        sim.clock.scheduleAt(Duration.ofMinutes(6), () -> sim.platform.deactivate(STABLE));

        ReleaseResult result = promote(builder());

        assertThat(result.outcome()).as(result.record().notes().toString()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(sim.platform.currentWeights()).contains(TrafficWeights.all(STABLE));
        assertThat(sim.platform.calls()).endsWith("deactivate(v1)", "setTraffic(v1=100%)", "activate(v1)",
                "setTraffic(v1=100%)");
        assertThat(since(ReleaseEvent.RollbackStarted.class)).containsExactlyInAnyOrderEntriesOf(Map.of("setTraffic",
                2L, "traffic", 1L, "revision", 1L, "activate", 1L));
    }

    @Test
    @DisplayName("a platform whose answer is not the split asked for is read back, never taken at its word")
    void answerThatDiffersIsReadBack() {
        AtomicInteger answers = new AtomicInteger();
        PlatformProvider misleading = new Forwarding(sim.platform) {
            @Override
            public AppTraffic setTraffic(TrafficWeights weights, AppTraffic current) {
                AppTraffic applied = sim.platform.setTraffic(weights);
                // The first answer claims the old split: the engine must not believe the change applied.
                return answers.incrementAndGet() == 1 ? current : applied;
            }
        };

        ReleaseResult result = promote(builder(misleading));

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(since(ReleaseEvent.Merged.class)).containsEntry("traffic", 2L);
        assertThat(result.record().trafficChanges()).last().satisfies(c -> assertThat(c.to())
                .isEqualTo(TrafficWeights.all(NEW)));
    }

    /** A platform that forwards every call to another (the answer to setTraffic changed by subclasses). */
    private static class Forwarding implements PlatformProvider, io.releasepipeline.time.ClockAware {
        private final io.releasepipeline.testkit.FakePlatform delegate;

        Forwarding(io.releasepipeline.testkit.FakePlatform delegate) {
            this.delegate = delegate;
        }

        @Override
        public String providerName() {
            return delegate.providerName();
        }

        @Override
        public io.releasepipeline.time.ReleaseClock clock() {
            return delegate.clock();
        }

        @Override
        public String appName() {
            return delegate.appName();
        }

        @Override
        public List<Revision> listRevisions() {
            return delegate.listRevisions();
        }

        @Override
        public Optional<Revision> revision(String name) {
            return delegate.revision(name);
        }

        @Override
        public AppTraffic traffic() {
            return delegate.traffic();
        }

        @Override
        public void activate(String revision) {
            delegate.activate(revision);
        }

        @Override
        public void deactivate(String revision) {
            delegate.deactivate(revision);
        }

        @Override
        public AppTraffic setTraffic(TrafficWeights weights) {
            return delegate.setTraffic(weights);
        }
    }
}
