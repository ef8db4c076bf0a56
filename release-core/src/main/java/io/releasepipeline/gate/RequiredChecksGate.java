package io.releasepipeline.gate;

import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.spi.CheckResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every required check has completed with success on the head commit. Immutable. */
final class RequiredChecksGate implements Gate {

    private final List<String> required;

    RequiredChecksGate(List<String> required) {
        if (required.isEmpty()) {
            throw new IllegalArgumentException("required checks: name at least one check, or leave the gate out");
        }
        this.required = List.copyOf(required);
    }

    @Override
    public String name() {
        return "required-checks";
    }

    @Override
    public GateResult evaluate(GateContext context) {
        Map<String, CheckResult> byName = new LinkedHashMap<>();
        for (CheckResult c : context.checks()) {
            // A name reported twice (re-runs) is judged on its worst report, never on a lucky one.
            byName.merge(c.name(), c, (a, b) -> a.passed() ? b : a);
        }
        List<String> problems = new ArrayList<>();
        for (String name : required) {
            CheckResult c = byName.get(name);
            if (c == null) {
                problems.add(name + " has not reported");
            } else if (c.state() == CheckResult.State.PENDING) {
                problems.add(name + " is still running");
            } else if (!c.passed()) {
                problems.add(name + " " + c.conclusion().map(x -> x.name().toLowerCase()).orElse("unknown")
                        + c.url().map(u -> " (" + u + ")").orElse(""));
            }
        }
        String sha = shortSha(context.pullRequest().headSha());
        if (problems.isEmpty()) {
            return GateResult.pass(name(), "all " + required.size() + " required checks passed on " + sha + ": "
                    + String.join(", ", required));
        }
        return GateResult.fail(name(), String.join("; ", problems) + " on " + sha
                + "; fix or re-run them, then promote again");
    }

    static String shortSha(String sha) {
        return sha.length() > 7 ? sha.substring(0, 7) : sha;
    }
}
