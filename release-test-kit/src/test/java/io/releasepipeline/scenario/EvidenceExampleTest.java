package io.releasepipeline.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.file.FileEvidenceStore;
import io.releasepipeline.testkit.FakeEvidenceStore;
import io.releasepipeline.testkit.Simulation;
import io.releasepipeline.traffic.TrafficPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example under {@code docs/evidence-example/} is the evidence of a real (simulated) release, written by the
 * engine through the filesystem store: a canary that went to 10% (a short health blip there, under the
 * threshold), then 50%, where its 5xx rate climbed past 5% and it was rolled back. This test fails when the
 * committed files are no longer what the engine writes; regenerate them with
 * {@code ./mvnw -B -q -pl release-test-kit -am test -Dtest=EvidenceExampleTest -Devidence.example.regenerate=true
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class EvidenceExampleTest {

    /** Surefire runs in the module directory; the example lives at the repository root. */
    private static final Path COMMITTED = Path.of("..", "docs", "evidence-example");
    private static final String RELEASE = "pr123-canary-example";

    @Test
    @DisplayName("docs/evidence-example is the evidence the engine writes for a canary rolled back at 50%")
    void committedExampleIsWhatTheEngineWrites(@TempDir Path dir) throws IOException {
        FileEvidenceStore store = FileEvidenceStore.of(dir);
        Simulation sim = new Simulation();
        store.write(FakeEvidenceStore.promotedRecord(Simulation.APP, "pr118-20260105-0600", Simulation.STABLE,
                sim.clock.now().minus(Duration.ofHours(3))));
        sim.probe.failingFor(Simulation.NEW, Duration.ofMinutes(6), Duration.ofSeconds(12));
        sim.signals.revision(Simulation.NEW).errorRateFrom(Duration.ofMinutes(11), 0.09);

        ReleaseResult result = sim.builder().evidence(store).trafficPlan(TrafficPlan.canary(10, 50, 100)).build()
                .promote(ReleaseRequest.ofPullRequest(Simulation.PR).withReleaseId(RELEASE).withDatabaseMigration());

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        List<Path> written = files(dir, RELEASE);
        assertThat(written).extracting(p -> p.getFileName().toString().replaceAll(".*\\.", ""))
                .containsExactlyInAnyOrder("json", "md", "svg");
        if (Boolean.getBoolean("evidence.example.regenerate")) {
            for (Path old : files(COMMITTED, "")) {
                if (!old.getFileName().toString().equals("README.md")) {
                    Files.delete(old);
                }
            }
            for (Path file : written) {
                Files.copy(file, COMMITTED.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        for (Path file : written) {
            assertThat(COMMITTED.resolve(file.getFileName())).as("docs/evidence-example is stale; regenerate it "
                    + "(see this test's javadoc)").exists();
            assertThat(Files.readString(COMMITTED.resolve(file.getFileName()))).as("%s is stale", file.getFileName())
                    .isEqualTo(Files.readString(file));
        }
    }

    private static List<Path> files(Path dir, String containing) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().contains(containing))
                    .filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }
}
