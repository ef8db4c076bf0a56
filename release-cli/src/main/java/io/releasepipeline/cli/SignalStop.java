package io.releasepipeline.cli;

import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.RollbackResult;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.event.ReleaseListener;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.RollbackDetails;
import io.releasepipeline.evidence.TrafficChange;
import io.releasepipeline.format.Redaction;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * What SIGINT and SIGTERM do to a command that changes things ({@code promote}, {@code resume}, {@code rollback}),
 * the way a cancelled or timed-out GitHub Actions run sends them: SIGINT, SIGTERM 7.5 s later, a kill 2.5 s after
 * that.
 *
 * <ul>
 * <li>A release ({@link #stopping}): the first signal asks the pipeline to stop
 * ({@link ReleasePipeline#requestRollback}: an abort before traffic moved, a rollback to the stable revision after,
 * the same at 100% under observation); one that arrives before the release has taken its lock is applied as soon as
 * it has. The release then ends as the engine ends it: evidence, deployment status, journal, lock.</li>
 * <li>A standalone rollback ({@link #finishing}): the signal changes nothing; the rollback in flight is finished,
 * never abandoned halfway.</li>
 * </ul>
 * Either way the process keeps running until the work has ended and the command has printed its result, then exits
 * with the code of how it ended (no fixed wait); a second signal does not cut it short, it only says so on stderr.
 * The command prints one summary line on stderr ({@link #summary(ReleaseResult)}). What a kill cuts off anyway is
 * finished by {@code release resume} (the workflow's {@code if: cancelled()} step), from the journal.
 *
 * <p>Use: {@code try (SignalStop stop = SignalStop.stopping(...)) { result = stop.run(work); ... print ... }}: the
 * signals are handled from creation until {@link #close()}. Thread-safe: signals arrive on threads of their own.
 */
final class SignalStop implements AutoCloseable {

    /** The reason recorded for a release stopped by a signal (the signal's name follows in the record). */
    static final String REASON = "cancelled: the release process received a termination signal";

    private final CliContext context;
    private final String command;
    private final Optional<ReleasePipeline> pipeline;
    private final Optional<EarlyStop> early;
    /** The pipeline of a standalone rollback, once made: a signal ends its recovery watch ({@link #watching}). */
    private volatile ReleasePipeline watched;
    private final AtomicReference<String> received = new AtomicReference<>();
    private final CountDownLatch workEnded = new CountDownLatch(1);
    private final CliContext.Registration registration;

    private SignalStop(CliContext context, String command, Optional<ReleasePipeline> pipeline,
            Optional<EarlyStop> early) {
        this.context = context;
        this.command = command;
        this.pipeline = pipeline;
        this.early = early;
        this.registration = context.signals().handle(this::onSignal);
    }

    /**
     * Handles the signals of {@code command}, whose work is a release of {@code pipeline}: a signal stops it.
     * {@code early} must be one of the pipeline's listeners: it applies a signal that came before the release held
     * its lock.
     */
    static SignalStop stopping(CliContext context, String command, ReleasePipeline pipeline, EarlyStop early) {
        early.arm(pipeline);
        return new SignalStop(context, command, Optional.of(pipeline), Optional.of(early));
    }

    /** Handles the signals of {@code command}, whose work is a standalone rollback: it is finished, not stopped. */
    static SignalStop finishing(CliContext context, String command) {
        return new SignalStop(context, command, Optional.empty(), Optional.empty());
    }

    /**
     * The pipeline that runs this command's standalone rollback ({@link #finishing}): a signal lets the rollback
     * finish putting traffic back, but ends its recovery watch (minutes of error-rate reads) at once, unverified, so
     * that the evidence is written within a cancelled job's grace.
     */
    void watching(ReleasePipeline pipeline) {
        this.watched = pipeline;
    }

    /**
     * Runs the work and returns what it returned. If a signal had arrived and the work throws, says on stderr that
     * the release did not finish and how to finish it, then rethrows.
     */
    <T> T run(Supplier<T> work) {
        try {
            return work.get();
        } catch (RuntimeException | Error e) {
            // The failure may quote anything (a provider's answer, a JDK message): masked, and kept on the one line.
            received().ifPresent(signal -> context.err().println(Console.line("release " + command + ": cancelled by "
                    + signal + ", and the " + (pipeline.isPresent() ? "release" : "rollback") + " did not finish: "
                    + Redaction.credentials(e.toString()) + "; run `release "
                    + (pipeline.isPresent() ? "resume" : "rollback") + "` to finish it")));
            throw e;
        } finally {
            workEnded.countDown();
        }
    }

    /** The first signal received, as {@code SIGINT} or {@code SIGTERM}; empty if none. */
    Optional<String> received() {
        return Optional.ofNullable(received.get());
    }

    /**
     * The one line that ends a release cancelled by {@code signal}: what was cancelled and how it ended, where
     * traffic is, where the evidence is, and what to run when something could not finish.
     */
    static String summary(String signal, ReleaseResult result) {
        StringBuilder line = new StringBuilder("cancelled by ").append(signal).append(": release ")
                .append(result.releaseId()).append(' ').append(result.outcome());
        switch (result.outcome()) {
            case ROLLED_BACK -> line.append(" (traffic moved, so it was rolled back)");
            case ROLLED_BACK_NOT_RECOVERED -> line.append(" (traffic moved, so it was rolled back; PAGE SOMEONE: ")
                    .append(result.record().rollback().flatMap(RollbackDetails::recovery)
                            .map(io.releasepipeline.evidence.Recovery::detail).orElse("not recovered")).append(')');
            case ROLLED_BACK_HOOK_FAILED -> line.append(" (traffic moved, so it was rolled "
                    + "back; PAGE SOMEONE: ").append(result.record().rollback().flatMap(RollbackDetails::detail)
                    .orElseGet(() -> Reports.failedHooks(result.record()))).append(')');
            case ABORTED -> line.append(" (stopped before traffic moved)");
            case ROLLBACK_FAILED -> line.append(" (PAGE SOMEONE: ").append(result.record().rollback()
                    .flatMap(RollbackDetails::detail).orElse("the rollback did not complete")).append(')');
            case FROZEN -> line.append(" (PAGE SOMEONE: roll-forward-only, traffic held where it was)");
            default -> line.append(" (it had ended before the signal could stop it)");
        }
        line.append("; traffic: ").append(traffic(result)).append("; evidence: ")
                .append(result.evidenceLocation().orElse("not written (see the log above)"));
        if (result.outcome() == ReleaseOutcome.IN_PROGRESS) {
            line.append("; run `release resume --release ").append(result.releaseId()).append("` to finish it");
        } else if (result.outcome() == ReleaseOutcome.ROLLBACK_FAILED) {
            line.append("; then `release rollback --reason ...` to retry");
        }
        return line.toString();
    }

    /** The same line for a standalone rollback, which a signal does not stop. */
    static String summary(String signal, RollbackResult result) {
        return signal + " during rollback " + result.releaseId() + ", which was finished first: "
                + (!result.succeeded() ? "ROLLBACK_FAILED (PAGE SOMEONE: "
                        + result.details().detail().orElse("the rollback did not complete") + ")"
                        : result.outcome() == ReleaseOutcome.ROLLED_BACK_NOT_RECOVERED
                                ? "ROLLED_BACK_NOT_RECOVERED (PAGE SOMEONE: " + result.details().recovery()
                                        .map(io.releasepipeline.evidence.Recovery::detail).orElse("not recovered") + ")"
                                : "ROLLED_BACK")
                + "; traffic: " + result.trafficAfter().map(w -> w.withoutZeros().toString()).orElse("unknown")
                + "; evidence: " + result.evidenceLocation().orElse("not written (see the log above)");
    }

    private static String traffic(ReleaseResult result) {
        return result.rollback().flatMap(RollbackResult::trafficAfter)
                .or(() -> result.record().trafficChanges().stream().reduce((a, b) -> b).map(TrafficChange::to))
                .map(w -> w.withoutZeros().toString())
                .orElseGet(() -> "unchanged" + result.record().previousRevision().map(r -> " (" + r + " at 100%)")
                        .orElse(""));
    }

    private void onSignal(String name) {
        String signal = "SIG" + name;
        if (!received.compareAndSet(null, signal)) {
            context.err().println("release " + command + ": " + signal + " received again: still finishing the "
                    + (pipeline.isPresent() ? "release's stop" : "rollback") + "; exiting when it is done (a kill "
                    + "now leaves it to `release resume`)");
            return;
        }
        if (workEnded.getCount() == 0) {
            context.err().println("release " + command + ": " + signal + " received as the work ended; exiting once "
                    + "it is reported");
            return;
        }
        if (pipeline.isEmpty()) {
            context.err().println("release " + command + ": " + signal + " received: finishing the rollback in "
                    + "flight first (its recovery watch, if any, ends unverified); exiting when it is done");
            // Traffic is put back regardless; only the watch of the error rate that follows listens to the stop,
            // asked for from a thread of its own once the rollback holds its lock (the handler must not block).
            Thread asker = new Thread(() -> {
                try {
                    while (!workEnded.await(50, TimeUnit.MILLISECONDS)) {
                        ReleasePipeline p = watched;
                        if (p != null && p.requestRollback(REASON + " (" + signal + ")")) {
                            return;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "signal-stop-recovery-watch");
            asker.setDaemon(true);
            asker.start();
            return;
        }
        context.err().println("release " + command + ": " + signal + " received: stopping the release (a rollback "
                + "if traffic moved, an abort before); exiting when it has ended");
        String reason = REASON + " (" + signal + ": a cancelled or timed-out workflow run, or a stop)";
        early.ifPresent(e -> e.pending(reason));
        try {
            // Before the release holds its lock there is nothing to stop yet: ask again until it is, or has ended.
            while (!pipeline.get().requestRollback(reason) && !workEnded.await(50, TimeUnit.MILLISECONDS)) {
                continue;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Applies a signal that arrived before the release held its lock, on the release's own thread as it starts
     * ({@link ReleaseEvent.ReleaseStarted} comes once the lock is held, before the first gate), so that nothing
     * (no merge, no traffic) happens between the lock and the stop. Without it, the signal thread's retries of
     * {@link ReleasePipeline#requestRollback} could land after a fast release had already merged. Register it as a
     * listener of the pipeline it is then armed with. Thread-safe.
     */
    static final class EarlyStop implements ReleaseListener {
        private final AtomicReference<String> pending = new AtomicReference<>();
        private volatile ReleasePipeline pipeline;

        void arm(ReleasePipeline target) {
            this.pipeline = target;
        }

        void pending(String reason) {
            pending.compareAndSet(null, reason);
        }

        /** A listener that gives each event to this one first, then to {@code next} (the progress view). */
        ReleaseListener then(ReleaseListener next) {
            return event -> {
                onEvent(event);
                next.onEvent(event);
            };
        }

        @Override
        public void onEvent(ReleaseEvent event) {
            String reason = pending.get();
            ReleasePipeline target = pipeline;
            if (event instanceof ReleaseEvent.ReleaseStarted && reason != null && target != null) {
                target.requestRollback(reason);
            }
        }
    }

    /** Stops handling the signals: from now on one stops the process at once, as without this class. */
    @Override
    public void close() {
        workEnded.countDown();
        registration.close();
    }
}
