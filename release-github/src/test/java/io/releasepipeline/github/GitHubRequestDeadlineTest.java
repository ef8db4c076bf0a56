package io.releasepipeline.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.releasepipeline.error.ProviderException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The request deadline covers the whole answer: a real server on 127.0.0.1 sends the response headers at once and
 * then trickles the body a byte at a time, far slower than the deadline. Production wiring: the connection builds
 * its own HTTP client and runs on the system clock.
 */
class GitHubRequestDeadlineTest {

    static final String TOKEN = "ghp_DeadlineTest0000000000000000000000";

    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicInteger exchanges = new AtomicInteger();
    private ServerSocket server;
    private Thread acceptor;

    @BeforeEach
    void startTricklingServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::serve, "trickling-github");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stop() throws IOException {
        done.countDown();
        server.close();
    }

    @Test
    @DisplayName("headers at once, then a body slower than requestTimeout: the read ends at the deadline as a "
            + "transient failure naming the operation, after its retries, never the token")
    void slowBodyHitsTheTotalDeadline() {
        GitHubCiProvider ci = GitHubCiProvider.builder(GitHubConnection.builder()
                .apiUrl(URI.create("http://127.0.0.1:" + server.getLocalPort()))
                .repository("org/trade-nexus")
                .token(TokenSource.ofToken(TOKEN))
                .requestTimeout(Duration.ofMillis(400))
                .maxAttempts(2)
                .retryBackoff(Duration.ZERO)
                .build()).build();

        ProviderException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> catchThrowableOfType(ProviderException.class, () -> ci.deployRun("30433642")));

        assertThat(e).isNotNull();
        assertThat(e.isTransient()).isTrue();
        assertThat(e.getMessage()).contains(e.operation(), "no answer within PT0.4S", "headers and body",
                "after 2 attempts").doesNotContain(TOKEN);
        assertThat(exchanges).hasValue(2);
    }

    private void serve() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread t = new Thread(() -> trickle(socket), "trickle-" + exchanges.incrementAndGet());
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** Reads the request head, answers 200 with a large Content-Length, and sends one body byte every 100 ms. */
    private void trickle(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                head.append((char) b);
            }
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            while (!done.await(100, TimeUnit.MILLISECONDS)) {
                out.write(' ');
                out.flush();
            }
        } catch (IOException | InterruptedException gone) {
            // the client cancelled the exchange, or the test is over
        }
    }
}
