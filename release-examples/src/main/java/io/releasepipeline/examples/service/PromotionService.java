package io.releasepipeline.examples.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.releasepipeline.ReleaseInProgressException;
import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.RollbackRequest;
import io.releasepipeline.RollbackResult;
import io.releasepipeline.approval.ApiApprovals;
import io.releasepipeline.evidence.EvidenceJson;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.spi.ApprovalRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small HTTP service that embeds promotion: one {@link ReleasePipeline}, built once, runs each promotion on the
 * service's own thread, and a request returns at once with the release's id; the status is polled.
 *
 * <table>
 * <caption>Endpoints (parameters in the query string or a form body; answers are JSON)</caption>
 * <tr><th>request</th><th>what it does</th><th>answers</th></tr>
 * <tr><td>{@code POST /releases?pr=123}</td><td>starts a promotion ({@code firstRelease=true} declares the app's
 * first release)</td><td>202 with {@code releaseId}; 409 while another release or rollback runs</td></tr>
 * <tr><td>{@code GET /releases/{id}}</td><td>the release's state, the step awaiting approval, the traffic, and its
 * evidence record once it ended</td><td>200; 404 for an unknown id</td></tr>
 * <tr><td>{@code POST /releases/{id}/approve?step=100&by=alice}</td><td>approves the step awaiting approval
 * ({@code /reject} rejects it: the release rolls back)</td><td>200; 409 when that step is not awaiting
 * approval</td></tr>
 * <tr><td>{@code POST /releases/{id}/rollback?reason=...}</td><td>stops the release in flight (traffic goes back
 * to the stable revision), or rolls a promoted release back to the revision it replaced</td><td>202; 409 when
 * there is nothing to roll back</td></tr>
 * <tr><td>{@code GET /traffic}</td><td>the app's traffic split as the platform reports it</td><td>200</td></tr>
 * </table>
 *
 * <p>A bad request gets a 4xx whose {@code error} says what is wrong and how to fix it, before anything is started.
 *
 * <p>{@link #close()} never leaves traffic split: it stops taking requests, asks the release in flight to stop
 * ({@link ReleasePipeline#requestRollback}: split traffic, or an unjudged 100%, goes back to the stable revision),
 * and waits for that to finish, up to the grace given at start. Thread-safe.
 */
public final class PromotionService implements AutoCloseable {

    /** How long {@link #close()} waits by default for a stopped release to put traffic back. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofMinutes(2);

    private static final Pattern RELEASE_PATH = Pattern.compile("/releases/([A-Za-z0-9._-]{1,100})(/[a-z]+)?");
    private static final String SHUTDOWN_REASON = "the promotion service is shutting down";

    /** What the service knows of one release it started. */
    private static final class Job {
        final String releaseId;
        final int pullRequest;
        volatile State state = State.QUEUED;
        volatile ReleaseResult result;
        volatile String error;
        volatile Job rollback;
        volatile RollbackResult rollbackResult;
        volatile String stopReason;

        Job(String releaseId, int pullRequest) {
            this.releaseId = releaseId;
            this.pullRequest = pullRequest;
        }

        boolean busy() {
            return state == State.QUEUED || state == State.RUNNING;
        }
    }

    /** Where a release (or a standalone rollback) is. */
    private enum State { QUEUED, RUNNING, FINISHED, FAILED, NOT_STARTED }

    private final ReleasePipeline pipeline;
    private final ApiApprovals approvals;
    private final Duration shutdownGrace;
    private final HttpServer server;
    private final ExecutorService http;
    private final ExecutorService releases;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private boolean closed;

    private PromotionService(ReleasePipeline pipeline, ApiApprovals approvals, Duration shutdownGrace,
            HttpServer server) {
        this.pipeline = pipeline;
        this.approvals = approvals;
        this.shutdownGrace = shutdownGrace;
        this.server = server;
        this.http = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "promotion-service-http");
            t.setDaemon(true);
            return t;
        });
        // One thread: the evidence store's lock allows one release of the app at a time anyway.
        this.releases = Executors.newSingleThreadExecutor(r -> new Thread(r, "promotion-service-release"));
    }

    /**
     * Starts the service on {@code address} (port 0 picks a free port, see {@link #port()}) with the default
     * shutdown grace.
     *
     * @param address where to listen, e.g. {@code new InetSocketAddress("127.0.0.1", 8080)}
     * @param pipeline the pipeline, built once, with {@code approvals} as its approval provider
     * @param approvals the approvals this service's endpoints decide
     * @return the running service; close it to stop
     * @throws IllegalArgumentException when {@code pipeline} was not built with {@code approvals} (nothing started)
     * @throws UncheckedIOException when the address cannot be bound
     */
    public static PromotionService start(InetSocketAddress address, ReleasePipeline pipeline, ApiApprovals approvals) {
        return start(address, pipeline, approvals, DEFAULT_SHUTDOWN_GRACE);
    }

    /**
     * Starts the service on {@code address}.
     *
     * @param address where to listen; port 0 picks a free port
     * @param pipeline the pipeline, built once, with {@code approvals} as its approval provider
     * @param approvals the approvals this service's endpoints decide
     * @param shutdownGrace how long {@link #close()} waits for a stopped release to put traffic back
     * @return the running service; close it to stop
     * @throws IllegalArgumentException when {@code pipeline} was not built with {@code approvals}, or the grace is
     *     not positive (nothing started)
     * @throws NullPointerException when an argument is null
     * @throws UncheckedIOException when the address cannot be bound
     */
    public static PromotionService start(InetSocketAddress address, ReleasePipeline pipeline, ApiApprovals approvals,
            Duration shutdownGrace) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(approvals, "approvals");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        if (pipeline.config().approvals().filter(a -> a == approvals).isEmpty()) {
            throw new IllegalArgumentException("the pipeline was not built with these approvals, so approving through "
                    + "the service would never reach it: build it with .approvals(approvals)");
        }
        if (shutdownGrace.isNegative() || shutdownGrace.isZero()) {
            throw new IllegalArgumentException("shutdownGrace must be positive, got " + shutdownGrace);
        }
        HttpServer server;
        try {
            server = HttpServer.create(address, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
        PromotionService service = new PromotionService(pipeline, approvals, shutdownGrace, server);
        server.createContext("/", service::handle);
        server.setExecutor(service.http);
        server.start();
        return service;
    }

    /**
     * The port the service listens on.
     *
     * @return the port, the one picked when started on port 0
     */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * The service's base URL.
     *
     * @return e.g. {@code http://127.0.0.1:8080}
     */
    public String url() {
        return "http://" + server.getAddress().getHostString() + ":" + port();
    }

    /**
     * The pipeline the service runs.
     *
     * @return the pipeline given at start
     */
    public ReleasePipeline pipeline() {
        return pipeline;
    }

    // ---- HTTP --------------------------------------------------------------------------------------------------

    /** A 4xx answer: what is wrong, and how to fix it. */
    private static final class BadRequest extends RuntimeException {
        final int status;

        BadRequest(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            int status;
            Object body;
            try {
                Map<String, String> params = params(exchange);
                Answer answer = route(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), params);
                status = answer.status();
                body = answer.body();
            } catch (BadRequest e) {
                status = e.status;
                body = Map.of("error", e.getMessage());
            } catch (RuntimeException e) {
                status = 500;
                body = Map.of("error", "the service failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            byte[] json = EvidenceJson.toBytes(body);
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            exchange.sendResponseHeaders(status, json.length);
            exchange.getResponseBody().write(json);
        }
    }

    private record Answer(int status, Object body) {
    }

    private Answer route(String method, String path, Map<String, String> params) {
        if (path.equals("/releases")) {
            requireMethod(method, "POST", path);
            return promote(params);
        }
        if (path.equals("/traffic")) {
            requireMethod(method, "GET", path);
            return new Answer(200, Map.of("traffic", pipeline.config().platform().traffic().weights().weights()));
        }
        Matcher m = RELEASE_PATH.matcher(path);
        if (!m.matches()) {
            throw new BadRequest(404, "no such endpoint: " + method + " " + path + "; the endpoints are POST /releases, "
                    + "GET /releases/{id}, POST /releases/{id}/approve, /reject and /rollback, GET /traffic");
        }
        Job job = jobs.get(m.group(1));
        if (job == null) {
            throw new BadRequest(404, "no release " + m.group(1) + " was started by this service; POST /releases "
                    + "answers with the id to use");
        }
        String action = m.group(2) == null ? "" : m.group(2);
        switch (action) {
            case "" -> {
                requireMethod(method, "GET", path);
                return new Answer(200, status(job));
            }
            case "/approve", "/reject" -> {
                requireMethod(method, "POST", path);
                return decide(job, action.equals("/approve"), params);
            }
            case "/rollback" -> {
                requireMethod(method, "POST", path);
                return rollback(job, params);
            }
            default -> throw new BadRequest(404, "no such endpoint: " + path + "; a release has /approve, /reject "
                    + "and /rollback");
        }
    }

    private static void requireMethod(String method, String expected, String path) {
        if (!method.equals(expected)) {
            throw new BadRequest(405, method + " is not allowed on " + path + "; use " + expected);
        }
    }

    // ---- Promote -----------------------------------------------------------------------------------------------

    private synchronized Answer promote(Map<String, String> params) {
        allowOnly(params, Set.of("pr", "firstRelease"));
        int pr = positiveInt(params, "pr", "the pull request to promote, e.g. pr=123");
        boolean firstRelease = bool(params, "firstRelease");
        refuseWhileBusy();
        String releaseId = "pr" + pr + "-" + UUID.randomUUID().toString().substring(0, 8);
        ReleaseRequest request = ReleaseRequest.ofPullRequest(pr).withReleaseId(releaseId);
        ReleaseRequest toRun = firstRelease ? request.withFirstRelease() : request;
        Job job = new Job(releaseId, pr);
        jobs.put(releaseId, job);
        releases.execute(() -> run(job, () -> {
            job.result = pipeline.promote(toRun);
        }));
        return new Answer(202, Map.of("releaseId", releaseId, "status", "/releases/" + releaseId));
    }

    /** Runs a job's work on the release thread, unless the service is stopping. */
    private void run(Job job, Runnable work) {
        synchronized (this) {
            String stopReason = stopping ? SHUTDOWN_REASON : job.stopReason;
            if (stopReason != null) {
                job.error = "not started: " + stopReason;
                job.state = State.NOT_STARTED;
                return;
            }
            job.state = State.RUNNING;
        }
        try {
            work.run();
            job.state = State.FINISHED;
        } catch (ReleaseInProgressException e) {
            job.error = "another release holds the app's lock: " + e.getMessage();
            job.state = State.FAILED;
        } catch (RuntimeException e) {
            job.error = e.getClass().getSimpleName() + ": " + e.getMessage();
            job.state = State.FAILED;
        }
    }

    private void refuseWhileBusy() {
        if (stopping) {
            throw new BadRequest(503, SHUTDOWN_REASON + "; start the release on another instance");
        }
        for (Job j : jobs.values()) {
            if (j.busy()) {
                throw new BadRequest(409, "release " + j.releaseId + " is in flight; wait for it to end (GET /releases/"
                        + j.releaseId + ") or roll it back (POST /releases/" + j.releaseId + "/rollback)");
            }
            Job rb = j.rollback;
            if (rb != null && rb.busy()) {
                throw new BadRequest(409, "the rollback of release " + j.releaseId + " is running; wait for it to "
                        + "end (GET /releases/" + j.releaseId + ")");
            }
        }
    }

    // ---- Status ------------------------------------------------------------------------------------------------

    private Map<String, Object> status(Job job) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("releaseId", job.releaseId);
        status.put("pullRequest", job.pullRequest);
        status.put("state", job.state);
        // Always present (empty once the release ended), so a client can read it without checking the state.
        status.put("awaitingApproval", job.state == State.RUNNING
                ? awaitingApproval(job).stream().map(ApprovalRequest::weight).toList() : List.of());
        status.put("traffic", pipeline.config().platform().traffic().weights().weights());
        Optional.ofNullable(job.error).ifPresent(e -> status.put("error", e));
        ReleaseResult result = job.result;
        if (result != null) {
            status.put("outcome", result.outcome());
            status.put("record", result.record());
        }
        Job rb = job.rollback;
        if (rb != null) {
            Map<String, Object> rollback = new LinkedHashMap<>();
            rollback.put("state", rb.state);
            Optional.ofNullable(rb.error).ifPresent(e -> rollback.put("error", e));
            RollbackResult done = job.rollbackResult;
            if (done != null) {
                rollback.put("outcome", done.outcome());
                rollback.put("rollbackId", done.releaseId());
                rollback.put("details", done.details());
            }
            status.put("rollback", rollback);
        }
        return status;
    }

    private List<ApprovalRequest> awaitingApproval(Job job) {
        return approvals.pending().stream().filter(q -> q.releaseId().equals(job.releaseId)).toList();
    }

    // ---- Approvals ---------------------------------------------------------------------------------------------

    private Answer decide(Job job, boolean approve, Map<String, String> params) {
        allowOnly(params, Set.of("step", "by", "comment"));
        int step = positiveInt(params, "step", "the traffic step's weight, e.g. step=100");
        String by = required(params, "by", "who decides, for the evidence, e.g. by=alice");
        String comment = params.getOrDefault("comment", "");
        List<Integer> waiting = job.state == State.RUNNING
                ? awaitingApproval(job).stream().map(ApprovalRequest::weight).toList() : List.of();
        if (!waiting.contains(step)) {
            throw new BadRequest(409, "release " + job.releaseId + " is not awaiting approval of step " + step + "%"
                    + (waiting.isEmpty() ? " (it awaits none; state " + job.state + ")"
                    : "; it awaits " + waiting.stream().map(w -> w + "%").toList()));
        }
        boolean first = approve ? approvals.approve(job.releaseId, step, by, comment)
                : approvals.reject(job.releaseId, step, by, comment);
        if (!first) {
            throw new BadRequest(409, "step " + step + "% of release " + job.releaseId + " was already decided");
        }
        return new Answer(200, Map.of("releaseId", job.releaseId, "step", step,
                "decision", approve ? "approved" : "rejected", "by", by));
    }

    // ---- Rollback ----------------------------------------------------------------------------------------------

    private synchronized Answer rollback(Job job, Map<String, String> params) {
        allowOnly(params, Set.of("reason"));
        String reason = required(params, "reason", "why, for the evidence and the incident note, e.g. "
                + "reason=checkout+is+broken");
        if (job.state == State.QUEUED) {
            job.stopReason = reason;
            return new Answer(202, Map.of("releaseId", job.releaseId, "rollback", "not started",
                    "status", "/releases/" + job.releaseId));
        }
        if (job.state == State.RUNNING) {
            if (pipeline.requestRollback(reason)) {
                return new Answer(202, Map.of("releaseId", job.releaseId, "rollback", "requested",
                        "status", "/releases/" + job.releaseId));
            }
            throw new BadRequest(409, "release " + job.releaseId + " is starting or ending and cannot be stopped "
                    + "this instant; try again (GET /releases/" + job.releaseId + " shows where it is)");
        }
        ReleaseResult result = job.result;
        if (result == null || result.outcome() != ReleaseOutcome.PROMOTED) {
            throw new BadRequest(409, "release " + job.releaseId + " is not serving traffic (state " + job.state
                    + (result == null ? "" : ", outcome " + result.outcome()) + "); nothing to roll back");
        }
        if (job.rollback != null) {
            throw new BadRequest(409, "release " + job.releaseId + " was already rolled back (or is being rolled "
                    + "back): GET /releases/" + job.releaseId);
        }
        refuseWhileBusy();
        RollbackRequest request = result.record().previousRevision()
                .map(previous -> RollbackRequest.toRevision(previous, reason))
                .orElseGet(() -> RollbackRequest.toPrevious(reason)).forPullRequest(job.pullRequest);
        Job rb = new Job(job.releaseId, job.pullRequest);
        job.rollback = rb;
        releases.execute(() -> run(rb, () -> {
            job.rollbackResult = pipeline.rollback(request);
        }));
        return new Answer(202, Map.of("releaseId", job.releaseId, "rollback", "started",
                "status", "/releases/" + job.releaseId));
    }

    // ---- Parameters --------------------------------------------------------------------------------------------

    private static Map<String, String> params(HttpExchange exchange) throws IOException {
        Map<String, String> params = new LinkedHashMap<>();
        parseForm(exchange.getRequestURI().getRawQuery(), params);
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(8192);
            if (in.read() != -1) {
                throw new BadRequest(413, "the request body is larger than 8 KiB; send the parameters as a form");
            }
            if (body.length > 0) {
                String type = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Type")).orElse("");
                if (!type.startsWith("application/x-www-form-urlencoded")) {
                    throw new BadRequest(415, "send the parameters in the query string or as a form "
                            + "(Content-Type: application/x-www-form-urlencoded), not " + (type.isEmpty()
                            ? "a body without a Content-Type" : type));
                }
                parseForm(new String(body, StandardCharsets.UTF_8), params);
            }
        }
        return params;
    }

    private static void parseForm(String form, Map<String, String> into) {
        if (form == null || form.isEmpty()) {
            return;
        }
        for (String pair : form.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new BadRequest(400, "a parameter is not URL-encoded correctly: " + e.getMessage());
            }
            if (into.putIfAbsent(name, value) != null) {
                throw new BadRequest(400, "parameter " + name + " is given twice; give it once");
            }
        }
    }

    private static void allowOnly(Map<String, String> params, Set<String> known) {
        for (String name : params.keySet()) {
            if (!known.contains(name)) {
                throw new BadRequest(400, "unknown parameter " + name + "; this endpoint takes "
                        + known.stream().sorted().toList());
            }
        }
    }

    private static String required(Map<String, String> params, String name, String what) {
        String value = params.get(name);
        if (value == null || value.isBlank()) {
            throw new BadRequest(400, "missing parameter " + name + ": " + what);
        }
        return value;
    }

    private static int positiveInt(Map<String, String> params, String name, String what) {
        String value = required(params, name, what);
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Falls through to the message below.
        }
        throw new BadRequest(400, "parameter " + name + " must be a positive whole number (" + what + "), got \""
                + value + "\"");
    }

    private static boolean bool(Map<String, String> params, String name) {
        String value = params.get(name);
        if (value == null) {
            return false;
        }
        return switch (value) {
            case "true", "" -> true;
            case "false" -> false;
            default -> throw new BadRequest(400, "parameter " + name + " must be true or false, got \"" + value + "\"");
        };
    }

    // ---- Shutdown ----------------------------------------------------------------------------------------------

    /**
     * Stops the service without leaving traffic split: stops taking requests, stops the release in flight (its split
     * traffic, or an unjudged 100%, goes back to the stable revision; a release that had not moved traffic ends
     * ABORTED) and waits up to the shutdown grace for that to finish. A release queued but not started is not
     * started. A standalone rollback in flight finishes putting traffic back; only its recovery watch is cut
     * short (the record says so). If the grace runs out, the release thread is left running, and what a kill then
     * cuts off {@link ReleasePipeline#resume} finishes from the journal. An interrupt of the calling thread ends
     * the wait early and stays set. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            stopping = true;
        }
        server.stop(0);
        http.shutdown();
        releases.shutdown();
        long deadline = System.nanoTime() + shutdownGrace.toNanos();
        try {
            // Asked again on each turn: a release that was just starting when the first ask came is caught by the next.
            while (!releases.isTerminated() && System.nanoTime() < deadline) {
                pipeline.requestRollback(SHUTDOWN_REASON);
                releases.awaitTermination(100, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether the service stopped with nothing left running.
     *
     * @return true once {@link #close()} returned with no release or rollback still running
     */
    public boolean stoppedCleanly() {
        return closed && releases.isTerminated();
    }
}
