package io.releasepipeline;

import io.releasepipeline.error.ReleaseException;

/** A release was not promoted (aborted, or rolled back successfully). The result says what happened. */
public class ReleaseFailedException extends ReleaseException {

    private static final long serialVersionUID = 1L;

    private final transient ReleaseResult result;

    /**
     * Creates the exception.
     *
     * @param result the release's result
     */
    public ReleaseFailedException(ReleaseResult result) {
        super("release " + result.releaseId() + " was not promoted: " + result.outcome()
                + result.record().notes().stream().reduce("", (a, n) -> a + "; " + n));
        this.result = result;
    }

    /**
     * The release's result.
     *
     * @return the release's result
     */
    public ReleaseResult result() {
        return result;
    }
}
