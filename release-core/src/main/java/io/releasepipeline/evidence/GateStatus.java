package io.releasepipeline.evidence;

/**
 * A gate's verdict. {@code ERROR} means the gate could not decide (a provider failed); like {@code FAIL}, it
 * blocks the release, but the reason says to fix the provider, not the change.
 */
public enum GateStatus {
    /** The gate passed. */
    PASS,
    /** The change does not meet the gate; the reason says what to fix in the change. */
    FAIL,
    /** The gate could not decide because a provider failed; the reason says what to fix in the provider. */
    ERROR
}
