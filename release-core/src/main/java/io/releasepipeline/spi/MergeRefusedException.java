package io.releasepipeline.spi;

import io.releasepipeline.error.ProviderException;

/**
 * The CI system refused to merge: the pull request is not mergeable, or its head moved since the gates judged it.
 * Nothing was merged. Permanent: the engine does not retry it.
 */
public class MergeRefusedException extends ProviderException {

    private static final long serialVersionUID = 1L;

    /** Why a merge was refused. */
    public enum Reason {
        /** The pull request cannot be merged (a conflict, a draft, a failing protection rule). */
        NOT_MERGEABLE,
        /** Its head moved after the gates judged it: nothing was merged. */
        HEAD_CHANGED,
        /** The token may not merge it. */
        FORBIDDEN
    }

    /** Why the merge was refused. */
    private final Reason reason;

    /**
     * Creates the exception.
     *
     * @param provider the provider's short name
     * @param number the pull request's number
     * @param reason why the merge was refused
     * @param message what went wrong and what to do about it
     * @param statusCode the HTTP status, or 0
     */
    public MergeRefusedException(String provider, int number, Reason reason, String message, int statusCode) {
        super(provider, "merge(#" + number + ")", message, false, null, statusCode, null);
        this.reason = reason;
    }

    /**
     * Why it was refused.
     *
     * @return why the merge was refused
     */
    public Reason reason() {
        return reason;
    }
}
