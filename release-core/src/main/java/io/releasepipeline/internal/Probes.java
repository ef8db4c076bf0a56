package io.releasepipeline.internal;

import io.releasepipeline.format.SafeText;
import io.releasepipeline.health.EndpointResult;
import io.releasepipeline.health.HealthProbe;
import io.releasepipeline.health.SmokeResult;
import io.releasepipeline.health.SmokeTarget;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs smoke checks and health probes so that a check that throws counts as a failure, never as a crash. */
final class Probes {

    private static final Logger log = LoggerFactory.getLogger(Probes.class);

    private Probes() {
    }

    static SmokeResult smoke(ReleaseOps ops, SmokeTarget target) {
        try {
            SmokeResult result = ops.config.smokeCheck().run(target, ops.clock());
            if (result != null) {
                return result;
            }
            return failed(ops, target, "the smoke check returned no result");
        } catch (io.releasepipeline.error.ReleaseInterruptedException e) {
            throw e;
        } catch (RuntimeException e) {
            log.warn("smoke check of {} threw", SafeText.line(target.revision()), SafeText.loggable(e));
            return failed(ops, target, "the smoke check threw " + e);
        }
    }

    static HealthProbe.ProbeResult probe(ReleaseOps ops, HealthProbe probe, SmokeTarget target) {
        try {
            HealthProbe.ProbeResult result = probe.probe(target);
            return result != null ? result : HealthProbe.ProbeResult.down("the probe returned no result");
        } catch (io.releasepipeline.error.ReleaseInterruptedException e) {
            throw e;
        } catch (RuntimeException e) {
            return HealthProbe.ProbeResult.down("the probe threw " + e);
        }
    }

    private static SmokeResult failed(ReleaseOps ops, SmokeTarget target, String why) {
        return SmokeResult.of(target.revision(), ops.now(),
                List.of(EndpointResult.failed("smoke-check", Optional.empty(), why)));
    }
}
