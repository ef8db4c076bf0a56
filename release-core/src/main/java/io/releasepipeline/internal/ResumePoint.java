package io.releasepipeline.internal;

import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.evidence.JournalCodec;
import io.releasepipeline.evidence.JournalEntry;
import io.releasepipeline.evidence.JournalState;
import io.releasepipeline.evidence.ReleaseRecord;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a release's journal says it had done when its process stopped: the facts a resumed release needs to go on
 * without repeating anything. Built by replaying the journal's typed states in order (entries of either journal
 * format, through {@link JournalCodec}). What the journal says is only half of the story: {@link ResumeDecision}
 * weighs it against what the platform and the CI system say now.
 */
record ResumePoint(String lastState, int lastSequence, java.time.Instant lastAt, ReleaseRequest request,
        List<GateResult> gates, Optional<String> headSha, Optional<String> stable, Optional<String> mergeSha, Optional<String> deploymentId,
        Optional<String> newRevision, Set<Integer> passedWeights, Optional<String> rollingBackReason,
        boolean finished, Optional<ReleaseRecord> snapshot, boolean postMerge,
        java.util.Map<String, HookRunner.Journaled> hooks) {

    /**
     * Replays {@code journal}.
     *
     * @throws IllegalArgumentException if the journal is empty, is a standalone rollback's, has no start, or holds
     *     an entry this version cannot read
     */
    static ResumePoint of(String releaseId, List<JournalEntry> journal) {
        if (journal.isEmpty()) {
            throw new IllegalArgumentException("release " + releaseId + " has no journal to resume from");
        }
        String lastState = null;
        int lastSequence = 0;
        java.time.Instant lastAt = null;
        JournalState.Started started = null;
        List<GateResult> gates = List.of();
        String headSha = null;
        String stable = null;
        String mergeSha = null;
        String deploymentId = null;
        String newRevision = null;
        Set<Integer> passed = new HashSet<>();
        String rollingBack = null;
        boolean finished = false;
        boolean postMerge = false;
        JournalEntry withSnapshot = null;
        JournalState.MigrationJudged migration = null;
        java.util.Map<String, HookRunner.Journaled> hooks = new java.util.HashMap<>();
        for (JournalEntry e : journal) {
            JournalState state = JournalCodec.decode(e);
            if (e.data().containsKey(JournalCodec.RECORD)) {
                withSnapshot = e;
            }
            lastState = state.name();
            lastSequence = e.sequence();
            lastAt = e.at();
            if (state instanceof JournalState.RollbackStarted) {
                throw new IllegalArgumentException("release " + releaseId + " is a standalone rollback; "
                        + "run the rollback again instead (it is idempotent)");
            } else if (state instanceof JournalState.Started s) {
                started = s;
            } else if (state instanceof JournalState.GatesPassed s) {
                gates = s.gates();
            } else if (state instanceof JournalState.Merging s) {
                headSha = s.headSha();
                stable = s.stable();
            } else if (state instanceof JournalState.Merged s) {
                mergeSha = s.mergeSha();
            } else if (state instanceof JournalState.MergedBeforeRelease s) {
                postMerge = true;
                headSha = s.headSha();
                stable = s.stable();
                mergeSha = s.mergeSha();
                newRevision = s.newRevision().orElse(newRevision);
            } else if (state instanceof JournalState.Deployment s) {
                deploymentId = s.id();
            } else if (state instanceof JournalState.NewRevision s) {
                newRevision = s.revision();
            } else if (state instanceof JournalState.Shifting s) {
                stable = s.stable();
                newRevision = s.newRevision();
            } else if (state instanceof JournalState.StepPassed s) {
                passed.add(s.weight());
            } else if (state instanceof JournalState.RollingBack s) {
                rollingBack = s.reason();
            } else if (state instanceof JournalState.Finished) {
                finished = true;
            } else if (state instanceof JournalState.MigrationJudged s) {
                migration = s;
            } else if (state instanceof JournalState.HookStarted s) {
                String key = HookRunner.key(s.point(), s.hook());
                HookRunner.Journaled was = hooks.get(key);
                hooks.put(key, new HookRunner.Journaled(s, was != null ? was.startedAt() : e.at(),
                        was != null ? was.attempts() + 1 : 1, Optional.empty()));
            } else if (state instanceof JournalState.HookFinished s) {
                String key = HookRunner.key(s.point(), s.hook());
                HookRunner.Journaled was = hooks.get(key);
                if (was != null) {
                    hooks.put(key, new HookRunner.Journaled(was.started(), was.startedAt(), was.attempts(),
                            Optional.of(s)));
                }
            }
        }
        if (started == null) {
            throw new IllegalArgumentException("the journal of release " + releaseId + " has no STARTED entry");
        }
        return new ResumePoint(lastState, lastSequence, lastAt,
                new ReleaseRequest(started.pullRequest(), Optional.of(releaseId), started.databaseMigration()
                        || (migration != null && migration.migration()), started.environment(),
                        started.rollForwardOnly() || (migration != null && migration.rollForwardOnly()),
                        started.firstRelease()),
                gates, Optional.ofNullable(headSha), Optional.ofNullable(stable), Optional.ofNullable(mergeSha),
                Optional.ofNullable(deploymentId), Optional.ofNullable(newRevision), Set.copyOf(passed),
                Optional.ofNullable(rollingBack), finished,
                withSnapshot == null ? Optional.empty() : JournalCodec.snapshot(withSnapshot), postMerge,
                java.util.Map.copyOf(hooks));
    }
}
