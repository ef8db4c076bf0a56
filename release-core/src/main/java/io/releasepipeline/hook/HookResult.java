package io.releasepipeline.hook;

import java.util.Objects;
import java.util.Optional;

/**
 * What one run of a hook came to.
 *
 * @param status how it ended
 * @param summary one line for the record, the report and the notes: what was done or what went wrong (never a
 *     credential)
 * @param link where to see more (a workflow run's page), when there is one
 */
public record HookResult(Status status, String summary, Optional<String> link) {

    /** How a hook's run ended. */
    public enum Status {
        /** The work was done (the webhook answered 2xx, the workflow run succeeded, the command exited 0). */
        SUCCEEDED,
        /** The hook ran and said no, or its work failed (a 4xx answer, a failed run, a non-zero exit). */
        FAILED,
        /** The hook could not be run to an answer: unreachable, refused credentials, timed out, crashed. */
        ERROR
    }

    /**
     * Validates.
     *
     * @param status how it ended
     * @param summary one line for the record, the report and the notes: what was done or what went wrong (never a
     *     credential)
     * @param link where to see more (a workflow run's page), when there is one
     */
    public HookResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(summary, "summary");
        link = link == null ? Optional.empty() : link;
    }

    /**
     * The work was done.
     *
     * @param summary one line for the record, the report and the notes: what was done or what went wrong (never a
     *     credential)
     * @return a result saying the work was done
     */
    public static HookResult succeeded(String summary) {
        return new HookResult(Status.SUCCEEDED, summary, Optional.empty());
    }

    /**
     * The hook ran and its work failed, or it said no.
     *
     * @param summary one line for the record, the report and the notes: what was done or what went wrong (never a
     *     credential)
     * @return a result saying the hook ran and its work failed, or it said no
     */
    public static HookResult failed(String summary) {
        return new HookResult(Status.FAILED, summary, Optional.empty());
    }

    /**
     * The hook could not be run to an answer.
     *
     * @param summary one line for the record, the report and the notes: what was done or what went wrong (never a
     *     credential)
     * @return a result saying the hook could not be run to an answer
     */
    public static HookResult error(String summary) {
        return new HookResult(Status.ERROR, summary, Optional.empty());
    }

    /**
     * The same result with a link to more.
     *
     * @param url where to read more
     * @return the same result with a link to more
     */
    public HookResult withLink(String url) {
        return new HookResult(status, summary, Optional.of(url));
    }

    /**
     * True when the work was done.
     *
     * @return true when the work was done
     */
    public boolean succeeded() {
        return status == Status.SUCCEEDED;
    }
}
