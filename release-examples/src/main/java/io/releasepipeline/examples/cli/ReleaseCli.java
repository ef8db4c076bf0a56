package io.releasepipeline.examples.cli;

import io.releasepipeline.examples.SimulatedDemo;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code release} command line. */
@Command(name = "release", mixinStandardHelpOptions = true, version = "release 0.1.0-SNAPSHOT",
        description = "Promotes a backend release and rolls it back on its own when it goes bad.",
        exitCodeOnInvalidInput = ReleaseCli.USAGE, subcommands = {ReleaseCli.Demo.class})
public final class ReleaseCli implements Callable<Integer> {

    /** Exit code: promoted (or the command succeeded). */
    public static final int OK = 0;
    /** Exit code: bad usage or configuration. */
    public static final int USAGE = 64;

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return USAGE;
    }

    /** Runs the CLI. */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns its exit code. */
    public static int execute(String... args) {
        return new CommandLine(new ReleaseCli()).execute(args);
    }

    /** {@code release demo}. */
    @Command(name = "demo", mixinStandardHelpOptions = true,
            description = "Runs a promotion and an automatic rollback on this machine, no cloud account needed.")
    static final class Demo implements Callable<Integer> {
        @picocli.CommandLine.Option(names = "--simulated",
                description = "Run the story in virtual time with fake providers instead (milliseconds, no HTTP).")
        boolean simulated;

        @picocli.CommandLine.Option(names = "--evidence-dir", defaultValue = ".ops/evidence",
                description = "Where the evidence files go (default: ${DEFAULT-VALUE}).")
        java.nio.file.Path evidenceDir;

        @Override
        public Integer call() {
            if (simulated) {
                return SimulatedDemo.run(System.out) ? OK : 1;
            }
            boolean ok = new io.releasepipeline.examples.LocalDemo(System.out, evidenceDir,
                    io.releasepipeline.testkit.local.LocalWorld.Timings.demo(), new EventPrinter(System.out)).run();
            return ok ? OK : 1;
        }
    }
}
