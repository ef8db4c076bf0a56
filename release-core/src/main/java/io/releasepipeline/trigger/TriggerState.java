package io.releasepipeline.trigger;

/**
 * A rollback trigger's verdict: all well, roll back now, not enough data to say, or the signal could not be read.
 * {@link #NO_DATA} and {@link #ERROR} are different answers: no data is a healthy read that counted too little
 * traffic (its own {@link NoDataPolicy}); an error is a read that failed (403, 5xx after retries, throttled), which
 * says nothing about the revision and has its own {@link ReadErrorPolicy}.
 */
public enum TriggerState {
    /** The signal was read and is within bounds. */
    OK,
    /** The signal says roll back. */
    FIRING,
    /** The signal was read but counted too little to judge. */
    NO_DATA,
    /** The signal could not be read; see {@link Triggers#onReadError()}. */
    ERROR
}
