package io.releasepipeline.cli.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.azure.BlobEvidenceStore;
import io.releasepipeline.azure.ContainerAppsPlatform;
import io.releasepipeline.azure.LogAnalyticsErrorRate;
import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.evidence.EvidenceTemplate;
import io.releasepipeline.evidence.file.FileEvidenceStore;
import io.releasepipeline.format.Urls;
import io.releasepipeline.format.VariableNames;
import io.releasepipeline.gate.Gates;
import io.releasepipeline.github.GitHubCiProvider;
import io.releasepipeline.github.GitHubConnection;
import io.releasepipeline.health.http.Endpoint;
import io.releasepipeline.health.http.HttpHealthProbe;
import io.releasepipeline.health.http.HttpSmokeCheck;
import io.releasepipeline.traffic.TrafficPlan;
import io.releasepipeline.trigger.RecoveryPolicy;
import io.releasepipeline.trigger.Triggers;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads {@code release.yaml} into a {@link CliConfig}: the runbook's numbers for everything left out, and one
 * {@link InvalidConfigurationException} listing every problem with its path when anything is wrong, unknown keys
 * included. Environment variables are named here, never read: the provider wiring checks them when it needs them.
 * Thread-safe (stateless).
 */
public final class ConfigReader {

    /** The config file used when {@code --config} is not given. */
    public static final Path DEFAULT_FILE = Path.of("release.yaml");
    /**
     * The problem of Blob evidence reached with an endpoint while Azure's credential is a Resource Manager token from
     * the environment, which must never be sent to Blob storage.
     */
    public static final String BLOB_TOKEN_REQUIRED = "evidence.blob.tokenVariable: required with evidence.blob.endpoint "
            + "when azure.credential.type is environment: the Resource Manager token is never sent to Blob storage. "
            + "Export a storage token (az account get-access-token --resource https://storage.azure.com/) in a "
            + "variable and name it here, or give evidence.blob.connectionStringVariable instead of the endpoint";

    /**
     * The problem of the error rate read from Log Analytics while Azure's credential is a Resource Manager token from
     * the environment, which must never be sent to the Log Analytics query API.
     */
    public static final String LOGS_TOKEN_REQUIRED = "rollback.errorRate.logs.tokenVariable: required with source: "
            + "logs when azure.credential.type is environment: the Resource Manager token is never sent to Log "
            + "Analytics. Export a Log Analytics token (az account get-access-token --resource "
            + "https://api.loganalytics.io) in a variable and name it here";

    private static final YAMLFactory YAML = new YAMLFactory();
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+");
    private static final List<String> MERGE_METHODS = List.of("merge", "squash", "rebase");
    private static final List<String> NO_DATA = List.of("hold", "fail", "ignore");
    private static final List<String> ON_READ_ERROR = List.of("hold-then-rollback", "rollback", "promote-with-note");
    private static final List<String> ERROR_RATE_SOURCES = List.of("metrics", "logs");

    private ConfigReader() {
    }

    /**
     * Reads and validates {@code file}.
     *
     * @throws InvalidConfigurationException listing every problem, each as {@code path: problem}
     */
    public static CliConfig read(Path file) {
        return read(file, Path.of(""));
    }

    /**
     * As {@link #read(Path)}, with relative files the config names (and the default evidence template,
     * {@link EvidenceTemplate#DEFAULT_PATH}) resolved against {@code workingDirectory} instead of the process's.
     *
     * @throws InvalidConfigurationException listing every problem, each as {@code path: problem}
     */
    static CliConfig read(Path file, Path workingDirectory) {
        List<String> problems = new ArrayList<>();
        JsonNode tree = parse(file, problems);
        CliConfig config = read(Section.root(tree, problems), problems, workingDirectory);
        if (!problems.isEmpty()) {
            throw invalid(file, problems);
        }
        return config;
    }

    /** The top-level sections of {@code release.yaml}. */
    private static final List<String> SECTIONS = List.of("app", "azure", "github", "gates", "smoke", "rollback",
            "traffic", "observation", "polling", "evidence", "hooks", "migrations");

    /**
     * Reads the candidate policy of a backtest: the {@code rollback:} section of a {@code release.yaml}-shaped file,
     * checked by the same code that reads a release's (so the same keys, defaults and messages), and
     * {@code app.name} when given. The other sections of {@code release.yaml} may be present (a copy of the team's
     * file with the rollback section changed is the usual candidate) and are not read; a key that is no section of
     * {@code release.yaml} is a problem.
     *
     * @throws InvalidConfigurationException listing every problem, each as {@code path: problem}
     */
    public static CliConfig.Candidate readCandidate(Path file) {
        List<String> problems = new ArrayList<>();
        JsonNode tree = parse(file, problems);
        Section root = Section.root(tree, problems);
        Optional<String> app = Optional.empty();
        if (root.has("app")) {
            Section a = root.section("app");
            app = a.text("name");
            app.filter(n -> !NAME.matcher(n).matches()).ifPresent(n -> a.problem("name", "must be letters, digits, "
                    + "'.', '_' or '-', got " + Section.shown(n)));
            // A whole release.yaml's other app keys are accepted unread; a misspelt one (app.nmae) is reported.
            List.of("subscription", "resourceGroup", "url").forEach(a::has);
            a.rejectUnknownKeys();
        }
        // Only the health endpoint's path is checked against it: the candidate is never sent a request.
        CliConfig.Smoke smoke = new CliConfig.Smoke(Optional.of("https://backtest.invalid"), false, List.of(),
                HttpSmokeCheck.DEFAULT_SMOKE_LATENCY_SLO, 1, HttpSmokeCheck.DEFAULT_REQUEST_TIMEOUT);
        if (!root.has("rollback")) {
            problems.add("rollback: required: the candidate policy is the rollback section of a release.yaml, e.g. "
                    + "rollback: {errorRate: {threshold: 0.02}}");
        }
        CliConfig.Rollback rollback = rollback(root.section("rollback"), smoke, problems);
        SECTIONS.forEach(root::has);
        root.rejectUnknownKeys();
        if (!problems.isEmpty()) {
            throw invalid(file, problems);
        }
        return new CliConfig.Candidate(rollback, app);
    }

    /**
     * The first YAML document of {@code file} as a tree; problems (unreadable, not YAML, several documents, keys
     * given twice) are added to {@code problems}, or thrown at once when nothing can be read.
     */
    private static JsonNode parse(Path file, List<String> problems) {
        String yaml;
        try {
            yaml = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw invalid(file, List.of(file + ": no such file; pass --config PATH or create release.yaml "
                    + "(see the README's quickstart)"));
        } catch (IOException e) {
            throw invalid(file, List.of(file + ": cannot be read: " + e.getMessage()));
        }
        JsonNode tree;
        int documents;
        try {
            List<JsonNode> all = new ObjectMapper(YAML).readerFor(JsonNode.class).<JsonNode>readValues(yaml).readAll();
            tree = all.isEmpty() ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : all.get(0);
            documents = (int) all.stream().filter(d -> d != null && !d.isMissingNode() && !d.isNull()).count();
        } catch (IOException e) {
            String where = e instanceof JsonProcessingException p && p.getLocation() != null
                    ? " (line " + p.getLocation().getLineNr() + ", column " + p.getLocation().getColumnNr() + ")"
                    : "";
            throw invalid(file, List.of(file + ": not valid YAML" + where + ": " + yamlProblem(e)));
        }
        problems.addAll(duplicateKeys(yaml));
        if (documents > 1) {
            // Only the first would be read: a second document (after a '---' line) would be ignored in silence.
            problems.add(file + ": holds " + documents + " YAML documents (a line '---' starts another); keep the "
                    + "configuration in one document");
        }
        return tree;
    }

    /**
     * Every key that appears twice in one mapping, at any depth, with the lines of both. YAML parsers keep the last
     * silently (a second {@code rollback:} block would replace the first), so each is a problem of its own, listed
     * with the others rather than stopping at the first as Jackson's strict duplicate detection does.
     */
    static List<String> duplicateKeys(String yaml) {
        List<String> problems = new ArrayList<>();
        Deque<Level> levels = new ArrayDeque<>();
        try (JsonParser parser = YAML.createParser(yaml)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                Level current = levels.peek();
                switch (token) {
                    case START_OBJECT, START_ARRAY -> levels.push(new Level(current == null ? ""
                            : current.childPath(), token == JsonToken.START_ARRAY));
                    case END_OBJECT, END_ARRAY -> {
                        levels.pop();
                        if (levels.peek() != null) {
                            levels.peek().valueDone();
                        }
                    }
                    case FIELD_NAME -> {
                        String key = parser.currentName();
                        int line = parser.currentTokenLocation().getLineNr();
                        Integer first = current.lines.putIfAbsent(key, line);
                        current.key = key;
                        if (first != null) {
                            String path = current.path.isEmpty() ? key : current.path + "." + key;
                            problems.add(path + ": appears twice in one mapping (lines " + first + " and " + line
                                    + "); YAML would silently keep only the last: merge them into one");
                        }
                    }
                    default -> {
                        if (current != null) {
                            current.valueDone();
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // readTree already accepted the document; a parse problem here adds nothing the user can act on.
        }
        return problems;
    }

    /** One open mapping or list while {@link #duplicateKeys} walks the document. */
    private static final class Level {
        final String path;
        final boolean list;
        final Map<String, Integer> lines = new HashMap<>();
        String key;
        int index;

        Level(String path, boolean list) {
            this.path = path;
            this.list = list;
        }

        String childPath() {
            if (list) {
                return path + "[" + index + "]";
            }
            return path.isEmpty() ? key : path + "." + key;
        }

        void valueDone() {
            if (list) {
                index++;
            }
        }
    }

    private static InvalidConfigurationException invalid(Path file, List<String> problems) {
        return new InvalidConfigurationException(file.toString(), problems);
    }

    private static CliConfig read(Section root, List<String> problems, Path workingDirectory) {
        CliConfig.App app = app(root.section("app"));
        CliConfig.Azure azure = azure(root.section("azure"));
        CliConfig.GitHub github = github(root.section("github"));
        CliConfig.Gates gates = gates(root.section("gates"));
        CliConfig.Smoke smoke = smoke(root.section("smoke"));
        CliConfig.Rollback rollback = rollback(root.section("rollback"), smoke, problems);
        CliConfig.Traffic traffic = traffic(root.section("traffic"), problems);
        Section observation = root.section("observation");
        Duration window = observation.duration("window", ReleasePipeline.DEFAULT_OBSERVATION_WINDOW);
        observation.rejectUnknownKeys();
        CliConfig.Polling polling = polling(root.section("polling"));
        CliConfig.Evidence evidence = evidence(root.section("evidence"), azure, problems, workingDirectory);
        if (rollback.errorRate().logs().isPresent() && rollback.errorRate().logs().get().tokenVariable().isEmpty()
                && azure.tokenVariable().isPresent()) {
            problems.add(LOGS_TOKEN_REQUIRED);
        }
        CliConfig.Hooks hooks = HookSettings.read(root.section("hooks"));
        CliConfig.Migrations migrations = migrations(root.section("migrations"));
        root.rejectUnknownKeys();
        CliConfig.App withUrl = app.url().isPresent() || smoke.baseUrl().isEmpty() ? app
                : new CliConfig.App(app.subscription(), app.resourceGroup(), app.name(), smoke.baseUrl());
        return new CliConfig(withUrl, azure, github, gates, smoke, rollback, traffic, window, polling, evidence,
                hooks, migrations);
    }

    /** {@code migrations:}: paths (GitHub filter patterns), labels, and the policy without a rollback hook. */
    private static CliConfig.Migrations migrations(Section s) {
        List<String> paths = s.texts("paths", List.of());
        if (s.has("paths")) {
            io.releasepipeline.format.FilterPatterns.problems(paths).forEach(p -> s.problem("paths", p
                    + " (GitHub path filter patterns, e.g. 'backend/**/migrations/**')"));
        }
        List<String> labels = s.texts("labels", List.of());
        if (labels.stream().anyMatch(String::isBlank)) {
            s.problem("labels", "a label is blank; give pull-request labels such as db-migration");
        }
        String policy = s.text("withoutRollbackHook", "warn").toLowerCase(Locale.ROOT);
        if (!List.of("warn", "roll-forward-only").contains(policy)) {
            s.problem("withoutRollbackHook", "must be warn (roll back and say loudly that the schema was not) or "
                    + "roll-forward-only (freeze instead of rolling back), got " + Section.shown(policy));
        }
        s.rejectUnknownKeys();
        return new CliConfig.Migrations(paths, labels, policy);
    }

    private static CliConfig.App app(Section s) {
        String subscription = s.required("subscription", "00000000-0000-0000-0000-000000000000");
        String group = s.required("resourceGroup", "trade-nexus");
        String name = s.required("name", "trade-nexus-backend");
        if (!name.isEmpty() && !NAME.matcher(name).matches()) {
            s.problem("name", "must be letters, digits, '.', '_' or '-' (it names evidence files and locks), got "
                    + Section.shown(name));
        }
        Optional<String> url = s.text("url");
        url.ifPresent(u -> httpUrl(s, "url", u, true));
        s.rejectUnknownKeys();
        return new CliConfig.App(subscription, group, name, url);
    }

    private static CliConfig.Azure azure(Section s) {
        Optional<URI> endpoint = s.text("endpoint").flatMap(e -> azureEndpoint(s, "endpoint", e));
        Section credential = s.section("credential");
        String type = credential.text("type", "default").toLowerCase(Locale.ROOT);
        Optional<String> variable = credential.text("tokenVariable");
        variable.ifPresent(v -> variableName(credential, "tokenVariable", v));
        switch (type) {
            case "default" -> {
                if (variable.isPresent()) {
                    credential.problem("tokenVariable", "only with type: environment (type default uses the "
                            + "default credential chain)");
                }
            }
            case "environment" -> {
                if (variable.isEmpty()) {
                    credential.problem("tokenVariable", "required with type: environment, e.g. AZURE_ACCESS_TOKEN");
                }
            }
            default -> credential.problem("type", "must be default (the default credential chain: workload "
                    + "identity, managed identity, Azure CLI...) or environment (a bearer token from an environment "
                    + "variable), got " + Section.shown(type));
        }
        credential.rejectUnknownKeys();
        Duration poll = s.duration("pollInterval", ContainerAppsPlatform.DEFAULT_POLL_INTERVAL);
        boolean multiple = s.bool("switchToMultipleRevisionMode", false);
        Duration operationTimeout = s.duration("operationTimeout", ContainerAppsPlatform.DEFAULT_OPERATION_TIMEOUT);
        s.rejectUnknownKeys();
        return new CliConfig.Azure(endpoint, type.equals("environment") ? variable : Optional.empty(), poll,
                multiple, operationTimeout);
    }

    private static CliConfig.GitHub github(Section s) {
        String repository = s.required("repository", "octo-org/trade-nexus");
        if (!repository.isEmpty() && !REPOSITORY.matcher(repository).matches()) {
            s.problem("repository", "must be owner/name, e.g. octo-org/trade-nexus, got "
                    + Section.shown(repository));
        }
        URI api = s.text("apiUrl").flatMap(u -> httpUrl(s, "apiUrl", u, false))
                .orElse(GitHubConnection.DEFAULT_API_URL);
        String workflow = s.text("deployWorkflow", GitHubCiProvider.DEFAULT_DEPLOY_WORKFLOW);
        if (workflow.contains("/")) {
            s.problem("deployWorkflow", "must be the workflow's file name, e.g. backend-deploy.yml, not a path");
        }
        String merge = s.text("mergeMethod", GitHubCiProvider.DEFAULT_MERGE_METHOD.apiValue())
                .toLowerCase(Locale.ROOT);
        if (!MERGE_METHODS.contains(merge)) {
            s.problem("mergeMethod", "must be one of " + String.join(", ", MERGE_METHODS) + ", got "
                    + Section.shown(merge));
        }
        String variable = s.text("tokenVariable", "GITHUB_TOKEN");
        variableName(s, "tokenVariable", variable);
        String environment = s.text("environment", ReleaseRequest.DEFAULT_ENVIRONMENT);
        Duration timeout = s.duration("requestTimeout", GitHubConnection.DEFAULT_REQUEST_TIMEOUT);
        Duration writes = s.durationOrZero("minWriteInterval", GitHubConnection.DEFAULT_MIN_WRITE_INTERVAL);
        Optional<List<String>> deployPaths = Optional.empty();
        if (s.has("deployPaths")) {
            List<String> patterns = s.texts("deployPaths", List.of());
            // GitHub's own rules for on.push.paths, checked now so a bad pattern never reaches a release.
            io.releasepipeline.format.FilterPatterns.problems(patterns).forEach(p -> s.problem("deployPaths", p
                    + " (GitHub path filter patterns, as in on.push.paths)"));
            deployPaths = Optional.of(patterns);
        }
        s.rejectUnknownKeys();
        return new CliConfig.GitHub(repository, api, workflow, merge, variable, environment, timeout, writes,
                deployPaths);
    }

    private static CliConfig.Gates gates(Section s) {
        List<String> checks = s.texts("requiredChecks", Gates.DEFAULT_REQUIRED_CHECKS);
        int approvals = (int) s.number("minimumApprovals", Gates.DEFAULT_MINIMUM_APPROVALS, 0, 100);
        boolean onHead = s.bool("approvalsOnHead", false);
        List<String> labels = s.texts("incidentLabels", List.of("SEV-1", "SEV-2"));
        Duration stableFor = s.durationOrZero("stableFor", Gates.DEFAULT_STABLE_FOR);
        boolean breaking = s.bool("breakingChangesDocumented", true);
        s.rejectUnknownKeys();
        return new CliConfig.Gates(checks, approvals, onHead, labels, stableFor, breaking);
    }

    private static CliConfig.Smoke smoke(Section s) {
        Optional<String> baseUrl = s.text("baseUrl");
        boolean revisionUrl = s.bool("targetRevisionUrl", false);
        List<CliConfig.SmokeEndpoint> endpoints = new ArrayList<>();
        if (!s.has("endpoints")) {
            endpoints.add(new CliConfig.SmokeEndpoint("/health", Endpoint.DEFAULT_EXPECTED_STATUS, Optional.empty()));
        }
        for (Section.Item item : s.items("endpoints")) {
            if (item.section() == null) {
                if (item.value().isTextual()) {
                    endpoints.add(new CliConfig.SmokeEndpoint(item.value().asText(), Endpoint.DEFAULT_EXPECTED_STATUS,
                            Optional.empty()));
                } else {
                    s.problem("endpoints", "each item must be a path such as /health or a mapping with path, "
                            + "status and bodyContains; " + item.path() + " is " + Section.describe(item.value()));
                }
                continue;
            }
            Section e = item.section();
            String path = e.required("path", "/health");
            int status = (int) e.number("status", Endpoint.DEFAULT_EXPECTED_STATUS, 100, 599);
            Optional<String> body = e.text("bodyContains");
            e.rejectUnknownKeys();
            endpoints.add(new CliConfig.SmokeEndpoint(path, status, body));
        }
        Duration slo = s.duration("latencySlo", HttpSmokeCheck.DEFAULT_SMOKE_LATENCY_SLO);
        int samples = (int) s.number("samples", HttpSmokeCheck.DEFAULT_SAMPLES, 1, 100);
        Duration timeout = s.duration("requestTimeout", HttpSmokeCheck.DEFAULT_REQUEST_TIMEOUT);
        s.rejectUnknownKeys();
        CliConfig.Smoke smoke = new CliConfig.Smoke(baseUrl, revisionUrl, List.copyOf(endpoints), slo, samples,
                timeout);
        if (baseUrl.isEmpty() && !revisionUrl) {
            s.problem("baseUrl", "required unless targetRevisionUrl is true, e.g. https://backend.example.com");
            return smoke;
        }
        try {
            HttpChecks.smokeCheck(smoke);
        } catch (InvalidConfigurationException e) {
            // The builder's paths (baseUrl, endpoints[1] /x, latencySlo...) are this section's keys.
            e.problems().forEach(p -> s.problem(p.substring(0, p.indexOf(':')).split(" ")[0],
                    p.substring(p.indexOf(':') + 1).trim()));
        }
        return smoke;
    }

    private static CliConfig.Rollback rollback(Section s, CliConfig.Smoke smoke, List<String> problems) {
        Section sm = s.section("smoke");
        CliConfig.SmokeTrigger smokeTrigger = new CliConfig.SmokeTrigger(sm.bool("enabled", true),
                sm.duration("failingFor", Triggers.DEFAULT_SMOKE_FAILING_FOR),
                sm.duration("interval", Triggers.DEFAULT_SMOKE_INTERVAL));
        sm.rejectUnknownKeys();
        Section h = s.section("health");
        CliConfig.HealthTrigger health = new CliConfig.HealthTrigger(h.bool("enabled", true),
                h.text("path", HttpHealthProbe.DEFAULT_ENDPOINT.path()),
                h.duration("downFor", Triggers.DEFAULT_HEALTH_DOWN_FOR),
                h.duration("interval", Triggers.DEFAULT_HEALTH_PROBE_INTERVAL),
                h.duration("timeout", HttpHealthProbe.DEFAULT_PROBE_TIMEOUT));
        h.rejectUnknownKeys();
        if (health.enabled() && problems.stream().noneMatch(p -> p.startsWith("smoke.baseUrl"))) {
            try {
                HttpChecks.healthProbe(smoke, health);
            } catch (InvalidConfigurationException e) {
                e.problems().stream().filter(p -> !p.startsWith("baseUrl"))
                        .forEach(p -> h.problem("path", p.substring(p.indexOf(':') + 1).trim()));
            }
        }
        Section e = s.section("errorRate");
        boolean enabled = e.bool("enabled", true);
        double threshold = e.decimal("threshold", Triggers.DEFAULT_ERROR_RATE_THRESHOLD);
        if (e.has("threshold") && !(threshold > 0 && threshold < 1)) {
            e.problem("threshold", "must be between 0 and 1 (a fraction: 0.05 is 5%), got "
                    + (threshold == Math.rint(threshold) ? String.valueOf((long) threshold) : threshold));
        }
        Duration window = e.duration("window", Triggers.DEFAULT_ERROR_RATE_WINDOW);
        Duration interval = e.duration("interval", Triggers.DEFAULT_ERROR_RATE_INTERVAL);
        long minimum = e.number("minimumRequests", Triggers.DEFAULT_MINIMUM_REQUESTS, 1, Long.MAX_VALUE);
        String noData = e.text("noData", Triggers.DEFAULT_NO_DATA_POLICY.name()).toLowerCase(Locale.ROOT);
        if (!NO_DATA.contains(noData)) {
            e.problem("noData", "must be one of hold (observe up to holdLimit longer, then promote noting the "
                    + "error rate was not verified), fail (roll back) or ignore, got "
                    + Section.shown(noData));
        }
        Duration hold = e.durationOrZero("holdLimit", window);
        String onReadError = e.text("onReadError", Triggers.DEFAULT_READ_ERROR_POLICY.name().replace('_', '-'))
                .toLowerCase(Locale.ROOT);
        if (!ON_READ_ERROR.contains(onReadError)) {
            e.problem("onReadError", "must be one of hold-then-rollback (observe up to holdLimit longer for a read "
                    + "that succeeds, then roll back), rollback or promote-with-note, got "
                    + Section.shown(onReadError));
        }
        String source = e.text("source", "metrics").toLowerCase(Locale.ROOT);
        if (!ERROR_RATE_SOURCES.contains(source)) {
            e.problem("source", "must be metrics (Azure Monitor's Requests metric of the app) or logs (a KQL query on "
                    + "a Log Analytics workspace, configured in rollback.errorRate.logs), got "
                    + Section.shown(source));
        }
        Optional<CliConfig.Logs> logs = Optional.empty();
        if (e.has("logs")) {
            logs = logs(e.section("logs"));
            // A mistyped source is reported once, above, with the valid values: not again here.
            if (!source.equals("logs") && ERROR_RATE_SOURCES.contains(source)) {
                e.problem("logs", "only with source: logs (the error rate is read from " + source + ")");
            }
        } else if (source.equals("logs")) {
            e.problem("logs", "required with source: logs, e.g. logs: {workspaceId: <the workspace's id, a GUID>}");
        }
        e.rejectUnknownKeys();
        Section c = s.section("canaryAnalysis");
        boolean canaryEnabled = c.bool("enabled", false);
        double maxIncrease = c.decimal("maxIncrease", 0.01);
        if (c.has("maxIncrease") && !(maxIncrease >= 0 && maxIncrease < 1)) {
            c.problem("maxIncrease", "must be at least 0 and under 1 (a fraction: 0.01 is one percentage point), got "
                    + maxIncrease);
        }
        c.rejectUnknownKeys();
        Section a = s.section("alerts");
        CliConfig.Alerts alerts = new CliConfig.Alerts(a.bool("enabled", false),
                a.duration("interval", Triggers.DEFAULT_ALERT_INTERVAL));
        a.rejectUnknownKeys();
        Section rc = s.section("recovery");
        CliConfig.Recovery recovery = new CliConfig.Recovery(rc.bool("enabled", true),
                rc.decimal("tolerance", RecoveryPolicy.DEFAULT_TOLERANCE),
                rc.duration("timeout", RecoveryPolicy.DEFAULT_TIMEOUT));
        if (rc.has("tolerance") && !(recovery.tolerance() >= 0 && recovery.tolerance() < 1)) {
            rc.problem("tolerance", "must be at least 0 and under 1 (an absolute 5xx fraction over the baseline: 0.01 "
                    + "is one percentage point), got " + recovery.tolerance());
        }
        rc.rejectUnknownKeys();
        List<String> advisory = s.texts("advisory", List.of());
        List<String> armed = new java.util.ArrayList<>();
        if (smokeTrigger.enabled()) {
            armed.add(Triggers.SMOKE_CHECK);
        }
        if (health.enabled()) {
            armed.add(Triggers.HEALTH_ENDPOINT);
        }
        if (enabled) {
            armed.add(Triggers.ERROR_RATE);
        }
        if (canaryEnabled) {
            armed.add(Triggers.CANARY_ANALYSIS);
        }
        if (alerts.enabled()) {
            armed.add(Triggers.ALERT);
        }
        for (String name : advisory) {
            if (!armed.contains(name)) {
                s.problem("advisory", "\"" + name + "\" is not an armed trigger" + Triggers.didYouMean(name)
                        + "; armed: " + armed);
            }
        }
        s.rejectUnknownKeys();
        return new CliConfig.Rollback(smokeTrigger, health,
                new CliConfig.ErrorRate(enabled, threshold, window, interval, minimum, noData, hold, onReadError,
                        source, logs),
                new CliConfig.CanaryAnalysis(canaryEnabled, maxIncrease), alerts, advisory, recovery);
    }

    /** {@code rollback.errorRate.logs}: the workspace, the query (its placeholders checked), the delays. */
    private static Optional<CliConfig.Logs> logs(Section l) {
        String workspace = l.required("workspaceId", "1234abcd-def8-765a-9abc-def1234abcde (the workspace's "
                + "Workspace ID)");
        if (!workspace.isEmpty() && !workspace.matches("[A-Za-z0-9-]{1,64}")) {
            l.problem("workspaceId", "must be the workspace's id (a GUID, its Workspace ID), got "
                    + Section.shown(workspace));
        }
        Optional<String> inline = l.text("query");
        Optional<String> file = l.text("queryFile");
        String query = LogAnalyticsErrorRate.DEFAULT_QUERY;
        String querySource = l.pathOf("query") + " (default)";
        if (inline.isPresent() && file.isPresent()) {
            l.problem("query", "give either query or queryFile, not both");
        } else if (inline.isPresent()) {
            query = inline.get();
            querySource = l.pathOf("query");
        } else if (file.isPresent()) {
            try {
                query = Files.readString(Path.of(file.get()));
                querySource = l.pathOf("queryFile") + " (" + file.get() + ")";
            } catch (IOException | java.nio.file.InvalidPathException e) {
                l.problem("queryFile", "cannot be read (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                        + "); give the path of a file holding the KQL query, relative to the working directory");
            }
        }
        String key = file.isPresent() && inline.isEmpty() ? "queryFile" : "query";
        LogAnalyticsErrorRate.queryProblems(query).forEach(p -> l.problem(key, p.substring(p.indexOf(':') + 1)
                .trim()));
        Duration delay = l.durationOrZero("ingestionDelay", LogAnalyticsErrorRate.DEFAULT_INGESTION_DELAY);
        Optional<URI> endpoint = l.text("endpoint").flatMap(u -> azureEndpoint(l, "endpoint", u));
        Duration timeout = l.duration("requestTimeout", LogAnalyticsErrorRate.DEFAULT_REQUEST_TIMEOUT);
        if (timeout.toSeconds() < 1) {
            l.problem("requestTimeout", "must be at least 1s (the service is given whole seconds)");
        }
        Optional<String> token = l.text("tokenVariable");
        token.ifPresent(v -> variableName(l, "tokenVariable", v));
        l.rejectUnknownKeys();
        return Optional.of(new CliConfig.Logs(workspace, query, querySource, delay, endpoint, timeout, token));
    }

    private static CliConfig.Traffic traffic(Section s, List<String> problems) {
        List<Integer> steps = s.integers("steps", TrafficPlan.immediate().weights());
        Duration pause = s.duration("stepPause", TrafficPlan.DEFAULT_CANARY_STEP_PAUSE);
        List<Integer> approvalBefore = s.integers("approvalBefore", List.of());
        Section a = s.section("approvals");
        Duration timeout = a.duration("timeout", ReleasePipeline.DEFAULT_APPROVAL_TIMEOUT);
        String onTimeout = a.text("onTimeout", "reject").toLowerCase(Locale.ROOT);
        if (!List.of("reject", "approve").contains(onTimeout)) {
            a.problem("onTimeout", "must be reject (roll back when nobody decides) or approve, got "
                    + Section.shown(onTimeout));
        }
        Section g = a.section("github");
        String workflow = g.text("workflow", io.releasepipeline.github.GitHubEnvironmentApprovals.DEFAULT_WORKFLOW);
        String environment = g.text("environment",
                io.releasepipeline.github.GitHubEnvironmentApprovals.DEFAULT_ENVIRONMENT);
        g.rejectUnknownKeys();
        a.rejectUnknownKeys();
        s.rejectUnknownKeys();
        TrafficPlan plan = TrafficPlan.canary(steps.stream().mapToInt(Integer::intValue).toArray())
                .withStepPause(pause).withApprovalBefore(approvalBefore.stream().mapToInt(Integer::intValue)
                        .toArray());
        problems.addAll(plan.problems("traffic"));
        return new CliConfig.Traffic(steps, pause, approvalBefore,
                new CliConfig.Approvals(timeout, onTimeout, workflow, environment));
    }

    private static CliConfig.Polling polling(Section s) {
        CliConfig.Polling p = new CliConfig.Polling(
                s.duration("deployRunInterval", ReleasePipeline.DEFAULT_DEPLOY_POLL_INTERVAL),
                s.duration("deployTimeout", ReleasePipeline.DEFAULT_DEPLOY_TIMEOUT),
                s.duration("revisionInterval", ReleasePipeline.DEFAULT_REVISION_POLL_INTERVAL),
                s.duration("revisionReadyTimeout", ReleasePipeline.DEFAULT_REVISION_READY_TIMEOUT));
        s.rejectUnknownKeys();
        return p;
    }

    private static CliConfig.Evidence evidence(Section s, CliConfig.Azure azure, List<String> problems,
            Path workingDirectory) {
        Optional<Path> directory = s.text("directory").map(Path::of);
        Optional<EvidenceTemplate> template = evidenceTemplate(s, workingDirectory);
        Optional<CliConfig.Blob> blob = Optional.empty();
        if (s.has("blob")) {
            Section b = s.section("blob");
            Optional<URI> endpoint = b.text("endpoint").flatMap(u -> azureEndpoint(b, "endpoint", u));
            Optional<String> variable = b.text("connectionStringVariable");
            variable.ifPresent(v -> variableName(b, "connectionStringVariable", v));
            if (endpoint.isPresent() == variable.isPresent()) {
                b.problem("endpoint", "give either endpoint (with the Azure credential; the identity needs Storage "
                        + "Blob Data Contributor) or connectionStringVariable, not both or neither");
            }
            Optional<String> token = b.text("tokenVariable");
            token.ifPresent(v -> variableName(b, "tokenVariable", v));
            if (token.isPresent() && variable.isPresent()) {
                b.problem("tokenVariable", "only with endpoint (a connection string carries its own key)");
            }
            if (endpoint.isPresent() && token.isEmpty() && azure.tokenVariable().isPresent()) {
                problems.add(BLOB_TOKEN_REQUIRED);
            }
            String container = b.text("container", BlobEvidenceStore.DEFAULT_CONTAINER);
            if (!container.matches("[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]")) {
                b.problem("container", "3-63 lowercase letters, digits and single hyphens, got "
                    + Section.shown(container));
            }
            b.rejectUnknownKeys();
            blob = Optional.of(new CliConfig.Blob(endpoint, variable, container, token));
            if (directory.isPresent()) {
                s.problem("directory", "give either directory or blob, not both");
            }
        }
        s.rejectUnknownKeys();
        return new CliConfig.Evidence(blob.isPresent() ? directory
                : Optional.of(directory.orElse(FileEvidenceStore.DEFAULT_ROOT)), blob, template);
    }

    /**
     * {@code evidence.template}: the file named, which must exist; or, when not set, the runbook's
     * {@link EvidenceTemplate#DEFAULT_PATH} if it exists. Every problem of the template (unknown placeholders with
     * their lines and columns, malformed <code>&#123;&#123;</code>) is listed under the key with the config's other
     * problems.
     */
    private static Optional<EvidenceTemplate> evidenceTemplate(Section s, Path workingDirectory) {
        Optional<String> configured = s.text("template");
        Path file = workingDirectory.resolve(configured.orElse(EvidenceTemplate.DEFAULT_PATH.toString()));
        if (configured.isEmpty() && !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        List<String> problems = new ArrayList<>();
        Optional<EvidenceTemplate> template = EvidenceTemplate.read(file, problems);
        problems.forEach(p -> s.problem("template", (configured.isEmpty() ? "(the default, found) " : "") + p));
        return template;
    }

    /**
     * Refuses anything but a variable name: a value that is not one, or looks like a credential, is said to look
     * like a secret ({@link VariableNames#problem}), never shown.
     */
    private static void variableName(Section s, String key, String name) {
        VariableNames.problem(s.pathOf(key), name).ifPresent(p -> s.problem(key, p));
    }

    /**
     * An absolute http(s) URL by the library's one rule ({@link Urls#transportProblem}): no user info, and plain
     * http only to a loopback host unless {@code httpAnywhere} (a URL that is only shown, never sent a credential).
     * A problem never quotes the URL's user info or query.
     */
    private static Optional<URI> httpUrl(Section s, String key, String text, boolean httpAnywhere) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            s.problem(key, "not a valid URL (" + e.getReason() + "), got " + Section.shown(text));
            return Optional.empty();
        }
        Optional<String> problem = Urls.transportProblem(uri, httpAnywhere);
        if (problem.isPresent()) {
            s.problem(key, problem.get());
            return Optional.empty();
        }
        return Optional.of(uri);
    }

    /**
     * As {@link #httpUrl}, and https only with no query, as the Azure builders require: an endpoint that receives
     * an Azure bearer token (the SDK sends those over https only; a SAS belongs in a connection string).
     */
    private static Optional<URI> azureEndpoint(Section s, String key, String text) {
        Optional<URI> uri = httpUrl(s, key, text, false);
        if (uri.isPresent() && !uri.get().getScheme().equalsIgnoreCase("https")) {
            s.problem(key, "must be an https URL (Azure bearer tokens are sent over https only, even to a loopback "
                    + "stand-in), got " + Urls.redacted(uri.get()));
            return Optional.empty();
        }
        if (uri.isPresent() && (uri.get().getRawQuery() != null || uri.get().getRawFragment() != null)) {
            s.problem(key, "must not have a query or fragment, got " + Urls.redacted(uri.get()) + "; give the "
                    + "endpoint alone (a shared access signature belongs in a connection string variable)");
            return Optional.empty();
        }
        return uri;
    }

    /**
     * What the YAML parser says is wrong, without the excerpt of the offending line it quotes (that line may hold a
     * secret pasted by mistake, cut where no pattern recognises it) nor its position lines (given apart): the
     * message's unindented lines, such as "mapping values are not allowed here".
     */
    static String yamlProblem(IOException e) {
        String message = e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
        if (message == null) {
            return "unreadable";
        }
        String problem = message.lines()
                .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
                .map(String::strip)
                .collect(java.util.stream.Collectors.joining("; "));
        return problem.isEmpty() ? "unreadable" : problem;
    }
}
