package io.releasepipeline.cli.demo;

import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.cli.EventPrinter;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.gate.Gates;
import io.releasepipeline.testkit.Simulation;
import java.io.PrintStream;
import java.time.Duration;

/**
 * The runbook's story in virtual time with the test kit's fakes: v2 passes the gates and is promoted; two hours
 * later v3 starts answering 500s after its promotion and is rolled back by the error-rate trigger on its own. Each
 * 14-minute release runs in milliseconds.
 */
public final class SimulatedDemo {

    private SimulatedDemo() {
    }

    /**
     * How the story went.
     *
     * @param promoted the first release (v2), told to be promoted
     * @param rolledBack the second release (v3), told to be rolled back
     */
    public record Story(ReleaseResult promoted, ReleaseResult rolledBack) {

        /** True when both releases ended as the story says. */
        public boolean asTold() {
            return promoted.outcome() == ReleaseOutcome.PROMOTED && rolledBack.outcome() == ReleaseOutcome.ROLLED_BACK;
        }
    }

    /** Runs the story; returns true when both releases ended as the story says. */
    public static boolean run(PrintStream out) {
        return tell(out).asTold();
    }

    /** Runs the story, telling it on {@code out}, and returns how it went. Thread-safe: each call has its own world. */
    public static Story tell(PrintStream out) {
        Simulation sim = new Simulation(false);
        ReleasePipeline pipeline = sim.builder().listener(new EventPrinter(out)).build();

        out.println("== v1 serves production. Pull request #123 brings v2.");
        ReleaseResult first = pipeline.promote(ReleaseRequest.ofPullRequest(Simulation.PR));

        sim.clock.advance(Duration.ofHours(2));
        out.println();
        out.println("== Two hours later, pull request #124 brings v3, which answers 8% 5xx once it takes traffic.");
        sim.ci.pr(124).title("Faster quotes").body("## Breaking changes\nNone").approvedBy("bob");
        Gates.DEFAULT_REQUIRED_CHECKS.forEach(check -> sim.ci.pr(124).checkPasses(check));
        sim.signals.revision("v3").errorRate(0.08);
        ReleaseResult second = pipeline.promote(ReleaseRequest.ofPullRequest(124));

        out.println();
        out.println("== Evidence records kept by the pipeline (newest first):");
        sim.evidence.latest(Simulation.APP, 10).forEach(r -> out.println("   " + r.releaseId() + "  " + r.outcome()
                + "  " + r.previousRevision().orElse("?") + " -> " + r.newRevision().orElse("?")
                + r.rollback().map(rb -> "  (rolled back: " + rb.reason() + ")").orElse("")));
        return new Story(first, second);
    }
}
