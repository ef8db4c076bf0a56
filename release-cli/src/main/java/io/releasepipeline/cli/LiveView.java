package io.releasepipeline.cli;

import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.event.ReleaseListener;
import io.releasepipeline.format.SafeText;
import io.releasepipeline.spi.TrafficWeights;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The progress view on a terminal: the event lines scroll as {@link EventPrinter} prints them, and one status line
 * at the bottom, redrawn four times a second with ANSI escapes, says the current step, the elapsed time, what the
 * release waits for (with the time left) and the traffic weights. Only for a real terminal; CI logs get
 * {@link EventPrinter}'s plain lines.
 *
 * <p>While it is open the view owns the terminal: every other line is written through it, so the status line is
 * cleared before the line and drawn again after it, never glued to it. {@link #out()} is for the CLI's own lines;
 * {@code System.out} and {@code System.err} are replaced for the same time by streams that do the same, because
 * library log lines (slf4j-simple writes its WARN lines to whatever {@code System.err} is at the moment of logging),
 * the JDK's and any SDK's own prints reach the terminal only through them. That catches every writer in this
 * process whatever its logging setup, which a log sink would not; a write by another process to the same terminal
 * still can break the line. Both are put back on {@link #close()}.
 *
 * <p>Thread-safe (synchronized on the terminal stream); close it to stop redrawing.
 */
final class LiveView implements ReleaseListener, AutoCloseable {

    private static final String CLEAR_LINE = "\r\033[2K";
    /** How much of one text from outside the status line shows. */
    private static final int STATUS_TEXT = 200;

    private final PrintStream out;
    private final PrintStream others;
    private final PrintStream previousOut;
    private final PrintStream previousErr;
    private final PrintStream systemOut;
    private final PrintStream systemErr;
    private final EventPrinter lines;
    /** How many of the streams for others have written part of a line: no status line until it ends. */
    private int openLines;
    private final ScheduledExecutorService ticker;
    private final Instant started = Instant.now();
    private String step = "starting";
    private String waitingFor = "";
    private Instant until;
    private TrafficWeights weights;
    private boolean finished;

    /**
     * Opens the view on {@code out} and takes over {@code System.out} and {@code System.err} until {@link #close()}.
     *
     * @param out the terminal
     */
    LiveView(PrintStream out) {
        this.out = out;
        this.lines = new EventPrinter(out);
        this.others = guarded(out);
        this.previousOut = System.out;
        this.previousErr = System.err;
        // Over the streams as they were, never over our own: nothing written through them comes back here.
        this.systemOut = previousOut == out ? others : guarded(previousOut);
        this.systemErr = guarded(previousErr);
        System.setOut(systemOut);
        System.setErr(systemErr);
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "release-live-view");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(this::redraw, 250, 250, TimeUnit.MILLISECONDS);
    }

    @Override
    public void onEvent(ReleaseEvent event) {
        synchronized (out) {
            update(event);
            out.print(CLEAR_LINE);
            lines.onEvent(event);
            drawStatus();
        }
    }

    private void update(ReleaseEvent event) {
        if (event instanceof ReleaseEvent.ReleaseStarted) {
            // One view may follow several releases (the demo): each start brings the status line back.
            finished = false;
            step("gates", "");
        } else if (event instanceof ReleaseEvent.GatesEvaluated e) {
            step(e.passed() ? "merge" : "gates failed", "");
        } else if (event instanceof ReleaseEvent.Merged) {
            step("deploy run", "");
        } else if (event instanceof ReleaseEvent.Waiting e) {
            waitingFor = e.forWhat();
            until = e.until();
        } else if (event instanceof ReleaseEvent.DeployRunUpdated e) {
            step("deploy run " + e.run().status().name().toLowerCase(java.util.Locale.ROOT), waitingFor);
        } else if (event instanceof ReleaseEvent.RevisionReady e) {
            step("traffic to " + e.revision(), "");
        } else if (event instanceof ReleaseEvent.TrafficShifted e) {
            weights = e.to();
        } else if (event instanceof ReleaseEvent.SmokeChecked && !step.startsWith("observing")) {
            // During observation the smoke checks are part of the step, not a step of their own.
            step("smoke check", "");
        } else if (event instanceof ReleaseEvent.ObservationStarted e) {
            step("observing " + e.revision() + " at " + e.weight() + "%", "the observation window");
            until = e.at().plus(e.window());
        } else if (event instanceof ReleaseEvent.RollbackStarted e) {
            step("ROLLING BACK to " + e.toRevision(), "");
        } else if (event instanceof ReleaseEvent.HookStarted e) {
            step("hook " + e.hook() + " (" + e.point().name().toLowerCase(java.util.Locale.ROOT) + ")", "");
        } else if (event instanceof ReleaseEvent.ReleaseFinished e) {
            step(e.outcome().name(), "");
            finished = true;
        }
    }

    private void step(String name, String waiting) {
        step = name;
        waitingFor = waiting;
        until = null;
    }

    private void redraw() {
        synchronized (out) {
            if (!finished && openLines == 0) {
                drawStatus();
            }
        }
    }

    private void drawStatus() {
        if (finished) {
            out.print(CLEAR_LINE);
            out.flush();
            return;
        }
        // Our own escapes around text from outside (revision names, what a wait is for), which is neutralised.
        StringBuilder sb = new StringBuilder(CLEAR_LINE).append("\033[1m").append(SafeText.line(step, STATUS_TEXT))
                .append("\033[0m").append("  elapsed ").append(clock(Duration.between(started, Instant.now())));
        if (!waitingFor.isEmpty()) {
            sb.append("  waiting for ").append(SafeText.line(waitingFor, STATUS_TEXT));
            if (until != null) {
                sb.append(" (").append(clock(Duration.between(Instant.now(), until))).append(" left)");
            }
        }
        if (weights != null) {
            sb.append("  traffic ").append(SafeText.line(weights.toString(), STATUS_TEXT));
        }
        out.print(sb);
        out.flush();
    }

    private static String clock(Duration d) {
        long s = Math.max(0, d.getSeconds());
        return String.format("%02d:%02d", s / 60, s % 60);
    }

    /**
     * Where the CLI's own lines go while the view is open (e.g. the demo's narration): each line clears the status
     * line first and draws it again after. Thread-safe.
     *
     * @return a stream onto the view's terminal
     */
    PrintStream out() {
        return others;
    }

    /** A stream onto {@code target} that keeps the status line off the lines written through it. */
    private PrintStream guarded(PrintStream target) {
        return new PrintStream(new Guard(target), true, java.nio.charset.Charset.defaultCharset());
    }

    /**
     * Stops redrawing, clears the status line and gives {@code System.out} and {@code System.err} back (unless
     * someone replaced them since, whose streams stay). Idempotent.
     */
    @Override
    public void close() {
        ticker.shutdownNow();
        synchronized (out) {
            if (System.out == systemOut) {
                System.setOut(previousOut);
            }
            if (System.err == systemErr) {
                System.setErr(previousErr);
            }
            out.print(CLEAR_LINE);
            out.flush();
        }
    }

    /**
     * Clears the status line before the first bytes of a line and draws it again once the line has ended, each
     * write going straight on to the target (flushed), in the order the terminal shows them.
     */
    private final class Guard extends java.io.OutputStream {
        private final PrintStream target;
        private boolean midLine;

        Guard(PrintStream target) {
            this.target = target;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (len == 0) {
                return;
            }
            synchronized (out) {
                if (!midLine) {
                    out.print(CLEAR_LINE);
                    out.flush();
                }
                target.write(b, off, len);
                target.flush();
                boolean open = b[off + len - 1] != '\n';
                openLines += (open ? 1 : 0) - (midLine ? 1 : 0);
                midLine = open;
                if (openLines == 0) {
                    drawStatus();
                }
            }
        }

        @Override
        public void flush() {
            target.flush();
        }
    }
}
