package io.releasepipeline.testkit.faults;

import io.releasepipeline.evidence.ReleaseOutcome;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What a {@link FaultMatrix} run found: every case's result, the count line, the failures grouped, and the
 * failure-semantics table the README shows. Immutable.
 */
public final class MatrixReport {

    private final List<CaseResult> results;

    /**
     * A report of {@code results}.
     *
     * @param results every case's result
     */
    public MatrixReport(List<CaseResult> results) {
        this.results = List.copyOf(results);
    }

    /**
     * Every case's result, in case order.
     *
     * @return every case's result, in case order
     */
    public List<CaseResult> results() {
        return results;
    }

    /**
     * The cases that broke an invariant.
     *
     * @return the cases that broke an invariant
     */
    public List<CaseResult> failed() {
        return results.stream().filter(r -> !r.passed()).toList();
    }

    /**
     * How many invariant violations there were in all.
     *
     * @return how many invariant violations there were in all
     */
    public int violationCount() {
        return results.stream().mapToInt(r -> r.violations().size()).sum();
    }

    /**
     * {@code "fault matrix: 1234 cases, 0 invariant violations"} (and how many cases broke them, if any).
     *
     * @return a one-line summary
     */
    public String summary() {
        int failed = failed().size();
        return "fault matrix: " + results.size() + " cases, " + violationCount() + " invariant violations"
                + (failed == 0 ? "" : " in " + failed + " cases");
    }

    /**
     * The failures grouped by fault and broken invariant (how many cases, which call sites), then the first
     * {@code detailedCases} failed cases in full: the case, the call, the fault, each violation, the trace.
     *
     * @param detailedCases how many failed cases to show in full
     * @return the failures grouped by fault and broken invariant (how many cases, which call sites), then the first
     *     {@code detailedCases} failed cases in full: the case, the call, the fault, each violation, the trace
     */
    public String failureReport(int detailedCases) {
        StringBuilder sb = new StringBuilder(summary()).append('\n');
        Map<String, List<CaseResult>> groups = new LinkedHashMap<>();
        for (CaseResult r : failed()) {
            for (Invariant inv : r.violations().stream().map(Violation::invariant).distinct().toList()) {
                groups.computeIfAbsent(r.faultCase().fault() + " breaks " + inv, k -> new ArrayList<>()).add(r);
            }
        }
        groups.forEach((group, cases) -> {
            sb.append(String.format("%4d cases: %s%n", cases.size(), group));
            sb.append("      at ").append(cases.stream().map(c -> c.faultCase().site().key()).distinct().sorted()
                    .collect(Collectors.joining(", "))).append('\n');
            cases.stream().flatMap(c -> c.violations().stream()).filter(v -> group.endsWith(" " + v.invariant()))
                    .findFirst().ifPresent(v -> sb.append("      e.g. ").append(v.detail()).append('\n'));
        });
        failed().stream().limit(detailedCases).forEach(r -> sb.append('\n').append(r.report(25)));
        return sb.toString();
    }

    /**
     * The failure-semantics table, in Markdown: one row a fault, one column the release's state when it hit; each
     * cell lists how the cases there ended (after a resume, for a killed process or a lost lock), and how many of
     * them broke an invariant. Deterministic for a given engine.
     *
     * @return the failure-semantics table, in Markdown: one row a fault, one column the release's state when it hit;
     *     each cell lists how the cases there ended (after a resume, for a killed process or a lost lock), and how
     *     many of them broke an invariant
     */
    public String semanticsTable() {
        Map<Fault, Map<Phase, List<CaseResult>>> cells = new EnumMap<>(Fault.class);
        for (CaseResult r : results) {
            r.phase().ifPresent(p -> cells.computeIfAbsent(r.faultCase().fault(), f -> new EnumMap<>(Phase.class))
                    .computeIfAbsent(p, x -> new ArrayList<>()).add(r));
        }
        StringBuilder sb = new StringBuilder("| failure \\ state |");
        for (Phase p : Phase.values()) {
            sb.append(' ').append(p.label()).append(" |");
        }
        sb.append("\n|---|");
        for (int i = 0; i < Phase.values().length; i++) {
            sb.append("---|");
        }
        sb.append('\n');
        for (Fault f : Fault.values()) {
            sb.append("| ").append(f.label()).append(" |");
            for (Phase p : Phase.values()) {
                List<CaseResult> cell = cells.getOrDefault(f, Map.of()).getOrDefault(p, List.of());
                sb.append(' ').append(cell(cell)).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String cell(List<CaseResult> cases) {
        if (cases.isEmpty()) {
            return "—";
        }
        TreeSet<String> endings = new TreeSet<>();
        for (CaseResult r : cases) {
            endings.add(ending(r));
        }
        long broken = cases.stream().filter(r -> !r.passed()).count();
        String resumed = cases.stream().anyMatch(CaseResult::resumed) ? "resumed: " : "";
        return resumed + String.join(", ", endings) + (broken == 0 ? " ✓" : " ✗ " + broken + "/" + cases.size());
    }

    private static String ending(CaseResult r) {
        Optional<ReleaseOutcome> o = r.outcome();
        if (o.isPresent()) {
            return o.get().name().toLowerCase().replace('_', ' ');
        }
        String e = r.ending();
        if (e.startsWith("threw Killed")) {
            return "died before its first journal entry";
        }
        return e.startsWith("threw ") ? "threw " + e.substring(6, e.indexOf(':') > 0 ? e.indexOf(':') : e.length())
                : e;
    }
}
