package io.releasepipeline.backtest;

import java.util.Objects;

/**
 * Whether replaying a record through the policy that was live reproduces every verdict it recorded, exactly, to the
 * millisecond. A mismatch is a bug in the engine or the replay; {@link #detail} says which release, which step and
 * which sample.
 *
 * @param status reproduced, a mismatch, or not checked
 * @param detail what differs and where, or why it was not checked; empty when reproduced
 */
public record Determinism(Status status, String detail) {

    /** The outcomes of a check. */
    public enum Status {
        /** Every recorded verdict came back, equal. */
        REPRODUCED,
        /** A verdict differs, or one is missing or extra. */
        MISMATCH,
        /**
         * The record cannot be checked: no samples, samples in a format this version does not read, or the live
         * policy had custom triggers (code).
         */
        NOT_CHECKED
    }

    /**
     * Validates.
     *
     * @param status reproduced, a mismatch, or not checked
     * @param detail what differs and where, or why it was not checked; empty when reproduced
     */
    public Determinism {
        Objects.requireNonNull(status, "status");
        detail = detail == null ? "" : detail;
    }

    /**
     * True unless it is a mismatch.
     *
     * @return true unless it is a mismatch
     */
    public boolean ok() {
        return status != Status.MISMATCH;
    }
}
