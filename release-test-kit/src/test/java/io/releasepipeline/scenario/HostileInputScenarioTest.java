package io.releasepipeline.scenario;

import static io.releasepipeline.testkit.Simulation.NEW;
import static io.releasepipeline.testkit.Simulation.PR;
import static io.releasepipeline.testkit.Simulation.STABLE;
import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.ReleasePipelineBuilder;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.RollbackRequest;
import io.releasepipeline.RollbackResult;
import io.releasepipeline.approval.ApiApprovals;
import io.releasepipeline.error.ProviderException;
import io.releasepipeline.evidence.EvidenceJson;
import io.releasepipeline.evidence.EvidenceReport;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.format.SafeText;
import io.releasepipeline.gate.Gates;
import io.releasepipeline.hostile.HostileText;
import io.releasepipeline.hostile.LogCapture;
import io.releasepipeline.hostile.SafeOutput;
import io.releasepipeline.spi.Alert;
import io.releasepipeline.spi.AlertSource;
import io.releasepipeline.spi.ApprovalRequest;
import io.releasepipeline.spi.CheckResult;
import io.releasepipeline.testkit.FakeCi;
import io.releasepipeline.testkit.Simulation;
import io.releasepipeline.traffic.TrafficPlan;
import io.releasepipeline.trigger.AlertInbox;
import io.releasepipeline.trigger.Triggers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A pull request whose title, body, check names, check URLs, reviewers, approval comments and base branch, an
 * alert's name and description, a smoke endpoint's name, a smoke check's failure and a caller's rollback reason all
 * carry {@link HostileText}: mentions, an image beacon, HTML, headings, a forged log line, workflow commands, terminal
 * escapes, U+FFFE/U+FFFF, a lone surrogate, a right-to-left override and 100 KB of text. The release is promoted,
 * rolled back by a hostile alert, rolled back by hand, stopped by a failed gate after the merge, and frozen; every
 * pull-request comment, deployment description, report, chart and log line that comes out is checked by
 * {@link SafeOutput}, and the JSON record keeps the hostile text exactly.
 */
class HostileInputScenarioTest {

    private static final String CHECK = HostileText.shortOf("check name");
    private static final String LOGIN = HostileText.shortOf("login");
    /** A comment holds at most a few fields of 300 characters; the 100 KB inputs must not show. */
    private static final int COMMENT_BOUND = 12_000;
    private static final int DESCRIPTION_BOUND = 140;
    private static final int LOG_LINE_BOUND = 12_000;
    /** The report holds many fields (every smoke check row, every health point) of at most 1,000 characters each. */
    private static final int REPORT_BOUND = 400_000;

    private static final List<String> LOGGERS = Stream.of("internal.Promotion", "internal.RollbackProcedure",
            "internal.ReleaseOps", "internal.ProviderCalls", "internal.Events", "internal.Engine", "internal.Probes",
            "internal.StandaloneRollback", "evidence.file.FileEvidenceStore", "health.http.HttpSmokeCheck")
            .map(n -> "io.releasepipeline." + n).toList();

    private final List<Simulation> worlds = new ArrayList<>();
    private final List<ReleaseRecord> records = new ArrayList<>();
    private LogCapture logs;

    @BeforeEach
    void captureLogs() {
        logs = LogCapture.start(LOGGERS);
    }

    @AfterEach
    void stopCapture() {
        logs.close();
    }

    /** The standard world, its pull request hostile everywhere a person outside the team can write. */
    private Simulation hostileWorld() {
        Simulation sim = new Simulation();
        sim.ci.pr(PR).title(HostileText.of("title"))
                .body(HostileText.of("body") + "\n\n## Breaking changes\nNone\n")
                .approvedBy(LOGIN).checkPasses(CHECK);
        sim.smoke.endpoints("/health", HostileText.shortOf("endpoint"));
        worlds.add(sim);
        return sim;
    }

    private static ReleasePipelineBuilder builder(Simulation sim) {
        List<String> required = new ArrayList<>(Gates.DEFAULT_REQUIRED_CHECKS);
        required.add(CHECK);
        List<io.releasepipeline.gate.Gate> gates = new ArrayList<>(Gates.runbookDefaults());
        gates.set(0, Gates.requiredChecks(required));
        return sim.builder().gates(gates);
    }

    /**
     * An alert source whose first read fails with a hostile message (a provider's answer, logged on the retry) and
     * which then reports a hostile alert that fired at {@code at}.
     */
    private AlertSource hostileAlertAt(Simulation sim, Duration at) {
        AlertInbox inbox = new AlertInbox(sim.clock);
        sim.clock.scheduleAt(at, () -> inbox.fired(new Alert(HostileText.shortOf("alert id"),
                HostileText.of("alert name"), "Sev1", sim.clock.now(), HostileText.of("alert description"),
                Optional.of("https://portal.azure.com/#alert"))));
        AtomicBoolean failed = new AtomicBoolean();
        return new AlertSource() {
            @Override
            public String providerName() {
                return "hostile-alerts";
            }

            @Override
            public List<Alert> firing(Instant since) {
                if (!failed.getAndSet(true)) {
                    throw ProviderException.transientFailure("hostile-alerts", "firing",
                            HostileText.of("provider answer"), null, null);
                }
                return inbox.firing(since);
            }
        };
    }

    private ReleaseResult keep(ReleaseResult result) {
        records.add(result.record());
        return result;
    }

    @Test
    @DisplayName("promoted, rolled back by an alert and by hand, stopped after the merge, frozen: all that comes out "
            + "is safe, bounded and valid, and the record keeps the text as it came")
    void everythingThatGoesOutIsSafe() {
        // 1. Promoted through a canary whose last step a hostile reviewer approves with a hostile comment.
        Simulation promoted = hostileWorld();
        List<ApprovalRequest> asked = new ArrayList<>();
        ApiApprovals approvals = new ApiApprovals(promoted.clock, asked::add);
        promoted.clock.scheduleAt(Duration.ofMinutes(21), () -> approvals.approve(asked.get(0).releaseId(), 100,
                LOGIN, HostileText.of("approval comment")));
        ReleaseResult first = keep(builder(promoted)
                .trafficPlan(TrafficPlan.canary(10, 50, 100).withApprovalBefore(100)).approvals(approvals).build()
                .promote(ReleaseRequest.ofPullRequest(PR)));
        assertThat(first.outcome()).as("%s", first.record().notes()).isEqualTo(ReleaseOutcome.PROMOTED);
        assertThat(first.gates()).anySatisfy(g -> assertThat(g.reason()).contains(CHECK));

        // 2. ... then rolled back by hand, with a caller's hostile reason, on the same pull request.
        RollbackResult manual = builder(promoted).build().rollback(RollbackRequest.toRevision(STABLE,
                HostileText.of("rollback reason")).forPullRequest(PR));
        assertThat(manual.succeeded()).isTrue();

        // 3. Rolled back by a hostile alert at t+6m; the first smoke check throws a hostile exception.
        Simulation alerted = hostileWorld();
        AtomicBoolean thrown = new AtomicBoolean();
        ReleaseResult second = keep(builder(alerted).smokeCheck((target, clock) -> {
            if (target.revision().equals(NEW) && !thrown.getAndSet(true)) {
                throw new IllegalStateException(HostileText.of("smoke exception"));
            }
            return alerted.smoke.run(target, clock);
        }).rollbackTriggers(Triggers.builder().onAlerts(hostileAlertAt(alerted, Duration.ofMinutes(6))).build())
                .build().promote(ReleaseRequest.ofPullRequest(PR)));
        assertThat(second.outcome()).as("%s", second.record().notes()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(second.record().rollback().orElseThrow().reason()).contains(HostileText.PAYLOAD);

        // 4. Merged before the release; a required check with a hostile name and URL failed: the gates note.
        Simulation postMerge = hostileWorld();
        postMerge.ci.pr(PR).baseRef(HostileText.shortOf("base branch"));
        postMerge.ci.check(postMerge.ci.pr(PR).head(), new CheckResult(CHECK, CheckResult.State.COMPLETED,
                Optional.of(CheckResult.Conclusion.FAILURE),
                Optional.of("https://evil.example/" + HostileText.of("url"))));
        postMerge.ci.pr(PR).mergedOutsideRelease();
        ReleaseResult third = keep(builder(postMerge).build().promote(ReleaseRequest.ofPullRequest(PR)));
        assertThat(third.outcome()).as("%s", third.record().notes()).isEqualTo(ReleaseOutcome.GATES_FAILED);

        // 5. Roll-forward-only, frozen by a hostile alert: the freeze note.
        Simulation frozen = hostileWorld();
        ReleaseResult fourth = keep(builder(frozen).rollbackTriggers(Triggers.builder()
                .onAlerts(hostileAlertAt(frozen, Duration.ofMinutes(6))).build()).build()
                .promote(ReleaseRequest.ofPullRequest(PR).withRollForwardOnly()));
        assertThat(fourth.outcome()).as("%s", fourth.record().notes()).isEqualTo(ReleaseOutcome.FROZEN);
        records.add(promoted.evidence.read(Simulation.APP, manual.releaseId()).orElseThrow());

        List<String> comments = worlds.stream().flatMap(w -> w.ci.comments(PR).stream()).toList();
        assertThat(comments).as("incident note (alert), incident note (by hand), gates note, freeze note").hasSize(4);
        assertThat(comments).anySatisfy(c -> assertThat(c).contains("stopped: gates failed after the merge"))
                .anySatisfy(c -> assertThat(c).contains("FROZEN"))
                .allSatisfy(c -> SafeOutput.assertSafeMarkdown("comment", c, COMMENT_BOUND));
        List<String> descriptions = worlds.stream().flatMap(w -> w.ci.deployments().stream()
                .flatMap(d -> Stream.concat(Stream.of(d.description()),
                        w.ci.deploymentStatuses(d.id()).stream().map(FakeCi.DeploymentStatus::description))))
                .toList();
        assertThat(descriptions).anySatisfy(d -> assertThat(d).startsWith("rolled back: alert"))
                .allSatisfy(d -> SafeOutput.assertSafeGitHubPlain("deployment description", d, DESCRIPTION_BOUND));
        for (ReleaseRecord r : records) {
            SafeOutput.assertSafeMarkdown("report of " + r.outcome(), EvidenceReport.markdown(r, "chart.svg"),
                    REPORT_BOUND);
            SafeOutput.assertValidXml("chart of " + r.outcome(), EvidenceReport.svg(r));
            // The JSON record is the record: the hostile text is kept exactly, and JSON-escaped.
            String json = new String(EvidenceJson.toBytes(r), StandardCharsets.UTF_8);
            assertThat(EvidenceJson.fromBytes(json.getBytes(StandardCharsets.UTF_8), ReleaseRecord.class)).isEqualTo(r);
            assertThat(json).doesNotContain("\r", "\u001B", "\u0007").doesNotContain("\n# PWN", "\n" +
                    HostileText.FORGED_LINE);
        }
        String logged = logs.text();
        assertThat(logged).as("the capture saw the hostile text").contains(HostileText.SENTINEL)
                .contains("retrying").contains("smoke check of v2 threw");
        SafeOutput.assertSafeLines("log", logged, LOG_LINE_BOUND);
        assertThat(SafeText.COMMENT_LIMIT).isLessThan(SafeText.GITHUB_COMMENT_LIMIT);
    }
}
