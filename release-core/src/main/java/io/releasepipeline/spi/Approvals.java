package io.releasepipeline.spi;

import java.util.List;

/**
 * The reviewers' verdicts on a pull request: for each reviewer, their latest opinionated review (approve or
 * request changes); comments and pending reviews are not verdicts.
 *
 * @param approvedBy reviewers whose latest verdict approves
 * @param changesRequestedBy reviewers whose latest verdict requests changes
 */
public record Approvals(List<String> approvedBy, List<String> changesRequestedBy) {

    /** Copies. */
    public Approvals {
        approvedBy = approvedBy == null ? List.of() : List.copyOf(approvedBy);
        changesRequestedBy = changesRequestedBy == null ? List.of() : List.copyOf(changesRequestedBy);
    }

    /** No reviews at all. */
    public static Approvals none() {
        return new Approvals(List.of(), List.of());
    }
}
