package io.releasepipeline.trigger;

import io.releasepipeline.format.Format;
import io.releasepipeline.spi.ErrorRateReading;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Flagger-style canary analysis: fires when the new revision's 5xx rate exceeds the stable revision's, over the
 * same window, by more than {@code maxIncrease} (0.01 = one percentage point), each with at least
 * {@code minimumRequests}. Judges only while traffic is split; with too little traffic on either side it is
 * {@link TriggerState#NO_DATA}. Immutable.
 *
 * @param maxIncrease how much worse the canary may be, as a fraction
 * @param minimumRequests the fewest requests on each side to judge
 */
public record CanaryAnalysisTrigger(double maxIncrease, long minimumRequests) implements RollbackTrigger {

    /** The name in verdicts and evidence; also {@link Triggers}{@code .}CANARY_ANALYSIS. */
    public static final String NAME = "canary-analysis";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<Signal> signals() {
        return Set.of(Signal.ERROR_RATE);
    }

    @Override
    public TriggerVerdict evaluate(Observations observations, Instant now) {
        if (observations.latestErrorRate().isEmpty() || observations.latestStableErrorRate().isEmpty()) {
            return new TriggerVerdict(NAME, TriggerState.NO_DATA, "no reading of both revisions yet", now);
        }
        for (ErrorRateReading r : List.of(observations.latestErrorRate().get(),
                observations.latestStableErrorRate().get())) {
            if (r instanceof ErrorRateReading.Failed f) {
                return new TriggerVerdict(NAME, TriggerState.ERROR, "the error rate of " + f.revision()
                        + " could not be read: " + f.reason(), now);
            }
        }
        if (!(observations.latestErrorRate().get() instanceof ErrorRateReading.Measured canary)
                || !(observations.latestStableErrorRate().get() instanceof ErrorRateReading.Measured stable)
                || canary.requests() < minimumRequests || stable.requests() < minimumRequests) {
            return new TriggerVerdict(NAME, TriggerState.NO_DATA, "too little traffic on one side to compare (at least "
                    + Format.count(minimumRequests) + " requests each)", now);
        }
        double increase = canary.rate() - stable.rate();
        String numbers = "canary " + canary.revision() + " 5xx " + Format.percent(canary.rate()) + " of "
                + Format.count(canary.requests()) + " vs stable " + stable.revision() + " "
                + Format.percent(stable.rate()) + " of " + Format.count(stable.requests())
                + ErrorRateTrigger.judged(canary, now) + "; at most +"
                + Format.percent(maxIncrease) + " allowed";
        return new TriggerVerdict(NAME, increase > maxIncrease ? TriggerState.FIRING : TriggerState.OK, numbers, now);
    }
}
