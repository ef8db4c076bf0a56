package io.releasepipeline.examples.cli;

import io.releasepipeline.evidence.ReleaseLock;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code release unlock}: breaks a stale release lock, explicitly. */
@Command(name = "unlock", mixinStandardHelpOptions = true,
        description = {"Breaks the app's release lock if the named release holds it, whatever process holds it: for "
                + "a lock left by a dead process. Resuming the release is usually better.",
            "Exit 0 broken, 1 that release does not hold the lock, 64 bad config."})
final class UnlockCommand extends CliCommand {

    @Option(names = "--release", paramLabel = "ID", required = true,
            description = "The release whose lock to break (see `release status`).")
    String releaseId;

    UnlockCommand(CliContext context) {
        super(context);
    }

    @Override
    int run(Wiring wiring) {
        String app = wiring.config.app().name();
        Optional<ReleaseLock> before = wiring.evidence().currentLock(app);
        boolean broken = wiring.evidence().breakLock(app, releaseId);
        int code = broken ? ReleaseCli.OK : ReleaseCli.SMOKE_FAILED;
        if (json()) {
            emit(document(code).put("releaseId", releaseId).put("broken", broken));
        } else {
            println(broken ? "Broke the lock of " + app + " held by release " + releaseId + before.map(l -> " on "
                    + l.host() + " since " + l.since()).orElse("") + "." : "Nothing broken.");
        }
        return exit(code, "release " + releaseId + " does not hold the lock of " + app + before
                .map(l -> " (release " + l.releaseId() + " does)").orElse(" (nobody does)"));
    }
}
