package io.releasepipeline.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.cli.config.CliConfig;
import io.releasepipeline.cli.config.ConfigReader;
import io.releasepipeline.event.ReleaseListener;
import io.releasepipeline.evidence.EvidenceJson;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every command that works on a {@code release.yaml} shares: {@code --config}, {@code --output}, reading the
 * config, the provider wiring, the progress view and the JSON document. Subclasses implement {@link #run(Wiring)}.
 */
abstract class CliCommand implements Callable<Integer> {

    /** How results are printed. */
    enum Output { TEXT, JSON }

    @Option(names = "--config", paramLabel = "FILE", defaultValue = "release.yaml",
            description = "The release configuration (default: ${DEFAULT-VALUE}).")
    Path configFile;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (a live view on a terminal, plain lines otherwise) or json (one document on stdout "
                    + "at the end). Default: ${DEFAULT-VALUE}.")
    Output output;

    @Spec
    CommandSpec spec;

    final CliContext context;

    CliCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public final Integer call() {
        java.util.Optional<Integer> alone = runWithoutConfig();
        if (alone.isPresent()) {
            return alone.get();
        }
        CliConfig config = ConfigReader.read(configFile);
        warnAboutRunnerDisk(config);
        try (Wiring wiring = new Wiring(config, context.providers().get(), context.environment())) {
            return run(wiring);
        }
    }

    /**
     * On a GitHub Actions runner the disk is thrown away after the job: a file evidence store there loses the lock,
     * the journal and the release history, so the stability gate, resume and the one-release-per-app lock mean
     * nothing. One line on stderr, with the fix.
     */
    private void warnAboutRunnerDisk(CliConfig config) {
        if ("true".equalsIgnoreCase(context.environment().apply("GITHUB_ACTIONS")) && config.evidence().blob().isEmpty()) {
            errln("release: warning: evidence is the directory " + config.evidence().directory()
                    .map(Object::toString).orElse(".ops/evidence") + " on a GitHub Actions runner, whose disk is "
                    + "discarded after the job (lock, journal and release history with it); set evidence.blob "
                    + "(endpoint, container) in " + configFile);
        }
    }

    /** Runs the command; returns its exit code. */
    abstract int run(Wiring wiring);

    /** For a command that can run without {@code release.yaml} (e.g. on the demo): its exit code, else empty. */
    java.util.Optional<Integer> runWithoutConfig() {
        return java.util.Optional.empty();
    }

    boolean json() {
        return output == Output.JSON;
    }

    /** One line of plain text to stdout, unless the output is JSON; {@link Console#line neutralised}. */
    void println(String line) {
        if (!json()) {
            context.out().println(Console.line(line));
        }
    }

    /** One line to stderr, {@link Console#line neutralised}. */
    void errln(String line) {
        context.err().println(Console.line(line));
    }

    /** The one-line summary of a non-zero exit, on stderr. */
    int exit(int code, String summary) {
        if (code != ReleaseCli.OK) {
            errln("release " + spec.name() + ": " + summary);
        }
        return code;
    }

    /** The one-line summary of how the command ended, on stderr whatever the exit code (e.g. after a signal). */
    int report(int code, String summary) {
        errln("release " + spec.name() + ": " + summary);
        return code;
    }

    /**
     * Runs {@code work}, a release of {@code pipeline} ({@code promote} or {@code resume}), stopped by SIGINT and
     * SIGTERM ({@link SignalStop#stopping}), then reports how it ended: the JSON document ({@code document} for the
     * exit code, then {@code cancelledBy} and the result) and the summary line, the signal's when one came.
     */
    int release(ReleasePipeline pipeline, SignalStop.EarlyStop early, Progress progress,
            Supplier<ReleaseResult> work, IntFunction<ObjectNode> document) {
        try (SignalStop stop = SignalStop.stopping(context, spec.name(), pipeline, early)) {
            ReleaseResult result = stop.run(work);
            progress.close();
            int code = ReleaseCli.exitCode(result);
            if (wantsDocument()) {
                ObjectNode doc = document.apply(code);
                stop.received().ifPresent(s -> doc.put("cancelledBy", s));
                emit(Reports.release(doc, result));
            }
            return stop.received().map(s -> report(code, SignalStop.summary(s, result)))
                    .orElseGet(() -> exit(code, Reports.summary(result)));
        }
    }

    /** The progress view: live on a terminal, plain lines otherwise, nothing with JSON output. */
    Progress progress() {
        if (json()) {
            return new Progress(event -> { }, () -> { });
        }
        if (context.terminal()) {
            LiveView view = new LiveView(context.out());
            return new Progress(view, view::close);
        }
        return new Progress(new EventPrinter(context.out()), () -> { });
    }

    /** A JSON document for this command with its exit code. */
    ObjectNode document(int exitCode) {
        return mapper().createObjectNode().put("command", spec.name()).put("exitCode", exitCode);
    }

    /** Any value (records included) as JSON, in the evidence format. */
    JsonNode tree(Object value) {
        return mapper().valueToTree(value);
    }

    /** Where this command also writes its JSON document, text staying on stdout; none unless it takes one. */
    java.util.Optional<Path> jsonFile() {
        return java.util.Optional.empty();
    }

    /** True when the command's JSON document is wanted: on stdout ({@code --output json}) or in a file. */
    boolean wantsDocument() {
        return json() || jsonFile().isPresent();
    }

    /** Prints the document on stdout with {@code --output json}, and writes it to the JSON file when there is one. */
    void emit(ObjectNode document) {
        String text;
        try {
            text = Console.json().writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        if (json()) {
            context.out().println(text);
        }
        jsonFile().ifPresent(file -> {
            try {
                java.nio.file.Files.writeString(file, text + System.lineSeparator());
            } catch (java.io.IOException e) {
                errln("release: cannot write the JSON document to " + file + ": " + e.getMessage());
            }
        });
    }

    private static ObjectMapper mapper() {
        return EvidenceJson.mapper();
    }

    /**
     * A progress listener and what ends it.
     *
     * @param listener gets every event
     * @param closer stops it
     */
    record Progress(ReleaseListener listener, Runnable closer) implements AutoCloseable {
        @Override
        public void close() {
            closer.run();
        }
    }
}
