package io.releasepipeline.trigger;

/** The signals sampled during observation. */
public enum Signal {
    /** Health probes. */
    HEALTH,
    /** Smoke checks. */
    SMOKE,
    /** Error-rate readings. */
    ERROR_RATE
}
