package io.releasepipeline.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.releasepipeline.evidence.ReleaseLock;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.spi.AppTraffic;
import io.releasepipeline.spi.Revision;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code release status}: revisions, traffic, the lock and the latest releases. Read-only. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows the app's revisions and traffic, who holds the release lock, and the latest releases "
                + "from the evidence store. Changes nothing."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:shown",
            "64:bad config",
            "69:a provider failed"})
final class StatusCommand extends CliCommand {

    @Option(names = "--limit", paramLabel = "N", defaultValue = "5",
            description = "How many recent releases to show (default: ${DEFAULT-VALUE}).")
    int limit;

    StatusCommand(CliContext context) {
        super(context);
    }

    @Override
    int run(Wiring wiring) {
        String app = wiring.config.app().name();
        AppTraffic traffic = wiring.platform().traffic();
        List<Revision> revisions = wiring.platform().listRevisions().stream()
                .sorted(Comparator.comparing(Revision::createdAt).reversed()).toList();
        Optional<ReleaseLock> lock = wiring.evidence().currentLock(app);
        List<ReleaseRecord> releases = wiring.evidence().latest(app, Math.max(0, limit));
        if (json()) {
            ObjectNode doc = document(ReleaseCli.OK).put("app", app).put("revisionMode", traffic.mode().name());
            doc.set("traffic", tree(traffic.weights().weights()));
            doc.set("revisions", tree(revisions));
            lock.ifPresent(l -> doc.set("lock", tree(l)));
            ArrayNode list = doc.putArray("releases");
            releases.forEach(r -> list.add(summary(r)));
            emit(doc);
            return ReleaseCli.OK;
        }
        println("app " + app + " (" + traffic.mode().name().toLowerCase(java.util.Locale.ROOT) + " revision mode)");
        println("traffic: " + traffic.weights());
        println("revisions (newest first):");
        println(String.format("  %-24s %-8s %-7s %-6s %s", "NAME", "ACTIVE", "WEIGHT", "READY", "CREATED"));
        revisions.forEach(r -> println(String.format("  %-24s %-8s %-7s %-6s %s", r.name(), r.active() ? "yes" : "no",
                r.trafficWeight() + "%", r.isReady() ? "yes" : "no", r.createdAt())));
        println("lock: " + lock.map(l -> "held by release " + l.releaseId() + " on " + l.host() + " since " + l.since()
                + " (resume it, or `release unlock --release " + l.releaseId() + "` if its process is gone)")
                .orElse("free"));
        println(releases.isEmpty() ? "no releases recorded yet" : "latest releases:");
        releases.forEach(r -> println(String.format("  %-28s %-15s %s  %s", r.releaseId(), r.outcome(),
                r.startedAt(), r.pullRequest().map(n -> "#" + n + " ").orElse("")
                        + r.previousRevision().orElse("?") + " -> " + r.newRevision().orElse("?"))));
        return ReleaseCli.OK;
    }

    private ObjectNode summary(ReleaseRecord r) {
        ObjectNode n = document(0).objectNode();
        n.put("releaseId", r.releaseId()).put("kind", r.kind().name()).put("outcome", r.outcome().name())
                .put("startedAt", r.startedAt().toString());
        r.finishedAt().ifPresent(f -> n.put("finishedAt", f.toString()));
        r.pullRequest().ifPresent(p -> n.put("pullRequest", p));
        r.previousRevision().ifPresent(p -> n.put("previousRevision", p));
        r.newRevision().ifPresent(p -> n.put("newRevision", p));
        return n;
    }
}
