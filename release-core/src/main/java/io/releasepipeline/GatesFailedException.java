package io.releasepipeline;

import io.releasepipeline.error.ReleaseException;
import io.releasepipeline.evidence.GateResult;
import java.util.List;

/** One or more gates did not pass; nothing was changed. Lists every gate that did not pass, with its reason. */
public class GatesFailedException extends ReleaseException {

    private static final long serialVersionUID = 1L;

    private final transient List<GateResult> failed;

    /**
     * Creates the exception.
     *
     * @param releaseId the release whose gates failed
     * @param failed the gates that did not pass
     */
    public GatesFailedException(String releaseId, List<GateResult> failed) {
        super("release " + releaseId + " blocked by " + failed.size() + " gate" + (failed.size() == 1 ? "" : "s")
                + "; nothing was changed:" + failed.stream().map(g -> "\n  - " + g).reduce("", String::concat));
        this.failed = List.copyOf(failed);
    }

    /**
     * The gates that did not pass.
     *
     * @return the gates that did not pass
     */
    public List<GateResult> failed() {
        return failed;
    }
}
