package io.releasepipeline.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.hook.HookPoint;
import io.releasepipeline.hook.HookResult;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EvidenceJsonTest {

    @Test
    void fullyPopulatedRecordRoundTrips() {
        ReleaseRecord record = EvidenceFixtures.rolledBackRelease();

        ReleaseRecord back = EvidenceJson.fromBytes(EvidenceJson.toBytes(record), ReleaseRecord.class);

        assertThat(back).isEqualTo(record);
    }

    @Test
    void minimalRecordRoundTripsWithEmptyOptionals() {
        ReleaseRecord record = ReleaseRecord.builder("r1", "app", ReleaseRecord.Kind.ROLLBACK,
                Instant.parse("2025-01-01T00:00:00Z")).build();

        ReleaseRecord back = EvidenceJson.fromBytes(EvidenceJson.toBytes(record), ReleaseRecord.class);

        assertThat(back).isEqualTo(record);
    }

    @Test
    void writesIsoInstantsMillisecondDurationsAndLeavesEmptyOptionalsOut() {
        String json = new String(EvidenceJson.toBytes(EvidenceFixtures.rolledBackRelease()), StandardCharsets.UTF_8);

        assertThat(json).contains("\"startedAt\" : \"2025-03-14T09:20:00Z\"")
                .contains("\"medianLatencyMillis\" : 41", "\"p95LatencyMillis\" : 57")
                .doesNotContain("\"PT")
                .contains("\"pullRequest\" : 418")
                .doesNotContain("\"completed\"").doesNotContain("\"split\"");
        String minimal = new String(EvidenceJson.toBytes(ReleaseRecord.builder("r1", "app",
                ReleaseRecord.Kind.ROLLBACK, EvidenceFixtures.T0).build()), StandardCharsets.UTF_8);
        assertThat(minimal).doesNotContain("finishedAt").doesNotContain("null");
    }

    @Test
    void aRecordOfSchemaVersion1WithIsoDurationsStillReads() throws Exception {
        byte[] old;
        try (var in = getClass().getResourceAsStream("/records/schema-1-rolled-back.json")) {
            old = in.readAllBytes();
        }
        assertThat(new String(old, StandardCharsets.UTF_8)).contains("\"medianLatency\" : \"PT0.043677233S\"");

        ReleaseRecord read = EvidenceJson.fromBytes(old, ReleaseRecord.class);

        assertThat(read.schemaVersion()).isEqualTo(1);
        assertThat(read.smokeChecks().get(0).endpoints().get(0).medianLatency())
                .contains(Duration.parse("PT0.043677233S"));
        assertThat(read.smokeChecks().get(0).endpoints().get(0).p95Latency())
                .contains(Duration.parse("PT0.044001811S"));
        assertThat(read.samples().orElseThrow().policy().healthProbeInterval()).isEqualTo(Duration.ofMillis(200));
        String rewritten = new String(EvidenceJson.toBytes(read.toBuilder().build()), StandardCharsets.UTF_8);
        assertThat(rewritten).contains("\"schemaVersion\" : 2", "\"medianLatencyMillis\" : 43",
                "\"p95LatencyMillis\" : 44").doesNotContain("\"medianLatency\"");

        // A hook's duration, written as ISO-8601 under its old name.
        HookRun hook = new HookRun(HookPoint.ON_ROLLBACK, "undo", "webhook", "r1:on_rollback:undo",
                HookResult.Status.SUCCEEDED, "done", Optional.empty(), EvidenceFixtures.T0, Duration.ofMillis(1234), 1,
                false);
        String withHook = new String(EvidenceJson.toBytes(ReleaseRecord.builder("r1", "app",
                ReleaseRecord.Kind.ROLLBACK, EvidenceFixtures.T0).hook(hook).build()), StandardCharsets.UTF_8);
        assertThat(withHook).contains("\"durationMillis\" : 1234");
        String oldHook = withHook.replace("\"durationMillis\" : 1234", "\"duration\" : \"PT1.234S\"");
        assertThat(EvidenceJson.fromBytes(oldHook.getBytes(StandardCharsets.UTF_8), ReleaseRecord.class).hooks())
                .containsExactly(hook);
    }

    @Test
    void theTimelineIsInTimeOrderWithPointsAtOneInstantAsAdded() {
        Instant t = EvidenceFixtures.T0;
        TimelinePoint late = new TimelinePoint(t.plusMillis(5), "smoke", true, Optional.empty(), "late");
        TimelinePoint first = new TimelinePoint(t.plusMillis(1), "health", true, Optional.empty(), "first");
        TimelinePoint second = new TimelinePoint(t.plusMillis(1), "error-rate", true, Optional.of(0.0), "second");
        TimelinePoint early = new TimelinePoint(t, "alert", true, Optional.empty(), "early");

        ReleaseRecord record = ReleaseRecord.builder("r1", "app", ReleaseRecord.Kind.PROMOTION, t).timeline(late)
                .timeline(first).timeline(second).timeline(early).build();

        assertThat(record.timeline()).containsExactly(early, first, second, late);
        // A record written in another order (by hand, by an older version) reads in time order.
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) EvidenceJson.mapper().valueToTree(record);
        var shuffled = tree.putArray("timeline");
        List.of(late, second, early, first).forEach(p -> shuffled.add(EvidenceJson.mapper().valueToTree(p)));
        ReleaseRecord read = EvidenceJson.fromBytes(tree.toString().getBytes(StandardCharsets.UTF_8),
                ReleaseRecord.class);
        assertThat(read.timeline()).extracting(TimelinePoint::detail).containsExactly("early", "second", "first",
                "late");
    }

    @Test
    void aRecordWrittenBeforeModeAndFirstReleaseReadsAsAPreMergeReleaseNotDeclaredFirst() {
        ReleaseRecord post = ReleaseRecord.builder("r1", "backend", ReleaseRecord.Kind.PROMOTION,
                java.time.Instant.parse("2026-01-05T09:00:00Z")).mode(ReleaseRecord.Mode.POST_MERGE).firstRelease(true)
                .build();
        String json = new String(EvidenceJson.toBytes(post), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(json).contains("\"mode\" : \"POST_MERGE\"", "\"firstRelease\" : true");
        assertThat(EvidenceJson.fromBytes(EvidenceJson.toBytes(post), ReleaseRecord.class)).isEqualTo(post);

        String older = json.replaceAll(",\\s*\"mode\" : \"POST_MERGE\"", "")
                .replaceAll(",\\s*\"firstRelease\" : true", "");
        ReleaseRecord read = EvidenceJson.fromBytes(older.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                ReleaseRecord.class);
        assertThat(older).doesNotContain("mode", "firstRelease");
        assertThat(read.mode()).isEqualTo(ReleaseRecord.Mode.PRE_MERGE);
        assertThat(read.postMerge()).isFalse();
        assertThat(read.firstRelease()).isFalse();
    }

    @Test
    void journalEntryAndLockRoundTrip() {
        JournalEntry entry = new JournalEntry("app", "r1", 3, EvidenceFixtures.T0, "SHIFTING",
                Map.of("to", "app--2=10%", "from", "app--1=100%"));
        ReleaseLock lock = new ReleaseLock("app", "r1", "o-abcd2345", "build-agent-7", EvidenceFixtures.T0,
                EvidenceFixtures.T0.plusSeconds(60));

        assertThat(EvidenceJson.fromBytes(EvidenceJson.toBytes(entry), JournalEntry.class)).isEqualTo(entry);
        assertThat(EvidenceJson.fromBytes(EvidenceJson.toBytes(lock), ReleaseLock.class)).isEqualTo(lock);
    }

    @Test
    void equalEntriesSerializeToEqualBytes() {
        JournalEntry a = new JournalEntry("app", "r1", 1, EvidenceFixtures.T0, "S", Map.of("b", "2", "a", "1",
                "c", "3"));
        JournalEntry b = new JournalEntry("app", "r1", 1, EvidenceFixtures.T0, "S", Map.of("c", "3", "a", "1",
                "b", "2"));

        assertThat(EvidenceJson.toBytes(a)).isEqualTo(EvidenceJson.toBytes(b));
    }

    @Test
    void truncatedDocumentIsAnErrorNamingTheType() {
        byte[] json = EvidenceJson.toBytes(EvidenceFixtures.rolledBackRelease());
        byte[] torn = java.util.Arrays.copyOf(json, json.length / 2);

        assertThatThrownBy(() -> EvidenceJson.fromBytes(torn, ReleaseRecord.class))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("ReleaseRecord");
    }
}
