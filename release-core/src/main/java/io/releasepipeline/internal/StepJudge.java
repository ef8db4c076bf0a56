package io.releasepipeline.internal;

import io.releasepipeline.format.Format;
import io.releasepipeline.trigger.AlertTrigger;
import io.releasepipeline.trigger.CanaryAnalysisTrigger;
import io.releasepipeline.trigger.ErrorRateTrigger;
import io.releasepipeline.trigger.NoDataPolicy;
import io.releasepipeline.trigger.Observations;
import io.releasepipeline.trigger.ReadErrorPolicy;
import io.releasepipeline.trigger.RollbackTrigger;
import io.releasepipeline.trigger.Signal;
import io.releasepipeline.trigger.TriggerState;
import io.releasepipeline.trigger.TriggerVerdict;
import io.releasepipeline.trigger.Triggers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The decisions of one step's observation, apart from how its samples are taken: every trigger judged after each
 * sample, and at the window's end the smoke check's verification, the read error policy, the no data policy and
 * their holds. The live engine ({@link StepObservation}) feeds it the samples it takes; a backtest
 * ({@link Replay}) feeds it the samples a record kept. Same inputs, same verdicts, to the millisecond. Not
 * thread-safe.
 */
final class StepJudge {

    /** What a judgement decided. */
    sealed interface Decision {
        /** True when the step is over: a trigger fired or it passed. */
        default boolean decided() {
            return this instanceof Fired || this instanceof Passed;
        }

        /** Nothing decided yet: go on observing. */
        record GoOn() implements Decision {
        }

        /** Hold the step for data until {@code until} (then judged again). */
        record Hold(Instant until) implements Decision {
        }

        /** A trigger fired (or the step could not be verified). */
        record Fired(TriggerVerdict verdict) implements Decision {
        }

        /** The step passed with these closing verdicts. */
        record Passed(List<TriggerVerdict> verdicts) implements Decision {
        }
    }

    /** What the judge tells the world as it decides; the live engine emits events, a replay listens to nothing. */
    interface Listener {
        /** A trigger fired. */
        default void fired(TriggerVerdict verdict) {
        }

        /** An advisory trigger fired. */
        default void advised(TriggerVerdict verdict) {
        }

        /** The step is held until {@code until} for {@code what}. */
        default void holding(Instant now, String what, Instant until) {
        }

        /** A warning worth a note. */
        default void warn(String note) {
        }

        /** The step passed. */
        default void passed(Instant now, List<TriggerVerdict> verdicts) {
        }
    }

    static final Listener SILENT = new Listener() {
    };

    /** The triggers judged on error-rate readings, whose {@link TriggerState#ERROR} the read error policy decides. */
    private static final Set<String> READS_ERROR_RATE = Set.of(ErrorRateTrigger.NAME, CanaryAnalysisTrigger.NAME);

    private final Triggers triggers;
    private final List<RollbackTrigger> armed;
    private final TriggerVerdict[] latest;
    private final Observations observations;
    private final int weight;
    private final Duration window;
    private final Instant end;
    private final Listener listener;
    private final Set<String> advised = new HashSet<>();
    private final List<TriggerVerdict> found = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private boolean smokeVerified;
    private String alertReadError;
    private Instant holdUntil;

    /**
     * @param awaiting true for a watch kept while a decision is awaited: no window end, the smoke check already
     *     verified
     */
    StepJudge(Triggers triggers, Observations observations, int weight, Duration window, boolean awaiting,
            Listener listener) {
        this.triggers = triggers;
        this.armed = triggers.all();
        this.latest = new TriggerVerdict[armed.size()];
        this.observations = observations;
        this.weight = weight;
        this.window = window;
        this.end = awaiting ? null : observations.start().plus(window);
        this.smokeVerified = awaiting;
        this.listener = listener;
    }

    /** When the window ends, or null for a watch kept while a decision is awaited. */
    Instant end() {
        return end;
    }

    /** Until when the step is held, once a hold started. */
    Optional<Instant> holdUntil() {
        return Optional.ofNullable(holdUntil);
    }

    /** A smoke check was recorded into the observations. */
    void smokeChecked(boolean passed) {
        if (passed) {
            smokeVerified = true;
        }
    }

    /** The alert source was read: {@code error} is why it failed, or null. */
    void alertsRead(String error) {
        alertReadError = error;
    }

    /** The verdicts that go into the evidence: the one that fired, advisory ones, a step's closing ones. */
    List<TriggerVerdict> found() {
        return found;
    }

    /** The notes that go into the evidence. */
    List<String> notes() {
        return notes;
    }

    /** Each trigger's latest verdict, in arming order. */
    List<TriggerVerdict> latest() {
        List<TriggerVerdict> verdicts = new ArrayList<>();
        for (TriggerVerdict v : latest) {
            if (v != null) {
                verdicts.add(v);
            }
        }
        return verdicts;
    }

    /**
     * Judges the triggers that read {@code signal} right after its sample (answered at {@code at}) was recorded into
     * the observations; on the first judgement, every trigger. Fires or goes on; the window's end is judged apart
     * ({@link #judgeEnd}), once every sample due in a round was taken.
     */
    Decision judge(Signal signal, Instant at) {
        for (int i = 0; i < armed.size(); i++) {
            RollbackTrigger trigger = armed.get(i);
            // Judging only on new samples keeps a ten-minute observation at one probe a second cheap.
            if (latest[i] == null || trigger.signals().contains(signal)) {
                Optional<Decision> fired = evaluate(i, at);
                if (fired.isPresent()) {
                    return fired.get();
                }
            }
        }
        return new Decision.GoOn();
    }

    /**
     * True when a round that ended at {@code at} must judge the window's end: a window step at or after its end.
     */
    boolean ending(Instant at) {
        return end != null && !at.isBefore(end);
    }

    /**
     * Judges the window's end at {@code at} (see {@link #ending}): every trigger, then the smoke check's
     * verification, the read error and no data policies, and their holds.
     */
    Decision judgeEnd(Instant at) {
        for (int i = 0; i < armed.size(); i++) {
            Optional<Decision> fired = evaluate(i, at);
            if (fired.isPresent()) {
                return fired.get();
            }
        }
        return atEnd(at);
    }

    private Optional<Decision> evaluate(int i, Instant at) {
        TriggerVerdict v = armed.get(i).evaluate(observations, at);
        if (v.firing()) {
            if (!triggers.isAdvisory(v.trigger())) {
                return Optional.of(fired(v));
            }
            advise(v);
        }
        latest[i] = v;
        return Optional.empty();
    }

    private Decision atEnd(Instant now) {
        List<TriggerVerdict> verdicts = List.of(latest);
        if (!smokeVerified) {
            return fired(new TriggerVerdict(Triggers.SMOKE_CHECK, TriggerState.FIRING, "the smoke check never passed "
                    + "during the " + Format.duration(window) + " step: " + observations.smoke().latestDetail(), now));
        }
        Optional<ErrorRateTrigger> errorRate = triggers.errorRate();
        // A rollback signal that cannot be read is never a silent pass: the error rate's ERROR verdict, and an alert
        // source whose latest read failed (a provider failure, not a quiet source), both go to the read error
        // policy. A health probe or smoke check that throws already counts as failing.
        Optional<TriggerVerdict> readError = verdicts.stream()
                .filter(v -> v.state() == TriggerState.ERROR && READS_ERROR_RATE.contains(v.trigger()))
                .findFirst()
                .or(() -> Optional.ofNullable(alertReadError).map(why -> new TriggerVerdict(AlertTrigger.NAME,
                        TriggerState.ERROR, "the alert source could not be read: " + why, now)));
        if (readError.isPresent()) {
            ReadErrorPolicy policy = triggers.onReadError();
            if (policy == ReadErrorPolicy.HOLD_THEN_ROLLBACK) {
                Optional<Decision> hold = hold(now, errorRate.map(ErrorRateTrigger::holdLimit)
                        .orElse(Triggers.DEFAULT_HOLD_LIMIT), "a successful read of the " + readError.get().trigger()
                                + " signal of " + observations.revision() + " (" + readError.get().reason() + ")");
                if (hold.isPresent()) {
                    return hold.get();
                }
            }
            String signal = readError.get().trigger().equals(AlertTrigger.NAME) ? "alerts" : "error rate";
            note(signal + " not verified at " + weight + "%: its signal could not be read (" + policy + "): "
                    + readError.get().reason());
            if (policy != ReadErrorPolicy.PROMOTE_WITH_NOTE) {
                found.add(readError.get());
                TriggerVerdict v = new TriggerVerdict(readError.get().trigger(), TriggerState.FIRING,
                        "read error policy " + policy + ": " + readError.get().reason(), now);
                if (!triggers.isAdvisory(v.trigger())) {
                    return fired(v);
                }
                advise(v);
            }
        }
        Optional<TriggerVerdict> noData = verdicts.stream()
                .filter(v -> v.trigger().equals(ErrorRateTrigger.NAME) && v.state() == TriggerState.NO_DATA)
                .findFirst();
        if (noData.isPresent()) {
            NoDataPolicy policy = errorRate.orElseThrow().noDataPolicy();
            if (policy == NoDataPolicy.FAIL) {
                TriggerVerdict v = new TriggerVerdict(ErrorRateTrigger.NAME, TriggerState.FIRING,
                        "no data policy FAIL: " + noData.get().reason(), now);
                if (!triggers.isAdvisory(ErrorRateTrigger.NAME)) {
                    return fired(v);
                }
                advise(v);
            }
            if (policy == NoDataPolicy.HOLD) {
                Optional<Decision> hold = hold(now, errorRate.orElseThrow().holdLimit(), "enough traffic to judge the "
                        + "error rate of " + observations.revision() + " (" + noData.get().reason() + ")");
                if (hold.isPresent()) {
                    return hold.get();
                }
            }
            note("error rate not verified at " + weight + "% (" + policy + "): " + noData.get().reason());
        }
        found.addAll(verdicts);
        listener.passed(now, verdicts);
        return new Decision.Passed(verdicts);
    }

    /** Holds the step (the first hold fixes its end) while {@code now} is before the hold's end. */
    private Optional<Decision> hold(Instant now, Duration limit, String what) {
        if (holdUntil == null) {
            holdUntil = end.plus(limit);
            listener.holding(now, what, holdUntil);
        }
        return now.isBefore(holdUntil) ? Optional.of(new Decision.Hold(holdUntil)) : Optional.empty();
    }

    private void note(String note) {
        notes.add(note);
        listener.warn(note);
    }

    /** A trigger in advisory mode fired: record what it would have done, once per step, and go on. */
    private void advise(TriggerVerdict v) {
        if (advised.add(v.trigger())) {
            found.add(new TriggerVerdict(v.trigger() + " (advisory)", v.state(), v.reason(), v.at()));
            notes.add("advisory: " + v.trigger() + " would have rolled back at " + weight + "% (" + v.at() + "): "
                    + v.reason());
            listener.advised(v);
        }
    }

    private Decision fired(TriggerVerdict v) {
        found.add(v);
        listener.fired(v);
        return new Decision.Fired(v);
    }
}
