package io.releasepipeline.testkit.faults;

/**
 * Where a release stands when a fault hits it: the failure-semantics table's columns. Read from the world at the
 * moment of the faulty call (the platform's traffic, whether the pull request is merged, whether a rollback started),
 * never from the engine's journal, so it does not depend on how the engine names its states.
 */
public enum Phase {

    /** Nothing changed yet: the lock, the journal, the gates, up to the merge call. */
    BEFORE_MERGE("before gates/merge"),
    /** The pull request is merged; all traffic still on the stable revision (deploy run, new revision). */
    MERGED("merged, before traffic"),
    /** Traffic is split between the stable and the new revision (a canary step, its observation). */
    TRAFFIC_SPLIT("traffic split"),
    /** The new revision serves 100% and is observed (and the release's last steps). */
    AT_100("at 100%, observing"),
    /** A rollback started (and the release's last steps after it). */
    ROLLING_BACK("rolling back");

    private final String label;

    Phase(String label) {
        this.label = label;
    }

    /**
     * The column's heading.
     *
     * @return the column's heading
     */
    public String label() {
        return label;
    }
}
