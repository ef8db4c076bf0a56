package io.releasepipeline.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.trigger.Triggers;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * One name per trigger: the timeline names a signal as the trigger that judges it, and records written before it
 * did ({@code health}, {@code smoke}) still read, and render, under today's names.
 */
class TimelineSignalNamesTest {

    @Test
    @DisplayName("the timeline's signals are the trigger names")
    void timelineSignalsAreTriggerNames() {
        assertThat(EvidenceFixtures.rolledBackRelease().timeline()).extracting(TimelinePoint::signal).containsOnly(
                Triggers.SMOKE_CHECK, Triggers.HEALTH_ENDPOINT, Triggers.ERROR_RATE);
        assertThat(Triggers.BUILT_IN).containsExactly("smoke-check", "health-endpoint", "error-rate",
                "canary-analysis", "alert", "manual");
    }

    @Test
    @DisplayName("a record written with \"health\" and \"smoke\" timeline points reads and renders them under the "
            + "trigger names")
    void anOldRecordReadsAndRendersUnderTodaysNames() {
        String today = new String(EvidenceJson.toBytes(EvidenceFixtures.rolledBackRelease()), StandardCharsets.UTF_8);
        String before = today.replace("\"signal\" : \"health-endpoint\"", "\"signal\" : \"health\"")
                .replace("\"signal\" : \"smoke-check\"", "\"signal\" : \"smoke\"");
        assertThat(before).as("a record as written before the rename").contains("\"signal\" : \"health\"",
                "\"signal\" : \"smoke\"").doesNotContain("\"signal\" : \"health-endpoint\"");

        ReleaseRecord read = EvidenceJson.fromBytes(before.getBytes(StandardCharsets.UTF_8), ReleaseRecord.class);

        assertThat(read).isEqualTo(EvidenceFixtures.rolledBackRelease());
        String svg = EvidenceReport.svg(read);
        assertThat(svg).contains(">health-endpoint</text>", ">smoke-check</text>")
                .doesNotContain(">health</text>", ">smoke</text>");
        assertThat(EvidenceReport.markdown(read, "r.svg")).contains("| health-endpoint |")
                .doesNotContain("| health |", "| smoke |");
    }
}
