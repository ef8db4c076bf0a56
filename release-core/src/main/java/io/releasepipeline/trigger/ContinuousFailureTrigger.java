package io.releasepipeline.trigger;

import io.releasepipeline.format.Format;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.function.Function;

/**
 * Fires when a pass/fail signal has failed continuously for longer than a threshold ("smoke check fails for more
 * than 2 minutes", "health endpoint down more than 30 seconds"). Immutable.
 */
final class ContinuousFailureTrigger implements RollbackTrigger {

    private final String name;
    private final String what;
    private final Duration threshold;
    private final Function<Observations, SignalTrack> signal;
    private final Set<Signal> signals;

    ContinuousFailureTrigger(String name, String what, Duration threshold, Signal kind,
            Function<Observations, SignalTrack> signal) {
        this.name = name;
        this.what = what;
        this.threshold = threshold;
        this.signals = Set.of(kind);
        this.signal = signal;
    }

    @Override
    public Set<Signal> signals() {
        return signals;
    }

    @Override
    public String name() {
        return name;
    }

    Duration threshold() {
        return threshold;
    }

    @Override
    public TriggerVerdict evaluate(Observations observations, Instant now) {
        SignalTrack track = signal.apply(observations);
        if (track.samples() == 0) {
            return new TriggerVerdict(name, TriggerState.NO_DATA, "no " + what + " sample yet", now);
        }
        return track.failingFor().map(failing -> {
            String reason = what + " failing for " + Format.duration(failing) + " (last OK "
                    + track.lastOkAt() + "): " + track.latestDetail() + "; threshold " + Format.duration(threshold);
            TriggerState state = failing.compareTo(threshold) > 0 ? TriggerState.FIRING : TriggerState.OK;
            return new TriggerVerdict(name, state, reason, now);
        }).orElseGet(() -> new TriggerVerdict(name, TriggerState.OK, what + " OK: " + track.latestDetail(), now));
    }
}
