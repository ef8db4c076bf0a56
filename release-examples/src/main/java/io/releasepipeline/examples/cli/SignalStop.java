package io.releasepipeline.examples.cli;

import io.releasepipeline.ReleasePipeline;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns a termination signal into a stop of the release in flight, the way a cancelled GitHub Actions run needs it:
 * the runner sends SIGINT, waits 7.5 s, sends SIGTERM, waits 2.5 s, then kills the process tree. On the first signal
 * the hook asks the pipeline to stop ({@link ReleasePipeline#requestRollback}: an abort before traffic moved, a
 * rollback after) and holds the JVM open up to {@link #DEFAULT_GRACE} for the release to finish and write its
 * evidence. What the kill cuts off anyway is finished by {@code release resume} (the workflow's
 * {@code if: cancelled()} step), from the journal.
 *
 * <p>Use: {@link #around} registers the hook for the duration of one release. Thread-safe.
 */
final class SignalStop {

    /** How long the hook holds the JVM open: inside the runner's 7.5 s before SIGTERM. */
    static final Duration DEFAULT_GRACE = Duration.ofSeconds(7);
    /** The reason recorded for a release stopped by a signal. */
    static final String REASON = "cancelled: the release process received a termination signal (SIGINT/SIGTERM; "
            + "a cancelled or timed-out workflow run)";

    private SignalStop() {
    }

    /** Runs {@code release} with the hook registered; the hook is removed when it returns. */
    static <T> T around(CliContext context, ReleasePipeline pipeline, java.util.function.Supplier<T> release) {
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            if (pipeline.requestRollback(REASON)) {
                context.err().println("release: " + REASON + "; stopping the release (rollback if traffic moved)");
                try {
                    finished.await(DEFAULT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "release-signal-stop");
        context.signals().add(hook);
        try {
            return release.get();
        } finally {
            finished.countDown();
            context.signals().remove(hook);
        }
    }
}
