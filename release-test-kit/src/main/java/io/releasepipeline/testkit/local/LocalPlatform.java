package io.releasepipeline.testkit.local;

import io.releasepipeline.error.ProviderException;
import io.releasepipeline.spi.AppTraffic;
import io.releasepipeline.spi.PlatformProvider;
import io.releasepipeline.spi.Revision;
import io.releasepipeline.spi.RevisionMode;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.time.ClockAware;
import io.releasepipeline.time.ReleaseClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A cloud platform on this machine: each revision is a real HTTP server on 127.0.0.1 ({@link RevisionServer}),
 * and the app's URL is a {@link WeightedRouter} that splits real requests by the traffic weights. Used by the
 * {@code release demo} and by test harnesses that want real HTTP without a cloud account. Revision mode is
 * multiple. Thread-safe; close it to stop every server.
 *
 * <pre>{@code
 * try (LocalPlatform platform = new LocalPlatform("backend", clock)) {
 *     platform.startRevision("v1", Behaviour.HEALTHY);   // serves 100%
 *     ... platform.url() is the app's address
 * }
 * }</pre>
 */
public final class LocalPlatform implements PlatformProvider, AutoCloseable, ClockAware {

    private record Entry(RevisionServer server, Instant createdAt, boolean active) {
    }

    private final String app;
    private final ReleaseClock clock;
    private final Map<String, Entry> revisions = new LinkedHashMap<>();
    private WeightedRouter router;

    /**
     * An app with no revision yet; {@link #startRevision} the first one.
     *
     * @param app the app's name
     * @param clock the clock revisions' times follow
     */
    public LocalPlatform(String app, ReleaseClock clock) {
        this.app = app;
        this.clock = clock;
    }

    /**
     * The clock this platform's revisions and router counters are stamped with: the pipeline must run on it
     * ({@code .clock(clock)}), which its {@code build()} checks.
     *
     * @return the clock given at construction
     */
    @Override
    public ReleaseClock clock() {
        return clock;
    }

    /**
     * Starts a revision server. The first revision serves 100%; later ones start active at 0%, as a deploy in
     * multiple revision mode does.
     *
     * @param name the revision's name
     * @param behaviour how it answers
     * @return the started server
     */
    public synchronized RevisionServer startRevision(String name, RevisionServer.Behaviour behaviour) {
        if (revisions.containsKey(name)) {
            throw new IllegalArgumentException("revision " + name + " already exists");
        }
        RevisionServer server = new RevisionServer(name, behaviour);
        revisions.put(name, new Entry(server, clock.now(), true));
        if (router == null) {
            router = new WeightedRouter(TrafficWeights.all(name), this::upstream, clock);
        }
        return server;
    }

    /**
     * The revision server, to switch its behaviour.
     *
     * @param name the revision's name
     * @return the revision server, to switch its behaviour
     */
    public synchronized RevisionServer server(String name) {
        Entry e = revisions.get(name);
        if (e == null) {
            throw new IllegalArgumentException("no revision " + name);
        }
        return e.server();
    }

    /**
     * The app's URL (the router).
     *
     * @return the app's URL (the router)
     */
    public synchronized String url() {
        requireRouter();
        return router.url();
    }

    /**
     * The router, for its counters.
     *
     * @return the router, for its counters
     */
    public synchronized WeightedRouter router() {
        requireRouter();
        return router;
    }

    private synchronized String upstream(String revision) {
        return server(revision).url();
    }

    private void requireRouter() {
        if (router == null) {
            throw new IllegalStateException("start a revision first");
        }
    }

    @Override
    public String providerName() {
        return "local-platform";
    }

    @Override
    public String appName() {
        return app;
    }

    @Override
    public synchronized List<Revision> listRevisions() {
        List<Revision> list = new ArrayList<>();
        revisions.keySet().forEach(name -> list.add(describe(name)));
        return list;
    }

    @Override
    public synchronized Optional<Revision> revision(String name) {
        return revisions.containsKey(name) ? Optional.of(describe(name)) : Optional.empty();
    }

    private Revision describe(String name) {
        Entry e = revisions.get(name);
        int weight = router == null ? 0 : router.weights().weightOf(name);
        return new Revision(name, e.createdAt(), e.active(), weight, Revision.Health.HEALTHY,
                Revision.Provisioning.PROVISIONED, e.active() ? Revision.Running.RUNNING : Revision.Running.STOPPED,
                Optional.of("local/" + app + ":" + name), Optional.of(e.server().url()));
    }

    @Override
    public synchronized AppTraffic traffic() {
        requireRouter();
        String latest = null;
        for (String name : revisions.keySet()) {
            latest = name;
        }
        return new AppTraffic(RevisionMode.MULTIPLE, router.weights(), Optional.ofNullable(latest),
                Optional.ofNullable(latest));
    }

    @Override
    public synchronized void activate(String revision) {
        Entry e = existing(revision, "activate");
        revisions.put(revision, new Entry(e.server(), e.createdAt(), true));
    }

    @Override
    public synchronized void deactivate(String revision) {
        Entry e = existing(revision, "deactivate");
        if (router.weights().weightOf(revision) > 0) {
            throw ProviderException.permanent(providerName(), "deactivate(" + revision + ")",
                    revision + " still has traffic; move it first", null);
        }
        revisions.put(revision, new Entry(e.server(), e.createdAt(), false));
    }

    /** {@inheritDoc} Answers the router's split after the change. */
    @Override
    public synchronized AppTraffic setTraffic(TrafficWeights weights) {
        for (String name : weights.weights().keySet()) {
            Entry e = existing(name, "setTraffic");
            if (!e.active()) {
                throw ProviderException.permanent(providerName(), "setTraffic(" + weights + ")",
                        "revision " + name + " is inactive; activate it first", null);
            }
        }
        router.weights(weights);
        return traffic();
    }

    private Entry existing(String name, String operation) {
        Entry e = revisions.get(name);
        if (e == null) {
            throw new ProviderException(providerName(), operation + "(" + name + ")", "no revision " + name, false,
                    null, 404, null);
        }
        return e;
    }

    @Override
    public synchronized void close() {
        if (router != null) {
            router.close();
        }
        revisions.values().forEach(e -> e.server().close());
    }
}
