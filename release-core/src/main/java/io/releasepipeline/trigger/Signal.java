package io.releasepipeline.trigger;

/** The signals sampled during observation. */
public enum Signal {
    /** Health probes. */
    HEALTH,
    /** Smoke checks. */
    SMOKE,
    /** Error-rate readings (of the new revision, and of the stable one for canary analysis). */
    ERROR_RATE,
    /** Monitoring alerts. */
    ALERTS
}
