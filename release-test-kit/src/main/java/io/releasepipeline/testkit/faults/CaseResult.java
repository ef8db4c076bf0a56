package io.releasepipeline.testkit.faults;

import io.releasepipeline.evidence.ReleaseOutcome;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What one fault case did and which invariants it broke. Immutable.
 *
 * @param faultCase the case
 * @param phase where the release stood when the fault hit (empty if it never did)
 * @param outcome how the release ended in the end (after a resume if the process died), if it ended with a result
 *     or a record
 * @param ending how the last process's call ended, in words ("PROMOTED", "threw AssertionError: ...")
 * @param resumed whether a fresh pipeline resumed the release
 * @param violations the broken invariants; empty when every promise held
 * @param trace every provider call of every process, in order
 */
public record CaseResult(FaultCase faultCase, Optional<Phase> phase, Optional<ReleaseOutcome> outcome, String ending,
        boolean resumed, List<Violation> violations, List<ProviderCall> trace) {

    /**
     * Validates and copies.
     *
     * @param faultCase the case
     * @param phase where the release stood when the fault hit (empty if it never did)
     * @param outcome how the release ended in the end (after a resume if the process died), if it ended with a result
     *     or a record
     * @param ending how the last process's call ended, in words ("PROMOTED", "threw AssertionError: ...")
     * @param resumed whether a fresh pipeline resumed the release
     * @param violations the broken invariants; empty when every promise held
     * @param trace every provider call of every process, in order
     */
    public CaseResult {
        Objects.requireNonNull(faultCase, "faultCase");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(ending, "ending");
        violations = List.copyOf(violations);
        trace = List.copyOf(trace);
    }

    /**
     * Whether every invariant held.
     *
     * @return whether every invariant held
     */
    public boolean passed() {
        return violations.isEmpty();
    }

    /**
     * The case, the call, the fault, each violation and the trace of calls (the last {@code traceLines} of it, with
     * every side effect and journal append kept), for a failure report.
     *
     * @param traceLines how many of the trace's last lines to show
     * @return the case, the call, the fault, each violation and the trace of calls (the last {@code traceLines} of it,
     *     with every side effect and journal append kept), for a failure report
     */
    public String report(int traceLines) {
        StringBuilder sb = new StringBuilder();
        sb.append(faultCase).append(phase.map(p -> " (" + p.label() + ")").orElse("")).append(" -> ").append(ending)
                .append(resumed ? " after resume" : "").append('\n');
        violations.forEach(v -> sb.append("  VIOLATED ").append(v).append('\n'));
        List<ProviderCall> kept = trace.stream().filter(c -> c.sideEffect() || c.journaled() || c.fault().isPresent()
                || !c.result().equals("ok") || c.site().provider().equals("ci")).collect(Collectors.toList());
        int from = Math.max(0, kept.size() - traceLines);
        sb.append("  trace (").append(trace.size()).append(" calls; side effects, journal, CI, failures")
                .append(from > 0 ? ", last " + traceLines : "").append("):\n");
        kept.subList(from, kept.size()).forEach(c -> sb.append("    ").append(c).append('\n'));
        return sb.toString();
    }
}
