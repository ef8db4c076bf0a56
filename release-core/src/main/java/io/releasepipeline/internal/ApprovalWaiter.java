package io.releasepipeline.internal;

import io.releasepipeline.ApprovalTimeoutAction;
import io.releasepipeline.error.ReleaseException;
import io.releasepipeline.error.ReleaseInterruptedException;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.JournalState;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.StepApproval;
import io.releasepipeline.format.Format;
import io.releasepipeline.spi.ApprovalDecision;
import io.releasepipeline.spi.ApprovalRequest;
import io.releasepipeline.time.ReleaseClock;
import io.releasepipeline.trigger.TriggerVerdict;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Waits for the decision on one step's approval: polls the approval provider on the engine's schedule and records
 * the decision, or the timeout's. Runs on the promotion's thread, as a {@link StepObservation.Waiter} while the step
 * in place goes on being watched, or alone before traffic has moved. Not thread-safe.
 *
 * <p>The provider is polled off that thread, on a daemon thread of its own, so that a poll that hangs never stops
 * the observation loop and its rollback triggers: {@link #check} starts a poll, takes its answer when there is one,
 * and never blocks on it. A poll still unanswered {@link #POLL_DEADLINE} after it started is abandoned (its thread
 * interrupted) and reported as a warning; the next poll asks again. On a clock other than
 * {@link ReleaseClock#system()} (a virtual clock, where an hour passes in milliseconds) {@link #check} waits up to
 * {@link #VIRTUAL_CLOCK_ANSWER_WAIT} of real time for a poll it has just started, so that an answer given at once is
 * taken at the same virtual instant, as it would be on the wall clock.
 */
final class ApprovalWaiter implements StepObservation.Waiter {

    /** How long, on the release clock, one poll of the approval provider may take before it is abandoned: 30 s. */
    static final Duration POLL_DEADLINE = Duration.ofSeconds(30);
    /** While a poll is unanswered, how soon the loop looks for its answer again: 1 s. */
    static final Duration IN_FLIGHT_RECHECK = Duration.ofSeconds(1);
    /** On a virtual clock, the real time the loop waits for a poll it has just started: 2 s. */
    static final Duration VIRTUAL_CLOCK_ANSWER_WAIT = Duration.ofSeconds(2);

    private static final Class<?> SYSTEM_CLOCK = ReleaseClock.system().getClass();
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ExecutorService POLLS = Executors.newCachedThreadPool(task -> {
        Thread t = new Thread(task, "release-approval-poll-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

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

    /** Moves the release to a journal state, with the record (the release's transition; throws if not written). */
    interface Journal {
        void enter(JournalState state);
    }

    private final ReleaseOps ops;
    private final ReleaseRecord.Builder record;
    private final Journal journal;
    private final int weight;
    private final ApprovalRequest question;
    private final Instant asked;
    private final Instant deadline;
    private Instant next;
    private Instant nextPoll;
    private Future<Optional<ApprovalDecision>> inFlight;
    private Instant pollStarted;
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
        this.nextPoll = asked;
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
        if (inFlight == null && !now.isBefore(nextPoll)) {
            startPoll(now);
        }
        Optional<ApprovalDecision> decision = Optional.empty();
        if (inFlight != null) {
            if (inFlight.isDone()) {
                decision = answer(inFlight);
                inFlight = null;
            } else if (!now.isBefore(pollStarted.plus(POLL_DEADLINE))) {
                inFlight.cancel(true);
                inFlight = null;
                ops.warn("the approval provider " + ops.config.approvals().orElseThrow().providerName()
                        + " did not answer the poll for the step to " + weight + "% within "
                        + Format.duration(POLL_DEADLINE) + "; abandoned it, asking again at the next poll");
            }
        }
        next = min(inFlight != null ? now.plus(IN_FLIGHT_RECHECK) : nextPoll, deadline);
        if (decision.isPresent()) {
            ApprovalDecision d = decision.get();
            record.approval(new StepApproval(weight, asked, d.approved(), Optional.of(d.by()), d.at(), d.comment()));
            ops.emit(new ReleaseEvent.ApprovalDecided(ops.releaseId, ops.now(), weight, d.approved(), d.by(),
                    d.comment()));
            journal.enter(new JournalState.Approval(weight, d.approved(), d.by()));
            outcome = d.approved() ? new ApprovalOutcome.Approved() : new ApprovalOutcome.Refused("step to "
                    + weight + "% rejected by " + d.by() + (d.comment().isEmpty() ? "" : ": " + d.comment()));
            return true;
        }
        if (!now.isBefore(deadline)) {
            if (inFlight != null) {
                inFlight.cancel(true);
                inFlight = null;
            }
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

    private void startPoll(Instant now) {
        pollStarted = now;
        nextPoll = now.plus(ops.config.deployPollInterval());
        inFlight = POLLS.submit(() -> ops.approvalPoll("decision(" + weight + "%)", a -> a.decision(question)));
        if (!SYSTEM_CLOCK.isInstance(ops.config.clock())) {
            try {
                inFlight.get(VIRTUAL_CLOCK_ANSWER_WAIT.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                inFlight.cancel(true);
                Thread.currentThread().interrupt();
                throw new ReleaseInterruptedException("interrupted while polling for approval of the step to "
                        + weight + "%", e);
            } catch (ExecutionException | TimeoutException e) {
                // Taken (or found unanswered) by check, like any other poll.
            }
        }
    }

    /** The answer of a finished poll; a failed poll is a warning, never a decision. */
    private Optional<ApprovalDecision> answer(Future<Optional<ApprovalDecision>> poll) {
        try {
            return poll.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Error error) {
                throw error;
            }
            String message = cause instanceof ReleaseException ? cause.getMessage() : String.valueOf(cause);
            ops.warn("could not read the approval decision: " + message);
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReleaseInterruptedException("interrupted while reading an approval decision", e);
        }
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
