package io.releasepipeline.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.evidence.GateResult;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code release gates}: the pre-promotion checklist alone, no side effects. */
@Command(name = "gates", mixinStandardHelpOptions = true,
        description = {"Evaluates the pre-promotion checklist for a pull request; changes nothing. The "
                + "hooks.beforeMerge hooks are not called (they may still veto at promote time)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:all gates pass",
            "2:a gate fails",
            "64:bad config",
            "69:a gate could not be evaluated (a provider could not be used)"})
final class GatesCommand extends CliCommand {

    @Option(names = "--pr", paramLabel = "N", required = true, description = "The pull request to judge.")
    int pullRequest;

    @Option(names = "--first-release",
            description = "Judge it as the app's first release: the previous-release-stable gate passes on an empty "
                    + "history (as promote --first-release).")
    boolean firstRelease;

    GatesCommand(CliContext context) {
        super(context);
    }

    @Override
    int run(Wiring wiring) {
        ReleaseRequest request = ReleaseRequest.ofPullRequest(pullRequest);
        List<GateResult> gates = wiring.pipeline(event -> { }).evaluateGates(firstRelease ? request.withFirstRelease()
                : request);
        boolean passed = gates.stream().allMatch(GateResult::passed);
        int code = ReleaseCli.gatesExitCode(gates);
        if (json()) {
            ObjectNode doc = document(code).put("pullRequest", pullRequest).put("passed", passed);
            doc.set("gates", tree(gates));
            // Not run here (gates changes nothing), but they may still veto at promote time.
            doc.set("beforeMergeHooksNotRun", tree(wiring.config.hooks().beforeMerge().stream()
                    .map(h -> h.name()).toList()));
            emit(doc);
        } else {
            println("Gates for pull request #" + pullRequest + " of " + wiring.config.app().name() + ":");
            Reports.gateLines(gates).forEach(this::println);
            println(passed ? "All gates pass." + beforeMergeHooks(wiring) : code == ReleaseCli.UNAVAILABLE
                    ? "A gate could not be evaluated: a provider could not be used (see ERROR above)."
                    : "GATES FAILED.");
        }
        return exit(code, passed ? "" : Reports.failedGates(gates));
    }

    /** The hooks.beforeMerge hooks, which `gates` does not run but which may still veto `promote`; or nothing. */
    private static String beforeMergeHooks(Wiring wiring) {
        return Plan.hooks(wiring.config.hooks().beforeMerge()).map(h -> " Not run here (gates changes nothing): the "
                + "hooks.beforeMerge hooks " + h + ", which `release promote` calls after the gates and which may "
                + "still veto the release.").orElse("");
    }
}
