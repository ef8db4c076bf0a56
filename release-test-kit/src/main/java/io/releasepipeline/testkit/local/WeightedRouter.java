package io.releasepipeline.testkit.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.time.ReleaseClock;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The app's ingress: a real HTTP server on 127.0.0.1 that sends each request to one revision according to the
 * traffic weights (smooth weighted round robin, so 10% is exactly every tenth request), proxies it, and counts
 * requests and 5xx answers per revision per second, which is what {@link LocalHealthSignals} reads. Thread-safe.
 */
public final class WeightedRouter implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Function<String, String> upstreams;
    private final ReleaseClock clock;
    private final Map<String, Map<Long, long[]>> counts = new ConcurrentHashMap<>();
    private final Map<String, Integer> current = new HashMap<>();
    private volatile TrafficWeights weights;

    /**
     * Starts the router on an ephemeral loopback port.
     *
     * @param initial the first split
     * @param upstreams the base URL of a revision by name
     * @param clock timestamps for the counters
     */
    public WeightedRouter(TrafficWeights initial, Function<String, String> upstreams, ReleaseClock clock) {
        this.weights = initial;
        this.upstreams = upstreams;
        this.clock = clock;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the local router on 127.0.0.1", e);
        }
        executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "router");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * The app's URL, {@code http://127.0.0.1:PORT}.
     *
     * @return the app's URL, {@code http://127.0.0.1:PORT}
     */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * The split in force.
     *
     * @return the split in force
     */
    public TrafficWeights weights() {
        return weights;
    }

    /**
     * Replaces the split, atomically, for the next request on.
     *
     * @param weights the new split
     */
    public synchronized void weights(TrafficWeights weights) {
        this.weights = weights;
        current.keySet().retainAll(weights.weights().keySet());
    }

    /**
     * Requests and 5xx answers of {@code revision} in [from, to), from the per-second counters.
     *
     * @param revision the revision's name
     * @param from the window's start, inclusive
     * @param to the window's end, exclusive
     * @return two numbers: the requests, then the 5xx answers
     */
    public long[] counts(String revision, Instant from, Instant to) {
        Map<Long, long[]> perSecond = counts.get(revision);
        long requests = 0;
        long errors = 0;
        if (perSecond != null) {
            for (long s = from.getEpochSecond(); s < to.getEpochSecond() + (to.getNano() > 0 ? 1 : 0); s++) {
                long[] c = perSecond.get(s);
                if (c != null) {
                    synchronized (c) {
                        requests += c[0];
                        errors += c[1];
                    }
                }
            }
        }
        return new long[] {requests, errors};
    }

    /** Picks the revision for the next request: smooth weighted round robin (nginx's algorithm). */
    synchronized String pick() {
        int total = 0;
        String best = null;
        int bestScore = Integer.MIN_VALUE;
        for (Map.Entry<String, Integer> e : weights.weights().entrySet()) {
            if (e.getValue() == 0) {
                continue;
            }
            int score = current.merge(e.getKey(), e.getValue(), Integer::sum);
            total += e.getValue();
            if (score > bestScore) {
                bestScore = score;
                best = e.getKey();
            }
        }
        current.merge(best, -total, Integer::sum);
        return best;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String revision = pick();
            int status;
            byte[] body;
            try {
                HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(URI.create(
                        upstreams.apply(revision) + exchange.getRequestURI())).timeout(Duration.ofSeconds(5)).GET()
                        .build(), HttpResponse.BodyHandlers.ofByteArray());
                status = response.statusCode();
                body = response.body();
            } catch (IOException e) {
                status = 502;
                body = ("{\"error\":\"revision " + revision + " unreachable\"}").getBytes(StandardCharsets.UTF_8);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            count(revision, status >= 500);
            exchange.getResponseHeaders().add("X-Revision", revision);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private void count(String revision, boolean serverError) {
        long second = clock.now().getEpochSecond();
        long[] c = counts.computeIfAbsent(revision, r -> new ConcurrentHashMap<>())
                .computeIfAbsent(second, s -> new long[2]);
        synchronized (c) {
            c[0]++;
            if (serverError) {
                c[1]++;
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
