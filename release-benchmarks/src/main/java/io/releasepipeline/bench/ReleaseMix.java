package io.releasepipeline.bench;

import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.RollbackRequest;
import io.releasepipeline.RollbackResult;
import io.releasepipeline.backtest.Backtest;
import io.releasepipeline.backtest.Determinism;
import io.releasepipeline.evidence.EvidenceJson;
import io.releasepipeline.evidence.ReleaseRecord;
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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real release records for a backtest benchmark: each one comes from the real engine promoting a pull request in
 * virtual time against the test kit's fakes, scripted after one of the {@link Archetype archetypes} of a realistic
 * mix (mostly good releases, some slow burns the live 5% policy lets through, health flaps, low traffic held for
 * data, broken releases rolled back, a few releases stopped by hand or rolled back afterwards). Release {@code i} is
 * a pure function of {@code i}: its archetype, its parameters (traffic, error curve, flap timing, traffic plan) and
 * its app ({@code svc-00} .. {@code svc-39}, each releasing every six hours, revision after revision).
 *
 * <p>Thread-safe: every release builds its own world (clock, platform, signals, pipeline).
 */
public final class ReleaseMix {

    /** The apps releasing: release {@code i} belongs to {@code svc-(i % APPS)}. */
    public static final int APPS = 40;
    /** When the first release of each app starts. */
    public static final Instant EPOCH = Instant.parse("2026-09-01T08:00:00Z");
    /** The time between two releases of one app. */
    public static final Duration CADENCE = Duration.ofHours(6);
    /** The live policy's error-rate threshold (the runbook's default): a slow burn stays under it. */
    public static final double LIVE_THRESHOLD = 0.05;

    /** The generator's version: records written by another version are generated again. */
    static final int VERSION = 1;
    private static final Duration DEPLOY_RUN = Duration.ofMinutes(4);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private ReleaseMix() {
    }

    /** What kind of release a record tells, and its share of the mix (per thousand). */
    public enum Archetype {
        /** 0-0.8% 5xx throughout: promoted by any sensible policy. */
        GOOD(560),
        /** A good release of a service with a noisy endpoint: 2.3-3.5% 5xx from the start, as the stable one. */
        NOISY_GOOD(100),
        /** 5xx rising from under 1% to 3.2-4.6% over the whole observation: the live 5% policy promotes it. */
        SLOW_BURN(100),
        /** 8-30% 5xx, or every smoke endpoint failing, from some minute of the observation: rolled back. */
        BROKEN(40),
        /** The health probe down 3-25 s once to three times (promoted), or 35-60 s once (rolled back). */
        HEALTH_FLAP(90),
        /** 4-18 requests a minute, too few to judge: each step held for data (NO_DATA, HOLD), then promoted. */
        LOW_TRAFFIC(70),
        /** Someone stops the release during the observation: a manual rollback, a known-bad label. */
        MANUAL_ROLLBACK(20),
        /**
         * A slow burn promoted, then rolled back by hand 20-120 minutes later with {@code release rollback}: two
         * records, the standalone rollback labelling the release known bad.
         */
        STANDALONE_ROLLBACK(20);

        private final int perMille;

        Archetype(int perMille) {
            this.perMille = perMille;
        }

        /** This archetype's share of the mix, per thousand releases. */
        public int perMille() {
            return perMille;
        }
    }

    /**
     * One generated release: its records (the release, then the standalone rollback of it when there is one) and
     * how it was scripted.
     *
     * @param index the release's number in the mix
     * @param archetype what it tells
     * @param canary whether it ran the canary plan 10 -> 50 -> 100 (else the runbook's single step)
     * @param records the records the engine wrote
     * @param script its parameters, in words
     */
    public record Release(int index, Archetype archetype, boolean canary, List<ReleaseRecord> records,
            String script) {

        /** Copies. */
        public Release {
            records = List.copyOf(records);
        }

        /** The release's own record. */
        public ReleaseRecord release() {
            return records.get(0);
        }
    }

    /**
     * What {@link #write} did.
     *
     * @param dir the directory of records
     * @param files record files in it
     * @param bytes their total size
     * @param reused true when the records were there already (nothing generated)
     * @param releases releases generated (a standalone rollback adds a second file to its release)
     * @param byArchetype releases per archetype
     * @param verifyFailures records whose recorded verdicts {@link Backtest#verify} did not reproduce (must be 0)
     * @param generation the wall time of the generation, zero when reused
     */
    public record Written(Path dir, int files, long bytes, boolean reused, int releases,
            Map<Archetype, Integer> byArchetype, int verifyFailures, Duration generation) {
    }

    /** The archetype of release {@code index}. */
    public static Archetype archetypeOf(int index) {
        int draw = random(index, 0).nextInt(1000);
        for (Archetype a : Archetype.values()) {
            if (draw < a.perMille) {
                return a;
            }
            draw -= a.perMille;
        }
        throw new AssertionError("the archetypes' shares add up to " + draw);
    }

    /**
     * Runs release {@code index} through the real engine and returns its records.
     *
     * @throws IllegalStateException if the engine did not tell the archetype's story far enough to make a record
     */
    public static Release release(int index) {
        Archetype archetype = archetypeOf(index);
        SplittableRandom rnd = random(index, 1);
        int app = index % APPS;
        int seq = index / APPS;
        String appName = String.format(Locale.ROOT, "svc-%02d", app);
        Instant start = EPOCH.plus(CADENCE.multipliedBy(seq)).plus(Duration.ofMinutes(3L * app));
        boolean canary = archetype != Archetype.STANDALONE_ROLLBACK && rnd.nextInt(100) < 30;
        World w = new World(appName, start, appName + "--r" + (seq + 1), appName + "--r" + (seq + 2), 1000 + index,
                archetype == Archetype.LOW_TRAFFIC ? 600 : logUniform(rnd, 300, 3000));
        Duration observed = canary ? Duration.ofMinutes(20) : Duration.ofMinutes(10);
        StringBuilder script = new StringBuilder(canary ? "canary 10/50/100" : "one step to 100%");
        script.append(String.format(Locale.ROOT, ", %.0f requests/min", w.rpm));
        List<Runnable> afterPromotion = new ArrayList<>();
        ReleasePipeline[] pipeline = new ReleasePipeline[1];

        switch (archetype) {
            case GOOD -> {
                double e = rnd.nextDouble(0.008);
                w.signals.revision(w.stable).errorRate(rnd.nextDouble(0.005));
                w.signals.revision(w.fresh).errorRate(e);
                script.append(String.format(Locale.ROOT, ", 5xx %.2f%%", e * 100));
            }
            case NOISY_GOOD -> {
                double e = 0.023 + rnd.nextDouble(0.012);
                w.signals.revision(w.stable).errorRate(e);
                w.signals.revision(w.fresh).errorRate(e);
                script.append(String.format(Locale.ROOT, ", 5xx %.2f%% (as stable)", e * 100));
            }
            case SLOW_BURN, STANDALONE_ROLLBACK -> {
                double from = 0.002 + rnd.nextDouble(0.004);
                double peak = 0.032 + rnd.nextDouble(0.014);
                slowBurn(w, observed, from, peak);
                script.append(String.format(Locale.ROOT, ", 5xx rising %.2f%% -> %.2f%%", from * 100, peak * 100));
                if (archetype == Archetype.STANDALONE_ROLLBACK) {
                    Duration later = Duration.ofMinutes(20 + rnd.nextInt(101));
                    script.append(", rolled back by hand ").append(later).append(" after");
                    afterPromotion.add(() -> w.clock.advance(later));
                }
            }
            case BROKEN -> {
                Duration at = DEPLOY_RUN.plus(fraction(observed, rnd.nextDouble(0.8)));
                if (rnd.nextBoolean()) {
                    double e = 0.08 + rnd.nextDouble(0.22);
                    w.signals.revision(w.fresh).errorRateFrom(at, e);
                    script.append(String.format(Locale.ROOT, ", 5xx %.1f%% from t+%s", e * 100, at));
                } else {
                    w.smoke.failingFrom(w.fresh, at);
                    script.append(", smoke failing from t+").append(at);
                }
            }
            case HEALTH_FLAP -> {
                boolean longFlap = rnd.nextInt(100) < 25;
                int flaps = longFlap ? 1 : 1 + rnd.nextInt(3);
                for (int k = 0; k < flaps; k++) {
                    Duration at = DEPLOY_RUN.plus(fraction(observed, (k + rnd.nextDouble(0.8)) / flaps));
                    Duration length = Duration.ofSeconds(longFlap ? 35 + rnd.nextInt(26) : 3 + rnd.nextInt(23));
                    w.probe.failingFor(w.fresh, at, length);
                    script.append(", health down ").append(length).append(" at t+").append(at);
                }
            }
            case LOW_TRAFFIC -> {
                double rpm = 4 + rnd.nextDouble(14);
                w.signals.revision(w.fresh).requestsPerMinuteFrom(DEPLOY_RUN, rpm);
                script.append(String.format(Locale.ROOT, ", new revision at %.1f requests/min", rpm));
                if (rnd.nextInt(100) < 30) {
                    Duration busy = DEPLOY_RUN.plus(observed).plus(Duration.ofSeconds(30 + rnd.nextInt(150)));
                    w.signals.revision(w.fresh).requestsPerMinuteFrom(busy, 600);
                    script.append(", 600/min from t+").append(busy);
                }
            }
            case MANUAL_ROLLBACK -> {
                Duration at = DEPLOY_RUN.plus(fraction(observed, 0.1 + rnd.nextDouble(0.8)));
                double e = 0.01 + rnd.nextDouble(0.025);
                w.signals.revision(w.fresh).errorRate(e);
                w.clock.scheduleAt(at, () -> pipeline[0].requestRollback("customers report failed checkouts"));
                script.append(String.format(Locale.ROOT, ", 5xx %.1f%%, stopped by hand at t+%s", e * 100, at));
            }
        }

        pipeline[0] = w.pipeline(canary);
        ReleaseResult result = pipeline[0].promote(ReleaseRequest.ofPullRequest(w.pr));
        List<ReleaseRecord> records = new ArrayList<>(2);
        records.add(result.record());
        if (!afterPromotion.isEmpty()) {
            afterPromotion.forEach(Runnable::run);
            RollbackResult undo = pipeline[0].rollback(RollbackRequest.toPrevious("orders failing since the release")
                    .forPullRequest(w.pr));
            records.add(w.evidence.read(w.app, undo.releaseId()).orElseThrow(() -> new IllegalStateException(
                    "release " + index + ": the standalone rollback wrote no record")));
        }
        return new Release(index, archetype, canary, records, script.toString());
    }

    /**
     * The records of releases {@code 0 .. releases-1} as files named as the file evidence store names them
     * ({@code YYYY-MM-DD-<app>-<releaseId>.json}, the record's JSON as the store writes it; the {@code .md} and
     * {@code .svg} twins are left out), generated on {@code threads} threads and checked with
     * {@link Backtest#verify} one by one. A directory written by the same generator version for the same count is
     * reused as it is; anything else there is replaced.
     *
     * @throws UncheckedIOException on an I/O failure
     */
    public static Written write(Path dir, int releases, int threads) {
        try {
            Path marker = dir.resolve(".generated");
            String stamp = "release-mix v" + VERSION + " releases=" + releases;
            if (Files.isRegularFile(marker) && Files.readString(marker).startsWith(stamp + "\n")) {
                return describe(dir, releases, true, Files.readString(marker), Duration.ZERO);
            }
            Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
            deleteTree(tmp);
            Files.createDirectories(tmp);
            long t0 = System.nanoTime();
            Map<Archetype, AtomicInteger> counts = new EnumMap<>(Archetype.class);
            for (Archetype a : Archetype.values()) {
                counts.put(a, new AtomicInteger());
            }
            AtomicInteger failures = new AtomicInteger();
            AtomicInteger next = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> workers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    workers.add(pool.submit(() -> {
                        for (int i = next.getAndIncrement(); i < releases; i = next.getAndIncrement()) {
                            Release r = release(i);
                            counts.get(r.archetype()).incrementAndGet();
                            for (ReleaseRecord record : r.records()) {
                                Determinism d = Backtest.verify(record);
                                if (d.status() == Determinism.Status.MISMATCH) {
                                    failures.incrementAndGet();
                                    System.err.println("determinism: " + d.detail());
                                }
                                Files.write(tmp.resolve(fileName(record)), EvidenceJson.toBytes(record));
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : workers) {
                    f.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while generating records", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("generating records failed: " + e.getCause(), e.getCause());
            } finally {
                pool.shutdownNow();
            }
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            StringBuilder m = new StringBuilder(stamp).append('\n').append("verifyFailures=").append(failures.get())
                    .append('\n').append("generationMillis=").append(took.toMillis()).append('\n');
            counts.forEach((a, n) -> m.append(a).append('=').append(n.get()).append('\n'));
            Files.writeString(tmp.resolve(".generated"), m);
            deleteTree(dir);
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            return describe(dir, releases, false, m.toString(), took);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the records under " + dir, e);
        }
    }

    /** The file name the file evidence store gives {@code record}. */
    public static String fileName(ReleaseRecord record) {
        return DAY.format(record.startedAt()) + "-" + record.app() + "-" + record.releaseId() + ".json";
    }

    private static Written describe(Path dir, int releases, boolean reused, String marker, Duration took)
            throws IOException {
        Map<Archetype, Integer> byArchetype = new EnumMap<>(Archetype.class);
        int failures = 0;
        for (String line : marker.split("\n")) {
            String[] kv = line.split("=", 2);
            if (kv.length == 2 && kv[0].equals("verifyFailures")) {
                failures = Integer.parseInt(kv[1]);
            } else if (kv.length == 2 && kv[0].equals("generationMillis") && reused) {
                took = Duration.ofMillis(Long.parseLong(kv[1]));
            } else if (kv.length == 2 && kv[0].matches("[A-Z_]+")) {
                byArchetype.put(Archetype.valueOf(kv[0]), Integer.parseInt(kv[1]));
            }
        }
        int files = 0;
        long bytes = 0;
        try (var listing = Files.newDirectoryStream(dir, "*.json")) {
            for (Path p : listing) {
                files++;
                bytes += Files.size(p);
            }
        }
        return new Written(dir, files, bytes, reused, releases, byArchetype, failures, took);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** 5xx rising linearly, in 30-second steps, from {@code from} when traffic moves to {@code peak} at the end. */
    private static void slowBurn(World w, Duration observed, double from, double peak) {
        long steps = observed.toSeconds() / 30;
        for (long k = 0; k <= steps; k++) {
            w.signals.revision(w.fresh).errorRateFrom(DEPLOY_RUN.plusSeconds(30 * k),
                    from + (peak - from) * k / steps);
        }
    }

    private static Duration fraction(Duration d, double f) {
        return Duration.ofMillis((long) (d.toMillis() * f));
    }

    private static double logUniform(SplittableRandom rnd, double lo, double hi) {
        return Math.rint(lo * Math.pow(hi / lo, rnd.nextDouble()));
    }

    private static SplittableRandom random(int index, int stream) {
        return new SplittableRandom(0x5EED_0000_0000L + index * 31L + stream);
    }

    /**
     * One app's world for one release, as {@code testkit.Simulation} builds it, with the app, its revisions, the
     * pull request, the start time and the traffic as parameters.
     */
    private static final class World {
        final String app;
        final String stable;
        final String fresh;
        final int pr;
        final double rpm;
        final VirtualClock clock;
        final FakeCi ci;
        final FakePlatform platform;
        final FakeEvidenceStore evidence;
        final FakeHealthSignals signals;
        final FakeSmokeCheck smoke;
        final FakeHealthProbe probe;

        World(String app, Instant start, String stable, String fresh, int pr, double rpm) {
            this.app = app;
            this.stable = stable;
            this.fresh = fresh;
            this.pr = pr;
            this.rpm = rpm;
            clock = new VirtualClock(start);
            ci = new FakeCi(clock).deploysOnlyUnder("backend");
            platform = new FakePlatform(app, clock).withRevision(stable, start.minus(CADENCE), true).serving(stable)
                    .deployRevisionOn(ci, () -> fresh);
            ci.pr(pr).title("Change #" + pr).body("## Summary\nA change.\n\n## Breaking changes\nNone\n")
                    .approvedBy("alice");
            Gates.DEFAULT_REQUIRED_CHECKS.forEach(name -> ci.pr(pr).checkPasses(name));
            ci.deployRunTakes(DEPLOY_RUN, DeployRun.Conclusion.SUCCESS);
            evidence = new FakeEvidenceStore().seed(FakeEvidenceStore.promotedRecord(app, "previous", stable,
                    start.minus(CADENCE).plus(Duration.ofMinutes(14))));
            signals = new FakeHealthSignals(clock).followTraffic(platform, rpm);
            smoke = new FakeSmokeCheck(clock);
            probe = new FakeHealthProbe(clock);
        }

        ReleasePipeline pipeline(boolean canary) {
            return ReleasePipeline.builder().platform(platform).ci(ci).evidence(evidence)
                    .incidents(new FakeIncidents()).healthSignals(signals).smokeCheck(smoke).healthProbe(probe)
                    .clock(clock).host("bench-host")
                    .trafficPlan(canary ? TrafficPlan.canary(10, 50, 100) : TrafficPlan.immediate()).build();
        }
    }
}
