package io.releasepipeline.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.releasepipeline.UnknownTargetException;
import io.releasepipeline.cli.config.CliConfig;
import io.releasepipeline.cli.config.HttpChecks;
import io.releasepipeline.health.SmokeResult;
import io.releasepipeline.health.SmokeTarget;
import io.releasepipeline.spi.PlatformProvider;
import io.releasepipeline.spi.Revision;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.time.ReleaseClock;
import java.util.Comparator;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code release smoke-check}: the runbook's {@code smoke-check.sh}. */
@Command(name = "smoke-check", mixinStandardHelpOptions = true,
        description = {"Runs the smoke check: every endpoint must answer as expected with a warm latency under the "
                + "SLO. Prints PASS/FAIL per endpoint with its latencies."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:PASS",
            "1:FAIL",
            "64:bad config or a --revision that does not exist or cannot be reached alone",
            "69:the platform could not be used"})
final class SmokeCheckCommand extends CliCommand {

    @Option(names = "--revision", paramLabel = "NAME", description = "Check this revision alone, at its own URL "
            + "(whatever smoke.targetRevisionUrl says); refused when it has none, unless it serves all the traffic "
            + "at the base URL. Default: the app's base URL, or the revision serving most traffic at its own URL.")
    String revision;

    SmokeCheckCommand(CliContext context) {
        super(context);
    }

    /** Where the check goes: the target, and whether it is the revision's own URL. */
    private record Aim(SmokeTarget target, boolean ownUrl, String where) {
    }

    @Override
    int run(Wiring wiring) {
        Aim aim = aim(wiring);
        SmokeResult result = HttpChecks.smokeCheck(wiring.config.smoke(), aim.ownUrl()).run(aim.target(),
                ReleaseClock.system());
        int code = result.passed() ? ReleaseCli.OK : ReleaseCli.SMOKE_FAILED;
        if (json()) {
            ObjectNode doc = document(code).put("passed", result.passed()).put("revision", result.revision())
                    .put("url", aim.where());
            doc.set("endpoints", tree(result.endpoints()));
            emit(doc);
        } else {
            println("Smoke check of " + (revision != null || aim.ownUrl() ? "revision " + aim.target().revision()
                    + " at " : "") + aim.where() + ":");
            Reports.smokeLines(result).forEach(this::println);
            println(result.passed() ? "PASS" : "FAIL");
        }
        return exit(code, result.summary());
    }

    /** The base URL alone when it is enough; the platform only when a revision's own URL is needed. */
    private Aim aim(Wiring wiring) {
        CliConfig.Smoke smoke = wiring.config.smoke();
        if (revision != null) {
            return named(wiring, smoke);
        }
        if (!smoke.targetRevisionUrl() && smoke.baseUrl().isPresent()) {
            return new Aim(SmokeTarget.of(wiring.config.app().name()), false, smoke.baseUrl().get());
        }
        String name = wiring.platform().traffic().weights().weights().entrySet().stream()
                .max(java.util.Map.Entry.comparingByValue()).orElseThrow().getKey();
        Optional<String> url = wiring.platform().revision(name).flatMap(Revision::url);
        return new Aim(new SmokeTarget(name, url), true, url.or(smoke::baseUrl).orElse(name));
    }

    /**
     * A named revision is checked alone: at its own URL, or at the base URL only when it serves all the traffic
     * there. Anything else would report what another revision answered as this one's result.
     */
    private Aim named(Wiring wiring, CliConfig.Smoke smoke) {
        PlatformProvider platform = wiring.platform();
        Optional<Revision> found = platform.revision(revision);
        if (found.isEmpty()) {
            throw new UnknownTargetException(UnknownTargetException.Kind.REVISION, wiring.config.app().name(),
                    revision, platform.listRevisions().stream()
                            .sorted(Comparator.comparing(Revision::createdAt).reversed()).map(Revision::name)
                            .toList());
        }
        if (found.get().url().isPresent()) {
            return new Aim(new SmokeTarget(revision, found.get().url()), true, found.get().url().get());
        }
        TrafficWeights serving = platform.traffic().weights();
        if (smoke.baseUrl().isPresent() && serving.soleRevision().equals(Optional.of(revision))) {
            return new Aim(SmokeTarget.of(revision), false, smoke.baseUrl().get());
        }
        throw new IllegalArgumentException("--revision " + revision + ": the platform gives this revision no URL of "
                + "its own, and the base URL is answered by " + serving + ", so a check there would report what "
                + "they answer, not " + revision + "; nothing was checked. Check the app with smoke-check "
                + "without --revision, or give the revision an address of its own (e.g. a traffic label)");
    }
}
