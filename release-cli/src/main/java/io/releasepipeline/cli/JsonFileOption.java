package io.releasepipeline.cli;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --json-file FILE}, for the commands whose result an automation keeps ({@code promote}, {@code resume}): the
 * JSON document is also written to the file while the text output stays on stdout. A picocli mixin; one per command.
 */
final class JsonFileOption {

    @Option(names = "--json-file", paramLabel = "FILE",
            description = "Also write the JSON document (as --output json prints it) to FILE, keeping the text output "
                    + "on stdout: the live progress in a CI log, the result for an artifact.")
    Path path;

    /** The file, when one was given. */
    Optional<Path> file() {
        return Optional.ofNullable(path);
    }
}
