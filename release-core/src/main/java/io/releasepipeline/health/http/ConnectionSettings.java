package io.releasepipeline.health.http;

import java.net.http.HttpClient;
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

    /** A client with these TLS and redirect settings, connecting within {@code connectTimeout}. */
    HttpClient client(Duration connectTimeout) {
        return HttpCalls.client(sslContext, followRedirects, connectTimeout);
    }
}
