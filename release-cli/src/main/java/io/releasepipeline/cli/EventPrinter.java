package io.releasepipeline.cli;

import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.event.ReleaseListener;
import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.time.ReleaseClock;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints release events as plain lines, one per decision, with the time since the release started: what a CI log
 * or a person at a terminal needs to follow a release. Health samples are printed only when they change. Every line
 * is {@link Console#line neutralised}.
 * Thread-safe (synchronized on the stream).
 */
public final class EventPrinter implements ReleaseListener {

    private final PrintStream out;
    private Instant start;

    /** Prints to {@code out}. */
    public EventPrinter(PrintStream out) {
        this.out = out;
    }

    /** Prints to {@code out}, measuring from {@code clock}'s current time. */
    public EventPrinter(PrintStream out, ReleaseClock clock) {
        this.out = out;
        this.start = clock.now();
    }

    /**
     * Prints the event's lines. Each is one neutralised {@link Console#line line}: a reason or a name from outside
     * (a check, an alert, a provider's answer) cannot start a line of its own, drive the terminal or command a
     * GitHub Actions runner.
     */
    @Override
    public void onEvent(ReleaseEvent event) {
        List<String> lines = describe(event);
        if (lines.isEmpty()) {
            return;
        }
        synchronized (out) {
            if (start == null || event instanceof ReleaseEvent.ReleaseStarted) {
                start = event.at();
            }
            out.printf("%s  %s%n", offset(Duration.between(start, event.at())), Console.line(lines.get(0)));
            for (String more : lines.subList(1, lines.size())) {
                out.printf("          %s%n", Console.line(more));
            }
        }
    }

    private static String offset(Duration d) {
        long s = Math.max(0, d.getSeconds());
        return String.format("t+%02d:%02d", s / 60, s % 60);
    }

    /** The lines an event is printed as, not yet neutralised; none for an event not worth a line. */
    static List<String> describe(ReleaseEvent event) {
        if (event instanceof ReleaseEvent.GatesEvaluated e) {
            List<String> lines = new ArrayList<>();
            lines.add(e.passed() ? "gates passed" : "GATES FAILED");
            for (GateResult r : e.results()) {
                lines.add((r.passed() ? "PASS " : r.status() + " ") + r.gate() + ": " + r.reason());
            }
            return lines;
        }
        String line = describeOne(event);
        return line == null ? List.of() : List.of(line);
    }

    private static String describeOne(ReleaseEvent event) {
        if (event instanceof ReleaseEvent.ReleaseStarted e) {
            return "release " + e.releaseId() + ": promoting pull request #" + e.pullRequest() + " to " + e.app();
        } else if (event instanceof ReleaseEvent.Merged e) {
            return "merged #" + e.pullRequest() + " as " + e.mergeCommitSha().substring(0,
                    Math.min(7, e.mergeCommitSha().length()));
        } else if (event instanceof ReleaseEvent.DeployRunUpdated e) {
            return "deploy run " + e.run().id() + " " + e.run().status().name().toLowerCase()
                    + e.run().conclusion().map(c -> " (" + c.name().toLowerCase() + ")").orElse("");
        } else if (event instanceof ReleaseEvent.RevisionReady e) {
            return "revision " + e.revision() + " is ready";
        } else if (event instanceof ReleaseEvent.TrafficShifted e) {
            return "traffic " + e.from() + "  ->  " + e.to() + "  (" + e.reason() + ")";
        } else if (event instanceof ReleaseEvent.ObservationStarted e) {
            return "observing " + e.revision() + " at " + e.weight() + "% for " + io.releasepipeline.format.Format
                    .duration(e.window());
        } else if (event instanceof ReleaseEvent.SignalObserved e) {
            return e.ok() ? null : "  " + e.signal() + ": " + e.detail();
        } else if (event instanceof ReleaseEvent.TriggerFired e) {
            return "TRIGGER " + e.verdict();
        } else if (event instanceof ReleaseEvent.ObservationPassed e) {
            return "observation passed at " + e.weight() + "%";
        } else if (event instanceof ReleaseEvent.ProviderCallRetried e) {
            return "retrying " + e.provider() + " " + e.operation() + " in " + e.delay().toMillis() + "ms: "
                    + e.error();
        } else if (event instanceof ReleaseEvent.RollbackStarted e) {
            return "ROLLING BACK " + e.fromRevision() + " -> " + e.toRevision() + ": " + e.reason();
        } else if (event instanceof ReleaseEvent.RollbackFinished e) {
            return e.succeeded() ? "rollback done: " + e.detail() : "ROLLBACK FAILED: " + e.detail();
        } else if (event instanceof ReleaseEvent.HookStarted e) {
            return "hook " + e.hook() + " (" + e.point() + ")" + (e.attempt() > 1 ? " again, attempt " + e.attempt()
                    + ", same delivery id" : "") + "...";
        } else if (event instanceof ReleaseEvent.HookFinished e) {
            return (e.run().succeeded() ? "hook " : "HOOK ") + e.run().name() + " " + e.run().status() + " in "
                    + io.releasepipeline.format.Format.duration(e.run().duration()) + ": " + e.run().summary();
        } else if (event instanceof ReleaseEvent.EvidenceRecorded e) {
            return "evidence: " + e.location();
        } else if (event instanceof ReleaseEvent.Warning e) {
            return "warning: " + e.message();
        } else if (event instanceof ReleaseEvent.ReleaseFinished e) {
            return e.outcome() + ": " + e.summary();
        }
        return null;
    }
}
