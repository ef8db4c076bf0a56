package io.releasepipeline.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.releasepipeline.azure.ArmStub.API_VERSION;
import static io.releasepipeline.azure.ArmStub.APP_PATH;
import static io.releasepipeline.azure.ArmStub.SUBSCRIPTION;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small stateful stand-in for the Container Apps part of Azure Resource Manager (api-version 2025-01-01), as a
 * WireMock extension: it keeps one app's revision mode, its ingress traffic list and its revisions' active flags,
 * and answers
 * <ul>
 * <li>{@code GET app}: ContainerApps_Get, the full model (secrets, template, registries, location included, as the
 * service returns them, so a client that sends the model back is caught);</li>
 * <li>{@code GET .../revisions} and {@code GET .../revisions/{name}}: Revisions_List / Revisions_Get, each revision's
 * {@code trafficWeight} derived from the app's traffic list;</li>
 * <li>{@code POST .../revisions/{name}/activate|deactivate}: 200 without a body;</li>
 * <li>{@code PATCH app}: applies {@code properties.configuration.activeRevisionsMode} and
 * {@code properties.configuration.ingress.traffic} (the array replaces the list) and answers 200 with the app, or,
 * with {@link #asyncPatches(boolean)}, 202 with an {@code Azure-AsyncOperation} status URL that reports
 * Succeeded.</li>
 * </ul>
 * Refusals, like the service's: an unknown revision is a 404 ({@code ResourceNotFound}); a traffic list naming an
 * unknown or inactive revision, not summing to 100, or sent in Single revision mode is a 400 ({@code BadRequest},
 * nothing applied); deactivating a revision that has traffic is a 400. Error codes are Resource Manager's generic
 * ones: the stand-in checks what the provider does, not the service's exact wording.
 *
 * <p>{@code @RegisterExtension static final ArmStub arm = STAND_IN.serve();} serves it over HTTPS.
 * Thread-safe: WireMock serves requests on several threads.
 */
final class ArmStandIn implements ResponseDefinitionTransformerV2 {

    static final String NAME = "arm-stand-in";
    static final String OPERATIONS_PATH = "/subscriptions/" + SUBSCRIPTION
            + "/providers/Microsoft.App/locations/eastus/containerappOperationStatuses/";
    private static final Pattern REVISION = Pattern.compile("/revisions/([^/]+)(?:/(activate|deactivate))?");
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Rev(String name, Instant createdAt, String image, boolean active) {
        Rev withActive(boolean value) {
            return new Rev(name, createdAt, image, value);
        }
    }

    private record Entry(String revisionName, int weight, String label) {
    }

    private final Map<String, Rev> revisions = new LinkedHashMap<>();
    private List<Entry> traffic = new ArrayList<>();
    private String mode = "Multiple";
    private String latestRevision;
    private boolean asyncPatches;
    private String base;
    private int operations;

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    /** A started {@link ArmStub} whose app, revisions and operation statuses this stand-in answers. */
    ArmStub serve() {
        ArmStub arm = new ArmStub(this);
        install(arm);
        return arm;
    }

    private void install(ArmStub arm) {
        synchronized (this) {
            base = arm.base();
        }
        arm.server.stubFor(any(urlPathMatching(Pattern.quote(APP_PATH) + "(/revisions(/[^/]+(/[a-z]+)?)?)?"))
                .withQueryParam("api-version", equalTo(API_VERSION))
                .willReturn(aResponse().withTransformers(NAME)));
        arm.server.stubFor(any(urlPathMatching(Pattern.quote(OPERATIONS_PATH) + "[^/]+"))
                .willReturn(aResponse().withTransformers(NAME)));
    }

    /** Forgets everything: no revisions, no traffic, Multiple revision mode, PATCHes answered 200. */
    synchronized ArmStandIn reset() {
        revisions.clear();
        traffic = new ArrayList<>();
        mode = "Multiple";
        latestRevision = null;
        asyncPatches = false;
        operations = 0;
        return this;
    }

    /** "Single" or "Multiple". */
    synchronized ArmStandIn revisionMode(String revisionMode) {
        mode = revisionMode;
        return this;
    }

    /** PATCHes answer 202 with an {@code Azure-AsyncOperation} to poll, as the service usually does. */
    synchronized ArmStandIn asyncPatches(boolean async) {
        asyncPatches = async;
        return this;
    }

    /** A provisioned revision that existed before the test. */
    synchronized ArmStandIn revision(String name, Instant createdAt, boolean active) {
        revisions.put(name, new Rev(name, createdAt, "repo/backend:" + name, active));
        latestRevision = name;
        return this;
    }

    /** {@code name} takes all the traffic. */
    synchronized ArmStandIn serving(String name) {
        traffic = new ArrayList<>(List.of(new Entry(name, 100, null)));
        return this;
    }

    /**
     * What a deploy does: a new provisioned revision from {@code image}. In Multiple mode it is active at 0% (the
     * traffic list does not change); in Single mode it takes all traffic and the others are deactivated.
     */
    synchronized void deploy(String name, Instant createdAt, String image) {
        revisions.put(name, new Rev(name, createdAt, image, true));
        latestRevision = name;
        if ("Single".equals(mode)) {
            revisions.replaceAll((n, r) -> r.withActive(n.equals(name)));
            serving(name);
        }
    }

    /** The traffic list as Resource Manager would return it. */
    synchronized String trafficJson() {
        return trafficArray().toString();
    }

    synchronized boolean isActive(String revision) {
        return revisions.get(revision).active();
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        LoggedRequest request = event.getRequest();
        String method = request.getMethod().getName();
        String path = ArmStub.shortPath(request.getUrl());
        synchronized (this) {
            if (path.startsWith(OPERATIONS_PATH)) {
                return json(200, "{\"id\":\"" + path + "\",\"status\":\"Succeeded\"}");
            }
            if (path.isEmpty()) {
                return switch (method) {
                    case "GET" -> json(200, appJson());
                    case "PATCH" -> patch(request.getBodyAsString());
                    default -> error(405, "MethodNotAllowed", method + " of the app");
                };
            }
            if (path.equals("/revisions") && method.equals("GET")) {
                ArrayNode value = JSON.createArrayNode();
                revisions.keySet().forEach(name -> value.add(revisionNode(name)));
                return json(200, JSON.createObjectNode().set("value", value).toString());
            }
            Matcher m = REVISION.matcher(path);
            if (!m.matches()) {
                return error(404, "NotFound", "no such resource " + path);
            }
            String name = m.group(1);
            if (!revisions.containsKey(name)) {
                return error(404, "ResourceNotFound", "The Resource 'Microsoft.App/containerApps/"
                        + ArmStub.APP + "/revisions/" + name + "' under resource group '" + ArmStub.GROUP
                        + "' was not found.");
            }
            if (m.group(2) == null && method.equals("GET")) {
                return json(200, revisionNode(name).toString());
            }
            if (m.group(2) != null && method.equals("POST")) {
                boolean activate = m.group(2).equals("activate");
                if (!activate && weightOf(name) > 0) {
                    return error(400, "BadRequest", "revision " + name + " has traffic; move it first");
                }
                revisions.computeIfPresent(name, (n, r) -> r.withActive(activate));
                return aResponse().withStatus(200).build();
            }
            return error(405, "MethodNotAllowed", method + " " + path);
        }
    }

    private ResponseDefinition patch(String body) {
        JsonNode configuration;
        try {
            configuration = JSON.readTree(body).path("properties").path("configuration");
        } catch (IOException e) {
            return error(400, "InvalidRequestContent", "the body is not JSON");
        }
        String newMode = configuration.path("activeRevisionsMode").asText(mode);
        JsonNode newTraffic = configuration.path("ingress").path("traffic");
        List<Entry> entries = null;
        if (newTraffic.isArray()) {
            if (!"Multiple".equalsIgnoreCase(newMode)) {
                return error(400, "BadRequest", "traffic weights can only be set in Multiple revision mode");
            }
            entries = new ArrayList<>();
            int sum = 0;
            for (JsonNode e : newTraffic) {
                String name = e.path("revisionName").asText(null);
                int weight = e.path("weight").asInt(0);
                Rev rev = name == null ? null : revisions.get(name);
                if (rev == null) {
                    return error(400, "BadRequest", "traffic names revision " + name + ", which does not exist");
                }
                if (weight > 0 && !rev.active()) {
                    return error(400, "BadRequest", "revision " + name + " is inactive; activate it first");
                }
                sum += weight;
                entries.add(new Entry(name, weight, e.path("label").asText(null)));
            }
            if (sum != 100) {
                return error(400, "BadRequest", "traffic weights must sum to 100, not " + sum);
            }
        }
        mode = newMode;
        if (entries != null) {
            traffic = entries;
        }
        if (!asyncPatches) {
            return json(200, appJson());
        }
        String status = base + OPERATIONS_PATH + "op-" + (++operations) + "?api-version=" + API_VERSION;
        return aResponse().withStatus(202).withHeader("Azure-AsyncOperation", status).build();
    }

    private int weightOf(String revision) {
        return traffic.stream().filter(e -> e.revisionName().equals(revision)).mapToInt(Entry::weight).sum();
    }

    private ArrayNode trafficArray() {
        ArrayNode array = JSON.createArrayNode();
        for (Entry e : traffic) {
            ObjectNode node = array.addObject().put("revisionName", e.revisionName()).put("weight", e.weight());
            if (e.label() != null) {
                node.put("label", e.label());
            }
        }
        return array;
    }

    private String appJson() {
        return ArmStub.appJson(mode, latestRevision, latestRevision, trafficArray().toString());
    }

    private JsonNode revisionNode(String name) {
        Rev r = revisions.get(name);
        String state = r.active()
                ? "\"healthState\":\"Healthy\",\"provisioningState\":\"Provisioned\",\"runningState\":\"Running\""
                : "\"healthState\":\"None\",\"provisioningState\":\"Provisioned\",\"runningState\":\"Stopped\"";
        try {
            return JSON.readTree(ArmStub.revisionJson(name, r.createdAt(), r.image(), r.active(), weightOf(name),
                    state));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ResponseDefinition json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body).build();
    }

    private static ResponseDefinition error(int status, String code, String message) {
        return ArmStub.armError(status, code, message).build();
    }
}
