package io.releasepipeline.gate;

import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.format.Format;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The previous change to production (a promotion or a rollback) finished at least {@code stableFor} ago, so the
 * revision now serving has been stable that long. A failed rollback blocks until someone sorts it out. Releases
 * that changed nothing (gates failed, aborted) do not count.
 *
 * <p>An empty history fails unless the release is declared the app's first ({@link GateContext#firstRelease()}):
 * an evidence store that lost its records (a runner's discarded disk, a new container, a wrong path) must not turn
 * "stable for an hour" into a silent pass. A release declared first while a history is on record fails too, so the
 * declaration cannot become a way around the gate. Immutable.
 */
final class PreviousReleaseStableGate implements Gate {

    private final Duration stableFor;

    PreviousReleaseStableGate(Duration stableFor) {
        if (stableFor.isNegative()) {
            throw new IllegalArgumentException("stable-for must not be negative, got " + stableFor);
        }
        this.stableFor = stableFor;
    }

    @Override
    public String name() {
        return "previous-release-stable";
    }

    @Override
    public GateResult evaluate(GateContext context) {
        Optional<ReleaseRecord> last = context.recentReleases().stream()
                .filter(r -> r.outcome() == ReleaseOutcome.PROMOTED || r.outcome() == ReleaseOutcome.ROLLED_BACK
                        || r.outcome() == ReleaseOutcome.ROLLBACK_FAILED)
                .findFirst();
        if (last.isEmpty()) {
            if (context.firstRelease()) {
                return GateResult.pass(name(), "no previous release of " + context.app() + " on record, and this "
                        + "release is declared the first");
            }
            return GateResult.fail(name(), "no previous release of " + context.app() + " on record, so its stability "
                    + "cannot be judged; if this is the app's first release, declare it (release promote "
                    + "--first-release, ReleaseRequest.withFirstRelease()); otherwise point the evidence store at the "
                    + "one that holds the history (a runner's local directory is discarded after every job: use "
                    + "Blob storage)");
        }
        ReleaseRecord r = last.get();
        if (context.firstRelease()) {
            return GateResult.fail(name(), "declared the first release of " + context.app() + ", but release "
                    + r.releaseId() + " (" + r.outcome() + ") is on record; drop the first-release declaration");
        }
        if (r.outcome() == ReleaseOutcome.ROLLBACK_FAILED) {
            return GateResult.fail(name(), "the last release " + r.releaseId()
                    + " ended with a failed rollback; restore traffic by hand and record it before promoting");
        }
        Instant finished = r.finishedAt().orElse(r.startedAt());
        Duration since = Duration.between(finished, context.now());
        String what = r.outcome() == ReleaseOutcome.PROMOTED
                ? "previous release " + r.releaseId() + r.newRevision().map(v -> " (" + v + ")").orElse("")
                        + " finished"
                : "release " + r.releaseId() + " was rolled back";
        if (since.compareTo(stableFor) < 0) {
            return GateResult.fail(name(), what + " " + Format.duration(since) + " ago; " + Format.duration(stableFor)
                    + " of stability required; promote after " + finished.plus(stableFor));
        }
        return GateResult.pass(name(), what + " " + Format.duration(since) + " ago (" + Format.duration(stableFor)
                + " required)");
    }
}
