package io.releasepipeline.azure.internal;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.management.AzureEnvironment;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * A bearer token that a CI system already holds (e.g. from {@code az account get-access-token}), read from an
 * environment variable at each token request, for one service only.
 *
 * <ul>
 * <li>Scope: a request for a scope other than the service's audiences (e.g. Blob storage's
 * {@code https://storage.azure.com/.default} from a Resource Manager credential) is refused, so the token is never
 * sent to a service it was not made for.</li>
 * <li>Audience: when the token is a JWT with an {@code aud} claim, it must be one of the service's audiences.</li>
 * <li>Expiry: the JWT's {@code exp} claim, so the Azure SDK knows when the token ends; a token whose {@code exp} has
 * passed is refused rather than sent. An opaque (non-JWT) token is taken to last one hour from each request.</li>
 * </ul>
 * A refusal is a {@link ClientAuthenticationException} naming the variable and what is wrong; the token never appears
 * in a message or in {@link #toString()}. Signatures are not checked here: the service does that. Thread-safe
 * (immutable). Not public API.
 */
public final class EnvironmentTokenCredential implements TokenCredential {

    /** Resource Manager's application id, which some of its tokens carry as {@code aud} (the same in every cloud). */
    static final String RESOURCE_MANAGER_APP_ID = "797f4846-ba00-4fd7-ba43-dac1f8f63013";
    /** Azure Storage's audience, for tokens valid on every storage account. */
    static final String STORAGE_AUDIENCE = "https://storage.azure.com";
    /** Azure Storage's application id. */
    static final String STORAGE_APP_ID = "e406a681-f3d4-42a8-90b6-c2b029497af1";
    /** The Log Analytics query API's audience. */
    public static final String LOG_ANALYTICS_AUDIENCE = "https://api.loganalytics.io";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEFAULT_SUFFIX = "/.default";

    private final String variable;
    private final Function<String, String> environment;
    private final String service;
    /** Normalized, first the primary one (named in messages). */
    private final List<String> audiences;

    /**
     * @param variable the environment variable holding the token
     * @param environment where the variable is read
     * @param service the service the token is for, in words (for messages)
     * @param audiences the audiences (resource URIs or application ids) the token may be asked and issued for
     */
    public EnvironmentTokenCredential(String variable, Function<String, String> environment, String service,
            Collection<String> audiences) {
        this.variable = variable;
        this.environment = environment;
        this.service = service;
        java.util.Set<String> normalized = new LinkedHashSet<>();
        audiences.forEach(a -> normalized.add(normalize(a)));
        this.audiences = List.copyOf(normalized);
    }

    /**
     * A token for Resource Manager at {@code endpoint} (without a trailing slash): asked for as
     * {@code <endpoint>/.default}, or for a known cloud also as its management endpoint (the Azure SDK's management
     * libraries ask for {@code https://management.core.windows.net//.default} on the public cloud).
     */
    public static EnvironmentTokenCredential forResourceManager(String variable, Function<String, String> environment,
            String endpoint) {
        List<String> audiences = new ArrayList<>();
        audiences.add(endpoint);
        for (AzureEnvironment cloud : AzureEnvironment.knownEnvironments()) {
            if (normalize(cloud.getResourceManagerEndpoint()).equals(normalize(endpoint))) {
                audiences.add(cloud.getManagementEndpoint());
            }
        }
        audiences.add(RESOURCE_MANAGER_APP_ID);
        return new EnvironmentTokenCredential(variable, environment, "Resource Manager (" + endpoint + ")",
                audiences);
    }

    /**
     * A token for Azure Blob storage at {@code blobEndpoint}: asked for as {@code https://storage.azure.com/.default}
     * (the SDK's default) or as the account's own URL.
     */
    public static EnvironmentTokenCredential forStorage(String variable, Function<String, String> environment,
            URI blobEndpoint) {
        List<String> audiences = new ArrayList<>(List.of(STORAGE_AUDIENCE, STORAGE_APP_ID, blobEndpoint.toString()));
        if (blobEndpoint.getScheme() != null && blobEndpoint.getRawAuthority() != null) {
            audiences.add(blobEndpoint.getScheme() + "://" + blobEndpoint.getRawAuthority());
        }
        return new EnvironmentTokenCredential(variable, environment, "Azure Storage (" + blobEndpoint + ")",
                audiences);
    }

    /**
     * A token for the Log Analytics query API at {@code endpoint} (e.g. {@code https://api.loganalytics.io/v1}):
     * asked for as {@code https://<endpoint host>/.default}, which is what azure-monitor-query's
     * {@code LogsQueryClient} asks for, and issued for {@code https://api.loganalytics.io} (the audience
     * {@code az account get-access-token --resource https://api.loganalytics.io} gives), its newer name
     * {@code https://api.loganalytics.azure.com}, or the endpoint's own host.
     */
    public static EnvironmentTokenCredential forLogAnalytics(String variable, Function<String, String> environment,
            URI endpoint) {
        List<String> audiences = new ArrayList<>(List.of(LOG_ANALYTICS_AUDIENCE, "https://api.loganalytics.azure.com"));
        audiences.add("https://" + endpoint.getHost());
        return new EnvironmentTokenCredential(variable, environment, "the Log Analytics query API (" + endpoint
                + ")", audiences);
    }

    @Override
    public Mono<AccessToken> getToken(TokenRequestContext request) {
        return Mono.fromCallable(() -> getTokenSync(request));
    }

    /**
     * {@inheritDoc}
     *
     * @throws ClientAuthenticationException if the variable is unset or empty, the scope is another service's, the
     *         token was issued for another audience, or it has expired
     */
    @Override
    public AccessToken getTokenSync(TokenRequestContext request) {
        for (String scope : request.getScopes()) {
            String resource = scope.endsWith(DEFAULT_SUFFIX)
                    ? scope.substring(0, scope.length() - DEFAULT_SUFFIX.length()) : scope;
            if (!audiences.contains(normalize(resource))) {
                throw new ClientAuthenticationException("the access token in environment variable " + variable
                        + " is for " + service + "; it is not sent to " + resource + " (asked for scope " + scope
                        + "). Give that service a token of its own", null);
            }
        }
        String raw = environment.apply(variable);
        if (raw == null || raw.isBlank()) {
            throw new ClientAuthenticationException("environment variable " + variable
                    + " holds no access token (it is unset or empty)", null);
        }
        String token = raw.trim();
        Optional<JsonNode> claims = claims(token);
        List<String> issuedFor = new ArrayList<>();
        claims.map(c -> c.path("aud")).ifPresent(aud -> {
            if (aud.isArray()) {
                aud.forEach(a -> issuedFor.add(a.asText()));
            } else if (aud.isTextual()) {
                issuedFor.add(aud.asText());
            }
        });
        if (!issuedFor.isEmpty() && issuedFor.stream().map(EnvironmentTokenCredential::normalize)
                .noneMatch(audiences::contains)) {
            throw new ClientAuthenticationException("the access token in environment variable " + variable
                    + " was issued for audience " + String.join(", ", issuedFor) + ", not for " + service
                    + ". Get one for it, e.g. az account get-access-token --resource " + audiences.get(0),
                    null);
        }
        Optional<Instant> exp = claims.map(c -> c.path("exp")).filter(JsonNode::canConvertToLong)
                .map(e -> Instant.ofEpochSecond(e.asLong()));
        if (exp.isPresent() && !exp.get().isAfter(Instant.now())) {
            throw new ClientAuthenticationException("the access token in environment variable " + variable
                    + " expired at " + exp.get() + " (its exp claim); put a fresh one in it (e.g. az account "
                    + "get-access-token) and run again", null);
        }
        OffsetDateTime expiresAt = exp.map(e -> e.atOffset(ZoneOffset.UTC))
                .orElseGet(() -> OffsetDateTime.now(ZoneOffset.UTC).plusHours(1));
        return new AccessToken(token, expiresAt);
    }

    /** The claims of a JWT, or empty for an opaque token. */
    static Optional<JsonNode> claims(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            JsonNode claims = JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]),
                    StandardCharsets.UTF_8));
            return claims != null && claims.isObject() ? Optional.of(claims) : Optional.empty();
        } catch (IOException | IllegalArgumentException notAJwt) {
            return Optional.empty();
        }
    }

    private static String normalize(String audience) {
        return audience.trim().replaceAll("/+$", "").toLowerCase(Locale.ROOT);
    }

    /** Where the token comes from and what it is for; never the token. */
    @Override
    public String toString() {
        return "bearer token from $" + variable + " for " + service;
    }
}
