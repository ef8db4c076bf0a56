package io.releasepipeline.internal;

import io.releasepipeline.EngineProvider;
import io.releasepipeline.ReleaseConfig;
import io.releasepipeline.ReleasePipeline;

/** Registers the {@link Engine} with the API through {@link java.util.ServiceLoader}. Stateless. Not public API. */
public final class DefaultEngineProvider implements EngineProvider {

    /** Called by {@link java.util.ServiceLoader}. */
    public DefaultEngineProvider() {
    }

    @Override
    public ReleasePipeline create(ReleaseConfig config) {
        return new Engine(config);
    }
}
