package io.releasepipeline.backtest;

import io.releasepipeline.evidence.Samples;
import io.releasepipeline.trigger.Triggers;

/**
 * How {@link Backtest} reaches the engine's judging without compiling against it: release-core's engine registers an
 * implementation in {@code META-INF/services/io.releasepipeline.backtest.Replayer}, found with
 * {@link java.util.ServiceLoader} like {@link io.releasepipeline.EngineProvider}. Not meant to be implemented outside
 * release-core. Implementations are stateless and thread-safe.
 */
public interface Replayer {

    /**
     * Replays a record's samples through {@code policy} with the engine's own judging.
     *
     * @param samples the recorded samples
     * @param policy the policy to judge them with
     * @return the verdicts the policy gives
     */
    SampleReplay replay(Samples samples, Triggers policy);

    /**
     * The engine's replayer, looked up once.
     *
     * @return the engine's replayer, looked up once
     * @throws IllegalStateException when release-core's service file is missing (a shaded jar that did not merge
     *     service files)
     */
    static Replayer engine() {
        return Lookup.ENGINE;
    }
}

/** The engine's replayer, looked up once. */
final class Lookup {

    static final Replayer ENGINE = java.util.ServiceLoader.load(Replayer.class, Replayer.class.getClassLoader())
            .findFirst().orElseThrow(() -> new IllegalStateException("release-core's engine was not found: "
                    + "META-INF/services/" + Replayer.class.getName() + " is missing from the class path. A shaded "
                    + "jar must merge service files (Maven Shade's ServicesResourceTransformer)"));

    private Lookup() {
    }
}
