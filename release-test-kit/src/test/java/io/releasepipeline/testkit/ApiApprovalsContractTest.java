package io.releasepipeline.testkit;

import io.releasepipeline.approval.ApiApprovals;
import io.releasepipeline.spi.ApprovalRequest;
import io.releasepipeline.testkit.contract.ApprovalProviderContract;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link ApiApprovals} keeps the approval provider contract: a person decides by calling {@code approve} or
 * {@code reject}, and people are asked through the listener, whose calls are counted.
 */
class ApiApprovalsContractTest extends ApprovalProviderContract {

    private static String key(ApprovalRequest r) {
        return r.releaseId() + "@" + r.weight();
    }

    @Override
    protected ApprovalFixture fixture() {
        Map<String, Integer> asked = new ConcurrentHashMap<>();
        ApiApprovals approvals = new ApiApprovals(new VirtualClock(), r -> asked.merge(key(r), 1, Integer::sum));
        Decider decider = new Decider() {
            @Override
            public void approve(ApprovalRequest r, String by, String comment) {
                approvals.approve(r.releaseId(), r.weight(), by, comment);
            }

            @Override
            public void reject(ApprovalRequest r, String by, String comment) {
                approvals.reject(r.releaseId(), r.weight(), by, comment);
            }
        };
        return new ApprovalFixture(approvals, decider, r -> asked.getOrDefault(key(r), 0));
    }
}
