package io.releasepipeline.health;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A smoke check's verdict: PASS only if every endpoint passed.
 *
 * @param revision the revision checked
 * @param at when the check finished
 * @param passed whether every endpoint passed
 * @param endpoints every endpoint with its status, latencies and error
 */
public record SmokeResult(String revision, Instant at, boolean passed, List<EndpointResult> endpoints) {

    /**
     * Validates and copies.
     *
     * @param revision the revision checked
     * @param at when the check finished
     * @param passed whether every endpoint passed
     * @param endpoints every endpoint with its status, latencies and error
     */
    public SmokeResult {
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(at, "at");
        endpoints = List.copyOf(endpoints);
    }

    /**
     * A result whose verdict is derived from its endpoints (no endpoints = fail: nothing was verified).
     *
     * @param revision the revision checked
     * @param at when the check finished
     * @param endpoints every endpoint with its status, latencies and error
     * @return a result whose verdict is derived from its endpoints (no endpoints = fail: nothing was verified)
     */
    public static SmokeResult of(String revision, Instant at, List<EndpointResult> endpoints) {
        return new SmokeResult(revision, at, !endpoints.isEmpty() && endpoints.stream().allMatch(EndpointResult::passed),
                endpoints);
    }

    /**
     * One line: PASS/FAIL and the failing endpoints.
     *
     * @return one line: PASS/FAIL and the failing endpoints
     */
    public String summary() {
        if (passed) {
            return "PASS " + endpoints.size() + " endpoint" + (endpoints.size() == 1 ? "" : "s") + " on " + revision;
        }
        if (endpoints.isEmpty()) {
            return "FAIL on " + revision + ": no endpoint checked";
        }
        return "FAIL on " + revision + ": " + endpoints.stream().filter(e -> !e.passed()).map(EndpointResult::toString)
                .collect(Collectors.joining("; "));
    }
}
