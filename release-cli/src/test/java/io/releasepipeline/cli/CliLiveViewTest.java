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
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

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
}
