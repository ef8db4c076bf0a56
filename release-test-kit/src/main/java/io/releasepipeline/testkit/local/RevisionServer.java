package io.releasepipeline.testkit.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * One revision of a local app: a real HTTP server on 127.0.0.1 answering every path ({@code /health} with
 * {@code ok}, anything else with a small JSON body naming the revision), whose behaviour a test or the demo can
 * switch at any time: healthy, failing (HTTP 500) or slow. Thread-safe.
 */
public final class RevisionServer implements AutoCloseable {

    /** How a revision answers. */
    public enum Behaviour {
        /** 200 at once. */
        HEALTHY,
        /** 500 on every path, the health endpoint included. */
        FAILING,
        /** 200 after {@link RevisionServer#SLOW_DELAY}. */
        SLOW,
        /**
         * 500 on every path but the health endpoint, which answers 200: a revision whose health check (and a smoke
         * check of {@code /health} alone) hides that it fails its users.
         */
        FAILING_BEHIND_HEALTH
    }

    /** How long a {@link Behaviour#SLOW} revision takes to answer: above the runbook's 500 ms SLO. */
    public static final Duration SLOW_DELAY = Duration.ofMillis(600);

    private final String name;
    private final HttpServer server;
    private final ExecutorService executor;
    private volatile Behaviour behaviour;

    /**
     * Starts a revision server on an ephemeral loopback port.
     *
     * @param name the revision's name
     * @param behaviour how it answers
     */
    public RevisionServer(String name, Behaviour behaviour) {
        this.name = name;
        this.behaviour = behaviour;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start revision server " + name + " on 127.0.0.1", e);
        }
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "revision-" + name);
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * The revision's name.
     *
     * @return the revision's name
     */
    public String name() {
        return name;
    }

    /**
     * Its base URL, {@code http://127.0.0.1:PORT}.
     *
     * @return its base URL, {@code http://127.0.0.1:PORT}
     */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * How it answers now.
     *
     * @return how it answers now
     */
    public Behaviour behaviour() {
        return behaviour;
    }

    /**
     * Switches how it answers, from now on.
     *
     * @param behaviour how it answers from now on
     */
    public void behaviour(Behaviour behaviour) {
        this.behaviour = behaviour;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Behaviour b = behaviour;
            if (b == Behaviour.SLOW) {
                try {
                    // The server's own behaviour: a slow revision answers late.
                    TimeUnit.MILLISECONDS.sleep(SLOW_DELAY.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            String path = exchange.getRequestURI().getPath();
            int status = b == Behaviour.FAILING || b == Behaviour.FAILING_BEHIND_HEALTH && !path.equals("/health")
                    ? 500 : 200;
            String body = status == 500 ? "{\"error\":\"internal error\",\"revision\":\"" + name + "\"}"
                    : path.equals("/health") ? "ok" : "{\"revision\":\"" + name + "\",\"path\":\"" + path + "\"}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", path.equals("/health") && status == 200
                    ? "text/plain" : "application/json");
            exchange.getResponseHeaders().add("X-Revision", name);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "RevisionServer[" + name + " " + url() + " " + behaviour + "]";
    }
}
