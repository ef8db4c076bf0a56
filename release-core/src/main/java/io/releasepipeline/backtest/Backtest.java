package io.releasepipeline.backtest;

import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.RollbackDetails;
import io.releasepipeline.evidence.Samples;
import io.releasepipeline.format.Format;
import io.releasepipeline.trigger.TriggerVerdict;
import io.releasepipeline.trigger.Triggers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Replays recorded releases through a candidate rollback policy: "had this policy been live for the last 200
 * releases, what would it have done?". Each record's samples ({@link ReleaseRecord#samples()}) are fed, on the
 * record's own timeline, to the same judging code the engine runs: triggers, windows, thresholds, the no data and
 * read error policies with their holds, canary analysis, advisory mode, and custom triggers given as code. Traffic
 * moves when it really did; a candidate can decide earlier or later, never move traffic differently.
 *
 * <pre>{@code
 * Backtest backtest = Backtest.of(Triggers.builder().errorRateAbove(0.02, Duration.ofMinutes(5)).build());
 * BacktestReport report = backtest.run(evidenceStore.latest("orders-api", 200));
 * report.summary().wouldBeFalseRollbacks();
 * }</pre>
 *
 * <p>Every run also checks determinism: each record replayed through the policy that was live must reproduce every
 * verdict it recorded, to the millisecond ({@link #verify(ReleaseRecord)}); a mismatch is a bug, reported with the
 * release, step and sample.
 *
 * <p>Standalone rollback records ({@link ReleaseRecord.Kind#ROLLBACK}) are labels, not releases: the release whose
 * revision one rolled back is known bad, like a release someone stopped by hand. Records written before samples were
 * kept are reported as not replayable, never guessed. Immutable and thread-safe; a run holds one record at a time
 * (plus one small result per release), so it streams any number of them.
 */
public final class Backtest {

    private final Triggers candidate;

    private Backtest(Triggers candidate) {
        this.candidate = candidate;
    }

    /**
     * A backtest of {@code candidate}.
     *
     * @param candidate the trigger policy to try
     * @return a backtest of {@code candidate}
     * @throws io.releasepipeline.error.InvalidConfigurationException when the policy is invalid (every problem)
     */
    public static Backtest of(Triggers candidate) {
        Objects.requireNonNull(candidate, "candidate");
        List<String> problems = candidate.problems("candidate");
        if (!problems.isEmpty()) {
            throw new io.releasepipeline.error.InvalidConfigurationException("the candidate policy", problems);
        }
        return new Backtest(candidate);
    }

    /**
     * The candidate policy.
     *
     * @return the candidate policy
     */
    public Triggers candidate() {
        return candidate;
    }

    /**
     * Replays every promotion in {@code records} through the candidate, labels known-bad releases from the
     * standalone rollbacks among them, and checks each record's determinism. Records may come in any order.
     *
     * @param records the records to replay, promotions and standalone rollbacks
     * @return the report: each release's replay and the summary
     */
    public BacktestReport run(Iterable<ReleaseRecord> records) {
        return run(records, Instant.MIN);
    }

    /**
     * {@link #run(Iterable)} for the releases started at or after {@code since}; rollbacks of any time still label
     * them.
     *
     * @param records the records to replay, promotions and standalone rollbacks
     * @param since the earliest start of a release to replay
     * @return the report: each release's replay and the summary
     */
    public BacktestReport run(Iterable<ReleaseRecord> records, Instant since) {
        List<ReleaseReplay> replays = new ArrayList<>();
        Map<String, List<Instant>> rolledBackByHand = new HashMap<>();
        Map<Samples.Policy, Integer> livePolicies = new java.util.LinkedHashMap<>();
        for (ReleaseRecord record : records) {
            if (record.kind() == ReleaseRecord.Kind.ROLLBACK) {
                record.rollback().flatMap(RollbackDetails::fromRevision).ifPresent(revision -> rolledBackByHand
                        .computeIfAbsent(record.app() + "\n" + revision, k -> new ArrayList<>())
                        .add(record.startedAt()));
                continue;
            }
            if (record.startedAt().isBefore(since)) {
                continue;
            }
            record.samples().ifPresent(samples -> livePolicies.merge(samples.policy(), 1, Integer::sum));
            replays.add(replay(record, verify(record)));
        }
        List<ReleaseReplay> labelled = new ArrayList<>(replays.size());
        for (ReleaseReplay r : replays) {
            Optional<Instant> undone = r.revision().flatMap(rev -> Optional.ofNullable(rolledBackByHand
                    .get(r.app() + "\n" + rev))).flatMap(times -> times.stream()
                            .filter(t -> !t.isBefore(r.startedAt())).min(Instant::compareTo));
            labelled.add(undone.isPresent() && !r.knownBad() ? label(r, undone.get()) : r);
        }
        List<BacktestReport.LivePolicy> live = livePolicies.entrySet().stream()
                .map(e -> new BacktestReport.LivePolicy(e.getKey(), e.getValue()))
                .sorted(java.util.Comparator.comparingInt(BacktestReport.LivePolicy::releases).reversed()).toList();
        return new BacktestReport(Samples.Policy.of(candidate), labelled, BacktestReport.Summary.of(labelled), live);
    }

    /**
     * Replays one release through the candidate (known bad only if stopped by hand during it; not checked).
     *
     * @param record the release's record
     * @return what the candidate would have done, next to what happened
     */
    public ReleaseReplay replay(ReleaseRecord record) {
        return replay(record, new Determinism(Determinism.Status.NOT_CHECKED, "not asked"));
    }

    private ReleaseReplay replay(ReleaseRecord record, Determinism determinism) {
        Decision live = live(record);
        Optional<Instant> trafficFrom = record.trafficChanges().isEmpty() ? record.samples()
                .flatMap(s -> s.steps().stream().findFirst()).map(Samples.Step::start)
                : Optional.of(record.trafficChanges().get(0).at());
        List<String> caveats = new ArrayList<>();
        Decision candidateDecision = candidate(record, live, caveats);
        boolean knownBad = live.kind() == Decision.Kind.MANUAL_ROLLBACK;
        Comparison compared = compare(live, candidateDecision, knownBad ? live.at() : Optional.empty());
        return new ReleaseReplay(record.releaseId(), record.app(), record.startedAt(), record.newRevision(),
                trafficFrom, live, candidateDecision, compared.comparison, compared.delta, knownBad, caveats,
                determinism);
    }

    /** The same replay, marked known bad by a rollback by hand at {@code undone}. */
    private static ReleaseReplay label(ReleaseReplay r, Instant undone) {
        Comparison compared = compare(r.live(), r.candidate(), Optional.of(undone));
        return new ReleaseReplay(r.releaseId(), r.app(), r.startedAt(), r.revision(), r.trafficFrom(), r.live(),
                r.candidate(), compared.comparison, compared.delta, true, r.caveats(), r.determinism());
    }

    private record Comparison(ReleaseReplay.Comparison comparison, Optional<Duration> delta) {
    }

    /**
     * Compares by what each policy did by itself: both rolled back (with the time between), only one did, or
     * neither. {@code badAt} is when a person rolled the release back, for a known-bad one.
     */
    private static Comparison compare(Decision live, Decision candidate, Optional<Instant> badAt) {
        if (live.kind() == Decision.Kind.OTHER || candidate.kind() == Decision.Kind.NOT_REPLAYABLE
                || candidate.kind() == Decision.Kind.INCONCLUSIVE) {
            return new Comparison(ReleaseReplay.Comparison.UNKNOWN, Optional.empty());
        }
        if (live.rolledBack() && candidate.rolledBack()) {
            return new Comparison(ReleaseReplay.Comparison.AGREE, Optional.of(Duration.between(live.at().orElseThrow(),
                    candidate.at().orElseThrow())));
        }
        if (live.rolledBack()) {
            return new Comparison(ReleaseReplay.Comparison.MISSED_ROLLBACK, Optional.empty());
        }
        if (candidate.rolledBack()) {
            return new Comparison(ReleaseReplay.Comparison.ADDED_ROLLBACK,
                    badAt.map(at -> Duration.between(at, candidate.at().orElseThrow())));
        }
        return new Comparison(ReleaseReplay.Comparison.AGREE, Optional.empty());
    }

    /** What really happened, from the record. */
    static Decision live(ReleaseRecord record) {
        Optional<TriggerVerdict> trigger = record.rollback().flatMap(RollbackDetails::trigger);
        int weight = record.samples().flatMap(s -> s.steps().stream().reduce((a, b) -> b)).map(Samples.Step::weight)
                .orElse(0);
        if (trigger.isPresent()) {
            return Decision.rollback(trigger.get().trigger().equals(Triggers.MANUAL) ? Decision.Kind.MANUAL_ROLLBACK
                    : Decision.Kind.ROLLED_BACK, trigger.get(), weight);
        }
        if (record.outcome() == ReleaseOutcome.PROMOTED) {
            return new Decision(Decision.Kind.PROMOTED, record.finishedAt(), Optional.empty(), 100, "promoted");
        }
        return Decision.of(Decision.Kind.OTHER, record.rollback().map(r -> "rolled back: " + r.reason())
                .orElse(record.outcome().toString()));
    }

    private Decision candidate(ReleaseRecord record, Decision live, List<String> caveats) {
        if (record.samples().isEmpty()) {
            return Decision.of(Decision.Kind.NOT_REPLAYABLE, record.trafficChanges().isEmpty()
                    ? "traffic never moved: nothing was observed"
                    : "not replayable: the record keeps no samples (written before samples were kept)");
        }
        SampleReplay r = Replayer.engine().replay(record.samples().get(), candidate);
        caveats.addAll(r.caveats());
        return switch (r.ending()) {
            case FIRED -> Decision.rollback(Decision.Kind.ROLLED_BACK, r.fired().orElseThrow(), r.weight());
            case PASSED -> live.kind() == Decision.Kind.PROMOTED
                    ? new Decision(Decision.Kind.PROMOTED, live.at(), Optional.empty(), 100, "every step passed")
                    : Decision.of(Decision.Kind.CONTINUED, "every observed step passed; the live release "
                            + (live.kind() == Decision.Kind.OTHER ? "ended otherwise: " + live.detail()
                                    : "rolled back after them"));
            case RAN_OUT -> new Decision(Decision.Kind.CONTINUED, Optional.empty(), Optional.empty(), r.weight(),
                    r.detail());
            case INCONCLUSIVE -> new Decision(Decision.Kind.INCONCLUSIVE, Optional.empty(), Optional.empty(),
                    r.weight(), r.detail());
            case NOT_REPLAYABLE -> Decision.of(Decision.Kind.NOT_REPLAYABLE, r.detail());
        };
    }

    /**
     * Replays {@code record} through the policy it recorded as live and checks that every verdict it recorded
     * comes back, equal to the millisecond. Not checked when it has no samples, samples in a format this version
     * does not read, or the live policy had custom triggers (code: use {@link #verify(ReleaseRecord, Triggers)}
     * with them).
     *
     * @param record the release's record
     * @return whether the recorded verdicts came back, or why it was not checked
     */
    public static Determinism verify(ReleaseRecord record) {
        if (record.samples().isEmpty()) {
            return new Determinism(Determinism.Status.NOT_CHECKED, "no samples");
        }
        if (!record.samples().get().policy().custom().isEmpty()) {
            return new Determinism(Determinism.Status.NOT_CHECKED, "the live policy had custom triggers "
                    + record.samples().get().policy().custom() + " (code the record cannot hold)");
        }
        return verify(record, record.samples().get().policy().toTriggers());
    }

    /**
     * {@link #verify(ReleaseRecord)} with the live policy given, custom triggers included.
     *
     * @param record the release's record
     * @param live the policy that was live
     * @return whether the recorded verdicts came back, or why it was not checked
     */
    public static Determinism verify(ReleaseRecord record, Triggers live) {
        if (record.samples().isEmpty()) {
            return new Determinism(Determinism.Status.NOT_CHECKED, "no samples");
        }
        Samples samples = record.samples().get();
        if (samples.format() != Samples.FORMAT) {
            return new Determinism(Determinism.Status.NOT_CHECKED, "samples in format " + samples.format()
                    + "; this version reads format " + Samples.FORMAT);
        }
        SampleReplay r = Replayer.engine().replay(samples, live);
        Instant keptUntil = samples.steps().stream().filter(s -> s.truncated().isPresent())
                .map(s -> s.start().plusMillis(s.truncated().get())).findFirst().orElse(Instant.MAX);
        List<TriggerVerdict> recorded = record.verdicts().stream().filter(v -> !v.trigger().equals(Triggers.MANUAL))
                .filter(v -> v.at().isBefore(keptUntil)).toList();
        List<TriggerVerdict> replayed = r.verdicts().stream().filter(v -> v.at().isBefore(keptUntil)).toList();
        for (int i = 0; i < Math.max(recorded.size(), replayed.size()); i++) {
            TriggerVerdict want = i < recorded.size() ? recorded.get(i) : null;
            TriggerVerdict got = i < replayed.size() ? replayed.get(i) : null;
            if (!Objects.equals(want, got)) {
                // Where the two first part: the earlier of the two verdicts (the replay diverged there or before).
                Instant at = want == null ? got.at() : got == null || want.at().isBefore(got.at()) ? want.at()
                        : got.at();
                return new Determinism(Determinism.Status.MISMATCH, "release " + record.releaseId() + ", verdict "
                        + (i + 1) + ": recorded " + describe(want) + "; replayed " + describe(got) + "; "
                        + sampleAt(samples, at));
            }
        }
        return new Determinism(Determinism.Status.REPRODUCED, "");
    }

    private static String describe(TriggerVerdict v) {
        return v == null ? "nothing" : "\"" + v.trigger() + " " + v.state() + " at " + v.at() + ": " + v.reason()
                + "\"";
    }

    /** Which step and which samples an instant falls on, in words: where to look for a mismatch. */
    static String sampleAt(Samples samples, Instant at) {
        for (int i = 0; i < samples.steps().size(); i++) {
            Samples.Step step = samples.steps().get(i);
            long t = Duration.between(step.start(), at).toMillis();
            if (t < 0 || t > step.closedAt()) {
                continue;
            }
            List<String> found = new ArrayList<>();
            long h = 0;
            for (int k = 0; k < step.health().count(); k++) {
                h += step.health().t().get(k);
                if (h == t) {
                    found.add("health probe #" + (k + 1) + " (" + (step.health().up().charAt(k) == '1' ? "up" : "down")
                            + ")");
                }
            }
            for (int k = 0; k < step.smoke().checks().size(); k++) {
                if (step.smoke().checks().get(k).t() == t) {
                    found.add("smoke check #" + (k + 1));
                }
            }
            for (int k = 0; k < step.errorRate().size(); k++) {
                if (step.errorRate().get(k).t() == t) {
                    Samples.Reading c = step.errorRate().get(k).canary();
                    found.add("error-rate reading #" + (k + 1) + " (" + (c.requests() != null ? c.errors() + " of "
                            + c.requests() : c.noData() != null ? "no data" : "failed") + ")");
                }
            }
            for (int k = 0; k < step.alerts().t().size(); k++) {
                if (step.alerts().t().get(k) == t) {
                    found.add("alert read #" + (k + 1));
                }
            }
            if (step.ends().contains(t)) {
                found.add("the judgement of the window's end");
            }
            return "step " + (i + 1) + " (" + step.weight() + "%" + (step.approval() ? ", awaiting approval" : "")
                    + "), +" + Format.duration(Duration.ofMillis(t)) + ": " + (found.isEmpty()
                            ? "no sample at that instant" : String.join(", ", found));
        }
        return nearestStep(samples, at);
    }

    /** For an instant outside every step: the nearest step, and whether the instant is before or past it. */
    private static String nearestStep(Samples samples, Instant at) {
        int nearest = -1;
        long gap = Long.MAX_VALUE;
        boolean past = false;
        for (int i = 0; i < samples.steps().size(); i++) {
            Samples.Step step = samples.steps().get(i);
            Instant end = step.start().plusMillis(step.closedAt());
            boolean after = at.isAfter(end);
            long d = after ? Duration.between(end, at).toMillis() : Duration.between(at, step.start()).toMillis();
            if (d < gap) {
                gap = d;
                nearest = i;
                past = after;
            }
        }
        if (nearest < 0) {
            return "no step was sampled (" + at + ")";
        }
        Samples.Step step = samples.steps().get(nearest);
        return "step " + (nearest + 1) + " (" + step.weight() + "%) is the nearest: " + at + " is "
                + Format.duration(Duration.ofMillis(gap)) + (past ? " past its end (+" + Format.duration(Duration
                        .ofMillis(step.closedAt())) + ")" : " before its start");
    }
}
