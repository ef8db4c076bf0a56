package io.releasepipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.hostile.HostileText;
import io.releasepipeline.hostile.SafeOutput;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.trigger.TriggerState;
import io.releasepipeline.trigger.TriggerVerdict;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What the CLI prints from text it did not write: one safe line each, and JSON that reads back the same. */
class ConsoleOutputTest {

    private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

    @Test
    @DisplayName("event lines: a hostile reason, gate, warning or provider answer stays on one safe line")
    void eventLines() {
        String h = HostileText.of("event");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EventPrinter printer = new EventPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<ReleaseEvent> events = List.of(
                new ReleaseEvent.ReleaseStarted("r1", T0, "backend", 123),
                new ReleaseEvent.GatesEvaluated("r1", T0, false, List.of(GateResult.fail(h, h), GateResult.pass(
                        "reviews", h))),
                new ReleaseEvent.TrafficShifted("r1", T0, TrafficWeights.all("v1"), TrafficWeights.all("v2"), h),
                new ReleaseEvent.SignalObserved("r1", T0, h, false, h),
                new ReleaseEvent.TriggerFired("r1", T0, new TriggerVerdict("alert", TriggerState.FIRING, h, T0)),
                new ReleaseEvent.ProviderCallRetried("r1", T0, "github", h, 1, Duration.ofSeconds(1), h),
                new ReleaseEvent.RollbackStarted("r1", T0, h, "v2", "v1"),
                new ReleaseEvent.RollbackFinished("r1", T0, false, "v1", h),
                new ReleaseEvent.EvidenceRecorded("r1", T0, h),
                new ReleaseEvent.HookStarted("r1", T0, io.releasepipeline.hook.HookPoint.ON_ROLLBACK, "undo", h, 2),
                new ReleaseEvent.HookFinished("r1", T0, new io.releasepipeline.evidence.HookRun(
                        io.releasepipeline.hook.HookPoint.ON_ROLLBACK, "undo", h, h,
                        io.releasepipeline.hook.HookResult.Status.FAILED, h, java.util.Optional.of(h), T0,
                        Duration.ofMillis(1500), 2, true)),
                new ReleaseEvent.Warning("r1", T0, h),
                new ReleaseEvent.ReleaseFinished("r1", T0, ReleaseOutcome.ROLLED_BACK, h));

        events.forEach(printer::onEvent);

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out.lines().count()).as(out.length() + " characters").isEqualTo(events.size() + 2);
        assertThat(out).contains("GATES FAILED", "ROLLING BACK v2 -> v1: ", "warning: ", "hook undo (ON_ROLLBACK) again, attempt 2",
                "HOOK undo FAILED in 1.5s: ");
        SafeOutput.assertSafeLines("event lines", out, 10_000);
    }

    @Test
    @DisplayName("JSON on the console: controls, bidi, U+2028, # are escaped; a parser reads back the same text")
    void json() throws Exception {
        String h = HostileText.shortOf("json");
        ObjectNode doc = new ObjectMapper().createObjectNode().put("reason", h);
        doc.putArray("notes").add(h).add("fixes #123");

        String text = Console.json().writeValueAsString(doc);

        SafeOutput.assertSafeLines("JSON", text, Integer.MAX_VALUE);
        assertThat(text).doesNotContain("##[", "\u202E", "\u2028", "\u009B", "\u001B").contains("\\u0023");
        JsonNode back = new ObjectMapper().readTree(text);
        assertThat(back.path("reason").asText()).isEqualTo(h);
        assertThat(back.path("notes").get(1).asText()).isEqualTo("fixes #123");
    }

    @Test
    @DisplayName("in a GitHub Actions run the notes link the run's page; other or odd values link nothing")
    void evidenceLinkFromTheRunner() {
        Map<String, String> actions = Map.of("GITHUB_SERVER_URL", "https://github.com", "GITHUB_REPOSITORY",
                "octo-org/trade-nexus", "GITHUB_RUN_ID", "4242");

        assertThat(Wiring.evidenceLink(actions::get).link("/home/runner/work/x/.ops/evidence/a.md"))
                .contains("https://github.com/octo-org/trade-nexus/actions/runs/4242");
        assertThat(Wiring.evidenceLink(actions::get).link("https://acct.blob.core.windows.net/evidence/a.md"))
                .contains("https://acct.blob.core.windows.net/evidence/a.md");
        assertThat(Wiring.evidenceLink(Map.<String, String>of()::get).link("/tmp/a.md")).isEmpty();
        Map<String, String> odd = Map.of("GITHUB_SERVER_URL", "javascript:alert(1)//", "GITHUB_REPOSITORY",
                "octo-org/trade-nexus", "GITHUB_RUN_ID", "4242");
        assertThat(Wiring.evidenceLink(odd::get).link("/tmp/a.md")).isEqualTo(Optional.empty());
    }
}
