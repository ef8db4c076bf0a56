package io.releasepipeline.examples.cli;

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
     * Registers work to run when the process receives SIGINT or SIGTERM (GitHub Actions sends both when a run is
     * cancelled or times out). Production: JVM shutdown hooks; tests: a hook they run themselves.
     */
    interface Signals {
        /** Runs {@code hook} on a termination signal, until {@link #remove}d. */
        void add(Thread hook);

        /** Stops running {@code hook} on a signal; nothing if it was not added or is already running. */
        void remove(Thread hook);

        /** The JVM's shutdown hooks. */
        static Signals jvm() {
            return new Signals() {
                @Override
                public void add(Thread hook) {
                    Runtime.getRuntime().addShutdownHook(hook);
                }

                @Override
                public void remove(Thread hook) {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException e) {
                        // The JVM is already shutting down: the hook is running and finishes on its own.
                    }
                }
            };
        }
    }
}
