package io.releasepipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.releasepipeline.cli.CliWorld.Run;
import io.releasepipeline.evidence.file.FileEvidenceStore;
import io.releasepipeline.testkit.local.LocalWorld;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code release demo}: its JSON output, and its release lock when it is interrupted or left behind. */
class DemoCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static Run cli(String... args) {
        return CliWorld.runProduction(args);
    }

    @Test
    @DisplayName("`release demo --simulated` refuses --template (even a missing one) and --evidence-dir with exit 64 "
            + "before the story starts, saying why and what to run instead")
    void simulatedRefusesTemplateAndEvidenceDir() {
        Run template = cli("demo", "--simulated", "--template", dir.resolve("nonexistent.md").toString());
        Run both = cli("demo", "--simulated", "--evidence-dir", dir.resolve("ev").toString(), "--template",
                dir.resolve("t.md").toString(), "--output", "json");

        assertThat(template.exitCode()).as(template.toString()).isEqualTo(ReleaseCli.USAGE);
        assertThat(template.err()).contains("release demo: --simulated keeps its evidence in memory and writes no "
                + "file, so --template would have no effect; drop it, or run `release demo` without --simulated");
        assertThat(template.out()).isEmpty();
        assertThat(both.exitCode()).as(both.toString()).isEqualTo(ReleaseCli.USAGE);
        assertThat(both.err()).contains("so --evidence-dir and --template would have no effect; drop them");
        assertThat(both.out()).contains("\"exitCode\" : 64").doesNotContain("releases");
        assertThat(dir.resolve("ev")).doesNotExist();
    }

    @Test
    @DisplayName("`release demo --simulated --output json` prints one document: both releases and how they ended")
    void simulatedJson() throws Exception {
        Run run = cli("demo", "--simulated", "--output", "json");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode doc = JSON.readTree(run.out());
        assertThat(doc.path("command").asText()).isEqualTo("demo");
        assertThat(doc.path("exitCode").asInt()).isZero();
        assertThat(doc.path("asTold").asBoolean()).isTrue();
        assertThat(doc.path("releases")).extracting(r -> r.path("outcome").asText())
                .containsExactly("PROMOTED", "ROLLED_BACK");
        assertThat(doc.path("releases").get(1).path("rollback").path("succeeded").asBoolean()).isTrue();
    }

    @Test
    @DisplayName("a demo interrupted with SIGINT gives back its lock, and the next demo (--output json) runs to the end")
    void interruptedDemoLeavesNoLock() throws Exception {
        Path evidence = dir.resolve("evidence");
        Path log = dir.resolve("child-stderr.log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                ReleaseCli.class.getName(), "demo", "--evidence-dir", evidence.toString())
                .redirectError(log.toFile()).start();
        List<String> seen = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            // The release has taken the app's lock by the time it says it is promoting.
            String line;
            while ((line = out.readLine()) != null && !line.contains(": promoting pull request #" + LocalWorld.PR)) {
                seen.add(line);
            }
            assertThat(line).as("the child's stdout %s, its stderr %s", seen, Files.readString(log)).isNotNull();
            String releaseId = line.replaceAll(".*release (\\S+): promoting.*", "$1");
            assertThat(FileEvidenceStore.of(evidence).currentLock(LocalWorld.APP))
                    .hasValueSatisfying(l -> assertThat(l.releaseId()).isEqualTo(releaseId));

            int kill = new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).inheritIO().start().waitFor();
            assertThat(kill).isZero();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the demo ends on SIGINT").isTrue();
        } finally {
            child.destroyForcibly();
        }

        assertThat(child.exitValue()).as("SIGINT's exit status").isEqualTo(130);
        assertThat(FileEvidenceStore.of(evidence).currentLock(LocalWorld.APP)).as(Files.readString(log)).isEmpty();

        Run next = cli("demo", "--evidence-dir", evidence.toString(), "--output", "json");

        assertThat(next.exitCode()).as(next.toString()).isZero();
        JsonNode doc = JSON.readTree(next.out());
        assertThat(doc.path("releases")).extracting(r -> r.path("outcome").asText())
                .containsExactly("PROMOTED", "ROLLED_BACK");
        assertThat(doc.path("trafficAfter").path("v2").asInt()).isEqualTo(100);
        assertThat(Path.of(doc.path("evidence").asText())).isEqualTo(evidence.toAbsolutePath().normalize());
        assertThat(FileEvidenceStore.of(evidence).currentLock(LocalWorld.APP)).isEmpty();
    }

    @Test
    @DisplayName("a lock left by a demo that was killed is named by the next demo (exit 75) and `release unlock "
            + "--demo` breaks it without a release.yaml")
    void unlockTheDemo() throws Exception {
        Path evidence = dir.resolve("evidence");
        String dead = "pr123-20260105-090000";
        assertThat(FileEvidenceStore.of(evidence).tryLock(LocalWorld.APP, dead,
                io.releasepipeline.evidence.LockOwner.random(), "localhost", Instant.now())).isEmpty();

        Run blocked = cli("demo", "--evidence-dir", evidence.toString());
        Run unlock = cli("unlock", "--demo", "--release", dead, "--evidence-dir", evidence.toString());
        Run again = cli("unlock", "--demo", "--release", dead, "--evidence-dir", evidence.toString());

        assertThat(blocked.exitCode()).as(blocked.toString()).isEqualTo(ReleaseCli.IN_PROGRESS);
        assertThat(blocked.err()).contains("an earlier demo (release " + dead,
                "release unlock --demo --release " + dead + " --evidence-dir " + evidence);
        assertThat(unlock.exitCode()).as(unlock.toString()).isZero();
        assertThat(unlock.out()).contains("Broke the lock of backend held by release " + dead);
        assertThat(FileEvidenceStore.of(evidence).currentLock(LocalWorld.APP)).isEmpty();
        assertThat(again.exitCode()).isEqualTo(ReleaseCli.SMOKE_FAILED);
        assertThat(again.err()).contains("does not hold the lock of backend (nobody does)");
    }
}
