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

    /**
     * The state's name on disk, e.g. {@code SHIFTING}.
     *
     * @return the state's name on disk, e.g. {@code SHIFTING}
     */
    String name();

    /**
     * A promotion started (written before anything else, so that nothing happens unjournaled).
     *
     * @param pullRequest the pull request's number
     * @param databaseMigration whether the release carries a database migration
     * @param environment the environment the release goes to
     * @param rollForwardOnly whether a firing trigger freezes traffic instead of rolling back
     * @param firstRelease whether the release was declared the app's first
     */
    record Started(int pullRequest, boolean databaseMigration, String environment, boolean rollForwardOnly,
            boolean firstRelease) implements JournalState {
        /**
         * Validates.
         *
         * @param pullRequest the pull request's number
         * @param databaseMigration whether the release carries a database migration
         * @param environment the environment the release goes to
         * @param rollForwardOnly whether a firing trigger freezes traffic instead of rolling back
         * @param firstRelease whether the release was declared the app's first
         */
        public Started {
            Objects.requireNonNull(environment, "environment");
        }

        @Override
        public String name() {
            return "STARTED";
        }
    }

    /**
     * A standalone rollback started ({@code rollback.sh}).
     *
     * @param reason why, as the person said it
     */
    record RollbackStarted(String reason) implements JournalState {
        /**
         * Validates.
         *
         * @param reason why, as the person said it
         */
        public RollbackStarted {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String name() {
            return "ROLLBACK_STARTED";
        }
    }

    /**
     * Every gate passed, with each verdict; the merge comes next.
     *
     * @param gates every gate's verdict
     */
    record GatesPassed(List<GateResult> gates) implements JournalState {
        /**
         * Copies.
         *
         * @param gates every gate's verdict
         */
        public GatesPassed {
            gates = List.copyOf(gates);
        }

        @Override
        public String name() {
            return "GATES_PASSED";
        }
    }

    /**
     * About to merge the head the gates judged; {@code stable} serves everything.
     *
     * @param headSha the head commit the gates judged
     * @param stable the revision serving everything
     */
    record Merging(String headSha, String stable) implements JournalState {
        /**
         * Validates.
         *
         * @param headSha the head commit the gates judged
         * @param stable the revision serving everything
         */
        public Merging {
            Objects.requireNonNull(headSha, "headSha");
            Objects.requireNonNull(stable, "stable");
        }

        @Override
        public String name() {
            return "MERGING";
        }
    }

    /**
     * The pull request was merged as {@code mergeSha}.
     *
     * @param mergeSha the merge commit
     */
    record Merged(String mergeSha) implements JournalState {
        /**
         * Validates.
         *
         * @param mergeSha the merge commit
         */
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
     *
     * @param headSha the head commit the gates judged
     * @param stable the revision serving everything
     * @param mergeSha the merge commit
     * @param newRevision the new revision, when the deploy already serves it
     */
    record MergedBeforeRelease(String headSha, String stable, String mergeSha, Optional<String> newRevision)
            implements JournalState {
        /**
         * Validates.
         *
         * @param headSha the head commit the gates judged
         * @param stable the revision serving everything
         * @param mergeSha the merge commit
         * @param newRevision the new revision, when the deploy already serves it
         */
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

    /**
     * About to create the CI system's deployment record for {@code sha} (idempotent per release).
     *
     * @param sha the commit the deployment is for
     */
    record CreatingDeployment(String sha) implements JournalState {
        /**
         * Validates.
         *
         * @param sha the commit the deployment is for
         */
        public CreatingDeployment {
            Objects.requireNonNull(sha, "sha");
        }

        @Override
        public String name() {
            return "CREATING_DEPLOYMENT";
        }
    }

    /**
     * The deployment record {@code id} exists.
     *
     * @param id the deployment record's id
     */
    record Deployment(String id) implements JournalState {
        /**
         * Validates.
         *
         * @param id the deployment record's id
         */
        public Deployment {
            Objects.requireNonNull(id, "id");
        }

        @Override
        public String name() {
            return "DEPLOYMENT";
        }
    }

    /**
     * The deploy run {@code runId} succeeded.
     *
     * @param runId the deploy run's id
     */
    record Deployed(String runId) implements JournalState {
        /**
         * Validates.
         *
         * @param runId the deploy run's id
         */
        public Deployed {
            Objects.requireNonNull(runId, "runId");
        }

        @Override
        public String name() {
            return "DEPLOYED";
        }
    }

    /**
     * The deploy created {@code revision}.
     *
     * @param revision the new revision
     */
    record NewRevision(String revision) implements JournalState {
        /**
         * Validates.
         *
         * @param revision the new revision
         */
        public NewRevision {
            Objects.requireNonNull(revision, "revision");
        }

        @Override
        public String name() {
            return "NEW_REVISION";
        }
    }

    /**
     * About to activate {@code newRevision} if needed and move {@code weight}% of traffic to it.
     *
     * @param weight the new revision's traffic weight, in percent
     * @param stable the stable revision
     * @param newRevision the new revision
     */
    record Shifting(int weight, String stable, String newRevision) implements JournalState {
        /**
         * Validates.
         *
         * @param weight the new revision's traffic weight, in percent
         * @param stable the stable revision
         * @param newRevision the new revision
         */
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

    /**
     * The step to {@code weight}% was approved or rejected by {@code by}.
     *
     * @param weight the step's traffic weight, in percent
     * @param approved true if approved, false if rejected
     * @param by who decided
     */
    record Approval(int weight, boolean approved, String by) implements JournalState {
        /**
         * Validates.
         *
         * @param weight the step's traffic weight, in percent
         * @param approved true if approved, false if rejected
         * @param by who decided
         */
        public Approval {
            Objects.requireNonNull(by, "by");
        }

        @Override
        public String name() {
            return "APPROVAL";
        }
    }

    /**
     * About to move all traffic back to {@code to}.
     *
     * @param to the revision all traffic goes back to
     * @param reason why
     */
    record RollingBack(String to, String reason) implements JournalState {
        /**
         * Validates.
         *
         * @param to the revision all traffic goes back to
         * @param reason why
         */
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
     *
     * @param migration whether the release carries a database migration
     * @param rollForwardOnly whether that made it roll-forward-only
     * @param reason why it was judged so
     */
    record MigrationJudged(boolean migration, boolean rollForwardOnly, String reason) implements JournalState {
        /**
         * Validates.
         *
         * @param migration whether the release carries a database migration
         * @param rollForwardOnly whether that made it roll-forward-only
         * @param reason why it was judged so
         */
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
     *
     * @param point the hook point
     * @param hook the hook's name
     * @param kind the hook's kind, e.g. {@code webhook}
     * @param deliveryId the delivery id, sent again on a rerun
     * @param migrationRollback whether it is the migration-rollback hook
     */
    record HookStarted(io.releasepipeline.hook.HookPoint point, String hook, String kind, String deliveryId,
            boolean migrationRollback) implements JournalState {
        /**
         * Validates.
         *
         * @param point the hook point
         * @param hook the hook's name
         * @param kind the hook's kind, e.g. {@code webhook}
         * @param deliveryId the delivery id, sent again on a rerun
         * @param migrationRollback whether it is the migration-rollback hook
         */
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

    /**
     * Hook {@code hook} at {@code point} ran to {@code status}: a resumed release does not run it again.
     *
     * @param point the hook point
     * @param hook the hook's name
     * @param status how it ended
     * @param summary what it said
     * @param link where to read more, if given
     * @param duration how long it ran
     */
    record HookFinished(io.releasepipeline.hook.HookPoint point, String hook,
            io.releasepipeline.hook.HookResult.Status status, String summary, Optional<String> link,
            java.time.Duration duration) implements JournalState {
        /**
         * Validates.
         *
         * @param point the hook point
         * @param hook the hook's name
         * @param status how it ended
         * @param summary what it said
         * @param link where to read more, if given
         * @param duration how long it ran
         */
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

    /**
     * A new process took the release over after the previous one stopped at {@code after}.
     *
     * @param after the state the previous process stopped at
     */
    record Resumed(String after) implements JournalState {
        /**
         * Validates.
         *
         * @param after the state the previous process stopped at
         */
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
     *
     * @param outcome the decided outcome
     */
    record Finishing(ReleaseOutcome outcome) implements JournalState {
        /**
         * Validates.
         *
         * @param outcome the decided outcome
         */
        public Finishing {
            Objects.requireNonNull(outcome, "outcome");
        }

        @Override
        public String name() {
            return "FINISHING";
        }
    }

    /**
     * The release ended with {@code outcome}; nothing is left to do.
     *
     * @param outcome the outcome
     */
    record Finished(ReleaseOutcome outcome) implements JournalState {
        /**
         * Validates.
         *
         * @param outcome the outcome
         */
        public Finished {
            Objects.requireNonNull(outcome, "outcome");
        }

        @Override
        public String name() {
            return "FINISHED";
        }
    }
}
