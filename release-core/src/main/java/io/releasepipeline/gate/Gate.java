package io.releasepipeline.gate;

import io.releasepipeline.evidence.GateResult;

/**
 * One item of the pre-promotion checklist. Gates only read; they never change anything. A gate may throw
 * {@link io.releasepipeline.error.ProviderException} when a read fails: the engine reports it as
 * {@link io.releasepipeline.evidence.GateStatus#ERROR} and still evaluates every other gate. Implementations must be
 * thread-safe (one gate instance serves every release of a pipeline).
 */
@FunctionalInterface
public interface Gate {

    /**
     * Judges the change. Never null.
     *
     * @param context what the gate may read about the pull request and the app
     * @return the verdict, with its reason
     */
    GateResult evaluate(GateContext context);

    /**
     * The gate's name in results and evidence. Defaults to the class's simple name.
     *
     * @return the gate's name in results and evidence
     */
    default String name() {
        return getClass().getSimpleName();
    }

    /**
     * A gate with a name, from a lambda.
     *
     * @param name the gate's name, as the evidence shows it
     * @param check judges the change
     * @return a gate with a name, from a lambda
     */
    static Gate named(String name, java.util.function.Function<GateContext, GateResult> check) {
        return new Gate() {
            @Override
            public GateResult evaluate(GateContext context) {
                return check.apply(context);
            }

            @Override
            public String name() {
                return name;
            }
        };
    }
}
