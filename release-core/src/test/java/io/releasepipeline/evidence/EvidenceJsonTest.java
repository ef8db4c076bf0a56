package io.releasepipeline.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
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
    void writesIsoInstantsAndDurationsAndLeavesEmptyOptionalsOut() {
        String json = new String(EvidenceJson.toBytes(EvidenceFixtures.rolledBackRelease()), StandardCharsets.UTF_8);

        assertThat(json).contains("\"startedAt\" : \"2025-03-14T09:20:00Z\"")
                .contains("\"medianLatency\" : \"PT0.041S\"")
                .contains("\"pullRequest\" : 418")
                .doesNotContain("\"completed\"").doesNotContain("\"split\"");
        String minimal = new String(EvidenceJson.toBytes(ReleaseRecord.builder("r1", "app",
                ReleaseRecord.Kind.ROLLBACK, EvidenceFixtures.T0).build()), StandardCharsets.UTF_8);
        assertThat(minimal).doesNotContain("finishedAt").doesNotContain("null");
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
