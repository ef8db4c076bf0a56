package io.releasepipeline.internal;

import io.releasepipeline.evidence.Samples;
import io.releasepipeline.health.EndpointResult;
import io.releasepipeline.health.SmokeResult;
import io.releasepipeline.spi.Alert;
import io.releasepipeline.spi.ErrorRateReading;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps every sample one step's observation takes, in the compact form of {@link Samples.Step}, within the release's
 * sample budget ({@link Samples#MAX_SAMPLES}). Times are whole milliseconds after the step's start. Not thread-safe.
 */
final class SampleRecorder {

    private final Instant start;
    private final int budget;
    private int count;
    private Long truncated;
    private final List<Long> ends = new ArrayList<>();
    private final List<Long> healthT = new ArrayList<>();
    private final StringBuilder healthUp = new StringBuilder();
    private final List<Long> healthMs = new ArrayList<>();
    private final List<Samples.Detail> healthDetail = new ArrayList<>();
    private String lastHealthDetail;
    private long lastHealthAt;
    private final List<String> endpoints = new ArrayList<>();
    private final Map<String, Integer> endpointIndex = new HashMap<>();
    private final List<Samples.SmokeCheck> checks = new ArrayList<>();
    private final List<Samples.ErrorRateSample> rates = new ArrayList<>();
    private final List<Long> alertT = new ArrayList<>();
    private final List<Integer> alertV = new ArrayList<>();
    private final List<Samples.AlertState> alertStates = new ArrayList<>();
    private final Map<Samples.AlertState, Integer> alertIndex = new HashMap<>();

    /**
     * @param start the step's start, at millisecond precision
     * @param budget how many samples the release may still keep
     */
    SampleRecorder(Instant start, int budget) {
        this.start = start;
        this.budget = budget;
    }

    private long offset(Instant at) {
        return Duration.between(start, at).toMillis();
    }

    private boolean room(Instant at) {
        if (count < budget) {
            count++;
            return true;
        }
        if (truncated == null) {
            truncated = offset(at);
        }
        return false;
    }

    /** The observation judged the window's end at {@code at}. */
    void judgedEnd(Instant at) {
        if (truncated == null) {
            ends.add(offset(at));
        }
    }

    void health(Instant at, boolean up, String detail, Duration latency) {
        if (!room(at)) {
            return;
        }
        long t = offset(at);
        healthT.add(t - lastHealthAt);
        lastHealthAt = t;
        healthUp.append(up ? '1' : '0');
        healthMs.add(latency.toMillis());
        if (!detail.equals(lastHealthDetail)) {
            healthDetail.add(new Samples.Detail(healthT.size() - 1, detail));
            lastHealthDetail = detail;
        }
    }

    void smoke(Instant at, SmokeResult result) {
        if (!room(at)) {
            return;
        }
        List<Samples.EndpointSample> results = new ArrayList<>();
        for (EndpointResult e : result.endpoints()) {
            int index = endpointIndex.computeIfAbsent(e.endpoint(), name -> {
                endpoints.add(name);
                return endpoints.size() - 1;
            });
            results.add(new Samples.EndpointSample(index, e.passed(), e.status().orElse(null),
                    e.medianLatency().map(Duration::toMillis).orElse(null),
                    e.p95Latency().map(Duration::toMillis).orElse(null), e.error().orElse(null)));
        }
        checks.add(new Samples.SmokeCheck(offset(at), results));
    }

    void errorRate(Instant at, ErrorRateReading canary, Optional<ErrorRateReading> stable) {
        if (!room(at)) {
            return;
        }
        rates.add(new Samples.ErrorRateSample(offset(at), reading(canary), stable.map(this::reading)));
    }

    private Samples.Reading reading(ErrorRateReading r) {
        long from = offset(r.from());
        long to = offset(r.to());
        if (r instanceof ErrorRateReading.Measured m) {
            return new Samples.Reading(from, to, m.requests(), m.serverErrors(), null, null);
        }
        if (r instanceof ErrorRateReading.NoData nd) {
            return new Samples.Reading(from, to, null, null, nd.reason(), null);
        }
        return new Samples.Reading(from, to, null, null, null, ((ErrorRateReading.Failed) r).reason());
    }

    void alerts(Instant at, List<Alert> firing, String error) {
        if (!room(at)) {
            return;
        }
        Samples.AlertState state = new Samples.AlertState(firing, Optional.ofNullable(error));
        int index = alertIndex.computeIfAbsent(state, s -> {
            alertStates.add(s);
            return alertStates.size() - 1;
        });
        alertT.add(offset(at));
        alertV.add(index);
    }

    /** How many samples this step kept. */
    int count() {
        return count;
    }

    Samples.Step close(String revision, Optional<String> stable, int weight, Duration window, boolean approval,
            Samples.End end, Instant at) {
        return new Samples.Step(revision, stable, weight, start, window, approval, end, offset(at), ends,
                new Samples.Health(healthT, healthUp.toString(), healthMs, healthDetail),
                new Samples.Smoke(endpoints, checks), rates, new Samples.Alerts(alertT, alertV, alertStates),
                Optional.ofNullable(truncated));
    }
}
