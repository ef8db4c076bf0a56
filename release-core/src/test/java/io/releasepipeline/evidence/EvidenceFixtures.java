package io.releasepipeline.evidence;

import io.releasepipeline.health.EndpointResult;
import io.releasepipeline.health.SmokeResult;
import io.releasepipeline.spi.DeployRun;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.trigger.TriggerState;
import io.releasepipeline.trigger.TriggerVerdict;
import io.releasepipeline.trigger.Triggers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Realistic evidence records for tests and for the committed example in {@code docs/evidence-example/}. */
public final class EvidenceFixtures {

    /** When the example release started. */
    public static final Instant T0 = Instant.parse("2025-03-14T09:20:00Z");

    private EvidenceFixtures() {
    }

    /**
     * A canary release of {@code trade-nexus-backend} that went 10% then 50%, saw its 5xx rate climb over 5%,
     * and was rolled back to the previous revision, whose smoke check then passed. Every field is populated.
     */
    public static ReleaseRecord rolledBackRelease() {
        String prev = "trade-nexus-backend--0000041";
        String next = "trade-nexus-backend--0000042";
        TriggerVerdict fired = new TriggerVerdict("error-rate", TriggerState.FIRING,
                "5xx 7.9% over 5m of 1,204 requests; threshold 5%", at(17, 40));
        SmokeResult canarySmoke = SmokeResult.of(next, at(9, 5), List.of(
                EndpointResult.ok("/health", 200, Duration.ofMillis(41), Duration.ofMillis(57)),
                EndpointResult.ok("/v1/markets?limit=5", 200, Duration.ofMillis(182), Duration.ofMillis(240))));
        SmokeResult failingSmoke = SmokeResult.of(next, at(16, 30), List.of(
                EndpointResult.ok("/health", 200, Duration.ofMillis(44), Duration.ofMillis(61)),
                new EndpointResult("/v1/markets?limit=5", false, Optional.of(200), Optional.of(Duration.ofMillis(612)),
                        Optional.of(Duration.ofMillis(790)), Optional.of("median 612ms is not under the SLO of 500ms"))));
        SmokeResult rollbackSmoke = SmokeResult.of(prev, at(18, 20), List.of(
                EndpointResult.ok("/health", 200, Duration.ofMillis(38), Duration.ofMillis(49)),
                EndpointResult.ok("/v1/markets?limit=5", 200, Duration.ofMillis(171), Duration.ofMillis(205))));
        return ReleaseRecord.builder("rel-2025-03-14-pr-418", "trade-nexus-backend", ReleaseRecord.Kind.PROMOTION, T0)
                .outcome(ReleaseOutcome.ROLLED_BACK)
                .finishedAt(at(18, 25))
                .pullRequest(418, "https://github.com/trade-nexus/trade-nexus/pull/418")
                .headSha("9f1c2ab7d0e4c1f8a2b3c4d5e6f708192a3b4c5d")
                .mergeCommitSha("c0ffee12d0e4c1f8a2b3c4d5e6f708192a3b4c5e")
                .previousRevision(prev)
                .newRevision(next)
                .approvers(List.of("alice", "bob"))
                .gates(List.of(
                        GateResult.pass("required-checks", "5 of 5 required checks passed (lint, typecheck, tests, "
                                + "contract-governance, build)"),
                        GateResult.pass("no-open-incidents", "no open SEV-1 or SEV-2 incident"),
                        GateResult.pass("previous-release-stable", "previous release promoted 26h ago, >= 1h"),
                        GateResult.pass("reviews", "2 approving reviews (alice, bob) >= 1 required"),
                        GateResult.pass("breaking-changes", "PR declares \"Breaking changes: none\" <no API change>")))
                .deployRun(new DeployRun("13524461234", "c0ffee12d0e4c1f8a2b3c4d5e6f708192a3b4c5e",
                        DeployRun.Status.COMPLETED, Optional.of(DeployRun.Conclusion.SUCCESS),
                        "https://github.com/trade-nexus/trade-nexus/actions/runs/13524461234"))
                .traffic(new TrafficChange(at(9, 0), TrafficWeights.all(prev), TrafficWeights.split(prev, next, 10),
                        "plan step 1 of 3: 10%"))
                .smoke(canarySmoke)
                .timeline(point(9, 5, Triggers.SMOKE_CHECK, true, null, canarySmoke.summary()))
                .timeline(point(9, 30, Triggers.HEALTH_ENDPOINT, true, null, "GET /health 200"))
                .timeline(point(11, 0, Triggers.ERROR_RATE, true, 0.004, "5xx 0.4% of 233 requests"))
                .verdict(new TriggerVerdict("error-rate", TriggerState.OK, "5xx 0.4% over 5m of 233 requests; "
                        + "threshold 5%", at(14, 0)))
                .traffic(new TrafficChange(at(14, 0), TrafficWeights.split(prev, next, 10),
                        TrafficWeights.split(prev, next, 50), "plan step 2 of 3: 50%"))
                .timeline(point(14, 10, Triggers.SMOKE_CHECK, true, null, "PASS 2 endpoints on " + next))
                .timeline(point(15, 0, Triggers.ERROR_RATE, true, 0.021, "5xx 2.1% of 611 requests"))
                .smoke(failingSmoke)
                .timeline(point(16, 30, Triggers.SMOKE_CHECK, false, null, failingSmoke.summary()))
                .timeline(point(17, 0, Triggers.ERROR_RATE, false, 0.063, "5xx 6.3% of 987 requests"))
                .timeline(point(17, 40, Triggers.ERROR_RATE, false, 0.079, "5xx 7.9% of 1,204 requests"))
                .verdict(fired)
                .traffic(new TrafficChange(at(18, 0), TrafficWeights.split(prev, next, 50), TrafficWeights.all(prev),
                        "rollback: error-rate fired"))
                .smoke(rollbackSmoke)
                .timeline(point(18, 20, Triggers.SMOKE_CHECK, true, null, rollbackSmoke.summary()))
                .rollback(new RollbackDetails("error-rate fired: 5xx 7.9% over 5m of 1,204 requests; threshold 5%",
                        Optional.of(fired), Optional.of(next), prev, at(17, 45), at(18, 25), true,
                        Optional.of(rollbackSmoke),
                        Optional.of("PR #418 carried database migration V42__add_order_index.sql; traffic is back on "
                                + prev + " but the schema is not: follow the migration rollback procedure"),
                        Optional.of("traffic moved back in 15s; smoke check of " + prev + " passed")))
                .databaseMigration(true)
                .note("error-rate signal from Log Analytics lags about 2 minutes")
                .note("health probe < 30s outages & retries: none seen")
                .build();
    }

    private static Instant at(int minutes, int seconds) {
        return T0.plus(Duration.ofMinutes(minutes).plusSeconds(seconds));
    }

    private static TimelinePoint point(int minutes, int seconds, String signal, boolean ok, Double value,
            String detail) {
        return new TimelinePoint(at(minutes, seconds), signal, ok, Optional.ofNullable(value), detail);
    }
}
