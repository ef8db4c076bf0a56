package io.releasepipeline.gate;

import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.spi.Approvals;

/** At least N approvals and no outstanding request for changes. Immutable. */
final class ApprovalsGate implements Gate {

    private final int minimum;
    private final boolean headOnly;

    ApprovalsGate(int minimum, boolean headOnly) {
        if (minimum < 1) {
            throw new IllegalArgumentException("minimum approvals must be at least 1, got " + minimum);
        }
        this.minimum = minimum;
        this.headOnly = headOnly;
    }

    @Override
    public String name() {
        return "approvals";
    }

    @Override
    public GateResult evaluate(GateContext context) {
        Approvals a = context.approvals(headOnly);
        String scope = headOnly ? " on the head commit" : "";
        if (!a.changesRequestedBy().isEmpty()) {
            return GateResult.fail(name(), "changes requested by " + String.join(", ", a.changesRequestedBy())
                    + scope + "; address them and get a new review");
        }
        if (a.approvedBy().size() < minimum) {
            return GateResult.fail(name(), a.approvedBy().size() + " approval" + (a.approvedBy().size() == 1 ? "" : "s")
                    + scope + ", " + minimum + " required" + (a.approvedBy().isEmpty() ? ""
                            : " (approved by " + String.join(", ", a.approvedBy()) + ")"));
        }
        return GateResult.pass(name(), a.approvedBy().size() + " approval" + (a.approvedBy().size() == 1 ? "" : "s")
                + scope + " (" + String.join(", ", a.approvedBy()) + "), " + minimum + " required");
    }
}
