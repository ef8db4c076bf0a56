package io.releasepipeline.examples.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.RollbackRequest;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.file.FileEvidenceStore;
import io.releasepipeline.testkit.Simulation;
import io.releasepipeline.testkit.VirtualClock;
import io.releasepipeline.trigger.Triggers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The digest of records the engine wrote: four releases of the simulated app, each in its own simulated world
 * a day apart, promoted or rolled back by what the fakes were told, plus a standalone rollback, all written to a
 * file evidence store. The expected figures come from the releases' results and events, not from the records.
 */
class ReleaseDigestTest {

    @TempDir
    Path evidence;

    final List<ReleaseResult> results = new ArrayList<>();
    final List<Duration> expectedTimesToRestore = new ArrayList<>();

    @BeforeEach
    void releaseFourTimes() {
        release(0, "v2", sim -> { }, 0, ReleaseRequest.ofPullRequest(Simulation.PR).withFirstRelease());
        release(1, "v3", sim -> sim.signals.revision("v3").errorRate(0.08), 1,
                ReleaseRequest.ofPullRequest(Simulation.PR));
        release(2, "v4", sim -> sim.probe.failingFor("v4", Duration.ofMinutes(6), Duration.ofSeconds(45)), 2,
                ReleaseRequest.ofPullRequest(Simulation.PR));
        ReleasePipeline last = release(3, "v5", sim -> { }, 0, ReleaseRequest.ofPullRequest(Simulation.PR));
        assertThat(last.rollback(RollbackRequest.toRevision("v1", "checkout is broken")).succeeded()).isTrue();

        assertThat(results).extracting(ReleaseResult::outcome).containsExactly(ReleaseOutcome.PROMOTED,
                ReleaseOutcome.ROLLED_BACK, ReleaseOutcome.ROLLED_BACK, ReleaseOutcome.PROMOTED);
    }

    /**
     * One release in a world of its own, {@code day} days after the first, writing to the shared evidence. The
     * platform refuses the rollback's traffic shift {@code refusedShifts} times (transiently; the engine retries),
     * so that restoring traffic takes a while after the trigger fires, as it does on a real platform.
     */
    ReleasePipeline release(int day, String revision, Consumer<Simulation> fault, int refusedShifts,
            ReleaseRequest request) {
        Simulation sim = new Simulation(VirtualClock.DEFAULT_START.plus(Duration.ofDays(day)), revision);
        fault.accept(sim);
        ReleasePipeline pipeline = sim.builder().evidence(FileEvidenceStore.of(evidence)).listener(event -> {
            if (event instanceof ReleaseEvent.TriggerFired && refusedShifts > 0) {
                sim.platform.failNext("setTraffic", refusedShifts, true);
            }
        }).build();
        results.add(pipeline.promote(request));
        // The time to restore as the events saw it: the trigger firing, then the shift of all traffic back to v1.
        sim.events(ReleaseEvent.TriggerFired.class).stream().findFirst().ifPresent(fired -> {
            Instant restored = sim.events(ReleaseEvent.TrafficShifted.class).stream()
                    .filter(s -> s.to().weightOf(Simulation.STABLE) == 100 && !s.at().isBefore(fired.at()))
                    .findFirst().orElseThrow().at();
            expectedTimesToRestore.add(Duration.between(fired.at(), restored));
        });
        return pipeline;
    }

    @Test
    @DisplayName("the digest's figures match the releases the engine ran")
    void figuresMatchTheReleases() {
        ReleaseDigest digest = ReleaseDigest.read(evidence);

        assertThat(digest.skipped()).isEmpty();
        assertThat(digest.apps()).containsOnlyKeys(Simulation.APP);
        ReleaseDigest.AppDigest app = digest.apps().get(Simulation.APP);
        assertThat(app.releases()).isEqualTo(4);
        assertThat(app.promoted()).isEqualTo(2);
        assertThat(app.rolledBack()).isEqualTo(2);
        assertThat(app.standaloneRollbacks()).isEqualTo(1);
        assertThat(app.rollbacksByTrigger()).containsExactly(
                entry(Triggers.ERROR_RATE, 1),
                entry(Triggers.HEALTH_ENDPOINT, 1));

        List<Duration> leadTimes = leadTimes();
        assertThat(app.leadTimes()).containsExactlyElementsOf(leadTimes);
        assertThat(app.medianLeadTime()).contains(leadTimes.get(0).plus(leadTimes.get(1)).dividedBy(2));
        assertThat(app.medianLeadTime().orElseThrow()).isGreaterThan(Duration.ofMinutes(4)); // a 4-minute deploy run

        assertThat(expectedTimesToRestore).hasSize(2).allSatisfy(t -> assertThat(t).isPositive()).doesNotHaveDuplicates();
        assertThat(app.timesToRestore()).containsExactlyElementsOf(expectedTimesToRestore);
        assertThat(app.maxTimeToRestore()).contains(expectedTimesToRestore.stream().max(Duration::compareTo)
                .orElseThrow());
    }

    @Test
    @DisplayName("main prints the digest per app and exits 0")
    void printsTheDigest() {
        Run run = run(evidence.toString());

        assertThat(run.code).isEqualTo(ReleaseDigest.OK);
        assertThat(run.err).isEmpty();
        assertThat(run.out).startsWith("backend\n")
                .contains("releases             4 (2 promoted, 2 rolled back, 0 other)")
                .contains("rollbacks by trigger error-rate 1, health-endpoint 1")
                .contains("standalone rollbacks 1")
                .contains("median lead time     " + ReleaseDigest.format(median(leadTimes())) + " (start to promoted)")
                .contains("trigger to restored  median " + ReleaseDigest.format(median(expectedTimesToRestore))
                        + ", max " + ReleaseDigest.format(expectedTimesToRestore.stream().max(Duration::compareTo)
                        .orElseThrow()));
    }

    @Test
    @DisplayName("a damaged record is skipped with a message naming it; the others are still counted")
    void damagedFileIsSkipped() throws IOException {
        Path damaged = evidence.resolve("2026-01-10-backend-pr999-damaged.json");
        Files.writeString(damaged, "{\"releaseId\": \"pr999\", \"app\": ");

        Run run = run(evidence.toString());

        assertThat(run.code).isEqualTo(ReleaseDigest.OK);
        assertThat(run.err).contains("skipped 2026-01-10-backend-pr999-damaged.json is not a valid release record",
                "restore it or move it out of the directory");
        assertThat(run.out).contains("releases             4 (2 promoted, 2 rolled back, 0 other)");
    }

    @Test
    @DisplayName("a bad directory or bad arguments get a clear message and their own exit code")
    void badArguments() throws IOException {
        Run none = run();
        assertThat(none.code).isEqualTo(ReleaseDigest.USAGE);
        assertThat(none.err).contains("give exactly one evidence directory", "usage: release-digest EVIDENCE_DIR");
        assertThat(none.out).isEmpty();

        assertThat(run("a", "b").err).contains("(got 2 arguments)");
        Run option = run("--verbose");
        assertThat(option.code).isEqualTo(ReleaseDigest.USAGE);
        assertThat(option.err).contains("there are no options; got --verbose");
        Run help = run("--help");
        assertThat(help.code).isEqualTo(ReleaseDigest.OK);
        assertThat(help.out).startsWith("usage: release-digest EVIDENCE_DIR");

        Run missing = run(evidence.resolve("nope").toString());
        assertThat(missing.code).isEqualTo(ReleaseDigest.NO_INPUT);
        assertThat(missing.err).contains("no such directory: " + evidence.resolve("nope").toAbsolutePath(),
                ".ops/evidence");

        Path file = Files.writeString(evidence.resolve("notes.txt"), "x");
        Run notDir = run(file.toString());
        assertThat(notDir.code).isEqualTo(ReleaseDigest.NO_INPUT);
        assertThat(notDir.err).contains("not a directory: ");
    }

    List<Duration> leadTimes() {
        return results.stream().filter(ReleaseResult::promoted)
                .map(r -> Duration.between(r.record().startedAt(), r.record().finishedAt().orElseThrow())).toList();
    }

    /** The median of two figures, as the test always has two of each. */
    static Duration median(List<Duration> two) {
        assertThat(two).hasSize(2);
        return two.get(0).plus(two.get(1)).dividedBy(2);
    }

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ReleaseDigest.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
