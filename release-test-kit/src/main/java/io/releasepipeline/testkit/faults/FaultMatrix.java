package io.releasepipeline.testkit.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fault matrix: every provider call a release makes, times every {@link Fault}, each case in its own
 * {@link FaultWorld} in virtual time, each checked against every {@link Invariant}.
 *
 * <p>The calls are discovered, not listed: each {@link Scenario} runs once with no fault behind recording proxies, and
 * every call of its process (provider, method, occurrence) is a candidate site. Calls repeat (an observation reads
 * its signals every few seconds), so the matrix takes, for each provider method and each {@link Phase} it was called
 * in, its first and its last occurrence there: every call site the engine has, in every state the release passes
 * through, without a thousand copies of one health probe. Event deliveries to listeners are sites too, for
 * {@link Fault#ERROR} only (a listener is not a provider).
 *
 * <pre>{@code
 * MatrixReport report = FaultMatrix.builder().build().run();
 * System.out.println(report.summary());          // "fault matrix: 1234 cases, 0 invariant violations"
 * assertThat(report.failed()).isEmpty();
 * }</pre>
 *
 * <p>Immutable and thread-safe; {@link #run()} runs cases in parallel on its own threads.
 */
public final class FaultMatrix {

    /** How long a case may take in real time before it counts as hung: 30 seconds. */
    public static final Duration DEFAULT_CASE_TIMEOUT = Duration.ofSeconds(30);

    private final List<Scenario> scenarios;
    private final Set<Fault> faults;
    private final int parallelism;
    private final Duration caseTimeout;

    private FaultMatrix(Builder b) {
        this.scenarios = List.copyOf(b.scenarios);
        this.faults = Set.copyOf(b.faults);
        this.parallelism = b.parallelism;
        this.caseTimeout = b.caseTimeout;
    }

    /**
     * A builder: the {@link Scenario#canary()} and {@link Scenario#canaryGoesBad()} scenarios, every fault, as many
     * threads as processors, {@link #DEFAULT_CASE_TIMEOUT}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The calls the scenario's release makes with no fault, in order (its first process only).
     *
     * @param scenario the scenario to run without a fault
     * @return the calls the scenario's release makes with no fault, in order (its first process only)
     */
    public static List<ProviderCall> baseline(Scenario scenario) {
        CaseResult r = FaultWorld.of(scenario).run();
        return r.trace().stream().filter(c -> c.process() == 0).toList();
    }

    /**
     * The scenario's call sites: for each provider method and each phase it was called in, the first and the last
     * occurrence there, in call order.
     *
     * @param scenario the scenario to run without a fault
     * @return the scenario's call sites: for each provider method and each phase it was called in, the first and the
     *     last occurrence there, in call order
     */
    public static List<ProviderCall> callSites(Scenario scenario) {
        List<ProviderCall> calls = baseline(scenario);
        Map<String, List<Integer>> byMethodAndPhase = new LinkedHashMap<>();
        for (int i = 0; i < calls.size(); i++) {
            ProviderCall c = calls.get(i);
            byMethodAndPhase.computeIfAbsent(c.site().key() + "/" + c.phase(), k -> new ArrayList<>()).add(i);
        }
        java.util.SortedSet<Integer> picked = new java.util.TreeSet<>();
        for (List<Integer> indices : byMethodAndPhase.values()) {
            picked.add(indices.get(0));
            picked.add(indices.get(indices.size() - 1));
        }
        return picked.stream().map(calls::get).toList();
    }

    /**
     * The cases this matrix runs: every scenario's call sites times the faults that apply to them.
     *
     * @return the cases this matrix runs: every scenario's call sites times the faults that apply to them
     */
    public List<FaultCase> cases() {
        List<FaultCase> cases = new ArrayList<>();
        for (Scenario s : scenarios) {
            for (ProviderCall site : callSites(s)) {
                for (Fault f : Fault.values()) {
                    boolean listener = site.site().provider().equals("listener");
                    if (faults.contains(f) && (!listener || f == Fault.ERROR)) {
                        cases.add(new FaultCase(s, site.site(), f));
                    }
                }
            }
        }
        return cases;
    }

    /**
     * Runs every case, in parallel, and reports. Never throws for a case's failure; it is in the report.
     *
     * @return every case's result
     */
    public MatrixReport run() {
        List<FaultCase> cases = cases();
        java.io.PrintStream stderr = System.err;
        // Thousands of releases fail on purpose: their log lines (to stderr) would drown the report. Lines from the
        // matrix's own threads are dropped while it runs; every other thread's go through.
        System.setErr(new java.io.PrintStream(new QuietOnMatrixThreads(stderr), true));
        try {
            return runAll(cases);
        } finally {
            System.setErr(stderr);
        }
    }

    private MatrixReport runAll(List<FaultCase> cases) {
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "fault-matrix-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<CaseResult>> futures = new ArrayList<>();
            for (FaultCase c : cases) {
                futures.add(pool.submit(() -> FaultWorld.of(c.scenario()).inject(c.site(), c.fault()).run()));
            }
            List<CaseResult> results = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                results.add(await(cases.get(i), futures.get(i)));
            }
            return new MatrixReport(results);
        } finally {
            pool.shutdownNow();
        }
    }

    private CaseResult await(FaultCase c, Future<CaseResult> future) {
        try {
            return future.get(caseTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return broken(c, "did not finish within " + caseTimeout.toSeconds() + " s of real time (a real hang)");
        } catch (ExecutionException e) {
            return broken(c, "the harness failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return broken(c, "interrupted while waiting for the case");
        }
    }

    private static CaseResult broken(FaultCase c, String why) {
        return new CaseResult(c, Optional.empty(), Optional.empty(), why, false,
                List.of(new Violation(Invariant.CASE_COMPLETED, why)), List.of());
    }

    /** Drops what the matrix's threads write; passes everything else on. */
    private static final class QuietOnMatrixThreads extends java.io.OutputStream {
        private final java.io.PrintStream target;

        QuietOnMatrixThreads(java.io.PrintStream target) {
            this.target = target;
        }

        private static boolean quiet() {
            return Thread.currentThread().getName().startsWith("fault-matrix-");
        }

        @Override
        public void write(int b) {
            if (!quiet()) {
                target.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (!quiet()) {
                target.write(b, off, len);
            }
        }

        @Override
        public void flush() {
            target.flush();
        }
    }

    /** Builds a {@link FaultMatrix}. Not thread-safe. */
    public static final class Builder {
        private List<Scenario> scenarios = List.of(Scenario.canary(), Scenario.canaryGoesBad());
        private Set<Fault> faults = EnumSet.allOf(Fault.class);
        private int parallelism = Math.max(1, Runtime.getRuntime().availableProcessors());
        private Duration caseTimeout = DEFAULT_CASE_TIMEOUT;

        private Builder() {
        }

        /**
         * The releases to break. Default: a canary promoted and a canary rolled back.
         *
         * @param scenarios the releases to break
         * @return this builder
         */
        public Builder scenarios(List<Scenario> scenarios) {
            this.scenarios = List.copyOf(scenarios);
            return this;
        }

        /**
         * The faults to inject. Default: all.
         *
         * @param faults the faults to inject
         * @return this builder
         */
        public Builder faults(Set<Fault> faults) {
            this.faults = EnumSet.copyOf(faults);
            return this;
        }

        /**
         * How many cases run at once. Default: the number of processors.
         *
         * @param parallelism how many cases run at once
         * @return this builder
         */
        public Builder parallelism(int parallelism) {
            if (parallelism < 1) {
                throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
            }
            this.parallelism = parallelism;
            return this;
        }

        /**
         * How long one case may take in real time. Default {@link #DEFAULT_CASE_TIMEOUT}.
         *
         * @param timeout how long one case may take in real time
         * @return this builder
         */
        public Builder caseTimeout(Duration timeout) {
            this.caseTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * The matrix.
         *
         * @return the matrix
         */
        public FaultMatrix build() {
            if (scenarios.isEmpty() || faults.isEmpty()) {
                throw new IllegalArgumentException("a fault matrix needs at least one scenario and one fault");
            }
            return new FaultMatrix(this);
        }
    }
}
