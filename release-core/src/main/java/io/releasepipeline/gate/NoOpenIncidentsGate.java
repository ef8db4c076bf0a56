package io.releasepipeline.gate;

import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.spi.Incident;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** No incident of a blocking severity is open. Immutable. */
final class NoOpenIncidentsGate implements Gate {

    private final Set<String> severities;

    NoOpenIncidentsGate(Set<String> severities) {
        if (severities.isEmpty()) {
            throw new IllegalArgumentException("incident severities: name at least one, or leave the gate out");
        }
        this.severities = Set.copyOf(severities);
    }

    @Override
    public String name() {
        return "no-open-incidents";
    }

    @Override
    public GateResult evaluate(GateContext context) {
        List<Incident> open = context.openIncidents(severities);
        String which = String.join(", ", new TreeSet<>(severities));
        if (open.isEmpty()) {
            return GateResult.pass(name(), "no open " + which + " incident");
        }
        String list = open.stream()
                .map(i -> i.severity() + " " + i.id() + (i.title().isEmpty() ? "" : " \"" + i.title() + "\""))
                .collect(Collectors.joining(", "));
        return GateResult.fail(name(), open.size() + " open incident" + (open.size() == 1 ? "" : "s") + ": " + list
                + "; promote once resolved");
    }
}
