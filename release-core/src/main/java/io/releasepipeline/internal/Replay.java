package io.releasepipeline.internal;

import io.releasepipeline.backtest.Replayer;
import io.releasepipeline.backtest.SampleReplay;
import io.releasepipeline.backtest.SampleReplay.Ending;
import io.releasepipeline.evidence.Samples;
import io.releasepipeline.health.EndpointResult;
import io.releasepipeline.health.SmokeResult;
import io.releasepipeline.spi.ErrorRateReading;
import io.releasepipeline.trigger.ErrorRateTrigger;
import io.releasepipeline.trigger.Observations;
import io.releasepipeline.trigger.Signal;
import io.releasepipeline.trigger.TriggerVerdict;
import io.releasepipeline.trigger.Triggers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Replays a record's samples through a policy: each step's samples recorded into fresh {@link Observations} at the
 * instants they were taken, and judged by the same {@link StepJudge} the engine runs, on the record's own timeline
 * (traffic moved when it really did). Registered as the {@link Replayer} ({@code META-INF/services}); not API:
 * {@code io.releasepipeline.backtest.Backtest} is. Stateless and thread-safe.
 */
public final class Replay implements Replayer {

    /** Called by {@link java.util.ServiceLoader}. */
    public Replay() {
    }

    @Override
    public SampleReplay replay(Samples samples, Triggers policy) {
        return run(samples, policy);
    }

    /**
     * Replays {@code samples} through {@code policy}.
     *
     * @param samples the record's samples
     * @param policy the policy to judge them with (custom triggers are judged too: they see the same observations)
     */
    public static SampleReplay run(Samples samples, Triggers policy) {
        List<String> caveats = new ArrayList<>();
        if (samples.format() != Samples.FORMAT) {
            // A format this version does not know may mean something else by the same fields: never guessed at.
            return new SampleReplay(Ending.NOT_REPLAYABLE, Optional.empty(), 0, 0, List.of(),
                    "the samples are in format " + samples.format() + "; this version reads format " + Samples.FORMAT
                            + ": replay it with a newer "
                    + "release-pipeline", caveats);
        }
        Optional<String> unfit = fit(samples.policy(), policy, caveats);
        if (unfit.isPresent()) {
            return new SampleReplay(Ending.NOT_REPLAYABLE, Optional.empty(), 0, 0, List.of(), unfit.get(),
                    caveats);
        }
        List<TriggerVerdict> verdicts = new ArrayList<>();
        List<Samples.Step> steps = samples.steps();
        for (int i = 0; i < steps.size(); i++) {
            Samples.Step step = steps.get(i);
            StepRun run = new StepRun(samples.policy(), policy, step);
            StepJudge.Decision decision = run.judge();
            verdicts.addAll(run.judge.found());
            if (decision instanceof StepJudge.Decision.Fired f) {
                return new SampleReplay(Ending.FIRED, Optional.of(f.verdict()), i, step.weight(), verdicts, "",
                        caveats);
            }
            if (decision instanceof StepJudge.Decision.Passed) {
                continue;
            }
            // Undecided when the samples ran out.
            if (step.end() == Samples.End.INTERRUPTED) {
                caveats.add("the observation at " + step.weight() + "% was cut short (the release resumed and observed"
                        + " again)");
                continue;
            }
            if (step.approval() && step.end() == Samples.End.PASSED) {
                continue;
            }
            if (step.truncated().isPresent()) {
                return new SampleReplay(Ending.INCONCLUSIVE, Optional.empty(), i, step.weight(), verdicts,
                        "the record kept samples only until " + step.start().plusMillis(step.truncated().get())
                                + " (at most " + Samples.MAX_SAMPLES + " per release)", caveats);
            }
            if (step.end() == Samples.End.PASSED) {
                return new SampleReplay(Ending.INCONCLUSIVE, Optional.empty(), i, step.weight(), verdicts,
                        "it would have held the step at " + step.weight() + "% "
                                + run.judge.holdUntil().map(u -> "until " + u).orElse("longer")
                                + ", past the recorded samples (live passed it at "
                        + step.start().plusMillis(step.closedAt()) + ")", caveats);
            }
            return new SampleReplay(Ending.RAN_OUT, Optional.empty(), i, step.weight(), verdicts,
                    "nothing fired through the samples, which end where the live release stopped observing at "
                            + step.weight() + "% ("
                    + step.start().plusMillis(step.closedAt()) + ")", caveats);
        }
        Samples.Step last = steps.isEmpty() ? null : steps.get(steps.size() - 1);
        return new SampleReplay(Ending.PASSED, Optional.empty(), Math.max(0, steps.size() - 1),
                last == null ? 0 : last.weight(), verdicts, "", caveats);
    }

    /**
     * Why {@code policy} cannot be judged on samples taken under {@code recorded}, if it cannot; adds to
     * {@code caveats} where the replay is approximate.
     */
    private static Optional<String> fit(Samples.Policy recorded, Triggers policy, List<String> caveats) {
        if (policy.healthDownFor().isPresent() && recorded.healthDownFor().isEmpty()) {
            return Optional.of("the health endpoint was not probed live (its trigger was disarmed): the candidate's "
                    + "health trigger has nothing to judge");
        }
        boolean reads = policy.errorRate().isPresent() || policy.canaryAnalysis().isPresent();
        boolean read = recorded.errorRate().isPresent() || recorded.canaryMaxIncrease().isPresent();
        if (reads && !read) {
            return Optional.of("the error rate was not read live (its triggers were disarmed): the candidate's "
                    + "error-rate triggers have nothing to judge");
        }
        if (reads) {
            Duration live = recorded.errorRate().map(Samples.ErrorRate::window)
                    .orElse(Triggers.DEFAULT_ERROR_RATE_WINDOW);
            Duration wanted = policy.errorRate().map(ErrorRateTrigger::window)
                    .orElse(Triggers.DEFAULT_ERROR_RATE_WINDOW);
            if (!live.equals(wanted)) {
                return Optional.of("the recorded readings count " + io.releasepipeline.format.Format.duration(live)
                        + " windows; the candidate reads " + io.releasepipeline.format.Format.duration(wanted)
                        + ": a window of another length was never read");
            }
        }
        if (policy.alertSource().isPresent() && !recorded.alerts()) {
            return Optional.of("alerts were not read live: the candidate's alert trigger has nothing to judge");
        }
        finer(caveats, "health probes", policy.healthDownFor().isPresent(), policy.healthProbeInterval(),
                recorded.healthProbeInterval());
        finer(caveats, "smoke checks", true, policy.smokeInterval(), recorded.smokeInterval());
        finer(caveats, "error-rate readings", reads, policy.errorRateInterval(), recorded.errorRateInterval());
        return Optional.empty();
    }

    private static void finer(List<String> caveats, String what, boolean used, Duration wanted, Duration live) {
        if (used && wanted.compareTo(live) < 0) {
            caveats.add("the candidate takes " + what + " every " + io.releasepipeline.format.Format.duration(wanted)
                    + "; they were taken every " + io.releasepipeline.format.Format.duration(live)
                    + ": replayed on the recorded ones");
        }
    }

    /** One step's replay: its samples merged in time order and fed to a judge. */
    private static final class StepRun {
        private final Samples.Step step;
        private final Observations observations;
        private final StepJudge judge;
        private final Instant start;
        private final long limit;
        // Health
        private final long[] healthAt;
        private final String[] healthDetail;
        private int h;
        private final boolean useHealth;
        private final Duration healthEvery;
        private Instant healthDue;
        // Smoke
        private int s;
        private final Duration smokeEvery;
        private Instant smokeDue;
        // Error rate
        private int e;
        private final boolean useErrorRate;
        private final Duration errorRateEvery;
        private Instant errorRateDue;
        // Alerts
        private int a;
        private final boolean useAlerts;
        private final TreeSet<Long> ends;

        StepRun(Samples.Policy recorded, Triggers policy, Samples.Step step) {
            this.step = step;
            this.start = step.start();
            this.observations = new Observations(step.revision(), start);
            this.judge = new StepJudge(policy, observations, step.weight(), step.window(), step.approval(),
                    StepJudge.SILENT);
            this.limit = step.truncated().map(t -> Math.min(t - 1, step.closedAt())).orElse(step.closedAt());
            Samples.Health health = step.health();
            this.healthAt = new long[health.count()];
            this.healthDetail = new String[health.count()];
            long t = 0;
            int d = 0;
            String detail = "";
            for (int i = 0; i < healthAt.length; i++) {
                t += health.t().get(i);
                healthAt[i] = t;
                if (d < health.detail().size() && health.detail().get(d).from() == i) {
                    detail = health.detail().get(d++).text();
                }
                healthDetail[i] = detail;
            }
            this.useHealth = policy.healthDownFor().isPresent();
            this.useErrorRate = policy.errorRate().isPresent() || policy.canaryAnalysis().isPresent();
            this.useAlerts = policy.alertSource().isPresent();
            // Same interval as live: every recorded sample. Another one: the samples on its grid.
            this.healthEvery = policy.healthProbeInterval().equals(recorded.healthProbeInterval()) ? null
                    : policy.healthProbeInterval();
            this.smokeEvery = policy.smokeInterval().equals(recorded.smokeInterval()) ? null : policy.smokeInterval();
            this.errorRateEvery = policy.errorRateInterval().equals(recorded.errorRateInterval()) ? null
                    : policy.errorRateInterval();
            this.healthDue = start;
            this.smokeDue = start;
            this.errorRateDue = start.plus(policy.errorRateInterval());
            this.ends = new TreeSet<>(step.ends());
        }

        /**
         * Judges the step's samples in time order, each right after it is recorded (at one instant: health, smoke,
         * error rate, alerts, the engine's order), until a decision, or until they run out (then undecided).
         */
        StepJudge.Decision judge() {
            while (true) {
                long t = next();
                if (t == Long.MAX_VALUE || t > limit) {
                    return new StepJudge.Decision.GoOn();
                }
                Instant now = start.plusMillis(t);
                StepJudge.Decision decision = new StepJudge.Decision.GoOn();
                while (!decision.decided() && useHealth && h < healthAt.length && healthAt[h] == t) {
                    if (takeHealth(now)) {
                        decision = judge.judge(Signal.HEALTH, now);
                    }
                }
                List<Samples.SmokeCheck> checks = step.smoke().checks();
                while (!decision.decided() && s < checks.size() && checks.get(s).t() == t) {
                    if (takeSmoke(now)) {
                        decision = judge.judge(Signal.SMOKE, now);
                    }
                }
                while (!decision.decided() && useErrorRate && e < step.errorRate().size()
                        && step.errorRate().get(e).t() == t) {
                    if (takeErrorRate(now)) {
                        decision = judge.judge(Signal.ERROR_RATE, now);
                    }
                }
                while (!decision.decided() && useAlerts && a < step.alerts().t().size()
                        && step.alerts().t().get(a) == t) {
                    takeAlerts();
                    decision = judge.judge(Signal.ALERTS, now);
                }
                // The rounds that judged the window's end, after their samples: the engine's, whatever the policy.
                if (!decision.decided() && ends.remove(t) && judge.ending(now)) {
                    decision = judge.judgeEnd(now);
                }
                if (decision.decided()) {
                    return decision;
                }
            }
        }

        private long next() {
            long t = Long.MAX_VALUE;
            if (useHealth && h < healthAt.length) {
                t = Math.min(t, healthAt[h]);
            }
            if (s < step.smoke().checks().size()) {
                t = Math.min(t, step.smoke().checks().get(s).t());
            }
            if (useErrorRate && e < step.errorRate().size()) {
                t = Math.min(t, step.errorRate().get(e).t());
            }
            if (useAlerts && a < step.alerts().t().size()) {
                t = Math.min(t, step.alerts().t().get(a));
            }
            if (!ends.isEmpty()) {
                t = Math.min(t, ends.first());
            }
            return t;
        }

        /** Records the next health probe; false when the candidate's coarser interval skips it. */
        private boolean takeHealth(Instant now) {
            int i = h++;
            if (healthEvery != null) {
                if (now.isBefore(healthDue)) {
                    return false;
                }
                healthDue = StepObservation.advance(healthDue, healthEvery, now);
            }
            observations.health().record(now, step.health().up().charAt(i) == '1', healthDetail[i]);
            return true;
        }

        private boolean takeSmoke(Instant now) {
            Samples.SmokeCheck check = step.smoke().checks().get(s++);
            if (smokeEvery != null) {
                if (now.isBefore(smokeDue)) {
                    return false;
                }
                smokeDue = StepObservation.advance(smokeDue, smokeEvery, now);
            }
            SmokeResult r = SmokeResult.of(step.revision(), now, check.results().stream()
                    .map(x -> new EndpointResult(step.smoke().endpoints().get(x.endpoint()), x.passed(),
                            Optional.ofNullable(x.status()), Optional.ofNullable(x.medianMs()).map(Duration::ofMillis),
                            Optional.ofNullable(x.p95Ms()).map(Duration::ofMillis), Optional.ofNullable(x.error())))
                    .toList());
            observations.smoke().record(now, r.passed(), r.summary());
            judge.smokeChecked(r.passed());
            return true;
        }

        private boolean takeErrorRate(Instant now) {
            Samples.ErrorRateSample sample = step.errorRate().get(e++);
            if (errorRateEvery != null) {
                if (now.isBefore(errorRateDue)) {
                    return false;
                }
                errorRateDue = StepObservation.advance(errorRateDue, errorRateEvery, now);
            }
            observations.recordErrorRate(reading(step.revision(), sample.canary()));
            sample.stable().ifPresent(st -> observations.recordStableErrorRate(
                    reading(step.stable().orElse("stable"), st)));
            return true;
        }

        private void takeAlerts() {
            Samples.AlertState state = step.alerts().states().get(step.alerts().v().get(a++));
            if (state.error().isPresent()) {
                judge.alertsRead(state.error().get());
            } else {
                judge.alertsRead(null);
                observations.recordAlerts(state.firing());
            }
        }

        private ErrorRateReading reading(String revision, Samples.Reading r) {
            Instant from = start.plusMillis(r.from());
            Instant to = start.plusMillis(r.to());
            if (r.failed() != null) {
                return new ErrorRateReading.Failed(revision, from, to, r.failed());
            }
            if (r.noData() != null || r.requests() == null) {
                return new ErrorRateReading.NoData(revision, from, to, r.noData());
            }
            return new ErrorRateReading.Measured(revision, from, to, r.requests(), r.errors() == null ? 0 : r.errors());
        }
    }
}
