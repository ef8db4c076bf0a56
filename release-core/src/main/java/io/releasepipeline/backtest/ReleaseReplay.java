package io.releasepipeline.backtest;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One release replayed through a candidate policy: what really happened, what the candidate would have done, and how
 * the two compare. In JSON ({@code release backtest --output json}) {@code detectionDelta} is whole milliseconds,
 * named {@code detectionDeltaMillis}.
 *
 * @param releaseId the release
 * @param app the app
 * @param startedAt when the release started
 * @param revision the revision it brought, when known
 * @param trafficFrom when traffic first moved: the origin of the {@code t+} offsets
 * @param live what the live policy (or a person) did
 * @param candidate what the candidate would have done
 * @param comparison how the two compare
 * @param detectionDelta for a release rolled back by both, the candidate's rollback time less the live one's
 *     (negative: earlier); for a known-bad release only the candidate caught, its time less the moment the bad
 *     release was rolled back by hand
 * @param knownBad whether someone rolled it back by hand, during the release or after it
 * @param caveats what limits the replay's fidelity for this release
 * @param determinism whether replaying the live policy reproduced the recorded verdicts
 */
public record ReleaseReplay(String releaseId, String app, Instant startedAt, Optional<String> revision,
        Optional<Instant> trafficFrom, Decision live, Decision candidate, Comparison comparison,
        @JsonProperty("detectionDeltaMillis")
        @JsonFormat(shape = JsonFormat.Shape.NUMBER_INT,
                without = JsonFormat.Feature.WRITE_DATE_TIMESTAMPS_AS_NANOSECONDS) Optional<Duration> detectionDelta,
        boolean knownBad, List<String> caveats, Determinism determinism) {

    /** How a candidate's decision compares with the live one. */
    public enum Comparison {
        /**
         * Both promoted, both rolled back by a trigger, or neither rolled back by itself (a person did, or the
         * release stopped otherwise).
         */
        AGREE,
        /** The candidate rolls back a release the live policy did not. */
        ADDED_ROLLBACK,
        /**
         * The live policy rolled back a release the candidate had not rolled back by then: later or never. The
         * samples end where the live release rolled back, so which of the two cannot be told.
         */
        MISSED_ROLLBACK,
        /** No comparison: the live release ended for another reason, or the candidate's answer is unknown. */
        UNKNOWN
    }

    /**
     * Validates and copies.
     *
     * @param releaseId the release
     * @param app the app
     * @param startedAt when the release started
     * @param revision the revision it brought, when known
     * @param trafficFrom when traffic first moved: the origin of the {@code t+} offsets
     * @param live what the live policy (or a person) did
     * @param candidate what the candidate would have done
     * @param comparison how the two compare
     * @param detectionDelta for a release rolled back by both, the candidate's rollback time less the live one's
     *     (negative: earlier); for a known-bad release only the candidate caught, its time less the moment the bad
     *     release was rolled back by hand
     * @param knownBad whether someone rolled it back by hand, during the release or after it
     * @param caveats what limits the replay's fidelity for this release
     * @param determinism whether replaying the live policy reproduced the recorded verdicts
     */
    public ReleaseReplay {
        Objects.requireNonNull(releaseId, "releaseId");
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(startedAt, "startedAt");
        revision = revision == null ? Optional.empty() : revision;
        trafficFrom = trafficFrom == null ? Optional.empty() : trafficFrom;
        Objects.requireNonNull(live, "live");
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(comparison, "comparison");
        detectionDelta = detectionDelta == null ? Optional.empty() : detectionDelta;
        caveats = caveats == null ? List.of() : List.copyOf(caveats);
        Objects.requireNonNull(determinism, "determinism");
    }

    /**
     * How long after traffic first moved {@code decision} was taken, when it has a time.
     *
     * @param decision a decision of this replay
     * @return how long after traffic first moved {@code decision} was taken, when it has a time
     */
    public Optional<Duration> offset(Decision decision) {
        return decision.at().flatMap(at -> trafficFrom.map(from -> Duration.between(from, at)));
    }

    /**
     * When a person rolled this known-bad release back: during the release (the live decision), or by a later
     * rollback whose time the catch's {@link #detectionDelta} is measured against; empty when not known bad or not
     * known.
     *
     * @return when a person rolled this known-bad release back: during the release (the live decision), or by a later
     *     rollback whose time the catch's {@link #detectionDelta} is measured against; empty when not known bad or not
     *     known
     */
    public Optional<Instant> rolledBackByHandAt() {
        if (live.kind() == Decision.Kind.MANUAL_ROLLBACK) {
            return live.at();
        }
        if (knownBad && comparison == Comparison.ADDED_ROLLBACK && detectionDelta.isPresent()) {
            return candidate.at().map(at -> at.minus(detectionDelta.get()));
        }
        return Optional.empty();
    }

    /**
     * True when the candidate rolls back a release nobody marked bad: a would-be false rollback.
     *
     * @return true when the candidate rolls back a release nobody marked bad: a would-be false rollback
     */
    public boolean wouldBeFalseRollback() {
        return comparison == Comparison.ADDED_ROLLBACK && !knownBad;
    }
}
