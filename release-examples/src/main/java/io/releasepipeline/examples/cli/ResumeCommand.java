package io.releasepipeline.examples.cli;

import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.evidence.ReleaseLock;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code release resume}: finishes or rolls back a release whose process died, from its journal. */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = {"Finishes a release whose process died, from its journal: one that had not merged runs again "
                + "from the gates; one that had merged goes on without repeating the merge or a traffic shift; a "
                + "rollback that had started is finished.",
            "Exit codes as promote; 0 with nothing to resume."})
final class ResumeCommand extends CliCommand {

    @Option(names = "--release", paramLabel = "ID", description = "The release to resume (default: the one holding "
            + "the app's lock). One that does not exist is a usage error (64) listing those that can be resumed.")
    String releaseId;

    ResumeCommand(CliContext context) {
        super(context);
    }

    @Override
    int run(Wiring wiring) {
        try (Progress progress = progress()) {
            ReleasePipeline pipeline = wiring.pipeline(progress.listener());
            Optional<String> id = Optional.ofNullable(releaseId)
                    .or(() -> pipeline.currentLock().map(ReleaseLock::releaseId));
            if (id.isEmpty()) {
                if (json()) {
                    emit(document(ReleaseCli.OK).put("resumed", false));
                }
                println("Nothing to resume: no release holds the lock of " + wiring.config.app().name() + ".");
                return ReleaseCli.OK;
            }
            println("Resuming release " + id.get() + ".");
            ReleaseResult result = pipeline.resume(id.get());
            progress.close();
            int code = ReleaseCli.exitCode(result);
            if (json()) {
                emit(Reports.release(document(code).put("resumed", true), result));
            }
            return exit(code, Reports.summary(result));
        }
    }
}
