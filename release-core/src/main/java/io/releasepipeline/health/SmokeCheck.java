package io.releasepipeline.health;

/**
 * The runbook's smoke check (step 4, and the verification after a rollback): every endpoint must answer as
 * expected with a warm latency under the SLO.
 *
 * <p>Contract: thread-safe; blocks while it probes, bounded by its own timeouts; never throws for an endpoint
 * that fails or times out (that is a FAIL result), only for a broken configuration.
 */
@FunctionalInterface
public interface SmokeCheck {

    /**
     * Runs the check against {@code target}. The result's {@code at} comes from {@code clock}.
     *
     * @param target the revision's URL and endpoints
     * @param clock the release's clock
     * @return whether every endpoint passed, with each endpoint's result
     */
    SmokeResult run(SmokeTarget target, io.releasepipeline.time.ReleaseClock clock);
}
