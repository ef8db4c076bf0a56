package io.releasepipeline.evidence.file;

import io.releasepipeline.evidence.EvidenceFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Regenerates {@code docs/evidence-example/} (run the command below from the repository root): the evidence of a realistic rolled-back release, written by the real
 * {@link FileEvidenceStore}, so readers see what a record looks like. {@link EvidenceExampleTest} fails when the
 * committed files no longer match what the code renders.
 *
 * <pre>
 * ./mvnw -B -q -pl release-core test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.releasepipeline.evidence.file.EvidenceExample -Dexec.args=docs/evidence-example
 * </pre>
 */
public final class EvidenceExample {

    private EvidenceExample() {
    }

    /** Argument: the directory to (re)write, e.g. {@code docs/evidence-example}. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "docs/evidence-example");
        System.out.println("wrote " + render(dir));
    }

    /** Deletes the previous example's record files in {@code dir} and writes the example record there. */
    static String render(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(EvidenceExample::isRecordFile).toList()) {
                    Files.delete(f);
                }
            }
        }
        String report = FileEvidenceStore.of(dir).write(EvidenceFixtures.rolledBackRelease());
        // The store's guard file is machinery, not part of the example.
        Path locks = dir.resolve(".locks");
        try (Stream<Path> files = Files.list(locks)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(locks);
        return report;
    }

    static boolean isRecordFile(Path file) {
        String name = file.getFileName().toString();
        return name.matches("\\d{4}-\\d{2}-\\d{2}-.*\\.(md|svg|json)");
    }
}
