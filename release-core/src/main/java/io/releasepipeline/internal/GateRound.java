package io.releasepipeline.internal;

import io.releasepipeline.error.ProviderException;
import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.gate.Gate;
import io.releasepipeline.gate.GateContext;
import io.releasepipeline.spi.CheckResult;
import io.releasepipeline.spi.Incident;
import io.releasepipeline.spi.PullRequest;
import io.releasepipeline.spi.Reviews;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One evaluation of every gate against one pull request, with each provider read made once and shared. A gate
 * whose read fails gets an ERROR verdict; every other gate is still evaluated. Not thread-safe.
 */
final class GateRound implements GateContext {

    private final ReleaseOps ops;
    private final PullRequest pullRequest;
    private final boolean firstRelease;
    private final Map<String, Object> cache = new HashMap<>();
    private final Map<String, ProviderException> failures = new HashMap<>();

    GateRound(ReleaseOps ops, PullRequest pullRequest, boolean firstRelease) {
        this.ops = ops;
        this.pullRequest = pullRequest;
        this.firstRelease = firstRelease;
    }

    List<GateResult> evaluate(List<Gate> gates) {
        List<GateResult> results = new ArrayList<>();
        for (Gate gate : gates) {
            GateResult result;
            try {
                result = gate.evaluate(this);
                if (result == null) {
                    result = GateResult.error(gate.name(), "the gate returned no verdict (a bug in the gate)");
                }
            } catch (ProviderException e) {
                result = GateResult.error(gate.name(), "could not decide: " + e.getMessage());
            } catch (RuntimeException e) {
                result = GateResult.error(gate.name(), "the gate failed: " + e);
            }
            results.add(result);
        }
        return results;
    }

    @Override
    public String app() {
        return ops.app();
    }

    @Override
    public Instant now() {
        return ops.now();
    }

    @Override
    public PullRequest pullRequest() {
        return pullRequest;
    }

    @Override
    public Reviews reviews(boolean headOnly) {
        return cached("reviews:" + headOnly, () -> ops.ci("reviews(#" + pullRequest.number() + ")",
                c -> c.reviews(pullRequest.number(),
                        headOnly ? Optional.of(pullRequest.headSha()) : Optional.empty())));
    }

    /**
     * The reviewers whose approval counted, for the record: as the reviews gate read them (only on the head, when it
     * read only those), so the record agrees with the gate and the reviews are not read twice; every commit's when no
     * gate read them.
     *
     * @throws ProviderException if the reviews must be read and cannot be
     */
    List<String> approvers() {
        Object onHead = cache.get("reviews:true");
        return onHead != null && !cache.containsKey("reviews:false") ? ((Reviews) onHead).approvedBy()
                : reviews(false).approvedBy();
    }

    @Override
    public List<CheckResult> checks() {
        return cached("checks", () -> ops.ci("checks(" + pullRequest.headSha() + ")",
                c -> c.checks(pullRequest.headSha())));
    }

    @Override
    public List<Incident> openIncidents(Set<String> severities) {
        return cached("incidents:" + new java.util.TreeSet<>(severities), () -> ops.incidents(severities));
    }

    @Override
    public List<ReleaseRecord> recentReleases() {
        return cached("releases", ops::recentReleases);
    }

    @Override
    public boolean firstRelease() {
        return firstRelease;
    }

    @SuppressWarnings("unchecked")
    private <T> T cached(String key, Supplier<T> read) {
        ProviderException failed = failures.get(key);
        if (failed != null) {
            throw failed;
        }
        Object v = cache.get(key);
        if (v == null) {
            try {
                v = read.get();
            } catch (ProviderException e) {
                failures.put(key, e);
                throw e;
            }
            cache.put(key, v);
        }
        return (T) v;
    }
}
