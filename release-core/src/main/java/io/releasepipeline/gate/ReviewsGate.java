package io.releasepipeline.gate;

import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.spi.Reviews;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The pull request's reviews: at least N approving reviews and no outstanding request for changes, counting only
 * reviewers with write access (the provider decides who may write; see {@link Reviews}). Named {@code reviews}, apart
 * from the step approvals a person gives during a rollout. The reason names whose approval counted, with their role,
 * and whose verdict did not count and why. Immutable.
 *
 * <p>What an approval of an older commit is worth ({@code headOnly}, {@code gates.approvalsOnHead}):
 * <table>
 * <caption>Each reviewer's latest verdict</caption>
 * <tr><th>latest verdict</th><th>given on</th><th>headOnly false (default)</th><th>headOnly true</th></tr>
 * <tr><td>approve</td><td>the head</td><td>counts</td><td>counts</td></tr>
 * <tr><td>approve</td><td>an older commit</td><td>counts</td><td>does not count (named in the reason)</td></tr>
 * <tr><td>request changes</td><td>any commit</td><td>blocks</td><td>blocks</td></tr>
 * <tr><td>dismissed</td><td>any commit</td><td>nothing</td><td>nothing</td></tr>
 * </table>
 * A request for changes does not go stale with a push: it blocks until that reviewer approves or the review is
 * dismissed, as on GitHub. An approval of an older commit that GitHub dismissed (the branch rule "dismiss stale pull
 * request approvals when new commits are pushed") is no verdict at all.
 */
final class ReviewsGate implements Gate {

    private final int minimum;
    private final boolean headOnly;

    ReviewsGate(int minimum, boolean headOnly) {
        if (minimum < 1) {
            throw new IllegalArgumentException("minimum approvals must be at least 1, got " + minimum);
        }
        this.minimum = minimum;
        this.headOnly = headOnly;
    }

    @Override
    public String name() {
        return "reviews";
    }

    @Override
    public GateResult evaluate(GateContext context) {
        Reviews r = context.reviews(headOnly);
        String notCounted = notCounted(r);
        if (!r.changesRequestedBy().isEmpty()) {
            return GateResult.fail(name(), "changes requested by " + named(r, r.changesRequestedBy())
                    + "; address them and get a new review" + notCounted);
        }
        int approvals = r.approvedBy().size();
        String counted = approvals + " approving review" + (approvals == 1 ? "" : "s")
                + (headOnly ? " on the head commit" : "") + ", " + minimum + " required"
                + (approvals == 0 ? "" : ": approved by " + named(r, r.approvedBy()));
        return approvals < minimum ? GateResult.fail(name(), counted + notCounted)
                : GateResult.pass(name(), counted + notCounted);
    }

    /** {@code alice (write), bob (maintain)}; a reviewer whose role the provider did not say is named alone. */
    private static String named(Reviews r, List<String> reviewers) {
        return reviewers.stream().map(who -> who + r.roleOf(who).map(role -> " (" + role + ")").orElse(""))
                .collect(Collectors.joining(", "));
    }

    /** {@code ; bob's approval not counted: read permission}, for each verdict that did not count. */
    private static String notCounted(Reviews r) {
        return r.notCounted().stream().map(n -> "; " + n.reviewer() + "'s "
                + (n.verdict() == Reviews.Verdict.APPROVED ? "approval" : "request for changes") + " not counted: "
                + n.reason()).collect(Collectors.joining());
    }
}
