package io.releasepipeline.evidence;

/**
 * A gate's verdict. {@code ERROR} means the gate could not decide (a provider failed); like {@code FAIL}, it
 * blocks the release, but the reason says to fix the provider, not the change.
 */
public enum GateStatus { PASS, FAIL, ERROR }
