package io.releasepipeline.bench;

import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.testkit.Simulation;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine in virtual time with the test kit's fakes: one full default release (merge, a 4-minute deploy run,
 * v2 to 100%, 10 minutes of observation with a health probe every second, a smoke check every 15 s and an
 * error-rate reading every minute), then 1,000 such releases at once, each on its own thread, app and clock.
 *
 * <p>Run: {@code ./mvnw -q -pl release-benchmarks -am package -DskipTests && java -Xmx256m -jar
 * release-benchmarks/target/release-benchmarks.jar [releases]}. Prints the median and p90 wall time of one
 * release, and the wall time and peak heap of the concurrent run.
 */
public final class EngineBenchmark {

    private EngineBenchmark() {
    }

    /** Runs the benchmark. The optional argument is the number of concurrent releases (default 1,000). */
    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        int concurrent = args.length > 0 ? Integer.parseInt(args[0]) : 1000;

        for (int i = 0; i < 2000; i++) {
            runOne();
        }
        int samples = 500;
        long[] nanos = new long[samples];
        for (int i = 0; i < samples; i++) {
            long t0 = System.nanoTime();
            runOne();
            nanos[i] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "one release (virtual %s): median %.2f ms, p90 %.2f ms, max %.2f ms over %d runs%n",
                describe(), nanos[samples / 2] / 1e6, nanos[samples * 9 / 10] / 1e6, nanos[samples - 1] / 1e6,
                samples);

        List<Simulation> sims = new ArrayList<>(concurrent);
        List<ReleasePipeline> pipelines = new ArrayList<>(concurrent);
        for (int i = 0; i < concurrent; i++) {
            Simulation sim = new Simulation(false);
            sims.add(sim);
            pipelines.add(sim.pipeline());
        }
        System.gc();
        Heap.resetPeaks();
        long heapBefore = usedHeap();
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(concurrent);
        AtomicInteger promoted = new AtomicInteger();
        List<Thread> threads = new ArrayList<>(concurrent);
        for (int i = 0; i < concurrent; i++) {
            ReleasePipeline pipeline = pipelines.get(i);
            Thread t = new Thread(null, () -> {
                try {
                    start.await();
                    ReleaseResult r = pipeline.promote(ReleaseRequest.ofPullRequest(Simulation.PR));
                    if (r.outcome() == ReleaseOutcome.PROMOTED) {
                        promoted.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }, "release-" + i, 256 * 1024);
            threads.add(t);
            t.start();
        }
        long t0 = System.nanoTime();
        start.countDown();
        done.await();
        long wall = System.nanoTime() - t0;
        long peak = Heap.peak();
        System.out.printf(Locale.ROOT, "%d concurrent releases: wall %.2f s, %d promoted, peak heap %.1f MB "
                + "(%.1f MB before start, max heap %.0f MB), %d cores%n", concurrent, wall / 1e9, promoted.get(),
                peak / 1048576.0, heapBefore / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576.0,
                Runtime.getRuntime().availableProcessors());
        if (promoted.get() != concurrent) {
            throw new IllegalStateException("only " + promoted.get() + " of " + concurrent + " releases promoted");
        }
        System.out.println("virtual time per release: " + sims.get(0).clock.elapsed());
    }

    private static String describe() {
        return "14m: 4m deploy run, 10m observation";
    }

    private static void runOne() {
        Simulation sim = new Simulation(false);
        ReleaseResult r = sim.pipeline().promote(ReleaseRequest.ofPullRequest(Simulation.PR));
        if (r.outcome() != ReleaseOutcome.PROMOTED || !sim.clock.elapsed().equals(Duration.ofMinutes(14))) {
            throw new IllegalStateException("unexpected " + r.outcome() + " after " + sim.clock.elapsed());
        }
    }

    private static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
