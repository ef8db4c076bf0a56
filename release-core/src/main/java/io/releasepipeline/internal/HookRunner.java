package io.releasepipeline.internal;

import io.releasepipeline.LockLostException;
import io.releasepipeline.error.ReleaseInterruptedException;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.HookRun;
import io.releasepipeline.evidence.JournalState;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.format.Format;
import io.releasepipeline.format.SafeText;
import io.releasepipeline.hook.HookContext;
import io.releasepipeline.hook.HookPoint;
import io.releasepipeline.hook.HookResult;
import io.releasepipeline.hook.ReleaseHook;
import io.releasepipeline.spi.TrafficWeights;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the hooks of one point of a release, in order, each exactly once per release and point: journaled before
 * ({@link JournalState.HookStarted}) and after ({@link JournalState.HookFinished}). On resume, a hook the journal
 * shows finished is not run again (its journaled result is recorded); one started but not finished runs again with
 * the same delivery id (attempt 2 and up: the receiver dedupes on the id); one never started runs.
 *
 * <p>Each hook runs on a daemon thread of its own and is waited for in real time (a hook's work happens in the real
 * world, also when the release runs on a virtual clock), at most its {@link ReleaseHook#timeout()}; past it, its
 * thread is interrupted, it is abandoned and its run is an {@link HookResult.Status#ERROR}. A hook that throws is an
 * ERROR; one that throws an {@link Error} is recorded as an ERROR too, then the Error follows the engine's failure
 * semantics (see {@link Mode}).
 *
 * <p>Not thread-safe; used by one release's thread.
 */
final class HookRunner {

    private static final Logger log = LoggerFactory.getLogger(HookRunner.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ExecutorService RUNS = Executors.newCachedThreadPool(task -> {
        Thread t = new Thread(task, "release-hook-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    /** How a point's hooks treat failures around them. */
    enum Mode {
        /**
         * Before the merge: a hook that says no vetoes, so the rest do not run; a journal entry that cannot be
         * written stops the release before the hook runs; a cancel abandons the hook and stops the release (nothing
         * merged); an {@link Error} propagates at once (the release aborts, nothing merged, then rethrows it).
         */
        VETO,
        /**
         * After a promotion, on rollback, on freeze: every hook runs whatever the others came to; the interrupt flag
         * stays cleared (a cancel neither skips nor shortens a hook, which its own timeout bounds; a process killed
         * while one runs leaves it started, and {@code resume} runs it again with the same delivery id); a journal
         * entry that cannot be written is noted and the hook runs anyway; an {@link Error} is kept and rethrown at
         * the engine's boundary once the release is recorded.
         */
        SAFETY
    }

    /** What the journal says about one hook of a resumed release. */
    record Journaled(JournalState.HookStarted started, Instant startedAt, int attempts,
            Optional<JournalState.HookFinished> finished) {
    }

    private final ReleaseOps ops;
    private final Map<String, Journaled> journaled;
    private final List<String> notes = new ArrayList<>();

    /** A runner for a release; {@code journaled} is what a resumed release's journal says (by {@link #key}). */
    HookRunner(ReleaseOps ops, Map<String, Journaled> journaled) {
        this.ops = ops;
        this.journaled = Map.copyOf(journaled);
    }

    /** The key of a hook in {@link #journaled}: point and name. */
    static String key(HookPoint point, String hook) {
        return point.name() + ":" + hook;
    }

    /** Notes the runs left for the record (journal entries that could not be written), taken once. */
    List<String> takeNotes() {
        List<String> taken = List.copyOf(notes);
        notes.clear();
        return taken;
    }

    /**
     * Runs {@code hooks} at {@code point}; {@code contextFor} makes each hook's context from its delivery id.
     *
     * @return the runs, in order (a hook the journal shows finished is returned as journaled)
     * @throws ReleaseOps.JournalWriteFailed in {@link Mode#VETO}, if a start cannot be journaled (the hook did not run)
     * @throws ReleaseInterruptedException in {@link Mode#VETO}, on a cancel (the hook was abandoned)
     * @throws LockLostException if another owner holds the app's lock: no hook is run
     */
    List<HookRun> run(HookPoint point, List<ReleaseHook> hooks, boolean migrationRollback,
            Function<String, HookContext> contextFor, Mode mode) {
        List<HookRun> runs = new ArrayList<>();
        for (ReleaseHook hook : hooks) {
            HookRun run = runOne(point, hook, migrationRollback, contextFor, mode);
            runs.add(run);
            if (mode == Mode.VETO && !run.succeeded()) {
                break;
            }
        }
        return runs;
    }

    private HookRun runOne(HookPoint point, ReleaseHook hook, boolean migrationRollback,
            Function<String, HookContext> contextFor, Mode mode) {
        String name = hook.name();
        String kind = kindOf(hook);
        String deliveryId = HookContext.deliveryId(ops.releaseId, point, name);
        Journaled before = journaled.get(key(point, name));
        if (before != null && before.finished().isPresent()) {
            JournalState.HookFinished f = before.finished().get();
            log.info("release {}: hook {} at {} had finished ({}) before the resume; not run again", ops.releaseId,
                    SafeText.line(name), point, f.status());
            return new HookRun(point, name, before.started().kind(), deliveryId, f.status(), f.summary(), f.link(),
                    before.startedAt(), f.duration(), before.attempts(), before.started().migrationRollback());
        }
        int attempt = before == null ? 1 : before.attempts() + 1;
        if (mode == Mode.SAFETY) {
            ops.safetyFirst();
        }
        journal(new JournalState.HookStarted(point, name, kind, deliveryId, migrationRollback), mode);
        Instant startedAt = ops.now();
        ops.emit(new ReleaseEvent.HookStarted(ops.releaseId, startedAt, point, name, deliveryId, attempt));
        log.info("release {}: running hook {} ({}) at {}, delivery {}{}", ops.releaseId, SafeText.line(name),
                SafeText.line(kind), point, SafeText.line(deliveryId), attempt > 1 ? " (attempt " + attempt
                        + ": started before the resume, not finished)" : "");
        long t0 = System.nanoTime();
        HookResult result;
        Error thrown = null;
        try {
            result = execute(hook, contextFor.apply(deliveryId), mode);
        } catch (HookThrewError e) {
            thrown = e.error;
            result = threw(e.error);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        if (mode == Mode.SAFETY) {
            // A cancel that came as the hook finished is remembered for the boundary, not left to fail the journal.
            ops.safetyFirst();
        }
        // A hook's words leave the process (record, notes, logs): a credential it echoed is masked first.
        String summary = SafeText.line(io.releasepipeline.format.Redaction.credentials(result.summary()), 500);
        if (attempt > 1) {
            summary += " (attempt " + attempt + ", same delivery id: the previous process started it and stopped "
                    + "before its end was journaled)";
        }
        HookRun run = new HookRun(point, name, kind, deliveryId, result.status(), summary,
                result.link().map(l -> SafeText.line(io.releasepipeline.format.Redaction.credentials(l), 500)),
                startedAt, took, attempt, migrationRollback);
        journal(new JournalState.HookFinished(point, name, run.status(), run.summary(), run.link(), took),
                Mode.SAFETY);
        ops.emit(new ReleaseEvent.HookFinished(ops.releaseId, ops.now(), run));
        if (run.succeeded()) {
            log.info("release {}: hook {} at {} succeeded: {}", ops.releaseId, SafeText.line(name), point,
                    SafeText.line(run.summary()));
        } else {
            log.warn("release {}: hook {} at {} {}: {}", ops.releaseId, SafeText.line(name), point, run.status(),
                    SafeText.line(run.summary()));
        }
        if (thrown != null) {
            if (mode == Mode.VETO) {
                throw thrown;
            }
            ops.deferError(thrown);
        }
        return run;
    }

    private void journal(JournalState state, Mode mode) {
        try {
            ops.transition(state, Optional.empty());
        } catch (ReleaseOps.JournalWriteFailed e) {
            if (mode == Mode.VETO) {
                throw e;
            }
            String note = e.getMessage() + "; the hook ran anyway (a resumed release may run it again, with the same "
                    + "delivery id)";
            notes.add(note);
            ops.warn(note);
        }
    }

    /** Runs the hook on its own thread, waiting at most its timeout (real time). */
    private HookResult execute(ReleaseHook hook, HookContext context, Mode mode) {
        Duration timeout = hook.timeout();
        Future<HookResult> future = RUNS.submit(() -> hook.run(context));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                HookResult r = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                return r != null ? r : HookResult.error("the hook answered null (a hook must return a result)");
            } catch (TimeoutException e) {
                future.cancel(true);
                return HookResult.error("did not finish within its timeout of " + Format.duration(timeout)
                        + "; abandoned (its thread was interrupted)");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Error error) {
                    throw new HookThrewError(error);
                }
                return threw(cause);
            } catch (InterruptedException e) {
                ReleaseInterruptedException cancel = new ReleaseInterruptedException("interrupted while hook "
                        + hook.name() + " ran", e);
                if (mode == Mode.VETO) {
                    future.cancel(true);
                    Thread.currentThread().interrupt();
                    throw cancel;
                }
                // Safety first: the hook goes on, bounded by its timeout; the cancel is remembered for the boundary.
                ops.interruptedBy(cancel);
            }
        }
    }

    private static HookResult threw(Throwable thrown) {
        return HookResult.error("threw " + thrown.getClass().getSimpleName()
                + (thrown.getMessage() != null ? ": " + thrown.getMessage() : ""));
    }

    private static String kindOf(ReleaseHook hook) {
        try {
            String kind = hook.kind();
            return kind == null || kind.isBlank() ? "hook" : SafeText.line(kind, 64);
        } catch (RuntimeException e) {
            return "hook";
        }
    }

    /**
     * Runs the {@link HookPoint#ON_ROLLBACK} hooks once the traffic rollback is done (whether it succeeded or not):
     * first the migration-rollback hooks, for a migration release, and only when {@code trafficAfter} shows all
     * traffic on {@code to} (a schema must not be undone under the new revision); then the point's other hooks.
     *
     * @return the runs, and whether any failed or a migration-rollback hook had to be skipped
     */
    RollbackHooks onRollback(io.releasepipeline.hook.Hooks hooks, boolean databaseMigration,
            Optional<TrafficWeights> trafficAfter, String to, Function<String, HookContext> contextFor) {
        List<HookRun> runs = new ArrayList<>();
        List<String> rollbackNotes = new ArrayList<>();
        boolean failed = false;
        if (databaseMigration && !hooks.migrationRollback().isEmpty()) {
            boolean allBack = trafficAfter.map(t -> t.withoutZeros().equals(TrafficWeights.all(to))).orElse(false);
            if (allBack) {
                runs.addAll(run(HookPoint.ON_ROLLBACK, hooks.migrationRollback(), true, contextFor, Mode.SAFETY));
            } else {
                failed = true;
                String note = "the migration-rollback hook" + (hooks.migrationRollback().size() == 1 ? " " : "s ")
                        + hooks.migrationRollback().stream().map(ReleaseHook::name).toList() + " did NOT run: traffic "
                        + "is not verifiably all on " + to + " (" + trafficAfter.map(Object::toString)
                        .orElse("it could not be read") + "), and undoing the schema under the new revision would "
                        + "break it. " + RollbackProcedure.MIGRATION_WARNING;
                rollbackNotes.add(note);
                ops.warn(note);
            }
        }
        runs.addAll(run(HookPoint.ON_ROLLBACK, hooks.at(HookPoint.ON_ROLLBACK), false, contextFor, Mode.SAFETY));
        List<HookRun> notSucceeded = runs.stream().filter(r -> !r.succeeded()).toList();
        if (!notSucceeded.isEmpty()) {
            failed = true;
            String note = "rollback hook" + (notSucceeded.size() == 1 ? " " : "s ") + notSucceeded.stream()
                    .map(r -> r.name() + " " + r.status() + " (" + r.summary() + ")").toList() + ": page someone"
                    + (notSucceeded.stream().anyMatch(HookRun::migrationRollback) ? "; the database migration may "
                            + "not be undone: follow the migration rollback procedure by hand" : "");
            rollbackNotes.add(note);
            ops.warn(note);
        }
        rollbackNotes.addAll(takeNotes());
        return new RollbackHooks(runs, failed, rollbackNotes);
    }

    /** What the rollback hooks came to: the runs, whether any failed (or had to be skipped), notes for the record. */
    record RollbackHooks(List<HookRun> runs, boolean failed, List<String> notes) {
        RollbackHooks {
            runs = List.copyOf(runs);
            notes = List.copyOf(notes);
        }

        /**
         * Why these hooks page someone, for the rollback's details: the runs that did not succeed, or that the
         * migration-rollback hooks could not run; empty when none failed.
         */
        Optional<String> failure() {
            if (!failed) {
                return Optional.empty();
            }
            List<String> bad = runs.stream().filter(r -> !r.succeeded())
                    .map(r -> r.name() + " " + r.status() + " (" + r.summary() + ")").toList();
            return Optional.of(bad.isEmpty()
                    ? "the migration-rollback hooks did not run: traffic was not all back on the previous revision"
                    : "rollback hook" + (bad.size() == 1 ? " " : "s ") + String.join(", ", bad));
        }

        /** Adds the runs (those not yet there) and the notes to {@code record}. */
        void recordInto(ReleaseRecord.Builder record) {
            HookRunner.recordInto(record, runs);
            notes.forEach(record::note);
        }
    }

    /** Adds {@code runs} to {@code record}, except a run the record already holds (a resumed release's snapshot). */
    static void recordInto(ReleaseRecord.Builder record, List<HookRun> runs) {
        List<HookRun> held = record.build().hooks();
        for (HookRun r : runs) {
            boolean there = held.stream().anyMatch(h -> h.deliveryId().equals(r.deliveryId())
                    && h.attempt() == r.attempt());
            if (!there) {
                record.hook(r);
            }
        }
    }

    /** An {@link Error} a hook threw, carried out of {@link #execute} to be recorded first. */
    private static final class HookThrewError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Error error;

        HookThrewError(Error error) {
            super(error);
            this.error = error;
        }
    }
}
