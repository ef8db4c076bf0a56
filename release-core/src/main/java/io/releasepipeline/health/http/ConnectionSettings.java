package io.releasepipeline.health.http;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The connection settings {@link HttpSmokeCheck.Builder} and {@link HttpHealthProbe.Builder} share: where to send
 * requests and how safely. Mutable, owned by one builder; {@link #baseUrl()} and {@link #client(Duration)} produce
 * the immutable pieces a built check keeps.
 */
final class ConnectionSettings {
    Optional<String> baseUrl = Optional.empty();
    boolean targetRevisionUrl;
    boolean followRedirects;
    boolean allowInsecureHttp;
    Optional<SSLContext> sslContext = Optional.empty();

    /** The base URL policy; validate it with {@link BaseUrl#validate(List)}. */
    BaseUrl baseUrl() {
        return new BaseUrl(baseUrl, targetRevisionUrl, allowInsecureHttp);
    }

    /**
     * How requests go out: a client with these TLS settings, connecting within {@code connectTimeout}, that never
     * follows redirects itself; {@link HttpCalls#call} follows them when asked, keeping headers to the origin.
     */
    HttpCalls.Transport transport(Duration connectTimeout) {
        return new HttpCalls.Transport(HttpCalls.client(sslContext, connectTimeout), followRedirects,
                allowInsecureHttp);
    }
}
