package io.releasepipeline.testkit;

import io.releasepipeline.evidence.LockOwner;
import io.releasepipeline.evidence.file.FileEvidenceStore;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Run in a child JVM by {@link FileEvidenceStoreContractTest}: takes the lock and halts without releasing it (a
 * crash: no shutdown hook, no finally).
 */
public final class FileLockThenDie {

    private FileLockThenDie() {
    }

    /** Arguments: root, app, release id. Prints {@code acquired} or {@code held}, then halts. */
    public static void main(String[] args) {
        boolean acquired = FileEvidenceStore.of(Path.of(args[0]))
                .tryLock(args[1], args[2], LockOwner.random(), "dead-host", Instant.now()).isEmpty();
        System.out.println(acquired ? "acquired" : "held");
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}
