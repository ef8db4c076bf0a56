package io.releasepipeline;

/**
 * How the public API finds the engine that runs it, without compiling against it: release-core's engine registers an
 * implementation in {@code META-INF/services/io.releasepipeline.EngineProvider}, and
 * {@link ReleasePipelineBuilder#build()} loads it with {@link java.util.ServiceLoader}, the way SLF4J finds its
 * provider. This keeps the public packages free of {@code io.releasepipeline.internal} (no package cycle; an
 * architecture test guards it).
 *
 * <p>Not meant to be implemented outside release-core. A shaded jar must merge service files (the Maven Shade
 * plugin's {@code ServicesResourceTransformer}), or {@code build()} fails and says so. Implementations are
 * stateless and thread-safe.
 */
public interface EngineProvider {

    /**
     * A pipeline for a validated configuration.
     *
     * @param config the validated configuration
     * @return a pipeline for a validated configuration
     */
    ReleasePipeline create(ReleaseConfig config);
}
