package io.releasepipeline.cli;

import io.releasepipeline.evidence.EvidenceStore;
import io.releasepipeline.evidence.ReleaseLock;
import io.releasepipeline.evidence.file.FileEvidenceStore;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code release unlock}: breaks a stale release lock, explicitly. */
@Command(name = "unlock", mixinStandardHelpOptions = true,
        description = {"Breaks the app's release lock if the named release holds it, whatever process holds it: for "
                + "a lock left by a dead process. Resuming the release is usually better. With --demo, the lock of "
                + "`release demo` (no release.yaml needed)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:broken",
            "1:that release does not hold the lock",
            "64:bad config",
            "69:the evidence store (where the lock is) could not be used"})
final class UnlockCommand extends CliCommand {

    @Option(names = "--release", paramLabel = "ID", required = true,
            description = "The release whose lock to break (see `release status`, or the demo's message).")
    String releaseId;

    @Option(names = "--demo", description = "Break the lock of `release demo` in its evidence directory instead of "
            + "the lock of the app in release.yaml.")
    boolean demo;

    @Option(names = "--evidence-dir", paramLabel = "DIR", defaultValue = DemoCommand.DEFAULT_EVIDENCE_DIR,
            description = "With --demo: the demo's evidence directory (default: ${DEFAULT-VALUE}).")
    Path demoEvidenceDir;

    UnlockCommand(CliContext context) {
        super(context);
    }

    @Override
    Optional<Integer> runWithoutConfig() {
        return demo ? Optional.of(unlock(DemoCommand.APP, FileEvidenceStore.of(demoEvidenceDir))) : Optional.empty();
    }

    @Override
    int run(Wiring wiring) {
        return unlock(wiring.config.app().name(), wiring.evidence());
    }

    private int unlock(String app, EvidenceStore evidence) {
        Optional<ReleaseLock> before = evidence.currentLock(app);
        boolean broken = evidence.breakLock(app, releaseId);
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
