package io.releasepipeline.internal;

import io.releasepipeline.evidence.Baseline;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.format.SafeText;
import io.releasepipeline.trigger.ErrorRateTrigger;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The baseline a rollback's recovery is judged against: the stable revision's error rate over the error-rate
 * trigger's window, read before traffic first moves (from a source that reads behind, the interval it judges is
 * that window shifted back, so it ends before traffic moves too). Never blocks a release: a read that finds no data or fails is
 * recorded as such. Stateless.
 */
final class Baselines {

    private static final Logger log = LoggerFactory.getLogger(Baselines.class);

    private Baselines() {
    }

    /**
     * Reads {@code stable}'s error rate over the trigger's window ending now, through the provider policy (retries,
     * breaker), and says in the log what it found. Empty, with a note, when the error-rate trigger is disarmed:
     * there is no signal to read. Never throws for a provider failure.
     */
    static Optional<Baseline> measure(ReleaseOps ops, String stable, ReleaseRecord.Builder record) {
        Optional<ErrorRateTrigger> trigger = ops.config.triggers().errorRate();
        if (trigger.isEmpty() || ops.config.healthSignals() == null) {
            record.note("no error-rate baseline was measured: the error-rate trigger is disarmed, so a rollback is "
                    + "verified by its smoke check alone");
            return Optional.empty();
        }
        // Asked for the window ending now: a source that reads behind judges it shifted back, so the interval judged
        // ends before now, before traffic first moves, and the baseline names it.
        Instant to = ops.now();
        Instant from = to.minus(trigger.get().window());
        Baseline baseline = Baseline.of(ops.errorRate(stable, "baseline", from, to), to);
        if (!baseline.usable(trigger.get().minimumRequests())) {
            String note = "error-rate baseline not usable (" + baseline.describe()
                    + (baseline.status() == Baseline.Status.MEASURED ? "; fewer than the "
                            + trigger.get().minimumRequests() + " requests needed to judge" : "")
                    + "): a rollback's recovery is judged against the error-rate threshold instead";
            record.note(note);
            ops.warn(note);
        } else {
            log.info("release {}: error-rate baseline {}", ops.releaseId, SafeText.line(baseline.describe()));
        }
        return Optional.of(baseline);
    }

    /**
     * For a standalone rollback to {@code target}: the baseline recorded by the latest release in {@code history}
     * that moved traffic off {@code target} and measured it there; empty when there is none.
     */
    static Optional<ReleaseRecord> latestWithBaselineOf(String target, List<ReleaseRecord> history) {
        return history.stream()
                .filter(r -> r.baseline().map(b -> b.revision().equals(target)).orElse(false))
                .max(Comparator.comparing(ReleaseRecord::startedAt));
    }
}
