package io.releasepipeline.testkit.local;

import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleasePipelineBuilder;
import io.releasepipeline.evidence.EvidenceStore;
import io.releasepipeline.gate.Gates;
import io.releasepipeline.health.http.Endpoint;
import io.releasepipeline.health.http.HttpHealthProbe;
import io.releasepipeline.health.http.HttpSmokeCheck;
import io.releasepipeline.spi.DeployRun;
import io.releasepipeline.testkit.FakeCi;
import io.releasepipeline.testkit.FakeEvidenceStore;
import io.releasepipeline.testkit.FakeIncidents;
import io.releasepipeline.time.ReleaseClock;
import io.releasepipeline.trigger.Triggers;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * A release world on this machine, in real time: a {@link LocalPlatform} whose revisions are real HTTP servers
 * behind a weighted router, a CI system (the test kit's {@link FakeCi} on the wall clock) whose successful deploy
 * runs start a new revision server, the HTTP smoke check and health probe aimed at each revision's own URL, the
 * router's counters as the error rate, and steady load through the router. Time-scaled by {@link Timings} so a
 * whole release takes seconds. Close it to stop every server and the load.
 */
public final class LocalWorld implements AutoCloseable {

    /** The app's name. */
    public static final String APP = "backend";
    /** The first pull request in the story. */
    public static final int PR = 123;

    /**
     * The time scale.
     *
     * @param deployRun how long a deploy run takes
     * @param poll how often the engine polls the deploy run and revisions
     * @param observation how long the last step is observed
     * @param healthDownFor the health trigger's threshold
     * @param probeInterval how often the health endpoint is probed
     * @param smokeInterval how often the smoke check runs
     * @param smokeFailingFor the smoke trigger's threshold
     * @param errorRateWindow the error-rate window
     * @param errorRateInterval how often the error rate is read
     * @param stableFor how long the previous release must have been stable
     * @param requestsPerSecond load sent through the router
     */
    public record Timings(Duration deployRun, Duration poll, Duration observation, Duration healthDownFor,
            Duration probeInterval, Duration smokeInterval, Duration smokeFailingFor, Duration errorRateWindow,
            Duration errorRateInterval, Duration stableFor, int requestsPerSecond) {

        /**
         * The runbook scaled down about a hundredfold: a release in about fifteen seconds.
         *
         * @return the runbook scaled down about a hundredfold: a release in about fifteen seconds
         */
        public static Timings demo() {
            return new Timings(Duration.ofSeconds(2), Duration.ofMillis(200), Duration.ofSeconds(10),
                    Duration.ofSeconds(2), Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(3),
                    Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofSeconds(3), 100);
        }
    }

    /** The wall clock. */
    public final ReleaseClock clock = ReleaseClock.system();
    /** The platform. */
    public final LocalPlatform platform;
    /** The CI system. */
    public final FakeCi ci;
    /** Incidents. */
    public final FakeIncidents incidents = new FakeIncidents();
    /** The error rate from the router. */
    public final LocalHealthSignals signals;
    /** The smoke check of each revision's own URL. */
    public final HttpSmokeCheck smoke;
    /** The health probe of each revision's own URL. */
    public final HttpHealthProbe probe;
    private final Timings timings;
    private final EvidenceStore evidence;
    private final LoadGenerator load;
    private final Deque<RevisionServer.Behaviour> nextBehaviours = new ArrayDeque<>();
    private int revisions = 1;

    /**
     * Starts {@code v1} serving 100% with load through the router. Deploys create {@code v2}, {@code v3}...,
     * healthy unless {@link #nextDeployBehaves} says otherwise.
     *
     * @param timings the time scale
     * @param evidence where evidence goes; null for an in-memory store with a previous release three hours ago
     */
    public LocalWorld(Timings timings, EvidenceStore evidence) {
        this.timings = Objects.requireNonNull(timings, "timings");
        this.platform = new LocalPlatform(APP, clock);
        platform.startRevision("v1", RevisionServer.Behaviour.HEALTHY);
        this.ci = new FakeCi(clock);
        ci.deployRunQueuedFor(Duration.ZERO);
        ci.deployRunAppearsAfter(timings.poll());
        ci.deployRunTakes(timings.deployRun(), DeployRun.Conclusion.SUCCESS);
        ci.onSuccessfulDeploy((sha, at) -> {
            RevisionServer.Behaviour behaviour;
            synchronized (nextBehaviours) {
                behaviour = nextBehaviours.isEmpty() ? RevisionServer.Behaviour.HEALTHY : nextBehaviours.poll();
            }
            platform.startRevision("v" + (++revisions), behaviour);
        });
        pullRequest(PR, "Quotes in EUR", "alice");
        this.evidence = evidence != null ? evidence : new FakeEvidenceStore().seed(FakeEvidenceStore.promotedRecord(
                APP, "pr100-previous", "v1", clock.now().minus(Duration.ofHours(3))));
        this.signals = new LocalHealthSignals(platform);
        this.smoke = HttpSmokeCheck.builder().baseUrl(platform.url()).targetRevisionUrl(true)
                .endpoint(Endpoint.get("/health")).endpoint(Endpoint.get("/v1/quotes")).samples(3)
                .requestTimeout(Duration.ofSeconds(2)).build();
        this.probe = HttpHealthProbe.builder().baseUrl(platform.url()).targetRevisionUrl(true)
                .timeout(timings.probeInterval()).build();
        this.load = new LoadGenerator(platform.url() + "/v1/quotes", timings.requestsPerSecond(),
                timings.requestsPerSecond() * 600L);
    }

    /**
     * Opens a pull request that passes every runbook gate.
     *
     * @param number the pull request's number
     * @param title its title
     * @param approver who approved it
     */
    public void pullRequest(int number, String title, String approver) {
        ci.pr(number).title(title).body("## Summary\n" + title + "\n\n## Breaking changes\nNone\n")
                .approvedBy(approver);
        Gates.DEFAULT_REQUIRED_CHECKS.forEach(check -> ci.pr(number).checkPasses(check));
    }

    /**
     * The next deploy's revision will behave like this once it starts.
     *
     * @param behaviour how the revision answers
     */
    public void nextDeployBehaves(RevisionServer.Behaviour behaviour) {
        synchronized (nextBehaviours) {
            nextBehaviours.add(behaviour);
        }
    }

    /**
     * The evidence store.
     *
     * @return the evidence store
     */
    public EvidenceStore evidence() {
        return evidence;
    }

    /**
     * A pipeline builder wired to this world with its time scale (the stability gate too).
     *
     * @return a pipeline builder wired to this world with its time scale (the stability gate too)
     */
    public ReleasePipelineBuilder builder() {
        Triggers triggers = Triggers.builder()
                .healthDownFor(timings.healthDownFor()).healthProbeInterval(timings.probeInterval())
                .smokeFailingFor(timings.smokeFailingFor()).smokeInterval(timings.smokeInterval())
                .errorRateAbove(Triggers.DEFAULT_ERROR_RATE_THRESHOLD, timings.errorRateWindow())
                .errorRateInterval(timings.errorRateInterval())
                .minimumRequests(Math.max(1, timings.requestsPerSecond() * timings.errorRateWindow().toSeconds() / 4))
                .holdLimit(timings.errorRateWindow())
                .build();
        return ReleasePipeline.builder().gates(Gates.runbookDefaults(timings.stableFor())).platform(platform).ci(ci).evidence(evidence).incidents(incidents)
                .healthSignals(signals).smokeCheck(smoke).healthProbe(probe).rollbackTriggers(triggers)
                .observationWindow(timings.observation()).deployPollInterval(timings.poll())
                .revisionPollInterval(timings.poll()).deployTimeout(timings.deployRun().multipliedBy(5))
                .revisionReadyTimeout(timings.deployRun().multipliedBy(5)).clock(clock).host("localhost")
                .environmentUrl(platform.url());
    }

    /**
     * Requests the load generator has sent.
     *
     * @return the requests sent so far
     */
    public long requestsSent() {
        return load.sent();
    }

    @Override
    public void close() {
        load.close();
        platform.close();
    }
}
