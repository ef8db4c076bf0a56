package io.releasepipeline.examples.service;

import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.approval.ApiApprovals;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.testkit.local.LocalWorld;
import io.releasepipeline.traffic.TrafficPlan;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link PromotionService} on this machine, no cloud account: the app is the test kit's local world (each
 * revision a real HTTP server on 127.0.0.1 behind a weighted router, a fake CI system whose deploy runs start a new
 * revision, real HTTP smoke checks and probes), on a time scale where a release takes seconds. Pull requests
 * {@value #FIRST_PR} to {@value #LAST_PR} are open and pass every gate. The pipeline moves traffic 50% then 100%,
 * and waits for a person's approval before 100%.
 *
 * <p>{@link ProductionWiring} shows the same service on Azure Container Apps and GitHub. Close it to stop the
 * service (no traffic left split) and then the local world. Thread-safe.
 */
public final class LocalPromotionService implements AutoCloseable {

    /** The first open pull request. */
    public static final int FIRST_PR = LocalWorld.PR;
    /** The last open pull request. */
    public static final int LAST_PR = FIRST_PR + 9;

    private final LocalWorld world;
    private final PromotionService service;

    private LocalPromotionService(LocalWorld world, PromotionService service) {
        this.world = world;
        this.service = service;
    }

    /**
     * Starts the local world and the service on it.
     *
     * @param address where the service listens; port 0 picks a free one
     * @param timings the local world's time scale ({@link LocalWorld.Timings#demo()} is the demo's)
     * @param log where each release event is printed, one line each
     * @return the running service on its world
     * @throws java.io.UncheckedIOException when the address cannot be bound (the world is stopped again)
     */
    public static LocalPromotionService start(InetSocketAddress address, LocalWorld.Timings timings, PrintStream log) {
        Objects.requireNonNull(log, "log");
        LocalWorld world = new LocalWorld(timings, null);
        try {
            for (int pr = FIRST_PR + 1; pr <= LAST_PR; pr++) {
                world.pullRequest(pr, "Change " + pr, "alice");
            }
            // The pipeline is built once, with the fluent API; the service's endpoints decide its approvals.
            ApiApprovals approvals = new ApiApprovals(world.clock, question ->
                    log.println("approval needed: " + question.releaseId() + " to " + question.weight() + "%: "
                            + question.summary()));
            ReleasePipeline pipeline = world.builder()
                    .trafficPlan(TrafficPlan.canary(50, 100).withStepPause(timings.observation())
                            .withApprovalBefore(100))
                    .approvals(approvals)
                    .listener(event -> describe(event).ifPresent(log::println))
                    .build();
            return new LocalPromotionService(world, PromotionService.start(address, pipeline, approvals));
        } catch (RuntimeException e) {
            world.close();
            throw e;
        }
    }

    /** The events a person watching the service cares about, one line each. */
    private static Optional<String> describe(ReleaseEvent event) {
        String what;
        if (event instanceof ReleaseEvent.ReleaseStarted e) {
            what = "started: pull request #" + e.pullRequest();
        } else if (event instanceof ReleaseEvent.TrafficShifted e) {
            what = "traffic " + e.from() + " -> " + e.to();
        } else if (event instanceof ReleaseEvent.ApprovalDecided e) {
            what = "step " + e.weight() + "% " + (e.approved() ? "approved" : "rejected") + " by " + e.by();
        } else if (event instanceof ReleaseEvent.TriggerFired e) {
            what = "trigger fired: " + e.verdict();
        } else if (event instanceof ReleaseEvent.ReleaseFinished e) {
            what = "finished " + e.outcome() + ": " + e.summary();
        } else {
            return Optional.empty();
        }
        return Optional.of(event.releaseId() + " " + what);
    }

    /**
     * The service.
     *
     * @return the running service
     */
    public PromotionService service() {
        return service;
    }

    /**
     * The local world the service releases to.
     *
     * @return the world (its platform, CI system and evidence store)
     */
    public LocalWorld world() {
        return world;
    }

    /** Stops the service (no traffic left split), then the local world. Idempotent. */
    @Override
    public void close() {
        try {
            service.close();
        } finally {
            world.close();
        }
    }

    /**
     * Runs the service until the process is stopped (Ctrl-C or SIGTERM stop it cleanly).
     *
     * @param args optionally the port to listen on, on 127.0.0.1 (default 8080; 0 picks a free one)
     */
    public static void main(String[] args) {
        int port;
        try {
            if (args.length > 1) {
                throw new IllegalArgumentException("too many arguments");
            }
            port = args.length == 0 ? 8080 : Integer.parseInt(args[0]);
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("usage: LocalPromotionService [PORT]   (a port 0-65535, default 8080): "
                    + e.getMessage());
            System.exit(64);
            return;
        }
        LocalPromotionService local = start(new InetSocketAddress("127.0.0.1", port), LocalWorld.Timings.demo(),
                System.out);
        Runtime.getRuntime().addShutdownHook(new Thread(local::close, "promotion-service-shutdown"));
        String url = local.service().url();
        System.out.println("Promotion service on " + url + "; the app is served at " + local.world().platform.url());
        System.out.println("  curl -X POST '" + url + "/releases?pr=" + FIRST_PR + "'");
        System.out.println("  curl " + url + "/releases/ID");
        System.out.println("  curl -X POST '" + url + "/releases/ID/approve?step=100&by=alice'");
        System.out.println("  curl -X POST '" + url + "/releases/ID/rollback?reason=checkout+is+broken'");
        System.out.println("Stop with Ctrl-C: a release in flight is stopped and its traffic put back first.");
    }
}
