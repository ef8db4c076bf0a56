package io.releasepipeline.examples.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.gate.GateResult;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code release promote}: the runbook end to end, or with {@code --dry-run} the plan and the gates only. */
@Command(name = "promote", mixinStandardHelpOptions = true,
        description = {"Promotes a pull request through the runbook: gates, merge, deploy run, new revision, traffic "
                + "plan, smoke check, observation, evidence; rolls back on its own when a trigger fires.",
            "Exit 0 promoted, 2 gates failed, 3 rolled back, 4 rollback failed, 5 aborted, 64 bad config, "
                + "69 a provider could not be used (a gate could not be evaluated), nothing changed, "
                + "75 another release in progress."})
final class PromoteCommand extends CliCommand {

    @Option(names = "--pr", paramLabel = "N", required = true, description = "The pull request to promote.")
    int pullRequest;

    @Option(names = "--release-id", paramLabel = "ID", description = "The release's id (default: generated).")
    String releaseId;

    @Option(names = "--database-migration",
            description = "The release carries a database migration (a rollback then says loudly that it must be "
                    + "rolled back by hand).")
    boolean databaseMigration;

    @Option(names = "--roll-forward-only",
            description = "The release cannot be rolled back (e.g. an irreversible migration): a firing trigger freezes "
                    + "traffic where it is and raises the alarm instead (exit code 6).")
    boolean rollForwardOnly;

    @Option(names = "--dry-run", description = "Print the plan and the gate results; change nothing.")
    boolean dryRun;

    PromoteCommand(CliContext context) {
        super(context);
    }

    @Override
    int run(Wiring wiring) {
        ReleaseRequest request = request(wiring);
        try (Progress progress = dryRun ? null : progress()) {
            ReleasePipeline pipeline = wiring.pipeline(dryRun ? event -> { } : progress.listener());
            if (dryRun) {
                return dryRun(wiring, pipeline, request);
            }
            ReleaseResult result = pipeline.promote(request);
            progress.close();
            int code = ReleaseCli.exitCode(result);
            if (json()) {
                emit(Reports.release(document(code), result));
            }
            return exit(code, Reports.summary(result));
        }
    }

    private ReleaseRequest request(Wiring wiring) {
        ReleaseRequest r = ReleaseRequest.ofPullRequest(pullRequest).withEnvironment(wiring.config.github()
                .environment());
        if (releaseId != null) {
            r = r.withReleaseId(releaseId);
        }
        if (rollForwardOnly) {
            r = r.withRollForwardOnly();
        }
        return databaseMigration ? r.withDatabaseMigration() : r;
    }

    private int dryRun(Wiring wiring, ReleasePipeline pipeline, ReleaseRequest request) {
        List<String> plan = Plan.promotion(wiring.config, pullRequest);
        List<String> triggers = Plan.triggers(wiring.config);
        List<GateResult> gates = pipeline.evaluateGates(request);
        boolean passed = gates.stream().allMatch(GateResult::passed);
        int code = ReleaseCli.gatesExitCode(gates);
        if (json()) {
            ObjectNode doc = document(code).put("dryRun", true).put("pullRequest", pullRequest)
                    .put("app", wiring.config.app().name()).put("gatesPassed", passed);
            doc.set("plan", tree(plan));
            doc.set("triggers", tree(triggers));
            doc.set("gates", tree(gates));
            emit(doc);
        } else {
            println("Plan for pull request #" + pullRequest + " of " + wiring.config.app().name()
                    + " (dry run: nothing is changed)");
            for (int i = 0; i < plan.size(); i++) {
                println(String.format("  %d. %s", i + 1, plan.get(i)));
            }
            println("Rollback triggers while observing:");
            triggers.forEach(t -> println("  - " + t));
            println("Gates now:");
            Reports.gateLines(gates).forEach(this::println);
            println(passed ? "All gates pass: `release promote --pr " + pullRequest + "` would go ahead."
                    : "A gate fails: `release promote` would stop here, changing nothing.");
        }
        return exit(code, passed ? "" : Reports.failedGates(gates));
    }
}
