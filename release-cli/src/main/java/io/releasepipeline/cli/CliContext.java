package io.releasepipeline.cli;

import java.io.PrintStream;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What every command of one CLI run shares.
 *
 * @param out where results go
 * @param err where errors and the one-line summary of a non-zero exit go
 * @param providers makes the provider factory, only when a command needs providers
 * @param terminal whether {@code out} is an interactive terminal (the live view)
 * @param environment the process environment ({@code GITHUB_ACTIONS}, {@code GITHUB_EVENT_NAME}); a map in tests
 * @param signals where a command registers what to do when the process is told to stop
 */
record CliContext(PrintStream out, PrintStream err, Supplier<ProviderFactory> providers, boolean terminal,
        Function<String, String> environment, Signals signals) {

    /**
     * Where a command asks to hear of SIGINT and SIGTERM (GitHub Actions sends both when a run is cancelled or times
     * out: SIGINT, SIGTERM 7.5 s later, a kill 2.5 s after that) instead of the process stopping at once.
     * Production: {@link JvmSignals}; tests: a fake they fire themselves.
     */
    interface Signals {
        /**
         * Calls {@code handler} with the signal's name ({@code "INT"}, {@code "TERM"}) each time the process receives
         * one, until the returned registration is closed; meanwhile the process does not stop on those signals by
         * itself (where the JVM lets a program handle them: not under {@code java -Xrs}). The handler runs on a thread of its own and must return promptly.
         */
        Registration handle(java.util.function.Consumer<String> handler);

        /** The process's own signal handling: {@link JvmSignals#INSTANCE}. */
        static Signals jvm() {
            return JvmSignals.INSTANCE;
        }
    }

    /** Ends a {@link Signals#handle} registration; idempotent. */
    interface Registration extends AutoCloseable {
        /** Stops calling the handler; the process goes back to stopping on a signal as it did before. */
        @Override
        void close();
    }
}
