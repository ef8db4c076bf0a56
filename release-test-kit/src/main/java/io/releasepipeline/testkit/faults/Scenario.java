package io.releasepipeline.testkit.faults;

import io.releasepipeline.ReleasePipelineBuilder;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.testkit.Simulation;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The release a fault case runs: a {@link Simulation} world, scripted, and a pipeline configured, then promoted.
 * Every scenario starts from the fault world's defaults: the simulation's app ({@code v1} serving), a canary
 * {@code 10% -> 100%} with an approval before 100% (approved two minutes after it is asked), the runbook's triggers
 * plus an alert source, and every provider behind a recording, fault-injecting proxy. Immutable.
 *
 * @param name how reports name it
 * @param script scripts the simulation's fakes (e.g. the new revision goes bad)
 * @param configure adjusts the pipeline builder after the defaults (e.g. a roll-forward-only plan)
 * @param request the release to promote
 */
public record Scenario(String name, Consumer<Simulation> script, UnaryOperator<ReleasePipelineBuilder> configure,
        ReleaseRequest request) {

    /** The release id the built-in scenarios give their release. */
    public static final String RELEASE_ID = "pr123-matrix";

    /**
     * Validates.
     *
     * @param name how reports name it
     * @param script scripts the simulation's fakes (e.g. the new revision goes bad)
     * @param configure adjusts the pipeline builder after the defaults (e.g. a roll-forward-only plan)
     * @param request the release to promote
     */
    public Scenario {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(script, "script");
        Objects.requireNonNull(configure, "configure");
        Objects.requireNonNull(request, "request");
    }

    /**
     * The canary goes well: 10%, observed, approved, 100%, observed, PROMOTED.
     *
     * @return the scenario in which the canary goes well: 10%, observed, approved, 100%, observed, PROMOTED
     */
    public static Scenario canary() {
        return new Scenario("canary promoted", sim -> { }, b -> b,
                ReleaseRequest.ofPullRequest(Simulation.PR).withReleaseId(RELEASE_ID));
    }

    /**
     * The canary goes bad: the new revision's health endpoint goes down at t+7m, while it serves 10%, and the health
     * trigger rolls it back.
     *
     * @return the scenario in which the canary goes bad: the new revision's health endpoint goes down at t+7m, while it
     *     serves 10%, and the health trigger rolls it back
     */
    public static Scenario canaryGoesBad() {
        return new Scenario("canary rolled back", sim -> sim.probe.failingFrom(Simulation.NEW, Duration.ofMinutes(7)),
                b -> b, ReleaseRequest.ofPullRequest(Simulation.PR).withReleaseId(RELEASE_ID));
    }

    /**
     * This scenario with more scripting of the fakes, after its own.
     *
     * @param newName the new scenario's name
     * @param more more scripting, run after this scenario's own
     * @return this scenario with more scripting of the fakes, after its own
     */
    public Scenario scripted(String newName, Consumer<Simulation> more) {
        return new Scenario(newName, script.andThen(more), configure, request);
    }

    /**
     * This scenario with more pipeline configuration, after its own.
     *
     * @param newName the new scenario's name
     * @param more more configuration, applied after this scenario's own
     * @return this scenario with more pipeline configuration, after its own
     */
    public Scenario configured(String newName, UnaryOperator<ReleasePipelineBuilder> more) {
        return new Scenario(newName, script, b -> more.apply(configure.apply(b)), request);
    }

    /**
     * This scenario promoting {@code newRequest} instead.
     *
     * @param newRequest the request to promote
     * @return this scenario promoting {@code newRequest} instead
     */
    public Scenario requesting(ReleaseRequest newRequest) {
        return new Scenario(name, script, configure, newRequest);
    }

    @Override
    public String toString() {
        return name;
    }
}
