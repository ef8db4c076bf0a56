package io.releasepipeline.cli.backtest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.RollbackRequest;
import io.releasepipeline.RollbackResult;
import io.releasepipeline.evidence.EvidenceJson;
import io.releasepipeline.evidence.EvidenceStore;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.file.FileEvidenceStore;
import io.releasepipeline.gate.Gates;
import io.releasepipeline.spi.DeployRun;
import io.releasepipeline.testkit.FakeCi;
import io.releasepipeline.testkit.FakeEvidenceStore;
import io.releasepipeline.testkit.FakeHealthProbe;
import io.releasepipeline.testkit.FakeHealthSignals;
import io.releasepipeline.testkit.FakeIncidents;
import io.releasepipeline.testkit.FakePlatform;
import io.releasepipeline.testkit.FakeSmokeCheck;
import io.releasepipeline.testkit.VirtualClock;
import io.releasepipeline.traffic.TrafficPlan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A week of real engine releases of one app, written by the real {@link FileEvidenceStore} into a directory: the
 * issue's backtesting story, told in virtual time with the test kit's fakes and the engine's default policy (5xx
 * above 5% over 5m) on a 10/50/100 canary. One release a day:
 * <ol>
 * <li>{@code backend--v2}: good, promoted;</li>
 * <li>{@code backend--v3}: good, but 4% 5xx for its first minutes at 10% (a cold cache): promoted;</li>
 * <li>{@code backend--v4}: 3% 5xx, then 12% from 9 minutes in: rolled back by the error-rate trigger;</li>
 * <li>{@code backend--v5}: a slow burn, 3% 5xx throughout: promoted, then rolled back by hand two hours later (a
 * standalone rollback record: the known-bad label);</li>
 * <li>{@code backend--v6}: good, promoted;</li>
 * <li>{@code backend--v7}: good, with the same early 4% blip as v3: promoted;</li>
 * <li>{@code backend--v8}: good, promoted.</li>
 * </ol>
 * Before them the store holds a record an older version wrote, without samples (not replayable). A 2% candidate
 * catches v5, rolls v4 back earlier, and flags v3 and v7 as would-be false rollbacks. Not thread-safe.
 */
public final class BacktestHistory {

    /** The app. */
    public static final String APP = "backend";
    /** The first release's start: the virtual clock's. */
    public static final Duration DAY = Duration.ofDays(1);

    private BacktestHistory() {
    }

    /**
     * What was written.
     *
     * @param releases each release's result, in order
     * @param rollback the standalone rollback of the slow burn
     */
    public record Written(List<ReleaseResult> releases, RollbackResult rollback) {
    }

    /** Runs the week's releases, writing their records into {@code directory}. */
    public static Written write(Path directory) {
        FileEvidenceStore evidence = FileEvidenceStore.of(directory);
        evidence.write(olderRecord());
        World world = new World(evidence);
        List<ReleaseResult> results = new ArrayList<>();
        RollbackResult rollback = null;
        for (int i = 0; i < 7; i++) {
            int pr = 201 + i;
            String revision = "backend--v" + (i + 2);
            Duration at = world.clock.elapsed();
            FakeHealthSignals.RevisionScript script = world.signals.revision(revision);
            switch (i) {
                case 1, 5 -> script.errorRateBetween(at, at.plus(Duration.ofMinutes(9)), 0.04);
                case 2 -> script.errorRate(0.03).errorRateFrom(at.plus(Duration.ofMinutes(14)), 0.12);
                case 3 -> script.errorRate(0.03);
                default -> script.errorRate(0.002);
            }
            results.add(world.promote(pr, ReleaseRequest.ofPullRequest(pr).withReleaseId("pr" + pr)));
            if (i == 3) {
                world.clock.advance(Duration.ofHours(2));
                rollback = world.pipeline.rollback(RollbackRequest.toPrevious("slow burn: 3% of checkouts fail "
                        + "since " + revision + " went out").forPullRequest(pr));
            }
            world.clock.advance(DAY.minus(world.clock.elapsed().minus(at)));
        }
        return new Written(results, rollback);
    }

    /** One app's world in virtual time, its revisions named {@code backend--v2}, {@code backend--v3} .... */
    private static final class World {
        final VirtualClock clock;
        final FakeCi ci;
        final FakeHealthSignals signals;
        final ReleasePipeline pipeline;

        World(EvidenceStore evidence) {
            this(evidence, VirtualClock.DEFAULT_START);
        }

        World(EvidenceStore evidence, Instant start) {
            clock = new VirtualClock(start);
            ci = new FakeCi(clock).deploysOnlyUnder("backend");
            AtomicInteger version = new AtomicInteger(1);
            FakePlatform platform = new FakePlatform(APP, clock)
                    .withRevision("backend--v1", clock.now().minus(Duration.ofDays(1)), true).serving("backend--v1")
                    .deployRevisionOn(ci, () -> "backend--v" + version.incrementAndGet());
            ci.deployRunTakes(Duration.ofMinutes(4), DeployRun.Conclusion.SUCCESS);
            signals = new FakeHealthSignals(clock).followTraffic(platform, 600);
            pipeline = ReleasePipeline.builder().platform(platform).ci(ci).evidence(evidence)
                    .incidents(new FakeIncidents()).healthSignals(signals).smokeCheck(new FakeSmokeCheck(clock))
                    .healthProbe(new FakeHealthProbe(clock)).clock(clock).host("backtest-history")
                    .trafficPlan(TrafficPlan.canary(10, 50, 100)).build();
        }

        ReleaseResult promote(int pr, ReleaseRequest request) {
            ci.pr(pr).title("Change " + pr).body("## Summary\nChange " + pr + ".\n\n## Breaking changes\nNone\n")
                    .approvedBy("alice");
            Gates.DEFAULT_REQUIRED_CHECKS.forEach(name -> ci.pr(pr).checkPasses(name));
            return pipeline.promote(request);
        }
    }

    /**
     * The record an older version wrote, a day before the week: a real release (the app's first, {@code backend--v1}
     * replacing {@code backend--v0}) without {@code samples}, which records did not keep before format 1.
     */
    static ReleaseRecord olderRecord() {
        FakeEvidenceStore scratch = new FakeEvidenceStore();
        World world = new World(scratch, VirtualClock.DEFAULT_START.minus(DAY));
        world.signals.revision("backend--v2").errorRate(0.002);
        ReleaseResult result = world.promote(200, ReleaseRequest.ofPullRequest(200).withReleaseId("pr200")
                .withFirstRelease());
        ReleaseRecord first = scratch.read(APP, result.releaseId()).orElseThrow();
        ObjectNode tree = EvidenceJson.mapper().valueToTree(first);
        tree.remove("samples");
        String json = tree.toString().replace("backend--v1", "backend--v0").replace("backend--v2", "backend--v1");
        return EvidenceJson.fromBytes(json.getBytes(StandardCharsets.UTF_8), ReleaseRecord.class);
    }
}
