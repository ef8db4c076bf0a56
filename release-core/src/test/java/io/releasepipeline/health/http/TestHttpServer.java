package io.releasepipeline.health.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A real HTTP(S) server on 127.0.0.1 and an ephemeral port whose paths a test switches between behaviours: healthy,
 * any status, slow, hanging, redirecting. Waiting (slow, hang) happens on server threads and ends at {@link #close()},
 * so no test thread sleeps and no request outlives the test.
 */
final class TestHttpServer implements AutoCloseable {

    /** What a path does with a request. */
    @FunctionalInterface
    interface Behaviour {
        void handle(HttpExchange exchange) throws IOException, InterruptedException;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final Map<String, String> lastAuthorization = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    private TestHttpServer(HttpServer server) {
        this.server = server;
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
    }

    /** A plain HTTP server on 127.0.0.1. */
    static TestHttpServer http() {
        try {
            return new TestHttpServer(HttpServer.create(loopback(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An HTTPS server on 127.0.0.1 presenting the certificate in {@code serverContext}. */
    static TestHttpServer https(SSLContext serverContext) {
        try {
            HttpsServer server = HttpsServer.create(loopback(), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(serverContext));
            return new TestHttpServer(server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    /** {@code http://127.0.0.1:port} or {@code https://127.0.0.1:port}. */
    String baseUrl() {
        return (server instanceof HttpsServer ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers 200 "ok". */
    TestHttpServer healthy(String path) {
        return respond(path, 200, "ok");
    }

    /** Answers {@code status} with {@code body}. */
    TestHttpServer respond(String path, int status, String body) {
        behaviours.put(path, exchange -> send(exchange, status, body));
        return this;
    }

    /** Answers 200 "ok" after {@code delay}, spent on the server thread. */
    TestHttpServer slow(String path, Duration delay) {
        behaviours.put(path, exchange -> {
            closing.await(delay.toMillis(), TimeUnit.MILLISECONDS);
            send(exchange, 200, "ok");
        });
        return this;
    }

    /** Never answers until the server closes. */
    TestHttpServer hang(String path) {
        behaviours.put(path, exchange -> {
            closing.await();
            send(exchange, 503, "closing");
        });
        return this;
    }

    /** Answers 302 with a Location header. */
    TestHttpServer redirect(String path, String location) {
        behaviours.put(path, exchange -> {
            exchange.getResponseHeaders().add("Location", location);
            send(exchange, 302, "");
        });
        return this;
    }

    /**
     * The first request answers 200 only once {@code arrivals} has counted down to zero (every other endpoint's
     * first request is in flight at the same time), or 503 after 5 s; later requests answer 200 at once.
     */
    TestHttpServer rendezvous(String path, CountDownLatch arrivals) {
        behaviours.put(path, exchange -> {
            arrivals.countDown();
            send(exchange, arrivals.await(5, TimeUnit.SECONDS) ? 200 : 503, "");
        });
        return this;
    }

    /** Replaces a path's behaviour with a custom one. */
    TestHttpServer behave(String path, Behaviour behaviour) {
        behaviours.put(path, behaviour);
        return this;
    }

    /** How many requests reached {@code path}. */
    int requests(String path) {
        AtomicInteger n = requests.get(path);
        return n == null ? 0 : n.get();
    }

    /** The Authorization header of the last request to {@code path}. */
    Optional<String> lastAuthorization(String path) {
        return Optional.ofNullable(lastAuthorization.get(path));
    }

    /** The most requests that were in flight at once, over all paths. */
    int maxInFlight() {
        return maxInFlight.get();
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (auth != null) {
            lastAuthorization.put(path, auth);
        }
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            behaviours.getOrDefault(path, e -> send(e, 404, "no such path")).handle(exchange);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.decrementAndGet();
            exchange.close();
        }
    }

    static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    /** Releases every waiting handler and stops the server. */
    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
