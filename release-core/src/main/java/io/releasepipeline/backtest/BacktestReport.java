package io.releasepipeline.backtest;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.releasepipeline.evidence.Samples;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A backtest's answer: each release replayed, and the summary a team decides on.
 *
 * @param candidate the candidate policy, as numbers
 * @param releases each release, in the order given
 * @param summary the counts
 * @param live the policies the replayed records recorded as live, each with how many releases it judged, most used
 *     first: what the candidate is compared with
 */
public record BacktestReport(Samples.Policy candidate, List<ReleaseReplay> releases, Summary summary,
        List<LivePolicy> live) {

    /**
     * Validates and copies.
     *
     * @param candidate the candidate policy, as numbers
     * @param releases each release, in the order given
     * @param summary the counts
     * @param live the policies the replayed records recorded as live, each with how many releases it judged, most used
     *     first: what the candidate is compared with
     */
    public BacktestReport {
        Objects.requireNonNull(candidate, "candidate");
        releases = releases == null ? List.of() : List.copyOf(releases);
        Objects.requireNonNull(summary, "summary");
        live = live == null ? List.of() : List.copyOf(live);
    }

    /**
     * A report without the live policies (none known).
     *
     * @param candidate the candidate policy, as numbers
     * @param releases each release, in the order given
     * @param summary the counts
     */
    public BacktestReport(Samples.Policy candidate, List<ReleaseReplay> releases, Summary summary) {
        this(candidate, releases, summary, List.of());
    }

    /**
     * A policy that was live, as the records kept it.
     *
     * @param policy the policy, as numbers
     * @param releases how many of the replayed releases it judged
     */
    public record LivePolicy(Samples.Policy policy, int releases) {

        /**
         * Validates.
         *
         * @param policy the policy, as numbers
         * @param releases each release, in the order given
         */
        public LivePolicy {
            Objects.requireNonNull(policy, "policy");
        }
    }

    /**
     * The counts. In JSON ({@code release backtest --output json}) the durations are whole milliseconds, named
     * {@code detectionGainedMillis}, {@code detectionLostMillis} and {@code caughtBeforeHandMillis}.
     *
     * @param releases releases replayed (standalone rollbacks are labels, not releases)
     * @param agree releases where the candidate decides as the live policy did
     * @param addedRollbacks rollbacks the candidate adds
     * @param addedOnKnownBad of those, on releases someone rolled back by hand: bad releases it catches
     * @param wouldBeFalseRollbacks of those, on releases nobody marked bad
     * @param missedRollbacks rollbacks of the live policy the candidate had not taken by then: later or never (the
     *     samples end at the live rollback, so which of the two cannot be told)
     * @param unknown releases with no comparison (not replayable, inconclusive, ended for another reason)
     * @param notReplayable of those, the records that cannot answer
     * @param knownBad releases someone rolled back by hand
     * @param detectionGained against the live policy: the time the candidate's rollbacks come earlier than the live
     *     policy's, summed over the releases both rolled back
     * @param detectionLost against the live policy: the time the candidate's rollbacks come later than the live
     *     policy's, summed over the releases both rolled back. Only a measurable part: past a live rollback the
     *     samples end, so the {@code missedRollbacks} (later or never) add an unknown amount that is not in it
     * @param reproduced records whose live verdicts the replay reproduced exactly
     * @param mismatches records whose live verdicts it did not: bugs
     * @param caughtBeforeHand against the rollbacks by hand, not the live policy: how much earlier the candidate's
     *     catches of known-bad releases come than the moment a person rolled each back, summed
     */
    public record Summary(int releases, int agree, int addedRollbacks, int addedOnKnownBad, int wouldBeFalseRollbacks,
            int missedRollbacks, int unknown, int notReplayable, int knownBad,
            @JsonProperty("detectionGainedMillis")
            @JsonFormat(shape = JsonFormat.Shape.NUMBER_INT,
                    without = JsonFormat.Feature.WRITE_DATE_TIMESTAMPS_AS_NANOSECONDS) Duration detectionGained,
            @JsonProperty("detectionLostMillis")
            @JsonFormat(shape = JsonFormat.Shape.NUMBER_INT,
                    without = JsonFormat.Feature.WRITE_DATE_TIMESTAMPS_AS_NANOSECONDS) Duration detectionLost,
            int reproduced, int mismatches,
            @JsonProperty("caughtBeforeHandMillis")
            @JsonFormat(shape = JsonFormat.Shape.NUMBER_INT,
                    without = JsonFormat.Feature.WRITE_DATE_TIMESTAMPS_AS_NANOSECONDS) Duration caughtBeforeHand) {

        /**
         * Validates.
         *
         * @param releases each release, in the order given
         * @param agree releases where the candidate decides as the live policy did
         * @param addedRollbacks rollbacks the candidate adds
         * @param addedOnKnownBad of those, on releases someone rolled back by hand: bad releases it catches
         * @param wouldBeFalseRollbacks of those, on releases nobody marked bad
         * @param missedRollbacks rollbacks of the live policy the candidate had not taken by then: later or never (the
         *     samples end at the live rollback, so which of the two cannot be told)
         * @param unknown releases with no comparison (not replayable, inconclusive, ended for another reason)
         * @param notReplayable of those, the records that cannot answer
         * @param knownBad releases someone rolled back by hand
         * @param detectionGained against the live policy: the time the candidate's rollbacks come earlier than the
         *     live policy's, summed over the releases both rolled back
         * @param detectionLost against the live policy: the time the candidate's rollbacks come later than the live
         *     policy's, summed over the releases both rolled back. Only a measurable part: past a live rollback the
         *     samples end, so the {@code missedRollbacks} (later or never) add an unknown amount that is not in it
         * @param reproduced records whose live verdicts the replay reproduced exactly
         * @param mismatches records whose live verdicts it did not: bugs
         * @param caughtBeforeHand against the rollbacks by hand, not the live policy: how much earlier the candidate's
         *     catches of known-bad releases come than the moment a person rolled each back, summed
         */
        public Summary {
            Objects.requireNonNull(detectionGained, "detectionGained");
            Objects.requireNonNull(detectionLost, "detectionLost");
            Objects.requireNonNull(caughtBeforeHand, "caughtBeforeHand");
        }

        /**
         * This summary and {@code other}'s added up: the summary of both sets of releases, when they are disjoint
         * and each set carries its own labels (e.g. two runs split by app).
         *
         * @param other the other summary
         * @return this summary and {@code other}'s added up: the summary of both sets of releases, when they are
         *     disjoint and each set carries its own labels (e.g. two runs split by app)
         */
        public Summary plus(Summary other) {
            return new Summary(releases + other.releases, agree + other.agree, addedRollbacks + other.addedRollbacks,
                    addedOnKnownBad + other.addedOnKnownBad, wouldBeFalseRollbacks + other.wouldBeFalseRollbacks,
                    missedRollbacks + other.missedRollbacks, unknown + other.unknown,
                    notReplayable + other.notReplayable, knownBad + other.knownBad,
                    detectionGained.plus(other.detectionGained), detectionLost.plus(other.detectionLost),
                    reproduced + other.reproduced, mismatches + other.mismatches,
                    caughtBeforeHand.plus(other.caughtBeforeHand));
        }

        static Summary of(List<ReleaseReplay> releases) {
            int agree = 0;
            int added = 0;
            int addedBad = 0;
            int missed = 0;
            int unknown = 0;
            int notReplayable = 0;
            int bad = 0;
            int reproduced = 0;
            int mismatches = 0;
            Duration gained = Duration.ZERO;
            Duration lost = Duration.ZERO;
            Duration beforeHand = Duration.ZERO;
            for (ReleaseReplay r : releases) {
                switch (r.comparison()) {
                    case AGREE -> agree++;
                    case ADDED_ROLLBACK -> {
                        added++;
                        addedBad += r.knownBad() ? 1 : 0;
                    }
                    case MISSED_ROLLBACK -> missed++;
                    case UNKNOWN -> unknown++;
                }
                notReplayable += r.candidate().kind() == Decision.Kind.NOT_REPLAYABLE ? 1 : 0;
                bad += r.knownBad() ? 1 : 0;
                reproduced += r.determinism().status() == Determinism.Status.REPRODUCED ? 1 : 0;
                mismatches += r.determinism().status() == Determinism.Status.MISMATCH ? 1 : 0;
                if (r.detectionDelta().isPresent() && r.comparison() == ReleaseReplay.Comparison.ADDED_ROLLBACK) {
                    // A catch: measured against the person's rollback, not against the live policy (which held).
                    Duration d = r.detectionDelta().get();
                    beforeHand = d.isNegative() ? beforeHand.plus(d.negated()) : beforeHand;
                } else if (r.detectionDelta().isPresent()) {
                    Duration d = r.detectionDelta().get();
                    if (d.isNegative()) {
                        gained = gained.plus(d.negated());
                    } else {
                        lost = lost.plus(d);
                    }
                }
            }
            return new Summary(releases.size(), agree, added, addedBad, added - addedBad, missed, unknown,
                    notReplayable, bad, gained, lost, reproduced, mismatches, beforeHand);
        }
    }
}
