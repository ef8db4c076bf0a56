package io.releasepipeline.health.http;

import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.error.ReleaseInterruptedException;
import io.releasepipeline.format.Format;
import io.releasepipeline.format.SafeText;
import io.releasepipeline.health.EndpointResult;
import io.releasepipeline.health.SmokeCheck;
import io.releasepipeline.health.SmokeResult;
import io.releasepipeline.health.SmokeTarget;
import io.releasepipeline.time.ReleaseClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runbook's smoke check (step 4, and the verification after a rollback) over {@code java.net.http}: every
 * endpoint must answer its expected status (200 unless set) with a warm latency under the SLO (SLO-2, 500 ms).
 *
 * <p>For each endpoint: one warm-up request, whose answer must already be right but whose latency is not counted
 * (it pays for connection set-up and cold caches), then {@linkplain Builder#samples(int) N samples} in sequence.
 * The endpoint's <em>warm latency</em> is the median of the samples; it passes when every request answered as
 * expected and the median is strictly under the SLO. The p95 (nearest rank; with 3 samples, the slowest) is
 * reported alongside. Endpoints are probed concurrently, at most {@linkplain Builder#concurrency(int) a bound} at
 * a time. Latency is real time measured with {@link System#nanoTime()}; only the result's {@code at} comes from
 * the {@link ReleaseClock} passed to {@link #run}.
 *
 * <p>Safe defaults: redirects are not followed, TLS certificates and host names are verified (pass an
 * {@link SSLContext} to trust a private CA), plain {@code http://} is refused except to loopback hosts, and every
 * request has a timeout covering the whole exchange. Header values are never logged, shown in {@link #toString()}
 * or put in a result.
 *
 * <p>Thread-safe and immutable once built; one instance can run many checks at once. A run blocks for at most
 * about {@code ceil(endpoints / concurrency) * (samples + 1) * requestTimeout}.
 *
 * <pre>{@code
 * SmokeCheck smoke = HttpSmokeCheck.builder()
 *         .baseUrl("https://trade-nexus-backend.example.azurecontainerapps.io")
 *         .endpoint(Endpoint.get("/health"))
 *         .endpoint(Endpoint.get("/v1/markets?limit=5").header("Authorization", "Bearer " + token))
 *         .build();
 * }</pre>
 */
public final class HttpSmokeCheck implements SmokeCheck {

    /** The warm-latency SLO: 500 ms, the runbook's SLO-2. */
    public static final Duration DEFAULT_SMOKE_LATENCY_SLO = Duration.ofMillis(500);

    /** Warm samples per endpoint after the warm-up request: 3. */
    public static final int DEFAULT_SAMPLES = 3;

    /** The timeout of each request, covering connect, headers and body: 5 seconds. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

    /** How many endpoints are probed at once: 4. */
    public static final int DEFAULT_CONCURRENCY = 4;

    private static final Logger LOG = LoggerFactory.getLogger(HttpSmokeCheck.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final BaseUrl baseUrl;
    private final List<Endpoint> endpoints;
    private final int samples;
    private final Duration latencySlo;
    private final Duration requestTimeout;
    private final int concurrency;
    private final HttpCalls.Transport transport;

    private HttpSmokeCheck(Builder b, BaseUrl baseUrl) {
        this.baseUrl = baseUrl;
        this.endpoints = b.endpoints.stream().map(e -> e.withDefaultHeaders(b.headers)).toList();
        this.samples = b.samples;
        this.latencySlo = b.latencySlo;
        this.requestTimeout = b.requestTimeout;
        this.concurrency = b.concurrency;
        this.transport = b.connection.transport(b.requestTimeout);
    }

    /**
     * A builder with the runbook's defaults; set a base URL (or the revision URL) and at least one endpoint.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Probes every endpoint of {@code target} and returns PASS only if all passed. Never throws for an endpoint
     * that fails, times out or refuses the connection: that endpoint's result says what went wrong. When no base
     * URL can be found for the target (the revision has no URL and none is configured), every endpoint fails
     * with that reason.
     *
     * @throws ReleaseInterruptedException if the calling thread is interrupted; in-flight requests are cancelled
     */
    @Override
    public SmokeResult run(SmokeTarget target, ReleaseClock clock) {
        BaseUrl.Resolved base = baseUrl.resolve(target);
        if (base.url().isEmpty()) {
            List<EndpointResult> failed = endpoints.stream()
                    .map(e -> EndpointResult.failed(e.path(), Optional.empty(), base.problem())).toList();
            return finish(SmokeResult.of(target.revision(), clock.now(), failed));
        }
        String url = base.url().get();
        List<Callable<EndpointResult>> tasks = endpoints.stream()
                .<Callable<EndpointResult>>map(e -> () -> check(url, e)).toList();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, endpoints.size()), r -> {
            Thread t = new Thread(r, "smoke-check-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        List<EndpointResult> results = new ArrayList<>();
        try {
            List<Future<EndpointResult>> futures = pool.invokeAll(tasks);
            for (int i = 0; i < futures.size(); i++) {
                results.add(resultOf(futures.get(i), endpoints.get(i)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReleaseInterruptedException("interrupted during the smoke check of " + target.revision(), e);
        } finally {
            pool.shutdownNow();
        }
        return finish(SmokeResult.of(target.revision(), clock.now(), results));
    }

    private static SmokeResult finish(SmokeResult result) {
        LOG.debug("smoke check {}", SafeText.line(result.summary()));
        return result;
    }

    private static EndpointResult resultOf(Future<EndpointResult> future, Endpoint endpoint)
            throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            // check() handles every I/O failure; this is a bug, but it must still read as a FAIL, not an exception.
            LOG.warn("smoke check of {} failed unexpectedly", SafeText.line(endpoint.path()),
                    SafeText.loggable(e.getCause()));
            return EndpointResult.failed(endpoint.path(), Optional.empty(),
                    "unexpected " + e.getCause().getClass().getSimpleName());
        }
    }

    private EndpointResult check(String base, Endpoint endpoint) {
        HttpCalls.Outcome warmUp = HttpCalls.call(transport, base, endpoint, requestTimeout);
        if (!warmUp.ok()) {
            return EndpointResult.failed(endpoint.path(), warmUp.status(), "warm-up request: " + warmUp.error().get());
        }
        long[] nanos = new long[samples];
        Optional<Integer> status = warmUp.status();
        for (int i = 0; i < samples; i++) {
            HttpCalls.Outcome sample = HttpCalls.call(transport, base, endpoint, requestTimeout);
            if (!sample.ok()) {
                return EndpointResult.failed(endpoint.path(), sample.status(),
                        "sample " + (i + 1) + " of " + samples + ": " + sample.error().get());
            }
            nanos[i] = sample.latency().toNanos();
            status = sample.status();
        }
        Arrays.sort(nanos);
        Duration median = Duration.ofNanos(samples % 2 == 1 ? nanos[samples / 2]
                : (nanos[samples / 2 - 1] + nanos[samples / 2]) / 2);
        Duration p95 = Duration.ofNanos(nanos[(int) Math.ceil(0.95 * samples) - 1]);
        if (median.compareTo(latencySlo) >= 0) {
            return new EndpointResult(endpoint.path(), false, status, Optional.of(median), Optional.of(p95),
                    Optional.of("warm median " + Format.duration(median) + " is not under the SLO of "
                            + Format.duration(latencySlo)));
        }
        return EndpointResult.ok(endpoint.path(), status.orElseThrow(), median, p95);
    }

    /**
     * The endpoints probed, with the builder's common headers merged in.
     *
     * @return the endpoints probed, with the builder's common headers merged in
     */
    public List<Endpoint> endpoints() {
        return endpoints;
    }

    /**
     * Warm samples per endpoint.
     *
     * @return the warm samples per endpoint
     */
    public int samples() {
        return samples;
    }

    /**
     * The warm-latency SLO.
     *
     * @return the warm-latency SLO
     */
    public Duration latencySlo() {
        return latencySlo;
    }

    /**
     * The timeout of each request.
     *
     * @return the timeout of each request
     */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /**
     * How many endpoints are probed at once.
     *
     * @return how many endpoints are probed at once
     */
    public int concurrency() {
        return concurrency;
    }

    /** The base URL (scheme, host, port, path only), endpoints and settings; never a header value. */
    @Override
    public String toString() {
        return "HttpSmokeCheck[" + baseUrl + ", endpoints=" + endpoints + ", samples=" + samples + ", slo="
                + Format.duration(latencySlo) + ", timeout=" + Format.duration(requestTimeout) + "]";
    }

    /**
     * Configures an {@link HttpSmokeCheck}. Not thread-safe; {@link #build()} copies everything, so a builder can
     * be reused. The order of calls never matters: {@link #build()} reports every problem at once.
     */
    public static final class Builder {
        private final List<Endpoint> endpoints = new ArrayList<>();
        private final Map<String, String> headers = new LinkedHashMap<>();
        private int samples = DEFAULT_SAMPLES;
        private Duration latencySlo = DEFAULT_SMOKE_LATENCY_SLO;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private int concurrency = DEFAULT_CONCURRENCY;

        private final ConnectionSettings connection = new ConnectionSettings();

        private Builder() {
        }

        /**
         * The URL the endpoint paths are appended to, e.g. {@code https://backend.example.com} or
         * {@code https://example.com/api}. Required unless {@link #targetRevisionUrl(boolean)} is on; with both,
         * it is the fallback for a revision without a URL of its own.
         *
         * @param baseUrl the URL the endpoint paths are appended to, e.g. {@code https://backend.example.com} or
         *     {@code https://example.com/api}
         * @return this builder
         */
        public Builder baseUrl(String baseUrl) {
            connection.baseUrl = Optional.of(Objects.requireNonNull(baseUrl, "baseUrl"));
            return this;
        }

        /**
         * When on, probe the target revision's own URL ({@link SmokeTarget#revisionUrl()}), so that a canary at
         * 10% is checked itself rather than through the app's split traffic. Default: off.
         *
         * @param useRevisionUrl when on, probe the target revision's own URL ({@link SmokeTarget#revisionUrl()}), so
         *     that a canary at 10% is checked itself rather than through the app's split traffic
         * @return this builder
         */
        public Builder targetRevisionUrl(boolean useRevisionUrl) {
            connection.targetRevisionUrl = useRevisionUrl;
            return this;
        }

        /**
         * Adds an endpoint. At least one is required.
         *
         * @param endpoint the endpoint
         * @return this builder
         */
        public Builder endpoint(Endpoint endpoint) {
            endpoints.add(Objects.requireNonNull(endpoint, "endpoint"));
            return this;
        }

        /**
         * Adds endpoints.
         *
         * @param endpoints the endpoints
         * @return this builder
         */
        public Builder endpoints(List<Endpoint> endpoints) {
            endpoints.forEach(this::endpoint);
            return this;
        }

        /**
         * A header sent to every endpoint (an endpoint's own header of the same name wins). The value is never
         * logged or shown.
         *
         * @param name the header's name
         * @param value the header's value, never logged
         * @return this builder
         */
        public Builder header(String name, String value) {
            headers.put(Objects.requireNonNull(name, "header name"), Objects.requireNonNull(value, "header value"));
            return this;
        }

        /**
         * Warm samples per endpoint after the warm-up request. Default {@value HttpSmokeCheck#DEFAULT_SAMPLES}; at
         * least 1.
         *
         * @param samples warm samples per endpoint, at least 1
         * @return this builder
         */
        public Builder samples(int samples) {
            this.samples = samples;
            return this;
        }

        /**
         * The warm-latency SLO: the median must be strictly under it. Default 500 ms.
         *
         * @param slo the warm-latency SLO: the median must be strictly under it
         * @return this builder
         */
        public Builder latencySlo(Duration slo) {
            this.latencySlo = Objects.requireNonNull(slo, "latencySlo");
            return this;
        }

        /**
         * The timeout of each request, covering connect, headers and body. Default 5 s.
         *
         * @param timeout the timeout of each request, covering connect, headers and body
         * @return this builder
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = Objects.requireNonNull(timeout, "requestTimeout");
            return this;
        }

        /**
         * How many endpoints are probed at once. Default {@value HttpSmokeCheck#DEFAULT_CONCURRENCY}; at least 1.
         *
         * @param concurrency how many endpoints are probed at once
         * @return this builder
         */
        public Builder concurrency(int concurrency) {
            this.concurrency = concurrency;
            return this;
        }

        /**
         * Whether to follow redirects: at most 5, within the request timeout, never
         * from https to http nor to a URL the plain-http rule refuses. Every header the endpoints send (they may be
         * credentials) goes only to the first request's origin (scheme, host and port): a hop to another origin,
         * and every hop after it, carries none. Default off: a redirect is a FAIL that names where it pointed,
         * since a health endpoint that redirects is usually a login page.
         *
         * @param follow whether to follow redirects: at most 5, within the request timeout, never from https to http
         *     nor to a URL the plain-http rule refuses
         * @return this builder
         */
        public Builder followRedirects(boolean follow) {
            connection.followRedirects = follow;
            return this;
        }

        /**
         * Whether plain {@code http://} may go to a non-loopback host. Default off.
         *
         * @param allow whether plain {@code http://} may go to a non-loopback host
         * @return this builder
         */
        public Builder allowInsecureHttp(boolean allow) {
            connection.allowInsecureHttp = allow;
            return this;
        }

        /**
         * The TLS context to verify servers with, e.g. one that trusts a private CA or a test certificate.
         * Default: the JDK's, which trusts the JDK's CA certificates. Host names are verified either way.
         *
         * @param sslContext the TLS context to verify servers with, e.g. one that trusts a private CA or a test
         *     certificate
         * @return this builder
         */
        public Builder sslContext(SSLContext sslContext) {
            connection.sslContext = Optional.of(Objects.requireNonNull(sslContext, "sslContext"));
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return a new {@code HttpSmokeCheck} with this builder's settings
         * @throws InvalidConfigurationException listing every problem (missing base URL, insecure http, no
         *         endpoints, bad paths, statuses, headers, non-positive durations or counts); header values are
         *         never quoted
         */
        public HttpSmokeCheck build() {
            List<String> problems = new ArrayList<>();
            BaseUrl base = connection.baseUrl();
            base.validate(problems);
            if (endpoints.isEmpty()) {
                problems.add("endpoints: at least one is required, e.g. Endpoint.get(\"/health\")");
            }
            for (int i = 0; i < endpoints.size(); i++) {
                problems.addAll(endpoints.get(i).problems("endpoints[" + i + "] " + endpoints.get(i).shownPath()));
            }
            headers.forEach((name, value) -> HttpCalls.headerProblem(name, value)
                    .ifPresent(p -> problems.add("header '" + name + "' " + p)));
            if (samples < 1) {
                problems.add("samples: must be at least 1, got " + samples);
            }
            if (concurrency < 1) {
                problems.add("concurrency: must be at least 1, got " + concurrency);
            }
            HttpCalls.requirePositive(problems, "latencySlo", latencySlo);
            HttpCalls.requirePositive(problems, "requestTimeout", requestTimeout);
            if (!problems.isEmpty()) {
                throw new InvalidConfigurationException("HttpSmokeCheck", problems);
            }
            return new HttpSmokeCheck(this, base);
        }
    }
}
