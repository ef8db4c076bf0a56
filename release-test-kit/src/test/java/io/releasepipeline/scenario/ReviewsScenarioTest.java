package io.releasepipeline.scenario;

import static io.releasepipeline.testkit.Simulation.PR;
import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.evidence.GateStatus;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.gate.Gate;
import io.releasepipeline.gate.Gates;
import io.releasepipeline.testkit.FakeCi;
import io.releasepipeline.testkit.Simulation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Who counts as a reviewer, through the engine: the reviews gate's verdict and what the release does with it. */
class ReviewsScenarioTest {

    private final Simulation sim = new Simulation();

    private ReleaseResult promote(Gate reviewsGate) {
        List<Gate> gates = new ArrayList<>(Gates.runbookDefaults());
        gates.set(3, reviewsGate);
        return sim.builder().gates(gates).build().promote(ReleaseRequest.ofPullRequest(PR));
    }

    private GateResult reviewsGate(ReleaseResult result) {
        return result.gates().stream().filter(g -> g.gate().equals("reviews")).findFirst().orElseThrow();
    }

    @Test
    @DisplayName("approvals only from people who may not write fail the gate, naming them; nothing is merged")
    void approvalsFromReadersDoNotRelease() {
        sim.ci.collaborator("alice", "read").collaborator("mallory", "none");
        sim.ci.pr(PR).approvedBy("mallory");

        ReleaseResult result = promote(Gates.minimumApprovals(1));

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.GATES_FAILED);
        assertThat(reviewsGate(result).reason()).isEqualTo("0 approving reviews, 1 required; alice's approval not "
                + "counted: read permission; mallory's approval not counted: no access to the repository");
        assertThat(sim.ci.isMerged(PR)).isFalse();
        assertThat(result.record().approvers()).isEmpty();
    }

    @Test
    @DisplayName("a permission that cannot be read is an ERROR verdict of the reviews gate, never a guess; nothing is "
            + "merged")
    void permissionUnreadable() {
        sim.ci.failAlways("permission", false);

        ReleaseResult result = promote(Gates.minimumApprovals(1));

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.GATES_FAILED);
        assertThat(reviewsGate(result).status()).isEqualTo(GateStatus.ERROR);
        assertThat(reviewsGate(result).reason()).contains("could not decide", "permission");
        assertThat(sim.ci.isMerged(PR)).isFalse();
    }

    @Test
    @DisplayName("the record's approvers are the reviewers whose approval counted")
    void recordNamesCountedApprovers() {
        sim.ci.collaborator("bob", "triage");
        sim.ci.pr(PR).approvedBy("bob", "erin");

        ReleaseResult result = promote(Gates.minimumApprovals(2));

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(reviewsGate(result).reason()).isEqualTo("2 approving reviews, 2 required: approved by alice "
                + "(" + FakeCi.DEFAULT_REVIEWER_ROLE + "), erin (write); bob's approval not counted: triage permission");
        assertThat(result.record().approvers()).containsExactly("alice", "erin");
    }

    @Test
    @DisplayName("with approvalsOnHead, the record's approvers are the head's, and each reviewer's permission is read "
            + "once per gate round")
    void approvalsOnHeadRecordAndOneReadPerReviewer() {
        String old = sim.ci.pr(PR).head();
        sim.ci.pr(PR).pushes(FakeCi.sha("fixup")).approvedBy("erin").checkPasses("lint").checkPasses("typecheck")
                .checkPasses("tests").checkPasses("contract-governance");

        ReleaseResult result = promote(Gates.minimumApprovalsOnHead(1));

        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(reviewsGate(result).reason()).isEqualTo("1 approving review on the head commit, 1 required: "
                + "approved by erin (write); alice's approval not counted: given on " + old.substring(0, 7)
                + ", not on the head " + sim.ci.pr(PR).head().substring(0, 7));
        assertThat(result.record().approvers()).containsExactly("erin");
        assertThat(sim.ci.count("permission")).as("erin's, once; alice's stale approval needs none").isEqualTo(1);
    }
}
