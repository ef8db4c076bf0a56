package io.releasepipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.ReleaseResult;
import io.releasepipeline.evidence.HookRun;
import io.releasepipeline.evidence.Recovery;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.RollbackDetails;
import io.releasepipeline.hook.HookPoint;
import io.releasepipeline.hook.HookResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The one line on stderr that ends a release: it names every problem a person must act on. */
class ReportsSummaryTest {

    private static final Instant T = Instant.parse("2026-01-05T09:00:00Z");

    private static ReleaseResult rolledBack(Recovery.Status recovery) {
        RollbackDetails details = new RollbackDetails("error-rate FIRING", Optional.empty(), Optional.of("r2"), "r1",
                T, T.plusSeconds(60), true, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(new Recovery(recovery, "r1", T.plusSeconds(60), T.plusSeconds(660), Optional.of(0.015),
                        "the baseline", List.of(), recovery == Recovery.Status.NOT_RECOVERED
                                ? "NOT RECOVERED: the error rate of r1 did not return to 1.5% or under within 10m"
                                : "recovered: at 2026-01-05T09:02:00Z")),
                Optional.of("rollback hook undo-cache FAILED: cache flush refused"));
        ReleaseRecord record = ReleaseRecord.builder("r-1", "backend", ReleaseRecord.Kind.PROMOTION, T)
                .rollback(details).hook(new HookRun(HookPoint.ON_ROLLBACK, "undo-cache", "command", "d-1",
                        HookResult.Status.FAILED, "cache flush refused", Optional.empty(), T.plusSeconds(61),
                        Duration.ofSeconds(1), 1, false))
                .outcome(ReleaseOutcome.ROLLED_BACK_HOOK_FAILED).build();
        return new ReleaseResult("r-1", ReleaseOutcome.ROLLED_BACK_HOOK_FAILED, record, Optional.empty(),
                Optional.empty());
    }

    @Test
    @DisplayName("a failed rollback hook (exit 8) and a recovery that failed too: the line names both")
    void hookFailedAndNotRecovered() {
        assertThat(Reports.summary(rolledBack(Recovery.Status.NOT_RECOVERED)))
                .startsWith("release r-1 ROLLED_BACK_HOOK_FAILED: PAGE SOMEONE: back on r1 (error-rate FIRING); "
                        + "rollback hook undo-cache FAILED: cache flush refused")
                .endsWith("; and NOT RECOVERED: its error rate did not return to baseline: NOT RECOVERED: the "
                        + "error rate of r1 did not return to 1.5% or under within 10m");
    }

    @Test
    @DisplayName("a failed rollback hook with a recovered error rate names the hook alone")
    void hookFailedAndRecovered() {
        assertThat(Reports.summary(rolledBack(Recovery.Status.RECOVERED))).endsWith("cache flush refused")
                .doesNotContain("NOT RECOVERED");
    }
}
