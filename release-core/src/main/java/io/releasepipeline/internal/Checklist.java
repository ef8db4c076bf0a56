package io.releasepipeline.internal;

import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.spi.PullRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The whole pre-promotion checklist of one pull request, in the order it is reported: the preconditions, the
 * deploy-filter check, then the configured gates. One place, so that {@code evaluateGates} and a promotion judge
 * alike.
 *
 * @param results every verdict, in report order
 * @param round the gate round, which keeps what the gates read (e.g. the approvals) for the record
 * @param deploy the deploy-filter check with the CI system's answer, when it gave one
 */
record Checklist(List<GateResult> results, GateRound round, DeployCheck.Result deploy) {

    Checklist {
        results = List.copyOf(results);
    }

    /** Evaluates the checklist; {@code stable} learns the revision serving everything, when there is one. */
    static Checklist evaluate(ReleaseOps ops, ReleaseRequest request, PullRequest pullRequest,
            Consumer<String> stable) {
        GateRound round = new GateRound(ops, pullRequest, request.firstRelease());
        List<GateResult> results = new ArrayList<>(Preconditions.evaluate(ops, request, round, stable));
        DeployCheck.Result deploy = DeployCheck.of(ops, pullRequest);
        results.add(deploy.verdict());
        results.addAll(round.evaluate(ops.config.gates()));
        return new Checklist(results, round, deploy);
    }
}
