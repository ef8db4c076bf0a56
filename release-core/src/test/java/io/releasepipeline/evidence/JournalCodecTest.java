package io.releasepipeline.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JournalCodecTest {

    private static final Instant T = Instant.parse("2025-03-14T09:26:53Z");

    private static final List<JournalState> EVERY_STATE = List.of(
            new JournalState.Started(123, true, "staging", false, true),
            new JournalState.RollbackStarted("checkout broken"),
            new JournalState.GatesPassed(List.of(GateResult.pass("approvals", "approved by alice | bob"),
                    GateResult.pass("record", "a gate named like the snapshot key"))),
            new JournalState.Merging("4f2a9c1e", "v1"),
            new JournalState.Merged("9b8c7d6e"),
            new JournalState.MergedBeforeRelease("4f2a9c1e", "v1", "9b8c7d6e", Optional.of("v2")),
            new JournalState.MergedBeforeRelease("4f2a9c1e", "v1", "9b8c7d6e", Optional.empty()),
            new JournalState.CreatingDeployment("9b8c7d6e"),
            new JournalState.Deployment("4242"),
            new JournalState.Deployed("77"),
            new JournalState.NewRevision("v2"),
            new JournalState.Shifting(50, "v1", "v2"),
            new JournalState.Observing(50),
            new JournalState.StepPassed(50),
            new JournalState.AwaitingApproval(100),
            new JournalState.Approval(100, false, "carol"),
            new JournalState.RollingBack("v1", "error-rate FIRING"),
            new JournalState.Resumed("SHIFTING"),
            new JournalState.MigrationJudged(true, true, "database migration: the pull request is labelled [db]"),
            new JournalState.HookStarted(io.releasepipeline.hook.HookPoint.ON_ROLLBACK, "undo-migration", "webhook",
                    "r-1:on_rollback:undo-migration", true),
            new JournalState.HookFinished(io.releasepipeline.hook.HookPoint.ON_ROLLBACK, "undo-migration",
                    io.releasepipeline.hook.HookResult.Status.FAILED, "answered 500", Optional.of("https://x/run/1"),
                    java.time.Duration.ofMillis(1234)),
            new JournalState.HookFinished(io.releasepipeline.hook.HookPoint.BEFORE_MERGE, "cab",
                    io.releasepipeline.hook.HookResult.Status.SUCCEEDED, "", Optional.empty(),
                    java.time.Duration.ZERO),
            new JournalState.Finishing(ReleaseOutcome.ROLLED_BACK),
            new JournalState.Finished(ReleaseOutcome.PROMOTED));

    @Test
    void everyStateSurvivesTheCodecAndTheStoresJson() {
        int sequence = 0;
        for (JournalState state : EVERY_STATE) {
            JournalEntry entry = JournalCodec.encode("backend", "r-1", ++sequence, T, state, Optional.empty());
            JournalEntry stored = EvidenceJson.fromBytes(EvidenceJson.toBytes(entry), JournalEntry.class);
            assertThat(stored).isEqualTo(entry);
            assertThat(stored.format()).isEqualTo(JournalCodec.FORMAT);
            assertThat(stored.state()).isEqualTo(state.name());
            assertThat(JournalCodec.decode(stored)).isEqualTo(state);
        }
    }

    @Test
    void theJsonStaysReadableAndCarriesTheRecordSnapshot() {
        ReleaseRecord record = ReleaseRecord.builder("r-1", "backend", ReleaseRecord.Kind.PROMOTION, T)
                .note("seen so far").build();
        JournalEntry entry = JournalCodec.encode("backend", "r-1", 3, T, new JournalState.Shifting(10, "v1", "v2"),
                Optional.of(record));
        String json = new String(EvidenceJson.toBytes(entry), StandardCharsets.UTF_8);
        assertThat(json).contains("\"format\" : 2", "\"state\" : \"SHIFTING\"", "\"weight\" : \"10\"",
                "\"new\" : \"v2\"");
        assertThat(JournalCodec.snapshot(entry)).contains(record);
    }

    @Test
    void theSnapshotKeepsTheBaselineAndTheRecoveryWatch() {
        Baseline baseline = new Baseline(Baseline.Status.MEASURED, "v1", T.minusSeconds(300), T, 3_000, 12, "");
        Baseline failed = new Baseline(Baseline.Status.FAILED, "v1", T.minusSeconds(300), T, 0, 0, "403 Forbidden");
        Recovery recovery = new Recovery(Recovery.Status.NOT_RECOVERED, "v1", T.plusSeconds(60), T.plusSeconds(660),
                Optional.of(0.014), "the baseline + tolerance 1.0% = 1.4%", List.of(new TimelinePoint(
                        T.plusSeconds(120), "recovery", false, Optional.of(0.12), "5xx 12.0% of 600 requests")),
                "NOT RECOVERED: 5xx 12.0%");
        RollbackDetails details = new RollbackDetails("error-rate FIRING", Optional.empty(), Optional.of("v2"), "v1",
                T, T.plusSeconds(660), true, Optional.empty(), Optional.empty(), Optional.empty()).withRecovery(recovery);
        for (Baseline b : List.of(baseline, failed)) {
            ReleaseRecord record = ReleaseRecord.builder("r-1", "backend", ReleaseRecord.Kind.PROMOTION, T)
                    .baseline(b).rollback(details).build();
            JournalEntry entry = JournalCodec.encode("backend", "r-1", 9, T, new JournalState.RollingBack("v1", "x"),
                    Optional.of(record));
            JournalEntry stored = EvidenceJson.fromBytes(EvidenceJson.toBytes(entry), JournalEntry.class);

            ReleaseRecord back = JournalCodec.snapshot(stored).orElseThrow();
            assertThat(back).isEqualTo(record);
            assertThat(back.baseline()).contains(b);
            assertThat(back.rollback().flatMap(RollbackDetails::recovery)).contains(recovery);
            assertThat(back.toBuilder().build()).isEqualTo(record);
        }
        // A record written before baselines existed reads as "none measured".
        ReleaseRecord old = ReleaseRecord.builder("r-0", "backend", ReleaseRecord.Kind.PROMOTION, T).build();
        String json = new String(EvidenceJson.toBytes(old), StandardCharsets.UTF_8);
        assertThat(json).doesNotContain("baseline");
        assertThat(EvidenceJson.fromBytes(json.getBytes(StandardCharsets.UTF_8), ReleaseRecord.class).baseline())
                .isEmpty();
    }

    @Test
    void aBaselineFromASourceThatReadsBehindKeepsWhenItWasMeasured() {
        Baseline behind = new Baseline(Baseline.Status.MEASURED, "v1", T.minusSeconds(480), T.minusSeconds(180), 3_000,
                12, "", T);
        ReleaseRecord record = ReleaseRecord.builder("r-1", "backend", ReleaseRecord.Kind.PROMOTION, T)
                .baseline(behind).build();
        ReleaseRecord back = EvidenceJson.fromBytes(EvidenceJson.toBytes(record), ReleaseRecord.class);
        assertThat(back.baseline()).contains(behind);
        assertThat(behind.describe()).isEqualTo("5xx 0.4% of 3,000 requests on v1 over 5m (judged "
                + T.minusSeconds(480) + " .. " + T.minusSeconds(180) + ", 3m behind)");
        // A baseline recorded before measuredAt was kept reads as measured when its interval ended.
        String json = new String(EvidenceJson.toBytes(record), StandardCharsets.UTF_8)
                .replaceAll(",\\s*\"measuredAt\"\\s*:\\s*\"[^\"]+\"", "");
        assertThat(json).doesNotContain("measuredAt");
        Baseline old = EvidenceJson.fromBytes(json.getBytes(StandardCharsets.UTF_8), ReleaseRecord.class).baseline()
                .orElseThrow();
        assertThat(old.measuredAt()).isEqualTo(old.to());
        assertThat(old.describe()).doesNotContain("judged");
    }

    @Test
    void aHooksDurationIsJournaledInMillisecondsAndAnIsoOneJournaledBeforeStillDecodes() {
        JournalState.HookFinished finished = new JournalState.HookFinished(
                io.releasepipeline.hook.HookPoint.AFTER_PROMOTION, "notify", io.releasepipeline.hook.HookResult.Status.SUCCEEDED, "sent", Optional.empty(),
                java.time.Duration.ofMillis(1234));
        JournalEntry entry = JournalCodec.encode("backend", "r-1", 7, T, finished, Optional.empty());
        assertThat(entry.data()).containsEntry("durationMillis", "1234").doesNotContainKey("duration");

        // Journaled by the previous version, by a release still in flight across the upgrade.
        Map<String, String> before = new java.util.HashMap<>(entry.data());
        before.remove("durationMillis");
        before.put("duration", "PT1.234S");
        JournalEntry old = new JournalEntry(JournalCodec.FORMAT, "backend", "r-1", 7, T, "HOOK_FINISHED", before);
        assertThat(JournalCodec.decode(old)).isEqualTo(finished);

        Map<String, String> bad = new java.util.HashMap<>(entry.data());
        bad.put("durationMillis", "1.2s");
        assertThatThrownBy(() -> JournalCodec.decode(new JournalEntry(JournalCodec.FORMAT, "backend", "r-1", 7, T,
                "HOOK_FINISHED", bad))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("durationMillis that is not a whole number of milliseconds: 1.2s");
    }

    @Test
    void entriesOfThePreviousFormatStillDecode() throws Exception {
        byte[] json;
        try (var in = getClass().getResourceAsStream("/journal-v1/0000000002.json")) {
            json = in.readAllBytes();
        }
        JournalEntry gates = EvidenceJson.fromBytes(json, JournalEntry.class);
        assertThat(gates.format()).isEqualTo(JournalCodec.LEGACY_FORMAT);
        assertThat(JournalCodec.decode(gates)).isEqualTo(new JournalState.GatesPassed(List.of(
                GateResult.pass("approvals", "approved by alice"),
                GateResult.pass("ci-checks", "all 3 required checks passed"))));
        // A standalone rollback began with STARTED and a reason before it had its own state.
        assertThat(JournalCodec.decode(new JournalEntry("backend", "rollback-1", 1, T, "STARTED",
                Map.of("reason", "panic")))).isEqualTo(new JournalState.RollbackStarted("panic"));
    }

    @Test
    void anEntryThisVersionCannotReadIsAClearError() {
        assertThatThrownBy(() -> JournalCodec.decode(new JournalEntry(3, "backend", "r-1", 4, T, "SHIFTING",
                Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("journal entry 4 (SHIFTING) of release r-1 was written in journal format 3 by a newer "
                        + "version (this one reads up to 2); resume it with that version");
        assertThatThrownBy(() -> JournalCodec.decode(new JournalEntry(2, "backend", "r-1", 5, T, "TELEPORTING",
                Map.of()))).hasMessage("journal entry 5 (TELEPORTING) of release r-1 has the unknown state TELEPORTING");
        assertThatThrownBy(() -> JournalCodec.decode(new JournalEntry(2, "backend", "r-1", 6, T, "SHIFTING",
                Map.of("weight", "ten", "stable", "v1", "new", "v2"))))
                .hasMessage("journal entry 6 (SHIFTING) of release r-1 has a weight that is not a number: ten");
    }
}
