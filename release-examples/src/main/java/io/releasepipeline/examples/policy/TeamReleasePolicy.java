package io.releasepipeline.examples.policy;

import io.releasepipeline.ReleasePipelineBuilder;
import io.releasepipeline.traffic.TrafficPlan;
import io.releasepipeline.trigger.Triggers;
import java.time.Duration;

/**
 * A team's release policy, kept in one place so that production applies exactly what the team's tests check
 * ({@code TeamReleasePolicyTest} runs it against the test kit's fakes): a 10% canary watched for four minutes, then
 * all traffic; roll back above 2% 5xx over two minutes, or when the health endpoint is down for more than 45
 * seconds. Stateless and thread-safe.
 *
 * <pre>{@code
 * ReleasePipeline pipeline = TeamReleasePolicy.applyTo(ReleasePipeline.builder().platform(platform)...).build();
 * }</pre>
 */
public final class TeamReleasePolicy {

    /** 10% of the traffic for four minutes, then 100%. */
    public static final TrafficPlan TRAFFIC = TrafficPlan.canary(10, 100).withStepPause(Duration.ofMinutes(4));
    /** The error rate above which a release rolls back. */
    public static final double MAX_ERROR_RATE = 0.02;
    /** The window the error rate is measured over. */
    public static final Duration ERROR_RATE_WINDOW = Duration.ofMinutes(2);
    /** How long the health endpoint may be down before a release rolls back. */
    public static final Duration HEALTH_DOWN_FOR = Duration.ofSeconds(45);

    private TeamReleasePolicy() {
    }

    /**
     * The rollback triggers: the runbook's, with the team's error-rate and health thresholds.
     *
     * @return a new, immutable set of triggers
     */
    public static Triggers triggers() {
        return Triggers.builder()
                .errorRateAbove(MAX_ERROR_RATE, ERROR_RATE_WINDOW)
                .healthDownFor(HEALTH_DOWN_FOR)
                .build();
    }

    /**
     * Applies the policy (traffic plan and rollback triggers) to a builder that has the providers.
     *
     * @param builder the pipeline's builder
     * @return the same builder, for chaining
     */
    public static ReleasePipelineBuilder applyTo(ReleasePipelineBuilder builder) {
        return builder.trafficPlan(TRAFFIC).rollbackTriggers(triggers());
    }
}
