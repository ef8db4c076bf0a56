package io.releasepipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.spi.TrafficWeights;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The terminal view: event lines scroll, one redrawn status line says step, elapsed, wait and weights. */
class CliLiveViewTest {

    @Test
    @DisplayName("the status line shows the current step, what it waits for with the time left, and the weights")
    void statusLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Instant t0 = Instant.now();
        try (LiveView view = new LiveView(out)) {
            view.onEvent(new ReleaseEvent.ReleaseStarted("rel-1", t0, "backend", 123));
            view.onEvent(new ReleaseEvent.TrafficShifted("rel-1", t0, TrafficWeights.all("v1"),
                    TrafficWeights.split("v1", "v2", 10), "canary step 10%"));
            view.onEvent(new ReleaseEvent.ObservationStarted("rel-1", t0, "v2", 10, Duration.ofMinutes(5)));
            String screen = bytes.toString(StandardCharsets.UTF_8);
            String status = screen.substring(screen.lastIndexOf("\r\033[2K"));

            assertThat(screen).contains("promoting pull request #123", "observing v2 at 10% for 5m");
            assertThat(status).contains("observing v2 at 10%", "elapsed 00:0", "waiting for the observation window",
                    "left)", "traffic v1=90%, v2=10%");

            view.onEvent(new ReleaseEvent.ReleaseFinished("rel-1", t0, ReleaseOutcome.PROMOTED, "v2 promoted"));
        }
        String end = bytes.toString(StandardCharsets.UTF_8);
        assertThat(end).contains("PROMOTED: v2 promoted").endsWith("\r\033[2K");
    }

    @Test
    @DisplayName("a library's WARN log line and the CLI's own lines are written through the view: the status line is "
            + "cleared before each and drawn again after, never glued to it")
    void otherLinesClearTheStatusLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream terminal = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        System.setOut(terminal);
        System.setErr(terminal);
        try {
            LiveView view = new LiveView(terminal);
            view.onEvent(new ReleaseEvent.ReleaseStarted("rel-1", Instant.now(), "backend", 123));
            // slf4j-simple, as the CLI ships it (simplelogger.properties): WARN and up, to System.err.
            LoggerFactory.getLogger("io.releasepipeline.azure.ContainerAppsPlatform").warn("throttled; retrying in 2s");
            String afterWarn = bytes.toString(StandardCharsets.UTF_8);
            view.out().println("v1 serves http://127.0.0.1:8080");
            view.out().print("half ");
            view.out().println("a line");
            view.close();

            assertThat(System.out).as("System.out given back").isSameAs(terminal);
            assertThat(System.err).as("System.err given back").isSameAs(terminal);
            assertThat(visibleLines(afterWarn)).anySatisfy(line -> assertThat(line)
                    .matches("\\[[^]]+] WARN io\\.releasepipeline\\.azure\\.ContainerAppsPlatform - throttled; retrying "
                            + "in 2s"));
            assertThat(afterWarn.substring(afterWarn.lastIndexOf('\n'))).as("the status line drawn again after it")
                    .contains("gates", "elapsed 00:0");
            assertThat(visibleLines(bytes.toString(StandardCharsets.UTF_8)))
                    .contains("v1 serves http://127.0.0.1:8080", "half a line");
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
    }

    @Test
    @DisplayName("off a terminal nothing is taken over: System.out and System.err stay, plain lines without escapes, "
            + "JSON one document")
    void plainOutputUnchanged() throws java.io.IOException {
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        int code = ReleaseCli.execute(out, out, new CloudProviderFactory(), "demo", "--simulated");
        String text = bytes.toString(StandardCharsets.UTF_8);
        bytes.reset();
        int jsonCode = ReleaseCli.execute(out, out, new CloudProviderFactory(), "demo", "--simulated", "--output",
                "json");

        assertThat(code).isZero();
        assertThat(jsonCode).isZero();
        assertThat(System.out).isSameAs(savedOut);
        assertThat(System.err).isSameAs(savedErr);
        assertThat(text).contains("PROMOTED").doesNotContain("\033");
        assertThat(io.releasepipeline.evidence.EvidenceJson.mapper().readTree(bytes.toString(StandardCharsets.UTF_8))
                .path("asTold").asBoolean()).as("one JSON document").isTrue();
    }

    /** What a terminal shows of each line: the text after its last carriage return, escapes left out. */
    private static List<String> visibleLines(String screen) {
        return Arrays.stream(screen.split("\n")).map(l -> l.substring(l.lastIndexOf('\r') + 1))
                .map(l -> l.replaceAll("\033\\[[0-9;]*[A-Za-z]", "")).toList();
    }
}
