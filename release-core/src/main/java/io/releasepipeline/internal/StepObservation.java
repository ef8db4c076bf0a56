package io.releasepipeline.internal;

import io.releasepipeline.error.ProviderException;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.Samples;
import io.releasepipeline.evidence.TimelinePoint;
import io.releasepipeline.health.HealthProbe;
import io.releasepipeline.health.SmokeResult;
import io.releasepipeline.health.SmokeTarget;
import io.releasepipeline.spi.ErrorRateReading;
import io.releasepipeline.trigger.ErrorRateTrigger;
import io.releasepipeline.trigger.Observations;
import io.releasepipeline.trigger.Signal;
import io.releasepipeline.trigger.TriggerState;
import io.releasepipeline.trigger.TriggerVerdict;
import io.releasepipeline.trigger.Triggers;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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

    /**
     * What an observation found, in the order it found it, for the caller to record: timeline points, verdicts,
     * the smoke checks that go into the evidence, notes. Immutable.
     */
    record Findings(List<TimelinePoint> timeline, List<TriggerVerdict> verdicts, List<SmokeResult> smokeChecks,
            List<String> notes, Samples.Policy policy, Samples.Step samples) {

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
            record.samples(policy, samples);
        }
    }

    private final ReleaseOps ops;
    private final List<TimelinePoint> timeline = new java.util.ArrayList<>();
    private final List<SmokeResult> smokeChecks = new java.util.ArrayList<>();
    private final SmokeTarget target;
    private final int weight;
    private final Duration window;
    private final Triggers triggers;
    private final Observations observations;
    private final Optional<String> stable;
    /** Alerts fired since traffic first moved count, so that one firing between two steps is not missed. */
    private final Instant alertsSince;
    private final SampleRecorder samples;
    private StepJudge judge;
    private Waiter waiter;
    private Boolean lastHealthUp;
    private Boolean lastSmokeOk;
    /** Whether a passing smoke check went into the evidence (the one that verified the step). */
    private boolean passRecorded;
    /** When the triggers were last judged: an observation cut short closes there, samples after it unjudged. */
    private Instant lastJudged;
    private Samples.Step closed;

    /**
     * @param sampleBudget how many more samples the release's record may keep ({@link Samples#MAX_SAMPLES} less
     *     those kept so far)
     */
    StepObservation(ReleaseOps ops, SmokeTarget target, int weight, Duration window, Optional<String> stable,
            Instant alertsSince, int sampleBudget) {
        this.stable = weight < 100 ? stable : Optional.empty();
        this.alertsSince = alertsSince;
        this.ops = ops;
        this.target = target;
        this.weight = weight;
        this.window = window;
        this.triggers = ops.config.triggers();
        // Observation keeps time to the millisecond, the samples' precision, so that a replay of them lands on the
        // very same instants.
        Instant start = ops.now().truncatedTo(ChronoUnit.MILLIS);
        this.observations = new Observations(target.revision(), start);
        this.samples = new SampleRecorder(start, sampleBudget);
        this.lastJudged = start;
    }

    /**
     * What the observation has found so far: all of it once {@link #run} or {@link #runUntil} returned, and what it
     * found before it was cut short if they threw (its samples then end as interrupted). The caller records it.
     */
    Findings findings() {
        Samples.Step step = closed != null ? closed : close(Samples.End.INTERRUPTED, lastJudged);
        return new Findings(timeline, judge == null ? List.of() : judge.found(), smokeChecks,
                judge == null ? List.of() : judge.notes(), Samples.Policy.of(triggers), step);
    }

    private Samples.Step close(Samples.End end, Instant at) {
        return samples.close(target.revision(), stable, weight, window, waiter != null, end, at);
    }

    /**
     * Watches the step until {@code waiter} says it is done instead of until the window ends (the window's own
     * end-of-step checks do not apply: the step has already passed them). Every trigger stays armed.
     */
    Outcome runUntil(Waiter waiter) {
        this.waiter = waiter;
        this.passRecorded = true;
        return run();
    }

    Outcome run() {
        Instant start = observations.start();
        judge = new StepJudge(triggers, observations, weight, window, waiter != null, new Announcer());
        Instant end = start.plus(window);
        ops.emit(new ReleaseEvent.ObservationStarted(ops.releaseId, start, target.revision(), weight, window));
        ops.emit(new ReleaseEvent.Waiting(ops.releaseId, start, "observation of " + target.revision() + " at "
                + weight + "%", end));
        Optional<HealthProbe> probe = triggers.healthDownFor().isPresent() ? ops.config.healthProbe()
                : Optional.empty();
        boolean readErrorRate = triggers.errorRate().isPresent() || triggers.canaryAnalysis().isPresent();
        Optional<io.releasepipeline.spi.AlertSource> alerts = triggers.alertSource();
        Instant nextHealth = start;
        Instant nextSmoke = start;
        Instant nextErrorRate = start.plus(triggers.errorRateInterval());
        Instant nextAlerts = start;
        Instant plannedWake = start;
        while (true) {
            Optional<String> stop = ops.stopRequested();
            if (stop.isPresent()) {
                return ended(Samples.End.STOPPED, tick(), new Outcome.Stopped(stop.get()));
            }
            // Due samples are taken by the round's instant; each is recorded at the moment its answer came (a probe
            // that hung for two minutes was down for those two minutes) and the triggers are judged right after it.
            Instant now = tick();
            StepJudge.Decision decision = new StepJudge.Decision.GoOn();
            boolean judged = false;
            if (probe.isPresent() && !now.isBefore(nextHealth)) {
                nextHealth = advance(nextHealth, triggers.healthProbeInterval(), now);
                decision = judge(Signal.HEALTH, sampleHealth(probe.get()));
                judged = true;
            }
            if (!decision.decided() && !now.isBefore(nextSmoke)) {
                nextSmoke = advance(nextSmoke, triggers.smokeInterval(), now);
                decision = judge(Signal.SMOKE, sampleSmoke());
                judged = true;
            }
            if (!decision.decided() && readErrorRate && !now.isBefore(nextErrorRate)) {
                nextErrorRate = advance(nextErrorRate, triggers.errorRateInterval(), now);
                decision = judge(Signal.ERROR_RATE, sampleErrorRate(now));
                judged = true;
            }
            // An alert pushed by a webhook wakes the release early: look at once rather than at the next poll.
            if (!decision.decided() && alerts.isPresent()
                    && (!now.isBefore(nextAlerts) || now.isBefore(plannedWake))) {
                nextAlerts = advance(nextAlerts, triggers.alertInterval(), now);
                decision = judge(Signal.ALERTS, sampleAlerts(alerts.get(), alertsSince));
                judged = true;
            }
            // From the window's end on, each round ends by judging it, once its samples are in: a reading due at
            // the end counts. At the last sample's answer, or at the round's instant when none was due.
            Instant roundEnd = judged ? lastJudged : now;
            if (!decision.decided() && judge.ending(roundEnd)) {
                samples.judgedEnd(roundEnd);
                decision = judge.judgeEnd(roundEnd);
                lastJudged = roundEnd;
            }
            if (decision instanceof StepJudge.Decision.Fired f) {
                return ended(Samples.End.FIRED, lastJudged, new Outcome.Fired(f.verdict()));
            }
            if (decision instanceof StepJudge.Decision.Passed p) {
                return ended(Samples.End.PASSED, lastJudged, new Outcome.Passed(p.verdicts()));
            }
            if (waiter != null) {
                Instant checked = tick();
                if (!checked.isBefore(waiter.nextCheck()) && waiter.check(checked)) {
                    return ended(Samples.End.PASSED, checked, new Outcome.Passed(judge.latest()));
                }
            }
            Instant until = decision instanceof StepJudge.Decision.Hold h ? h.until()
                    : waiter != null ? waiter.nextCheck() : end;
            plannedWake = earliest(earliest(nextHealth, nextSmoke, nextErrorRate, until, probe.isPresent(),
                    readErrorRate), nextAlerts, alerts.isPresent());
            ops.sleepUntil(plannedWake);
        }
    }

    private Instant tick() {
        return ops.now().truncatedTo(ChronoUnit.MILLIS);
    }

    /** Judges the triggers right after a sample of {@code signal} answered at {@code at}. */
    private StepJudge.Decision judge(Signal signal, Instant at) {
        StepJudge.Decision decision = judge.judge(signal, at);
        lastJudged = at;
        return decision;
    }

    private Outcome ended(Samples.End end, Instant at, Outcome outcome) {
        closed = close(end, at);
        return outcome;
    }

    /** Tells the release what the judge decides: events and warnings. */
    private final class Announcer implements StepJudge.Listener {
        @Override
        public void fired(TriggerVerdict v) {
            ops.emit(new ReleaseEvent.TriggerFired(ops.releaseId, v.at(), v));
        }

        @Override
        public void advised(TriggerVerdict v) {
            ops.emit(new ReleaseEvent.AdvisoryVerdict(ops.releaseId, v.at(), v));
        }

        @Override
        public void holding(Instant now, String what, Instant until) {
            ops.emit(new ReleaseEvent.Waiting(ops.releaseId, now, what, until));
        }

        @Override
        public void warn(String note) {
            ops.warn(note);
        }

        @Override
        public void passed(Instant now, List<TriggerVerdict> verdicts) {
            ops.emit(new ReleaseEvent.ObservationPassed(ops.releaseId, now, weight, verdicts));
        }
    }

    private static Instant earliest(Instant t, Instant other, boolean use) {
        return use && other.isBefore(t) ? other : t;
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
    static Instant advance(Instant due, Duration interval, Instant now) {
        Instant next = due.plus(interval);
        if (!next.isAfter(now)) {
            long behind = Duration.between(next, now).toNanos() / interval.toNanos() + 1;
            next = next.plus(interval.multipliedBy(behind));
        }
        return next;
    }

    private Instant sampleHealth(HealthProbe probe) {
        // On the release's clock: a simulation's records are the same on every run.
        Instant began = ops.now();
        HealthProbe.ProbeResult r = Probes.probe(ops, probe, target);
        Instant answered = ops.now();
        // The probe's own measurement when it gives one (the exchange alone); else the call on the release's clock.
        Duration latency = r.latency().orElseGet(() -> Duration.between(began, answered));
        Instant now = answered.truncatedTo(ChronoUnit.MILLIS);
        observations.health().record(now, r.up(), r.detail());
        samples.health(now, r.up(), r.detail(), latency);
        if (lastHealthUp == null || lastHealthUp != r.up()) {
            lastHealthUp = r.up();
            timeline.add(new TimelinePoint(now, Triggers.HEALTH_ENDPOINT, r.up(), Optional.empty(), r.detail()));
            ops.emit(new ReleaseEvent.SignalObserved(ops.releaseId, now, Triggers.HEALTH_ENDPOINT, r.up(),
                    r.detail()));
        }
        return now;
    }

    private Instant sampleSmoke() {
        SmokeResult r = Probes.smoke(ops, target);
        Instant now = tick();
        observations.smoke().record(now, r.passed(), r.summary());
        samples.smoke(now, r);
        judge.smokeChecked(r.passed());
        // At the answer, to the millisecond, like every other signal's point: the check's own instant is finer (a
        // nanosecond clock), which put it after the next sample's truncated one and the timeline out of order.
        timeline.add(new TimelinePoint(now, Triggers.SMOKE_CHECK, r.passed(), Optional.empty(), r.summary()));
        ops.emit(new ReleaseEvent.SmokeChecked(ops.releaseId, r.at(), r));
        boolean changed = lastSmokeOk == null || lastSmokeOk != r.passed();
        lastSmokeOk = r.passed();
        if (r.passed() && !passRecorded) {
            passRecorded = true;
            smokeChecks.add(r);
        } else if (!r.passed() && changed) {
            // The first failure of a streak goes into the evidence with its endpoints; the rest are on the timeline.
            smokeChecks.add(r);
        }
        return now;
    }

    private Instant sampleErrorRate(Instant due) {
        Duration window = triggers.errorRate().map(ErrorRateTrigger::window).orElse(Triggers.DEFAULT_ERROR_RATE_WINDOW);
        Instant from = due.minus(window);
        ErrorRateReading reading = ops.errorRate(target.revision(), "", from, due);
        observations.recordErrorRate(reading);
        Optional<ErrorRateReading> stableReading = stable.map(s -> ops.errorRate(s, "", from, due));
        Instant now = tick();
        stableReading.ifPresent(observations::recordStableErrorRate);
        samples.errorRate(now, reading, stableReading);
        Optional<Double> value = reading instanceof ErrorRateReading.Measured m ? Optional.of(m.rate())
                : Optional.empty();
        TriggerVerdict v = triggers.errorRate().map(t -> t.evaluate(observations, now))
                .orElseGet(() -> triggers.canaryAnalysis().orElseThrow().evaluate(observations, now));
        // A failed read is bad and says so: never shown like a healthy sample or like no data.
        boolean ok = v.state() == TriggerState.OK || v.state() == TriggerState.NO_DATA;
        String detail = v.state() == TriggerState.ERROR ? "ERROR: " + v.reason() : v.reason();
        timeline.add(new TimelinePoint(now, Triggers.ERROR_RATE, ok, value, detail));
        ops.emit(new ReleaseEvent.SignalObserved(ops.releaseId, now, Triggers.ERROR_RATE, ok, detail));
        return now;
    }

    private Instant sampleAlerts(io.releasepipeline.spi.AlertSource source, Instant since) {
        Instant now;
        try {
            List<io.releasepipeline.spi.Alert> firing = ops.alerts(source, since);
            now = tick();
            judge.alertsRead(null);
            samples.alerts(now, firing, null);
            boolean before = !observations.alerts().isEmpty();
            observations.recordAlerts(firing);
            if (!firing.isEmpty() != before) {
                String detail = firing.isEmpty() ? "no alert firing" : firing.size() + " alert(s) firing: "
                        + firing.get(0).name();
                timeline.add(new TimelinePoint(now, Triggers.ALERT, firing.isEmpty(), Optional.empty(), detail));
                ops.emit(new ReleaseEvent.SignalObserved(ops.releaseId, now, Triggers.ALERT, firing.isEmpty(),
                        detail));
            }
        } catch (ProviderException e) {
            now = tick();
            judge.alertsRead(e.getMessage());
            samples.alerts(now, List.of(), e.getMessage());
            ops.warn("could not read alerts from " + source.providerName() + ": " + e.getMessage());
        }
        return now;
    }
}
