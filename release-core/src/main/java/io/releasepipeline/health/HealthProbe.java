package io.releasepipeline.health;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A synthetic health monitor: one cheap request to the health endpoint, up or down. The engine calls it every
 * probe interval during observation to detect "health endpoint down > 30 seconds continuous".
 *
 * <p>Contract: thread-safe; blocks for at most its own timeout; a timeout or error is "down", never an exception.
 *
 * <p>Keep the description ({@link ProbeResult#detail()}) stable while the endpoint's state is: say what a reader
 * needs (status, error), never a per-probe timing or counter. The engine records every probe's latency in its own
 * column of the record's samples and writes a description only where it changes, so a description that changes on
 * every probe (a latency in it) costs the evidence some 50 bytes a probe instead of about 11, and a release runs
 * past the size bound {@code docs/samples-format.md} documents. Report a measured latency with
 * {@link ProbeResult#up(String, Duration)} / {@link ProbeResult#down(String, Duration)} instead.
 */
@FunctionalInterface
public interface HealthProbe {

    /**
     * Probes once.
     *
     * @param target the revision's URL and endpoints
     * @return up or down, with a detail
     */
    ProbeResult probe(SmokeTarget target);

    /**
     * The result of one probe: up or down, with a detail for the evidence and, optionally, the latency the probe
     * measured itself. Immutable.
     *
     * @param up whether the endpoint answered as expected
     * @param detail a description that stays the same while the endpoint's state does (no per-probe timing)
     * @param latency the exchange's own duration as the probe measured it; when present the engine records it as
     *     the probe's latency, otherwise the engine measures the call on the release's clock
     */
    record ProbeResult(boolean up, String detail, Optional<Duration> latency) {

        /**
         * Validates the components.
         *
         * @param up whether the endpoint answered as expected
         * @param detail a description that stays the same while the endpoint's state does (no per-probe timing)
         * @param latency the exchange's own duration as the probe measured it; when present the engine records it as
         *     the probe's latency, otherwise the engine measures the call on the release's clock
         * @throws NullPointerException when {@code latency} is null
         * @throws IllegalArgumentException when the latency is negative
         */
        public ProbeResult {
            Objects.requireNonNull(latency, "latency");
            if (latency.isPresent() && latency.get().isNegative()) {
                throw new IllegalArgumentException("a probe's latency cannot be negative, got " + latency.get());
            }
        }

        /**
         * A result without a measured latency: the engine measures the call.
         *
         * @param up whether the endpoint answered as expected
         * @param detail a description that stays the same while the endpoint's state does (no per-probe timing)
         */
        public ProbeResult(boolean up, String detail) {
            this(up, detail, Optional.empty());
        }

        /**
         * Up; the engine measures the latency.
         *
         * @param detail a description that stays the same while the endpoint's state does (no per-probe timing)
         * @return up; the engine measures the latency
         */
        public static ProbeResult up(String detail) {
            return new ProbeResult(true, detail);
        }

        /**
         * Down; the engine measures the latency.
         *
         * @param detail a description that stays the same while the endpoint's state does (no per-probe timing)
         * @return a down result
         */
        public static ProbeResult down(String detail) {
            return new ProbeResult(false, detail);
        }

        /**
         * Up, with the latency the probe measured.
         *
         * @param detail a description that stays the same while the endpoint's state does (no per-probe timing)
         * @param latency the exchange's own duration as the probe measured it; when present the engine records it as
         *     the probe's latency, otherwise the engine measures the call on the release's clock
         * @return up, with the latency the probe measured
         * @throws NullPointerException when an argument is null
         * @throws IllegalArgumentException when the latency is negative
         */
        public static ProbeResult up(String detail, Duration latency) {
            return new ProbeResult(true, detail, Optional.of(Objects.requireNonNull(latency, "latency")));
        }

        /**
         * Down, with the latency the probe measured (how long it waited before giving up).
         *
         * @param detail a description that stays the same while the endpoint's state does (no per-probe timing)
         * @param latency the exchange's own duration as the probe measured it; when present the engine records it as
         *     the probe's latency, otherwise the engine measures the call on the release's clock
         * @return a down result
         * @throws NullPointerException when an argument is null
         * @throws IllegalArgumentException when the latency is negative
         */
        public static ProbeResult down(String detail, Duration latency) {
            return new ProbeResult(false, detail, Optional.of(Objects.requireNonNull(latency, "latency")));
        }
    }
}
