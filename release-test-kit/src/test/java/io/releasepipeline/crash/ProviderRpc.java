package io.releasepipeline.crash;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.releasepipeline.error.ProviderException;
import io.releasepipeline.evidence.EvidenceJson;
import io.releasepipeline.spi.MergeRefusedException;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Provider calls across processes, so that a provider's state outlives the process that calls it: the test JVM
 * serves its fakes on 127.0.0.1 and a child JVM calls them through a {@link Proxy} of the SPI interface.
 *
 * <p>The protocol: {@code POST /<provider>/<method>} with the arguments as a JSON array; {@code 200} with the
 * result as JSON, or {@code 409} with a {@link RemoteError} that the proxy throws again as the same
 * {@link ProviderException} (or {@link MergeRefusedException}) so the engine's retry and merge logic see what they
 * would see in process. Methods are looked up on the SPI interface by name (the SPIs have no overloads).
 */
final class ProviderRpc {

    private static final ObjectMapper JSON = EvidenceJson.mapper();
    private static final Pattern PULL_REQUEST_NUMBER = Pattern.compile("#(\\d+)");

    private ProviderRpc() {
    }

    /**
     * A provider failure as it travels: {@code message} is the provider's own message, without the
     * "provider operation failed: " prefix that {@link ProviderException} adds.
     */
    record RemoteError(String type, String provider, String operation, String message, boolean transientFailure,
            Duration retryAfter, int statusCode, String mergeRefusal) {

        static RemoteError of(Throwable t) {
            if (t instanceof ProviderException e) {
                String prefix = e.provider() + " " + e.operation() + " failed: ";
                String message = e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length())
                        : e.getMessage();
                return new RemoteError(ProviderException.class.getSimpleName(), e.provider(), e.operation(), message,
                        e.isTransient(), e.retryAfter().orElse(null), e.statusCode(),
                        e instanceof MergeRefusedException m ? m.reason().name() : null);
            }
            return new RemoteError(t.getClass().getName(), null, null, String.valueOf(t.getMessage()), false, null,
                    0, null);
        }

        RuntimeException toException() {
            if (mergeRefusal != null) {
                Matcher number = PULL_REQUEST_NUMBER.matcher(operation);
                return new MergeRefusedException(provider, number.find() ? Integer.parseInt(number.group(1)) : 0,
                        MergeRefusedException.Reason.valueOf(mergeRefusal), message, statusCode);
            }
            if (provider != null) {
                return new ProviderException(provider, operation, message, transientFailure, retryAfter, statusCode,
                        null);
            }
            return new IllegalStateException("the provider threw " + type + ": " + message);
        }
    }

    /** Serves the providers given to {@link #serve} on a free loopback port until closed. Thread-safe. */
    static final class Server implements AutoCloseable {
        static {
            // Without TCP_NODELAY the response body waits for the ACK of its headers, which the client delays by
            // 40 ms: every call would take ~100 ms instead of ~1. Read once, when the first server starts.
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }

        private final HttpServer http;
        private final ExecutorService executor = Executors.newFixedThreadPool(4);
        private final Map<String, Object> providers = new ConcurrentHashMap<>();
        private final Map<String, Class<?>> spis = new ConcurrentHashMap<>();

        Server() throws IOException {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            http.setExecutor(executor);
            http.createContext("/", exchange -> {
                try (exchange) {
                    try {
                        respond(exchange, 200, call(exchange));
                    } catch (InvocationTargetException e) {
                        respond(exchange, 409, RemoteError.of(e.getCause()));
                    } catch (Exception e) {
                        respond(exchange, 500, RemoteError.of(e));
                    }
                }
            });
            http.start();
        }

        /** Serves {@code provider} as {@code name}: calls to {@code /<name>/<method>} invoke {@code spi}'s method. */
        <T> Server serve(String name, Class<T> spi, T provider) {
            spis.put(name, spi);
            providers.put(name, provider);
            return this;
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
        }

        @Override
        public void close() {
            http.stop(0);
            executor.shutdownNow();
        }

        private Object call(HttpExchange exchange) throws IOException, ReflectiveOperationException {
            String[] path = exchange.getRequestURI().getPath().split("/");
            Object target = path.length == 3 ? providers.get(path[1]) : null;
            if (target == null) {
                throw new IllegalArgumentException("no provider named by " + exchange.getRequestURI());
            }
            Method method = Arrays.stream(spis.get(path[1]).getMethods()).filter(m -> m.getName().equals(path[2]))
                    .findFirst().orElseThrow(() -> new NoSuchMethodException(path[1] + "." + path[2]));
            JsonNode argsJson = JSON.readTree(exchange.getRequestBody());
            Object[] args = new Object[method.getParameterCount()];
            for (int i = 0; i < args.length; i++) {
                JavaType type = JSON.getTypeFactory().constructType(method.getGenericParameterTypes()[i]);
                args[i] = JSON.readValue(JSON.treeAsTokens(argsJson.get(i)), type);
            }
            return method.invoke(target, args);
        }

        private static void respond(HttpExchange exchange, int status, Object body) throws IOException {
            byte[] bytes = JSON.writeValueAsBytes(body);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    /** A {@code spi} whose every call goes to provider {@code name} at {@code server}. Thread-safe. */
    static <T> T client(URI server, String name, Class<T> spi) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        Object proxy = Proxy.newProxyInstance(spi.getClassLoader(), new Class<?>[] {spi}, (self, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> self == args[0];
                    case "hashCode" -> System.identityHashCode(self);
                    default -> "rpc " + spi.getSimpleName() + " " + name + " at " + server;
                };
            }
            HttpRequest request = HttpRequest.newBuilder(server.resolve("/" + name + "/" + method.getName()))
                    .timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(
                            args == null ? new Object[0] : args)))
                    .build();
            HttpResponse<byte[]> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                // What a real provider reports when its server cannot be reached: worth another try.
                throw ProviderException.transientFailure(name, method.getName(), e.toString(), null, e);
            }
            if (response.statusCode() != 200) {
                throw JSON.readValue(response.body(), RemoteError.class).toException();
            }
            if (method.getReturnType() == void.class) {
                return null;
            }
            return JSON.readValue(response.body(), JSON.getTypeFactory().constructType(method.getGenericReturnType()));
        });
        return spi.cast(proxy);
    }
}
