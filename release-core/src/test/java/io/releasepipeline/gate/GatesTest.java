package io.releasepipeline.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.evidence.GateStatus;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.spi.CheckResult.Conclusion;
import io.releasepipeline.spi.CheckResult;
import io.releasepipeline.spi.Incident;
import io.releasepipeline.spi.PullRequest;
import io.releasepipeline.spi.Reviews;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GatesTest {

    private static final Instant NOW = Instant.parse("2026-01-05T12:00:00Z");

    private final List<CheckResult> checks = new ArrayList<>();
    private final List<Incident> incidents = new ArrayList<>();
    private final List<ReleaseRecord> releases = new ArrayList<>();
    private Reviews reviews = new Reviews(List.of("alice"), List.of());
    private boolean firstRelease;

    private final GateContext context = new GateContext() {
        @Override
        public String app() {
            return "backend";
        }

        @Override
        public Instant now() {
            return NOW;
        }

        @Override
        public PullRequest pullRequest() {
            return new PullRequest(42, "t", "abcdef1234567", "main", "", List.of(), false, PullRequest.State.OPEN,
                    Optional.of(true), Optional.empty(), "");
        }

        @Override
        public Reviews reviews(boolean headOnly) {
            return reviews;
        }

        @Override
        public List<CheckResult> checks() {
            return checks;
        }

        @Override
        public List<Incident> openIncidents(Set<String> severities) {
            return incidents.stream().filter(i -> severities.contains(i.severity())).toList();
        }

        @Override
        public List<ReleaseRecord> recentReleases() {
            return releases;
        }

        @Override
        public boolean firstRelease() {
            return firstRelease;
        }
    };

    @Test
    void requiredChecksNameEveryMissingFailingAndPendingCheck() {
        checks.add(CheckResult.completed("lint", Conclusion.SUCCESS));
        checks.add(CheckResult.completed("tests", Conclusion.FAILURE));
        checks.add(CheckResult.pending("typecheck"));
        GateResult r = Gates.requiredChecks(Gates.DEFAULT_REQUIRED_CHECKS).evaluate(context);
        assertThat(r.status()).isEqualTo(GateStatus.FAIL);
        assertThat(r.reason()).contains("typecheck is still running", "tests failure",
                "contract-governance has not reported", "abcdef1");
        checks.clear();
        Gates.DEFAULT_REQUIRED_CHECKS.forEach(n -> checks.add(CheckResult.completed(n, Conclusion.SUCCESS)));
        assertThat(Gates.requiredChecks(Gates.DEFAULT_REQUIRED_CHECKS).evaluate(context).passed()).isTrue();
    }

    @Test
    void aReRunCheckIsJudgedOnItsWorstReport() {
        checks.add(CheckResult.completed("tests", Conclusion.SUCCESS));
        checks.add(CheckResult.completed("tests", Conclusion.FAILURE));
        assertThat(Gates.requiredChecks("tests").evaluate(context).passed()).isFalse();
    }

    @Test
    void incidentsOfBlockingSeverityBlock() {
        incidents.add(new Incident("17", "latency", "SEV-3", "", Optional.empty()));
        assertThat(Gates.noOpenIncidents(Gates.DEFAULT_BLOCKING_SEVERITIES).evaluate(context).passed()).isTrue();
        incidents.add(new Incident("18", "orders failing", "SEV-1", "", Optional.empty()));
        GateResult r = Gates.noOpenIncidents(Gates.DEFAULT_BLOCKING_SEVERITIES).evaluate(context);
        assertThat(r.status()).isEqualTo(GateStatus.FAIL);
        assertThat(r.reason()).isEqualTo("1 open incident: SEV-1 18 \"orders failing\"; promote once resolved");
    }

    @Test
    void approvalsCountAndChangesRequestedBlock() {
        assertThat(Gates.minimumApprovals(1).evaluate(context).passed()).isTrue();
        assertThat(Gates.minimumApprovals(2).evaluate(context).reason()).contains("1 approving review, 2 required");
        reviews = new Reviews(List.of("alice"), List.of("bob"));
        assertThat(Gates.minimumApprovals(1).evaluate(context).reason()).contains("changes requested by bob");
    }

    @Test
    void anEmptyHistoryFailsWithTheRemedyUnlessTheReleaseIsDeclaredTheFirst() {
        GateResult empty = Gates.previousReleaseStable(Duration.ofHours(1)).evaluate(context);
        assertThat(empty.status()).isEqualTo(GateStatus.FAIL);
        assertThat(empty.reason()).contains("no previous release of backend on record", "--first-release",
                "withFirstRelease()", "Blob storage");

        releases.add(record("r0", ReleaseOutcome.GATES_FAILED, NOW.minus(Duration.ofHours(3))));
        assertThat(Gates.previousReleaseStable(Duration.ofHours(1)).evaluate(context).passed())
                .as("a release that changed nothing is no history").isFalse();

        firstRelease = true;
        GateResult declared = Gates.previousReleaseStable(Duration.ofHours(1)).evaluate(context);
        assertThat(declared.passed()).isTrue();
        assertThat(declared.reason()).contains("declared the first");
    }

    @Test
    void aFirstReleaseDeclaredOverAHistoryFails() {
        firstRelease = true;
        releases.add(record("r1", ReleaseOutcome.PROMOTED, NOW.minus(Duration.ofHours(5))));

        GateResult r = Gates.previousReleaseStable(Duration.ofHours(1)).evaluate(context);

        assertThat(r.status()).isEqualTo(GateStatus.FAIL);
        assertThat(r.reason()).contains("declared the first release of backend", "r1 (PROMOTED)",
                "drop the first-release declaration");
    }

    @Test
    void previousReleaseMustBeStableForAnHour() {
        releases.add(record("r1", ReleaseOutcome.PROMOTED, NOW.minus(Duration.ofMinutes(35))));
        GateResult recent = Gates.previousReleaseStable(Duration.ofHours(1)).evaluate(context);
        assertThat(recent.status()).isEqualTo(GateStatus.FAIL);
        assertThat(recent.reason()).contains("finished 35m ago", "1h of stability required",
                "promote after 2026-01-05T12:25:00Z");

        releases.add(0, record("r2", ReleaseOutcome.GATES_FAILED, NOW.minus(Duration.ofMinutes(1))));
        releases.set(1, record("r1", ReleaseOutcome.PROMOTED, NOW.minus(Duration.ofHours(2))));
        assertThat(Gates.previousReleaseStable(Duration.ofHours(1)).evaluate(context).passed()).isTrue();

        releases.add(0, record("r3", ReleaseOutcome.ROLLED_BACK, NOW.minus(Duration.ofMinutes(20))));
        assertThat(Gates.previousReleaseStable(Duration.ofHours(1)).evaluate(context).reason())
                .contains("release r3 was rolled back 20m ago");

        releases.add(0, record("r4", ReleaseOutcome.ROLLBACK_FAILED, NOW.minus(Duration.ofHours(5))));
        assertThat(Gates.previousReleaseStable(Duration.ofHours(1)).evaluate(context).reason())
                .contains("failed rollback");
    }

    private static ReleaseRecord record(String id, ReleaseOutcome outcome, Instant finished) {
        return ReleaseRecord.builder(id, "backend", ReleaseRecord.Kind.PROMOTION, finished.minusSeconds(900))
                .outcome(outcome).finishedAt(finished).build();
    }

    @Test
    void runbookDefaultsAreTheFiveChecklistGates() {
        assertThat(Gates.runbookDefaults()).extracting(Gate::name).containsExactly("required-checks",
                "no-open-incidents", "previous-release-stable", "reviews", "breaking-changes-documented");
    }
}
