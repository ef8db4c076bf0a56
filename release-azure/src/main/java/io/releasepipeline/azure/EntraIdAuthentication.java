package io.releasepipeline.azure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.format.Urls;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How {@link AzureAlertWebhook#withEntraId(EntraIdAuthentication)} checks the Microsoft Entra ID access token that
 * an action group's <em>Secure webhook</em> action sends as {@code Authorization: Bearer <JWT>}. Azure requests that
 * token as the action groups service principal ("AzNS AAD Webhook", app id {@value #ACTION_GROUPS_APP_ID}) for the
 * Entra application that protects the receiver, which must define the app role {@value #ACTION_GROUPS_ROLE} and
 * assign it to that service principal (Microsoft's action group docs give the script).
 *
 * <pre>{@code
 * EntraIdAuthentication entra = EntraIdAuthentication.builder()
 *         .tenantId("aaaabbbb-0000-cccc-1111-dddd2222eeee")          // Entra ID > Overview > Tenant ID
 *         .audiences("api://release-alerts", "00001111-aaaa-2222-bbbb-3333cccc4444") // app ID URI, client id
 *         .build();
 * }</pre>
 *
 * <p>A token is accepted only if all of these hold: it is a JWS signed with RS256 (no other {@code alg}: not
 * {@code none}, not HS256) by a key the tenant publishes (its OpenID configuration's {@code jwks_uri}); its
 * {@code iss} is the tenant's v1 ({@code https://sts.windows.net/<tenant>/}) or v2
 * ({@code https://login.microsoftonline.com/<tenant>/v2.0}) issuer and its {@code tid}, if present, the tenant; its
 * {@code aud} is one of the {@link Builder#audiences(String...) audiences}; {@code exp} and {@code nbf} hold now
 * (system clock, UTC) within the {@link Builder#clockSkew(Duration) clock skew}; {@code roles} contains the
 * {@link Builder#requiredRole(String) required role}; and {@code azp} (v2) or {@code appid} (v1) is one of the
 * {@link Builder#callerAppIds(String...) caller app ids} (default: the action groups app). Only the public Azure
 * cloud's issuers are accepted.
 *
 * <p>Signing keys are fetched on first use from
 * {@code <authority>/<tenant>/v2.0/.well-known/openid-configuration} and its {@code jwks_uri} (which must be on the
 * authority's host), kept for {@link #KEY_MAX_AGE}, and fetched again when a token names a key id not in the cache,
 * at most once per {@link #KEY_REFRESH_INTERVAL} so that made-up key ids cannot flood Entra; after a failed fetch
 * none is tried for {@link #KEY_RETRY_AFTER_FAILURE}, and the receiver answers 503 (which Azure retries) while it
 * has no key to check a token with. The client follows no redirects. No token, and no part of one, is ever logged
 * or put in a message.
 *
 * <p>Immutable configuration; thread-safe (the key cache is guarded).
 */
public final class EntraIdAuthentication {

    /** The public cloud's Entra ID authority. */
    public static final URI DEFAULT_AUTHORITY = URI.create("https://login.microsoftonline.com");
    /** The app id of the action groups service principal ("AzNS AAD Webhook") that secure webhooks authenticate as. */
    public static final String ACTION_GROUPS_APP_ID = "461e8683-5575-4561-ac7f-899cc907d62a";
    /** The app role Microsoft's setup script defines and assigns to the action groups service principal. */
    public static final String ACTION_GROUPS_ROLE = "ActionGroupsSecureWebhook";
    /** How far {@code exp} and {@code nbf} may be off by default. */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofMinutes(2);
    /** The shortest time between two key fetches caused by an unknown key id. */
    public static final Duration KEY_REFRESH_INTERVAL = Duration.ofMinutes(1);
    /** How long fetched keys are used before they are fetched again. */
    public static final Duration KEY_MAX_AGE = Duration.ofHours(24);
    /** After a failed key fetch, how long requests are answered without trying again (Azure retries after 5 s+). */
    public static final Duration KEY_RETRY_AFTER_FAILURE = Duration.ofSeconds(5);
    /** The longest token looked at; Entra access tokens are a few kilobytes. */
    static final int MAX_TOKEN_CHARS = 16 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(EntraIdAuthentication.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern GUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_DOCUMENT_BYTES = 1024 * 1024;
    private static final int MIN_KEY_BITS = 2048;

    private final String tenantId;
    private final Set<String> audiences;
    private final String requiredRole;
    private final Set<String> callerAppIds;
    private final URI authority;
    private final Duration clockSkew;
    private final Set<String> issuers;
    private final HttpClient http;

    private final Object keysLock = new Object();
    /** Guarded by keysLock: key id to key, null until the first successful fetch. */
    private Map<String, RSAPublicKey> keys;
    private long keysFetchedAt;
    private long lastUnknownKeyRefresh;
    private boolean refreshedForUnknownKey;
    private long lastFailedFetch;
    private boolean lastFetchFailed;

    private EntraIdAuthentication(Builder b) {
        this.tenantId = b.tenantId.toLowerCase(Locale.ROOT);
        this.audiences = Set.copyOf(b.audiences);
        this.requiredRole = b.requiredRole;
        this.callerAppIds = Set.copyOf(b.callerAppIds);
        this.authority = URI.create(b.authority.toString().replaceAll("/+$", ""));
        this.clockSkew = b.clockSkew;
        this.issuers = Set.of("https://sts.windows.net/" + tenantId + "/",
                "https://login.microsoftonline.com/" + tenantId + "/v2.0");
        this.http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * A builder with the defaults: public cloud authority, the action groups role and caller, 2 minutes' skew.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * What a token check found.
     *
     * @param accepted whether the token is good
     * @param keysUnavailable whether the check could not be made because the tenant's keys could not be fetched
     *     (worth a retry, unlike a bad token)
     * @param reason why not, for the reply and the log; never any part of the token
     */
    record Verdict(boolean accepted, boolean keysUnavailable, String reason) {

        static final Verdict ACCEPTED = new Verdict(true, false, "accepted");

        static Verdict refused(String reason) {
            return new Verdict(false, false, reason);
        }
    }

    /** Checks a bearer token as the class description says. Thread-safe; may block fetching keys. */
    Verdict verify(String token) {
        if (token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
            return Verdict.refused("the bearer token is not an Entra ID access token");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return Verdict.refused("the bearer token is not a signed JWT");
        }
        JsonNode header = jsonPart(parts[0]);
        JsonNode claims = jsonPart(parts[1]);
        byte[] signature = bytesPart(parts[2]);
        if (header == null || claims == null || signature == null) {
            return Verdict.refused("the bearer token is not a signed JWT");
        }
        // The algorithm is fixed here, never taken from the token: "none" and HS256-keyed-with-the-public-key fail.
        if (!"RS256".equals(header.path("alg").asText(null))) {
            return Verdict.refused("the Entra ID token is not signed with RS256");
        }
        if (header.has("crit")) {
            return Verdict.refused("the Entra ID token has critical header parameters this receiver does not know");
        }
        String kid = header.path("kid").isTextual() ? header.path("kid").asText() : "";
        if (kid.isEmpty()) {
            return Verdict.refused("the Entra ID token names no signing key (kid)");
        }
        RSAPublicKey key;
        try {
            key = signingKey(kid);
        } catch (KeysUnavailableException e) {
            return new Verdict(false, true, "the signing keys of tenant " + tenantId + " could not be fetched; "
                    + "try again later");
        }
        if (key == null) {
            return Verdict.refused("the Entra ID token is signed with a key tenant " + tenantId + " does not publish");
        }
        if (!verifies(key, parts[0] + "." + parts[1], signature)) {
            return Verdict.refused("the Entra ID token's signature does not verify");
        }
        return checkClaims(claims, Instant.now());
    }

    private Verdict checkClaims(JsonNode claims, Instant now) {
        if (!claims.isObject()) {
            return Verdict.refused("the Entra ID token has no claims");
        }
        if (!issuers.contains(claims.path("iss").asText(""))) {
            return Verdict.refused("the Entra ID token was not issued by tenant " + tenantId + " (expected issuer "
                    + String.join(" or ", new TreeSet<>(issuers)) + ")");
        }
        JsonNode tid = claims.path("tid");
        if (!tid.isMissingNode() && !tenantId.equalsIgnoreCase(tid.asText(""))) {
            return Verdict.refused("the Entra ID token is for another tenant than " + tenantId);
        }
        if (!audienceMatches(claims.path("aud"))) {
            return Verdict.refused("the Entra ID token is for another audience (expected one of "
                    + new TreeSet<>(audiences) + ")");
        }
        JsonNode exp = claims.path("exp");
        if (!exp.isNumber()) {
            return Verdict.refused("the Entra ID token has no expiry (exp)");
        }
        if (!now.isBefore(Instant.ofEpochSecond(exp.asLong()).plus(clockSkew))) {
            return Verdict.refused("the Entra ID token has expired");
        }
        JsonNode nbf = claims.path("nbf");
        if (!nbf.isMissingNode() && (!nbf.isNumber() || now.plus(clockSkew).isBefore(Instant.ofEpochSecond(
                nbf.asLong())))) {
            return Verdict.refused("the Entra ID token is not valid yet (nbf)");
        }
        if (!anyText(claims.path("roles"), requiredRole::equals)) {
            return Verdict.refused("the Entra ID token does not carry the app role " + requiredRole + ": assign "
                    + "it to the action groups service principal (AzNS AAD Webhook)");
        }
        if (!callerAppIds.isEmpty()) {
            String caller = claims.path("azp").isTextual() ? claims.path("azp").asText()
                    : claims.path("appid").asText("");
            if (callerAppIds.stream().noneMatch(caller::equalsIgnoreCase)) {
                return Verdict.refused("the Entra ID token was issued to another client application than "
                        + new TreeSet<>(callerAppIds));
            }
        }
        return Verdict.ACCEPTED;
    }

    private boolean audienceMatches(JsonNode aud) {
        return aud.isTextual() ? audiences.contains(aud.asText()) : anyText(aud, audiences::contains);
    }

    /** Whether {@code array} is an array holding a string {@code test} accepts. */
    private static boolean anyText(JsonNode array, Predicate<String> test) {
        if (array.isArray()) {
            for (JsonNode a : array) {
                if (a.isTextual() && test.test(a.asText())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean verifies(RSAPublicKey key, String signingInput, byte[] signature) {
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(key);
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return rsa.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] bytesPart(String part) {
        try {
            return Base64.getUrlDecoder().decode(part);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static JsonNode jsonPart(String part) {
        byte[] bytes = bytesPart(part);
        if (bytes == null) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The key with this id, fetching the tenant's keys when none are cached, they are old, or the id is new. */
    private RSAPublicKey signingKey(String kid) throws KeysUnavailableException {
        synchronized (keysLock) {
            long now = System.nanoTime();
            if (keys == null || now - keysFetchedAt > KEY_MAX_AGE.toNanos()) {
                refreshKeys(now);
            } else if (!keys.containsKey(kid) && (!refreshedForUnknownKey
                    || now - lastUnknownKeyRefresh >= KEY_REFRESH_INTERVAL.toNanos())) {
                refreshedForUnknownKey = true;
                lastUnknownKeyRefresh = now;
                refreshKeys(now);
            }
            return keys.get(kid);
        }
    }

    private void refreshKeys(long now) throws KeysUnavailableException {
        if (lastFetchFailed && now - lastFailedFetch < KEY_RETRY_AFTER_FAILURE.toNanos()) {
            if (keys == null) {
                throw new KeysUnavailableException();
            }
            return;
        }
        try {
            Map<String, RSAPublicKey> fetched = fetchKeys();
            keys = fetched;
            keysFetchedAt = now;
            lastFetchFailed = false;
            LOG.info("Fetched {} signing key(s) of Entra ID tenant {}", fetched.size(), tenantId);
        } catch (IOException | RuntimeException e) {
            lastFetchFailed = true;
            lastFailedFetch = now;
            LOG.warn("Could not fetch the signing keys of Entra ID tenant {} from {}: {}", tenantId, authority,
                    e.getMessage());
            if (keys == null) {
                throw new KeysUnavailableException();
            }
        } catch (InterruptedException e) {
            lastFetchFailed = true;
            lastFailedFetch = now;
            Thread.currentThread().interrupt();
            if (keys == null) {
                throw new KeysUnavailableException();
            }
        }
    }

    private Map<String, RSAPublicKey> fetchKeys() throws IOException, InterruptedException {
        URI configuration = URI.create(authority + "/" + tenantId + "/v2.0/.well-known/openid-configuration");
        JsonNode discovery = getJson(configuration);
        String jwksUri = discovery.path("jwks_uri").asText("");
        URI jwks;
        try {
            jwks = URI.create(jwksUri);
        } catch (IllegalArgumentException e) {
            throw new IOException("the OpenID configuration's jwks_uri is not a URL");
        }
        if (!Urls.sameOrigin(jwks, authority) || jwks.getRawUserInfo() != null) {
            throw new IOException("the OpenID configuration's jwks_uri is not on " + authority.getHost());
        }
        Map<String, RSAPublicKey> result = new HashMap<>();
        for (JsonNode jwk : getJson(jwks).path("keys")) {
            String kid = jwk.path("kid").asText("");
            boolean signing = !jwk.has("use") || "sig".equals(jwk.path("use").asText());
            boolean rs256 = !jwk.has("alg") || "RS256".equals(jwk.path("alg").asText());
            if (kid.isEmpty() || !"RSA".equals(jwk.path("kty").asText()) || !signing || !rs256) {
                continue;
            }
            RSAPublicKey key = rsaKey(jwk.path("n").asText(""), jwk.path("e").asText(""));
            if (key != null && key.getModulus().bitLength() >= MIN_KEY_BITS) {
                result.put(kid, key);
            }
        }
        if (result.isEmpty()) {
            throw new IOException("the tenant's key set holds no RSA signing key");
        }
        return Map.copyOf(result);
    }

    private static RSAPublicKey rsaKey(String n, String e) {
        byte[] modulus = bytesPart(n);
        byte[] exponent = bytesPart(e);
        if (modulus == null || exponent == null || modulus.length == 0 || exponent.length == 0) {
            return null;
        }
        try {
            return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                    new BigInteger(1, modulus), new BigInteger(1, exponent)));
        } catch (GeneralSecurityException ex) {
            return null;
        }
    }

    private JsonNode getJson(URI uri) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri).timeout(HTTP_TIMEOUT)
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("GET " + uri.getPath() + " answered HTTP " + response.statusCode());
            }
            byte[] body = in.readNBytes(MAX_DOCUMENT_BYTES + 1);
            if (body.length > MAX_DOCUMENT_BYTES) {
                throw new IOException("GET " + uri.getPath() + " answered more than " + MAX_DOCUMENT_BYTES + " bytes");
            }
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw new IOException("GET " + uri.getPath() + " answered something else than a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new IOException("GET " + uri.getPath() + " answered something else than JSON");
        }
    }


    /** The tenant, audiences, role, callers and authority; nothing secret is configured here. */
    @Override
    public String toString() {
        return "EntraIdAuthentication[tenant=" + tenantId + ", audiences=" + new TreeSet<>(audiences)
                + ", role=" + requiredRole + ", callers=" + (callerAppIds.isEmpty() ? "any"
                        : new TreeSet<>(callerAppIds)) + ", authority=" + authority + "]";
    }

    private static final class KeysUnavailableException extends Exception {
        private static final long serialVersionUID = 1L;

        KeysUnavailableException() {
            super(null, null, false, false);
        }
    }

    /**
     * Builds an {@link EntraIdAuthentication}. Setter order does not matter; {@link #build()} validates everything at
     * once and makes no network call. Not thread-safe.
     */
    public static final class Builder {

        private String tenantId;
        private final Set<String> audiences = new LinkedHashSet<>();
        private String requiredRole = ACTION_GROUPS_ROLE;
        private final Set<String> callerAppIds = new LinkedHashSet<>(Set.of(ACTION_GROUPS_APP_ID));
        private URI authority = DEFAULT_AUTHORITY;
        private Duration clockSkew = DEFAULT_CLOCK_SKEW;

        private Builder() {
        }

        /**
         * The directory (tenant) id, a GUID (Entra ID &gt; Overview &gt; Tenant ID). Required; multi-tenant aliases
         * such as {@code common} are refused, since they would accept tokens from any tenant.
         *
         * @param tenantId the directory (tenant) id, a GUID (Entra ID &gt; Overview &gt; Tenant ID)
         * @return this builder
         */
        public Builder tenantId(String tenantId) {
            this.tenantId = tenantId;
            return this;
        }

        /**
         * The audiences a token may be for: the protecting application's client id (what v2.0 tokens carry) and/or
         * its application ID URI (what v1.0 tokens carry), e.g. {@code api://release-alerts}. At least one is
         * required; each call adds.
         *
         * @param audiences the audiences a token may be for: the protecting application's client id (what v2.0 tokens
         *     carry) and/or its application ID URI (what v1.0 tokens carry), e.g. {@code api://release-alerts}
         * @return this builder
         */
        public Builder audiences(String... audiences) {
            this.audiences.addAll(Arrays.asList(Objects.requireNonNull(audiences, "audiences")));
            return this;
        }

        /**
         * The app role a token must carry in {@code roles}. Default: {@link #ACTION_GROUPS_ROLE}.
         *
         * @param role the app role a token must carry in {@code roles}
         * @return this builder
         */
        public Builder requiredRole(String role) {
            this.requiredRole = role;
            return this;
        }

        /**
         * The client applications ({@code azp} in v2.0 tokens, {@code appid} in v1.0) a token may be issued to; this
         * replaces the default, the action groups app {@value EntraIdAuthentication#ACTION_GROUPS_APP_ID}.
         *
         * @param appIds the client applications ({@code azp} in v2.0 tokens, {@code appid} in v1.0) a token may be
         *     issued to; this replaces the default, the action groups app {@value
         *     EntraIdAuthentication#ACTION_GROUPS_APP_ID}
         * @return this builder
         */
        public Builder callerAppIds(String... appIds) {
            this.callerAppIds.clear();
            this.callerAppIds.addAll(Arrays.asList(Objects.requireNonNull(appIds, "appIds")));
            return this;
        }

        /**
         * Accepts a token issued to any client application that holds the required role.
         *
         * @return this builder
         */
        public Builder anyCallerApp() {
            this.callerAppIds.clear();
            return this;
        }

        /**
         * Where the tenant's OpenID configuration and signing keys are read. Default: {@link #DEFAULT_AUTHORITY}.
         * Must be https; plain http only to a loopback address (a stand-in in tests). Tokens must still carry the
         * public cloud's issuers.
         *
         * @param authority where the tenant's OpenID configuration and signing keys are read
         * @return this builder
         */
        public Builder authority(URI authority) {
            this.authority = authority;
            return this;
        }

        /**
         * How far {@code exp}/{@code nbf} may be off, 0 to 10 minutes. Default: {@link #DEFAULT_CLOCK_SKEW}.
         *
         * @param skew how far {@code exp}/{@code nbf} may be off, 0 to 10 minutes
         * @return this builder
         */
        public Builder clockSkew(Duration skew) {
            this.clockSkew = skew;
            return this;
        }

        /**
         * Validates and builds. Makes no network call.
         *
         * @return a new {@code EntraIdAuthentication} with this builder's settings
         * @throws InvalidConfigurationException listing every problem found
         */
        public EntraIdAuthentication build() {
            List<String> problems = new ArrayList<>();
            if (tenantId == null || !GUID.matcher(tenantId).matches()) {
                boolean alias = tenantId != null && Set.of("common", "organizations", "consumers")
                        .contains(tenantId.toLowerCase(Locale.ROOT));
                problems.add("tenantId: give the directory (tenant) id, a GUID from Entra ID > Overview"
                        + (tenantId == null ? "" : alias ? "; \"" + tenantId + "\" is a multi-tenant alias that would "
                                + "accept tokens from any tenant" : "; the value given is not a GUID"));
            }
            if (audiences.isEmpty() || audiences.stream().anyMatch(a -> a == null || a.isBlank())) {
                problems.add("audiences: give the protecting application's client id and/or application ID URI "
                        + "(none may be blank)");
            }
            if (requiredRole == null || requiredRole.isBlank()) {
                problems.add("requiredRole: must not be blank (default " + ACTION_GROUPS_ROLE + ")");
            }
            if (callerAppIds.stream().anyMatch(a -> a == null || a.isBlank())) {
                problems.add("callerAppIds: none may be blank; use anyCallerApp() to accept any caller");
            }
            if (clockSkew == null || clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(10)) > 0) {
                problems.add("clockSkew: must be between 0 and 10 minutes, got " + clockSkew);
            }
            authorityProblem(authority).ifPresent(problems::add);
            if (!problems.isEmpty()) {
                throw new InvalidConfigurationException("EntraIdAuthentication", problems);
            }
            return new EntraIdAuthentication(this);
        }

        private static Optional<String> authorityProblem(URI authority) {
            if (authority == null || !authority.isAbsolute() || authority.getHost() == null) {
                return Optional.of("authority: must be an absolute URL such as " + DEFAULT_AUTHORITY
                        + ", got " + authority);
            }
            if (authority.getRawUserInfo() != null || authority.getRawQuery() != null
                    || authority.getRawFragment() != null) {
                return Optional.of("authority: must have no user info, query or fragment");
            }
            String scheme = authority.getScheme().toLowerCase(Locale.ROOT);
            if (scheme.equals("https")) {
                return Optional.empty();
            }
            if (scheme.equals("http") && Urls.isLoopbackHost(authority.getHost())) {
                return Optional.empty();
            }
            return Optional.of("authority: must be https (plain http only to a loopback address), got "
                    + authority.getScheme() + "://" + authority.getHost());
        }
    }
}
