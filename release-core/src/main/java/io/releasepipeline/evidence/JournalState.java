package io.releasepipeline.evidence;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The states a release moves through, as journaled: each is written (through {@link JournalCodec}) before the engine
 * acts on it, and a resumed release replays them in order. Immutable values; thread-safe.
 *
 * <p>The wire name of each state ({@link #name()}) is stable across versions: journals written before the states
 * were typed use the same names, except a standalone rollback's first entry, which was {@code STARTED} with a
 * {@code reason} and is now {@link RollbackStarted}.
 */
public sealed interface JournalState {

    /** The state's name on disk, e.g. {@code SHIFTING}. */
    String name();

    /** A promotion started (written before anything else, so that nothing happens unjournaled). */
    record Started(int pullRequest, boolean databaseMigration, String environment, boolean rollForwardOnly,
            boolean firstRelease) implements JournalState {
        /** Validates. */
        public Started {
            Objects.requireNonNull(environment, "environment");
        }

        @Override
        public String name() {
            return "STARTED";
        }
    }

    /** A standalone rollback started ({@code rollback.sh}). */
    record RollbackStarted(String reason) implements JournalState {
        /** Validates. */
        public RollbackStarted {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String name() {
            return "ROLLBACK_STARTED";
        }
    }

    /** Every gate passed, with each verdict; the merge comes next. */
    record GatesPassed(List<GateResult> gates) implements JournalState {
        /** Copies. */
        public GatesPassed {
            gates = List.copyOf(gates);
        }

        @Override
        public String name() {
            return "GATES_PASSED";
        }
    }

    /** About to merge the head the gates judged; {@code stable} serves everything. */
    record Merging(String headSha, String stable) implements JournalState {
        /** Validates. */
        public Merging {
            Objects.requireNonNull(headSha, "headSha");
            Objects.requireNonNull(stable, "stable");
        }

        @Override
        public String name() {
            return "MERGING";
        }
    }

    /** The pull request was merged as {@code mergeSha}. */
    record Merged(String mergeSha) implements JournalState {
        /** Validates. */
        public Merged {
            Objects.requireNonNull(mergeSha, "mergeSha");
        }

        @Override
        public String name() {
            return "MERGED";
        }
    }

    /**
     * A post-merge release whose gates passed: the pull request had been merged before the release, which goes on
     * from the merge commit ({@code newRevision} when the deploy already serves the new revision).
     */
    record MergedBeforeRelease(String headSha, String stable, String mergeSha, Optional<String> newRevision)
            implements JournalState {
        /** Validates. */
        public MergedBeforeRelease {
            Objects.requireNonNull(headSha, "headSha");
            Objects.requireNonNull(stable, "stable");
            Objects.requireNonNull(mergeSha, "mergeSha");
            Objects.requireNonNull(newRevision, "newRevision");
        }

        @Override
        public String name() {
            return "MERGED_BEFORE_RELEASE";
        }
    }

    /** About to create the CI system's deployment record for {@code sha} (idempotent per release). */
    record CreatingDeployment(String sha) implements JournalState {
        /** Validates. */
        public CreatingDeployment {
            Objects.requireNonNull(sha, "sha");
        }

        @Override
        public String name() {
            return "CREATING_DEPLOYMENT";
        }
    }

    /** The deployment record {@code id} exists. */
    record Deployment(String id) implements JournalState {
        /** Validates. */
        public Deployment {
            Objects.requireNonNull(id, "id");
        }

        @Override
        public String name() {
            return "DEPLOYMENT";
        }
    }

    /** The deploy run {@code runId} succeeded. */
    record Deployed(String runId) implements JournalState {
        /** Validates. */
        public Deployed {
            Objects.requireNonNull(runId, "runId");
        }

        @Override
        public String name() {
            return "DEPLOYED";
        }
    }

    /** The deploy created {@code revision}. */
    record NewRevision(String revision) implements JournalState {
        /** Validates. */
        public NewRevision {
            Objects.requireNonNull(revision, "revision");
        }

        @Override
        public String name() {
            return "NEW_REVISION";
        }
    }

    /** About to activate {@code newRevision} if needed and move {@code weight}% of traffic to it. */
    record Shifting(int weight, String stable, String newRevision) implements JournalState {
        /** Validates. */
        public Shifting {
            Objects.requireNonNull(stable, "stable");
            Objects.requireNonNull(newRevision, "newRevision");
        }

        @Override
        public String name() {
            return "SHIFTING";
        }
    }

    /** Traffic is at {@code weight}%; the step is being observed. */
    record Observing(int weight) implements JournalState {
        @Override
        public String name() {
            return "OBSERVING";
        }
    }

    /** The step at {@code weight}% passed its observation. */
    record StepPassed(int weight) implements JournalState {
        @Override
        public String name() {
            return "STEP_PASSED";
        }
    }

    /** About to ask for a person's approval of the step to {@code weight}%. */
    record AwaitingApproval(int weight) implements JournalState {
        @Override
        public String name() {
            return "AWAITING_APPROVAL";
        }
    }

    /** The step to {@code weight}% was approved or rejected by {@code by}. */
    record Approval(int weight, boolean approved, String by) implements JournalState {
        /** Validates. */
        public Approval {
            Objects.requireNonNull(by, "by");
        }

        @Override
        public String name() {
            return "APPROVAL";
        }
    }

    /** About to move all traffic back to {@code to}. */
    record RollingBack(String to, String reason) implements JournalState {
        /** Validates. */
        public RollingBack {
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String name() {
            return "ROLLING_BACK";
        }
    }

    /**
     * Whether the release carries a database migration, decided before the merge, and whether that made it
     * roll-forward-only by policy; a resumed release keeps both.
     */
    record MigrationJudged(boolean migration, boolean rollForwardOnly, String reason) implements JournalState {
        /** Validates. */
        public MigrationJudged {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String name() {
            return "MIGRATION_JUDGED";
        }
    }

    /**
     * About to run hook {@code hook} at {@code point} with {@code deliveryId}: a resumed release that finds this
     * without a {@link HookFinished} runs the hook again with the same delivery id.
     */
    record HookStarted(io.releasepipeline.hook.HookPoint point, String hook, String kind, String deliveryId,
            boolean migrationRollback) implements JournalState {
        /** Validates. */
        public HookStarted {
            Objects.requireNonNull(point, "point");
            Objects.requireNonNull(hook, "hook");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(deliveryId, "deliveryId");
        }

        @Override
        public String name() {
            return "HOOK_STARTED";
        }
    }

    /** Hook {@code hook} at {@code point} ran to {@code status}: a resumed release does not run it again. */
    record HookFinished(io.releasepipeline.hook.HookPoint point, String hook,
            io.releasepipeline.hook.HookResult.Status status, String summary, Optional<String> link,
            java.time.Duration duration) implements JournalState {
        /** Validates. */
        public HookFinished {
            Objects.requireNonNull(point, "point");
            Objects.requireNonNull(hook, "hook");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(summary, "summary");
            link = link == null ? Optional.empty() : link;
            Objects.requireNonNull(duration, "duration");
        }

        @Override
        public String name() {
            return "HOOK_FINISHED";
        }
    }

    /** A new process took the release over after the previous one stopped at {@code after}. */
    record Resumed(String after) implements JournalState {
        /** Validates. */
        public Resumed {
            Objects.requireNonNull(after, "after");
        }

        @Override
        public String name() {
            return "RESUMED";
        }
    }

    /**
     * The outcome is decided; the evidence record, the deployment status and the pull-request note come next (so a
     * resumed release knows they may be partly done).
     */
    record Finishing(ReleaseOutcome outcome) implements JournalState {
        /** Validates. */
        public Finishing {
            Objects.requireNonNull(outcome, "outcome");
        }

        @Override
        public String name() {
            return "FINISHING";
        }
    }

    /** The release ended with {@code outcome}; nothing is left to do. */
    record Finished(ReleaseOutcome outcome) implements JournalState {
        /** Validates. */
        public Finished {
            Objects.requireNonNull(outcome, "outcome");
        }

        @Override
        public String name() {
            return "FINISHED";
        }
    }
}
