package io.releasepipeline.bench;

import com.github.tomakehurst.wiremock.http.Request;
import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleasePipelineBuilder;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.RollbackRequest;
import io.releasepipeline.RollbackResult;
import io.releasepipeline.azure.ArmStandIn;
import io.releasepipeline.azure.ArmStub;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.gate.Gates;
import io.releasepipeline.spi.DeployRun;
import io.releasepipeline.testkit.FakeCi;
import io.releasepipeline.testkit.FakeEvidenceStore;
import io.releasepipeline.testkit.FakeHealthProbe;
import io.releasepipeline.testkit.FakeHealthSignals;
import io.releasepipeline.testkit.FakeIncidents;
import io.releasepipeline.testkit.FakeSmokeCheck;
import io.releasepipeline.testkit.VirtualClock;
import io.releasepipeline.traffic.TrafficPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * How many Azure Resource Manager requests a release and a rollback cost, and how soon after a trigger the traffic
 * PATCH leaves (issue 16). A real {@link ReleasePipeline} drives the real {@code ContainerAppsPlatform} over HTTPS
 * against release-azure's stateful Resource Manager stand-in ({@link ArmStandIn} on WireMock, revision lists in two
 * pages); CI, evidence, smoke check, health probe and health signals are the test kit's fakes, and the engine runs
 * on a {@link VirtualClock}, so only the Azure SDK's I/O takes real time.
 *
 * <p>Every {@link Scenario} runs once for each {@link Answer} the service gives a PATCH: 200 with the app, or 202 +
 * {@code Azure-AsyncOperation} with one InProgress poll before Succeeded. Requests are counted by {@link Kind} from
 * WireMock's request listener, between journal positions that an event listener on the pipeline marks
 * ({@link Span}). The SDK polls every 20 ms and the stand-in sends no {@code Retry-After}, so that a run takes
 * milliseconds; with {@code Retry-After: 1}, as the service often sends, every poll would wait a second.
 *
 * <p>Run: {@code ./mvnw -B -q -pl release-benchmarks -am package -DskipTests && java -cp
 * release-benchmarks/target/release-benchmarks.jar io.releasepipeline.bench.RoundTripBenchmark [runs]} (default 20
 * runs per scenario and answer, after a warm-up). Prints a Markdown table: requests by kind, total, and the wall
 * time from trigger to PATCH received, min / median over the runs.
 *
 * <p>Not thread-safe: one run at a time per instance. {@link #close()} stops the stand-in.
 */
public final class RoundTripBenchmark implements AutoCloseable {

    /** The revision serving before the release. */
    public static final String STABLE = "backend--r1";
    /** The revision the deploy run creates. */
    public static final String NEW = "backend--r2";
    /** The pull request released. */
    public static final int PR = 123;
    /** Revisions per Revisions_List page: with two revisions, the list takes two pages. */
    public static final int REVISION_PAGE_SIZE = 1;
    /** Runs per scenario and answer when no argument is given. */
    public static final int DEFAULT_RUNS = 20;
    /** Warm-up runs per scenario and answer, not measured. */
    public static final int WARM_UP_RUNS = 3;

    /** What is released or rolled back. */
    public enum Scenario {
        /** A one-step promotion (the default plan) that succeeds. */
        PROMOTION("one-step promotion"),
        /** A one-step promotion whose smoke check fails during observation: the engine rolls back. */
        ENGINE_ROLLBACK("one-step, smoke fails: engine rollback"),
        /** {@code rollback(toPrevious)} while the previous revision is still active. */
        STANDALONE_ROLLBACK_ACTIVE("standalone rollback, previous active"),
        /** {@code rollback(toPrevious)} after the previous revision was deactivated: activate first. */
        STANDALONE_ROLLBACK_INACTIVE("standalone rollback, previous inactive"),
        /** A canary 10 -> 50 -> 100 that passes every step. */
        CANARY("canary 10 -> 50 -> 100");

        private final String label;

        Scenario(String label) {
            this.label = label;
        }

        /**
         * The scenario as the table names it.
         *
         * @return the scenario as the table names it
         */
        public String label() {
            return label;
        }

        /**
         * Whether the scenario is a rollback (its spans run from the trigger) rather than a promotion.
         *
         * @return whether the scenario is a rollback
         */
        public boolean rollsBack() {
            return this == ENGINE_ROLLBACK || this == STANDALONE_ROLLBACK_ACTIVE
                    || this == STANDALONE_ROLLBACK_INACTIVE;
        }

        /**
         * The spans counted for this scenario, in table order.
         *
         * @return the spans counted for this scenario, in table order
         */
        public List<Span> spans() {
            return rollsBack() ? List.of(Span.TRIGGER_TO_RESTORED, Span.WHOLE_ROLLBACK)
                    : List.of(Span.AFTER_MERGE, Span.WHOLE_RELEASE);
        }
    }

    /** How the stand-in answers a traffic PATCH. */
    public enum Answer {
        /** 200 with the app. */
        OK_200("200"),
        /** 202 + {@code Azure-AsyncOperation}, one InProgress poll, then Succeeded (no {@code Retry-After}). */
        ACCEPTED_202("202, 1 InProgress poll");

        private final String label;

        Answer(String label) {
            this.label = label;
        }

        /**
         * The answer as the table names it.
         *
         * @return the answer as the table names it
         */
        public String label() {
            return label;
        }
    }

    /** A kind of request, from its method and path. */
    public enum Kind {
        /** GET of the Container App. */
        APP_GET("app GET"),
        /** One page of Revisions_List. */
        REVISION_LIST_PAGE("revision list page"),
        /** GET of one revision. */
        REVISION_GET("revision GET"),
        /** PATCH of the Container App. */
        PATCH("PATCH"),
        /** GET of a long-running operation's status. */
        OPERATION_POLL("operation poll"),
        /** POST of a revision's activate. */
        ACTIVATE("activate POST"),
        /** Anything else: metrics, alerts, deactivate. Not a control-plane request of the release's traffic. */
        OTHER("metrics/other");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /**
         * The kind as the table's column names it.
         *
         * @return the kind as the table's column names it
         */
        public String label() {
            return label;
        }

        /**
         * The kind of a request to the stand-in.
         *
         * @param method the HTTP method
         * @param url the request's path and query
         * @return its kind
         */
        public static Kind of(String method, String url) {
            String path = ArmStub.shortPath(url);
            if (path.startsWith(ArmStandIn.OPERATIONS_PATH)) {
                return method.equals("GET") ? OPERATION_POLL : OTHER;
            }
            if (path.isEmpty()) {
                return switch (method) {
                    case "GET" -> APP_GET;
                    case "PATCH" -> PATCH;
                    default -> OTHER;
                };
            }
            if (path.equals("/revisions") && method.equals("GET")) {
                return REVISION_LIST_PAGE;
            }
            if (path.matches("/revisions/[^/]+") && method.equals("GET")) {
                return REVISION_GET;
            }
            if (path.matches("/revisions/[^/]+/activate") && method.equals("POST")) {
                return ACTIVATE;
            }
            return OTHER;
        }
    }

    /** Where in a scenario requests are counted, between two events of the pipeline. */
    public enum Span {
        /** Promotion: from the merge (the {@code Merged} event) to the release's end ({@code ReleaseFinished}). */
        AFTER_MERGE("after the merge"),
        /** Promotion: from the call of {@code promote} to its return, gates included. */
        WHOLE_RELEASE("whole release"),
        /**
         * Rollback: from the trigger ({@code TriggerFired} when the engine's trigger fires, else
         * {@code RollbackStarted}) to the rollback's {@code TrafficShifted}: the time users spend on the bad revision.
         */
        TRIGGER_TO_RESTORED("trigger -> traffic restored"),
        /**
         * Rollback: from the trigger (a standalone rollback: the call of {@code rollback}, which reads the app and
         * the history before {@code RollbackStarted}) to {@code RollbackFinished}, smoke check of the target
         * included.
         */
        WHOLE_ROLLBACK("whole rollback");

        private final String label;

        Span(String label) {
            this.label = label;
        }

        /**
         * The span as the table names it.
         *
         * @return the span as the table names it
         */
        public String label() {
            return label;
        }
    }

    /**
     * Requests counted by kind.
     *
     * @param byKind how many of each kind, every kind present
     */
    public record Counts(Map<Kind, Integer> byKind) {

        /**
         * Copies; a kind absent counts 0.
         *
         * @param byKind how many of each kind
         */
        public Counts {
            EnumMap<Kind, Integer> all = new EnumMap<>(Kind.class);
            for (Kind k : Kind.values()) {
                all.put(k, byKind.getOrDefault(k, 0));
            }
            byKind = Collections.unmodifiableMap(all);
        }

        /**
         * The requests of {@code kind}.
         *
         * @param kind a kind
         * @return how many
         */
        public int of(Kind kind) {
            return byKind.get(kind);
        }

        /**
         * Every request counted.
         *
         * @return every request counted
         */
        public int total() {
            return byKind.values().stream().mapToInt(Integer::intValue).sum();
        }

        /**
         * The requests to the Container App and its revisions and operations: all but {@link Kind#OTHER}.
         *
         * @return the control-plane requests
         */
        public int controlPlane() {
            return total() - of(Kind.OTHER);
        }

        /**
         * Counts of {@code kinds}.
         *
         * @param kinds the kind of each request
         * @return their counts
         */
        static Counts of(List<Kind> kinds) {
            EnumMap<Kind, Integer> m = new EnumMap<>(Kind.class);
            kinds.forEach(k -> m.merge(k, 1, Integer::sum));
            return new Counts(m);
        }
    }

    /**
     * One run of a scenario.
     *
     * @param scenario what ran
     * @param answer how PATCHes were answered
     * @param outcome the release's outcome, or for a standalone rollback {@code ROLLED_BACK} when it succeeded
     * @param expectedOutcome whether {@code outcome} is the one the scenario is built for
     * @param finalTraffic the app's split at the end, as the stand-in holds it
     * @param counts requests per span of {@link Scenario#spans()}
     * @param triggerToPatchNanos rollbacks: wall time from the trigger's event to the PATCH's arrival
     * @param requests every request of the run, in order, as {@code METHOD path-below-the-app}
     */
    public record Run(Scenario scenario, Answer answer, ReleaseOutcome outcome, boolean expectedOutcome,
            Map<String, Integer> finalTraffic, Map<Span, Counts> counts, OptionalLong triggerToPatchNanos,
            List<String> requests) {

        /**
         * Copies.
         *
         * @param scenario what ran
         * @param answer how PATCHes were answered
         * @param outcome the outcome
         * @param expectedOutcome whether it is the expected one
         * @param finalTraffic the split at the end
         * @param counts requests per span
         * @param triggerToPatchNanos wall time from trigger to PATCH
         * @param requests every request of the run
         */
        public Run {
            finalTraffic = Collections.unmodifiableMap(new LinkedHashMap<>(finalTraffic));
            counts = Collections.unmodifiableMap(new EnumMap<>(counts));
            requests = List.copyOf(requests);
        }
    }

    /**
     * One line of the table: a span of a scenario under an answer, with the counts of the last run and the timing
     * over all runs.
     *
     * @param scenario the scenario
     * @param answer the answer
     * @param span the span
     * @param counts requests by kind (the same in every run, else {@code stable} is false)
     * @param stable whether every run counted the same
     * @param minNanos the fastest trigger to PATCH, or -1 for a span without one
     * @param medianNanos the median trigger to PATCH, or -1
     */
    public record Row(Scenario scenario, Answer answer, Span span, Counts counts, boolean stable, long minNanos,
            long medianNanos) {
    }

    private record Hit(Kind kind, String line, long nanos) {
    }

    private record Mark(ReleaseEvent event, int position, long nanos) {
    }

    private final ArmStandIn standIn = new ArmStandIn();
    private final ArmStub arm = standIn.serve();
    private final List<Hit> hits = Collections.synchronizedList(new ArrayList<>());

    /** Starts the Resource Manager stand-in on a loopback port. */
    public RoundTripBenchmark() {
        // Called once the stand-in has answered, before the answer is sent: the order is the client's order.
        arm.server.addMockServiceRequestListener((request, response) -> hits.add(hit(request)));
    }

    /**
     * Runs the benchmark and prints the table.
     *
     * @param args optionally the number of measured runs per scenario and answer (default 20)
     */
    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_RUNS;
        try (RoundTripBenchmark bench = new RoundTripBenchmark()) {
            List<Row> rows = bench.measure(runs, WARM_UP_RUNS);
            System.out.print(table(rows, runs, WARM_UP_RUNS));
            rows.stream().filter(r -> !r.stable()).forEach(r -> System.out.println("WARNING: the counts of "
                    + r.scenario().label() + " (" + r.answer().label() + ", " + r.span().label()
                    + ") differed between runs; the table shows the last run's"));
        }
    }

    /**
     * Every scenario under every answer: {@code warmUp} runs, then {@code runs} measured ones.
     *
     * @param runs measured runs per scenario and answer, at least 1
     * @param warmUp runs before, not measured
     * @return one row per scenario, answer and span, in table order
     * @throws IllegalStateException if a run ends with another outcome than its scenario's
     */
    public List<Row> measure(int runs, int warmUp) {
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be at least 1, not " + runs);
        }
        List<Row> rows = new ArrayList<>();
        for (Scenario scenario : Scenario.values()) {
            for (Answer answer : Answer.values()) {
                for (int i = 0; i < warmUp; i++) {
                    checked(run(scenario, answer));
                }
                List<Run> measured = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    measured.add(checked(run(scenario, answer)));
                }
                rows.addAll(rows(measured));
            }
        }
        return rows;
    }

    private static Run checked(Run run) {
        if (!run.expectedOutcome()) {
            throw new IllegalStateException(run.scenario().label() + " (" + run.answer().label() + ") ended "
                    + run.outcome() + " with traffic " + run.finalTraffic() + "; requests " + run.requests());
        }
        return run;
    }

    /**
     * The rows of {@code runs} of one scenario under one answer: the last run's counts, the timing of all.
     *
     * @param runs runs of the same scenario and answer, at least one
     * @return one row per span of the scenario
     */
    public static List<Row> rows(List<Run> runs) {
        Run last = runs.get(runs.size() - 1);
        long[] nanos = runs.stream().map(Run::triggerToPatchNanos).filter(OptionalLong::isPresent)
                .mapToLong(OptionalLong::getAsLong).sorted().toArray();
        List<Row> rows = new ArrayList<>();
        for (Span span : last.scenario().spans()) {
            Counts counts = last.counts().get(span);
            boolean stable = runs.stream().allMatch(r -> Objects.equals(r.counts().get(span), counts));
            boolean timed = span == Span.TRIGGER_TO_RESTORED && nanos.length > 0;
            rows.add(new Row(last.scenario(), last.answer(), span, counts, stable, timed ? nanos[0] : -1,
                    timed ? nanos[(nanos.length - 1) / 2] : -1));
        }
        return rows;
    }

    /**
     * The Markdown table of {@code rows}, with a note on how it was made.
     *
     * @param rows the rows, in order
     * @param runs measured runs per scenario and answer
     * @param warmUp warm-up runs before them
     * @return the table, ready to paste
     */
    public static String table(List<Row> rows, int runs, int warmUp) {
        StringBuilder out = new StringBuilder();
        out.append("Resource Manager requests per span (real ContainerAppsPlatform against the WireMock stand-in; "
                + "revision lists in pages of ").append(REVISION_PAGE_SIZE).append(" revision, so 2 pages; SDK poll "
                + "interval 20 ms, no Retry-After: with Retry-After: 1 every poll would wait 1 s). The trigger is "
                + "the engine's TriggerFired, or a standalone rollback's RollbackStarted; a standalone rollback's "
                + "whole span starts at the rollback() call, its reads of the app and the history included. "
                + "trigger -> PATCH: wall ms from the trigger's event to the PATCH reaching WireMock, min / median of ")
                .append(runs).append(" runs after ").append(warmUp).append(" warm-up runs.\n\n");
        out.append("| scenario | PATCH answer | span |");
        for (Kind k : Kind.values()) {
            out.append(' ').append(k.label()).append(" |");
        }
        out.append(" total | control plane | trigger -> PATCH ms (min / median) |\n|---|---|---|");
        out.append("---:|".repeat(Kind.values().length)).append("---:|---:|---:|\n");
        for (Row r : rows) {
            out.append("| ").append(r.scenario().label()).append(" | ").append(r.answer().label()).append(" | ")
                    .append(r.span().label()).append(" |");
            for (Kind k : Kind.values()) {
                out.append(' ').append(r.counts().of(k)).append(" |");
            }
            out.append(' ').append(r.counts().total()).append(" | ").append(r.counts().controlPlane()).append(" | ")
                    .append(r.minNanos() < 0 ? "-" : String.format(Locale.ROOT, "%.1f / %.1f", r.minNanos() / 1e6,
                            r.medianNanos() / 1e6))
                    .append(r.stable() ? "" : " (counts varied)").append(" |\n");
        }
        return out.toString();
    }

    /**
     * Runs {@code scenario} once with PATCHes answered as {@code answer}, on a fresh stand-in state and a fresh
     * pipeline.
     *
     * @param scenario what to run
     * @param answer how the stand-in answers PATCHes
     * @return what it cost and how it ended
     */
    public Run run(Scenario scenario, Answer answer) {
        VirtualClock clock = new VirtualClock();
        boolean async = answer == Answer.ACCEPTED_202;
        standIn.reset().revisionPageSize(REVISION_PAGE_SIZE).asyncPatches(async).inProgressPolls(async ? 1 : 0)
                .revision(STABLE, clock.now().minus(Duration.ofDays(1)), true).serving(STABLE);
        FakeCi ci = new FakeCi(clock);
        ci.pr(PR).title("Add quote currency").body("## Summary\nQuotes in EUR.\n\n## Breaking changes\nNone\n")
                .approvedBy("alice");
        Gates.DEFAULT_REQUIRED_CHECKS.forEach(name -> ci.pr(PR).checkPasses(name));
        ci.deployRunTakes(Duration.ofMinutes(4), DeployRun.Conclusion.SUCCESS);
        // The deploy run creates the new revision when it completes, in virtual time, active at 0% (Multiple mode).
        ci.onSuccessfulDeploy((sha, completesAt) -> clock.schedule(Duration.between(clock.now(), completesAt),
                () -> standIn.deploy(NEW, completesAt, "acr.example.io/backend:" + sha)));
        FakeEvidenceStore evidence = new FakeEvidenceStore().seed(FakeEvidenceStore.promotedRecord(ArmStub.APP,
                "pr100-previous", STABLE, clock.now().minus(Duration.ofHours(3))));
        FakeSmokeCheck smoke = new FakeSmokeCheck(clock);
        if (scenario == Scenario.ENGINE_ROLLBACK) {
            smoke.failing(NEW);
        }
        if (scenario == Scenario.STANDALONE_ROLLBACK_ACTIVE || scenario == Scenario.STANDALONE_ROLLBACK_INACTIVE) {
            // The last release promoted NEW two hours ago; STABLE is the previous good one.
            standIn.deploy(NEW, clock.now().minus(Duration.ofHours(3)), "acr.example.io/backend:abc1234");
            standIn.serving(NEW);
            if (scenario == Scenario.STANDALONE_ROLLBACK_INACTIVE) {
                arm.platform().build().deactivate(STABLE);
            }
            evidence.seed(FakeEvidenceStore.promotedRecord(ArmStub.APP, "pr122-r2", NEW,
                    clock.now().minus(Duration.ofHours(2))));
        }
        FakeHealthSignals signals = new FakeHealthSignals(clock);
        signals.revision(STABLE).requestsPerMinute(600);
        signals.revision(NEW).requestsPerMinute(600);
        List<Mark> marks = Collections.synchronizedList(new ArrayList<>());
        ReleasePipelineBuilder builder = ReleasePipeline.builder().platform(arm.platform().build()).ci(ci)
                .evidence(evidence).incidents(new FakeIncidents()).healthSignals(signals).smokeCheck(smoke)
                .healthProbe(new FakeHealthProbe(clock)).clock(clock).host("bench-host")
                .listener(event -> marks.add(new Mark(event, hits.size(), System.nanoTime())));
        if (scenario == Scenario.CANARY) {
            builder.trafficPlan(TrafficPlan.canary(10, 50, 100));
        }
        ReleasePipeline pipeline = builder.build();
        arm.server.resetRequests();
        hits.clear();

        ReleaseOutcome outcome;
        boolean expected;
        if (scenario.rollsBack() && scenario != Scenario.ENGINE_ROLLBACK) {
            RollbackResult result = pipeline.rollback(RollbackRequest.toPrevious("checkout is broken")
                    .forPullRequest(PR));
            outcome = result.succeeded() ? ReleaseOutcome.ROLLED_BACK : ReleaseOutcome.ROLLBACK_FAILED;
            expected = result.succeeded() && standIn.isActive(STABLE);
        } else {
            ReleaseResult result = pipeline.promote(ReleaseRequest.ofPullRequest(PR));
            outcome = result.outcome();
            expected = outcome == (scenario == Scenario.ENGINE_ROLLBACK ? ReleaseOutcome.ROLLED_BACK
                    : ReleaseOutcome.PROMOTED);
        }
        int end = hits.size();
        List<Hit> all;
        synchronized (hits) {
            all = List.copyOf(hits);
        }
        int journal = arm.server.getAllServeEvents().size();
        if (journal != all.size()) {
            throw new IllegalStateException("WireMock's journal holds " + journal + " requests, its listener saw "
                    + all.size());
        }
        Map<String, Integer> traffic = standIn.traffic();
        String served = scenario.rollsBack() ? STABLE : NEW;
        expected &= traffic.entrySet().stream().filter(e -> e.getValue() > 0).map(Map.Entry::getKey).toList()
                .equals(List.of(served)) && traffic.get(served) == 100;

        Map<Span, Counts> counts = new EnumMap<>(Span.class);
        OptionalLong triggerToPatch = OptionalLong.empty();
        if (scenario.rollsBack()) {
            Mark trigger = first(marks, 0, e -> e instanceof ReleaseEvent.TriggerFired
                    || e instanceof ReleaseEvent.RollbackStarted);
            int from = marks.indexOf(trigger);
            Mark restored = first(marks, from, e -> e instanceof ReleaseEvent.TrafficShifted);
            Mark finished = first(marks, from, e -> e instanceof ReleaseEvent.RollbackFinished);
            counts.put(Span.TRIGGER_TO_RESTORED, count(all, trigger.position(), restored.position()));
            int wholeFrom = scenario == Scenario.ENGINE_ROLLBACK ? trigger.position() : 0;
            counts.put(Span.WHOLE_ROLLBACK, count(all, wholeFrom, finished.position()));
            for (int i = trigger.position(); i < all.size(); i++) {
                if (all.get(i).kind() == Kind.PATCH) {
                    triggerToPatch = OptionalLong.of(all.get(i).nanos() - trigger.nanos());
                    break;
                }
            }
        } else {
            Mark merged = first(marks, 0, e -> e instanceof ReleaseEvent.Merged);
            Mark finished = first(marks, 0, e -> e instanceof ReleaseEvent.ReleaseFinished);
            counts.put(Span.AFTER_MERGE, count(all, merged.position(), finished.position()));
            counts.put(Span.WHOLE_RELEASE, count(all, 0, end));
        }
        return new Run(scenario, answer, outcome, expected, traffic, counts, triggerToPatch,
                all.stream().map(Hit::line).toList());
    }

    private static Hit hit(Request request) {
        String method = request.getMethod().getName();
        return new Hit(Kind.of(method, request.getUrl()), method + " " + ArmStub.shortPath(request.getUrl()),
                System.nanoTime());
    }

    private static Mark first(List<Mark> marks, int from, Predicate<ReleaseEvent> which) {
        return marks.subList(from, marks.size()).stream().filter(m -> which.test(m.event())).findFirst()
                .orElseThrow(() -> new IllegalStateException("no such event after mark " + from + " among "
                        + marks.stream().map(m -> m.event().getClass().getSimpleName()).toList()));
    }

    private static Counts count(List<Hit> hits, int from, int to) {
        return Counts.of(hits.subList(from, to).stream().map(Hit::kind).toList());
    }

    /** Stops the stand-in. */
    @Override
    public void close() {
        arm.close();
    }
}
