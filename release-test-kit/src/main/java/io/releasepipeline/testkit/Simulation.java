package io.releasepipeline.testkit;

import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleasePipelineBuilder;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.gate.Gates;
import io.releasepipeline.spi.DeployRun;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A whole release world in virtual time: an app serving {@code v1}, a backend pull request that passes every
 * runbook gate, a deploy workflow that runs for {@code backend/**}, a deploy run that takes four minutes and creates
 * {@code v2}, healthy signals, and a pipeline wired to all of
 * it with the runbook's defaults. Tests and benchmarks script the fakes to tell their story, then promote:
 *
 * <pre>{@code
 * Simulation sim = new Simulation();
 * sim.signals.revision("v2").errorRateFrom(Duration.ofMinutes(6), 0.08);   // 5xx at 8% from t+6m
 * ReleaseResult result = sim.pipeline().promote(ReleaseRequest.ofPullRequest(Simulation.PR));
 * }</pre>
 *
 * Not thread-safe: one simulation per thread. Events are collected in {@link #events()}.
 */
public final class Simulation {

    /** The app's name. */
    public static final String APP = "backend";
    /** The pull request that is promoted. */
    public static final int PR = 123;
    /** The revision serving when the story starts. */
    public static final String STABLE = "v1";
    /** The revision the deploy creates. */
    public static final String NEW = "v2";

    /** The virtual clock everything runs on. */
    public final VirtualClock clock;
    /** The platform: {@code v1} serves 100%. */
    public final FakePlatform platform;
    /**
     * The CI system: pull request {@link #PR} changes {@link FakeCi#DEFAULT_CHANGED_FILE} and passes every gate; the
     * deploy workflow runs for changes under {@code backend/} (the runbook's {@code backend/**}); deploy runs take 4
     * minutes.
     */
    public final FakeCi ci;
    /** The evidence store: the previous release finished three hours ago. */
    public final FakeEvidenceStore evidence;
    /** No open incident. */
    public final FakeIncidents incidents;
    /** 600 requests a minute following the traffic split; no 5xx. */
    public final FakeHealthSignals signals;
    /** Every endpoint passes. */
    public final FakeSmokeCheck smoke;
    /** The health endpoint is up. */
    public final FakeHealthProbe probe;
    private final List<ReleaseEvent> events = Collections.synchronizedList(new ArrayList<>());
    private final boolean recordEvents;

    /** A simulation that records every event. */
    public Simulation() {
        this(true);
    }

    /**
     * A simulation; {@code recordEvents = false} keeps memory flat for benchmarks.
     *
     * @param recordEvents whether to keep every event
     */
    public Simulation(boolean recordEvents) {
        this(recordEvents, VirtualClock.DEFAULT_START, NEW);
    }

    /**
     * A simulation that records every event, starting at {@code start}, whose deploy creates {@code newRevision}
     * instead of {@link #NEW}: several releases of one app told apart in one history (a backtest's records). Script
     * the signals, probe and smoke check under {@code newRevision}.
     *
     * @param start the clock's start
     * @param newRevision the name of the revision the deploy creates
     * @throws NullPointerException when an argument is null
     */
    public Simulation(Instant start, String newRevision) {
        this(true, start, newRevision);
    }

    private Simulation(boolean recordEvents, Instant start, String newRevision) {
        Objects.requireNonNull(newRevision, "newRevision");
        this.recordEvents = recordEvents;
        clock = new VirtualClock(start);
        ci = new FakeCi(clock).deploysOnlyUnder("backend");
        platform = new FakePlatform(APP, clock).withRevision(STABLE, clock.now().minus(Duration.ofDays(1)), true)
                .serving(STABLE);
        if (newRevision.equals(NEW)) {
            platform.deployRevisionOn(ci);
        } else {
            platform.deployRevisionOn(ci, () -> newRevision);
        }
        ci.pr(PR).title("Add quote currency").body("## Summary\nQuotes in EUR.\n\n## Breaking changes\nNone\n")
                .approvedBy("alice");
        Gates.DEFAULT_REQUIRED_CHECKS.forEach(name -> ci.pr(PR).checkPasses(name));
        ci.deployRunTakes(Duration.ofMinutes(4), DeployRun.Conclusion.SUCCESS);
        evidence = new FakeEvidenceStore().seed(FakeEvidenceStore.promotedRecord(APP, "pr100-previous", STABLE,
                clock.now().minus(Duration.ofHours(3))));
        incidents = new FakeIncidents();
        signals = new FakeHealthSignals(clock).followTraffic(platform, 600);
        smoke = new FakeSmokeCheck(clock);
        probe = new FakeHealthProbe(clock);
    }

    /**
     * A builder wired to every fake, the clock and the event log, with the runbook's defaults.
     *
     * @return a builder wired to every fake, the clock and the event log, with the runbook's defaults
     */
    public ReleasePipelineBuilder builder() {
        ReleasePipelineBuilder b = ReleasePipeline.builder().platform(platform).ci(ci).evidence(evidence)
                .incidents(incidents).healthSignals(signals).smokeCheck(smoke).healthProbe(probe).clock(clock)
                .host("sim-host");
        if (recordEvents) {
            b.listener(events::add);
        }
        return b;
    }

    /**
     * The pipeline with the runbook's defaults.
     *
     * @return the pipeline with the runbook's defaults
     */
    public ReleasePipeline pipeline() {
        return builder().build();
    }

    /**
     * Every event so far, in order.
     *
     * @return every event so far, in order
     */
    public List<ReleaseEvent> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /**
     * The events of one type, in order.
     *
     * @param <T> the event type
     * @param type the event type's class
     * @return the events of one type, in order
     */
    public <T extends ReleaseEvent> List<T> events(Class<T> type) {
        return events().stream().filter(type::isInstance).map(type::cast).toList();
    }
}
