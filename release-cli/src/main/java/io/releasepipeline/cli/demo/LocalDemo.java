package io.releasepipeline.cli.demo;

import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.event.ReleaseListener;
import io.releasepipeline.evidence.EvidenceTemplate;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.file.FileEvidenceStore;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.testkit.local.LocalWorld;
import io.releasepipeline.testkit.local.RevisionServer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code release demo}: a real promotion and a real automatic rollback on this machine, no cloud account. Each
 * revision is a real HTTP server on 127.0.0.1 behind a local router that splits real traffic by the weights; the
 * smoke check and health probe are real HTTP; the error rate comes from the router's counters; the evidence is
 * written as files. The runbook's numbers are scaled down about a hundredfold so the story takes under a minute:
 * v1 is live; v2 passes the gates and is promoted; v3 passes its first smoke check, then starts answering 500s
 * and is rolled back by the triggers on their own.
 *
 * <p>While it runs, a JVM shutdown hook gives back the release lock the demo holds, so a demo interrupted with
 * Ctrl-C (SIGINT) or SIGTERM leaves no lock that would stop the next one. Not thread-safe; one story per instance.
 */
public final class LocalDemo {

    private final PrintStream out;
    private final Path evidenceDir;
    private final LocalWorld.Timings timings;
    private final ReleaseListener progress;
    private final Optional<EvidenceTemplate> template;

    /**
     * A demo whose Markdown evidence is the built-in report.
     *
     * @param out where the story is told
     * @param evidenceDir where evidence files go
     * @param timings the time scale
     * @param progress the progress view (plain lines or a live terminal view)
     */
    public LocalDemo(PrintStream out, Path evidenceDir, LocalWorld.Timings timings, ReleaseListener progress) {
        this(out, evidenceDir, timings, progress, Optional.empty());
    }

    /**
     * A demo whose Markdown evidence is {@code template} filled in (the full report after it), when given.
     *
     * @param out where the story is told
     * @param evidenceDir where evidence files go
     * @param timings the time scale
     * @param progress the progress view (plain lines or a live terminal view)
     * @param template the team's evidence template, or empty for the built-in report
     */
    public LocalDemo(PrintStream out, Path evidenceDir, LocalWorld.Timings timings, ReleaseListener progress,
            Optional<EvidenceTemplate> template) {
        this.out = out;
        this.evidenceDir = evidenceDir;
        this.timings = timings;
        this.progress = progress;
        this.template = template;
    }

    /**
     * How the story went.
     *
     * @param promoted the first release (v2), told to be promoted
     * @param rolledBack the second release (v3), told to be rolled back
     * @param trafficAfter the split at the end
     * @param requestsSent requests sent through the router
     * @param evidence where the evidence files are
     */
    public record Story(ReleaseResult promoted, ReleaseResult rolledBack, TrafficWeights trafficAfter,
            long requestsSent, Path evidence) {

        /** True when v2 was promoted and v3 rolled back, as the story says. */
        public boolean asTold() {
            return promoted.outcome() == ReleaseOutcome.PROMOTED && rolledBack.outcome() == ReleaseOutcome.ROLLED_BACK;
        }
    }

    /** Runs the story; true when v2 was promoted and v3 rolled back. */
    public boolean run() {
        return tell().asTold();
    }

    /**
     * Runs the story and returns how it went.
     *
     * @throws io.releasepipeline.ReleaseInProgressException if another demo holds the lock of the demo's app in
     *     this evidence directory (nothing was changed)
     */
    public Story tell() {
        DemoLocks evidence = new DemoLocks(FileEvidenceStore.of(evidenceDir));
        Thread giveBackLocks = new Thread(evidence::releaseAll, "release-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(giveBackLocks);
        try {
            return tell(evidence);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(giveBackLocks);
            } catch (IllegalStateException shuttingDown) {
                // The hook runs (or ran) anyway.
            }
        }
    }

    private Story tell(DemoLocks evidence) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-timer");
            t.setDaemon(true);
            return t;
        });
        try (LocalWorld world = new LocalWorld(timings, evidence)) {
            out.println("v1 serves " + world.platform.url() + " (a router on 127.0.0.1 over real HTTP servers), with "
                    + timings.requestsPerSecond() + " requests/s of load.");
            out.println("Runbook timings scaled down: deploy run " + seconds(timings.deployRun()) + ", observation "
                    + seconds(timings.observation()) + ", health down > " + seconds(timings.healthDownFor())
                    + ", > 5% 5xx over " + seconds(timings.errorRateWindow()) + ", smoke failing > "
                    + seconds(timings.smokeFailingFor()) + ".");
            out.println();
            out.println("== Pull request #" + LocalWorld.PR + " brings v2.");
            ReleasePipeline pipeline = withTemplate(world.builder()).listener(progress).build();
            ReleaseRequest firstRequest = ReleaseRequest.ofPullRequest(LocalWorld.PR);
            // The stability gate refuses an empty history unless the first release is declared as such.
            if (evidence.latest(LocalWorld.APP, 50).stream().noneMatch(r -> r.outcome() == ReleaseOutcome.PROMOTED
                    || r.outcome() == ReleaseOutcome.ROLLED_BACK || r.outcome() == ReleaseOutcome.ROLLBACK_FAILED)) {
                out.println("No release of " + LocalWorld.APP + " on record in " + evidenceDir + ": v2 is declared "
                        + "the app's first release (release promote --first-release).");
                firstRequest = firstRequest.withFirstRelease();
            }
            ReleaseResult first = pipeline.promote(firstRequest);

            // The stability gate wants the previous release to have been stable for a (scaled) while.
            sleep(timings.stableFor());
            out.println();
            out.println("== Pull request #124 brings v3, which starts answering 500s "
                    + seconds(timings.smokeInterval().multipliedBy(2)) + " after it takes the traffic.");
            world.pullRequest(124, "Faster quotes", "bob");
            ReleasePipeline second = withTemplate(world.builder()).listener(progress).listener(event -> {
                if (event instanceof ReleaseEvent.TrafficShifted t && t.to().weightOf("v3") == 100) {
                    timer.schedule(() -> world.platform.server("v3").behaviour(RevisionServer.Behaviour.FAILING),
                            timings.smokeInterval().multipliedBy(2).toMillis(), TimeUnit.MILLISECONDS);
                }
            }).build();
            ReleaseResult rolledBack = second.promote(ReleaseRequest.ofPullRequest(124));

            out.println();
            out.println("Traffic now: " + world.platform.traffic().weights() + "; " + world.requestsSent()
                    + " requests sent through the router.");
            Path where = evidenceDir.toAbsolutePath().normalize();
            out.println("Evidence files (" + template.map(t -> "Markdown: " + t.name() + " filled in, then the report")
                    .orElse("Markdown report") + ", SVG timeline, JSON record) are in " + where);
            return new Story(first, rolledBack, world.platform.traffic().weights(), world.requestsSent(), where);
        } finally {
            timer.shutdownNow();
        }
    }

    private io.releasepipeline.ReleasePipelineBuilder withTemplate(io.releasepipeline.ReleasePipelineBuilder b) {
        template.ifPresent(b::evidenceTemplate);
        return b;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    private static void sleep(Duration d) {
        try {
            TimeUnit.MILLISECONDS.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
