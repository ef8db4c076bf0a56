package io.releasepipeline.bench;

import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.testkit.local.LocalWorld;
import io.releasepipeline.testkit.local.RevisionServer;
import io.releasepipeline.trigger.Triggers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Time to detect and time to restore, in real time over real HTTP: a release promotes v2 (a real HTTP server behind
 * the local weighted router), and while it is observed v2 starts answering 500 on every path. The health trigger
 * (window 1 s, a probe every 100 ms) must fire within the ideal (window + one probe interval = 1.1 s) plus a
 * little, and traffic must be back on v1 right after. Other triggers are disarmed so the health trigger is the one
 * measured.
 *
 * <p>Run: {@code ./mvnw -q -pl release-benchmarks -am package -DskipTests && java -cp
 * release-benchmarks/target/release-benchmarks.jar io.releasepipeline.bench.DetectionBenchmark [runs]}.
 */
public final class DetectionBenchmark {

    private static final Duration WINDOW = Duration.ofSeconds(1);
    private static final Duration PROBE = Duration.ofMillis(100);

    private DetectionBenchmark() {
    }

    /** Runs the benchmark {@code runs} times (default 10) and prints each run and the medians. */
    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        double ideal = (WINDOW.toNanos() + PROBE.toNanos()) / 1e6;
        List<double[]> results = new ArrayList<>();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i < runs; i++) {
                double[] r = runOnce(timer);
                results.add(r);
                System.out.printf(Locale.ROOT, "run %2d: detect %6.0f ms, restore %6.0f ms, detect/ideal %.2f%n", i + 1,
                        r[0], r[1], r[0] / ideal);
            }
        } finally {
            timer.shutdownNow();
        }
        double[] detect = results.stream().mapToDouble(r -> r[0]).sorted().toArray();
        double[] restore = results.stream().mapToDouble(r -> r[1]).sorted().toArray();
        System.out.printf(Locale.ROOT, "ideal (window %d ms + probe %d ms) = %.0f ms%n", WINDOW.toMillis(),
                PROBE.toMillis(), ideal);
        System.out.printf(Locale.ROOT, "median detect %.0f ms (%.2fx ideal), max %.0f ms (%.2fx); median restore %.0f ms,"
                + " max %.0f ms over %d runs%n", detect[runs / 2], detect[runs / 2] / ideal, detect[runs - 1],
                detect[runs - 1] / ideal, restore[runs / 2], restore[runs - 1], runs);
    }

    /** One release: returns {detect ms, restore ms} from the moment v2 starts failing. */
    private static double[] runOnce(ScheduledExecutorService timer) throws Exception {
        LocalWorld.Timings timings = new LocalWorld.Timings(Duration.ofMillis(300), Duration.ofMillis(50),
                Duration.ofSeconds(30), WINDOW, PROBE, Duration.ofSeconds(5), Duration.ofSeconds(30),
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(500), 50);
        try (LocalWorld world = new LocalWorld(timings, null)) {
            AtomicLong failedAt = new AtomicLong();
            AtomicLong detectedAt = new AtomicLong();
            AtomicLong restoredAt = new AtomicLong();
            Triggers healthOnly = Triggers.builder().healthDownFor(WINDOW).healthProbeInterval(PROBE)
                    .withoutErrorRateTrigger().withoutSmokeTrigger().smokeInterval(Duration.ofSeconds(5)).build();
            ReleasePipeline pipeline = world.builder().rollbackTriggers(healthOnly).listener(event -> {
                if (event instanceof ReleaseEvent.ObservationStarted) {
                    // Fail at a moment unrelated to the probe grid.
                    timer.schedule(() -> {
                        world.platform.server("v2").behaviour(RevisionServer.Behaviour.FAILING);
                        failedAt.set(System.nanoTime());
                    }, 1_537, TimeUnit.MILLISECONDS);
                } else if (event instanceof ReleaseEvent.TriggerFired) {
                    detectedAt.set(System.nanoTime());
                } else if (event instanceof ReleaseEvent.TrafficShifted t && t.to().weightOf("v1") == 100) {
                    restoredAt.set(System.nanoTime());
                }
            }).build();
            ReleaseResult result = pipeline.promote(ReleaseRequest.ofPullRequest(LocalWorld.PR));
            if (result.outcome() != ReleaseOutcome.ROLLED_BACK || failedAt.get() == 0) {
                throw new IllegalStateException("expected a rollback, got " + result.outcome() + ": "
                        + result.record().notes());
            }
            return new double[] {(detectedAt.get() - failedAt.get()) / 1e6, (restoredAt.get() - failedAt.get()) / 1e6};
        }
    }
}
