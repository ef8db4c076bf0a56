package io.releasepipeline.testkit.faults;

import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleasePipelineBuilder;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.approval.ApiApprovals;
import io.releasepipeline.error.ProviderException;
import io.releasepipeline.error.ReleaseInterruptedException;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.EvidenceStore;
import io.releasepipeline.evidence.JournalEntry;
import io.releasepipeline.health.HealthProbe;
import io.releasepipeline.health.SmokeCheck;
import io.releasepipeline.spi.AlertSource;
import io.releasepipeline.spi.ApprovalProvider;
import io.releasepipeline.spi.CiProvider;
import io.releasepipeline.spi.HealthSignalProvider;
import io.releasepipeline.spi.IncidentProvider;
import io.releasepipeline.spi.PlatformProvider;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.testkit.Simulation;
import io.releasepipeline.traffic.TrafficPlan;
import io.releasepipeline.trigger.AlertInbox;
import io.releasepipeline.trigger.Triggers;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * One fault case's world, in virtual time: a {@link Simulation} (platform, CI, evidence store, signals, smoke check,
 * health probe, incidents) plus an approval provider and an alert source, each behind a recording, fault-injecting
 * proxy ({@link java.lang.reflect.Proxy}, so it follows the SPIs as they grow). The release's first process promotes
 * the {@link Scenario}'s request; the fault hits at its {@link CallSite}; after a kill or a lost lock, a fresh
 * pipeline on the same world resumes the release; then the {@link Invariant}s are checked.
 *
 * <pre>{@code
 * CaseResult r = FaultWorld.of(Scenario.canary())
 *         .inject(new CallSite("platform", "setTraffic", 1), Fault.INTERRUPT)
 *         .run();
 * assertThat(r.violations()).isEmpty();
 * }</pre>
 *
 * <p>Every side effect's proxy notes who held the app's lock at the call, and every call notes the release's
 * {@link Phase}, read from the platform and CI directly (not through the proxies). A process that made no call
 * through its proxies is not in the trace.
 *
 * <p>Not thread-safe: one world per case, run on one thread; cases run in parallel each with its own world.
 */
public final class FaultWorld {

    /** How long virtual time passes after a process died before another resumes it: any lease has expired. */
    public static final Duration STALE_AFTER = Duration.ofMinutes(10);
    /** The release id of the holder that takes a lost lock. */
    public static final String THIEF_RELEASE = "lock-thief";
    /** The host of the holder that takes a lost lock. */
    public static final String THIEF_HOST = "thief-host";

    private static final Set<String> METADATA = Set.of("providerName", "retriesOwnCalls", "appName", "repository",
            "canMoveTraffic");
    private static final Set<String> SIDE_EFFECTS = Set.of("ci.merge", "ci.comment", "ci.createDeployment",
            "ci.recordDeploymentStatus", "platform.activate", "platform.deactivate", "platform.setTraffic",
            "approvals.request");

    private final Scenario scenario;
    private final Simulation sim;
    private final ApiApprovals approvals;
    private final AlertInbox alerts;
    private final List<ProviderCall> trace = new ArrayList<>();
    private final Map<Integer, Process> processes = new HashMap<>();
    private final Map<CallSite, Consumer<FaultWorld>> hooks = new HashMap<>();
    private final List<Consumer<ReleaseEvent>> listeners = new ArrayList<>();
    private final Map<CallSite, Fault> armed = new java.util.LinkedHashMap<>();
    private final Set<CallSite> fired = new HashSet<>();
    private CallSite site;
    private Fault fault;
    private boolean injected;
    private ReleasePipeline first;
    private Phase phaseAtFault;
    private Instant faultAt;
    private String releaseId;

    private FaultWorld(Scenario scenario) {
        this.scenario = scenario;
        this.sim = new Simulation(false);
        scenario.script().accept(sim);
        this.releaseId = scenario.request().releaseId().orElse(null);
        this.approvals = new ApiApprovals(sim.clock, question -> sim.clock.schedule(Duration.ofMinutes(2),
                () -> approvals().approve(question.releaseId(), question.weight(), "bob", "looks good")));
        this.alerts = new AlertInbox(sim.clock);
    }

    /**
     * A world for {@code scenario}, no fault armed yet.
     *
     * @param scenario the scenario the world runs
     * @return a world for {@code scenario}, no fault armed yet
     */
    public static FaultWorld of(Scenario scenario) {
        return new FaultWorld(scenario);
    }

    /**
     * Arms {@code fault} at {@code site} of the release's first process. Returns this world.
     *
     * @param site where the fault strikes
     * @param fault what goes wrong there
     * @return this {@code FaultWorld}, for chaining
     */
    public FaultWorld inject(CallSite site, Fault fault) {
        this.site = site;
        this.fault = fault;
        armed.put(site, fault);
        return this;
    }

    /**
     * Arms a second fault, after the case's own (which {@link #inject} set): for stories where two things go wrong
     * (the journal fails, then the process dies). The case is still named and tabled by its own fault; a second fault
     * whose call is never reached is not an error. Returns this world.
     *
     * @param site where the second fault strikes
     * @param fault what goes wrong there
     * @return this {@code FaultWorld}, for chaining
     */
    public FaultWorld also(CallSite site, Fault fault) {
        armed.putIfAbsent(site, fault);
        return this;
    }

    /**
     * Asks the release's first process to roll back (the in-JVM cancel: what the CLI's SIGINT/SIGTERM handling
     * does), from a hook or a scheduled action. Returns whether a release was in flight.
     *
     * @param reason why, as a person would say it
     * @return whether a release was in flight
     */
    public boolean requestRollback(String reason) {
        return first != null && first.requestRollback(reason);
    }

    /**
     * Runs {@code action} just before the first process's call {@code site} (and before any fault there): to start a
     * contender, take a lock, change the world. Returns this world.
     *
     * @param site the call before which {@code action} runs
     * @param action what to do then
     * @return this {@code FaultWorld}, for chaining
     */
    public FaultWorld before(CallSite site, Consumer<FaultWorld> action) {
        hooks.put(site, action);
        return this;
    }

    /**
     * Adds a listener to every pipeline of this world, after the harness's own (a listener that throws, say).
     *
     * @param listener the extra listener
     * @return this {@code FaultWorld}, for chaining
     */
    public FaultWorld listener(Consumer<ReleaseEvent> listener) {
        listeners.add(listener);
        return this;
    }

    /**
     * The simulation: its clock and fakes.
     *
     * @return the simulation: its clock and fakes
     */
    public Simulation simulation() {
        return sim;
    }

    /**
     * The approval provider: approves each step two minutes after it is asked.
     *
     * @return the approval provider: approves each step two minutes after it is asked
     */
    public ApiApprovals approvals() {
        return approvals;
    }

    /**
     * The alert source armed as a rollback trigger: fire an alert to roll back.
     *
     * @return the alert source armed as a rollback trigger: fire an alert to roll back
     */
    public AlertInbox alerts() {
        return alerts;
    }

    /**
     * The release's id: the request's, or the one the first process announced.
     *
     * @return the release's id: the request's, or the one the first process announced
     */
    public Optional<String> releaseId() {
        return Optional.ofNullable(releaseId);
    }

    /**
     * Every call so far, in order.
     *
     * @return every call so far, in order
     */
    public List<ProviderCall> trace() {
        return List.copyOf(trace);
    }

    /**
     * A pipeline for process {@code process} (0 runs the release, 1 resumes it; use 2 and up for contenders), on this
     * world's providers behind recording proxies, with host {@code matrix-host-<process>}.
     *
     * @param process the process's number, from 0
     * @return a pipeline for process {@code process} (0 runs the release, 1 resumes it; use 2 and up for contenders),
     *     on this world's providers behind recording proxies, with host {@code matrix-host-<process>}
     */
    public ReleasePipeline pipeline(int process) {
        Process p = processes.computeIfAbsent(process, Process::new);
        Triggers triggers = Triggers.from(Triggers.runbookDefaults())
                .onAlerts(wrap(AlertSource.class, alerts, "alerts", p)).build();
        ReleasePipelineBuilder b = ReleasePipeline.builder()
                .platform(wrap(PlatformProvider.class, sim.platform, "platform", p))
                .ci(wrap(CiProvider.class, sim.ci, "ci", p))
                .evidence(wrap(EvidenceStore.class, sim.evidence, "evidence", p))
                .incidents(wrap(IncidentProvider.class, sim.incidents, "incidents", p))
                .healthSignals(wrap(HealthSignalProvider.class, sim.signals, "signals", p))
                .smokeCheck(wrap(SmokeCheck.class, sim.smoke, "smoke", p))
                .healthProbe(wrap(HealthProbe.class, sim.probe, "probe", p))
                .approvals(wrap(ApprovalProvider.class, approvals, "approvals", p))
                .rollbackTriggers(triggers)
                .trafficPlan(TrafficPlan.canary(10, 100).withApprovalBefore(100))
                .clock(sim.clock)
                .host(p.host)
                .listener(event -> onEvent(p, event));
        return scenario.configure().apply(b).build();
    }

    /**
     * Runs the case: the first process promotes; after a kill or a lost lock (and {@link #STALE_AFTER}), a fresh
     * pipeline resumes the release if it journaled anything; then every invariant is checked.
     *
     * @return the case's calls, outcome and invariant violations
     */
    public CaseResult run() {
        Process firstProcess = processes.computeIfAbsent(0, Process::new);
        ReleasePipeline pipeline = pipeline(0);
        first = pipeline;
        firstProcess.call(() -> pipeline.promote(scenario.request()));
        Process last = firstProcess;
        boolean resumed = false;
        if (firedAny(Fault.KILLED) || firedAny(Fault.LOCK_LOST)) {
            if (firedAny(Fault.LOCK_LOST)) {
                sim.evidence.breakLock(sim.platform.appName(), THIEF_RELEASE);
            }
            sim.clock.advance(STALE_AFTER);
            if (releaseId != null && !journal().isEmpty()) {
                Process second = processes.computeIfAbsent(1, Process::new);
                ReleasePipeline resumer = pipeline(1);
                second.call(() -> resumer.resume(releaseId));
                last = second;
                resumed = true;
            }
        }
        List<Violation> violations = new Invariants(this, firstProcess, last, resumed).check();
        return new CaseResult(new FaultCase(scenario, site == null ? new CallSite("none", "none", 1) : site,
                fault == null ? Fault.TRANSIENT : fault), Optional.ofNullable(phaseAtFault),
                last.result.map(ReleaseResult::outcome).or(() -> record().map(r -> r.outcome())),
                last.ending(), resumed, violations, trace);
    }

    // ------------------------------------------------------------------ what the invariants read

    Scenario scenario() {
        return scenario;
    }

    Optional<Fault> fault() {
        return Optional.ofNullable(fault);
    }

    Optional<CallSite> site() {
        return Optional.ofNullable(site);
    }

    boolean injected() {
        return injected;
    }

    /** Whether a fault of this kind (the case's own or a second one) hit the release. */
    boolean firedAny(Fault kind) {
        return fired.stream().anyMatch(s -> armed.get(s) == kind);
    }

    /** When (virtual time) the case's own fault hit, if it did. */
    Optional<Instant> faultAt() {
        return Optional.ofNullable(faultAt);
    }

    Optional<Phase> phaseAtFault() {
        return Optional.ofNullable(phaseAtFault);
    }

    List<JournalEntry> journal() {
        return releaseId == null ? List.of() : sim.evidence.journal(sim.platform.appName(), releaseId);
    }

    Optional<io.releasepipeline.evidence.ReleaseRecord> record() {
        return releaseId == null ? Optional.empty() : sim.evidence.read(sim.platform.appName(), releaseId);
    }

    /** The platform's traffic as it is, read from the fake directly (not through the proxies), zeros left out. */
    TrafficWeights traffic() {
        return sim.platform.currentWeights().map(TrafficWeights::withoutZeros)
                .orElseGet(() -> TrafficWeights.all(Simulation.STABLE));
    }

    boolean active(String revision) {
        return sim.platform.revision(revision).map(r -> r.active()).orElse(false);
    }

    Optional<io.releasepipeline.evidence.ReleaseLock> lock() {
        return sim.evidence.currentLock(sim.platform.appName());
    }

    boolean merged() {
        return sim.ci.isMerged(Simulation.PR);
    }

    Process process(int id) {
        return processes.get(id);
    }

    /** The ids of the processes that ran, in order. */
    List<Integer> processIds() {
        return processes.keySet().stream().sorted().toList();
    }

    // ------------------------------------------------------------------ the proxies

    @SuppressWarnings("unchecked")
    private <T> T wrap(Class<T> type, T delegate, String provider, Process p) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> provider + "(recorded: " + delegate + ")";
                };
            }
            if (METADATA.contains(method.getName())) {
                return invoke(delegate, method, args);
            }
            return intercept(p, provider, method.getName(), args, () -> invoke(delegate, method, args));
        };
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler);
    }

    private static Object invoke(Object delegate, Method method, Object[] args) throws Exception {
        try {
            return method.invoke(delegate, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw (Error) cause;
        }
    }

    private void onEvent(Process p, ReleaseEvent event) {
        try {
            intercept(p, "listener", event.getClass().getSimpleName(), new Object[0], () -> {
                if (event instanceof ReleaseEvent.ReleaseStarted s && p.id == 0 && releaseId == null) {
                    releaseId = s.releaseId();
                }
                if (event instanceof ReleaseEvent.RollbackStarted) {
                    p.rollingBack = true;
                }
                listeners.forEach(l -> l.accept(event));
                return null;
            });
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Object intercept(Process p, String provider, String method, Object[] args, Callable<Object> action)
            throws Exception {
        boolean listener = provider.equals("listener");
        if (p.dead) {
            throw new Killed("process " + p.id + " is dead; " + provider + "." + method + " never happens");
        }
        String key = provider + "." + method;
        int occurrence = p.counts.merge(key, 1, Integer::sum);
        CallSite here = new CallSite(provider, method, occurrence);
        Phase phase = phase(p);
        boolean sideEffect = SIDE_EFFECTS.contains(key);
        if (p.id == 0) {
            Consumer<FaultWorld> hook = hooks.remove(here);
            if (hook != null) {
                hook.accept(this);
            }
        }
        Fault f = p.id == 0 && !fired.contains(here) ? armed.get(here) : null;
        if (f != null) {
            fired.add(here);
            if (here.equals(site)) {
                injected = true;
                phaseAtFault = phase;
                faultAt = sim.clock.now();
            }
            if (f == Fault.LOCK_LOST) {
                stealLock();
            }
        }
        Optional<io.releasepipeline.evidence.ReleaseLock> lockNow = lock();
        String holder = sideEffect ? lockNow.map(io.releasepipeline.evidence.ReleaseLock::describe).orElse("nobody")
                : "";
        String holderOwner = lockNow.map(io.releasepipeline.evidence.ReleaseLock::owner).orElse("nobody");
        if (key.equals("evidence.tryLock") && args != null && args.length > 2
                && args[2] instanceof io.releasepipeline.evidence.LockOwner owner) {
            p.owners.add(owner.id());
        }
        String result = "ok";
        try {
            if (!listener && Thread.currentThread().isInterrupted()) {
                throw new ReleaseInterruptedException("interrupted: " + key + " fails at once on an interrupted "
                        + "thread", new InterruptedException());
            }
            if (f != null) {
                applyBefore(f, p, provider, method);
            }
            if (p.sticky.contains(key)) {
                throw ProviderException.permanent(provider, method, "injected permanent failure (403: the "
                        + "identity lacks the role)", null);
            }
            if (p.journalBroken && key.equals("evidence.appendJournal")) {
                throw ProviderException.permanent(provider, method, "injected journal failure: the journal "
                        + "refuses writes", null);
            }
            Object value = action.call();
            if (f == Fault.JOURNAL_FAILURE) {
                p.journalBroken = true;
            }
            if (f == Fault.KILLED) {
                p.dead = true;
                // A dead process's lock stays behind, stale: it renews nothing any more.
                sim.evidence.abandonLocks();
                throw new Killed("process " + p.id + " killed during " + here + ", after it took effect");
            }
            return value;
        } catch (Exception | Error e) {
            result = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + shorten(e.getMessage()));
            throw e;
        } finally {
            trace.add(new ProviderCall(p.id, here, listener ? "" : describe(args), phase, sideEffect, holder,
                    holderOwner, Optional.ofNullable(f), result));
        }
    }

    private void applyBefore(Fault f, Process p, String provider, String method) {
        String key = provider + "." + method;
        switch (f) {
            case TRANSIENT -> throw ProviderException.transientFailure(provider, method,
                    "injected transient failure (503)", null, null);
            case PERMANENT -> p.sticky.add(key);
            case ERROR -> throw new AssertionError("injected Error at " + key);
            case HANG -> {
                Thread release = p.thread;
                if (release != null && release != Thread.currentThread()) {
                    // Off the release's thread (an approval poll): the call blocks while the release's own thread
                    // drives the clock on, until its deadline has passed in virtual time. Advancing the clock from
                    // here would move time for the release thread while it waits for this very answer.
                    Instant deadline = sim.clock.now().plus(Fault.HANG_DEADLINE);
                    long giveUp = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                    while (sim.clock.now().isBefore(deadline) && System.nanoTime() < giveUp) {
                        if (Thread.currentThread().isInterrupted()) {
                            throw interruptedWhileHung(key);
                        }
                        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
                    }
                    throw hangTimedOut(provider, method);
                }
                // Time passes second by second while the call hangs, so that whatever else runs on the clock (another
                // thread observing) goes on; an interrupt ends the hang at once.
                for (long s = 0; s < Fault.HANG_DEADLINE.toSeconds(); s++) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw interruptedWhileHung(key);
                    }
                    sim.clock.advance(Duration.ofSeconds(1));
                }
                throw hangTimedOut(provider, method);
            }
            case INTERRUPT -> {
                Thread release = p.thread;
                if (release != null && release != Thread.currentThread()) {
                    // A call the engine makes off the release's thread (an approval poll): the cancel interrupts
                    // the release's thread, as shutdownNow() or the CLI's signal handling would, not the helper.
                    release.interrupt();
                    return;
                }
                Thread.currentThread().interrupt();
                throw new ReleaseInterruptedException("interrupted during " + key, new InterruptedException());
            }
            default -> {
                // JOURNAL_FAILURE and KILLED act after the call, LOCK_LOST before the proxy's checks.
            }
        }
    }

    private static ReleaseInterruptedException interruptedWhileHung(String key) {
        return new ReleaseInterruptedException("interrupted while " + key + " hung", new InterruptedException());
    }

    private static ProviderException hangTimedOut(String provider, String method) {
        return ProviderException.transientFailure(provider, method, "injected hang: no answer within its deadline of "
                + Fault.HANG_DEADLINE.toMinutes() + " minutes", null, null);
    }

    /** Someone else takes the release's lock: its lease expired and another process took over. */
    private void stealLock() {
        sim.evidence.takeOverLock(sim.platform.appName(), THIEF_RELEASE, THIEF_HOST, sim.clock.now());
    }

    private Phase phase(Process p) {
        if (p.rollingBack) {
            return Phase.ROLLING_BACK;
        }
        TrafficWeights w = traffic();
        if (w.isSplit()) {
            return Phase.TRAFFIC_SPLIT;
        }
        if (w.soleRevision().filter(r -> !r.equals(Simulation.STABLE)).isPresent()) {
            return Phase.AT_100;
        }
        return merged() ? Phase.MERGED : Phase.BEFORE_MERGE;
    }

    private static String describe(Object[] args) {
        if (args == null) {
            return "";
        }
        // The traffic a setTraffic call is given is what the engine knew, not what it asks for: left out, so that
        // the trace (and the invariants reading it) show the change alone.
        return shorten(Arrays.stream(args).filter(a -> !(a instanceof io.releasepipeline.spi.AppTraffic))
                .map(a -> a instanceof io.releasepipeline.evidence.JournalEntry j
                ? "#" + j.sequence() + " " + j.state() : a instanceof io.releasepipeline.evidence.ReleaseRecord r
                        ? r.releaseId() + " " + r.outcome() : String.valueOf(a))
                .collect(Collectors.joining(", ")));
    }

    private static String shorten(String s) {
        String oneLine = s.replace('\n', ' ');
        return oneLine.length() <= 100 ? oneLine : oneLine.substring(0, 97) + "...";
    }

    /** The process died: nothing in the engine should handle this. */
    private static final class Killed extends Error {
        private static final long serialVersionUID = 1L;

        Killed(String message) {
            super(message);
        }
    }

    /** One pipeline's process: its host, its counts, what happened to it, how its call ended. */
    final class Process {
        final int id;
        final String host;
        final Map<String, Integer> counts = new HashMap<>();
        final Set<String> sticky = new HashSet<>();
        /** The lock owners this process's pipeline presented to {@code tryLock}: one per run (promote, resume). */
        final Set<String> owners = new HashSet<>();
        boolean dead;
        boolean journalBroken;
        boolean rollingBack;
        Optional<ReleaseResult> result = Optional.empty();
        Optional<Throwable> thrown = Optional.empty();
        boolean interruptedAfter;
        /** The thread running the release (promote or resume); other calls come from the engine's helpers. */
        volatile Thread thread;

        Process(int id) {
            this.id = id;
            this.host = "matrix-host-" + id;
        }

        void call(java.util.function.Supplier<ReleaseResult> body) {
            thread = Thread.currentThread();
            try {
                result = Optional.of(body.get());
            } catch (Throwable t) {
                thrown = Optional.of(t);
            }
            interruptedAfter = Thread.interrupted();
        }

        boolean killed() {
            return dead || thrown.filter(t -> t instanceof Killed).isPresent();
        }

        List<ProviderCall> calls() {
            return trace.stream().filter(c -> c.process() == id).toList();
        }

        String ending() {
            return result.map(r -> r.outcome().name())
                    .orElseGet(() -> thrown.map(t -> "threw " + t.getClass().getSimpleName() + ": "
                            + shorten(String.valueOf(t.getMessage()))).orElse("did not run"));
        }
    }
}
