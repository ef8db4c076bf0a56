package io.releasepipeline.internal;

import io.releasepipeline.ReleaseConfig;
import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.RollbackRequest;
import io.releasepipeline.RollbackResult;
import io.releasepipeline.gate.GateResult;
import java.util.List;

/** The runbook engine (being written). */
public final class Engine implements ReleasePipeline {

    private final ReleaseConfig config;

    /** Creates the engine. */
    public Engine(ReleaseConfig config) {
        this.config = config;
    }

    @Override
    public ReleaseResult promote(ReleaseRequest request) {
        throw new UnsupportedOperationException("engine under construction");
    }

    @Override
    public List<GateResult> evaluateGates(ReleaseRequest request) {
        throw new UnsupportedOperationException("engine under construction");
    }

    @Override
    public RollbackResult rollback(RollbackRequest request) {
        throw new UnsupportedOperationException("engine under construction");
    }

    @Override
    public boolean requestRollback(String reason) {
        return false;
    }

    @Override
    public ReleaseConfig config() {
        return config;
    }
}
