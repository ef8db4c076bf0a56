package io.releasepipeline.azure;

import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.evidence.JournalEntry;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.RollbackDetails;
import io.releasepipeline.evidence.TimelinePoint;
import io.releasepipeline.evidence.TrafficChange;
import io.releasepipeline.health.EndpointResult;
import io.releasepipeline.health.SmokeResult;
import io.releasepipeline.spi.DeployRun;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.trigger.TriggerState;
import io.releasepipeline.trigger.TriggerVerdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Evidence values for tests: a record with every field set, journal entries. */
public final class EvidenceSamples {

    public static final Instant START = Instant.parse("2026-01-05T09:00:00Z");

    private EvidenceSamples() {
    }

    public static ReleaseRecord fullRecord(String releaseId) {
        return fullRecord(releaseId, START);
    }

    public static ReleaseRecord fullRecord(String releaseId, Instant start) {
        SmokeResult smoke = SmokeResult.of("backend--r2", start.plusSeconds(60), List.of(
                EndpointResult.ok("/health", 200, Duration.ofMillis(42), Duration.ofMillis(90)),
                EndpointResult.failed("/api/orders", Optional.of(503), "Service Unavailable")));
        TriggerVerdict firing = new TriggerVerdict("error-rate", TriggerState.FIRING,
                "5xx 7.9% over 5m of 1,204 requests; threshold 5%", start.plusSeconds(300));
        return ReleaseRecord.builder(releaseId, "trade-nexus-backend", ReleaseRecord.Kind.PROMOTION, start)
                .outcome(ReleaseOutcome.ROLLED_BACK).finishedAt(start.plusSeconds(400))
                .pullRequest(42, "https://github.com/acme/trade-nexus/pull/42").headSha("abc123")
                .mergeCommitSha("def456").previousRevision("backend--r1").newRevision("backend--r2")
                .approvers(List.of("alice", "bob")).gates(List.of(GateResult.pass("reviews", "2 approving reviews")))
                .deployRun(new DeployRun("9001", "def456", DeployRun.Status.COMPLETED,
                        Optional.of(DeployRun.Conclusion.SUCCESS), "https://github.com/acme/runs/9001"))
                .smoke(smoke)
                .traffic(new TrafficChange(start.plusSeconds(120), TrafficWeights.all("backend--r1"),
                        TrafficWeights.split("backend--r1", "backend--r2", 10), "canary 10%"))
                .verdict(firing)
                .timeline(new TimelinePoint(start.plusSeconds(300), "error-rate", false, Optional.of(0.079), "high"))
                .rollback(new RollbackDetails("error rate", Optional.of(firing), Optional.of("backend--r2"),
                        "backend--r1", start.plusSeconds(301), start.plusSeconds(330), true, Optional.of(smoke),
                        Optional.empty(), Optional.empty()))
                .databaseMigration(true).note("unverified: health probe had no data")
                .build();
    }

    public static JournalEntry entry(String releaseId, int sequence, String state) {
        return new JournalEntry("trade-nexus-backend", releaseId, sequence, START.plusSeconds(sequence), state,
                Map.of("revision", "backend--r2", "weights", "backend--r2=100%"));
    }
}
