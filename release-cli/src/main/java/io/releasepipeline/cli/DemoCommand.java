package io.releasepipeline.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.releasepipeline.ReleaseInProgressException;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.cli.demo.LocalDemo;
import io.releasepipeline.cli.demo.SimulatedDemo;
import io.releasepipeline.evidence.EvidenceTemplate;
import io.releasepipeline.testkit.local.LocalWorld;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code release demo}: the local demo, or with {@code --simulated} the same story in virtual time. Needs no
 * {@code release.yaml}. With {@code --output json} the story is not told; one document with both releases is printed
 * at the end.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs a promotion and an automatic rollback on this machine, no cloud account needed.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the story went as told",
            "1:it did not",
            "64:the evidence template is invalid (or --simulated with --evidence-dir or --template)",
            "69:the demo could not run (an internal error; the message says what failed)",
            "75:an earlier demo holds the demo's lock (see the message)"})
final class DemoCommand implements Callable<Integer> {

    /** The demo's app, whose lock it takes in the evidence directory. */
    static final String APP = LocalWorld.APP;
    /** Where the demo writes evidence unless told otherwise. */
    static final String DEFAULT_EVIDENCE_DIR = ".ops/evidence";

    @Option(names = "--simulated",
            description = "Run the story in virtual time with fake providers instead (milliseconds, no HTTP). Its "
                    + "evidence stays in memory: --evidence-dir and --template are refused (exit 64); "
                    + ".ops/templates/release-evidence.md, when it exists, is still checked (invalid: exit 64).")
    boolean simulated;

    @Option(names = "--evidence-dir", paramLabel = "DIR", defaultValue = DEFAULT_EVIDENCE_DIR,
            description = "Where the evidence files go (default: ${DEFAULT-VALUE}).")
    Path evidenceDir;

    @Option(names = "--template", paramLabel = "FILE",
            description = "The team's evidence template the Markdown evidence is filled from (default: "
                    + ".ops/templates/release-evidence.md when it exists; an unknown placeholder exits 64).")
    Path template;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (the story, live on a terminal) or json (one document on stdout at the end). "
                    + "Default: ${DEFAULT-VALUE}.")
    CliCommand.Output output;

    @Spec
    CommandSpec spec;

    private final CliContext context;

    DemoCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        boolean json = output == CliCommand.Output.JSON;
        PrintStream story = json ? new PrintStream(OutputStream.nullOutputStream()) : context.out();
        if (simulated) {
            // The simulated story keeps its evidence in memory: a template or a directory would silently do nothing.
            List<String> ignored = java.util.stream.Stream.of("--evidence-dir", "--template")
                    .filter(spec.commandLine().getParseResult()::hasMatchedOption).toList();
            if (!ignored.isEmpty()) {
                String why = "--simulated keeps its evidence in memory and writes no file, so "
                        + String.join(" and ", ignored) + " would have no effect; drop " + (ignored.size() == 1
                                ? "it" : "them") + ", or run `release demo` without --simulated (its evidence is "
                        + "written to --evidence-dir, filled from --template)";
                context.err().println(Console.line("release demo: " + why));
                if (json) {
                    emit(document(ReleaseCli.USAGE).put("error", why));
                }
                return ReleaseCli.USAGE;
            }
            // The team's default template is checked all the same: an invalid one exits 64 before anything starts.
            if (Files.isRegularFile(EvidenceTemplate.DEFAULT_PATH)) {
                EvidenceTemplate.read(EvidenceTemplate.DEFAULT_PATH);
            }
            SimulatedDemo.Story told = SimulatedDemo.tell(story);
            return finish(json, told.asTold(), List.of(told.promoted(), told.rolledBack()), null);
        }
        // Read before anything starts: a bad template is a usage error (exit 64), and no server is started.
        Optional<EvidenceTemplate> form = template != null ? Optional.of(EvidenceTemplate.read(template))
                : Files.isRegularFile(EvidenceTemplate.DEFAULT_PATH)
                        ? Optional.of(EvidenceTemplate.read(EvidenceTemplate.DEFAULT_PATH)) : Optional.empty();
        LocalDemo.Story told;
        try {
            told = json ? new LocalDemo(story, evidenceDir, LocalWorld.Timings.demo(), event -> { }, form).tell()
                    : context.terminal() ? liveView(story, form) : new LocalDemo(story, evidenceDir,
                            LocalWorld.Timings.demo(), new EventPrinter(story), form).tell();
        } catch (ReleaseInProgressException e) {
            String why = "an earlier demo (release " + e.releaseId() + ", since " + e.since() + " on " + e.host()
                    + ") holds the demo's lock in " + evidenceDir + "; if no demo is running any more, break it with "
                    + "`release unlock --demo --release " + e.releaseId()
                    + (evidenceDir.toString().equals(Path.of(DEFAULT_EVIDENCE_DIR).toString()) ? ""
                            : " --evidence-dir " + evidenceDir) + "`";
            context.err().println(Console.line("release demo: " + why));
            if (json) {
                emit(document(ReleaseCli.IN_PROGRESS).put("error", why));
            }
            return ReleaseCli.IN_PROGRESS;
        }
        return finish(json, told.asTold(), List.of(told.promoted(), told.rolledBack()), told);
    }

    private LocalDemo.Story liveView(PrintStream out, Optional<EvidenceTemplate> form) {
        try (LiveView view = new LiveView(out)) {
            return new LocalDemo(view.out(), evidenceDir, LocalWorld.Timings.demo(), view, form).tell();
        }
    }

    private int finish(boolean json, boolean asTold, List<ReleaseResult> releases, LocalDemo.Story local) {
        int code = asTold ? ReleaseCli.OK : ReleaseCli.SMOKE_FAILED;
        if (json) {
            ObjectNode doc = document(code).put("simulated", simulated).put("asTold", asTold);
            ArrayNode list = doc.putArray("releases");
            releases.forEach(r -> list.add(Reports.release(document(code).objectNode(), r)));
            if (local != null) {
                doc.set("trafficAfter", io.releasepipeline.evidence.EvidenceJson.mapper()
                        .valueToTree(local.trafficAfter().weights()));
                doc.put("requestsSent", local.requestsSent()).put("evidence", local.evidence().toString());
            }
            emit(doc);
        }
        if (!asTold) {
            context.err().println(Console.line("release demo: the story did not go as told: " + releases.stream()
                    .map(Reports::summary).reduce((a, b) -> a + "; " + b).orElse("")));
        }
        return code;
    }

    private ObjectNode document(int exitCode) {
        return io.releasepipeline.evidence.EvidenceJson.mapper().createObjectNode().put("command", spec.name())
                .put("exitCode", exitCode);
    }

    private void emit(ObjectNode doc) {
        try {
            context.out().println(Console.json().writeValueAsString(doc));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
