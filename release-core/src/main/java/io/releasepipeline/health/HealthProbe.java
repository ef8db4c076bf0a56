package io.releasepipeline.health;

/**
 * A synthetic health monitor: one cheap request to the health endpoint, up or down. The engine calls it every
 * probe interval during observation to detect "health endpoint down > 30 seconds continuous".
 *
 * <p>Contract: thread-safe; blocks for at most its own timeout; a timeout or error is "down", never an exception.
 */
@FunctionalInterface
public interface HealthProbe {

    /** Probes once. */
    ProbeResult probe(SmokeTarget target);

    /** The result of one probe: up or down, with a detail for the evidence. */
    record ProbeResult(boolean up, String detail) {

        /** Up. */
        public static ProbeResult up(String detail) {
            return new ProbeResult(true, detail);
        }

        /** Down. */
        public static ProbeResult down(String detail) {
            return new ProbeResult(false, detail);
        }
    }
}
