package io.releasepipeline.evidence;

import java.util.Objects;

/**
 * One gate's verdict with a reason a person can act on.
 *
 * @param gate the gate's name
 * @param status pass, fail or error
 * @param reason why, with the numbers and names involved
 */
public record GateResult(String gate, GateStatus status, String reason) {

    /**
     * Validates.
     *
     * @param gate the gate's name
     * @param status pass, fail or error
     * @param reason why, with the numbers and names involved
     */
    public GateResult {
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * A passing verdict.
     *
     * @param gate the gate's name
     * @param reason why, with the numbers and names involved
     * @return a passing verdict
     */
    public static GateResult pass(String gate, String reason) {
        return new GateResult(gate, GateStatus.PASS, reason);
    }

    /**
     * A failing verdict.
     *
     * @param gate the gate's name
     * @param reason why, with the numbers and names involved
     * @return a failing verdict
     */
    public static GateResult fail(String gate, String reason) {
        return new GateResult(gate, GateStatus.FAIL, reason);
    }

    /**
     * The gate could not decide.
     *
     * @param gate the gate's name
     * @param reason why, with the numbers and names involved
     * @return a verdict saying the gate could not decide
     */
    public static GateResult error(String gate, String reason) {
        return new GateResult(gate, GateStatus.ERROR, reason);
    }

    /**
     * True when the gate passed.
     *
     * @return true when the gate passed
     */
    public boolean passed() {
        return status == GateStatus.PASS;
    }

    @Override
    public String toString() {
        return status + " " + gate + ": " + reason;
    }
}
