package io.releasepipeline.internal;

import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.RollbackRequest;
import io.releasepipeline.RollbackResult;
import io.releasepipeline.RollbackTargets;
import io.releasepipeline.UnknownTargetException;
import io.releasepipeline.error.ProviderException;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.Baseline;
import io.releasepipeline.evidence.JournalState;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.RollbackDetails;
import io.releasepipeline.hook.HookContext;
import io.releasepipeline.hook.HookPoint;
import io.releasepipeline.spi.AppTraffic;
import io.releasepipeline.spi.Revision;
import io.releasepipeline.spi.TrafficWeights;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The runbook's {@code rollback.sh} on its own: find the previous good revision (the evidence first, then the
 * platform's revision history), run the rollback procedure, record evidence, post the incident note. What it reads
 * to decide comes first: a provider that cannot be read, or a named revision that does not exist, stops it before
 * anything is journaled, changed or recorded (the caller gets the exception). Idempotent:
 * when the latest record already rolled back to the revision now serving, it only verifies. Not thread-safe.
 */
final class StandaloneRollback {

    private final ReleaseOps ops;
    private final RollbackRequest request;
    private final ReleaseRecord.Builder record;

    StandaloneRollback(ReleaseOps ops, RollbackRequest request) {
        this.ops = ops;
        this.request = request;
        this.record = ReleaseRecord.builder(ops.releaseId, ops.app(), ReleaseRecord.Kind.ROLLBACK, ops.now())
                .databaseMigration(request.databaseMigration());
        request.pullRequest().ifPresent(n -> record.pullRequest(n, ""));
    }

    /**
     * Reads what the rollback needs before it journals or changes anything; then rolls back and records it.
     *
     * @throws ProviderException if the platform or the evidence cannot be read first: nothing was changed or recorded
     * @throws UnknownTargetException if the named revision does not exist: nothing was changed or recorded
     */
    RollbackResult run() {
        AppTraffic traffic = ops.readTraffic(true);
        Optional<String> from = RollbackTargets.serving(traffic.weights());
        List<ReleaseRecord> history = ops.recentReleases();
        if (request.toRevision().isPresent()) {
            String to = request.toRevision().get();
            if (ops.readRevision(to, true).isEmpty()) {
                throw new UnknownTargetException(UnknownTargetException.Kind.REVISION, ops.app(), to,
                        ops.listRevisions(true).stream().sorted(Comparator.comparing(Revision::createdAt).reversed())
                                .map(Revision::name).toList());
            }
        }
        // What is read here is what the rollback acts on (the release's known state): it reads nothing again.
        Optional<String> chosen = request.toRevision().or(() -> RollbackTargets.previous(traffic,
                name -> ops.readRevision(name, true), () -> ops.listRevisions(true), history));
        try {
            ops.transition(new JournalState.RollbackStarted(request.reason()), Optional.empty());
        } catch (ReleaseOps.JournalWriteFailed e) {
            String note = e.getMessage() + "; rolling back anyway (safety first)";
            record.note(note);
            ops.warn(note);
        }
        if (chosen.isEmpty()) {
            return failed("no previous revision of " + ops.app() + " to roll back to "
                    + from.map(s -> "from " + s).orElse("") + "; name one explicitly", Optional.of(traffic.weights()));
        }
        String target = chosen.get();
        from.filter(f -> !f.equals(target)).ifPresent(record::newRevision);
        record.previousRevision(target);
        Optional<Baseline> baseline = Baselines.latestWithBaselineOf(target, history).map(r -> {
            Baseline b = r.baseline().orElseThrow();
            record.baseline(b);
            record.note("recovery judged against the baseline release " + r.releaseId() + " measured on " + target
                    + " at " + b.measuredAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ": " + b.describe());
            return b;
        });
        List<HookRunner.RollbackHooks> ran = new java.util.ArrayList<>();
        RollbackProcedure.Result rolledBack = new RollbackProcedure(ops, Optional::empty, baseline)
                .afterTraffic((succeeded, after) -> {
                    HookRunner.RollbackHooks rh = new HookRunner(ops, java.util.Map.of()).onRollback(
                            ops.config.hooks(), request.databaseMigration(), after, target, id -> new HookContext(
                                    HookPoint.ON_ROLLBACK, id, ops.releaseId, ops.app(),
                                    ReleaseRequest.DEFAULT_ENVIRONMENT, request.pullRequest(), Optional.empty(),
                                    Optional.of(target), from.filter(f -> !f.equals(target)), Optional.of(
                                            (succeeded ? "rolled back to " : "rollback FAILED to ") + target + ": "
                                                    + request.reason()), request.databaseMigration(),
                                    Optional.empty()));
                    ran.add(rh);
                    return rh.failure();
                })
                .run(request.reason(), Optional.empty(), from.filter(f -> !f.equals(target)), target,
                        request.databaseMigration() && ops.config.hooks().migrationRollback().isEmpty(), false);
        rolledBack.recordInto(record);
        ran.forEach(rh -> rh.recordInto(record));
        RollbackDetails details = rolledBack.details();
        return finish(details, rolledBack.trafficAfter());
    }

    private RollbackResult failed(String why, Optional<TrafficWeights> traffic) {
        Instant now = ops.now();
        RollbackDetails details = new RollbackDetails(request.reason(), Optional.empty(), Optional.empty(),
                request.toRevision().orElse("unknown"), now, now, false, Optional.empty(), Optional.empty(),
                Optional.of(why));
        record.rollback(details);
        ops.emit(new ReleaseEvent.RollbackFinished(ops.releaseId, now, false, details.toRevision(), why));
        return finish(details, traffic);
    }

    private RollbackResult finish(RollbackDetails details, Optional<TrafficWeights> traffic) {
        ReleaseOutcome outcome = new RollbackResult(ops.releaseId, details, traffic, Optional.empty()).outcome();
        record.outcome(outcome).finishedAt(ops.now());
        Evidence evidence = new Evidence(ops);
        try {
            ops.transition(new JournalState.Finishing(outcome), Optional.empty());
        } catch (ReleaseOps.JournalWriteFailed e) {
            record.note(e.getMessage() + "; recorded anyway");
        }
        ReleaseRecord written = record.build();
        Optional<String> location = evidence.write(written);
        try {
            ops.transition(new JournalState.Finished(outcome), Optional.empty());
        } catch (ReleaseOps.JournalWriteFailed e) {
            ops.warn(e.getMessage() + "; the evidence record says how the rollback ended");
        }
        RollbackResult result = new RollbackResult(ops.releaseId, details, traffic, location);
        evidence.postIncidentNote(request.pullRequest(), result, location, written.hooks());
        ops.emit(new ReleaseEvent.ReleaseFinished(ops.releaseId, ops.now(), outcome, !details.succeeded()
                ? "ROLLBACK FAILED: " + details.detail().orElse("") : "rolled back to " + details.toRevision()
                        + details.hookFailure().map(h -> ", but " + h + "; page someone").orElse("")
                        + details.recovery().map(r -> "; " + r.detail()).orElse("")));
        return result;
    }
}
