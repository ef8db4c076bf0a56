package io.releasepipeline.cli;

import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.evidence.ReleaseLock;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code release resume}: finishes or rolls back a release whose process died, from its journal. */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = {"Finishes a release whose process died, from its journal: one that had not merged runs again "
                + "from the gates; one that had merged goes on without repeating the merge or a traffic shift; a "
                + "rollback that had started is finished.",
            "Takes the release lock over only from a holder whose process is gone (a stale lock: missed heartbeats, an "
                + "expired lease); a live holder exits 75 naming it, unless --force.",
            "SIGINT/SIGTERM stop it as they stop promote."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:promoted (or merged with nothing to deploy), or nothing to resume (no lock held, or --if-started and "
                + "--release names a release that never started)",
            "2:gates failed (a release that had not merged runs them again)",
            "3:rolled back",
            "4:rollback failed: page someone",
            "5:aborted before traffic moved",
            "6:frozen (a roll-forward-only release): roll forward",
            "7:rolled back but NOT RECOVERED (the error rate did not return to baseline): page someone",
            "8:rolled back but a rollback hook failed: page someone",
            "64:bad usage or config (also a --release with no journal: the resumable ones are listed)",
            "69:a provider could not be used; nothing changed",
            "75:a live process holds the lock (it is named); --force takes it over"})
final class ResumeCommand extends CliCommand {

    @Option(names = "--release", paramLabel = "ID", description = "The release to resume (default: the one holding "
            + "the app's lock). One that does not exist is a usage error (64) listing those that can be resumed.")
    String releaseId;

    @Option(names = "--if-started", description = "With --release: a release that never started (it has no journal) "
            + "is nothing to resume (exit 0) instead of a usage error. For a workflow's cancelled() step, which names "
            + "its release id whether or not the release got to start.")
    boolean ifStarted;

    @Option(names = "--force", description = "Take the lock over even if its holder looks alive (its lock not yet "
            + "stale): for a process you know is dead. Logged loudly; if that process was in fact running, it stops at "
            + "its next step. Never breaks the lock of another release. Without it, a live holder exits 75 naming it.")
    boolean force;

    @picocli.CommandLine.Mixin
    JsonFileOption jsonFileOption = new JsonFileOption();

    @Override
    java.util.Optional<java.nio.file.Path> jsonFile() {
        return jsonFileOption.file();
    }

    ResumeCommand(CliContext context) {
        super(context);
    }

    @Override
    int run(Wiring wiring) {
        try (Progress progress = progress()) {
            SignalStop.EarlyStop early = new SignalStop.EarlyStop();
            ReleasePipeline pipeline = wiring.pipeline(early.then(progress.listener()));
            Optional<String> id = Optional.ofNullable(releaseId)
                    .or(() -> pipeline.currentLock().map(ReleaseLock::releaseId));
            if (id.isEmpty()) {
                if (wantsDocument()) {
                    emit(document(ReleaseCli.OK).put("resumed", false));
                }
                println("Nothing to resume: no release holds the lock of " + wiring.config.app().name() + ".");
                return ReleaseCli.OK;
            }
            if (ifStarted && releaseId != null
                    && wiring.evidence().journal(wiring.config.app().name(), releaseId).isEmpty()) {
                if (wantsDocument()) {
                    emit(document(ReleaseCli.OK).put("resumed", false).put("releaseId", releaseId));
                }
                println("Nothing to resume: release " + releaseId + " of " + wiring.config.app().name()
                        + " has no journal (it never started).");
                return ReleaseCli.OK;
            }
            if (force) {
                errln("release resume: --force: taking over the release lock of " + id.get()
                        + " even from a live holder");
            }
            println("Resuming release " + id.get() + ".");
            io.releasepipeline.LockTakeover takeover = force ? io.releasepipeline.LockTakeover.FORCE
                    : io.releasepipeline.LockTakeover.IF_STALE;
            return release(pipeline, early, progress, () -> pipeline.resume(id.get(), takeover),
                    code -> document(code).put("resumed", true));
        }
    }
}
