package io.releasepipeline;

import io.releasepipeline.error.ReleaseException;

/** A rollback did not complete: traffic may not be on the previous revision. Page someone. */
public class RollbackFailedException extends ReleaseException {

    private static final long serialVersionUID = 1L;

    private final transient RollbackResult result;

    /**
     * Creates the exception.
     *
     * @param result the rollback's result
     */
    public RollbackFailedException(RollbackResult result) {
        super("rollback of release " + result.releaseId() + " to " + result.details().toRevision() + " FAILED: "
                + result.details().detail().orElse("see the evidence")
                + result.trafficAfter().map(t -> "; traffic now " + t).orElse("; traffic could not be read back")
                + ". Follow the runbook's manual rollback.");
        this.result = result;
    }

    /**
     * The rollback's result.
     *
     * @return the rollback's result
     */
    public RollbackResult result() {
        return result;
    }
}
