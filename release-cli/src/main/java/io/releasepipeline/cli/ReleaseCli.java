package io.releasepipeline.cli;

import io.releasepipeline.ReleaseInProgressException;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.UnknownTargetException;
import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.error.ProviderException;
import io.releasepipeline.error.ReleaseException;
import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.evidence.GateStatus;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.format.Redaction;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The {@code release} command line: the runbook's promotion, rollback, smoke check and checklist against a
 * {@code release.yaml}. Exit codes are documented constants ({@link #OK} ... {@link #IN_PROGRESS}); the README lists
 * them too. Providers are wired only when a command runs, so {@code --help} loads no Azure or GitHub class.
 */
@Command(name = "release", mixinStandardHelpOptions = true, version = "release 0.1.0-SNAPSHOT",
        description = "Promotes a backend release and rolls it back on its own when it goes bad.",
        exitCodeOnInvalidInput = ReleaseCli.USAGE, exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:promoted, or merged with nothing to deploy, or the command succeeded (a rollback done, gates passed, "
                + "smoke check PASS)",
            "1:smoke-check FAIL; unlock found no lock held by that release",
            "2:gates failed; nothing was changed",
            "3:rolled back (the release failed and traffic is back on the previous revision)",
            "4:rollback failed, or refused before any change: page someone",
            "5:aborted before traffic moved (merge refused, deploy run failed or never came)",
            "6:a roll-forward-only release went bad: traffic frozen, the alarm raised; roll forward",
            "7:rolled back but NOT RECOVERED: the previous revision's error rate did not return to baseline in time "
                + "(the cause may not be the release): page someone",
            "8:rolled back, but a hook that runs on rollback failed (e.g. a migration not undone): page someone",
            "64:bad usage or configuration (also a revision or release named that does not exist)",
            "69:a provider (GitHub, Azure, the evidence store) could not be used before anything changed: a refused "
                + "token, an unreachable or failing service; a gate that could not be evaluated (ERROR) is this too",
            "70:backtest: replaying a record through the policy it recorded as live did not reproduce its verdicts (a "
                + "bug in the engine or the replay; the release, step and sample are printed)",
            "75:another release of the app is in progress (its lock is held); try again, resume or unlock it",
            "77:promote --event: the person who asked (/release) may not release; nothing was done"})
public final class ReleaseCli implements Callable<Integer> {

    /** Exit code: promoted (or merged with nothing to deploy), or the command succeeded. */
    public static final int OK = 0;
    /** Exit code: the smoke check failed (or unlock found nothing to unlock). */
    public static final int SMOKE_FAILED = 1;
    /** Exit code: a gate did not pass; nothing was changed. */
    public static final int GATES_FAILED = 2;
    /** Exit code: the release was rolled back. */
    public static final int ROLLED_BACK = 3;
    /** Exit code: a rollback was needed and did not complete; page someone. */
    public static final int ROLLBACK_FAILED = 4;
    /** Exit code: stopped before traffic moved. */
    public static final int ABORTED = 5;
    /** Exit code: a roll-forward-only release went bad and traffic was frozen; page someone, roll forward. */
    public static final int FROZEN = 6;
    /**
     * Exit code: rolled back, but the error rate of the previous revision did not return to the baseline in time
     * (the cause may not be the release); page someone.
     */
    public static final int NOT_RECOVERED = 7;
    /** Exit code: rolled back, but a hook that runs on rollback failed (e.g. a migration not undone); page someone. */
    public static final int HOOK_FAILED = 8;
    /** Exit code: bad usage or configuration (sysexits EX_USAGE). */
    public static final int USAGE = 64;
    /** Exit code: a provider could not be used; nothing was changed (sysexits EX_UNAVAILABLE). */
    public static final int UNAVAILABLE = 69;
    /**
     * Exit code: {@code release backtest} found a record whose verdicts the policy it recorded as live did not
     * reproduce: a bug in the engine or the replay (sysexits EX_SOFTWARE).
     */
    public static final int SOFTWARE = 70;
    /** Exit code: another release holds the app's lock (sysexits EX_TEMPFAIL). */
    public static final int IN_PROGRESS = 75;
    /**
     * Exit code: the person who asked for the release (a {@code /release} comment) lacks write, maintain or admin
     * permission; nothing was done (sysexits EX_NOPERM).
     */
    public static final int NOT_PERMITTED = 77;

    private final PrintStream out;

    private ReleaseCli(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, out);
        return USAGE;
    }

    /** Runs the CLI and exits with its exit code. */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI against the real providers (Azure, GitHub) and returns its exit code. */
    public static int execute(String... args) {
        return execute(new CliContext(System.out, currentStderr(), CloudProviderFactory::new, isTerminal(),
                System::getenv, CliContext.Signals.jvm()), args);
    }

    /**
     * A stream onto whatever {@code System.err} is when it is written to, so that the CLI's own error lines go
     * through the live view while one is open (it keeps them off its status line) like every other line.
     */
    static PrintStream currentStderr() {
        return new PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                System.err.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                System.err.write(b, off, len);
            }

            @Override
            public void flush() {
                System.err.flush();
            }
        }, true, java.nio.charset.Charset.defaultCharset());
    }

    /**
     * Runs the CLI with the given streams and providers and returns its exit code; output is plain lines (never the
     * terminal view). While a command that changes things runs ({@code promote}, {@code resume}, {@code rollback}),
     * it handles this process's SIGINT and SIGTERM (a signal stops the release, see {@code SignalStop}); the JVM's
     * own handling is restored when it returns.
     */
    public static int execute(PrintStream out, PrintStream err, ProviderFactory providers, String... args) {
        return execute(out, err, providers, System::getenv, args);
    }

    /**
     * As {@link #execute(PrintStream, PrintStream, ProviderFactory, String...)}, reading environment variables
     * ({@code GITHUB_ACTIONS}, {@code GITHUB_EVENT_NAME}) from {@code environment} instead of the process.
     */
    public static int execute(PrintStream out, PrintStream err, ProviderFactory providers,
            java.util.function.Function<String, String> environment, String... args) {
        return execute(new CliContext(out, err, () -> providers, false, environment, CliContext.Signals.jvm()), args);
    }

    /**
     * The exit code of a release's result: {@link #exitCode(ReleaseOutcome)}, except that gates that did not pass
     * because a provider could not be used ({@link GateStatus#ERROR}) are {@link #UNAVAILABLE}, as for every
     * command: one rule for "a provider could not be used before anything changed".
     */
    public static int exitCode(ReleaseResult result) {
        return result.outcome() == ReleaseOutcome.GATES_FAILED ? gatesExitCode(result.gates())
                : exitCode(result.outcome());
    }

    /** {@link #OK} when every gate passed, {@link #UNAVAILABLE} when one could not be evaluated, else 2. */
    public static int gatesExitCode(List<GateResult> gates) {
        if (gates.stream().anyMatch(g -> g.status() == GateStatus.ERROR)) {
            return UNAVAILABLE;
        }
        return gates.stream().allMatch(GateResult::passed) ? OK : GATES_FAILED;
    }

    /** The exit code for how a release ended. */
    public static int exitCode(ReleaseOutcome outcome) {
        return switch (outcome) {
            case PROMOTED, NOTHING_TO_DEPLOY -> OK;
            case GATES_FAILED -> GATES_FAILED;
            case ROLLED_BACK -> ROLLED_BACK;
            case ROLLBACK_FAILED -> ROLLBACK_FAILED;
            case ABORTED -> ABORTED;
            case FROZEN -> FROZEN;
            case ROLLED_BACK_NOT_RECOVERED -> NOT_RECOVERED;
            case ROLLED_BACK_HOOK_FAILED -> HOOK_FAILED;
            case IN_PROGRESS -> IN_PROGRESS;
        };
    }

    /** Runs the CLI in {@code context}; tests give their own signals. */
    static int execute(CliContext context, String... args) {
        PrintStream out = context.out();
        PrintStream err = context.err();
        CommandLine cl = new CommandLine(new ReleaseCli(out))
                .addSubcommand(new DemoCommand(context))
                .addSubcommand(new PromoteCommand(context))
                .addSubcommand(new RollbackCommand(context))
                .addSubcommand(new SmokeCheckCommand(context))
                .addSubcommand(new GatesCommand(context))
                .addSubcommand(new StatusCommand(context))
                .addSubcommand(new ResumeCommand(context))
                .addSubcommand(new UnlockCommand(context))
                .addSubcommand(new BacktestCommand(context));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // picocli's default for a subcommand's bad input is 2, which this CLI reserves for failed gates.
        cl.getSubcommands().values().forEach(sub -> sub.getCommandSpec().exitCodeOnInvalidInput(USAGE));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler((e, command, parsed) -> failed(context, command.getCommand(), e));
        cl.setParameterExceptionHandler(ReleaseCli::usageError);
        return cl.execute(args);
    }

    /**
     * A usage error in three lines at most, not picocli's full usage (25 lines, the error scrolled away): what is
     * wrong, the closest option or command when picocli has one, and where the usage is. The arguments are the
     * user's own and may hold a token pasted in the wrong place, so the message is redacted.
     */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        String name = command.getCommandSpec().qualifiedName();
        PrintWriter err = command.getErr();
        String message = Redaction.credentials(e.getMessage()).replaceFirst("^Error: ", "");
        err.println(Console.line(name + ": " + message));
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
            List<String> closest = unmatched.getSuggestions().stream().limit(3).map(s -> "'" + s + "'").toList();
            err.println(Console.line("Did you mean " + String.join(" or ", closest) + "?"));
        }
        err.println(Console.line("Run '" + name + " --help' for usage."));
        err.flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** Maps an exception out of a command to its exit code, with the message on stderr (and JSON if asked). */
    private static int failed(CliContext context, Object command, Exception e) {
        int code;
        List<String> problems = List.of();
        if (e instanceof InvalidConfigurationException ice) {
            code = USAGE;
            problems = ice.problems();
        } else if (e instanceof UnknownTargetException) {
            code = USAGE;
        } else if (e instanceof ReleaseInProgressException) {
            code = IN_PROGRESS;
        } else if (e instanceof io.releasepipeline.LockLostException lost) {
            // Another process holds the app now (a resume, or a forced one); this one stopped before acting again.
            code = IN_PROGRESS;
            context.err().println(Console.line("release: " + e.getMessage() + "; its new holder finishes it. If no "
                    + "process holds it (the lock went stale), run `release resume --release " + lost.releaseId()
                    + "`"));
            if (command instanceof CliCommand c && c.wantsDocument()) {
                c.emit(c.document(code).put("error", e.getMessage()).set("problems", c.tree(problems)));
            }
            return code;
        } else if (e instanceof ProviderException || e instanceof ReleaseException) {
            code = UNAVAILABLE;
        } else if (e instanceof IllegalArgumentException) {
            code = USAGE;
        } else {
            // Not the library's (whose messages are redacted already): a JDK or SDK exception may quote anything.
            context.err().println(Console.line("release: internal error: " + Redaction.credentials(e.toString())));
            io.releasepipeline.format.SafeText.loggable(Redaction.cause(e)).printStackTrace(context.err());
            return UNAVAILABLE;
        }
        String message = Redaction.credentials(e.getMessage());
        if (e instanceof InvalidConfigurationException ice) {
            // The subject, then each problem on a line of its own: one line per problem, none from inside one.
            context.err().println(Console.line("release: " + message.lines().findFirst().orElse("")));
            ice.problems().forEach(p -> context.err().println(Console.line("  - " + p)));
        } else {
            context.err().println(Console.line("release: " + message));
        }
        if (command instanceof CliCommand c && c.wantsDocument()) {
            c.emit(c.document(code).put("error", message)
                    .set("problems", c.tree(problems)));
        }
        return code;
    }

    private static boolean isTerminal() {
        String term = System.getenv("TERM");
        return System.console() != null && term != null && !term.equals("dumb");
    }
}
