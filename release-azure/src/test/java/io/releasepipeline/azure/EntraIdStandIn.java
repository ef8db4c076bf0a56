package io.releasepipeline.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Microsoft Entra ID as a secure webhook sees it, on 127.0.0.1: the tenant's OpenID configuration (shaped like
 * {@code login.microsoftonline.com}'s, with the public cloud's issuer) pointing at a key set of RSA keys this class
 * generates, and access tokens signed with them the way Entra issues them to the action groups service principal.
 */
final class EntraIdStandIn implements AutoCloseable {

    static final String TENANT = "aaaabbbb-0000-cccc-1111-dddd2222eeee";
    static final String OTHER_TENANT = "ffff9999-8888-7777-6666-555544443333";
    /** The protecting application's client id (v2.0 tokens' audience) and application ID URI (v1.0 tokens'). */
    static final String CLIENT_ID = "00001111-aaaa-2222-bbbb-3333cccc4444";
    static final String APP_ID_URI = "api://release-alerts";
    static final String KEY_ID = "tenant-key-1";
    static final String KEYS_PATH = "/" + TENANT + "/discovery/v2.0/keys";

    private static final ObjectMapper JSON = new ObjectMapper();

    final WireMockServer server;
    final KeyPair key = rsa();

    EntraIdStandIn() {
        server = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort().jettyAcceptors(1)
                .jettyStopTimeout(0L));
        server.start();
        server.stubFor(get(urlPathEqualTo("/" + TENANT + "/v2.0/.well-known/openid-configuration"))
                .willReturn(okJson("""
                        {
                          "token_endpoint": "https://login.microsoftonline.com/%1$s/oauth2/v2.0/token",
                          "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt",
                            "client_secret_basic"],
                          "jwks_uri": "%2$s%3$s",
                          "response_modes_supported": ["query", "fragment", "form_post"],
                          "subject_types_supported": ["pairwise"],
                          "id_token_signing_alg_values_supported": ["RS256"],
                          "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
                          "scopes_supported": ["openid", "profile", "email", "offline_access"],
                          "issuer": "https://login.microsoftonline.com/%1$s/v2.0",
                          "request_uri_parameter_supported": false,
                          "tenant_region_scope": "EU",
                          "cloud_instance_name": "microsoftonline.com"
                        }
                        """.formatted(TENANT, baseUrl(), KEYS_PATH))));
        publishKeys(Map.of(KEY_ID, key));
    }

    /** The authority to configure: this stand-in's base URL. */
    URI authority() {
        return URI.create(baseUrl());
    }

    private String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** The authentication a receiver for this tenant and app is built with. */
    EntraIdAuthentication.Builder authentication() {
        return EntraIdAuthentication.builder().tenantId(TENANT).audiences(CLIENT_ID, APP_ID_URI)
                .authority(authority());
    }

    /** Makes the key set list exactly these keys. */
    void publishKeys(Map<String, KeyPair> keys) {
        ArrayNode list = JSON.createArrayNode();
        keys.forEach((kid, pair) -> {
            RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
            list.addObject().put("kty", "RSA").put("use", "sig").put("kid", kid).put("x5t", kid)
                    .put("n", b64(magnitude(pub.getModulus()))).put("e", b64(magnitude(pub.getPublicExponent())))
                    .put("issuer", "https://login.microsoftonline.com/" + TENANT + "/v2.0");
        });
        ObjectNode body = JSON.createObjectNode();
        body.set("keys", list);
        server.stubFor(get(urlPathEqualTo(KEYS_PATH)).willReturn(okJson(body.toString())));
    }

    /** How many times the key set was read. */
    int keyReads() {
        return server.countRequestsMatching(getRequestedFor(urlPathEqualTo(KEYS_PATH)).build()).getCount();
    }

    /** The claims of a v2.0 access token Entra issues to the action groups service principal, valid for an hour. */
    static Map<String, Object> v2Claims() {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("aud", CLIENT_ID);
        c.put("iss", "https://login.microsoftonline.com/" + TENANT + "/v2.0");
        c.put("iat", now - 60);
        c.put("nbf", now - 60);
        c.put("exp", now + 3600);
        c.put("aio", "E2RgYJg0YLc/4cnHQm9lpxY3zP3pAA==");
        c.put("azp", EntraIdAuthentication.ACTION_GROUPS_APP_ID);
        c.put("azpacr", "2");
        c.put("oid", "11112222-bbbb-3333-cccc-4444dddd5555");
        c.put("rh", "0.AXkAu7v7qjAAzMwREd0iLu7u7g.");
        c.put("roles", List.of(EntraIdAuthentication.ACTION_GROUPS_ROLE));
        c.put("sub", "11112222-bbbb-3333-cccc-4444dddd5555");
        c.put("tid", TENANT);
        c.put("uti", "AbCdEf123456GhIjKl78");
        c.put("ver", "2.0");
        return c;
    }

    /** The claims of a v1.0 token: the v1 issuer, the application ID URI as audience, {@code appid}. */
    static Map<String, Object> v1Claims() {
        Map<String, Object> c = v2Claims();
        c.put("aud", APP_ID_URI);
        c.put("iss", "https://sts.windows.net/" + TENANT + "/");
        c.remove("azp");
        c.remove("azpacr");
        c.put("appid", EntraIdAuthentication.ACTION_GROUPS_APP_ID);
        c.put("appidacr", "2");
        c.put("ver", "1.0");
        return c;
    }

    /** A token with these claims, signed RS256 with the tenant's key. */
    String token(Map<String, Object> claims) {
        return sign(Map.of("typ", "JWT", "alg", "RS256", "kid", KEY_ID), claims, key);
    }

    /** A token with this header and claims, signed RS256 with {@code signer}. */
    static String sign(Map<String, Object> header, Map<String, Object> claims, KeyPair signer) {
        String input = b64(json(header)) + "." + b64(json(claims));
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(signer.getPrivate());
            rsa.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + b64(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token signed HS256 with {@code secret} as the HMAC key (the algorithm confusion attack). */
    static String hs256(Map<String, Object> header, Map<String, Object> claims, byte[] secret) {
        String input = b64(json(header)) + "." + b64(json(claims));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return input + "." + b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An unsigned token ({@code alg: none}). */
    static String unsigned(Map<String, Object> claims) {
        return b64(json(Map.of("typ", "JWT", "alg", "none"))) + "." + b64(json(claims)) + ".";
    }

    static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] json(Map<String, Object> map) {
        try {
            return JSON.writeValueAsBytes(map);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] magnitude(BigInteger n) {
        byte[] bytes = n.toByteArray();
        return bytes[0] == 0 && bytes.length > 1 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    @Override
    public void close() {
        server.stop();
    }
}
