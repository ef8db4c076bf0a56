package io.releasepipeline.examples.cli;

import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * What every command of one CLI run shares.
 *
 * @param out where results go
 * @param err where errors and the one-line summary of a non-zero exit go
 * @param providers makes the provider factory, only when a command needs providers
 * @param terminal whether {@code out} is an interactive terminal (the live view)
 */
record CliContext(PrintStream out, PrintStream err, Supplier<ProviderFactory> providers, boolean terminal) {
}
