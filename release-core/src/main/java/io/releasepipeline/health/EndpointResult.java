package io.releasepipeline.health;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One endpoint's smoke result.
 *
 * <p>In JSON (the evidence record, {@code --output json}) the latencies are whole milliseconds, as numbers, named
 * {@code medianLatencyMillis} and {@code p95LatencyMillis}; a record written before that, with ISO-8601 strings
 * under {@code medianLatency} and {@code p95Latency}, still reads.
 *
 * @param endpoint the endpoint's name or path
 * @param passed whether it answered as expected within the latency SLO
 * @param status the HTTP status it answered, if it answered
 * @param medianLatency the median warm latency, if measured
 * @param p95Latency the 95th percentile warm latency, if measured
 * @param error what went wrong, if anything
 */
public record EndpointResult(String endpoint, boolean passed, Optional<Integer> status,
        @JsonProperty("medianLatencyMillis") @JsonAlias("medianLatency")
        @JsonFormat(shape = JsonFormat.Shape.NUMBER_INT, without = {
            JsonFormat.Feature.WRITE_DATE_TIMESTAMPS_AS_NANOSECONDS,
            JsonFormat.Feature.READ_DATE_TIMESTAMPS_AS_NANOSECONDS}) Optional<Duration> medianLatency,
        @JsonProperty("p95LatencyMillis") @JsonAlias("p95Latency")
        @JsonFormat(shape = JsonFormat.Shape.NUMBER_INT, without = {
            JsonFormat.Feature.WRITE_DATE_TIMESTAMPS_AS_NANOSECONDS,
            JsonFormat.Feature.READ_DATE_TIMESTAMPS_AS_NANOSECONDS}) Optional<Duration> p95Latency,
        Optional<String> error) {

    /**
     * Validates.
     *
     * @param endpoint the endpoint's name or path
     * @param passed whether it answered as expected within the latency SLO
     * @param status the HTTP status it answered, if it answered
     * @param medianLatency the median warm latency, if measured
     * @param p95Latency the 95th percentile warm latency, if measured
     * @param error what went wrong, if anything
     */
    public EndpointResult {
        Objects.requireNonNull(endpoint, "endpoint");
        status = status == null ? Optional.empty() : status;
        medianLatency = medianLatency == null ? Optional.empty() : medianLatency;
        p95Latency = p95Latency == null ? Optional.empty() : p95Latency;
        error = error == null ? Optional.empty() : error;
    }

    /**
     * A passing endpoint with a status and warm latencies.
     *
     * @param endpoint the endpoint's name or path
     * @param status the HTTP status it answered, if it answered
     * @param median the median warm latency
     * @param p95 the 95th percentile warm latency
     * @return a passing endpoint with a status and warm latencies
     */
    public static EndpointResult ok(String endpoint, int status, Duration median, Duration p95) {
        return new EndpointResult(endpoint, true, Optional.of(status), Optional.of(median), Optional.of(p95),
                Optional.empty());
    }

    /**
     * A failing endpoint.
     *
     * @param endpoint the endpoint's name or path
     * @param status the HTTP status it answered, if it answered
     * @param error what went wrong, if anything
     * @return a failing endpoint
     */
    public static EndpointResult failed(String endpoint, Optional<Integer> status, String error) {
        return new EndpointResult(endpoint, false, status, Optional.empty(), Optional.empty(), Optional.of(error));
    }

    @Override
    public String toString() {
        return (passed ? "PASS " : "FAIL ") + endpoint + status.map(s -> " " + s).orElse("")
                + medianLatency.map(d -> " median " + d.toMillis() + "ms").orElse("")
                + p95Latency.map(d -> " p95 " + d.toMillis() + "ms").orElse("")
                + error.map(e -> " (" + e + ")").orElse("");
    }
}
