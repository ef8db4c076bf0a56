package io.releasepipeline.cli.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code release backtest} through the packaged jar, over the records {@code release demo} writes (real HTTP
 * revision servers, the real file evidence store): the determinism check passes on every record the demo produces,
 * and a candidate backtest prints a valid JSON document and writes its reports next to the evidence.
 */
class BacktestIT {

    @TempDir
    Path dir;

    private ReleaseProcess.Run release(String... args) {
        return ReleaseProcess.start(dir, Map.of(), List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"), args)
                .await(Duration.ofMinutes(3));
    }

    @Test
    @DisplayName("`release demo`, then `release backtest --verify --evidence <its evidence>`: the live policy "
            + "reproduces both records; a 2% candidate's JSON report covers both releases")
    void demoRecordsReplay() throws Exception {
        ReleaseProcess.Run demo = release("demo", "--evidence-dir", "evidence");
        assertThat(demo.exitCode()).as(demo.toString()).isZero();

        ReleaseProcess.Run verify = release("backtest", "--verify", "--evidence", "evidence");

        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.out()).contains("verify: the live policy reproduced 2/2 records");

        Files.writeString(dir.resolve("candidate.yaml"), "rollback:\n  errorRate:\n    threshold: 0.02\n");
        ReleaseProcess.Run backtest = release("backtest", "--config", "candidate.yaml", "--evidence", "evidence",
                "--output", "json");

        assertThat(backtest.exitCode()).as(backtest.toString()).isZero();
        JsonNode doc = new ObjectMapper().readTree(backtest.out());
        assertThat(doc.at("/report/summary/releases").asInt()).isEqualTo(2);
        assertThat(doc.at("/report/summary/reproduced").asInt()).isEqualTo(2);
        assertThat(doc.at("/report/summary/mismatches").asInt()).isZero();
        assertThat(doc.get("rows")).hasSize(2);
        assertThat(doc.findValuesAsText("live")).contains("PROMOTED", "ROLLED_BACK");
        assertThat(dir.resolve(doc.at("/reports/markdown").asText())).exists();
        assertThat(dir.resolve(doc.at("/reports/svg").asText())).exists();
        assertThat(doc.at("/reports/markdown").asText()).startsWith("evidence/backtests/");

        // The README's candidate for the demo's records (its live section copied, the threshold changed): both
        // releases replay; the smallest candidate (release.yaml's 5m window) would leave both not replayable.
        java.util.regex.Matcher block = java.util.regex.Pattern.compile("<!-- backtest demo candidate -->\\s*```yaml"
                + "\\n(.*?)```", java.util.regex.Pattern.DOTALL).matcher(Files.readString(Path.of("..", "README.md")));
        assertThat(block.find()).as("the README's demo candidate block").isTrue();
        Files.writeString(dir.resolve("demo-candidate.yaml"), block.group(1));
        ReleaseProcess.Run copied = release("backtest", "--config", "demo-candidate.yaml", "--evidence", "evidence",
                "--output", "json");

        assertThat(copied.exitCode()).as(copied.toString()).isZero();
        JsonNode replayed = new ObjectMapper().readTree(copied.out());
        assertThat(replayed.at("/report/summary/releases").asInt()).isEqualTo(2);
        assertThat(replayed.at("/report/summary/notReplayable").asInt()).as(copied.out()).isZero();
        assertThat(doc.at("/report/summary/notReplayable").asInt()).as("the smallest candidate").isEqualTo(2);
    }
}
