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
 * {@link #asHttpHandler()} on the JDK's HTTP server, or calls {@link #receive(String, Optional)} from a servlet.
 *
 * <pre>{@code
 * AlertInbox inbox = new AlertInbox(clock);
 * AzureAlertWebhook webhook = new AzureAlertWebhook(inbox, AzureAlertWebhook.forResource(appResourceId))
 *         .withSharedSecret(System.getenv("ALERT_WEBHOOK_TOKEN"));
 * server.createContext("/alerts/azure", webhook.asHttpHandler());
 * // action group webhook URI: https://releases.example.com/alerts/azure?token=..., common alert schema on
 * }</pre>
 *
 * <p>Answers: 202 accepted (fired or resolved), 200 ignored (an alert on another resource), 400 with a message for a
 * body that is not the common schema (Azure does not retry a 4xx), 401 for a missing or wrong token, 405 for a
 * method other than POST, 413 for a body over the limit. The token is compared in constant time and never logged,
 * nor is the request URL that carries it.
 *
 * <p>Immutable and thread-safe: Azure may deliver several alerts at once.
 */
public final class AzureAlertWebhook {

    /** The common alert schema's id. */
    public static final String COMMON_SCHEMA_ID = "azureMonitorCommonAlertSchema";
    /** The largest body accepted by default: common-schema payloads are a few kilobytes; log alerts with results more. */
    public static final int DEFAULT_MAX_BODY_BYTES = 256 * 1024;
    /** The query parameter that carries the shared secret. */
    public static final String TOKEN_PARAMETER = "token";

    private static final Logger LOG = LoggerFactory.getLogger(AzureAlertWebhook.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AlertInbox inbox;
    private final Predicate<String> targetFilter;
    private final byte[] secretDigest;
    private final int maxBodyBytes;

    /**
     * A receiver that accepts alerts whose {@code alertTargetIDs} contain an id {@code targetFilter} accepts.
     *
     * @param inbox where fired and resolved alerts go
     * @param targetFilter which alert target ids are the app's, e.g. {@link #forResource(String)}
     */
    public AzureAlertWebhook(AlertInbox inbox, Predicate<String> targetFilter) {
        this(inbox, targetFilter, null, DEFAULT_MAX_BODY_BYTES);
    }

    private AzureAlertWebhook(AlertInbox inbox, Predicate<String> targetFilter, byte[] secretDigest,
            int maxBodyBytes) {
        this.inbox = Objects.requireNonNull(inbox, "inbox");
        this.targetFilter = Objects.requireNonNull(targetFilter, "targetFilter");
        this.secretDigest = secretDigest;
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * Accepts target ids equal to {@code resourceId} ignoring case (Azure lower-cases resource ids in alerts) and a
     * trailing slash, e.g. the app's {@code /subscriptions/.../providers/Microsoft.App/containerApps/backend}.
     */
    public static Predicate<String> forResource(String resourceId) {
        String wanted = normalize(Objects.requireNonNull(resourceId, "resourceId"));
        if (wanted.isEmpty()) {
            throw new IllegalArgumentException("the resource id is blank");
        }
        return target -> target != null && normalize(target).equals(wanted);
    }

    /**
     * The same receiver, requiring {@code ?token=<secret>} on every request the {@link #asHttpHandler() handler}
     * serves (and on {@link #receive(String, Optional)}). Put the token in the action group's webhook URI; the
     * receiver keeps only its SHA-256 digest.
     *
     * @throws IllegalArgumentException if the secret is blank or shorter than 16 characters
     */
    public AzureAlertWebhook withSharedSecret(String secret) {
        if (secret == null || secret.isBlank() || secret.length() < 16) {
            throw new IllegalArgumentException("the shared secret must be at least 16 characters");
        }
        return new AzureAlertWebhook(inbox, targetFilter, sha256(secret), maxBodyBytes);
    }

    /**
     * The same receiver with another body size limit. Default: {@link #DEFAULT_MAX_BODY_BYTES}.
     *
     * @throws IllegalArgumentException unless {@code bytes} is positive
     */
    public AzureAlertWebhook withMaxBodyBytes(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("the body limit must be positive, got " + bytes);
        }
        return new AzureAlertWebhook(inbox, targetFilter, secretDigest, bytes);
    }

    /**
     * What the receiver answered.
     *
     * @param status the HTTP status to send
     * @param message why, for the response body and the log; never contains the token
     */
    public record Reply(int status, String message) {

        /** Validates. */
        public Reply {
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * Handles one webhook body, without a token check (for an embedder that authenticates the caller itself).
     *
     * @return the HTTP status to answer: 202, 200 or 400 (see the class description)
     */
    public int handle(String body) {
        return accept(body).status();
    }

    /**
     * Handles one webhook body, checking the shared secret first when one is configured.
     *
     * @param body the request body
     * @param token the {@code token} query parameter, if the request had one
     * @return the status and message to answer
     */
    public Reply receive(String body, Optional<String> token) {
        if (!authorized(token)) {
            LOG.warn("Refused an Azure Monitor alert webhook call without the right token");
            return new Reply(401, "missing or wrong token");
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
        if (condition.equalsIgnoreCase("Resolved")) {
            inbox.resolved(alertId);
            return new Reply(202, "resolved alert \"" + clip(rule) + "\" (" + clip(alertId) + ")");
        }
        if (!condition.equalsIgnoreCase("Fired")) {
            return new Reply(400, "data.essentials.monitorCondition must be Fired or Resolved, got \""
                    + clip(condition) + "\"");
        }
        Instant firedAt;
        try {
            firedAt = OffsetDateTime.parse(text(essentials, "firedDateTime")).toInstant();
        } catch (DateTimeParseException e) {
            return new Reply(400, "data.essentials.firedDateTime is missing or not an ISO-8601 date-time");
        }
        String severity = text(essentials, "severity");
        inbox.fired(new Alert(alertId, rule, severity, firedAt, text(essentials, "description"), Optional.empty()));
        return new Reply(202, "fired alert \"" + clip(rule) + "\"" + (severity.isEmpty() ? "" : " (" + severity + ")")
                + " at " + firedAt);
    }

    /**
     * This receiver as a handler for the JDK's {@code com.sun.net.httpserver.HttpServer}: POST only (405 with
     * {@code Allow: POST} otherwise), the body limit enforced while reading (413), the token checked when one is
     * configured (401), then {@link #receive(String, Optional)}; the reply's message goes back as plain text.
     */
    public HttpHandler asHttpHandler() {
        return this::serve;
    }

    private void serve(HttpExchange exchange) throws IOException {
        // HttpExchange is AutoCloseable only from Java 18; this library's baseline is 17.
        try {
            if (!"POST".equalsIgnoreCase(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "POST");
                respond(exchange, new Reply(405, "only POST is accepted"));
                return;
            }
            Optional<String> token = queryParameter(exchange.getRequestURI().getRawQuery(), TOKEN_PARAMETER);
            if (!authorized(token)) {
                LOG.warn("Refused an Azure Monitor alert webhook call without the right token");
                respond(exchange, new Reply(401, "missing or wrong token"));
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

    private boolean authorized(Optional<String> token) {
        if (secretDigest == null) {
            return true;
        }
        // Comparing digests keeps the comparison constant-time whatever the length of what was presented.
        return token.isPresent() && MessageDigest.isEqual(secretDigest, sha256(token.get()));
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

    private static String clip(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    /** The limit and whether a token is required; never the token. */
    @Override
    public String toString() {
        return "AzureAlertWebhook[maxBodyBytes=" + maxBodyBytes + ", token " + (secretDigest == null ? "not required"
                : "required") + "]";
    }
}
