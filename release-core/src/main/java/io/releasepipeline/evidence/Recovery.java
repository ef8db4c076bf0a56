package io.releasepipeline.evidence;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether the error rate returned to baseline after a rollback (the runbook's Rollback Procedure, step 2): the
 * revision traffic went back to was watched, from the moment traffic went back, until its 5xx rate was within the
 * tolerance of the {@link Baseline} (or, without a usable baseline, at or under the error-rate trigger's threshold),
 * or the recovery timeout passed. Immutable.
 *
 * @param status how the watch ended
 * @param revision the revision watched (the one traffic went back to)
 * @param startedAt when the watch started
 * @param finishedAt when it ended
 * @param limit the highest 5xx fraction that counts as recovered, when the watch ran
 * @param judgedAgainst what {@code limit} is, in words: the baseline plus the tolerance, or the trigger's threshold
 *     and why there was no usable baseline
 * @param readings every error-rate reading of the watch, in order (signal {@code recovery})
 * @param detail the one sentence that says what happened, with the numbers (the deciding reading, the policy)
 */
public record Recovery(Status status, String revision, Instant startedAt, Instant finishedAt,
        Optional<Double> limit, String judgedAgainst, List<TimelinePoint> readings, String detail) {

    /** How a recovery watch ended. */
    public enum Status {
        /** A reading with enough traffic was within the limit: the rollback is verified. */
        RECOVERED,
        /**
         * The timeout passed and the error rate was still above the limit (or, by policy, could not be judged): the
         * previous revision is failing too, so the cause may not be the release. Page someone.
         */
        NOT_RECOVERED,
        /**
         * The watch ended without a verdict, and its policy lets the rollback count as done: too little traffic (no
         * data policy HOLD at the timeout, IGNORE at once), a read that failed (PROMOTE_WITH_NOTE), or it was stopped.
         */
        UNVERIFIED,
        /** The watch did not run: disabled, no error-rate signal, or a cancelled release with no time to watch. */
        NOT_WATCHED
    }

    /**
     * Validates and copies.
     *
     * @param status how the watch ended
     * @param revision the revision watched (the one traffic went back to)
     * @param startedAt when the watch started
     * @param finishedAt when it ended
     * @param limit the highest 5xx fraction that counts as recovered, when the watch ran
     * @param judgedAgainst what {@code limit} is, in words: the baseline plus the tolerance, or the trigger's
     *     threshold and why there was no usable baseline
     * @param readings every error-rate reading of the watch, in order (signal {@code recovery})
     * @param detail the one sentence that says what happened, with the numbers (the deciding reading, the policy)
     */
    public Recovery {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        limit = limit == null ? Optional.empty() : limit;
        judgedAgainst = judgedAgainst == null ? "" : judgedAgainst;
        readings = readings == null ? List.of() : List.copyOf(readings);
        detail = detail == null ? "" : detail;
    }

    /**
     * The latest reading in words, if there was one.
     *
     * @return the latest reading in words, if there was one
     */
    public Optional<String> lastReading() {
        return readings.isEmpty() ? Optional.empty() : Optional.of(readings.get(readings.size() - 1).detail());
    }

    /**
     * True when the error rate did not return to baseline: a page-someone outcome.
     *
     * @return true when the error rate did not return to baseline: a page-someone outcome
     */
    public boolean pagesSomeone() {
        return status == Status.NOT_RECOVERED;
    }
}
