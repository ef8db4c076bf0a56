package io.releasepipeline.gate;

import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.spi.Reviews;

/**
 * The pull request's reviews: at least N approving reviews and no outstanding request for changes. Named
 * {@code reviews}, apart from the step approvals a person gives during a rollout. Immutable.
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
        Reviews a = context.reviews(headOnly);
        String scope = headOnly ? " on the head commit" : "";
        if (!a.changesRequestedBy().isEmpty()) {
            return GateResult.fail(name(), "changes requested by " + String.join(", ", a.changesRequestedBy())
                    + scope + "; address them and get a new review");
        }
        if (a.approvedBy().size() < minimum) {
            return GateResult.fail(name(), a.approvedBy().size() + " approving review" + (a.approvedBy().size() == 1 ? "" : "s")
                    + scope + ", " + minimum + " required" + (a.approvedBy().isEmpty() ? ""
                            : " (approved by " + String.join(", ", a.approvedBy()) + ")"));
        }
        return GateResult.pass(name(), a.approvedBy().size() + " approving review" + (a.approvedBy().size() == 1 ? "" : "s")
                + scope + " (" + String.join(", ", a.approvedBy()) + "), " + minimum + " required");
    }
}
