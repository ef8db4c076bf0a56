package io.releasepipeline.internal;

import io.releasepipeline.ApprovalTimeoutAction;
import io.releasepipeline.ProviderException;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.StepApproval;
import io.releasepipeline.spi.ApprovalDecision;
import io.releasepipeline.spi.ApprovalRequest;
import io.releasepipeline.trigger.TriggerVerdict;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Waits for the decision on one step's approval: polls the approval provider on the engine's schedule and records
 * the decision, or the timeout's. Runs on the promotion's thread, as a {@link StepObservation.Waiter} while the step
 * in place goes on being watched, or alone before traffic has moved. Not thread-safe.
 */
final class ApprovalWaiter implements StepObservation.Waiter {

    /** How a wait for approval ended. */
    sealed interface ApprovalOutcome {
        /** Go on. */
        record Approved() implements ApprovalOutcome {
        }

        /** Stop: rejected, timed out with REJECT, or asked to stop. */
        record Refused(String reason) implements ApprovalOutcome {
        }

        /** A trigger fired on the step being watched while the release waited. */
        record Fired(TriggerVerdict verdict) implements ApprovalOutcome {
        }
    }

    /** Writes a journal entry with the record; false when the write failed. */
    interface Journal {
        boolean write(String state, Map<String, String> data);
    }

    private final ReleaseOps ops;
    private final ReleaseRecord.Builder record;
    private final Journal journal;
    private final int weight;
    private final ApprovalRequest question;
    private final Instant asked;
    private final Instant deadline;
    private Instant next;
    private ApprovalOutcome outcome;

    ApprovalWaiter(ReleaseOps ops, ReleaseRecord.Builder record, Journal journal, int weight, ApprovalRequest question,
            Instant asked, Instant deadline) {
        this.ops = ops;
        this.record = record;
        this.journal = journal;
        this.weight = weight;
        this.question = question;
        this.asked = asked;
        this.deadline = deadline;
        this.next = asked;
    }

    /** The decision, once {@link #check} returned true. */
    ApprovalOutcome outcome() {
        return outcome;
    }

    @Override
    public Instant nextCheck() {
        return next;
    }

    @Override
    public boolean check(Instant now) {
        next = min(now.plus(ops.config.deployPollInterval()), deadline);
        Optional<ApprovalDecision> decision;
        try {
            decision = ops.approvals("decision(" + weight + "%)", a -> a.decision(question));
        } catch (ProviderException e) {
            ops.warn("could not read the approval decision: " + e.getMessage());
            decision = Optional.empty();
        }
        if (decision.isPresent()) {
            ApprovalDecision d = decision.get();
            record.approval(new StepApproval(weight, asked, d.approved(), Optional.of(d.by()), d.at(), d.comment()));
            ops.emit(new ReleaseEvent.ApprovalDecided(ops.releaseId, ops.now(), weight, d.approved(), d.by(),
                    d.comment()));
            journal.write("APPROVAL", Map.of("weight", String.valueOf(weight), "approved", String.valueOf(d.approved()),
                    "by", d.by()));
            outcome = d.approved() ? new ApprovalOutcome.Approved() : new ApprovalOutcome.Refused("step to "
                    + weight + "% rejected by " + d.by() + (d.comment().isEmpty() ? "" : ": " + d.comment()));
            return true;
        }
        if (!now.isBefore(deadline)) {
            boolean approve = ops.config.approvalTimeoutAction() == ApprovalTimeoutAction.APPROVE;
            String comment = "nobody decided within " + Format.duration(ops.config.approvalTimeout()) + "; "
                    + (approve ? "approved" : "rejected") + " by the timeout action";
            record.approval(new StepApproval(weight, asked, approve, Optional.empty(), now, comment));
            ops.emit(new ReleaseEvent.ApprovalDecided(ops.releaseId, now, weight, approve, "timeout", comment));
            outcome = approve ? new ApprovalOutcome.Approved()
                    : new ApprovalOutcome.Refused("step to " + weight + "%: " + comment);
            return true;
        }
        return false;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
