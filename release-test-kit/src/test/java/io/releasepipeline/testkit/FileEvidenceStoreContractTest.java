package io.releasepipeline.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.evidence.EvidenceStore;
import io.releasepipeline.evidence.file.FileEvidenceStore;
import io.releasepipeline.testkit.contract.EvidenceStoreContract;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evidence store contract, kept by the file store; a dead holder is a real one: a child JVM that takes the lock
 * and exits without releasing it.
 */
class FileEvidenceStoreContractTest extends EvidenceStoreContract {

    @TempDir
    Path dir;

    @Override
    protected EvidenceStore store() {
        return FileEvidenceStore.of(dir.resolve("evidence"));
    }

    @Override
    protected void lockHeldByDeadProcess(EvidenceStore store, String releaseId) {
        Path root = ((FileEvidenceStore) store).root();
        try {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "-XX:TieredStopAtLevel=1",
                    FileLockThenDie.class.getName(), root.toString(), APP, releaseId)
                    .redirectErrorStream(true).start();
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(out).as("child output").endsWith("acquired");
            assertThat(Files.exists(root.resolve(".locks").resolve(APP + ".lock"))).isTrue();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
