package io.releasepipeline.testkit.faults;

import java.util.Objects;

/**
 * One cell of the fault matrix: a scenario, the call where the fault hits, and the fault. Immutable.
 *
 * @param scenario the release that runs
 * @param site the call of the release's first process the fault hits
 * @param fault what goes wrong there
 */
public record FaultCase(Scenario scenario, CallSite site, Fault fault) {

    /**
     * Validates.
     *
     * @param scenario the release that runs
     * @param site the call of the release's first process the fault hits
     * @param fault what goes wrong there
     */
    public FaultCase {
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(fault, "fault");
    }

    @Override
    public String toString() {
        return "[" + scenario.name() + "] " + fault.name() + " at " + site;
    }
}
