package io.releasepipeline.event;

import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.health.SmokeResult;
import io.releasepipeline.spi.DeployRun;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.trigger.TriggerVerdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Everything a release does, as it happens. Listeners receive these in order on the release's thread. Each event
 * carries the release id and the time from the pipeline's clock.
 */
public sealed interface ReleaseEvent {

    /**
     * The release (or standalone rollback) this event belongs to.
     *
     * @return the release (or standalone rollback) this event belongs to
     */
    String releaseId();

    /**
     * When it happened, from the pipeline's clock.
     *
     * @return when it happened, from the pipeline's clock
     */
    Instant at();

    /** A promotion started. */
    record ReleaseStarted(String releaseId, Instant at, String app, int pullRequest) implements ReleaseEvent {
    }

    /** One gate was evaluated. */
    record GateEvaluated(String releaseId, Instant at, GateResult result) implements ReleaseEvent {
    }

    /**
     * Every gate was evaluated.
     *
     * @param releaseId the release
     * @param at when
     * @param passed whether every gate passed
     * @param results every gate's verdict
     */
    record GatesEvaluated(String releaseId, Instant at, boolean passed, List<GateResult> results)
            implements ReleaseEvent {
        /**
         * Copies.
         *
         * @param releaseId the release
         * @param at when
         * @param passed whether every gate passed
         * @param results every gate's verdict
         */
        public GatesEvaluated {
            results = List.copyOf(results);
        }
    }

    /** The pull request was merged. */
    record Merged(String releaseId, Instant at, int pullRequest, String mergeCommitSha) implements ReleaseEvent {
    }

    /** The engine is waiting for something: the deploy run, a revision, an observation window. */
    record Waiting(String releaseId, Instant at, String forWhat, Instant until) implements ReleaseEvent {
    }

    /** The deploy run was seen in a new state. */
    record DeployRunUpdated(String releaseId, Instant at, DeployRun run) implements ReleaseEvent {
    }

    /** The new revision is ready to serve. */
    record RevisionReady(String releaseId, Instant at, String revision) implements ReleaseEvent {
    }

    /** Traffic moved. */
    record TrafficShifted(String releaseId, Instant at, TrafficWeights from, TrafficWeights to, String reason)
            implements ReleaseEvent {
    }

    /** A smoke check ran. */
    record SmokeChecked(String releaseId, Instant at, SmokeResult result) implements ReleaseEvent {
    }

    /** Observation of a traffic step started. */
    record ObservationStarted(String releaseId, Instant at, String revision, int weight, Duration window)
            implements ReleaseEvent {
    }

    /**
     * A health signal changed state during observation (up to down, a new error-rate reading...). The signal is named
     * as the trigger that judges it ({@code Triggers.HEALTH_ENDPOINT}, {@code Triggers.ERROR_RATE},
     * {@code Triggers.ALERT}), or {@code recovery} for the recovery watch after a rollback.
     */
    record SignalObserved(String releaseId, Instant at, String signal, boolean ok, String detail)
            implements ReleaseEvent {
    }

    /**
     * Observation of a step ended without any trigger firing.
     *
     * @param releaseId the release
     * @param at when
     * @param weight the step's traffic weight, in percent
     * @param verdicts each trigger's closing verdict
     */
    record ObservationPassed(String releaseId, Instant at, int weight, List<TriggerVerdict> verdicts)
            implements ReleaseEvent {
        /**
         * Copies.
         *
         * @param releaseId the release
         * @param at when
         * @param weight the step's traffic weight, in percent
         * @param verdicts each trigger's closing verdict
         */
        public ObservationPassed {
            verdicts = List.copyOf(verdicts);
        }
    }

    /** A person approved or rejected a traffic step, or nobody did in time. */
    record ApprovalDecided(String releaseId, Instant at, int weight, boolean approved, String by, String comment)
            implements ReleaseEvent {
    }

    /** A trigger in advisory mode would have rolled back; nothing was done. */
    record AdvisoryVerdict(String releaseId, Instant at, TriggerVerdict verdict) implements ReleaseEvent {
    }

    /** A rollback trigger fired. */
    record TriggerFired(String releaseId, Instant at, TriggerVerdict verdict) implements ReleaseEvent {
    }

    /** A provider call failed and will be tried again. */
    record ProviderCallRetried(String releaseId, Instant at, String provider, String operation, int attempt,
            Duration delay, String error) implements ReleaseEvent {
    }

    /** A rollback started. */
    record RollbackStarted(String releaseId, Instant at, String reason, String fromRevision, String toRevision)
            implements ReleaseEvent {
    }

    /** A rollback finished, successfully or not. */
    record RollbackFinished(String releaseId, Instant at, boolean succeeded, String toRevision, String detail)
            implements ReleaseEvent {
    }

    /** A hook started at a point of the release ({@code attempt} 2 and up: run again on resume, same delivery id). */
    record HookStarted(String releaseId, Instant at, io.releasepipeline.hook.HookPoint point, String hook,
            String deliveryId, int attempt) implements ReleaseEvent {
    }

    /** A hook ended: what it came to, in the record's words. */
    record HookFinished(String releaseId, Instant at, io.releasepipeline.evidence.HookRun run)
            implements ReleaseEvent {
    }

    /** The evidence record was written. */
    record EvidenceRecorded(String releaseId, Instant at, String location) implements ReleaseEvent {
    }

    /** Something went wrong that did not stop the release (a comment not posted, evidence not written). */
    record Warning(String releaseId, Instant at, String message) implements ReleaseEvent {
    }

    /** The release ended. */
    record ReleaseFinished(String releaseId, Instant at, ReleaseOutcome outcome, String summary)
            implements ReleaseEvent {
    }
}
