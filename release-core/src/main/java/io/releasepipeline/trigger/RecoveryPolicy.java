package io.releasepipeline.trigger;

import io.releasepipeline.format.Format;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a rollback verifies that "the error rate returns to baseline" (the runbook's Rollback Procedure, step 2): once
 * traffic is back on the previous revision and its smoke check passed, that revision's 5xx rate is read at the
 * error-rate trigger's interval, over windows that start no earlier than the moment traffic went back, until it is
 * within {@code tolerance} of the baseline (the stable revision's rate measured before traffic first moved) or
 * {@code timeout} passes. Without a usable baseline the limit is the error-rate trigger's threshold. Needs the
 * error-rate trigger (its window, minimum requests and no data policy apply); with it disarmed nothing is watched.
 * Set with {@link Triggers.Builder#recovery} or {@link Triggers.Builder#withoutRecoveryWatch}. Immutable.
 *
 * <p>How the watch ends: a reading with at least the minimum requests within the limit is RECOVERED (outcome
 * {@code ROLLED_BACK}); any such reading above it, with the timeout passed and no reading within, is NOT_RECOVERED
 * (outcome {@code ROLLED_BACK_NOT_RECOVERED}, page someone). Too little traffic follows the trigger's
 * {@link NoDataPolicy}: {@code HOLD} watches until the timeout for enough traffic, then ends unverified
 * ({@code ROLLED_BACK}, said in the record); {@code FAIL} watches until the timeout, then ends NOT_RECOVERED;
 * {@code IGNORE} ends unverified at the first reading. A failed read follows {@link Triggers#onReadError()}:
 * {@code HOLD_THEN_ROLLBACK} and {@code ROLLBACK} watch until the timeout for a read that succeeds, then end
 * NOT_RECOVERED (traffic is already back: "roll back" means "page someone"); {@code PROMOTE_WITH_NOTE} ends
 * unverified at once. A cancelled release (stop request or interrupt before the rollback) is not watched; a stop
 * during the watch ends it unverified.
 *
 * @param enabled whether rollbacks are watched at all
 * @param tolerance how far above the baseline's 5xx fraction still counts as recovered, as an absolute fraction
 *     (0.01 = one percentage point), at least 0 and under 1
 * @param timeout how long the watch may last before the rollback is called not recovered; positive
 */
public record RecoveryPolicy(boolean enabled, double tolerance, Duration timeout) {

    /**
     * One percentage point over the baseline. Absolute, not relative: a healthy baseline is near zero (0.2%), where
     * any relative margin ("twice the baseline") is a handful of requests and would page on noise; one point is a
     * fifth of the runbook's 5% trigger, so a revision judged recovered is far below the level that rolls back.
     */
    public static final double DEFAULT_TOLERANCE = 0.01;

    /**
     * Ten minutes: one full clean error-rate window (5 minutes), plus Azure Monitor's platform-metric latency (one
     * to three minutes before a minute's requests show up), plus two reading intervals, rounded up. Shorter would call
     * a recovering revision "not recovered" before its clean minutes can be read.
     */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    /**
     * Validates nothing (see {@link #problems}); requires a timeout.
     *
     * @param enabled whether rollbacks are watched at all
     * @param tolerance how far above the baseline's 5xx fraction still counts as recovered, as an absolute fraction
     *     (0.01 = one percentage point), at least 0 and under 1
     * @param timeout how long the watch may last before the rollback is called not recovered; positive
     */
    public RecoveryPolicy {
        Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * The defaults: enabled, {@link #DEFAULT_TOLERANCE}, {@link #DEFAULT_TIMEOUT}.
     *
     * @return the defaults: enabled, {@link #DEFAULT_TOLERANCE}, {@link #DEFAULT_TIMEOUT}
     */
    public static RecoveryPolicy ofDefaults() {
        return new RecoveryPolicy(true, DEFAULT_TOLERANCE, DEFAULT_TIMEOUT);
    }

    /**
     * No recovery watch: a rollback is verified by its smoke check alone.
     *
     * @return no recovery watch: a rollback is verified by its smoke check alone
     */
    public static RecoveryPolicy disabled() {
        return new RecoveryPolicy(false, DEFAULT_TOLERANCE, DEFAULT_TIMEOUT);
    }

    /**
     * Every problem, each as {@code path.field: problem}; empty when valid.
     *
     * @param path the key problems are reported under
     * @return every problem, each as {@code path.field: problem}; empty when valid
     */
    public List<String> problems(String path) {
        List<String> p = new ArrayList<>();
        if (!(tolerance >= 0 && tolerance < 1)) {
            p.add(path + ".tolerance: must be at least 0 and under 1 (an absolute 5xx fraction over the baseline: "
                    + "0.01 is one percentage point), got " + tolerance);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            p.add(path + ".timeout: must be positive (default " + Format.duration(DEFAULT_TIMEOUT) + "), got "
                    + timeout);
        }
        return p;
    }
}
