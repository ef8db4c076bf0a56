package io.releasepipeline.azure.internal;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.exception.ClientAuthenticationException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * A bearer token that a CI system already holds, read from an environment variable at each token request. Its
 * expiry is the JWT's {@code exp} claim when the token is a JWT, otherwise one hour from now. Thread-safe. The
 * token never appears in toString or in an exception message. Not public API.
 */
public final class EnvironmentTokenCredential implements TokenCredential {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String variable;
    private final Function<String, String> environment;

    public EnvironmentTokenCredential(String variable, Function<String, String> environment) {
        this.variable = variable;
        this.environment = environment;
    }

    @Override
    public Mono<AccessToken> getToken(TokenRequestContext request) {
        return Mono.fromCallable(() -> getTokenSync(request));
    }

    @Override
    public AccessToken getTokenSync(TokenRequestContext request) {
        String token = environment.apply(variable);
        if (token == null || token.isBlank()) {
            throw new ClientAuthenticationException("environment variable " + variable
                    + " holds no access token (it is unset or empty)", null);
        }
        return new AccessToken(token.trim(), expiryOf(token.trim()));
    }

    static OffsetDateTime expiryOf(String token) {
        String[] parts = token.split("\\.");
        if (parts.length == 3) {
            try {
                JsonNode claims = JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]),
                        StandardCharsets.UTF_8));
                if (claims.path("exp").canConvertToLong()) {
                    return Instant.ofEpochSecond(claims.path("exp").asLong()).atOffset(ZoneOffset.UTC);
                }
            } catch (RuntimeException | java.io.IOException notAJwt) {
                // An opaque token: fall through to the default lifetime.
            }
        }
        return OffsetDateTime.now(ZoneOffset.UTC).plusHours(1);
    }

    @Override
    public String toString() {
        return "bearer token from $" + variable;
    }
}
