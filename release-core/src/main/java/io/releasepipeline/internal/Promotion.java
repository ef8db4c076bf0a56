package io.releasepipeline.internal;

import io.releasepipeline.LockLostException;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.RollbackResult;
import io.releasepipeline.error.ProviderException;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.evidence.JournalState;
import io.releasepipeline.evidence.Recovery;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.RollbackDetails;
import io.releasepipeline.evidence.TrafficChange;
import io.releasepipeline.format.Format;
import io.releasepipeline.format.SafeText;
import io.releasepipeline.health.SmokeTarget;
import io.releasepipeline.internal.ApprovalWaiter.ApprovalOutcome;
import io.releasepipeline.spi.AppTraffic;
import io.releasepipeline.spi.DeployRun;
import io.releasepipeline.spi.DeploymentState;
import io.releasepipeline.spi.MergeRefusedException;
import io.releasepipeline.spi.PullRequest;
import io.releasepipeline.spi.Revision;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.traffic.TrafficStep;
import io.releasepipeline.trigger.TriggerState;
import io.releasepipeline.trigger.TriggerVerdict;
import io.releasepipeline.trigger.Triggers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One promotion, start to end: the runbook as a state machine. Gates, merge, deploy run, new revision, each
 * traffic step (shift, verify, observe), evidence; a rollback whenever a trigger fires or anything fails once
 * traffic has left the stable revision. Not thread-safe; one thread runs one promotion.
 */
final class Promotion {

    private static final Logger log = LoggerFactory.getLogger(Promotion.class);

    private final ReleaseOps ops;
    private final ReleaseRequest request;
    private final ReleaseRecord.Builder record;
    private final Evidence evidence;
    private String stable;
    private String newRevision;
    /** The new revision as last read while waiting for it; its URL, and whether it is active. */
    private Revision newRevisionState;
    private Optional<String> deploymentId = Optional.empty();
    private PullRequest pullRequest;
    private boolean resumed;
    private DeploymentState finalState;
    /** Set once {@link #finish} began: the outcome is decided, and nothing that happens after re-decides it. */
    private boolean finishing;
    private String finalDescription;
    /** Whether the release carries a database migration: declared, or judged before the merge (and journaled). */
    private boolean databaseMigration;
    /** Whether a firing trigger freezes instead of rolling back: requested, or by the migration policy. */
    private boolean rollForwardOnly;
    /** The migration verdict of this run, to journal once the gates passed. */
    private io.releasepipeline.evidence.MigrationVerdict migrationVerdict;
    private HookRunner hooks;

    Promotion(ReleaseOps ops, ReleaseRequest request, Instant startedAt) {
        this(ops, request, startedAt, Optional.empty());
    }

    /** A promotion that goes on from {@code snapshot}, the record as the journal last saw it. */
    Promotion(ReleaseOps ops, ReleaseRequest request, Instant startedAt, Optional<ReleaseRecord> snapshot) {
        this.ops = ops;
        this.request = request;
        this.record = snapshot.map(ReleaseRecord::toBuilder).orElseGet(() -> ReleaseRecord.builder(ops.releaseId,
                ops.app(), ReleaseRecord.Kind.PROMOTION, startedAt).databaseMigration(request.databaseMigration())
                .firstRelease(request.firstRelease()).environment(request.environment()));
        this.evidence = new Evidence(ops);
        this.databaseMigration = request.databaseMigration();
        this.rollForwardOnly = request.rollForwardOnly();
        this.hooks = new HookRunner(ops, java.util.Map.of());
    }

    /** Stops this promotion at the next check: a rollback if traffic moved, an abort otherwise. */
    void requestStop(String reason) {
        ops.requestStop(reason);
    }

    ReleaseResult run() {
        return guarded(() -> {
            enter(new JournalState.Started(request.pullRequest(), request.databaseMigration(), request.environment(),
                    request.rollForwardOnly(), request.firstRelease()));
            ops.emit(new ReleaseEvent.ReleaseStarted(ops.releaseId, ops.now(), ops.app(), request.pullRequest()));
            log.info("release {}: promoting pull request #{} of {} to {}", ops.releaseId, request.pullRequest(),
                    ops.config.ci().repository(), ops.app());
            return promote();
        });
    }

    /**
     * Moves the release to {@code state}: journals it, with the record as it stands (so that a release resumed from
     * here keeps everything the stopped process had observed and decided), before the step that follows acts.
     *
     * @throws ReleaseOps.JournalWriteFailed if it cannot be journaled: the release stops before its next side effect
     */
    private void enter(JournalState state) {
        ops.transition(state, Optional.of(record.build()));
    }

    /**
     * Journals a state on the way out (a rollback, the end): a failure is recorded in the evidence and the release
     * goes on, because leaving production safe comes first.
     */
    private void enterSafely(JournalState state) {
        try {
            enter(state);
        } catch (ReleaseOps.JournalWriteFailed e) {
            String note = "the journal could not be written (" + state.name() + "): " + e.getMessage()
                    + "; the release went on to leave production safe";
            record.note(note);
            ops.warn(note);
        }
    }

    /**
     * Runs {@code body} (the release) so that whatever it throws leaves production safe: a failure or an interrupt
     * stops it through {@link #recoverFromFailure} (a rollback once traffic moved), and an {@link Error} gets the
     * same treatment, recorded, then propagates. A lost lock ({@link LockLostException}) is the exception: the
     * release stops where it is, with no further side effect, and the exception propagates.
     */
    private ReleaseResult guarded(java.util.function.Supplier<ReleaseResult> body) {
        try {
            return body.get();
        } catch (LockLostException e) {
            // Fenced off: another owner holds the lock and finishes the release (a rollback included); a second
            // process acting on the same app would fight it. No side effect, no record: only the caller is told.
            throw e;
        } catch (RuntimeException e) {
            if (finishing) {
                throw e; // the outcome was decided and is being recorded: never decided a second time
            }
            return recoverFromFailure(e);
        } catch (Error e) {
            if (finishing) {
                throw e;
            }
            try {
                recoverFromFailure(e);
            } catch (Throwable during) {
                e.addSuppressed(during);
            }
            throw e;
        }
    }

    /**
     * Finishes a release whose process stopped, from its journal: never repeats a merge or a traffic shift that
     * happened (each step first looks at what is in place), finishes a rollback that had started, and re-runs
     * from the gates a release that had not merged yet.
     */
    ReleaseResult resume(ResumePoint point) {
        resumed = true;
        hooks = new HookRunner(ops, point.hooks());
        return guarded(() -> {
            ops.emit(new ReleaseEvent.ReleaseStarted(ops.releaseId, ops.now(), ops.app(), request.pullRequest()));
            String note = "resumed after the previous process stopped at " + point.lastState() + " (journal entry "
                    + point.lastSequence() + ", written at " + point.lastAt() + ") by " + ops.config.host()
                    + " at " + ops.now();
            record.note(note);
            log.warn("release {}: {}", ops.releaseId, SafeText.line(note));
            enter(new JournalState.Resumed(point.lastState()));
            PullRequest pr = ops.ci("pullRequest(#" + request.pullRequest() + ")",
                    c -> c.pullRequest(request.pullRequest()));
            TrafficWeights traffic = ops.readTraffic(true).weights();
            ResumeDecision decision = ResumeDecision.decide(point, pr, traffic, () -> ops.listRevisions(true));
            log.warn("release {}: {}", ops.releaseId, SafeText.line(decision.why()));
            if (decision instanceof ResumeDecision.RerunFromGates) {
                return promote();
            }
            record.note(decision.why());
            pullRequest = pr;
            record.pullRequest(pr.number(), pr.url()).pullRequestTitle(pr.title())
                    .headSha(point.headSha().orElse(pr.headSha()));
            deploymentId = point.deploymentId();
            if (decision instanceof ResumeDecision.RollBack rb) {
                pr.mergeCommitSha().ifPresent(record::mergeCommitSha);
                setStable(rb.stable());
                rb.from().ifPresent(r -> {
                    newRevision = r;
                    record.newRevision(r);
                });
                return rollBack(rb.reason(), Optional.empty());
            }
            if (point.snapshot().isEmpty()) {
                record.gates(point.gates());
                if (point.postMerge()) {
                    record.mode(ReleaseRecord.Mode.POST_MERGE);
                }
            }
            setStable(point.stable().orElseThrow(() -> new IllegalStateException(
                    "the journal names no stable revision")));
            point.newRevision().ifPresent(r -> {
                newRevision = r;
                record.newRevision(r);
            });
            if (decision instanceof ResumeDecision.FinishRollback f) {
                return rollBack("resumed rollback: " + f.reason(), Optional.empty());
            }
            java.util.Set<Integer> passed = ((ResumeDecision.GoOn) decision).passedWeights();
            // A merge that deploys nothing finishes at once; one that deploys goes on with the steps not yet passed.
            java.util.function.Function<String, ReleaseResult> then = nothingToDeploy()
                    ? this::finishNothingToDeploy : mergeSha -> afterMerge(mergeSha, passed);
            Optional<String> mergeSha = point.mergeSha();
            boolean mergedSinceJournaled = mergeSha.isEmpty() && pullRequest.state() == PullRequest.State.MERGED
                    && pullRequest.mergeCommitSha().isPresent();
            if (mergedSinceJournaled) {
                mergeSha = pullRequest.mergeCommitSha();
            }
            if (mergeSha.isEmpty()) {
                return mergeThen(point.headSha().get(), then);
            }
            record.mergeCommitSha(mergeSha.get());
            if (mergedSinceJournaled) {
                enter(new JournalState.Merged(mergeSha.get()));
            }
            return then.apply(mergeSha.get());
        });
    }

    private ReleaseResult promote() {
        List<GateResult> gates = evaluateGates();
        record.gates(gates);
        if (mergedBeforeRelease()) {
            return promoteMergedPullRequest(gates);
        }
        List<GateResult> failed = gates.stream().filter(g -> !g.passed()).toList();
        if (!failed.isEmpty()) {
            record.note(failed.size() + " gate" + (failed.size() == 1 ? "" : "s")
                    + " did not pass; nothing was merged or changed");
            return finish(ReleaseOutcome.GATES_FAILED, Optional.empty());
        }
        Optional<ReleaseResult> stopped = gatesPassed(gates, "before the merge", "nothing was changed");
        if (stopped.isPresent()) {
            return stopped.get();
        }
        Optional<ReleaseResult> vetoed = beforeMerge();
        if (vetoed.isPresent()) {
            return vetoed.get();
        }
        if (nothingToDeploy()) {
            return mergeThen(pullRequest.headSha(), this::finishNothingToDeploy);
        }
        return mergeAndDeploy(pullRequest.headSha());
    }

    /**
     * Journals that the gates passed, with each verdict; then, if a stop was asked for meanwhile, ends the release
     * as aborted, saying it stopped {@code when} and {@code changed}.
     */
    private Optional<ReleaseResult> gatesPassed(List<GateResult> gates, String when, String changed) {
        enter(new JournalState.GatesPassed(gates));
        if (migrationVerdict != null && migrationVerdict.migration()) {
            enter(new JournalState.MigrationJudged(true, rollForwardOnly, migrationVerdict.reason()));
        }
        return ops.stopRequested().map(stop -> {
            record.note("stopped " + when + ": " + stop + "; " + changed);
            return finish(ReleaseOutcome.ABORTED, Optional.empty());
        });
    }

    /**
     * True when the deploy-filter check found that the merge starts no deploy run. Its answer is recorded with the
     * gates, so that a resumed release knows what its merge deploys.
     */
    private boolean nothingToDeploy() {
        return record.deployMatch().map(m -> !m.deploys()).orElse(false);
    }

    /**
     * Finishes a release whose merge starts no deploy run: no deployment record, no deploy run awaited, no traffic
     * change.
     */
    private ReleaseResult finishNothingToDeploy(String mergeSha) {
        io.releasepipeline.spi.DeployMatch match = record.deployMatch().orElseThrow();
        String changed = DeployCheck.files(match);
        record.note("merged as " + shortSha(mergeSha) + " with nothing to deploy: " + match.reason()
                + (changed.isEmpty() ? "" : " (changed: " + changed + ")") + "; filter: " + match.filter()
                + ". No deploy run was awaited and no deployment record created; traffic was not touched ("
                + stable + " served 100% when the gates ran).");
        return finish(ReleaseOutcome.NOTHING_TO_DEPLOY, Optional.empty());
    }

    /** True when the pull request was merged before this release (post-merge). */
    private boolean mergedBeforeRelease() {
        return pullRequest != null && pullRequest.state() == PullRequest.State.MERGED;
    }

    /**
     * Post-merge: the pull request was merged before the release (in GitHub's UI, branch protection doing the
     * checks), so the release picks up at its merge commit's deploy run. The gates were evaluated and are recorded,
     * but they could not stop the merge: a failing gate ends the release with {@link ReleaseOutcome#GATES_FAILED}
     * before any traffic moves (the new revision gets none), says on the pull request that the merge had already
     * happened, and leaves reverting or fixing forward to people.
     */
    private ReleaseResult promoteMergedPullRequest(List<GateResult> gates) {
        record.mode(ReleaseRecord.Mode.POST_MERGE);
        Optional<String> merge = pullRequest.mergeCommitSha();
        merge.ifPresent(record::mergeCommitSha);
        String mergedAs = merge.map(sha -> " as " + shortSha(sha)).orElse("");
        record.note("post-merge: pull request #" + pullRequest.number() + " was merged" + mergedAs + " before this "
                + "release, so its gates were evaluated and recorded but could not stop the merge");
        List<GateResult> failed = gates.stream().filter(g -> !g.passed()).toList();
        if (!failed.isEmpty()) {
            String note = failed.size() + " gate" + (failed.size() == 1 ? "" : "s") + " did not pass after the merge ("
                    + failed.stream().map(GateResult::gate).collect(java.util.stream.Collectors.joining(", "))
                    + "): no traffic was moved to the new revision"
                    + (stable != null ? "; production still serves " + stable : "")
                    + ". The merge is on " + pullRequest.baseRef() + ": revert it or fix forward, then release again";
            record.note(note);
            ReleaseResult result = finish(ReleaseOutcome.GATES_FAILED, Optional.empty());
            evidence.postGatesFailedAfterMergeNote(pullRequest.number(), ops.releaseId, failed, note,
                    result.evidenceLocation());
            return result;
        }
        String mergeSha = merge.orElseThrow();
        if (!ops.config.hooks().at(io.releasepipeline.hook.HookPoint.BEFORE_MERGE).isEmpty()) {
            record.note("post-merge: the BEFORE_MERGE hooks were not run, since the pull request was merged before "
                    + "the release");
        }
        Optional<ReleaseResult> stopped = gatesPassed(gates, "before any traffic moved",
                "production still serves " + stable);
        if (stopped.isPresent()) {
            return stopped.get();
        }
        if (nothingToDeploy()) {
            return finishNothingToDeploy(mergeSha);
        }
        adoptRevisionTheDeployAlreadyServes(mergeSha);
        enter(new JournalState.MergedBeforeRelease(pullRequest.headSha(), stable, mergeSha,
                Optional.ofNullable(newRevision)));
        log.info("release {}: pull request #{} was merged as {} before the release; going on from its deploy run",
                ops.releaseId, pullRequest.number(), SafeText.line(shortSha(mergeSha)));
        return afterMerge(mergeSha, java.util.Set.of());
    }

    /**
     * Post-merge, the deploy may already have moved every request to the merge commit's revision (single revision
     * mode, or a deploy that sends traffic to the latest revision) before the release started. Then the serving
     * revision is the new one, not the stable one: the release observes it where it is, with the previous good
     * revision as the rollback target. Recognized by the revision's image naming the merge commit.
     */
    private void adoptRevisionTheDeployAlreadyServes(String mergeSha) {
        List<Revision> revisions = ops.listRevisions(false);
        Optional<Revision> serving = revisions.stream().filter(r -> r.name().equals(stable)).findFirst();
        boolean deployed = serving.flatMap(Revision::image)
                .map(i -> i.contains(mergeSha) || i.contains(shortSha(mergeSha))).orElse(false);
        if (!deployed) {
            return;
        }
        AppTraffic traffic = ops.readTraffic(false);
        String previous = io.releasepipeline.RollbackTargets.previous(traffic, () -> revisions, ops.recentReleases())
                .orElseThrow(() -> new IllegalStateException("the deploy already moved all traffic to " + stable
                        + " (the merge commit's revision) and no earlier revision is left to roll back to"));
        String note = "the deploy had already moved all traffic to " + stable + " (the merge commit's revision) "
                + "before the release started; it is observed where it is, with " + previous
                + " as the rollback target";
        record.note(note);
        log.warn("release {}: {}", ops.releaseId, SafeText.line(note));
        newRevision = stable;
        record.newRevision(stable);
        setStable(previous);
    }

    /** Merges, pinned to the head the gates judged, then goes on. */
    private ReleaseResult mergeAndDeploy(String headSha) {
        return mergeThen(headSha, mergeSha -> afterMerge(mergeSha, java.util.Set.of()));
    }

    /**
     * Merges, pinned to the head the gates judged, journaled before and after; then goes on with {@code then} and the
     * merge commit. A refused merge ends the release as aborted, nothing changed.
     */
    private ReleaseResult mergeThen(String headSha, java.util.function.Function<String, ReleaseResult> then) {
        enter(new JournalState.Merging(headSha, stable));
        String mergeSha;
        try {
            mergeSha = ops.ci("merge(#" + pullRequest.number() + ")", c -> c.merge(pullRequest.number(), headSha));
        } catch (MergeRefusedException e) {
            record.note("merge refused (" + e.reason() + "): " + e.getMessage() + "; nothing was changed");
            return finish(ReleaseOutcome.ABORTED, Optional.empty());
        }
        record.mergeCommitSha(mergeSha);
        ops.emit(new ReleaseEvent.Merged(ops.releaseId, ops.now(), pullRequest.number(), mergeSha));
        enter(new JournalState.Merged(mergeSha));
        return then.apply(mergeSha);
    }

    /** The deploy run, the new revision and each traffic step not yet passed. */
    private ReleaseResult afterMerge(String mergeSha, java.util.Set<Integer> passedWeights) {
        if (deploymentId.isEmpty()) {
            enter(new JournalState.CreatingDeployment(mergeSha));
            deploymentId = evidence.createDeployment(mergeSha, request.environment());
            deploymentId.ifPresent(id -> enter(new JournalState.Deployment(id)));
        }

        // The deploy run builds the image and creates the new revision.
        Optional<String> deployProblem = awaitDeployRun(mergeSha);
        // The deploy is the one actor besides this release that changes the app (Single revision mode moves all
        // traffic; a latestRevision entry follows the new revision): what was read before it is read again.
        ops.forgetTraffic();
        if (deployProblem.isPresent()) {
            return stopWithoutPromotion(deployProblem.get());
        }
        Optional<String> revisionProblem = awaitNewRevision(mergeSha);
        if (revisionProblem.isPresent()) {
            return stopWithoutPromotion(revisionProblem.get());
        }

        SmokeTarget target = new SmokeTarget(newRevision, newRevisionState.url());
        for (TrafficStep step : ops.config.trafficPlan().steps(ops.config.observationWindow())) {
            if (passedWeights.contains(step.weight())) {
                continue;
            }
            if (ops.config.trafficPlan().approvalBefore().contains(step.weight())) {
                ApprovalOutcome approval = awaitApproval(step.weight(), mergeSha, target);
                if (approval instanceof ApprovalOutcome.Fired f) {
                    return rollBack(f.verdict().toString(), Optional.of(f.verdict()));
                }
                if (approval instanceof ApprovalOutcome.Refused r) {
                    return stopWithoutPromotion(r.reason());
                }
            }
            if (record.baseline().isEmpty() && record.firstTrafficChangeAt().isEmpty()) {
                // Before traffic first moves, journaled with the shift: a resumed release keeps this one.
                Baselines.measure(ops, stable, record).ifPresent(record::baseline);
            }
            enter(new JournalState.Shifting(step.weight(), stable, newRevision));
            Optional<String> shiftProblem = shift(step.weight());
            if (shiftProblem.isPresent()) {
                return rollBack(shiftProblem.get(), Optional.empty());
            }
            enter(new JournalState.Observing(step.weight()));
            StepObservation observation = new StepObservation(ops, target, step.weight(), step.observe(),
                    Optional.of(stable), record.firstTrafficChangeAt().orElse(ops.now()), sampleBudget());
            StepObservation.Outcome outcome;
            try {
                outcome = observation.run();
            } finally {
                observation.findings().recordInto(record);
            }
            if (outcome instanceof StepObservation.Outcome.Fired f) {
                return rollBack(f.verdict().toString(), Optional.of(f.verdict()));
            }
            if (outcome instanceof StepObservation.Outcome.Stopped s) {
                TriggerVerdict manual = new TriggerVerdict(Triggers.MANUAL, TriggerState.FIRING, s.reason(), ops.now());
                record.verdict(manual);
                ops.emit(new ReleaseEvent.TriggerFired(ops.releaseId, manual.at(), manual));
                return rollBack("manual rollback: " + s.reason(), Optional.of(manual));
            }
            enter(new JournalState.StepPassed(step.weight()));
        }
        runAfter(io.releasepipeline.hook.HookPoint.AFTER_PROMOTION, Optional.empty());
        finalStatus(DeploymentState.SUCCESS, "promoted " + newRevision);
        return finish(ReleaseOutcome.PROMOTED, Optional.empty());
    }

    /** How many more samples the record may keep. */
    private int sampleBudget() {
        return Math.max(0, io.releasepipeline.evidence.Samples.MAX_SAMPLES - record.sampleCount());
    }

    /**
     * Asks for approval of the step to {@code weight}% and waits, on the clock, for a decision or the timeout.
     * While it waits, the step in place (if traffic has moved) goes on being watched with every trigger armed, so
     * a revision that goes bad during a long wait is rolled back, never approved into more traffic.
     */
    private ApprovalOutcome awaitApproval(int weight, String mergeSha, SmokeTarget target) {
        TrafficWeights now = ops.trafficQuietly().orElse(null);
        io.releasepipeline.spi.ApprovalRequest question = new io.releasepipeline.spi.ApprovalRequest(ops.releaseId,
                ops.app(), newRevision, weight, "Release " + ops.releaseId + " of " + ops.app() + ": may " + newRevision
                        + " go to " + weight + "%? Traffic now: " + now + ". Verdicts so far: "
                        + record.build().verdicts().stream().map(v -> v.trigger() + " " + v.state()).toList(),
                Optional.of(mergeSha));
        Instant asked = ops.now();
        Instant deadline = asked.plus(ops.config.approvalTimeout());
        enter(new JournalState.AwaitingApproval(weight));
        ops.approvals("request(" + weight + "%)", a -> {
            a.request(question);
            return null;
        });
        ops.emit(new ReleaseEvent.Waiting(ops.releaseId, asked, "approval to go to " + weight + "%", deadline));
        ApprovalWaiter waiter = new ApprovalWaiter(ops, record, this::enter, weight, question, asked, deadline);
        int moved = now == null ? 0 : now.weightOf(newRevision);
        if (moved > 0) {
            StepObservation observation = new StepObservation(ops, target, moved, ops.config.approvalTimeout(),
                    Optional.of(stable), record.firstTrafficChangeAt().orElse(asked), sampleBudget());
            StepObservation.Outcome watched;
            try {
                watched = observation.runUntil(waiter);
            } finally {
                observation.findings().recordInto(record);
            }
            if (watched instanceof StepObservation.Outcome.Fired f) {
                return new ApprovalOutcome.Fired(f.verdict());
            }
            if (watched instanceof StepObservation.Outcome.Stopped st) {
                return new ApprovalOutcome.Refused("stopped while waiting for approval: " + st.reason());
            }
        } else {
            while (!waiter.check(ops.now())) {
                Optional<String> stop = ops.stopRequested();
                if (stop.isPresent()) {
                    return new ApprovalOutcome.Refused("stopped while waiting for approval: " + stop.get());
                }
                ops.sleepUntil(waiter.nextCheck());
            }
        }
        return waiter.outcome();
    }

    private List<GateResult> evaluateGates() {
        List<GateResult> results = new ArrayList<>();
        try {
            pullRequest = ops.ci("pullRequest(#" + request.pullRequest() + ")",
                    c -> c.pullRequest(request.pullRequest()));
        } catch (ProviderException e) {
            results.add(GateResult.error("pull-request", "could not read pull request #" + request.pullRequest()
                    + ": " + e.getMessage()));
            return results;
        }
        record.pullRequest(pullRequest.number(), pullRequest.url()).pullRequestTitle(pullRequest.title())
                .headSha(pullRequest.headSha());
        judgeMigration().ifPresent(results::add);
        Checklist checklist = Checklist.evaluate(ops, rollForwardOnly ? request.withRollForwardOnly() : request,
                pullRequest, this::setStable);
        checklist.deploy().match().ifPresent(record::deployMatch);
        results.addAll(checklist.results());
        try {
            record.approvers(checklist.round().approvers());
        } catch (ProviderException e) {
            // The reviews gate already reports this failure.
        }
        for (GateResult r : results) {
            ops.emit(new ReleaseEvent.GateEvaluated(ops.releaseId, ops.now(), r));
        }
        boolean passed = results.stream().allMatch(GateResult::passed);
        ops.emit(new ReleaseEvent.GatesEvaluated(ops.releaseId, ops.now(), passed, results));
        return results;
    }

    /**
     * Judges whether the release carries a database migration (declared, changed files, labels) and records why; a
     * migration release without a migration-rollback hook becomes roll-forward-only when the policy says so. A
     * gate-like ERROR when the changed files cannot be read: the release does not guess.
     */
    private Optional<GateResult> judgeMigration() {
        io.releasepipeline.migration.MigrationDetection detection = ops.config.migrations();
        Optional<io.releasepipeline.spi.ChangedFiles> files = Optional.empty();
        if (detection.readsFiles()) {
            int number = pullRequest.number();
            try {
                files = Optional.of(ops.ci("changedFiles(#" + number + ")", c -> c.changedFiles(number)));
            } catch (ProviderException e) {
                return Optional.of(GateResult.error(MIGRATION_CHECK, "could not read the changed files of #" + number
                        + " to judge whether it carries a database migration: " + e.getMessage()
                        + "; nothing was changed"));
            }
        }
        io.releasepipeline.evidence.MigrationVerdict verdict = detection.judge(request.databaseMigration(),
                pullRequest.labels(), files, !ops.config.hooks().migrationRollback().isEmpty());
        migrationVerdict = verdict;
        record.migration(verdict);
        databaseMigration = verdict.migration();
        rollForwardOnly = request.rollForwardOnly() || verdict.rollForwardOnly();
        if (verdict.migration()) {
            log.warn("release {}: {}", ops.releaseId, SafeText.line(verdict.reason()));
        }
        return Optional.empty();
    }

    /** The name of the gate-like verdict when the migration check cannot tell. */
    static final String MIGRATION_CHECK = "migrations";

    /** The context of hook {@code deliveryId} at {@code point}. */
    private io.releasepipeline.hook.HookContext hookContext(io.releasepipeline.hook.HookPoint point,
            String deliveryId, Optional<String> reason) {
        ReleaseRecord r = record.build();
        return new io.releasepipeline.hook.HookContext(point, deliveryId, ops.releaseId, ops.app(),
                request.environment(), Optional.of(request.pullRequest()), r.mergeCommitSha().or(r::headSha),
                Optional.ofNullable(stable), Optional.ofNullable(newRevision), reason, databaseMigration,
                Optional.empty());
    }

    /**
     * Runs the BEFORE_MERGE hooks: each one's result is recorded as a gate verdict ({@code hook:<name>}), so that a
     * hook that says no ends the release like a failed gate and one that could not run like a gate that could not
     * be evaluated. Empty when every hook passed (or there is none).
     */
    private Optional<ReleaseResult> beforeMerge() {
        List<io.releasepipeline.hook.ReleaseHook> before = ops.config.hooks().at(
                io.releasepipeline.hook.HookPoint.BEFORE_MERGE);
        if (before.isEmpty()) {
            return Optional.empty();
        }
        List<io.releasepipeline.evidence.HookRun> runs = hooks.run(io.releasepipeline.hook.HookPoint.BEFORE_MERGE,
                before, false, id -> hookContext(io.releasepipeline.hook.HookPoint.BEFORE_MERGE, id,
                        Optional.empty()), HookRunner.Mode.VETO);
        HookRunner.recordInto(record, runs);
        List<GateResult> verdicts = runs.stream().map(r -> switch (r.status()) {
            case SUCCEEDED -> GateResult.pass("hook:" + r.name(), r.summary());
            case FAILED -> GateResult.fail("hook:" + r.name(), "pre-merge hook vetoed the release: " + r.summary());
            case ERROR -> GateResult.error("hook:" + r.name(), "pre-merge hook could not run: " + r.summary());
        }).toList();
        record.gates(verdicts);
        verdicts.forEach(v -> ops.emit(new ReleaseEvent.GateEvaluated(ops.releaseId, ops.now(), v)));
        List<GateResult> failed = verdicts.stream().filter(g -> !g.passed()).toList();
        if (!failed.isEmpty()) {
            record.note("the pre-merge hook " + failed.get(0).gate().substring("hook:".length()) + " "
                    + (failed.get(0).status() == io.releasepipeline.evidence.GateStatus.ERROR ? "could not run"
                            : "vetoed the release") + "; nothing was merged or changed");
            return Optional.of(finish(ReleaseOutcome.GATES_FAILED, Optional.empty()));
        }
        return ops.stopRequested().map(stop -> {
            record.note("stopped before the merge: " + stop + "; nothing was changed");
            return finish(ReleaseOutcome.ABORTED, Optional.empty());
        });
    }

    /**
     * Runs the hooks of a point after which nothing is decided by them (AFTER_PROMOTION, ON_FREEZE): a failure is
     * recorded and warned, the outcome stays.
     */
    private void runAfter(io.releasepipeline.hook.HookPoint point, Optional<String> reason) {
        List<io.releasepipeline.hook.ReleaseHook> at = ops.config.hooks().at(point);
        if (at.isEmpty()) {
            return;
        }
        List<io.releasepipeline.evidence.HookRun> runs = hooks.run(point, at, false,
                id -> hookContext(point, id, reason), HookRunner.Mode.SAFETY);
        HookRunner.recordInto(record, runs);
        hooks.takeNotes().forEach(record::note);
        for (io.releasepipeline.evidence.HookRun r : runs) {
            if (!r.succeeded()) {
                String note = "the " + point + " hook " + r.name() + " " + r.status() + ": " + r.summary()
                        + "; the outcome stands";
                record.note(note);
                ops.warn(note);
            }
        }
    }

    private void setStable(String revision) {
        this.stable = revision;
        record.previousRevision(revision);
    }

    /** Polls for the deploy run of the merge commit and waits for it to complete; empty when it succeeded. */
    private Optional<String> awaitDeployRun(String mergeSha) {
        Instant deadline = ops.now().plus(ops.config.deployTimeout());
        ops.emit(new ReleaseEvent.Waiting(ops.releaseId, ops.now(), "the deploy run of " + shortSha(mergeSha),
                deadline));
        DeployRun run = null;
        while (true) {
            Optional<String> stop = ops.stopRequested();
            if (stop.isPresent()) {
                return Optional.of("stopped while waiting for the deploy run: " + stop.get());
            }
            DeployRun seen;
            if (run == null) {
                seen = ops.ci("findDeployRun(" + shortSha(mergeSha) + ")", c -> c.findDeployRun(mergeSha))
                        .orElse(null);
            } else {
                String id = run.id();
                seen = ops.ci("deployRun(" + id + ")", c -> c.deployRun(id));
            }
            if (seen != null && (run == null || seen.status() != run.status())) {
                ops.emit(new ReleaseEvent.DeployRunUpdated(ops.releaseId, ops.now(), seen));
                record.deployRun(seen);
            }
            if (seen != null) {
                run = seen;
                record.deployRun(run);
                if (run.isCompleted()) {
                    if (run.succeeded()) {
                        enter(new JournalState.Deployed(run.id()));
                        return Optional.empty();
                    }
                    return Optional.of("the deploy run " + run.url() + " ended "
                            + run.conclusion().map(c -> c.name().toLowerCase()).orElse("without a conclusion"));
                }
            }
            if (!ops.now().isBefore(deadline)) {
                return Optional.of(run == null
                        ? "no deploy run started for " + shortSha(mergeSha) + " within "
                                + Format.duration(ops.config.deployTimeout())
                        : "the deploy run " + run.url() + " did not complete within "
                                + Format.duration(ops.config.deployTimeout()) + " (last seen " + run.status() + ")");
            }
            ops.sleep(ops.config.deployPollInterval());
        }
    }

    /** Finds the revision the deploy created and waits until it is ready; empty when it is. */
    private Optional<String> awaitNewRevision(String mergeSha) {
        Instant deadline = ops.now().plus(ops.config.revisionReadyTimeout());
        ops.emit(new ReleaseEvent.Waiting(ops.releaseId, ops.now(), "the new revision to become ready", deadline));
        Revision last = null;
        while (true) {
            Optional<String> stop = ops.stopRequested();
            if (stop.isPresent()) {
                return Optional.of("stopped while waiting for the new revision: " + stop.get());
            }
            if (newRevision == null) {
                List<Revision> revisions = ops.listRevisions(false);
                Optional<Revision> found = newest(revisions, mergeSha);
                if (found.isPresent()) {
                    newRevision = found.get().name();
                    record.newRevision(newRevision);
                    enter(new JournalState.NewRevision(newRevision));
                    last = found.get();
                }
            } else {
                String name = newRevision;
                last = ops.readRevision(name, false).orElse(null);
            }
            if (last != null) {
                if (last.isReady()) {
                    newRevisionState = last;
                    ops.emit(new ReleaseEvent.RevisionReady(ops.releaseId, ops.now(), last.name()));
                    return Optional.empty();
                }
                if (last.hasFailed()) {
                    return Optional.of("the new revision " + last.name() + " failed (provisioning "
                            + last.provisioning() + ", running " + last.running() + ")");
                }
            }
            if (!ops.now().isBefore(deadline)) {
                return Optional.of(last == null
                        ? "no new revision appeared within " + Format.duration(ops.config.revisionReadyTimeout())
                                + " of the deploy run's success"
                        : "the new revision " + last.name() + " was not ready within "
                                + Format.duration(ops.config.revisionReadyTimeout()) + " (active " + last.active()
                                + ", provisioning " + last.provisioning() + ", running " + last.running()
                                + ", health " + last.health() + ")");
            }
            ops.sleep(ops.config.revisionPollInterval());
        }
    }

    /**
     * The revision this release deployed: one whose image names the merge commit if the platform reports images,
     * else the newest revision created after the stable one.
     */
    private Optional<Revision> newest(List<Revision> revisions, String mergeSha) {
        Optional<Revision> byImage = revisions.stream()
                .filter(r -> r.image().map(i -> i.contains(mergeSha) || i.contains(shortSha(mergeSha))).orElse(false))
                .max(Comparator.comparing(Revision::createdAt));
        if (byImage.isPresent()) {
            return byImage;
        }
        Instant stableCreated = revisions.stream().filter(r -> r.name().equals(stable)).map(Revision::createdAt)
                .findFirst().orElse(Instant.MIN);
        return revisions.stream().filter(r -> !r.name().equals(stable) && r.createdAt().isAfter(stableCreated))
                .max(Comparator.comparing(Revision::createdAt));
    }

    /**
     * Moves the new revision to {@code weight}%, confirmed by the platform's answer (read back only when it differs).
     * The split it starts from is what the release knows: read after the deploy run (which may have moved traffic
     * itself), then each step's confirmation. Empty when the split is in place.
     */
    private Optional<String> shift(int weight) {
        TrafficWeights target = TrafficWeights.split(stable, newRevision, weight);
        AppTraffic before = ops.traffic(false);
        if (before.weights().withoutZeros().equals(target)) {
            boolean recorded = record.lastTrafficChange().map(c -> c.to().withoutZeros().equals(target))
                    .orElse(false);
            if (!recorded) {
                // Single revision mode moves traffic with the deploy; a resumed release may find its shift done.
                TrafficWeights from = record.lastTrafficChange().map(c -> c.to()).orElse(TrafficWeights.all(stable));
                recordShift(from, before.weights(), weight, from.withoutZeros().equals(TrafficWeights.all(stable))
                        && weight == 100 && !resumed ? "moved by the deploy (single revision mode)"
                                : "step to " + weight + "% (found in place)");
            }
            return Optional.empty();
        }
        // isReady() implies active when the revision was found ready; activate only one that is not.
        if (!newRevisionState.active()) {
            ops.activate(newRevision, false);
        }
        AppTraffic after = ops.setTraffic(target, false);
        if (!after.weights().withoutZeros().equals(target)) {
            return Optional.of("the platform reports " + after.weights() + " after setting " + target);
        }
        recordShift(before.weights(), after.weights(), weight, "step to " + weight + "%");
        return Optional.empty();
    }

    private void recordShift(TrafficWeights from, TrafficWeights to, int weight, String reason) {
        Instant at = ops.now();
        record.traffic(new TrafficChange(at, from, to, reason));
        ops.emit(new ReleaseEvent.TrafficShifted(ops.releaseId, at, from, to, reason));
    }

    /**
     * The deploy run or the new revision did not work out. If traffic is still all on the stable revision, nothing
     * needs undoing; otherwise (single revision mode moves traffic by itself) roll back.
     */
    private ReleaseResult stopWithoutPromotion(String problem) {
        ops.safetyFirst();
        Optional<TrafficWeights> now = ops.readTrafficQuietly();
        if (now.isPresent() && now.get().withoutZeros().equals(TrafficWeights.all(stable))) {
            record.note(problem + "; production still serves " + stable + " (untouched). The merge is on "
                    + pullRequest.baseRef() + ": revert it or fix forward.");
            finalStatus(DeploymentState.ERROR, problem);
            return finish(ReleaseOutcome.ABORTED, Optional.empty());
        }
        return rollBack(problem, Optional.empty());
    }

    /**
     * Puts all traffic back on the stable revision (or freezes a roll-forward-only release). On a cancel (a stop
     * request or an interrupt) the smoke check of the stable revision is tried once instead of for the smoke
     * trigger's patience, so the rollback fits in the grace a CI runner gives a cancelled job.
     */
    private ReleaseResult rollBack(String reason, Optional<TriggerVerdict> trigger) {
        ops.safetyFirst();
        if (rollForwardOnly) {
            return freeze(reason, trigger);
        }
        boolean cancelled = ops.stopRequested().isPresent();
        List<HookRunner.RollbackHooks> ran = new java.util.ArrayList<>();
        RollbackProcedure.Result rolledBack = new RollbackProcedure(ops, () -> Optional.of(record.build()))
                .afterTraffic((succeeded, after) -> {
                    HookRunner.RollbackHooks rh = hooks.onRollback(ops.config.hooks(), databaseMigration, after,
                            stable, id -> hookContext(io.releasepipeline.hook.HookPoint.ON_ROLLBACK, id, Optional.of(
                                    (succeeded ? "rolled back to " : "rollback FAILED to ") + stable + ": " + reason)));
                    ran.add(rh);
                    return rh.failure();
                })
                .run(reason, trigger, Optional.ofNullable(newRevision), stable,
                        databaseMigration && ops.config.hooks().migrationRollback().isEmpty(), cancelled);
        rolledBack.recordInto(record);
        ran.forEach(rh -> rh.recordInto(record));
        RollbackDetails details = rolledBack.details();
        Optional<TrafficWeights> after = rolledBack.trafficAfter();
        RollbackResult partial = new RollbackResult(ops.releaseId, details, after, Optional.empty());
        ReleaseOutcome outcome = partial.outcome();
        finalStatus(DeploymentState.FAILURE, (outcome == ReleaseOutcome.ROLLED_BACK_NOT_RECOVERED
                ? "rolled back, NOT RECOVERED (" + details.recovery().flatMap(Recovery::lastReading)
                        .orElse("error rate still high") + "): "
                : outcome == ReleaseOutcome.ROLLED_BACK_HOOK_FAILED ? "rolled back, a rollback hook FAILED"
                        + (details.notRecovered().isPresent() ? " and NOT RECOVERED: " : ": ")
                : "rolled back: ") + reason);
        return finish(outcome, Optional.of(partial));
    }

    /**
     * A roll-forward-only release went bad: hold traffic where it is, say so loudly everywhere, and let people roll
     * forward. Nothing is moved back.
     */
    private ReleaseResult freeze(String reason, Optional<TriggerVerdict> trigger) {
        Optional<TrafficWeights> now = ops.readTrafficQuietly();
        String note = "FROZEN: this release is roll-forward-only, so traffic was held at "
                + now.map(Object::toString).orElse("(could not be read)") + " instead of rolling back: " + reason
                + ". Roll forward with a fix.";
        record.note(note);
        log.error("release {}: {}", ops.releaseId, SafeText.line(note));
        ops.warn(note);
        runAfter(io.releasepipeline.hook.HookPoint.ON_FREEZE, Optional.of("frozen: " + reason));
        finalStatus(DeploymentState.FAILURE, "frozen: " + reason);
        ReleaseResult result = finish(ReleaseOutcome.FROZEN, Optional.empty());
        evidence.postFreezeNote(pullRequest != null ? Optional.of(pullRequest.number()) : Optional.empty(),
                ops.releaseId, note, trigger, result.evidenceLocation());
        return result;
    }

    /**
     * Something stopped the release unexpectedly (a failure, a journal write that failed, an interrupt, an
     * {@link Error}): never leave traffic off the stable revision because of it. Before the merge nothing changed
     * and the release ends aborted; after it, traffic all on the stable revision means nothing to undo (aborted,
     * the merge left for people); anything else is rolled back.
     */
    private ReleaseResult recoverFromFailure(Throwable e) {
        ops.safetyFirst();
        if (e instanceof io.releasepipeline.error.ReleaseInterruptedException interrupted) {
            ops.interruptedBy(interrupted);
        }
        String problem;
        if (ops.wasInterrupted()) {
            problem = "cancelled: " + ReleaseOps.INTERRUPTED;
            log.warn("release {}: {}", ops.releaseId, problem);
        } else if (e instanceof ReleaseOps.JournalWriteFailed) {
            problem = e.getMessage() + "; stopped before the next step (write-ahead journal)";
            log.error("release {}: {}", ops.releaseId, SafeText.line(problem), SafeText.loggable(e));
        } else if (e instanceof Error) {
            problem = e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
            log.error("release {}: {} (rolled back if traffic moved, then rethrown)", ops.releaseId,
                    SafeText.line(problem), SafeText.loggable(e));
        } else {
            problem = e.getMessage() != null ? e.getMessage() : e.toString();
            log.error("release {}: failed", ops.releaseId, SafeText.loggable(e));
        }
        if (stable == null) {
            record.note("stopped: " + problem + "; nothing was changed");
            finalStatus(DeploymentState.ERROR, problem);
            return finish(ReleaseOutcome.ABORTED, Optional.empty());
        }
        Optional<TrafficWeights> now = ops.readTrafficQuietly();
        if (now.isPresent() && now.get().withoutZeros().equals(TrafficWeights.all(stable))) {
            boolean merged = record.build().mergeCommitSha().isPresent();
            record.note("stopped: " + problem + "; production still serves " + stable + " (untouched)"
                    + (merged ? ". The merge is on " + pullRequest.baseRef() + ": revert it or fix forward."
                            : "; nothing was changed"));
            finalStatus(DeploymentState.ERROR, problem);
            return finish(ReleaseOutcome.ABORTED, Optional.empty());
        }
        return rollBack("stopped: " + problem, Optional.empty());
    }

    /** The deployment record's last status, posted once the evidence is written so it can link to it. */
    private void finalStatus(DeploymentState state, String description) {
        this.finalState = state;
        this.finalDescription = description;
    }

    /**
     * Records how the release ended: journals FINISHING (before the deployment status and the pull-request note),
     * writes the evidence, posts them, journals FINISHED, logs one summary line. Runs with the interrupt cleared and
     * goes on when the journal cannot be written (that is noted in the evidence).
     */
    private ReleaseResult finish(ReleaseOutcome outcome, Optional<RollbackResult> rollback) {
        ops.safetyFirst();
        finishing = true;
        closing(() -> enterSafely(new JournalState.Finishing(outcome)));
        if (ops.wasInterrupted()) {
            record.note("cancelled: the release's thread was interrupted; "
                    + (outcome == ReleaseOutcome.ROLLED_BACK || outcome == ReleaseOutcome.ROLLED_BACK_HOOK_FAILED
                            ? "traffic was put back on " + stable
                            : "it stopped as " + outcome));
        }
        Instant at = ops.now();
        record.outcome(outcome).finishedAt(at);
        ReleaseRecord built = record.build();
        io.releasepipeline.backtest.Determinism replayable = selfCheck(built);
        // A mismatch adds its note to the record: only then is it built again.
        ReleaseRecord finalRecord = replayable.ok() ? built : record.build();
        Optional<String> location = closingValue(() -> evidence.write(finalRecord)).flatMap(l -> l);
        if (finalState != null) {
            closing(() -> evidence.deploymentStatus(deploymentId, finalState, finalDescription,
                    evidence.link(location)));
        }
        closing(() -> {
            try {
                ops.transition(new JournalState.Finished(outcome), Optional.empty());
            } catch (ReleaseOps.JournalWriteFailed e) {
                ops.warn(e.getMessage() + "; the evidence record says how the release ended");
            }
        });
        Optional<RollbackResult> rb = rollback.map(r -> new RollbackResult(r.releaseId(), r.details(),
                r.trafficAfter(), location));
        rb.ifPresent(r -> closing(() -> evidence.postIncidentNote(pullRequest != null
                ? Optional.of(pullRequest.number()) : Optional.empty(), r, location, finalRecord.hooks())));
        String summary = summary(outcome, finalRecord);
        if (outcome == ReleaseOutcome.PROMOTED || outcome == ReleaseOutcome.NOTHING_TO_DEPLOY) {
            log.info("release {}: {}", ops.releaseId, SafeText.line(summary));
        } else {
            log.warn("release {}: {}", ops.releaseId, SafeText.line(summary));
        }
        ops.emit(new ReleaseEvent.ReleaseFinished(ops.releaseId, ops.now(), outcome, summary));
        // Under test (assertions on), a record the replay does not reproduce fails the test that made it.
        assert replayable.ok() : replayable.detail();
        return new ReleaseResult(ops.releaseId, outcome, finalRecord, rb, location);
    }

    /**
     * Replays the record's samples through the policy recorded as live, as a backtest would: a verdict that does not
     * come back is a bug in the engine or the replay, noted in the record (its backtests will say so too) and
     * logged. Never stops the release from finishing.
     */
    private io.releasepipeline.backtest.Determinism selfCheck(ReleaseRecord soFar) {
        io.releasepipeline.backtest.Determinism d;
        try {
            d = io.releasepipeline.backtest.Backtest.verify(soFar);
        } catch (RuntimeException e) {
            d = new io.releasepipeline.backtest.Determinism(io.releasepipeline.backtest.Determinism.Status.MISMATCH,
                    "the replay threw " + e);
        }
        if (!d.ok()) {
            String note = "replay check: the recorded samples do not reproduce the recorded verdicts (a bug; please "
                    + "report it with this record): " + d.detail();
            record.note(note);
            ops.warn(note);
        }
        return d;
    }

    /**
     * One step of recording how the release ended, once the outcome is decided: an interrupt during it is a cancel
     * (remembered, the flag cleared so the next step can still be taken, restored at the boundary), and an
     * {@link Error} is kept and rethrown at the engine's boundary once every record is made. Neither re-decides the
     * outcome: a promoted release is never rolled back because its deployment status could not be posted.
     */
    private void closing(Runnable step) {
        closingValue(() -> {
            step.run();
            return null;
        });
    }

    private <T> Optional<T> closingValue(java.util.function.Supplier<T> step) {
        try {
            return Optional.ofNullable(step.get());
        } catch (io.releasepipeline.error.ReleaseInterruptedException e) {
            ops.interruptedBy(e);
        } catch (Error e) {
            log.error("release {}: {} while recording how it ended; going on, then rethrowing it", ops.releaseId,
                    SafeText.line(e.toString()));
            ops.deferError(e);
        }
        return Optional.empty();
    }

    private String summary(ReleaseOutcome outcome, ReleaseRecord r) {
        return switch (outcome) {
            case PROMOTED -> newRevision + " promoted (pull request #" + request.pullRequest() + ")";
            case GATES_FAILED -> "blocked by gates: " + r.gates().stream().filter(g -> !g.passed())
                    .map(GateResult::gate).toList();
            case ROLLED_BACK -> "rolled back to " + stable + ": " + r.rollback().map(RollbackDetails::reason)
                    .orElse("");
            case ROLLED_BACK_HOOK_FAILED -> "rolled back to " + stable + ", but a rollback hook FAILED: "
                    + r.hooks().stream().filter(h -> !h.succeeded()).map(h -> h.name() + " " + h.status())
                            .toList() + r.rollback().flatMap(RollbackDetails::notRecovered).map(rec -> ", and the "
                                    + "error rate did NOT RECOVER: " + rec.detail()).orElse("") + "; page someone";
            case ROLLED_BACK_NOT_RECOVERED -> "rolled back to " + stable + " but NOT RECOVERED, page someone: "
                    + r.rollback().flatMap(RollbackDetails::recovery).map(Recovery::detail).orElse("")
                    + "; rolled back because: " + r.rollback().map(RollbackDetails::reason).orElse("");
            case ROLLBACK_FAILED -> "ROLLBACK FAILED: " + r.rollback().flatMap(RollbackDetails::detail).orElse("")
                    + "; follow the runbook's manual rollback";
            case FROZEN -> "FROZEN (roll-forward-only): traffic held where it was; roll forward with a fix";
            case NOTHING_TO_DEPLOY -> "pull request #" + request.pullRequest() + " merged; nothing to deploy ("
                    + r.deployMatch().map(io.releasepipeline.spi.DeployMatch::filter).orElse("deploy filter")
                    + "), traffic untouched";
            // Listeners print the outcome before the summary ("ABORTED: ..."): the summary does not repeat it.
            default -> String.join("; ", r.notes());
        };
    }

    static String shortSha(String sha) {
        return sha.length() > 7 ? sha.substring(0, 7) : sha;
    }
}
