package io.releasepipeline.internal;

import io.releasepipeline.error.ProviderException;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.TimelinePoint;
import io.releasepipeline.format.Format;
import io.releasepipeline.health.HealthProbe;
import io.releasepipeline.health.SmokeResult;
import io.releasepipeline.health.SmokeTarget;
import io.releasepipeline.spi.ErrorRateReading;
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
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/**
 * Watches the new revision during one traffic step: health probes, smoke checks and error-rate readings, each on
 * its own interval, every trigger judged after each sample. Ends when a trigger fires, a stop is requested, or the
 * window (possibly held for error-rate data) passes with the revision's smoke check verified. What it saw goes into
 * its {@link #findings()}, which the caller records; it never touches the release's record. Not thread-safe.
 */
final class StepObservation {

    /** How a step's observation ended. */
    /**
     * Ends an observation on something other than its window: a decision awaited while the step goes on being
     * watched (a manual approval). {@link #check} is called at {@link #nextCheck} and returns true to end.
     */
    interface Waiter {
        /** When to call {@link #check} next. */
        Instant nextCheck();

        /** Looks for what the observation waits for; true ends the observation as passed. */
        boolean check(Instant now);
    }

    sealed interface Outcome {
        /** Every trigger stayed quiet and the smoke check passed. */
        record Passed(List<TriggerVerdict> verdicts) implements Outcome {
        }

        /** A trigger fired (or the step could not be verified). */
        record Fired(TriggerVerdict verdict) implements Outcome {
        }

        /** Someone asked for a rollback. */
        record Stopped(String reason) implements Outcome {
        }
    }

    /** The triggers judged on error-rate readings, whose {@link TriggerState#ERROR} the read error policy decides. */
    private static final java.util.Set<String> READS_ERROR_RATE = java.util.Set.of(ErrorRateTrigger.NAME,
            io.releasepipeline.trigger.CanaryAnalysisTrigger.NAME);

    /**
     * What an observation found, in the order it found it, for the caller to record: timeline points, verdicts,
     * the smoke checks that go into the evidence, notes. Immutable.
     */
    record Findings(List<TimelinePoint> timeline, List<TriggerVerdict> verdicts, List<SmokeResult> smokeChecks,
            List<String> notes) {

        Findings {
            timeline = List.copyOf(timeline);
            verdicts = List.copyOf(verdicts);
            smokeChecks = List.copyOf(smokeChecks);
            notes = List.copyOf(notes);
        }

        /** Adds the findings to {@code record}. */
        void recordInto(ReleaseRecord.Builder record) {
            timeline.forEach(record::timeline);
            verdicts.forEach(record::verdict);
            smokeChecks.forEach(record::smoke);
            notes.forEach(record::note);
        }
    }

    private final ReleaseOps ops;
    private final List<TimelinePoint> timeline = new java.util.ArrayList<>();
    private final List<TriggerVerdict> foundVerdicts = new java.util.ArrayList<>();
    private final List<SmokeResult> smokeChecks = new java.util.ArrayList<>();
    private final List<String> notes = new java.util.ArrayList<>();
    private final SmokeTarget target;
    private final int weight;
    private final Duration window;
    private final Triggers triggers;
    private final List<RollbackTrigger> armed;
    private final TriggerVerdict[] latest;
    private final Observations observations;
    private final Optional<String> stable;
    /** Alerts fired since traffic first moved count, so that one firing between two steps is not missed. */
    private final Instant alertsSince;
    private final java.util.Set<String> advised = new java.util.HashSet<>();
    private boolean smokeVerified;
    /** Why the latest read of the alert source failed; null once a read succeeds (or none failed). */
    private String alertReadError;
    private Waiter waiter;
    private Boolean lastHealthUp;
    private Boolean lastSmokeOk;

    StepObservation(ReleaseOps ops, SmokeTarget target, int weight, Duration window, Optional<String> stable,
            Instant alertsSince) {
        this.stable = weight < 100 ? stable : Optional.empty();
        this.alertsSince = alertsSince;
        this.ops = ops;
        this.target = target;
        this.weight = weight;
        this.window = window;
        this.triggers = ops.config.triggers();
        this.armed = triggers.all();
        this.latest = new TriggerVerdict[armed.size()];
        this.observations = new Observations(target.revision(), ops.now());
    }

    /**
     * What the observation has found so far: all of it once {@link #run} or {@link #runUntil} returned, and what it
     * found before it was cut short if they threw. The caller records it.
     */
    Findings findings() {
        return new Findings(timeline, foundVerdicts, smokeChecks, notes);
    }

    /**
     * Watches the step until {@code waiter} says it is done instead of until the window ends (the window's own
     * end-of-step checks do not apply: the step has already passed them). Every trigger stays armed.
     */
    Outcome runUntil(Waiter waiter) {
        this.waiter = waiter;
        this.smokeVerified = true;
        return run();
    }

    Outcome run() {
        Instant start = observations.start();
        Instant end = start.plus(window);
        Instant holdUntil = null;
        ops.emit(new ReleaseEvent.ObservationStarted(ops.releaseId, start, target.revision(), weight, window));
        ops.emit(new ReleaseEvent.Waiting(ops.releaseId, start, "observation of " + target.revision() + " at "
                + weight + "%", end));
        Optional<HealthProbe> probe = triggers.healthDownFor().isPresent() ? ops.config.healthProbe()
                : Optional.empty();
        Optional<ErrorRateTrigger> errorRate = triggers.errorRate();
        boolean readErrorRate = errorRate.isPresent() || triggers.canaryAnalysis().isPresent();
        Optional<io.releasepipeline.spi.AlertSource> alerts = triggers.alertSource();
        Instant nextHealth = start;
        Instant nextSmoke = start;
        Instant nextErrorRate = start.plus(triggers.errorRateInterval());
        Instant nextAlerts = start;
        Instant plannedWake = start;
        while (true) {
            Optional<String> stop = ops.stopRequested();
            if (stop.isPresent()) {
                return new Outcome.Stopped(stop.get());
            }
            Instant now = ops.now();
            EnumSet<Signal> sampled = EnumSet.noneOf(Signal.class);
            if (probe.isPresent() && !now.isBefore(nextHealth)) {
                sampleHealth(probe.get(), now);
                nextHealth = advance(nextHealth, triggers.healthProbeInterval(), now);
                sampled.add(Signal.HEALTH);
            }
            if (!now.isBefore(nextSmoke)) {
                sampleSmoke();
                nextSmoke = advance(nextSmoke, triggers.smokeInterval(), now);
                sampled.add(Signal.SMOKE);
            }
            if (readErrorRate && !now.isBefore(nextErrorRate)) {
                sampleErrorRate(now);
                nextErrorRate = advance(nextErrorRate, triggers.errorRateInterval(), now);
                sampled.add(Signal.ERROR_RATE);
            }
            // An alert pushed by a webhook wakes the release early: look at once rather than at the next poll.
            if (alerts.isPresent() && (!now.isBefore(nextAlerts) || now.isBefore(plannedWake))) {
                sampleAlerts(alerts.get(), alertsSince);
                nextAlerts = advance(nextAlerts, triggers.alertInterval(), now);
                sampled.add(Signal.ALERTS);
            }
            now = ops.now();
            if (waiter != null && !now.isBefore(waiter.nextCheck()) && waiter.check(now)) {
                List<TriggerVerdict> verdicts = new java.util.ArrayList<>();
                for (TriggerVerdict v : latest) {
                    if (v != null) {
                        verdicts.add(v);
                    }
                }
                return new Outcome.Passed(verdicts);
            }
            boolean ending = waiter == null && !now.isBefore(end);
            for (int i = 0; i < armed.size(); i++) {
                RollbackTrigger trigger = armed.get(i);
                // Judging only on new samples keeps a ten-minute observation at one probe a second cheap.
                if (ending || latest[i] == null || !Collections.disjoint(trigger.signals(), sampled)) {
                    TriggerVerdict v = trigger.evaluate(observations, now);
                    if (v.firing()) {
                        if (!triggers.isAdvisory(v.trigger())) {
                            return fired(v);
                        }
                        advise(v);
                    }
                    latest[i] = v;
                }
            }
            if (ending) {
                List<TriggerVerdict> verdicts = List.of(latest);
                if (!smokeVerified) {
                    return fired(new TriggerVerdict("smoke-check", TriggerState.FIRING, "the smoke check never passed "
                            + "during the " + Format.duration(window) + " step: " + observations.smoke()
                                    .latestDetail(), now));
                }
                // A rollback signal that cannot be read is never a silent pass: the error rate's ERROR verdict, and
                // an alert source whose latest read failed (a provider failure, not a quiet source), both go to the
                // read error policy. A health probe or smoke check that throws already counts as failing.
                Optional<TriggerVerdict> readError = verdicts.stream()
                        .filter(v -> v.state() == TriggerState.ERROR && READS_ERROR_RATE.contains(v.trigger()))
                        .findFirst()
                        .or(() -> Optional.ofNullable(alertReadError).map(why -> new TriggerVerdict(
                                io.releasepipeline.trigger.AlertTrigger.NAME, TriggerState.ERROR,
                                "the alert source could not be read: " + why, ops.now())));
                if (readError.isPresent()) {
                    ReadErrorPolicy policy = triggers.onReadError();
                    if (policy == ReadErrorPolicy.HOLD_THEN_ROLLBACK) {
                        if (holdUntil == null) {
                            holdUntil = end.plus(errorRate.map(ErrorRateTrigger::holdLimit)
                                    .orElse(Triggers.DEFAULT_HOLD_LIMIT));
                            ops.emit(new ReleaseEvent.Waiting(ops.releaseId, now, "a successful read of the "
                                    + readError.get().trigger() + " signal of " + target.revision() + " ("
                                    + readError.get().reason() + ")", holdUntil));
                        }
                        if (now.isBefore(holdUntil)) {
                            plannedWake = earliest(earliest(nextHealth, nextSmoke, nextErrorRate, holdUntil,
                                    probe.isPresent(), readErrorRate), nextAlerts, alerts.isPresent());
                            ops.sleepUntil(plannedWake);
                            continue;
                        }
                    }
                    String signal = readError.get().trigger().equals(io.releasepipeline.trigger.AlertTrigger.NAME)
                            ? "alerts" : "error rate";
                    String note = signal + " not verified at " + weight + "%: its signal could not be read ("
                            + policy + "): " + readError.get().reason();
                    notes.add(note);
                    ops.warn(note);
                    if (policy != ReadErrorPolicy.PROMOTE_WITH_NOTE) {
                        foundVerdicts.add(readError.get());
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
                        if (holdUntil == null) {
                            holdUntil = end.plus(errorRate.orElseThrow().holdLimit());
                            ops.emit(new ReleaseEvent.Waiting(ops.releaseId, now, "enough traffic to judge the "
                                    + "error rate of " + target.revision() + " (" + noData.get().reason() + ")",
                                    holdUntil));
                        }
                        if (now.isBefore(holdUntil)) {
                            plannedWake = earliest(earliest(nextHealth, nextSmoke, nextErrorRate, holdUntil,
                                    probe.isPresent(), readErrorRate), nextAlerts, alerts.isPresent());
                            ops.sleepUntil(plannedWake);
                            continue;
                        }
                    }
                    String note = "error rate not verified at " + weight + "% (" + policy + "): "
                            + noData.get().reason();
                    notes.add(note);
                    ops.warn(note);
                }
                verdicts.forEach(foundVerdicts::add);
                ops.emit(new ReleaseEvent.ObservationPassed(ops.releaseId, now, weight, verdicts));
                return new Outcome.Passed(verdicts);
            }
            plannedWake = earliest(earliest(nextHealth, nextSmoke, nextErrorRate, waiter != null ? waiter.nextCheck() : end,
                    probe.isPresent(), readErrorRate), nextAlerts, alerts.isPresent());
            ops.sleepUntil(plannedWake);
        }
    }

    private static Instant earliest(Instant t, Instant other, boolean use) {
        return use && other.isBefore(t) ? other : t;
    }

    /** A trigger in advisory mode fired: record what it would have done, once per step, and go on. */
    private void advise(TriggerVerdict v) {
        if (advised.add(v.trigger())) {
            TriggerVerdict recorded = new TriggerVerdict(v.trigger() + " (advisory)", v.state(), v.reason(), v.at());
            foundVerdicts.add(recorded);
            String note = "advisory: " + v.trigger() + " would have rolled back at " + weight + "% (" + v.at() + "): "
                    + v.reason();
            notes.add(note);
            ops.emit(new ReleaseEvent.AdvisoryVerdict(ops.releaseId, v.at(), v));
        }
    }

    private Outcome fired(TriggerVerdict v) {
        foundVerdicts.add(v);
        ops.emit(new ReleaseEvent.TriggerFired(ops.releaseId, v.at(), v));
        return new Outcome.Fired(v);
    }

    private static Instant earliest(Instant health, Instant smoke, Instant errorRate, Instant end, boolean probing,
            boolean reading) {
        Instant t = end;
        if (probing && health.isBefore(t)) {
            t = health;
        }
        if (smoke.isBefore(t)) {
            t = smoke;
        }
        if (reading && errorRate.isBefore(t)) {
            t = errorRate;
        }
        return t;
    }

    /** The next due time on the grid {@code due + k * interval} strictly after {@code now}: no drift, no bursts. */
    private static Instant advance(Instant due, Duration interval, Instant now) {
        Instant next = due.plus(interval);
        if (!next.isAfter(now)) {
            long behind = Duration.between(next, now).toNanos() / interval.toNanos() + 1;
            next = next.plus(interval.multipliedBy(behind));
        }
        return next;
    }

    private void sampleHealth(HealthProbe probe, Instant now) {
        HealthProbe.ProbeResult r = Probes.probe(ops, probe, target);
        Instant at = ops.now();
        observations.health().record(at, r.up(), r.detail());
        if (lastHealthUp == null || lastHealthUp != r.up()) {
            lastHealthUp = r.up();
            timeline.add(new TimelinePoint(at, "health", r.up(), Optional.empty(), r.detail()));
            ops.emit(new ReleaseEvent.SignalObserved(ops.releaseId, at, "health", r.up(), r.detail()));
        }
    }

    private void sampleSmoke() {
        SmokeResult r = Probes.smoke(ops, target);
        observations.smoke().record(r.at(), r.passed(), r.summary());
        timeline.add(new TimelinePoint(r.at(), "smoke", r.passed(), Optional.empty(), r.summary()));
        ops.emit(new ReleaseEvent.SmokeChecked(ops.releaseId, r.at(), r));
        boolean changed = lastSmokeOk == null || lastSmokeOk != r.passed();
        lastSmokeOk = r.passed();
        if (r.passed() && !smokeVerified) {
            smokeVerified = true;
            smokeChecks.add(r);
        } else if (!r.passed() && changed) {
            // The first failure of a streak goes into the evidence with its endpoints; the rest are on the timeline.
            smokeChecks.add(r);
        }
    }

    private void sampleErrorRate(Instant now) {
        Duration window = triggers.errorRate().map(ErrorRateTrigger::window).orElse(Triggers.DEFAULT_ERROR_RATE_WINDOW);
        Instant from = now.minus(window);
        ErrorRateReading reading = ops.errorRate(target.revision(), "", from, now);
        observations.recordErrorRate(reading);
        stable.ifPresent(s -> observations.recordStableErrorRate(ops.errorRate(s, "", from, now)));
        Optional<Double> value = reading instanceof ErrorRateReading.Measured m ? Optional.of(m.rate())
                : Optional.empty();
        TriggerVerdict v = triggers.errorRate().map(t -> t.evaluate(observations, now))
                .orElseGet(() -> triggers.canaryAnalysis().orElseThrow().evaluate(observations, now));
        // A failed read is bad and says so: never shown like a healthy sample or like no data.
        boolean ok = v.state() == TriggerState.OK || v.state() == TriggerState.NO_DATA;
        String detail = v.state() == TriggerState.ERROR ? "ERROR: " + v.reason() : v.reason();
        timeline.add(new TimelinePoint(now, "error-rate", ok, value, detail));
        ops.emit(new ReleaseEvent.SignalObserved(ops.releaseId, now, "error-rate", ok, detail));
    }

    private void sampleAlerts(io.releasepipeline.spi.AlertSource source, Instant since) {
        try {
            List<io.releasepipeline.spi.Alert> firing = ops.alerts(source, since);
            alertReadError = null;
            boolean before = !observations.alerts().isEmpty();
            observations.recordAlerts(firing);
            if (!firing.isEmpty() != before) {
                Instant at = ops.now();
                String detail = firing.isEmpty() ? "no alert firing" : firing.size() + " alert(s) firing: "
                        + firing.get(0).name();
                timeline.add(new TimelinePoint(at, "alert", firing.isEmpty(), Optional.empty(), detail));
                ops.emit(new ReleaseEvent.SignalObserved(ops.releaseId, at, "alert", firing.isEmpty(), detail));
            }
        } catch (ProviderException e) {
            alertReadError = e.getMessage();
            ops.warn("could not read alerts from " + source.providerName() + ": " + e.getMessage());
        }
    }
}
