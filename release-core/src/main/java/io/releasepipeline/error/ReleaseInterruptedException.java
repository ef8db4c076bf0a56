package io.releasepipeline.error;

/** Thrown when the thread running a release is interrupted while it waits. The interrupt flag stays set. */
public class ReleaseInterruptedException extends ReleaseException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was interrupted
     * @param cause the interruption
     */
    public ReleaseInterruptedException(String message, InterruptedException cause) {
        super(message, cause);
    }
}
