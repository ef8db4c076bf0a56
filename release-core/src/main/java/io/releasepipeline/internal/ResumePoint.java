package io.releasepipeline.internal;

import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.evidence.EvidenceJson;
import io.releasepipeline.evidence.JournalEntry;
import io.releasepipeline.evidence.ReleaseRecord;
import java.nio.charset.StandardCharsets;
import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.evidence.GateStatus;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a release's journal says it had done when its process stopped: the facts a resumed release needs to go on
 * without repeating anything. Built by replaying the journal in order.
 */
record ResumePoint(String lastState, int lastSequence, ReleaseRequest request, List<GateResult> gates,
        Optional<String> headSha, Optional<String> stable, Optional<String> mergeSha, Optional<String> deploymentId,
        Optional<String> newRevision, Set<Integer> passedWeights, Optional<String> rollingBackReason,
        boolean finished, Optional<ReleaseRecord> snapshot, boolean postMerge) {

    /** The journal key under which the engine keeps the record as it stood, so a resumed release goes on with it. */
    static final String RECORD = "record";

    /**
     * The journal state of a post-merge release whose gates passed: the pull request had been merged before the
     * release, which goes on from the merge commit ({@code headSha}, {@code stable}, {@code mergeSha}, and
     * {@code new} when the deploy already serves the new revision).
     */
    static final String MERGED_BEFORE_RELEASE = "MERGED_BEFORE_RELEASE";

    static ResumePoint of(String releaseId, List<JournalEntry> journal) {
        if (journal.isEmpty()) {
            throw new IllegalArgumentException("release " + releaseId + " has no journal to resume from");
        }
        String lastState = null;
        int lastSequence = 0;
        int pr = 0;
        boolean migration = false;
        boolean rollForwardOnly = false;
        boolean firstRelease = false;
        boolean postMerge = false;
        String environment = ReleaseRequest.DEFAULT_ENVIRONMENT;
        List<GateResult> gates = new ArrayList<>();
        String headSha = null;
        String stable = null;
        String mergeSha = null;
        String deploymentId = null;
        String newRevision = null;
        Set<Integer> passed = new HashSet<>();
        String rollingBack = null;
        boolean finished = false;
        String snapshot = null;
        for (JournalEntry e : journal) {
            Map<String, String> d = e.data();
            if (d.containsKey(RECORD)) {
                snapshot = d.get(RECORD);
            }
            lastState = e.state();
            lastSequence = e.sequence();
            switch (e.state()) {
                case "STARTED" -> {
                    if (!d.containsKey("pullRequest")) {
                        throw new IllegalArgumentException("release " + releaseId + " is a standalone rollback; "
                                + "run the rollback again instead (it is idempotent)");
                    }
                    pr = Integer.parseInt(d.get("pullRequest"));
                    migration = Boolean.parseBoolean(d.getOrDefault("databaseMigration", "false"));
                    rollForwardOnly = Boolean.parseBoolean(d.getOrDefault("rollForwardOnly", "false"));
                    firstRelease = Boolean.parseBoolean(d.getOrDefault("firstRelease", "false"));
                    environment = d.getOrDefault("environment", environment);
                }
                case "GATES_PASSED" -> {
                    gates.clear();
                    d.forEach((gate, verdict) -> {
                        if (gate.equals(RECORD)) {
                            return;
                        }
                        int bar = verdict.indexOf('|');
                        gates.add(new GateResult(gate, GateStatus.valueOf(verdict.substring(0, bar)),
                                verdict.substring(bar + 1)));
                    });
                }
                case "MERGING" -> {
                    headSha = d.get("headSha");
                    stable = d.get("stable");
                }
                case "MERGED" -> mergeSha = d.get("mergeSha");
                case MERGED_BEFORE_RELEASE -> {
                    postMerge = true;
                    headSha = d.get("headSha");
                    stable = d.get("stable");
                    mergeSha = d.get("mergeSha");
                    newRevision = d.getOrDefault("new", newRevision);
                }
                case "DEPLOYMENT" -> deploymentId = d.get("id");
                case "NEW_REVISION" -> newRevision = d.get("revision");
                case "SHIFTING" -> {
                    stable = d.getOrDefault("stable", stable);
                    newRevision = d.getOrDefault("new", newRevision);
                }
                case "STEP_PASSED" -> passed.add(Integer.parseInt(d.get("weight")));
                case "ROLLING_BACK" -> rollingBack = d.get("reason");
                case "FINISHED" -> finished = true;
                default -> {
                    // DEPLOYED, OBSERVING, RESUMED: nothing to carry over.
                }
            }
        }
        if (pr == 0) {
            throw new IllegalArgumentException("the journal of release " + releaseId + " has no STARTED entry");
        }
        return new ResumePoint(lastState, lastSequence,
                new ReleaseRequest(pr, Optional.of(releaseId), migration, environment, rollForwardOnly, firstRelease),
                List.copyOf(gates),
                Optional.ofNullable(headSha), Optional.ofNullable(stable), Optional.ofNullable(mergeSha),
                Optional.ofNullable(deploymentId), Optional.ofNullable(newRevision), Set.copyOf(passed),
                Optional.ofNullable(rollingBack), finished, Optional.ofNullable(snapshot).map(json ->
                        EvidenceJson.fromBytes(json.getBytes(StandardCharsets.UTF_8), ReleaseRecord.class)), postMerge);
    }
}
