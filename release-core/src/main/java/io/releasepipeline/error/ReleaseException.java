package io.releasepipeline.error;

import io.releasepipeline.format.Redaction;

/**
 * The root of every exception this library throws. Unchecked; subclasses carry the context a person on call
 * needs (which gate, which provider call, which revision). Messages never contain a credential: besides never
 * putting one in, every message and cause goes through {@link Redaction}, so a service's answer quoted in a message
 * (an error body echoing the {@code Authorization} header, a URL with a SAS signature) has its credentials masked,
 * and a cause whose message holds one is replaced by a redacted copy of the same stack trace.
 */
public class ReleaseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message a person can act on.
     *
     * @param message what went wrong and what to do about it
     */
    public ReleaseException(String message) {
        super(Redaction.credentials(message));
    }

    /**
     * Creates an exception with a message a person can act on and the underlying cause.
     *
     * @param message what went wrong and what to do about it
     * @param cause the underlying failure
     */
    public ReleaseException(String message, Throwable cause) {
        super(Redaction.credentials(message), Redaction.cause(cause));
    }
}
