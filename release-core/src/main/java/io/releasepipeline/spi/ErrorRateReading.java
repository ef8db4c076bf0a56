package io.releasepipeline.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * The answer of a health signal for a revision over a window: either measured numbers, or no data. "No data" is
 * its own answer and never means healthy: the error-rate trigger's policy decides what it means. A read that
 * failed is recorded by the engine as {@link Failed} (providers throw instead of returning it).
 */
public sealed interface ErrorRateReading permits ErrorRateReading.Measured, ErrorRateReading.NoData,
        ErrorRateReading.Failed {

    /**
     * The revision read.
     *
     * @return the revision read
     */
    String revision();

    /**
     * The window's start.
     *
     * @return the window's start
     */
    Instant from();

    /**
     * The window's end.
     *
     * @return the window's end
     */
    Instant to();

    /**
     * Requests and 5xx answers counted over the window.
     *
     * @param requests all requests in the window, at least 1
     * @param serverErrors requests answered 5xx, at most {@code requests}
     */
    record Measured(String revision, Instant from, Instant to, long requests, long serverErrors)
            implements ErrorRateReading {

        /**
         * Validates.
         *
         * @param revision the revision read
         * @param from the window's start
         * @param to the window's end
         * @param requests all requests in the window, at least 1
         * @param serverErrors requests answered 5xx, at most {@code requests}
         */
        public Measured {
            Objects.requireNonNull(revision, "revision");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            if (requests < 1 || serverErrors < 0 || serverErrors > requests) {
                throw new IllegalArgumentException("need 0 <= serverErrors <= requests and requests >= 1, got "
                        + serverErrors + " of " + requests);
            }
        }

        /**
         * The 5xx fraction, 0..1.
         *
         * @return the 5xx fraction, 0..1
         */
        public double rate() {
            return (double) serverErrors / requests;
        }
    }

    /**
     * No request was counted in the window (no traffic, or the metric is not available yet).
     *
     * @param reason why, for the evidence
     */
    record NoData(String revision, Instant from, Instant to, String reason) implements ErrorRateReading {

        /**
         * Validates.
         *
         * @param revision the revision read
         * @param from the window's start
         * @param to the window's end
         * @param reason why, for the evidence
         */
        public NoData {
            Objects.requireNonNull(revision, "revision");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            reason = reason == null ? "no requests in the window" : reason;
        }
    }

    /**
     * The read failed: the provider threw (permission refused, server errors after retries, throttled). Made by the
     * engine from the failure, so that a failed read is judged as an error, never as no data.
     *
     * @param reason the failure, as the provider described it
     */
    record Failed(String revision, Instant from, Instant to, String reason) implements ErrorRateReading {

        /**
         * Validates.
         *
         * @param revision the revision read
         * @param from the window's start
         * @param to the window's end
         * @param reason why, for the evidence
         */
        public Failed {
            Objects.requireNonNull(revision, "revision");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            reason = reason == null ? "the read failed" : reason;
        }
    }
}
