package io.releasepipeline.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.spi.DeployMatch;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code release promote}: the runbook end to end, or with {@code --dry-run} the plan and the gates only. The pull
 * request is {@code --pr N}, or the one a GitHub Actions event names ({@code --event "$GITHUB_EVENT_PATH"}, see
 * {@link ActionsTrigger}). An open pull request is merged after its gates (pre-merge); a merged one is picked up at
 * its merge commit's deploy run (post-merge).
 */
@Command(name = "promote", mixinStandardHelpOptions = true,
        description = {"Promotes a pull request through the runbook: gates, merge, deploy run, new revision, traffic "
                + "plan, smoke check, observation, evidence; rolls back on its own when a trigger fires. A pull "
                + "request merged before the release is picked up at its merge commit's deploy run (post-merge): its "
                + "gates are recorded but could not stop the merge.",
            "SIGINT/SIGTERM (a cancelled workflow run, Ctrl-C) stop the release: an abort before traffic moved, a "
                + "rollback after; the process exits when it has ended, with its code (e.g. 3), and one summary line."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:promoted (or merged with nothing to deploy, or the event asks for no release)",
            "2:gates failed; nothing was changed",
            "3:rolled back",
            "4:rollback failed: page someone",
            "5:aborted before traffic moved",
            "6:frozen (--roll-forward-only): roll forward",
            "7:rolled back but NOT RECOVERED (the error rate did not return to baseline): page someone",
            "8:rolled back but a rollback hook failed: page someone",
            "64:bad usage or config",
            "69:a provider could not be used (a gate could not be evaluated); nothing changed",
            "75:another release of the app is in progress",
            "77:--event: the person who asked may not release; nothing done"})
final class PromoteCommand extends CliCommand {

    @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    /** Which pull request: a number, or a GitHub Actions event. */
    static final class Target {
        @Option(names = "--pr", paramLabel = "N", required = true, description = "The pull request to promote.")
        Integer pullRequest;

        @Option(names = "--event", paramLabel = "FILE", required = true,
                description = "A GitHub Actions event payload (\"$GITHUB_EVENT_PATH\"): workflow_dispatch (input pr), "
                        + "issue_comment (/release from someone with write permission), workflow_run (the deploy "
                        + "workflow), push or pull_request (merged).")
        java.nio.file.Path event;
    }

    @Option(names = "--event-name", paramLabel = "NAME",
            description = "The event's name with --event (default: $GITHUB_EVENT_NAME).")
    String eventName;

    @Option(names = "--first-release",
            description = "Declare the app's first release: the previous-release-stable gate passes on an empty "
                    + "history (it fails on one otherwise), and the record says so.")
    boolean firstRelease;

    private int pullRequest;

    @Option(names = "--release-id", paramLabel = "ID", description = "The release's id (default: generated).")
    String releaseId;

    @Option(names = "--database-migration",
            description = "The release carries a database migration: a rollback runs the hooks.migrationRollback "
                    + "hooks once traffic is back (a failing one is exit 8); without such a hook it says loudly that "
                    + "the schema must be rolled back by hand.")
    boolean databaseMigration;

    @Option(names = "--roll-forward-only",
            description = "The release cannot be rolled back (e.g. an irreversible migration): a firing trigger freezes "
                    + "traffic where it is and raises the alarm instead (exit code 6).")
    boolean rollForwardOnly;

    @Option(names = "--dry-run", description = "Print the plan and the gate results; change nothing.")
    boolean dryRun;

    @picocli.CommandLine.Mixin
    JsonFileOption jsonFileOption = new JsonFileOption();

    @Override
    java.util.Optional<java.nio.file.Path> jsonFile() {
        return jsonFileOption.file();
    }

    PromoteCommand(CliContext context) {
        super(context);
    }

    @Override
    int run(Wiring wiring) {
        Optional<String> trigger = Optional.empty();
        if (target.event != null) {
            ActionsTrigger.Outcome outcome = ActionsTrigger.resolve(ActionsTrigger.eventName(
                    Optional.ofNullable(eventName), context.environment()), target.event, wiring.config,
                    wiring::triggerChecks);
            if (outcome instanceof ActionsTrigger.Nothing nothing) {
                return nothingToRelease(nothing.why());
            }
            if (outcome instanceof ActionsTrigger.Refused refused) {
                if (wantsDocument()) {
                    emit(document(ReleaseCli.NOT_PERMITTED).put("released", false).put("refused", refused.why()));
                }
                return exit(ReleaseCli.NOT_PERMITTED, "refused: " + refused.why());
            }
            ActionsTrigger.Release release = (ActionsTrigger.Release) outcome;
            pullRequest = release.pullRequest();
            trigger = Optional.of(release.why());
            println("Releasing pull request #" + pullRequest + " (" + release.why() + ").");
        } else {
            pullRequest = target.pullRequest;
        }
        ReleaseRequest request = request(wiring);
        try (Progress progress = dryRun ? null : progress()) {
            SignalStop.EarlyStop early = new SignalStop.EarlyStop();
            ReleasePipeline pipeline = wiring.pipeline(dryRun ? event -> { } : early.then(progress.listener()));
            wiring.checkHealthSignals();
            if (dryRun) {
                return dryRun(wiring, pipeline, request);
            }
            Optional<String> why = trigger;
            return release(pipeline, early, progress, () -> pipeline.promote(request), code -> {
                ObjectNode doc = document(code);
                why.ifPresent(t -> doc.put("trigger", t));
                return doc;
            });
        }
    }

    /** The event asks for no release: say why, change nothing, exit 0. */
    private int nothingToRelease(String why) {
        if (wantsDocument()) {
            emit(document(ReleaseCli.OK).put("released", false).put("reason", why));
        }
        println("Nothing to release: " + why + ".");
        return ReleaseCli.OK;
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
        if (firstRelease) {
            r = r.withFirstRelease();
        }
        return databaseMigration ? r.withDatabaseMigration() : r;
    }

    /**
     * Whether the release would be judged a migration release, judged now as the record would be (the rule that
     * matched, or why none did); or that it is judged at run time when the pull request cannot be read now.
     */
    private String migration(Wiring wiring, ReleaseRequest request) {
        io.releasepipeline.migration.MigrationDetection detection = Wiring.migrations(wiring.config.migrations());
        boolean hook = !wiring.config.hooks().migrationRollback().isEmpty();
        try {
            List<String> labels = wiring.ci().pullRequest(pullRequest).labels();
            Optional<io.releasepipeline.spi.ChangedFiles> files = detection.readsFiles()
                    ? Optional.of(wiring.ci().changedFiles(pullRequest)) : Optional.empty();
            return detection.judge(request.databaseMigration(), labels, files, hook).reason();
        } catch (io.releasepipeline.error.ReleaseException e) {
            return "judged at run time, after the gates (the pull request's labels or changed files could not be "
                    + "read now: " + e.getMessage() + ")";
        }
    }

    private int dryRun(Wiring wiring, ReleasePipeline pipeline, ReleaseRequest request) {
        List<String> plan = Plan.promotion(wiring.config, pullRequest);
        List<String> triggers = Plan.triggers(wiring.config);
        List<GateResult> gates = pipeline.evaluateGates(request);
        boolean passed = gates.stream().allMatch(GateResult::passed);
        // When the CI system cannot tell, the deploy-filter gate above already says so (ERROR).
        Optional<DeployMatch> deploy = passed ? Optional.of(pipeline.deployMatch(request)) : Optional.empty();
        boolean nothingToDeploy = deploy.map(d -> !d.deploys()).orElse(false);
        int code = ReleaseCli.gatesExitCode(gates);
        String migration = migration(wiring, request);
        if (json()) {
            ObjectNode doc = document(code).put("dryRun", true).put("pullRequest", pullRequest)
                    .put("migration", migration)
                    .put("app", wiring.config.app().name()).put("gatesPassed", passed);
            deploy.ifPresent(d -> doc.put("nothingToDeploy", !d.deploys()).set("deploy", tree(d)));
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
            println("Database migration: " + migration);
            println("Rollback triggers while observing:");
            triggers.forEach(t -> println("  - " + t));
            println("Gates now:");
            Reports.gateLines(gates).forEach(this::println);
            println(!passed ? "A gate fails: `release promote` would stop here, changing nothing."
                    : nothingToDeploy ? "All gates pass, and nothing to deploy: `release promote --pr " + pullRequest
                            + "` would merge and end NOTHING_TO_DEPLOY (exit 0), with no deploy run and traffic "
                            + "untouched."
                    : "All gates pass: `release promote --pr " + pullRequest + "` would go ahead.");
        }
        return exit(code, passed ? "" : Reports.failedGates(gates));
    }
}
