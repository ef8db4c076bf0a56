package io.releasepipeline.evidence;

import io.releasepipeline.health.SmokeResult;
import io.releasepipeline.spi.DeployMatch;
import io.releasepipeline.spi.DeployRun;
import io.releasepipeline.trigger.TriggerVerdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The self-contained record of one release, or of one standalone rollback: the runbook's release-evidence
 * template filled in, plus why each decision was taken. Immutable; {@link Builder} accumulates one as a release
 * runs.
 *
 * @param schemaVersion the record format's version
 * @param releaseId the release's id
 * @param app the app
 * @param kind a promotion or a standalone rollback
 * @param outcome how it ended
 * @param startedAt when it started
 * @param finishedAt when it finished
 * @param pullRequest the pull request number, when there is one
 * @param pullRequestUrl where to read the pull request
 * @param headSha the commit the gates judged
 * @param mergeCommitSha the merge commit
 * @param previousRevision the revision serving before the release
 * @param newRevision the revision the release brought
 * @param approvers who approved
 * @param gates every gate with its verdict and reason
 * @param deployRun the deploy run, as last seen
 * @param smokeChecks smoke checks that decided something (after each shift, after a rollback, failures)
 * @param trafficChanges every traffic change with its time
 * @param verdicts trigger verdicts that mattered (each step's closing verdicts, the one that fired)
 * @param timeline health over time, for the chart: in time order ({@link TimelinePoint#at()}), points at the same
 *     instant in the order they were added
 * @param rollback what the rollback did, if there was one
 * @param databaseMigration whether the release carried a database migration
 * @param notes anything else a reader should know (warnings, unverified signals)
 * @param approvals manual approvals of traffic steps: who decided and when
 * @param deployMatch whether the merge starts the deploy run, as judged before the merge: which filter, which files
 * @param mode whether the release merged the pull request itself after its gates ({@link Mode#PRE_MERGE}) or picked
 *     up a pull request merged before it ({@link Mode#POST_MERGE}, whose gates were recorded but could not stop the
 *     merge); {@code PRE_MERGE} for records written before this field existed, and for standalone rollbacks
 * @param firstRelease whether the release was declared the app's first, so that an empty history passed the
 *     "previous release stable" gate
 * @param environment the environment the release went to (the CI system's deployment environment), when known
 * @param pullRequestTitle the pull request's title as it was when the release read it (untrusted text), when known
 * @param hooks every hook run of the release, in order: name, kind, point, status, summary, link, start, duration
 * @param migration whether the release was judged to carry a database migration, and why (absent in records written
 *     before this field existed)
 * @param baseline the stable revision's error rate measured before traffic first moved (or why it could not be), the
 *     reference a rollback's recovery watch judges against; empty when none was measured (the error-rate trigger
 *     disarmed, traffic never moved, a record written before baselines existed)
 * @param samples every sample the observation of traffic steps took, with the policy that judged them: what a
 *     backtest replays; empty when traffic was never observed, and in records written before samples were kept
 *     ("not replayable")
 */
public record ReleaseRecord(int schemaVersion, String releaseId, String app, Kind kind, ReleaseOutcome outcome,
        Instant startedAt, Optional<Instant> finishedAt, Optional<Integer> pullRequest,
        Optional<String> pullRequestUrl, Optional<String> headSha, Optional<String> mergeCommitSha,
        Optional<String> previousRevision, Optional<String> newRevision, List<String> approvers,
        List<GateResult> gates, Optional<DeployRun> deployRun, List<SmokeResult> smokeChecks,
        List<TrafficChange> trafficChanges, List<TriggerVerdict> verdicts, List<TimelinePoint> timeline,
        Optional<RollbackDetails> rollback, boolean databaseMigration, List<String> notes,
        List<StepApproval> approvals, Optional<DeployMatch> deployMatch, Mode mode, boolean firstRelease,
        Optional<String> environment, Optional<String> pullRequestTitle,
        List<HookRun> hooks, Optional<MigrationVerdict> migration,
        Optional<Baseline> baseline, Optional<Samples> samples) {

    /**
     * The format version this version writes: 2, durations as whole milliseconds under names ending in
     * {@code Millis} ({@code medianLatencyMillis}, {@code durationMillis}); 1 wrote them as ISO-8601 strings
     * ({@code "medianLatency" : "PT0.043S"}), and records of version 1 still read. The JSON Schema of the format is
     * {@code docs/schemas/evidence-record.schema.json}.
     */
    public static final int SCHEMA_VERSION = 2;

    /** What kind of release a record describes. */
    public enum Kind {
        /** A promotion of a pull request (it may have rolled back on its own). */
        PROMOTION,
        /** A standalone rollback, asked for by a person or a tool. */
        ROLLBACK
    }

    /** How a promotion related to its pull request's merge. */
    public enum Mode {
        /** The release evaluated the gates, then merged the pull request itself: a failing gate stopped the merge. */
        PRE_MERGE,
        /**
         * The pull request was merged before the release (in GitHub's UI, branch protection doing the checks): the
         * release picked up at the merge commit's deploy run. The gates were evaluated and recorded but could not
         * stop the merge; a failing gate kept the new revision from getting traffic.
         */
        POST_MERGE
    }

    /**
     * Validates and copies.
     *
     * @param schemaVersion the record format's version
     * @param releaseId the release's id
     * @param app the app
     * @param kind a promotion or a standalone rollback
     * @param outcome how it ended
     * @param startedAt when it started
     * @param finishedAt when it finished
     * @param pullRequest the pull request number, when there is one
     * @param pullRequestUrl where to read the pull request
     * @param headSha the commit the gates judged
     * @param mergeCommitSha the merge commit
     * @param previousRevision the revision serving before the release
     * @param newRevision the revision the release brought
     * @param approvers who approved
     * @param gates every gate with its verdict and reason
     * @param deployRun the deploy run, as last seen
     * @param smokeChecks smoke checks that decided something (after each shift, after a rollback, failures)
     * @param trafficChanges every traffic change with its time
     * @param verdicts trigger verdicts that mattered (each step's closing verdicts, the one that fired)
     * @param timeline health over time, for the chart
     * @param rollback what the rollback did, if there was one
     * @param databaseMigration whether the release carried a database migration
     * @param notes anything else a reader should know (warnings, unverified signals)
     * @param approvals manual approvals of traffic steps: who decided and when
     * @param deployMatch whether the merge starts the deploy run, as judged before the merge: which filter, which
     *     files
     * @param mode whether the release merged the pull request itself after its gates ({@link Mode#PRE_MERGE}) or
     *     picked up a pull request merged before it ({@link Mode#POST_MERGE}, whose gates were recorded but could not
     *     stop the merge); {@code PRE_MERGE} for records written before this field existed, and for standalone
     *     rollbacks
     * @param firstRelease whether the release was declared the app's first, so that an empty history passed the
     *     "previous release stable" gate
     * @param environment the environment the release went to (the CI system's deployment environment), when known
     * @param pullRequestTitle the pull request's title as it was when the release read it (untrusted text), when known
     * @param hooks every hook run of the release, in order: name, kind, point, status, summary, link, start, duration
     * @param migration whether the release was judged to carry a database migration, and why (absent in records
     *     written before this field existed)
     * @param baseline the stable revision's error rate measured before traffic first moved (or why it could not be),
     *     the reference a rollback's recovery watch judges against; empty when none was measured (the error-rate
     *     trigger disarmed, traffic never moved, a record written before baselines existed)
     * @param samples every sample the observation of traffic steps took, with the policy that judged them: what a
     *     backtest replays; empty when traffic was never observed, and in records written before samples were kept
     *     ("not replayable")
     */
    public ReleaseRecord {
        Objects.requireNonNull(releaseId, "releaseId");
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(startedAt, "startedAt");
        finishedAt = finishedAt == null ? Optional.empty() : finishedAt;
        pullRequest = pullRequest == null ? Optional.empty() : pullRequest;
        pullRequestUrl = pullRequestUrl == null ? Optional.empty() : pullRequestUrl;
        headSha = headSha == null ? Optional.empty() : headSha;
        mergeCommitSha = mergeCommitSha == null ? Optional.empty() : mergeCommitSha;
        previousRevision = previousRevision == null ? Optional.empty() : previousRevision;
        newRevision = newRevision == null ? Optional.empty() : newRevision;
        approvers = approvers == null ? List.of() : List.copyOf(approvers);
        gates = gates == null ? List.of() : List.copyOf(gates);
        deployRun = deployRun == null ? Optional.empty() : deployRun;
        smokeChecks = smokeChecks == null ? List.of() : List.copyOf(smokeChecks);
        trafficChanges = trafficChanges == null ? List.of() : List.copyOf(trafficChanges);
        verdicts = verdicts == null ? List.of() : List.copyOf(verdicts);
        // Sorted here, so that every record is in time order: the one a release builds, one read from JSON written
        // in another order, one resumed from a journal. A stable sort keeps points at the same instant as added.
        timeline = timeline == null ? List.of() : timeline.stream()
                .sorted(java.util.Comparator.comparing(TimelinePoint::at)).toList();
        rollback = rollback == null ? Optional.empty() : rollback;
        notes = notes == null ? List.of() : List.copyOf(notes);
        approvals = approvals == null ? List.of() : List.copyOf(approvals);
        deployMatch = deployMatch == null ? Optional.empty() : deployMatch;
        mode = mode == null ? Mode.PRE_MERGE : mode;
        environment = environment == null ? Optional.empty() : environment;
        pullRequestTitle = pullRequestTitle == null ? Optional.empty() : pullRequestTitle;
        hooks = hooks == null ? List.of() : List.copyOf(hooks);
        migration = migration == null ? Optional.empty() : migration;
        baseline = baseline == null ? Optional.empty() : baseline;
        samples = samples == null ? Optional.empty() : samples;
    }

    /**
     * True when the pull request was merged before the release, so its gates could not stop the merge.
     *
     * @return true when the pull request was merged before the release, so its gates could not stop the merge
     */
    public boolean postMerge() {
        return mode == Mode.POST_MERGE;
    }

    /**
     * A builder for a record that starts now.
     *
     * @param releaseId the release's id
     * @param app the app
     * @param kind a promotion or a standalone rollback
     * @param startedAt when it started
     * @return a new builder
     */
    public static Builder builder(String releaseId, String app, Kind kind, Instant startedAt) {
        return new Builder(releaseId, app, kind, startedAt);
    }

    /**
     * A builder holding everything in this record, to go on from it (a resumed release).
     *
     * @return this builder
     */
    public Builder toBuilder() {
        Builder b = new Builder(releaseId, app, kind, startedAt);
        b.outcome = outcome;
        b.finishedAt = finishedAt.orElse(null);
        b.pullRequest = pullRequest.orElse(null);
        b.pullRequestUrl = pullRequestUrl.orElse(null);
        b.headSha = headSha.orElse(null);
        b.mergeCommitSha = mergeCommitSha.orElse(null);
        b.previousRevision = previousRevision.orElse(null);
        b.newRevision = newRevision.orElse(null);
        b.approvers = approvers;
        b.gates.addAll(gates);
        b.deployRun = deployRun.orElse(null);
        b.smokeChecks.addAll(smokeChecks);
        b.trafficChanges.addAll(trafficChanges);
        b.verdicts.addAll(verdicts);
        b.timeline.addAll(timeline);
        b.rollback = rollback.orElse(null);
        b.databaseMigration = databaseMigration;
        b.notes.addAll(notes);
        b.approvals.addAll(approvals);
        b.deployMatch = deployMatch.orElse(null);
        b.mode = mode;
        b.firstRelease = firstRelease;
        b.environment = environment.orElse(null);
        b.pullRequestTitle = pullRequestTitle.orElse(null);
        b.hooks.addAll(hooks);
        b.migration = migration.orElse(null);
        b.baseline = baseline.orElse(null);
        samples.ifPresent(sm -> {
            b.samplePolicy = sm.policy();
            b.sampleSteps.addAll(sm.steps());
        });
        return b;
    }

    /**
     * True when this release (or rollback) ended with a rollback, successful or not.
     *
     * @return true when this release (or rollback) ended with a rollback, successful or not
     */
    public boolean rolledBack() {
        return outcome == ReleaseOutcome.ROLLED_BACK || outcome == ReleaseOutcome.ROLLBACK_FAILED
                || rollback.isPresent();
    }

    /** Accumulates a record while a release runs. Not thread-safe; owned by one release. */
    public static final class Builder {
        private final String releaseId;
        private final String app;
        private final Kind kind;
        private final Instant startedAt;
        private ReleaseOutcome outcome = ReleaseOutcome.IN_PROGRESS;
        private Instant finishedAt;
        private Integer pullRequest;
        private String pullRequestUrl;
        private String headSha;
        private String mergeCommitSha;
        private String previousRevision;
        private String newRevision;
        private List<String> approvers = List.of();
        private final List<GateResult> gates = new ArrayList<>();
        private DeployRun deployRun;
        private final List<SmokeResult> smokeChecks = new ArrayList<>();
        private final List<TrafficChange> trafficChanges = new ArrayList<>();
        private final List<TriggerVerdict> verdicts = new ArrayList<>();
        private final List<TimelinePoint> timeline = new ArrayList<>();
        private RollbackDetails rollback;
        private boolean databaseMigration;
        private final List<String> notes = new ArrayList<>();
        private final List<StepApproval> approvals = new ArrayList<>();
        private DeployMatch deployMatch;
        private Mode mode = Mode.PRE_MERGE;
        private boolean firstRelease;
        private String environment;
        private String pullRequestTitle;
        private final List<HookRun> hooks = new ArrayList<>();
        private MigrationVerdict migration;
        private Baseline baseline;
        private Samples.Policy samplePolicy;
        private final List<Samples.Step> sampleSteps = new ArrayList<>();

        private Builder(String releaseId, String app, Kind kind, Instant startedAt) {
            this.releaseId = releaseId;
            this.app = app;
            this.kind = kind;
            this.startedAt = startedAt;
        }

        /**
         * Sets the outcome.
         *
         * @param outcome how it ended
         * @return this builder
         */
        public Builder outcome(ReleaseOutcome outcome) {
            this.outcome = outcome;
            return this;
        }

        /**
         * Sets when it finished.
         *
         * @param at when it finished
         * @return this builder
         */
        public Builder finishedAt(Instant at) {
            this.finishedAt = at;
            return this;
        }

        /**
         * Sets the pull request.
         *
         * @param number the pull request's number
         * @param url where to read it
         * @return this builder
         */
        public Builder pullRequest(int number, String url) {
            this.pullRequest = number;
            this.pullRequestUrl = url == null || url.isEmpty() ? null : url;
            return this;
        }

        /**
         * Sets the judged head commit.
         *
         * @param sha the head commit
         * @return this builder
         */
        public Builder headSha(String sha) {
            this.headSha = sha;
            return this;
        }

        /**
         * Sets the merge commit.
         *
         * @param sha the merge commit
         * @return this builder
         */
        public Builder mergeCommitSha(String sha) {
            this.mergeCommitSha = sha;
            return this;
        }

        /**
         * Sets the revision that served before.
         *
         * @param revision the revision that served before
         * @return this builder
         */
        public Builder previousRevision(String revision) {
            this.previousRevision = revision;
            return this;
        }

        /**
         * Sets the new revision.
         *
         * @param revision the new revision
         * @return this builder
         */
        public Builder newRevision(String revision) {
            this.newRevision = revision;
            return this;
        }

        /**
         * Sets the approvers.
         *
         * @param approvers who approved
         * @return this builder
         */
        public Builder approvers(List<String> approvers) {
            this.approvers = List.copyOf(approvers);
            return this;
        }

        /**
         * Adds gate verdicts.
         *
         * @param results the gate verdicts
         * @return this builder
         */
        public Builder gates(List<GateResult> results) {
            gates.addAll(results);
            return this;
        }

        /**
         * Sets the deploy run as last seen.
         *
         * @param run the deploy run
         * @return this builder
         */
        public Builder deployRun(DeployRun run) {
            this.deployRun = run;
            return this;
        }

        /**
         * Adds a smoke check.
         *
         * @param result the smoke check's result
         * @return this builder
         */
        public Builder smoke(SmokeResult result) {
            smokeChecks.add(result);
            return this;
        }

        /**
         * Adds a traffic change.
         *
         * @param change the traffic change
         * @return this builder
         */
        public Builder traffic(TrafficChange change) {
            trafficChanges.add(change);
            return this;
        }

        /**
         * Adds a verdict.
         *
         * @param verdict the trigger verdict
         * @return this builder
         */
        public Builder verdict(TriggerVerdict verdict) {
            verdicts.add(verdict);
            return this;
        }

        /**
         * Adds a timeline point.
         *
         * @param point the timeline point
         * @return this builder
         */
        public Builder timeline(TimelinePoint point) {
            timeline.add(point);
            return this;
        }

        /**
         * Sets the rollback details.
         *
         * @param details what the rollback did
         * @return this builder
         */
        public Builder rollback(RollbackDetails details) {
            this.rollback = details;
            return this;
        }

        /**
         * Marks the release as carrying a database migration.
         *
         * @param migration whether the release carries a database migration
         * @return this builder
         */
        public Builder databaseMigration(boolean migration) {
            this.databaseMigration = migration;
            return this;
        }

        /**
         * Adds a note.
         *
         * @param note the note
         * @return this builder
         */
        public Builder note(String note) {
            notes.add(note);
            return this;
        }

        /**
         * Sets how the release related to the merge. Default {@link Mode#PRE_MERGE}.
         *
         * @param mode whether the release merged the pull request itself after its gates ({@link Mode#PRE_MERGE}) or
         *     picked up a pull request merged before it ({@link Mode#POST_MERGE}, whose gates were recorded but could
         *     not stop the merge); {@code PRE_MERGE} for records written before this field existed, and for standalone
         *     rollbacks
         * @return this builder
         */
        public Builder mode(Mode mode) {
            this.mode = java.util.Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * Marks the release as declared the app's first. Default false.
         *
         * @param firstRelease whether the release was declared the app's first, so that an empty history passed the
         *     "previous release stable" gate
         * @return this builder
         */
        public Builder firstRelease(boolean firstRelease) {
            this.firstRelease = firstRelease;
            return this;
        }

        /**
         * Sets the environment the release goes to.
         *
         * @param environment the environment the release went to (the CI system's deployment environment), when known
         * @return this builder
         */
        public Builder environment(String environment) {
            this.environment = environment;
            return this;
        }

        /**
         * Sets the pull request's title, as read from the CI system (untrusted text, kept whole).
         *
         * @param title the title
         * @return this builder
         */
        public Builder pullRequestTitle(String title) {
            this.pullRequestTitle = title == null || title.isEmpty() ? null : title;
            return this;
        }

        /**
         * Adds a hook run.
         *
         * @param run the hook run
         * @return this builder
         */
        public Builder hook(HookRun run) {
            hooks.add(java.util.Objects.requireNonNull(run, "run"));
            return this;
        }

        /**
         * Sets whether the release carries a database migration and why; also sets {@code databaseMigration}.
         *
         * @param verdict the migration verdict
         * @return this builder
         */
        public Builder migration(MigrationVerdict verdict) {
            this.migration = java.util.Objects.requireNonNull(verdict, "verdict");
            this.databaseMigration = verdict.migration();
            return this;
        }

        /**
         * Adds a step approval.
         *
         * @param approval the step approval
         * @return this builder
         */
        public Builder approval(StepApproval approval) {
            approvals.add(approval);
            return this;
        }

        /**
         * Sets whether the merge starts the deploy run, as judged before the merge.
         *
         * @param match the deploy match
         * @return this builder
         */
        public Builder deployMatch(DeployMatch match) {
            this.deployMatch = match;
            return this;
        }

        /**
         * Whether the merge starts the deploy run, once judged.
         *
         * @return whether the merge starts the deploy run, once judged
         */
        public Optional<DeployMatch> deployMatch() {
            return Optional.ofNullable(deployMatch);
        }

        /**
         * Sets the stable revision's error rate measured before traffic first moved.
         *
         * @param baseline the stable revision's error rate measured before traffic first moved (or why it could not
         *     be), the reference a rollback's recovery watch judges against; empty when none was measured (the
         *     error-rate trigger disarmed, traffic never moved, a record written before baselines existed)
         * @return this builder
         */
        public Builder baseline(Baseline baseline) {
            this.baseline = java.util.Objects.requireNonNull(baseline, "baseline");
            return this;
        }

        /**
         * The baseline, once measured.
         *
         * @return the baseline, once measured
         */
        public Optional<Baseline> baseline() {
            return Optional.ofNullable(baseline);
        }

        /**
         * Adds one observation's samples, judged by {@code policy} (the release's; the first one given is kept).
         *
         * @param policy the policy that judged the samples
         * @param step the observation's samples
         * @return this builder
         */
        public Builder samples(Samples.Policy policy, Samples.Step step) {
            if (samplePolicy == null) {
                samplePolicy = java.util.Objects.requireNonNull(policy, "policy");
            }
            sampleSteps.add(java.util.Objects.requireNonNull(step, "step"));
            return this;
        }

        /**
         * How many samples the record keeps so far.
         *
         * @return how many samples the record keeps so far
         */
        public int sampleCount() {
            return sampleSteps.stream().mapToInt(Samples.Step::count).sum();
        }

        /**
         * The outcome so far.
         *
         * @return the outcome so far
         */
        public ReleaseOutcome outcome() {
            return outcome;
        }

        /**
         * When traffic first moved in this release, if it has.
         *
         * @return when traffic first moved in this release, if it has
         */
        public Optional<Instant> firstTrafficChangeAt() {
            return trafficChanges.isEmpty() ? Optional.empty() : Optional.of(trafficChanges.get(0).at());
        }

        /**
         * The latest traffic change recorded so far.
         *
         * @return the latest traffic change recorded so far
         */
        public Optional<TrafficChange> lastTrafficChange() {
            return trafficChanges.isEmpty() ? Optional.empty()
                    : Optional.of(trafficChanges.get(trafficChanges.size() - 1));
        }

        /**
         * A snapshot of the record so far.
         *
         * @return a snapshot of the record so far
         */
        public ReleaseRecord build() {
            return new ReleaseRecord(SCHEMA_VERSION, releaseId, app, kind, outcome, startedAt,
                    Optional.ofNullable(finishedAt), Optional.ofNullable(pullRequest),
                    Optional.ofNullable(pullRequestUrl), Optional.ofNullable(headSha),
                    Optional.ofNullable(mergeCommitSha), Optional.ofNullable(previousRevision),
                    Optional.ofNullable(newRevision), approvers, gates, Optional.ofNullable(deployRun), smokeChecks,
                    trafficChanges, verdicts, timeline, Optional.ofNullable(rollback), databaseMigration, notes,
                    approvals, Optional.ofNullable(deployMatch), mode, firstRelease, Optional.ofNullable(environment),
                    Optional.ofNullable(pullRequestTitle), hooks, Optional.ofNullable(migration),
                    Optional.ofNullable(baseline), samplePolicy == null ? Optional.empty()
                            : Optional.of(new Samples(Samples.FORMAT, samplePolicy, sampleSteps)));
        }
    }
}
