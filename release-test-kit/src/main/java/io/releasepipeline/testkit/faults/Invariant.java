package io.releasepipeline.testkit.faults;

/** The promises the fault matrix checks after each case. */
public enum Invariant {

    /**
     * Traffic is not split and not on a deactivated revision (unless the release is roll-forward-only and FROZEN, or
     * its rollback failed because the platform itself stayed broken).
     */
    TRAFFIC_SAFE,
    /**
     * Write-ahead (README "Failure semantics"): a forward side effect (merge, deployment record, activating the new
     * revision, a shift giving it traffic, an approval request) needs a successful journal append since the previous
     * side effect; a safety or closing one (traffic back on stable, activating stable, the final deployment status, a
     * comment) needs an attempted journal write, whose failure the evidence records.
     */
    WRITE_AHEAD,
    /**
     * Every side effect is made by a process whose own lock owner holds the app's lock, after a fencing check since
     * its previous side effect; none follows a fencing check that could have seen another owner (not even a
     * rollback); a finished release leaves no lock behind.
     */
    ONE_OWNER,
    /** A release that journaled anything ends with a final record that parses, consistent with the traffic. */
    EVIDENCE_VALID,
    /**
     * The outcome and the CLI's exit code tell the truth: the code's promise holds in the world (0 promoted, 3 back
     * on stable, 69/75 nothing changed...); an {@code Error} propagates after the safety action; an interrupt's flag
     * is restored.
     */
    OUTCOME_AND_EXIT_CODE,
    /**
     * A release whose rollback signal could not be read while traffic was on the new revision is never PROMOTED
     * silently: an alert source or error rate that stays unreadable goes to the read error policy; a health probe or
     * smoke check that throws counts as failing and shows on the record's timeline.
     */
    NOT_SILENTLY_PROMOTED,
    /** After the process died (or lost its lock), {@code resume} by a fresh pipeline reaches a terminal state. */
    RESUME_TERMINATES,
    /** The harness itself: the fault was injected, and the case finished within its real-time budget. */
    CASE_COMPLETED
}
