package io.releasepipeline.azure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.releasepipeline.format.SafeText;
import io.releasepipeline.spi.Alert;
import io.releasepipeline.trigger.AlertInbox;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives Azure Monitor action-group webhooks in the common alert schema ({@code schemaId}
 * {@code azureMonitorCommonAlertSchema}) and feeds an {@link AlertInbox}: a {@code Fired} alert on the app wakes the
 * observing release at once (the {@code alert} rollback trigger, armed with
 * {@code Triggers.builder().onAlerts(inbox)}), a {@code Resolved} one clears it. An embedding service mounts
 * {@link #asHttpHandler()} on the JDK's HTTP server, or calls {@link #receive(String, Optional, Optional)} from a
 * servlet.
 *
 * <pre>{@code
 * AlertInbox inbox = new AlertInbox(clock);
 * AzureAlertWebhook webhook = new AzureAlertWebhook(inbox, AzureAlertWebhook.forResource(appResourceId))
 *         .withSharedSecret(System.getenv("ALERT_WEBHOOK_SECRET"));
 * server.createContext("/alerts/azure", webhook.asHttpHandler());
 * // action group webhook URI: https://alerts:<secret>@releases.example.com/alerts/azure, common alert schema on
 * }</pre>
 *
 * <p><b>Authentication is required.</b> A receiver serves nothing until it is given {@link #withSharedSecret(String)}
 * (an action group's <em>Webhook</em> action) or {@link #withEntraId(EntraIdAuthentication)} (a <em>Secure
 * webhook</em> action, which sends an Entra ID access token), or is told {@link #insecureNoAuth()}:
 * {@link #asHttpHandler()} and {@link #receive(String, Optional, Optional)} throw {@link IllegalStateException}
 * otherwise. The shared secret is accepted as the password of HTTP Basic authentication
 * (what Azure sends for a webhook URI with {@code user:secret@} in it), as {@code Authorization: Bearer <secret>}, or
 * as the {@value #TOKEN_PARAMETER} query parameter (kept for compatibility: a secret in the query string ends up in
 * the access logs of every proxy on the way). It is compared in constant time and never logged, nor is the request
 * URL.
 *
 * <p>Answers: 202 accepted (fired or resolved), 200 ignored (an alert on another resource; a {@code Fired} delivered
 * after its alert resolved; a resolve of an alert that is not firing), 400 with a message for a body that is not the
 * common schema or whose {@code firedDateTime}/{@code resolvedDateTime} is out of the inbox's bounds (more than 5
 * minutes ahead or 24 hours old by default: see {@link AlertInbox}; Azure does not retry a 4xx), 401 for missing or
 * wrong credentials, 405 for a method other than POST, 413 for a body over the limit, 503 when an Entra ID token
 * cannot be checked because the tenant's signing keys cannot be fetched (Azure retries a 503).
 *
 * <p>Immutable and thread-safe: Azure may deliver several alerts at once.
 */
public final class AzureAlertWebhook {

    /** The common alert schema's id. */
    public static final String COMMON_SCHEMA_ID = "azureMonitorCommonAlertSchema";
    /** The largest body accepted by default: common-schema payloads are a few kilobytes, log alerts' up to 256 KB. */
    public static final int DEFAULT_MAX_BODY_BYTES = 256 * 1024;
    /** The query parameter that may carry the shared secret (prefer Basic authentication: see the class doc). */
    public static final String TOKEN_PARAMETER = "token";

    private static final Logger LOG = LoggerFactory.getLogger(AzureAlertWebhook.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AlertInbox inbox;
    private final Predicate<String> targetFilter;
    private final byte[] secretDigest;
    private final EntraIdAuthentication entraId;
    private final boolean insecureNoAuth;
    private final int maxBodyBytes;

    /**
     * A receiver that accepts alerts whose {@code alertTargetIDs} contain an id {@code targetFilter} accepts. It
     * serves nothing until it is given a way to authenticate callers: {@link #withSharedSecret(String)},
     * {@link #withEntraId(EntraIdAuthentication)}, or {@link #insecureNoAuth()} to opt out explicitly.
     *
     * @param inbox where fired and resolved alerts go
     * @param targetFilter which alert target ids are the app's, e.g. {@link #forResource(String)}
     */
    public AzureAlertWebhook(AlertInbox inbox, Predicate<String> targetFilter) {
        this(inbox, targetFilter, null, null, false, DEFAULT_MAX_BODY_BYTES);
    }

    private AzureAlertWebhook(AlertInbox inbox, Predicate<String> targetFilter, byte[] secretDigest,
            EntraIdAuthentication entraId, boolean insecureNoAuth, int maxBodyBytes) {
        this.inbox = Objects.requireNonNull(inbox, "inbox");
        this.targetFilter = Objects.requireNonNull(targetFilter, "targetFilter");
        this.secretDigest = secretDigest;
        this.entraId = entraId;
        this.insecureNoAuth = insecureNoAuth;
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * Accepts target ids equal to {@code resourceId} ignoring case (Azure lower-cases resource ids in alerts) and a
     * trailing slash, e.g. the app's {@code /subscriptions/.../providers/Microsoft.App/containerApps/backend}.
     *
     * @param resourceId the resource id alerts must target, e.g. the Container App's
     * @return a target filter for {@link #AzureAlertWebhook(AlertInbox, Predicate)}
     */
    public static Predicate<String> forResource(String resourceId) {
        String wanted = normalize(Objects.requireNonNull(resourceId, "resourceId"));
        if (wanted.isEmpty()) {
            throw new IllegalArgumentException("the resource id is blank");
        }
        return target -> target != null && normalize(target).equals(wanted);
    }

    /**
     * The same receiver, requiring the shared secret on every request: as the password of HTTP Basic authentication
     * (any user name), as {@code Authorization: Bearer <secret>}, or as {@code ?token=<secret>}. For an action group's
     * <em>Webhook</em> action, put it in the URI as {@code https://alerts:<secret>@host/path}: Azure sends the user
     * info as Basic authentication, so the secret stays out of the request line and the access logs. The receiver
     * keeps only the secret's SHA-256 digest.
     *
     * @param secret at least 16 characters, all of them allowed unescaped in a URI's user info: letters, digits and
     *     {@code - . _ ~} (e.g. {@code openssl rand -hex 32})
     * @return the same receiver, requiring the shared secret on every request: as the password of HTTP Basic
     *     authentication (any user name), as {@code Authorization: Bearer <secret>}, or as {@code ?token=<secret>}
     * @throws IllegalArgumentException if the secret is missing, shorter than 16 characters or has other characters
     */
    public AzureAlertWebhook withSharedSecret(String secret) {
        if (secret == null || secret.length() < 16) {
            throw new IllegalArgumentException("the shared secret must be at least 16 characters (e.g. the output of "
                    + "`openssl rand -hex 32`)");
        }
        if (!secret.chars().allMatch(AzureAlertWebhook::isUnreserved)) {
            throw new IllegalArgumentException("the shared secret may hold only letters, digits and - . _ ~ so that "
                    + "it goes into a webhook URI unescaped (e.g. the output of `openssl rand -hex 32`)");
        }
        return new AzureAlertWebhook(inbox, targetFilter, sha256(secret), entraId, insecureNoAuth, maxBodyBytes);
    }

    /**
     * The same receiver, accepting an action group's <em>Secure webhook</em> action: a request whose
     * {@code Authorization: Bearer} token is an Entra ID access token that {@code entraId} accepts (signature, issuer,
     * tenant, audience, lifetime, role and caller: see {@link EntraIdAuthentication}). With a shared secret as well,
     * either credential is enough.
     *
     * @param entraId the tenant, audiences and role to check tokens against
     * @return the same receiver, accepting an action group's <em>Secure webhook</em> action: a request whose {@code
     *     Authorization: Bearer} token is an Entra ID access token that {@code entraId} accepts (signature, issuer,
     *     tenant, audience, lifetime, role and caller: see {@link EntraIdAuthentication})
     */
    public AzureAlertWebhook withEntraId(EntraIdAuthentication entraId) {
        return new AzureAlertWebhook(inbox, targetFilter, secretDigest, Objects.requireNonNull(entraId, "entraId"),
                insecureNoAuth, maxBodyBytes);
    }

    /**
     * The same receiver, accepting every caller without authentication: anyone who can reach it can fire alerts
     * (rolling the observed release back) and resolve them. Only for a receiver behind something that authenticates
     * every caller itself (an API gateway, a servlet filter), or a test. Logs a warning once, here.
     *
     * @return a receiver that authenticates nobody
     */
    public AzureAlertWebhook insecureNoAuth() {
        LOG.warn("AzureAlertWebhook.insecureNoAuth(): this alert webhook accepts calls without authentication; "
                + "anyone who can reach it can fire alerts (rolling releases back) or resolve them");
        return new AzureAlertWebhook(inbox, targetFilter, secretDigest, entraId, true, maxBodyBytes);
    }

    /**
     * The same receiver with another body size limit. Default: {@link #DEFAULT_MAX_BODY_BYTES}.
     *
     * @param bytes the largest request body accepted, in bytes; larger ones are refused with 413
     * @return the same receiver with another body size limit
     * @throws IllegalArgumentException unless {@code bytes} is positive
     */
    public AzureAlertWebhook withMaxBodyBytes(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("the body limit must be positive, got " + bytes);
        }
        return new AzureAlertWebhook(inbox, targetFilter, secretDigest, entraId, insecureNoAuth, bytes);
    }

    /**
     * What the receiver answered.
     *
     * @param status the HTTP status to send
     * @param message why, for the response body and the log; never contains the token
     */
    public record Reply(int status, String message) {

        /**
         * Validates.
         *
         * @param status the HTTP status to send
         * @param message why, for the response body and the log; never contains the token
         */
        public Reply {
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * Handles one webhook request: authenticates it, then reads the body. For a servlet:
     * {@code receive(body, Optional.ofNullable(request.getHeader("Authorization")),
     * Optional.ofNullable(request.getParameter("token")))}.
     *
     * @param body the request body
     * @param authorization the {@code Authorization} header, if the request had one
     * @param token the {@value #TOKEN_PARAMETER} query parameter, if the request had one
     * @return the status and message to answer; the message never holds a credential
     * @throws IllegalStateException if the receiver has no authentication and was not built with
     *     {@link #insecureNoAuth()}
     */
    public Reply receive(String body, Optional<String> authorization, Optional<String> token) {
        requireAuthentication();
        Optional<Reply> refused = authenticate(authorization, token);
        if (refused.isPresent()) {
            return refused.get();
        }
        return accept(body);
    }

    private Reply accept(String body) {
        Reply reply = parseAndDeliver(body);
        if (reply.status() >= 400) {
            LOG.warn("Azure Monitor alert webhook: {} {}", reply.status(), SafeText.line(reply.message()));
        } else {
            LOG.info("Azure Monitor alert webhook: {} {}", reply.status(), SafeText.line(reply.message()));
        }
        return reply;
    }

    private Reply parseAndDeliver(String body) {
        JsonNode root;
        try {
            root = body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return new Reply(400, "the body is not JSON; expected an Azure Monitor common alert schema payload");
        }
        if (root == null || !root.isObject()) {
            return new Reply(400, "the body is not a JSON object; expected an Azure Monitor common alert schema "
                    + "payload");
        }
        String schema = root.path("schemaId").asText("");
        if (!COMMON_SCHEMA_ID.equals(schema)) {
            return new Reply(400, "schemaId is " + (schema.isEmpty() ? "missing" : "\"" + clip(schema) + "\"")
                    + ", expected \"" + COMMON_SCHEMA_ID + "\": turn on \"Enable the common alert schema\" for "
                    + "this webhook in the action group");
        }
        JsonNode essentials = root.path("data").path("essentials");
        if (!essentials.isObject()) {
            return new Reply(400, "data.essentials is missing from the common alert schema payload");
        }
        String alertId = text(essentials, "alertId");
        String rule = text(essentials, "alertRule");
        String condition = text(essentials, "monitorCondition");
        if (alertId.isEmpty() || rule.isEmpty()) {
            return new Reply(400, "data.essentials.alertId and data.essentials.alertRule are required");
        }
        boolean ours = false;
        for (JsonNode target : essentials.path("alertTargetIDs")) {
            if (target.isTextual() && targetFilter.test(target.asText())) {
                ours = true;
                break;
            }
        }
        if (!ours) {
            return new Reply(200, "ignored alert \"" + clip(rule) + "\": none of its alertTargetIDs is this app");
        }
        String named = "alert \"" + clip(rule) + "\"";
        if (condition.equalsIgnoreCase("Resolved")) {
            // Azure sends resolvedDateTime for metric alerts only; without it the alert resolves as of now.
            String resolvedText = text(essentials, "resolvedDateTime");
            Optional<Instant> resolvedAt = resolvedText.isEmpty() ? Optional.empty() : parseTime(resolvedText);
            if (!resolvedText.isEmpty() && resolvedAt.isEmpty()) {
                return new Reply(400, "data.essentials.resolvedDateTime is not an ISO-8601 date-time");
            }
            AlertInbox.Receipt receipt = resolvedAt.isPresent() ? inbox.resolved(alertId, resolvedAt.get())
                    : inbox.resolved(alertId);
            return switch (receipt.outcome()) {
                case REJECTED -> new Reply(400, "data.essentials.resolvedDateTime: " + named + " " + receipt.message());
                case IGNORED -> new Reply(200, "ignored the resolve of " + named + ": " + receipt.message());
                default -> new Reply(202, "resolved " + named + " (" + clip(alertId) + ")");
            };
        }
        if (!condition.equalsIgnoreCase("Fired")) {
            return new Reply(400, "data.essentials.monitorCondition must be Fired or Resolved, got \""
                    + clip(condition) + "\"");
        }
        Optional<Instant> firedAt = parseTime(text(essentials, "firedDateTime"));
        if (firedAt.isEmpty()) {
            return new Reply(400, "data.essentials.firedDateTime is missing or not an ISO-8601 date-time");
        }
        String severity = text(essentials, "severity");
        AlertInbox.Receipt receipt = inbox.fired(new Alert(alertId, rule, severity, firedAt.get(),
                text(essentials, "description"), Optional.empty()));
        return switch (receipt.outcome()) {
            case REJECTED -> new Reply(400, "data.essentials.firedDateTime: " + named + " " + receipt.message());
            case IGNORED -> new Reply(200, "ignored " + named + ": " + receipt.message());
            default -> new Reply(202, "fired " + named + (severity.isEmpty() ? "" : " (" + clip(severity) + ")")
                    + " at " + firedAt.get());
        };
    }

    private static Optional<Instant> parseTime(String text) {
        try {
            return Optional.of(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * This receiver as a handler for the JDK's {@code com.sun.net.httpserver.HttpServer}: POST only (405 with
     * {@code Allow: POST} otherwise), the caller authenticated before the body is read (401), the body limit
     * enforced while reading (413), then the body handled as by {@link #receive(String, Optional, Optional)}; the
     * reply's message goes back as plain text.
     *
     * @return this receiver as a handler for the JDK's {@code com.sun.net.httpserver.HttpServer}: POST only (405 with
     *     {@code Allow: POST} otherwise), the caller authenticated before the body is read (401), the body limit
     *     enforced while reading (413), then the body handled as by {@link #receive(String, Optional, Optional)}; the
     *     reply's message goes back as plain text
     * @throws IllegalStateException if the receiver has no authentication and was not built with
     *     {@link #insecureNoAuth()}: it fails here, before it serves anything
     */
    public HttpHandler asHttpHandler() {
        requireAuthentication();
        return this::serve;
    }

    private void requireAuthentication() {
        boolean authenticates = secretDigest != null || entraId != null;
        if (!authenticates && !insecureNoAuth) {
            throw new IllegalStateException("AzureAlertWebhook has no authentication: anyone who can reach it could "
                    + "fire alerts (rolling releases back) or resolve them. Call withSharedSecret(secret) for an "
                    + "action group's Webhook action (secret in the URI as https://alerts:<secret>@host/...), "
                    + "withEntraId(EntraIdAuthentication.builder()...build()) for a Secure webhook action, or "
                    + "insecureNoAuth() if something in front of this receiver authenticates every caller");
        }
        if (authenticates && insecureNoAuth) {
            throw new IllegalStateException("AzureAlertWebhook was given both insecureNoAuth() and "
                    + (secretDigest != null ? "withSharedSecret(...)" : "withEntraId(...)")
                    + ": drop insecureNoAuth() to require the credential");
        }
    }

    private void serve(HttpExchange exchange) throws IOException {
        // HttpExchange is AutoCloseable only from Java 18; this library's baseline is 17.
        try {
            if (!"POST".equalsIgnoreCase(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "POST");
                respond(exchange, new Reply(405, "only POST is accepted"));
                return;
            }
            Optional<Reply> refused = authenticate(
                    Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")),
                    queryParameter(exchange.getRequestURI().getRawQuery(), TOKEN_PARAMETER));
            if (refused.isPresent()) {
                if (secretDigest != null) {
                    exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"azure-alert-webhook\"");
                }
                if (entraId != null) {
                    exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"azure-alert-webhook\"");
                }
                respond(exchange, refused.get());
                return;
            }
            String length = exchange.getRequestHeaders().getFirst("Content-Length");
            if (length != null && isOver(length)) {
                respond(exchange, new Reply(413, "the body is over " + maxBodyBytes + " bytes"));
                return;
            }
            Optional<String> body = readBody(exchange.getRequestBody());
            if (body.isEmpty()) {
                respond(exchange, new Reply(413, "the body is over " + maxBodyBytes + " bytes"));
                return;
            }
            respond(exchange, accept(body.get()));
        } finally {
            exchange.close();
        }
    }

    private boolean isOver(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim()) > maxBodyBytes;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The body, or empty if it is longer than the limit. */
    private Optional<String> readBody(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) != -1) {
            if (out.size() + n > maxBodyBytes) {
                return Optional.empty();
            }
            out.write(buffer, 0, n);
        }
        return Optional.of(out.toString(StandardCharsets.UTF_8));
    }

    private static void respond(HttpExchange exchange, Reply reply) throws IOException {
        byte[] bytes = (reply.message() + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(reply.status(), bytes.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(bytes);
        }
    }

    /** Empty if the caller may go on; otherwise the refusal to answer, logged without any credential. */
    private Optional<Reply> authenticate(Optional<String> authorization, Optional<String> token) {
        if (insecureNoAuth) {
            return Optional.empty();
        }
        Optional<String> bearer = credentials(authorization, "Bearer");
        Optional<String> basicPassword = credentials(authorization, "Basic").flatMap(AzureAlertWebhook::basicPassword);
        if (matchesSecret(bearer) || matchesSecret(basicPassword) || matchesSecret(token)) {
            return Optional.empty();
        }
        String reason;
        int status = 401;
        if (entraId != null && bearer.isPresent()) {
            EntraIdAuthentication.Verdict verdict = entraId.verify(bearer.get());
            if (verdict.accepted()) {
                return Optional.empty();
            }
            reason = verdict.reason();
            status = verdict.keysUnavailable() ? 503 : 401;
        } else if (authorization.isEmpty() && token.isEmpty()) {
            reason = "no credentials: send " + String.join(" or ", accepted());
        } else {
            reason = "the credentials presented are not accepted: send " + String.join(" or ", accepted());
        }
        LOG.warn("Refused an Azure Monitor alert webhook call ({}): {}", status, reason);
        return Optional.of(new Reply(status, reason));
    }

    /** The credentials this receiver accepts, for a 401's message. */
    private List<String> accepted() {
        List<String> kinds = new ArrayList<>();
        if (secretDigest != null) {
            kinds.add("the shared secret as Basic authentication (a webhook URI with user:secret@host), as a Bearer "
                    + "token or as ?" + TOKEN_PARAMETER + "=");
        }
        if (entraId != null) {
            kinds.add("an Entra ID access token as a Bearer token (a Secure webhook action)");
        }
        return kinds;
    }

    private boolean matchesSecret(Optional<String> presented) {
        // Comparing digests keeps the comparison constant-time whatever the length of what was presented.
        return secretDigest != null && presented.isPresent()
                && MessageDigest.isEqual(secretDigest, sha256(presented.get()));
    }

    /** The credentials of an {@code Authorization} header of the given scheme (compared ignoring case). */
    private static Optional<String> credentials(Optional<String> authorization, String scheme) {
        if (authorization.isEmpty()) {
            return Optional.empty();
        }
        String value = authorization.get().trim();
        if (value.length() <= scheme.length() || !value.regionMatches(true, 0, scheme, 0, scheme.length())
                || value.charAt(scheme.length()) != ' ') {
            return Optional.empty();
        }
        return Optional.of(value.substring(scheme.length() + 1).trim());
    }

    /** The password of Basic credentials ({@code base64(user:password)}), if they decode. */
    private static Optional<String> basicPassword(String credentials) {
        try {
            String decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? Optional.empty() : Optional.of(decoded.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static boolean isUnreserved(int c) {
        return c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '_' || c == '~');
    }

    private static Optional<String> queryParameter(String rawQuery, String name) {
        if (rawQuery == null) {
            return Optional.empty();
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name)) {
                return Optional.of(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isValueNode() && !v.isNull() ? v.asText().trim() : "";
    }

    private static String normalize(String resourceId) {
        return resourceId.trim().replaceAll("/+$", "").toLowerCase(Locale.ROOT);
    }

    /** Caller-supplied text for a reply or a log line: at most 200 characters, no line breaks or other controls. */
    private static String clip(String s) {
        return SafeText.line(s, 200);
    }

    /** The limit and how callers are authenticated; never the secret. */
    @Override
    public String toString() {
        List<String> auth = new ArrayList<>();
        if (secretDigest != null) {
            auth.add("shared secret");
        }
        if (entraId != null) {
            auth.add(entraId.toString());
        }
        if (insecureNoAuth) {
            auth.add("NONE (insecureNoAuth)");
        }
        return "AzureAlertWebhook[maxBodyBytes=" + maxBodyBytes + ", auth=" + (auth.isEmpty() ? "not configured"
                : String.join(" + ", auth)) + "]";
    }
}
