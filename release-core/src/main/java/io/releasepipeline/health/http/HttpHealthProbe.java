package io.releasepipeline.health.http;

import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.error.ReleaseInterruptedException;
import io.releasepipeline.format.Format;
import io.releasepipeline.health.HealthProbe;
import io.releasepipeline.health.SmokeTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The synthetic health monitor over {@code java.net.http}: one GET of the health endpoint (default
 * {@code /health}), up if and only if it answers the expected status (default 200) within the timeout (default
 * 2 s). The engine calls it every probe interval to detect "health endpoint down > 30 seconds continuous".
 *
 * <p>Same safety rules as {@link HttpSmokeCheck}: redirects not followed unless asked, TLS verified, plain http to
 * loopback only unless allowed, header values never shown.
 *
 * <p>Thread-safe and immutable once built. {@link #probe} blocks for at most the timeout and never throws for a
 * failed request: a timeout, a refused connection or a wrong status is "down" with a detail saying which.
 */
public final class HttpHealthProbe implements HealthProbe {

    /** The probe timeout: 2 seconds. */
    public static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofSeconds(2);

    /** The endpoint probed unless {@link Builder#endpoint(Endpoint)} says otherwise: {@code GET /health} for 200. */
    public static final Endpoint DEFAULT_ENDPOINT = Endpoint.get("/health");

    private final BaseUrl baseUrl;
    private final Endpoint endpoint;
    private final Duration timeout;
    private final HttpCalls.Transport transport;

    private HttpHealthProbe(Builder b, BaseUrl baseUrl) {
        this.baseUrl = baseUrl;
        this.endpoint = b.endpoint;
        this.timeout = b.timeout;
        this.transport = b.connection.transport(b.timeout);
    }

    /**
     * A builder with the defaults; set a base URL or turn on the revision URL.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * GETs the endpoint once.
     *
     * <p>The description stays the same for a steady endpoint ({@code "GET /health 200"}, or down with the status
     * or error), so the evidence writes it once; the exchange's latency comes with the result
     * ({@link ProbeResult#latency()}) and goes to the samples' latency column.
     *
     * @return up with e.g. {@code "GET /health 200"}, or down with what went wrong; either with the latency
     * @throws ReleaseInterruptedException if the calling thread is interrupted
     */
    @Override
    public ProbeResult probe(SmokeTarget target) {
        BaseUrl.Resolved base = baseUrl.resolve(target);
        if (base.url().isEmpty()) {
            return ProbeResult.down(base.problem());
        }
        HttpCalls.Outcome outcome = HttpCalls.call(transport, base.url().get(), endpoint, timeout);
        return outcome.ok()
                ? ProbeResult.up("GET " + endpoint.path() + " " + outcome.status().orElseThrow(), outcome.latency())
                : ProbeResult.down("GET " + endpoint.path() + ": " + outcome.error().orElseThrow(), outcome.latency());
    }

    /** The endpoint, timeout and base URL; never a header value. */
    @Override
    public String toString() {
        return "HttpHealthProbe[" + baseUrl + ", " + endpoint + ", timeout=" + Format.duration(timeout) + "]";
    }

    /**
     * Configures an {@link HttpHealthProbe}. Not thread-safe; {@link #build()} copies everything and reports every
     * problem at once.
     */
    public static final class Builder {
        private Endpoint endpoint = DEFAULT_ENDPOINT;
        private Duration timeout = DEFAULT_PROBE_TIMEOUT;

        private final ConnectionSettings connection = new ConnectionSettings();

        private Builder() {
        }

        /**
         * The URL the endpoint path is appended to. Required unless {@link #targetRevisionUrl(boolean)} is on.
         *
         * @param baseUrl the URL the endpoint path is appended to
         * @return this builder
         */
        public Builder baseUrl(String baseUrl) {
            connection.baseUrl = Optional.of(Objects.requireNonNull(baseUrl, "baseUrl"));
            return this;
        }

        /**
         * When on, probe the target revision's own URL, falling back to the base URL. Default off.
         *
         * @param useRevisionUrl when on, probe the target revision's own URL, falling back to the base URL
         * @return this builder
         */
        public Builder targetRevisionUrl(boolean useRevisionUrl) {
            connection.targetRevisionUrl = useRevisionUrl;
            return this;
        }

        /**
         * The endpoint to probe, with its expected status and headers. Default {@code GET /health} for 200.
         *
         * @param endpoint the endpoint to probe, with its expected status and headers
         * @return this builder
         */
        public Builder endpoint(Endpoint endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /**
         * How long one probe may take, the whole exchange included. Default 2 s.
         *
         * @param timeout how long one probe may take, the whole exchange included
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Whether to follow redirects: at most 5, within the request timeout, never
         * from https to http nor to a URL the plain-http rule refuses. Every header the endpoint sends (they may be
         * credentials) goes only to the first request's origin (scheme, host and port): a hop to another origin,
         * and every hop after it, carries none. Default off: a redirect is "down", naming where it pointed.
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
         * The TLS context to verify servers with. Default: the JDK's.
         *
         * @param sslContext the TLS context to verify servers with
         * @return this builder
         */
        public Builder sslContext(SSLContext sslContext) {
            connection.sslContext = Optional.of(Objects.requireNonNull(sslContext, "sslContext"));
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return a new {@code HttpHealthProbe} with this builder's settings
         * @throws InvalidConfigurationException listing every problem; header values are never quoted
         */
        public HttpHealthProbe build() {
            List<String> problems = new ArrayList<>();
            BaseUrl base = connection.baseUrl();
            base.validate(problems);
            problems.addAll(endpoint.problems("endpoint " + endpoint.shownPath()));
            HttpCalls.requirePositive(problems, "timeout", timeout);
            if (!problems.isEmpty()) {
                throw new InvalidConfigurationException("HttpHealthProbe", problems);
            }
            return new HttpHealthProbe(this, base);
        }
    }
}
