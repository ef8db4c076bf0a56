package io.releasepipeline.azure.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.evidence.JournalEntry;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.azure.EvidenceSamples;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EvidenceJsonTest {

    @Test
    @DisplayName("a fully populated record survives a round trip unchanged")
    void recordRoundTrip() {
        ReleaseRecord record = EvidenceSamples.fullRecord("rel-1");

        byte[] json = EvidenceJson.write(record);

        assertThat(EvidenceJson.readRecord(json)).isEqualTo(record);
        assertThat(new String(json, StandardCharsets.UTF_8))
                .contains("\"startedAt\" : \"2026-01-05T09:00:00Z\"", "\"pullRequest\" : 42")
                .doesNotContain("\"ready\"", "\"split\"", "\"rolledBack\"", "\"completed\"");
    }

    @Test
    @DisplayName("a journal entry survives a round trip; unknown properties from newer writers are ignored")
    void journalRoundTrip() {
        JournalEntry entry = EvidenceSamples.entry("rel-1", 3, "SHIFTING");

        assertThat(EvidenceJson.readJournalEntry(EvidenceJson.write(entry))).isEqualTo(entry);
        String newer = new String(EvidenceJson.write(entry), StandardCharsets.UTF_8)
                .replaceFirst("\\{", "{\"addedLater\":1,");
        assertThat(EvidenceJson.readJournalEntry(newer.getBytes(StandardCharsets.UTF_8))).isEqualTo(entry);
    }

    @Test
    @DisplayName("something that is not a record is refused")
    void refusesGarbage() {
        assertThatThrownBy(() -> EvidenceJson.readRecord("{\"releaseId\":".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(UncheckedIOException.class);
    }
}
