package io.releasepipeline.evidence.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvidenceExampleTest {

    /** Surefire runs in the module directory; the example lives at the repository root. */
    private static final Path COMMITTED = Path.of("..", "docs", "evidence-example");

    @Test
    @DisplayName("the committed docs/evidence-example is what the code renders today (else run EvidenceExample)")
    void committedExampleIsCurrent(@TempDir Path dir) throws IOException {
        EvidenceExample.render(dir);

        List<Path> rendered = recordFiles(dir);
        assertThat(rendered).hasSize(3);
        assertThat(recordFiles(COMMITTED)).extracting(p -> p.getFileName().toString())
                .containsExactlyElementsOf(rendered.stream().map(p -> p.getFileName().toString()).toList());
        for (Path file : rendered) {
            assertThat(Files.readString(COMMITTED.resolve(file.getFileName())))
                    .as("%s is stale: regenerate it with EvidenceExample", file.getFileName())
                    .isEqualTo(Files.readString(file));
        }
    }

    private static List<Path> recordFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(EvidenceExample::isRecordFile).sorted().toList();
        }
    }
}
