package io.releasepipeline.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.releasepipeline.RollbackRequest;
import io.releasepipeline.RollbackResult;
import io.releasepipeline.RollbackTargets;
import io.releasepipeline.UnknownTargetException;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.spi.AppTraffic;
import io.releasepipeline.spi.PlatformProvider;
import io.releasepipeline.spi.Revision;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code release rollback}: the runbook's {@code rollback.sh}. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {"Rolls back to the previous good revision (or --to REVISION): activates it if needed, moves "
                + "all traffic to it, smoke checks it, records evidence, posts the incident note."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:rolled back (traffic on the target and its smoke check passed, and its error rate returned to baseline "
                + "or could not be judged)",
            "4:rollback failed or refused (e.g. a platform that cannot move traffic in the app's revision mode): "
                + "page someone",
            "7:rolled back but NOT RECOVERED (the target's error rate stayed above the baseline for "
                + "rollback.recovery.timeout: the cause may not be the release): page someone",
            "8:rolled back (traffic on the target, its smoke check passed) but an onRollback or migrationRollback "
                + "hook failed, timed out or could not run: page someone",
            "64:bad config or a --to revision that does not exist",
            "69:a provider could not be used (nothing changed)",
            "75:a release is in progress (its own triggers roll it back)"})
final class RollbackCommand extends CliCommand {

    @Option(names = "--to", paramLabel = "REVISION", description = "The revision to go back to (default: the "
            + "previous good one, from the evidence, else the revision history).")
    String to;

    @Option(names = "--reason", paramLabel = "TEXT", required = true,
            description = "Why, for the evidence and the incident note.")
    String reason;

    @Option(names = "--pr", paramLabel = "N", description = "Post the incident note on this pull request.")
    Integer pullRequest;

    @Option(names = "--database-migration", description = "The release being rolled back carried a database "
            + "migration: the hooks.migrationRollback hooks run once traffic is back (a failing one is exit 8); "
            + "without such a hook, say loudly that the schema must be rolled back by hand.")
    boolean databaseMigration;

    @Option(names = "--dry-run", description = "Print the target revision and the plan; change nothing.")
    boolean dryRun;

    RollbackCommand(CliContext context) {
        super(context);
    }

    @Override
    int run(Wiring wiring) {
        if (dryRun) {
            return dryRun(wiring);
        }
        RollbackRequest request = to == null ? RollbackRequest.toPrevious(reason)
                : RollbackRequest.toRevision(to, reason);
        if (pullRequest != null) {
            request = request.forPullRequest(pullRequest);
        }
        if (databaseMigration) {
            request = request.withDatabaseMigration();
        }
        RollbackRequest finalRequest = request;
        try (SignalStop stop = SignalStop.finishing(context, spec.name())) {
            RollbackResult result;
            try (Progress progress = progress()) {
                result = stop.run(() -> {
                    io.releasepipeline.ReleasePipeline pipeline = wiring.pipeline(progress.listener());
                    stop.watching(pipeline);
                    return pipeline.rollback(finalRequest);
                });
            }
            // A standalone rollback that did what was asked is a success, not a release that was rolled back.
            int code = result.outcome() == ReleaseOutcome.ROLLED_BACK ? ReleaseCli.OK
                    : ReleaseCli.exitCode(result.outcome());
            if (json()) {
                ObjectNode doc = document(code);
                stop.received().ifPresent(s -> doc.put("signalledBy", s));
                emit(Reports.rollback(doc, result));
            }
            return stop.received().map(s -> report(code, SignalStop.summary(s, result)))
                    .orElseGet(() -> exit(code, Reports.summary(result)));
        }
    }

    private int dryRun(Wiring wiring) {
        PlatformProvider platform = wiring.platform();
        String app = wiring.config.app().name();
        AppTraffic traffic = platform.traffic();
        if (to != null && platform.revision(to).isEmpty()) {
            throw new UnknownTargetException(UnknownTargetException.Kind.REVISION, app, to, platform.listRevisions()
                    .stream().sorted(Comparator.comparing(Revision::createdAt).reversed()).map(Revision::name)
                    .toList());
        }
        // The same rules the engine applies when the rollback runs.
        Optional<String> target = Optional.ofNullable(to).or(() -> RollbackTargets.previous(traffic,
                platform::revision, platform::listRevisions, wiring.evidence().latest(app, 50)));
        Optional<String> refused = target.flatMap(t -> RollbackTargets.refusal(traffic,
                platform.canMoveTraffic(traffic.mode()), t));
        List<String> plan = target.filter(t -> refused.isEmpty()).map(t -> Plan.rollback(wiring.config, traffic, t,
                databaseMigration))
                .orElse(List.of());
        int code = target.isPresent() && refused.isEmpty() ? ReleaseCli.OK : ReleaseCli.ROLLBACK_FAILED;
        if (json()) {
            ObjectNode doc = document(code).put("dryRun", true).put("app", app);
            target.ifPresent(t -> doc.put("toRevision", t));
            refused.ifPresent(r -> doc.put("refused", r));
            doc.set("traffic", tree(traffic.weights().weights()));
            doc.set("plan", tree(plan));
            emit(doc);
        } else {
            println("Rollback of " + app + " (dry run: nothing is changed)");
            println("  target revision: " + target.orElse("NONE: no previous good revision; name one with --to"));
            refused.ifPresent(r -> println("  REFUSED: the rollback would change nothing and fail: " + r));
            for (int i = 0; i < plan.size(); i++) {
                println(String.format("  %d. %s", i + 1, plan.get(i)));
            }
        }
        return exit(code, refused.map(r -> "the rollback would be refused: " + r)
                .orElse("no revision to roll back to; name one with --to"));
    }
}
