package io.releasepipeline.spi;

import java.util.List;

/**
 * The reviewers' verdicts on a pull request: for each reviewer, their latest opinionated review (approve or
 * request changes); comments and pending reviews are not verdicts.
 *
 * @param approvedBy reviewers whose latest verdict approves
 * @param changesRequestedBy reviewers whose latest verdict requests changes
 */
public record Reviews(List<String> approvedBy, List<String> changesRequestedBy) {

    /** Copies. */
    public Reviews {
        approvedBy = approvedBy == null ? List.of() : List.copyOf(approvedBy);
        changesRequestedBy = changesRequestedBy == null ? List.of() : List.copyOf(changesRequestedBy);
    }

    /** No reviews at all. */
    public static Reviews none() {
        return new Reviews(List.of(), List.of());
    }
}
