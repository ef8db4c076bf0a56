package io.releasepipeline;

/** What a step waiting for approval does when nobody decides within the timeout. */
public enum ApprovalTimeoutAction {
    /** The default: no decision is a no; the release rolls back (or stops, if no traffic moved yet). */
    REJECT,
    /** No objection is a yes; the release goes on. */
    APPROVE
}
