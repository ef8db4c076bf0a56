package io.releasepipeline.testkit.local;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Steady traffic to a local app, so that its router has something to count: {@code perSecond} GET requests a
 * second to one path, until closed or until {@code maxRequests} have been sent. Loopback only. Thread-safe.
 */
public final class LoadGenerator implements AutoCloseable {

    private final ScheduledExecutorService scheduler;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong serverErrors = new AtomicLong();

    /**
     * Starts sending to {@code url} (which must be on 127.0.0.1 or localhost).
     *
     * @param url where to send, on 127.0.0.1 or localhost
     * @param perSecond requests per second, positive
     * @param maxRequests stops after this many requests
     */
    public LoadGenerator(String url, int perSecond, long maxRequests) {
        URI uri = URI.create(url);
        if (!"127.0.0.1".equals(uri.getHost()) && !"localhost".equals(uri.getHost())) {
            throw new IllegalArgumentException("the load generator only sends to loopback, not " + uri.getHost());
        }
        scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "load-generator");
            t.setDaemon(true);
            return t;
        });
        long periodMicros = 1_000_000L / perSecond;
        scheduler.scheduleAtFixedRate(() -> {
            if (sent.incrementAndGet() > maxRequests) {
                scheduler.shutdown();
                return;
            }
            client.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                        if (r != null && r.statusCode() >= 500) {
                            serverErrors.incrementAndGet();
                        }
                    });
        }, 0, periodMicros, TimeUnit.MICROSECONDS);
    }

    /**
     * Requests sent so far.
     *
     * @return the requests sent so far
     */
    public long sent() {
        return sent.get();
    }

    /**
     * 5xx answers received so far.
     *
     * @return the 5xx answers received so far
     */
    public long serverErrors() {
        return serverErrors.get();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }

}
