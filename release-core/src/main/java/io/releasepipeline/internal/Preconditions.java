package io.releasepipeline.internal;

import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.error.ProviderException;
import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.gate.GateContext;
import io.releasepipeline.spi.AppTraffic;
import io.releasepipeline.spi.PullRequest;
import io.releasepipeline.spi.RevisionMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What must hold before anything else is worth judging, reported alongside the gates: the pull request can be
 * merged (or was merged before the release, which then goes on post-merge), and production is in a settled state
 * the plan can start from.
 */
final class Preconditions {

    static final String PULL_REQUEST = "pull-request";
    static final String PLATFORM = "platform-settled";

    private Preconditions() {
    }

    static List<GateResult> evaluate(ReleaseOps ops, ReleaseRequest request, GateContext round,
            Consumer<String> stable) {
        List<GateResult> results = new ArrayList<>();
        PullRequest pr = round.pullRequest();
        results.add(pr.state() == PullRequest.State.MERGED ? mergedPullRequest(round) : pullRequest(pr));
        results.add(platform(ops, request, stable));
        return results;
    }

    /**
     * A pull request merged before the release (post-merge): it goes on from its merge commit unless that commit was
     * already promoted (a second trigger for the same merge must not release it twice).
     */
    private static GateResult mergedPullRequest(GateContext round) {
        PullRequest pr = round.pullRequest();
        if (pr.mergeCommitSha().isEmpty()) {
            return GateResult.fail(PULL_REQUEST, "pull request #" + pr.number() + " is merged but the CI system "
                    + "reports no merge commit; ask again once it does");
        }
        String mergeSha = pr.mergeCommitSha().get();
        Optional<ReleaseRecord> promoted;
        try {
            promoted = round.recentReleases().stream().filter(r -> r.outcome() == ReleaseOutcome.PROMOTED
                    && r.mergeCommitSha().equals(Optional.of(mergeSha))).findFirst();
        } catch (ProviderException e) {
            // The stability gate reads the same history and reports the failure.
            promoted = Optional.empty();
        }
        if (promoted.isPresent()) {
            ReleaseRecord r = promoted.get();
            return GateResult.fail(PULL_REQUEST, "pull request #" + pr.number() + " (merge commit "
                    + Promotion.shortSha(mergeSha) + ") was already promoted by release " + r.releaseId()
                    + r.newRevision().map(v -> " as " + v).orElse("") + "; nothing to release");
        }
        return GateResult.pass(PULL_REQUEST, "pull request #" + pr.number() + " was merged before this release as "
                + Promotion.shortSha(mergeSha) + " (post-merge): these gates are recorded but could not stop the "
                + "merge; a failing one keeps the new revision from getting traffic");
    }

    private static GateResult pullRequest(PullRequest pr) {
        if (pr.state() != PullRequest.State.OPEN) {
            return GateResult.fail(PULL_REQUEST, "pull request #" + pr.number() + " is " + pr.state().name()
                    .toLowerCase() + " without being merged; only an open or a merged pull request can be "
                    + "promoted");
        }
        if (pr.draft()) {
            return GateResult.fail(PULL_REQUEST, "pull request #" + pr.number() + " is a draft; mark it ready");
        }
        if (pr.mergeable().equals(Optional.of(false))) {
            return GateResult.fail(PULL_REQUEST, "pull request #" + pr.number() + " cannot be merged (conflicts or "
                    + "branch protection); update it");
        }
        return GateResult.pass(PULL_REQUEST, "pull request #" + pr.number() + " is open"
                + (pr.mergeable().isPresent() ? " and mergeable" : "; mergeability still being computed")
                + " at " + Promotion.shortSha(pr.headSha()));
    }

    private static GateResult platform(ReleaseOps ops, ReleaseRequest request, Consumer<String> stable) {
        AppTraffic traffic;
        try {
            traffic = ops.readTraffic(false);
        } catch (ProviderException e) {
            return GateResult.error(PLATFORM, "could not read the app's traffic: " + e.getMessage());
        }
        Optional<String> sole = traffic.weights().soleRevision();
        if (sole.isEmpty()) {
            return GateResult.fail(PLATFORM, "traffic is split (" + traffic.weights() + "): another release is in "
                    + "flight or someone changed it by hand; settle it on one revision first");
        }
        stable.accept(sole.get());
        if (ops.config.trafficPlan().splitsTraffic() && traffic.mode() == RevisionMode.SINGLE) {
            return GateResult.fail(PLATFORM, "the traffic plan " + ops.config.trafficPlan().weights()
                    + " splits traffic, which needs multiple revision mode; the app is in single mode");
        }
        // A release that may need to roll back must be able to: the rollback would be refused in this mode.
        if (!request.rollForwardOnly() && !ops.config.platform().canMoveTraffic(traffic.mode())) {
            return GateResult.fail(PLATFORM, "a rollback could not move traffic back to " + sole.get() + ": "
                    + io.releasepipeline.RollbackTargets.refusal(traffic, false, "another revision").orElseThrow()
                    + "; or promote with --roll-forward-only (ReleaseRequest.withRollForwardOnly())");
        }
        return GateResult.pass(PLATFORM, sole.get() + " serves 100% (" + traffic.mode().name().toLowerCase()
                + " revision mode)");
    }
}
