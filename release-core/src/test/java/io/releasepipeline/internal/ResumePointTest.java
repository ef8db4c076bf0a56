package io.releasepipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.evidence.EvidenceJson;
import io.releasepipeline.evidence.JournalEntry;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A journal written by the previous version (unversioned string states, string data) is replayed as before. */
class ResumePointTest {

    @Test
    void aJournalInThePreviousFormatReplays() throws IOException {
        List<JournalEntry> journal = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            try (InputStream in = getClass().getResourceAsStream("/journal-v1/000000000" + i + ".json")) {
                journal.add(EvidenceJson.fromBytes(in.readAllBytes(), JournalEntry.class));
            }
        }

        ResumePoint point = ResumePoint.of("pr123-20250314-092653", journal);

        assertThat(point.lastState()).isEqualTo("STEP_PASSED");
        assertThat(point.lastSequence()).isEqualTo(7);
        assertThat(point.request().pullRequest()).isEqualTo(123);
        assertThat(point.request().databaseMigration()).isTrue();
        assertThat(point.request().environment()).isEqualTo("staging");
        assertThat(point.gates()).extracting(g -> g.gate()).containsExactly("approvals", "ci-checks");
        assertThat(point.headSha()).contains("4f2a9c1e");
        assertThat(point.stable()).contains("backend--v1");
        assertThat(point.mergeSha()).contains("9b8c7d6e");
        assertThat(point.deploymentId()).contains("4242");
        assertThat(point.newRevision()).contains("backend--v2");
        assertThat(point.passedWeights()).isEqualTo(Set.of(10));
        assertThat(point.rollingBackReason()).isEqualTo(Optional.empty());
        assertThat(point.finished()).isFalse();
    }
}
