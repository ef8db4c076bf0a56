package io.releasepipeline.testkit;

import io.releasepipeline.spi.AppTraffic;
import io.releasepipeline.spi.PlatformProvider;
import io.releasepipeline.spi.Revision;
import io.releasepipeline.spi.RevisionMode;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.time.ClockAware;
import io.releasepipeline.time.ReleaseClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * An in-memory Container App: revisions, a revision mode (default {@link RevisionMode#MULTIPLE}) and a traffic
 * split, scripted in virtual time. It validates like the real platform: traffic goes only to existing, active
 * revisions, sums to 100, and cannot be split in {@link RevisionMode#SINGLE} mode; a revision with traffic cannot
 * be deactivated.
 *
 * <pre>{@code
 * FakePlatform platform = new FakePlatform(clock).serving("v1");   // v1 active at 100%
 * platform.deployRevisionOn(ci);                                    // the next successful deploy run creates v2
 * platform.revisionBecomesReadyAfter("v2", Duration.ofSeconds(90));
 * platform.failNext("setTraffic", 2, true);                         // the platform answers 429 twice
 * assertThat(platform.trafficHistory()).containsExactly(TrafficWeights.split("v1", "v2", 10),
 * TrafficWeights.all("v2")); }</pre>
 *
 * <p>Revision states are computed when read, from the clock: a revision scripted to become ready after 90 s
 * reports {@code PROVISIONING}/{@code PROCESSING} until 90 s after its creation, then
 * {@code PROVISIONED}/{@code RUNNING}/{@code HEALTHY}. Inactive revisions report {@code STOPPED}.
 *
 * <p>Operations for {@link #failNext}: {@code listRevisions, revision, traffic, activate, deactivate, setTraffic}.
 * {@link #calls()} logs {@code activate(v)}, {@code deactivate(v)} and {@code setTraffic(v1=90%, v2=10%)}.
 * Thread-safe.
 */
public final class FakePlatform extends ScriptedFake implements PlatformProvider, ClockAware {

    /** The app's name unless told otherwise: the runbook's app. */
    public static final String DEFAULT_APP = "trade-nexus-backend";

    private static final Set<String> OPERATIONS =
            Set.of("listRevisions", "revision", "traffic", "activate", "deactivate", "setTraffic");
    private static final Duration SCRIPTED_REVISIONS_AGE = Duration.ofDays(1);

    private enum Readiness { READY_AFTER, NEVER, FAILS }

    private record Script(Readiness readiness, Duration after) { }

    private static final Script READY = new Script(Readiness.READY_AFTER, Duration.ZERO);

    private record Rev(String name, Instant createdAt, boolean active, Optional<String> image) { }

    private record PendingDeploy(String commitSha, Instant completesAt) { }

    /**
     * The split in place from an instant on.
     *
     * @param at when the split took effect
     * @param weights the split
     */
    public record TrafficAt(Instant at, TrafficWeights weights) { }

    private final String app;
    private final ReleaseClock clock;
    private final Map<String, Rev> revisions = new LinkedHashMap<>();
    private final Map<String, Script> scripts = new HashMap<>();
    private final List<PendingDeploy> pendingDeploys = new ArrayList<>();
    private final List<TrafficWeights> trafficHistory = new ArrayList<>();
    private final List<TrafficAt> trafficTimeline = new ArrayList<>();
    private RevisionMode mode = RevisionMode.MULTIPLE;
    private boolean movesTrafficInSingleMode = true;
    private TrafficWeights weights;
    private Duration newRevisionsReadyAfter = Duration.ZERO;
    private Supplier<String> revisionNames;
    private int scriptedRevisions;

    /**
     * A platform for {@link #DEFAULT_APP} on {@code clock}, with no revision yet.
     *
     * @param clock the clock revisions' times follow
     */
    public FakePlatform(ReleaseClock clock) {
        this(DEFAULT_APP, clock);
    }

    /**
     * A platform for {@code app} on {@code clock}, with no revision yet.
     *
     * @param app the app's name
     * @param clock the clock revisions' times follow
     */
    public FakePlatform(String app, ReleaseClock clock) {
        super("fake-platform", OPERATIONS);
        this.app = Objects.requireNonNull(app, "app");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The clock this fake's revision states and deploys are computed from: the pipeline must run on it
     * ({@code .clock(clock)}), which its {@code build()} checks.
     *
     * @return the clock given at construction
     */
    @Override
    public ReleaseClock clock() {
        return clock;
    }

    // ---------------------------------------------------------------- scripting

    /**
     * Sets the revision mode, e.g. {@code platform.revisionMode(RevisionMode.SINGLE)}.
     *
     * @param revisionMode single or multiple revisions
     * @return this {@code FakePlatform}, for chaining
     */
    public synchronized FakePlatform revisionMode(RevisionMode revisionMode) {
        this.mode = Objects.requireNonNull(revisionMode, "revisionMode");
        return this;
    }

    /**
     * Whether {@link #setTraffic} may move all traffic to another revision in {@link RevisionMode#SINGLE} mode
     * (default true). False behaves like Azure Container Apps without {@code switchToMultipleRevisionMode}:
     * {@link #canMoveTraffic} answers false for Single mode and {@code setTraffic} refuses any change there (HTTP
     * 400) while still accepting the split in place. Example: {@code platform.movesTrafficInSingleMode(false)}.
     *
     * @param moves whether {@link #setTraffic} may move all traffic to another revision in {@link RevisionMode#SINGLE}
     *     mode (default true)
     * @return this {@code FakePlatform}, for chaining
     */
    public synchronized FakePlatform movesTrafficInSingleMode(boolean moves) {
        this.movesTrafficInSingleMode = moves;
        return this;
    }

    /** {@inheritDoc} True in Multiple mode; in Single mode as set by {@link #movesTrafficInSingleMode}. */
    @Override
    public synchronized boolean canMoveTraffic(RevisionMode revisionMode) {
        return revisionMode == RevisionMode.MULTIPLE || movesTrafficInSingleMode;
    }

    /**
     * Adds a ready revision created before the test began (a day before the clock's time, one second apart in
     * scripting order, so older scripts are older revisions): {@code platform.withRevision("v0", false)}.
     *
     * @param name the revision's name
     * @param active whether it is active (can take traffic)
     * @return this {@code FakePlatform}, for chaining
     */
    public synchronized FakePlatform withRevision(String name, boolean active) {
        Instant createdAt = clock.now().minus(SCRIPTED_REVISIONS_AGE).plusSeconds(scriptedRevisions++);
        return withRevision(name, createdAt, active);
    }

    /**
     * Adds a ready revision created at {@code createdAt}: {@code platform.withRevision("v0", t0, true)}.
     *
     * @param name the revision's name
     * @param createdAt when it was created
     * @param active whether it is active (can take traffic)
     * @return this {@code FakePlatform}, for chaining
     */
    public synchronized FakePlatform withRevision(String name, Instant createdAt, boolean active) {
        if (revisions.containsKey(name)) {
            throw new IllegalArgumentException("revision " + name + " already exists");
        }
        revisions.put(name, new Rev(name, createdAt, active, Optional.of(image(name))));
        return this;
    }

    /**
     * A stable revision serving 100%: adds it (as {@link #withRevision(String, boolean)}) unless it exists,
     * activates it and puts all traffic on it, without logging a call: {@code new FakePlatform(clock).serving("v1")}.
     *
     * @param name the revision's name
     * @return a stable revision serving 100%: adds it (as {@link #withRevision(String, boolean)}) unless it exists,
     *     activates it and puts all traffic on it, without logging a call: {@code new
     *     FakePlatform(clock).serving("v1")}
     */
    public synchronized FakePlatform serving(String name) {
        if (!revisions.containsKey(name)) {
            withRevision(name, true);
        }
        revisions.computeIfPresent(name, (n, r) -> new Rev(n, r.createdAt(), true, r.image()));
        return withTraffic(TrafficWeights.all(name));
    }

    /**
     * Puts a split in place without logging a call (the revisions must exist and be active):
     * {@code platform.withTraffic(TrafficWeights.split("v1", "v2", 10))}.
     *
     * @param split the weights, adding up to 100
     * @return this {@code FakePlatform}, for chaining
     */
    public synchronized FakePlatform withTraffic(TrafficWeights split) {
        String problem = problemWith(split);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        putTraffic(split, clock.now());
        return this;
    }

    /**
     * Lets {@code ci}'s successful deploy runs create a revision here when they complete, named {@code v<n+1>}
     * for an app with {@code n} revisions (so after {@code serving("v1")} the first deploy creates {@code v2}).
     * In {@link RevisionMode#SINGLE} mode the new revision takes 100% of the traffic itself and the others are
     * deactivated; in {@link RevisionMode#MULTIPLE} mode it is created active at 0% (the engine shifts traffic).
     * Example: {@code platform.deployRevisionOn(ci)}.
     *
     * @param ci the fake CI whose deploy runs create revisions
     * @return this {@code FakePlatform}, for chaining
     */
    public FakePlatform deployRevisionOn(FakeCi ci) {
        ci.onSuccessfulDeploy(this::deployAt);
        return this;
    }

    /**
     * As {@link #deployRevisionOn(FakeCi)}, naming new revisions from {@code names}: {@code () -> "v2-canary"}.
     *
     * @param ci the fake CI whose deploy runs create revisions
     * @param names gives each new revision's name
     * @return this {@code FakePlatform}, for chaining
     */
    public FakePlatform deployRevisionOn(FakeCi ci, Supplier<String> names) {
        synchronized (this) {
            this.revisionNames = Objects.requireNonNull(names, "names");
        }
        return deployRevisionOn(ci);
    }

    /**
     * A deploy of {@code commitSha} creates a new revision at {@code completesAt} (see {@link #deployRevisionOn}):
     * {@code platform.deployAt("abc123", clock.at(Duration.ofMinutes(4)))}. Called by {@link FakeCi} on merge.
     *
     * @param commitSha the deployed commit
     * @param completesAt when the revision is created
     */
    public synchronized void deployAt(String commitSha, Instant completesAt) {
        pendingDeploys.add(new PendingDeploy(commitSha, completesAt));
        pendingDeploys.sort(Comparator.comparing(PendingDeploy::completesAt));
    }

    /**
     * Revisions created by deploys become ready this long after their creation; default at once.
     *
     * @param delay from creation to ready, zero or positive
     * @return this {@code FakePlatform}, for chaining
     */
    public synchronized FakePlatform newRevisionsBecomeReadyAfter(Duration delay) {
        this.newRevisionsReadyAfter = notNegative(delay);
        return this;
    }

    /**
     * Revision {@code name} (existing or future) becomes ready {@code delay} after its creation.
     *
     * @param name the revision's name
     * @param delay from creation to ready, zero or positive
     * @return this {@code FakePlatform}, for chaining
     */
    public synchronized FakePlatform revisionBecomesReadyAfter(String name, Duration delay) {
        scripts.put(name, new Script(Readiness.READY_AFTER, notNegative(delay)));
        return this;
    }

    /**
     * Revision {@code name} stays {@code PROVISIONING}/{@code PROCESSING} forever, never failing either.
     *
     * @param name the revision's name
     * @return this {@code FakePlatform}, for chaining
     */
    public synchronized FakePlatform revisionNeverReady(String name) {
        scripts.put(name, new Script(Readiness.NEVER, Duration.ZERO));
        return this;
    }

    /**
     * Revision {@code name} reports {@code FAILED} provisioning and running and {@code UNHEALTHY} health.
     *
     * @param name the revision's name
     * @return this {@code FakePlatform}, for chaining
     */
    public synchronized FakePlatform revisionFails(String name) {
        scripts.put(name, new Script(Readiness.FAILS, Duration.ZERO));
        return this;
    }

    // ---------------------------------------------------------------- inspection (never counted)

    /**
     * Every split accepted by {@link #setTraffic}, in order (seeded splits and Single-mode deploys excluded).
     *
     * @return every split accepted by {@link #setTraffic}, in order (seeded splits and Single-mode deploys excluded)
     */
    public synchronized List<TrafficWeights> trafficHistory() {
        return List.copyOf(trafficHistory);
    }

    /**
     * Every split in place over time, seeded ones and Single-mode deploys included; for health signals.
     *
     * @return every split in place over time, seeded ones and Single-mode deploys included; for health signals
     */
    public synchronized List<TrafficAt> trafficTimeline() {
        catchUp();
        return List.copyOf(trafficTimeline);
    }

    /**
     * The split in place now, without counting a call; empty before any revision serves.
     *
     * @return the split in place now, without counting a call; empty before any revision serves
     */
    public synchronized Optional<TrafficWeights> currentWeights() {
        catchUp();
        return Optional.ofNullable(weights);
    }

    /**
     * The split in place at {@code at}, from {@link #trafficTimeline()}; empty before the first split.
     *
     * @param at the instant asked about
     * @return the split in place at {@code at}, from {@link #trafficTimeline()}; empty before the first split
     */
    public synchronized Optional<TrafficWeights> weightsAt(Instant at) {
        catchUp();
        TrafficWeights found = null;
        for (TrafficAt t : trafficTimeline) {
            if (t.at().isAfter(at)) {
                break;
            }
            found = t.weights();
        }
        return Optional.ofNullable(found);
    }

    /**
     * Revision names in creation order, without counting a call.
     *
     * @return the revisions' names, oldest first
     */
    public synchronized List<String> revisionNames() {
        catchUp();
        return revisions.values().stream().sorted(Comparator.comparing(Rev::createdAt)).map(Rev::name).toList();
    }

    // ---------------------------------------------------------------- SPI

    @Override
    public String appName() {
        return app;
    }

    @Override
    public synchronized List<Revision> listRevisions() {
        call("listRevisions");
        catchUp();
        Instant now = clock.now();
        List<Revision> all = new ArrayList<>(revisions.size());
        for (Rev r : revisions.values()) {
            all.add(view(r, now));
        }
        return all;
    }

    @Override
    public synchronized Optional<Revision> revision(String name) {
        call("revision");
        catchUp();
        Rev r = revisions.get(name);
        return r == null ? Optional.empty() : Optional.of(view(r, clock.now()));
    }

    @Override
    public synchronized AppTraffic traffic() {
        call("traffic");
        return appTraffic();
    }

    /** The app's traffic now, without counting a call. */
    private AppTraffic appTraffic() {
        catchUp();
        if (weights == null) {
            throw refused("traffic", 404, "app " + app + " has no revision serving yet (script serving(...) first)");
        }
        Instant now = clock.now();
        Optional<String> latest = Optional.empty();
        Optional<String> latestReady = Optional.empty();
        Instant latestAt = Instant.MIN;
        Instant latestReadyAt = Instant.MIN;
        for (Rev r : revisions.values()) {
            if (r.createdAt().isAfter(latestAt)) {
                latestAt = r.createdAt();
                latest = Optional.of(r.name());
            }
            if (r.createdAt().isAfter(latestReadyAt) && view(r, now).isReady()) {
                latestReadyAt = r.createdAt();
                latestReady = Optional.of(r.name());
            }
        }
        return new AppTraffic(mode, weights, latest, latestReady);
    }

    @Override
    public synchronized void activate(String revision) {
        call("activate", "activate(" + revision + ")");
        catchUp();
        Rev r = require("activate", revision);
        revisions.put(revision, new Rev(r.name(), r.createdAt(), true, r.image()));
        applied("activate");
    }

    @Override
    public synchronized void deactivate(String revision) {
        call("deactivate", "deactivate(" + revision + ")");
        catchUp();
        Rev r = require("deactivate", revision);
        if (weights != null && weights.weightOf(revision) > 0) {
            throw refused("deactivate", 400, "revision " + revision + " still receives " + weights.weightOf(revision)
                    + "% of traffic; move its traffic first");
        }
        revisions.put(revision, new Rev(r.name(), r.createdAt(), false, r.image()));
        applied("deactivate");
    }

    /**
     * {@inheritDoc} Answers the app's traffic as it stands after the change (without counting a {@code traffic}
     * call), as a platform that answers a change with the app does: a scripted fault that drops the change shows in
     * the answer.
     */
    @Override
    public synchronized AppTraffic setTraffic(TrafficWeights split) {
        call("setTraffic", "setTraffic(" + split + ")");
        catchUp();
        String problem = problemWith(split);
        if (problem == null && !canMoveTraffic(mode) && (weights == null
                || !weights.withoutZeros().equals(split.withoutZeros()))) {
            problem = "app " + app + " is in Single revision mode, where the newest revision takes all traffic and "
                    + "weights cannot be set; switch it to Multiple mode";
        }
        if (problem != null) {
            throw refused("setTraffic", 400, problem);
        }
        trafficHistory.add(split);
        putTraffic(split, clock.now());
        applied("setTraffic");
        return appTraffic();
    }

    @Override
    public synchronized String toString() {
        return "FakePlatform[" + app + ", " + mode + ", " + revisions.keySet() + ", " + weights + "]";
    }

    // ---------------------------------------------------------------- internals

    private String problemWith(TrafficWeights split) {
        if (mode == RevisionMode.SINGLE && split.isSplit()) {
            return "app " + app + " is in Single revision mode: traffic cannot be split (" + split + ")";
        }
        for (String name : split.weights().keySet()) {
            Rev r = revisions.get(name);
            if (r == null) {
                return "revision " + name + " of app " + app + " does not exist";
            }
            if (!r.active()) {
                return "revision " + name + " of app " + app + " is not active; activate it first";
            }
        }
        return null;
    }

    private void putTraffic(TrafficWeights split, Instant at) {
        weights = split;
        trafficTimeline.add(new TrafficAt(at, split));
    }

    private Rev require(String operation, String revision) {
        Rev r = revisions.get(revision);
        if (r == null) {
            throw refused(operation, 404, "revision " + revision + " of app " + app + " does not exist");
        }
        return r;
    }

    /** Creates the revisions of deploys that completed by now, at their completion time. */
    private void catchUp() {
        Instant now = clock.now();
        while (!pendingDeploys.isEmpty() && !pendingDeploys.get(0).completesAt().isAfter(now)) {
            PendingDeploy d = pendingDeploys.remove(0);
            String name = nextRevisionName();
            scripts.putIfAbsent(name, new Script(Readiness.READY_AFTER, newRevisionsReadyAfter));
            revisions.put(name, new Rev(name, d.completesAt(), true, Optional.of(image(d.commitSha()))));
            if (mode == RevisionMode.SINGLE) {
                revisions.replaceAll((n, r) -> new Rev(n, r.createdAt(), n.equals(name), r.image()));
            }
            if (mode == RevisionMode.SINGLE || weights == null) {
                putTraffic(TrafficWeights.all(name), d.completesAt());
            }
        }
    }

    private String nextRevisionName() {
        if (revisionNames != null) {
            String name = revisionNames.get();
            if (revisions.containsKey(name)) {
                throw new IllegalStateException("the revision name supplier repeated " + name);
            }
            return name;
        }
        int n = revisions.size() + 1;
        while (revisions.containsKey("v" + n)) {
            n++;
        }
        return "v" + n;
    }

    private Revision view(Rev r, Instant now) {
        Script s = scripts.getOrDefault(r.name(), READY);
        int weight = weights == null ? 0 : weights.weightOf(r.name());
        Optional<String> url = Optional.of("https://" + app + "--" + r.name() + ".fake.azurecontainerapps.io");
        Revision.Provisioning provisioning;
        Revision.Running running;
        Revision.Health health;
        if (s.readiness() == Readiness.FAILS) {
            provisioning = Revision.Provisioning.FAILED;
            running = Revision.Running.FAILED;
            health = Revision.Health.UNHEALTHY;
        } else if (s.readiness() == Readiness.NEVER || now.isBefore(r.createdAt().plus(s.after()))) {
            provisioning = Revision.Provisioning.PROVISIONING;
            running = Revision.Running.PROCESSING;
            health = Revision.Health.NONE;
        } else {
            provisioning = Revision.Provisioning.PROVISIONED;
            running = r.active() ? Revision.Running.RUNNING : Revision.Running.STOPPED;
            health = r.active() ? Revision.Health.HEALTHY : Revision.Health.NONE;
        }
        return new Revision(r.name(), r.createdAt(), r.active(), weight, health, provisioning, running, r.image(), url);
    }

    private String image(String tag) {
        return "tradenexusacr.azurecr.io/" + app + ":" + tag;
    }
}
