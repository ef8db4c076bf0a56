package io.releasepipeline.error;

/**
 * The root of every exception this library throws. Unchecked; subclasses carry the context a person on call
 * needs (which gate, which provider call, which revision). Messages never contain a credential.
 */
public class ReleaseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message a person can act on. */
    public ReleaseException(String message) {
        super(message);
    }

    /** Creates an exception with a message a person can act on and the underlying cause. */
    public ReleaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
