package io.releasepipeline.spi;

import io.releasepipeline.error.ProviderException;

/**
 * The CI system refused to merge: the pull request is not mergeable, or its head moved since the gates judged it.
 * Nothing was merged. Permanent: the engine does not retry it.
 */
public class MergeRefusedException extends ProviderException {

    private static final long serialVersionUID = 1L;

    /** Why a merge was refused. */
    public enum Reason { NOT_MERGEABLE, HEAD_CHANGED, FORBIDDEN }

    private final Reason reason;

    /** Creates the exception. */
    public MergeRefusedException(String provider, int number, Reason reason, String message, int statusCode) {
        super(provider, "merge(#" + number + ")", message, false, null, statusCode, null);
        this.reason = reason;
    }

    /** Why it was refused. */
    public Reason reason() {
        return reason;
    }
}
