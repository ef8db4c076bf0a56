package io.releasepipeline.evidence.file;

import io.releasepipeline.evidence.LockOwner;
import io.releasepipeline.evidence.ReleaseLock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/** Run in a child JVM by {@link FileEvidenceStoreTest}: tries the lock and prints what happened. */
public final class LockFromAnotherProcess {

    private LockFromAnotherProcess() {
    }

    /** Arguments: root, app, release id. Prints {@code acquired} or {@code held-by <releaseId> <host>}. */
    public static void main(String[] args) {
        Optional<ReleaseLock> holder = FileEvidenceStore.of(Path.of(args[0]))
                .tryLock(args[1], args[2], LockOwner.random(), "child-host", Instant.parse("2025-03-14T10:00:00Z"));
        System.out.println(holder.map(l -> "held-by " + l.releaseId() + " " + l.host()).orElse("acquired"));
    }
}
