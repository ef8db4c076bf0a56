package io.releasepipeline.examples.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.releasepipeline.examples.cli.config.HttpChecks;
import io.releasepipeline.health.SmokeResult;
import io.releasepipeline.health.SmokeTarget;
import io.releasepipeline.spi.Revision;
import io.releasepipeline.time.ReleaseClock;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code release smoke-check}: the runbook's {@code smoke-check.sh}. */
@Command(name = "smoke-check", mixinStandardHelpOptions = true,
        description = {"Runs the smoke check: every endpoint must answer as expected with a warm latency under the "
                + "SLO. Prints PASS/FAIL per endpoint with its latencies.",
            "Exit 0 PASS, 1 FAIL, 64 bad config."})
final class SmokeCheckCommand extends CliCommand {

    @Option(names = "--revision", paramLabel = "NAME", description = "Check this revision (its own URL when "
            + "smoke.targetRevisionUrl is true); default: the app's base URL, or the revision serving most traffic.")
    String revision;

    SmokeCheckCommand(CliContext context) {
        super(context);
    }

    @Override
    int run(Wiring wiring) {
        SmokeTarget target = target(wiring);
        SmokeResult result = HttpChecks.smokeCheck(wiring.config.smoke()).run(target, ReleaseClock.system());
        int code = result.passed() ? ReleaseCli.OK : ReleaseCli.SMOKE_FAILED;
        if (json()) {
            ObjectNode doc = document(code).put("passed", result.passed()).put("revision", result.revision());
            doc.set("endpoints", tree(result.endpoints()));
            emit(doc);
        } else {
            println("Smoke check of " + (target.revisionUrl().isPresent() ? "revision " + target.revision()
                    : wiring.config.smoke().baseUrl().orElse(target.revision())) + ":");
            Reports.smokeLines(result).forEach(this::println);
            println(result.passed() ? "PASS" : "FAIL");
        }
        return exit(code, result.summary());
    }

    /** The base URL alone when it is enough; the platform only when a revision's own URL is needed. */
    private SmokeTarget target(Wiring wiring) {
        boolean needsRevision = wiring.config.smoke().targetRevisionUrl() || wiring.config.smoke().baseUrl().isEmpty();
        if (!needsRevision && revision == null) {
            return SmokeTarget.of(wiring.config.app().name());
        }
        String name = Optional.ofNullable(revision).orElseGet(() -> wiring.platform().traffic().weights().weights()
                .entrySet().stream().max(java.util.Map.Entry.comparingByValue()).orElseThrow().getKey());
        if (!wiring.config.smoke().targetRevisionUrl()) {
            return SmokeTarget.of(name);
        }
        Optional<String> url = wiring.platform().revision(name).flatMap(Revision::url);
        return new SmokeTarget(name, url);
    }
}
