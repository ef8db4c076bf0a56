package io.releasepipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.RollbackRequest;
import io.releasepipeline.RollbackResult;
import io.releasepipeline.cli.CliWorld.Run;
import io.releasepipeline.cli.backtest.BacktestHistory;
import io.releasepipeline.evidence.EvidenceJson;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.testkit.Simulation;
import io.releasepipeline.testkit.local.RevisionServer;
import io.releasepipeline.traffic.TrafficPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSON Schemas in {@code docs/schemas/} against real output: every command's {@code --output json}, produced by
 * running the command in-process (the local platform on 127.0.0.1, GitHub on WireMock, file evidence), the evidence
 * records those runs wrote, and records of real engine runs in virtual time. Validated with networknt
 * json-schema-validator (draft 2020-12); the schemas are loaded from the repository's {@code docs/schemas/} under
 * their {@code $id}s, and the draft's meta-schema is the one the validator carries: nothing is fetched. Each document is also written to {@code target/json-output/} for a look.
 */
class JsonSchemaTest {

    /** The base of every schema's {@code $id}. */
    static final String BASE = "https://releasepipeline.io/schemas/";
    private static final Path SCHEMAS = docs().resolve("schemas");
    private static final Path DUMP = Path.of("target", "json-output");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** An ISO-8601 duration ({@code PT0.043S}, {@code P1D}): none outside the samples section and its policies. */
    private static final Pattern ISO_DURATION = Pattern.compile("^-?P(T|\\d).*");
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            b -> b.schemas(JsonSchemaTest::schemaText));
    /** The draft 2020-12 meta-schema, which the validator carries (never fetched). */
    private static final Schema META = REGISTRY.getSchema(
            SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

    @TempDir
    static Path shared;
    static CliWorld world;
    static Path evidence;

    @BeforeAll
    static void start() {
        world = new CliWorld(shared.resolve("world"));
        evidence = world.evidenceDir;
    }

    @AfterAll
    static void stop() {
        world.close();
    }

    @Test
    @DisplayName("every schema is a valid draft 2020-12 schema with an $id under " + BASE + ", a title and a "
            + "description")
    void theSchemasThemselves() throws IOException {
        try (Stream<Path> files = Files.list(SCHEMAS)) {
            List<Path> all = files.filter(f -> f.toString().endsWith(".schema.json")).sorted().toList();
            assertThat(all).hasSizeGreaterThanOrEqualTo(12);
            for (Path f : all) {
                JsonNode schema = JSON.readTree(f.toFile());
                assertThat(schema.path("$schema").asText()).as(f.toString())
                        .isEqualTo("https://json-schema.org/draft/2020-12/schema");
                assertThat(schema.path("$id").asText()).as(f.toString()).isEqualTo(BASE + f.getFileName());
                assertThat(schema.path("title").asText()).as(f.toString()).isNotBlank();
                assertThat(schema.path("description").asText()).as(f.toString()).isNotBlank();
                assertThat(META.validate(schema)).as("%s against the draft 2020-12 meta-schema", f).isEmpty();
            }
        }
        assertThat(META.validate(JSON.readTree("{\"type\": \"strin\", \"required\": \"outcome\"}")))
                .as("a schema with a mistyped type and required").hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    @DisplayName("promote, gates, smoke-check, status, rollback, resume and unlock: each --output json document "
            + "matches its schema, and so does every evidence record they wrote")
    void theCommandsOfARelease() throws IOException {
        String config = world.config().toString();
        world.mergeablePullRequest(CliWorld.PR, "success");

        valid("cli-gates", "gates", run("gates", "--config", config, "--pr", "123", "--output", "json"));
        valid("cli-promote-dry-run", "promote-dry-run", run("promote", "--config", config, "--pr", "123",
                "--dry-run", "--output", "json"));
        JsonNode promoted = valid("cli-release", "promote", run("promote", "--config", config, "--pr", "123",
                "--output", "json"));
        assertThat(promoted.path("outcome").asText()).isEqualTo("PROMOTED");
        valid("cli-smoke-check", "smoke-check", run("smoke-check", "--config", config, "--output", "json"));
        valid("cli-rollback-dry-run", "rollback-dry-run", run("rollback", "--config", config, "--reason",
                "checkout broken", "--dry-run", "--output", "json"));
        JsonNode rolledBack = valid("cli-rollback", "rollback", run("rollback", "--config", config, "--reason",
                "checkout broken", "--pr", "123", "--output", "json"));
        assertThat(rolledBack.path("outcome").asText()).isEqualTo("ROLLED_BACK");
        valid("cli-status", "status", run("status", "--config", config, "--output", "json"));
        valid("cli-resume-nothing", "resume", run("resume", "--config", config, "--output", "json"));
        valid("cli-unlock", "unlock", run("unlock", "--config", config, "--release", "nobody", "--output", "json"));
        // promote --event: an event that asks for no release, and a /release from someone without write permission.
        Path edited = world.write("issue_comment-edited.json", new String(JsonSchemaTest.class
                .getResourceAsStream("/github-events/issue_comment.json").readAllBytes(), StandardCharsets.UTF_8)
                .replace("\"action\": \"created\"", "\"action\": \"edited\""));
        valid("cli-promote-not-released", "promote-nothing", world.run(Map.of("GITHUB_EVENT_NAME", "issue_comment"),
                handler -> () -> { }, "promote", "--config", config, "--event", edited.toString(), "--output", "json"));
        Path outsider = world.write("issue_comment-outsider.json", new String(JsonSchemaTest.class
                .getResourceAsStream("/github-events/issue_comment-outsider.json").readAllBytes(),
                StandardCharsets.UTF_8));
        JsonNode refused = valid("cli-promote-not-released", "promote-refused", world.run(Map.of("GITHUB_EVENT_NAME",
                "issue_comment"), handler -> () -> { }, "promote", "--config", config, "--event", outsider.toString(),
                "--output", "json"));
        assertThat(refused.path("refused").asText()).contains("@mallory");
        valid("cli-error", "error", run("promote", "--config", world.write("broken.yaml", "app: [\n").toString(),
                "--pr", "123", "--output", "json"));

        // A release whose new revision fails: rolled back by the error rate or the smoke check.
        world.platform.setTraffic(TrafficWeights.all("v1"));
        world.mergeablePullRequest(124, "success").nextDeployBehaves(RevisionServer.Behaviour.FAILING);
        JsonNode failed = valid("cli-release", "promote-rolled-back", run("promote", "--config", config, "--pr",
                "124", "--output", "json"));
        assertThat(failed.path("outcome").asText()).isEqualTo("ROLLED_BACK");
        assertThat(failed.path("record").path("timeline").size()).isGreaterThan(1);

        List<Path> records;
        try (Stream<Path> files = Files.list(evidence)) {
            records = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(records).hasSizeGreaterThanOrEqualTo(3);
        for (Path record : records) {
            valid("evidence-record", "evidence-" + record.getFileName(), Files.readString(record));
        }
    }

    @Test
    @DisplayName("demo --simulated and backtest: their --output json documents match their schemas")
    void theDemoAndABacktest() throws IOException {
        JsonNode demo = valid("cli-demo", "demo-simulated", run("demo", "--simulated", "--output", "json"));
        assertThat(demo.path("releases")).hasSize(2);

        Path history = shared.resolve("history");
        BacktestHistory.write(history);
        Path candidate = Files.writeString(shared.resolve("candidate.yaml"),
                "rollback:\n  errorRate:\n    threshold: 0.02\n");
        JsonNode backtest = valid("cli-backtest", "backtest", cli("backtest", "--config", candidate.toString(),
                "--evidence", history.toString(), "--report-dir", shared.resolve("reports").toString(), "--output",
                "json"));
        assertThat(backtest.path("rows").size()).isGreaterThan(3);
        valid("cli-backtest-verify", "backtest-verify", cli("backtest", "--config", candidate.toString(),
                "--evidence", history.toString(), "--verify", "--output", "json"));
        try (Stream<Path> files = Files.list(history)) {
            for (Path record : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                valid("evidence-record", "history-" + record.getFileName(), Files.readString(record));
            }
        }
    }

    @Test
    @DisplayName("the local demo (real HTTP revision servers on 127.0.0.1): its --output json document and the records "
            + "it wrote match their schemas, and so do the records checked in under docs/")
    void theLocalDemoAndTheCheckedInRecords() throws IOException {
        Path demoEvidence = shared.resolve("demo-evidence");
        JsonNode demo = valid("cli-demo", "demo-local", cli("demo", "--evidence-dir", demoEvidence.toString(),
                "--output", "json"));
        assertThat(demo.path("simulated").asBoolean(true)).isFalse();
        assertThat(demo.path("releases").get(1).path("outcome").asText()).isEqualTo("ROLLED_BACK");
        List<Path> records = new ArrayList<>();
        for (Path dir : List.of(demoEvidence, docs().resolve("evidence"), docs().resolve("evidence-example"))) {
            try (Stream<Path> files = Files.list(dir)) {
                records.addAll(files.filter(f -> f.toString().endsWith(".json")).sorted().toList());
            }
        }
        assertThat(records).hasSizeGreaterThanOrEqualTo(5);
        for (Path record : records) {
            valid("evidence-record", "file-" + record.getFileName(), Files.readString(record));
        }
    }

    @Test
    @DisplayName("records of real engine runs in virtual time match the record schema: a canary rolled back by its "
            + "error rate, one rolled back by its smoke check, a standalone rollback")
    void recordsOfEngineRuns() {
        Simulation errorRate = new Simulation();
        errorRate.signals.revision(Simulation.NEW).errorRateFrom(Duration.ofMinutes(7), 0.2);
        errorRate.smoke.runTakes(Duration.ofNanos(43_677_233));
        ReleaseResult byErrorRate = errorRate.builder().trafficPlan(TrafficPlan.canary(10, 50, 100)).build()
                .promote(ReleaseRequest.ofPullRequest(Simulation.PR));
        assertThat(byErrorRate.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        validRecord("sim-error-rate", byErrorRate.record());

        Simulation smoke = new Simulation();
        smoke.smoke.failingFrom(Simulation.NEW, Duration.ZERO);
        ReleaseResult bySmoke = smoke.pipeline().promote(ReleaseRequest.ofPullRequest(Simulation.PR));
        assertThat(bySmoke.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        validRecord("sim-smoke", bySmoke.record());

        Simulation standalone = new Simulation();
        assertThat(standalone.pipeline().promote(ReleaseRequest.ofPullRequest(Simulation.PR)).outcome())
                .isEqualTo(ReleaseOutcome.PROMOTED);
        RollbackResult undo = standalone.pipeline().rollback(RollbackRequest.toPrevious("checkout broken")
                .forPullRequest(Simulation.PR));
        assertThat(undo.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        ReleaseRecord undone = standalone.evidence.read(Simulation.APP, undo.releaseId()).orElseThrow();
        assertThat(undone.kind()).isEqualTo(ReleaseRecord.Kind.ROLLBACK);
        validRecord("sim-standalone-rollback", undone);
    }

    @Test
    @DisplayName("a wrong document is rejected: a renamed field, a duration as an ISO string, a missing field, an "
            + "unknown outcome, a field added to a release, a mistyped exit code")
    void wrongDocumentsAreRejected() throws IOException {
        Simulation sim = new Simulation();
        ReleaseResult result = sim.pipeline().promote(ReleaseRequest.ofPullRequest(Simulation.PR));
        ObjectNode record = (ObjectNode) EvidenceJson.mapper().valueToTree(result.record());
        assertThat(errors("evidence-record", record)).isEmpty();

        ObjectNode renamed = record.deepCopy();
        ObjectNode endpoint = (ObjectNode) renamed.path("smokeChecks").get(0).path("endpoints").get(0);
        endpoint.set("medianLatency", endpoint.remove("medianLatencyMillis"));
        assertThat(errors("evidence-record", renamed)).anySatisfy(e -> assertThat(e).contains("medianLatency"));

        ObjectNode iso = record.deepCopy();
        ((ObjectNode) iso.path("smokeChecks").get(0).path("endpoints").get(0)).put("medianLatencyMillis", "PT0.12S");
        assertThat(errors("evidence-record", iso)).anySatisfy(e -> assertThat(e).contains("medianLatencyMillis"));

        ObjectNode missing = record.deepCopy();
        missing.remove("outcome");
        assertThat(errors("evidence-record", missing)).anySatisfy(e -> assertThat(e).contains("outcome"));

        ObjectNode release = (ObjectNode) JSON.readTree(run("demo", "--simulated", "--output", "json").out());
        assertThat(errors("cli-demo", release)).isEmpty();
        ObjectNode promoted = (ObjectNode) release.path("releases").get(0);
        promoted.put("outcome", "PROMOTE");
        promoted.put("releaseID", "r1");
        assertThat(errors("cli-demo", release)).anySatisfy(e -> assertThat(e).contains("/releases/0/outcome"))
                .anySatisfy(e -> assertThat(e).contains("releaseID"));

        ObjectNode doc = (ObjectNode) JSON.readTree(run("unlock", "--config", world.config().toString(), "--release",
                "nobody", "--output", "json").out());
        assertThat(errors("cli-unlock", doc)).isEmpty();
        doc.put("exitCode", "1");
        assertThat(errors("cli-unlock", doc)).anySatisfy(e -> assertThat(e).contains("exitCode"));
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static JsonNode valid(String schema, String name, Run run) {
        assertThat(run.out()).as("%s printed a JSON document: %s", name, run).startsWith("{");
        return valid(schema, name, run.out());
    }

    private static JsonNode valid(String schema, String name, String json) {
        JsonNode doc;
        try {
            doc = JSON.readTree(json);
            Files.createDirectories(DUMP);
            Files.writeString(DUMP.resolve(name.endsWith(".json") ? name : name + ".json"), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(errors(schema, doc)).as("%s against %s.schema.json", name, schema).isEmpty();
        assertThat(isoDurations(doc, "")).as("ISO-8601 durations in %s (only the samples section and its policies "
                + "keep them)", name).isEmpty();
        return doc;
    }

    private static void validRecord(String name, ReleaseRecord record) {
        valid("evidence-record", name, new String(EvidenceJson.toBytes(record), StandardCharsets.UTF_8));
    }

    /** Each problem as {@code /path: message}. */
    static List<String> errors(String schema, JsonNode doc) {
        return schema(schema + ".schema.json").validate(doc).stream()
                .map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList();
    }

    private static Schema schema(String file) {
        return REGISTRY.getSchema(SchemaLocation.of(BASE + file));
    }

    /** Where an ISO-8601 duration string appears, outside the samples section and its policies. */
    private static List<String> isoDurations(JsonNode node, String path) {
        List<String> found = new ArrayList<>();
        if (node.isTextual() && ISO_DURATION.matcher(node.asText()).matches()) {
            found.add(path + " = " + node.asText());
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (!POLICIES.contains(field.getKey())) {
                    found.addAll(isoDurations(field.getValue(), path + "/" + field.getKey()));
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                found.addAll(isoDurations(node.get(i), path + "/" + i));
            }
        }
        return found;
    }

    /**
     * The properties whose values keep ISO-8601 durations, as the samples format documents: a record's
     * {@code samples}, a backtest report's {@code candidate} and {@code live[].policy}.
     */
    private static final List<String> POLICIES = List.of("samples", "policy", "candidate");

    private static String schemaText(String iri) {
        if (!iri.startsWith(BASE)) {
            return null;
        }
        try {
            return Files.readString(SCHEMAS.resolve(iri.substring(BASE.length())));
        } catch (IOException e) {
            throw new UncheckedIOException("no schema " + iri + " in " + SCHEMAS, e);
        }
    }

    private static Run run(String... args) {
        return world.run(args);
    }

    /** The repository's docs/, from the module's directory (where Maven runs the tests) or the repository's. */
    private static Path docs() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("docs")) ? here.resolve("docs") : here.getParent().resolve("docs");
    }

    private static Run cli(String... args) {
        return CliWorld.runProduction(args);
    }
}
