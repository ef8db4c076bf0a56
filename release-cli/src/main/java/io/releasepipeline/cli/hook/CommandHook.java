package io.releasepipeline.cli.hook;

import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.error.ReleaseInterruptedException;
import io.releasepipeline.format.Format;
import io.releasepipeline.format.Redaction;
import io.releasepipeline.format.SafeText;
import io.releasepipeline.hook.HookContext;
import io.releasepipeline.hook.HookResult;
import io.releasepipeline.hook.Hooks;
import io.releasepipeline.hook.ReleaseHook;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hook that runs a local command (CLI only): e.g. {@code ["./scripts/migrate.sh", "down"]} on rollback.
 *
 * <p><b>The process.</b> The argument list is run as it is, with no shell (write {@code ["sh", "-c", "..."]} for
 * one), in {@linkplain Builder#directory(Path) a working directory} (default the CLI's), with standard input closed.
 * Its environment is the CLI's own, minus the {@linkplain Builder#removeVariables(java.util.Collection) variables
 * removed} (the CLI removes every variable {@code release.yaml} names for a credential: the GitHub token, Azure and
 * storage tokens, webhook secrets), plus the release's context: {@code RELEASE_<KEY>} for each entry of
 * {@link HookContext#values()}, upper-cased ({@code RELEASE_POINT}, {@code RELEASE_DELIVERY_ID},
 * {@code RELEASE_RELEASE_ID}, {@code RELEASE_APP}, {@code RELEASE_SHA}, {@code RELEASE_NEW_REVISION}, ...), and
 * {@code RELEASE_HOOK} with the hook's name.
 *
 * <p><b>Results.</b> Exit 0 is {@link HookResult.Status#SUCCEEDED}; another exit code is
 * {@link HookResult.Status#FAILED} with the last line the command printed (standard output and error together): one
 * line, credentials of a known shape and the removed variables' values masked, at most {@value #LINE_LIMIT}
 * characters. A command that cannot start is an {@link HookResult.Status#ERROR}. Past the {@link #timeout()} the whole
 * process tree (the command and every descendant, taken before any is stopped so none escapes by being re-parented)
 * is asked to stop, then killed {@link #KILL_GRACE} later, and the run is an {@link HookResult.Status#ERROR}.
 *
 * <p><b>Exactly once on this machine.</b> The engine runs a hook again, with the same delivery id, when a crash came
 * between its start and its end. So that the command is not run twice, each delivery keeps state on local disk, in a
 * directory of its own under {@linkplain Builder#stateDirectory(Path) the state directory}: the pid and start
 * instant of the process once it started, its exit status and last output line once it ended (never its
 * environment nor its arguments). The exit status is written by a small {@code /bin/sh} wrapper the command runs
 * under (its arguments passed as separate arguments, never put into a script), so it is written even when the CLI
 * died meanwhile; the command's output goes to a file there, read for the last line and then deleted. A run of a
 * delivery id with state returns the recorded result of a command that finished before the crash, without running
 * it again; waits for one still running (the recorded pid alive with the recorded start instant), until its start
 * plus the {@link #timeout()}; and runs again only one that never started or ended without a status (killed). The
 * summary says which. A resume on another machine does not see the state and runs the command again. Without
 * {@code /bin/sh} the command runs directly, its status written by the CLI when it ends, and the summary says that
 * a crash meanwhile makes a resume run it again.
 *
 * <p>The output is never copied to the console: only its last {@value #TAIL_BYTES} bytes are read, for the last
 * line. The timeout is real time (a process cannot run on a virtual clock).
 *
 * <p>Immutable and thread-safe: each run starts its own process.
 */
public final class CommandHook implements ReleaseHook {

    /** The command's time: 10 minutes. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
    /** How long a timed-out process tree has to stop after being asked, before it is killed: 5 seconds. */
    public static final Duration KILL_GRACE = Duration.ofSeconds(5);
    /** The most characters of the last output line kept in a summary: 200. */
    public static final int LINE_LIMIT = 200;
    /** How much of the output is kept, from its end: 8 KiB. */
    public static final int TAIL_BYTES = 8 * 1024;
    /** What the context's variables start with. */
    public static final String PREFIX = "RELEASE_";
    /** Where each delivery's state is kept by default, relative to the working directory: {@code .release/hooks}. */
    public static final Path DEFAULT_STATE_DIRECTORY = Path.of(".release", "hooks");
    /** The shell the command's wrapper runs in, when it exists. */
    static final Path SHELL = Path.of("/bin/sh");

    private static final Logger LOG = LoggerFactory.getLogger(CommandHook.class);
    /** A removed variable's value is masked in output only from this length on: shorter ones are no credential. */
    private static final int MASK_FROM_LENGTH = 8;

    private final String name;
    private final List<String> command;
    private final Optional<Path> directory;
    private final Duration timeout;
    private final Set<String> removed;
    private final Path stateDirectory;
    private final Optional<Path> shell;

    private CommandHook(Builder b) {
        this.name = b.name;
        this.command = List.copyOf(b.command);
        this.directory = b.directory;
        this.timeout = b.timeout;
        this.removed = Set.copyOf(b.removed);
        this.stateDirectory = b.stateDirectory;
        this.shell = b.shell;
    }

    /** A builder; name and command are required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return name;
    }

    /** {@code command}. */
    @Override
    public String kind() {
        return "command";
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    /** The argument list. */
    public List<String> command() {
        return command;
    }

    /** The variables the command does not inherit. */
    public Set<String> removedVariables() {
        return removed;
    }

    /** Where each delivery's state is kept ({@link Builder#stateDirectory(Path)}). */
    public Path stateDirectory() {
        return stateDirectory;
    }

    /**
     * Runs the command once for the context's delivery id and waits for it, at most {@link #timeout()} (plus the grace
     * to stop it). When an earlier run of the same delivery id left state (the CLI crashed while it ran): a command
     * that finished is not run again, its recorded result is returned; one still running is waited for, until its
     * own start plus the timeout; only one that never started or ended without a status is run again. The summary
     * says which.
     *
     * @throws ReleaseInterruptedException if the calling thread is interrupted (the process tree is stopped first)
     */
    @Override
    public HookResult run(HookContext context) {
        String shown = "command " + SafeText.line(Path.of(command.get(0)).getFileName().toString(), 80);
        Map<String, String> env = new ProcessBuilder().environment();
        List<String> secrets = new ArrayList<>();
        for (String variable : removed) {
            String value = env.remove(variable);
            if (value != null && value.length() >= MASK_FROM_LENGTH) {
                secrets.add(value);
            }
        }
        context.values().forEach((k, v) -> env.put(PREFIX + k.toUpperCase(Locale.ROOT), v));
        env.put(PREFIX + "HOOK", name);
        DeliveryState state = DeliveryState.of(stateDirectory, context.deliveryId());
        String again = "";
        try {
            if (state.exists()) {
                Optional<DeliveryState.Ended> ended = state.ended();
                if (ended.isPresent()) {
                    LOG.info("command hook {}: delivery {} finished before the crash; not run again", name,
                            SafeText.line(context.deliveryId()));
                    return result(shown + " finished before the crash, not run again;", ended.get(), state,
                            secrets);
                }
                Optional<DeliveryState.Started> started = state.started();
                Optional<ProcessHandle> orphan = started.flatMap(DeliveryState.Started::alive);
                if (orphan.isPresent()) {
                    Optional<HookResult> waited = awaitOrphan(shown, orphan.get(), started.get(), state, secrets);
                    if (waited.isPresent()) {
                        return waited.get();
                    }
                    again = " (run again: the run started before the crash ended without a status)";
                } else if (started.isPresent()) {
                    again = " (run again: the run started before the crash ended without a status)";
                } else {
                    again = " (run again: the run before the crash never started it)";
                }
                LOG.warn("command hook {}: delivery {}{}", name, SafeText.line(context.deliveryId()), again);
            }
            state.prepare();
        } catch (IOException | RuntimeException e) {
            return HookResult.error(shown + " was not run: its state directory " + state.directory().getParent()
                    + " cannot be used (" + mask(String.valueOf(e.getMessage()), secrets) + "); it keeps what "
                    + "ran, so a crash cannot run the command twice: make it writable");
        }
        String note = again;
        return shell.map(sh -> wrapped(sh, env, shown, note, state, secrets))
                .orElseGet(() -> direct(env, shown, note, state, secrets));
    }

    /** Runs the command under the {@link DeliveryState#WRAPPER}, which records its status itself. */
    private HookResult wrapped(Path sh, Map<String, String> env, String shown, String again, DeliveryState state,
            List<String> secrets) {
        List<String> argv = new ArrayList<>(List.of(sh.toString(), "-c", DeliveryState.WRAPPER, "command-hook",
                state.directory().toString()));
        argv.addAll(command);
        Process process;
        try {
            process = start(argv, env, state, false);
        } catch (IOException | RuntimeException e) {
            return HookResult.error(shown + " could not start: " + mask(String.valueOf(e.getMessage()), secrets));
        }
        try (var go = process.getOutputStream()) {
            state.recordStarted(process.toHandle());
            go.write(DeliveryState.GO.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // Without its go-ahead the wrapper ends without running the command.
            stopTree(process.toHandle());
            return HookResult.error(shown + " was not run: could not record its start in " + state.directory()
                    + " (" + mask(String.valueOf(e.getMessage()), secrets) + ")");
        }
        Optional<HookResult> timedOut = await(shown, process.toHandle(), process,
                Instant.now().plus(timeout), state, secrets);
        if (timedOut.isPresent()) {
            return timedOut.get();
        }
        return ended(state).map(e -> result(shown, e, state, secrets, again))
                .orElseGet(() -> HookResult.error(shown + " ended (exit " + process.exitValue()
                        + ") without its wrapper recording a status" + again));
    }

    /** Without {@code sh}: runs the command itself, and records its status when it ends (a crash meanwhile loses it). */
    private HookResult direct(Map<String, String> env, String shown, String again, DeliveryState state,
            List<String> secrets) {
        String noShell = "; no /bin/sh here, so a CLI crash while it runs makes resume run it again";
        Process process;
        try {
            process = start(command, env, state, true);
            state.recordStarted(process.toHandle());
        } catch (IOException | RuntimeException e) {
            return HookResult.error(shown + " could not start: " + mask(String.valueOf(e.getMessage()), secrets));
        }
        Optional<HookResult> timedOut = await(shown, process.toHandle(), process, Instant.now().plus(timeout), state,
                secrets);
        if (timedOut.isPresent()) {
            return timedOut.get();
        }
        DeliveryState.Ended ended = new DeliveryState.Exited(process.exitValue());
        try {
            state.recordEnded(ended);
        } catch (IOException e) {
            LOG.warn("command hook {}: could not record its exit status in {}: {}", name, state.directory(),
                    mask(String.valueOf(e.getMessage()), secrets));
        }
        return result(shown, ended, state, secrets, again + noShell);
    }

    private Process start(List<String> argv, Map<String, String> env, DeliveryState state, boolean closeInput)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(state.output().toFile()));
        directory.ifPresent(d -> pb.directory(d.toFile()));
        pb.environment().clear();
        pb.environment().putAll(env);
        Process process = pb.start();
        if (closeInput) {
            try {
                process.getOutputStream().close();
            } catch (IOException ignored) {
                // A process that already closed its input does not need it.
            }
        }
        return process;
    }

    /**
     * A run of this delivery id from before the crash is still running: waits for it until its start plus the
     * timeout (stopping its tree past that), then reads its status.
     *
     * @return its result, or empty when it ended without a status (it is to run again)
     */
    private Optional<HookResult> awaitOrphan(String shown, ProcessHandle orphan, DeliveryState.Started started,
            DeliveryState state, List<String> secrets) throws IOException {
        Instant deadline = started.at().orElseGet(Instant::now).plus(timeout);
        LOG.warn("command hook {}: its run from before the crash (pid {}) is still running; waiting for it until {}, "
                + "not starting it again", name, orphan.pid(), deadline);
        String still = " was still running from before the crash (pid " + orphan.pid() + ")";
        Optional<HookResult> timedOut = await(shown + still + " and", orphan, null, deadline, state, secrets);
        if (timedOut.isPresent()) {
            return timedOut;
        }
        return ended(state).map(e -> result(shown + still + "; waited for it, not run again;", e, state, secrets));
    }

    /**
     * Waits for {@code handle} (or {@code child}, the same process when it is this CLI's child) until
     * {@code deadline}; past it stops the tree.
     *
     * @return the timed-out result, or empty once the process ended
     */
    private Optional<HookResult> await(String shown, ProcessHandle handle, Process child, Instant deadline,
            DeliveryState state, List<String> secrets) {
        long left = Math.max(0, Duration.between(Instant.now(), deadline).toNanos());
        try {
            boolean exited;
            if (child != null) {
                exited = child.waitFor(left, TimeUnit.NANOSECONDS);
            } else {
                try {
                    handle.onExit().get(left, TimeUnit.NANOSECONDS);
                    exited = true;
                } catch (java.util.concurrent.TimeoutException e) {
                    exited = false;
                } catch (java.util.concurrent.ExecutionException e) {
                    exited = !handle.isAlive();
                }
            }
            if (exited) {
                return Optional.empty();
            }
        } catch (InterruptedException e) {
            stopTree(handle);
            Thread.currentThread().interrupt();
            throw new ReleaseInterruptedException("interrupted while running command hook " + name, e);
        }
        int stopped = stopTree(handle);
        LOG.warn("command hook {} timed out after {}; stopped {} process(es)", name, Format.duration(timeout),
                stopped);
        Optional<String> last = lastLine(state, secrets);
        return Optional.of(HookResult.error(shown + " timed out after " + Format.duration(timeout)
                + "; stopped its process tree (" + stopped + " process" + (stopped == 1 ? "" : "es") + ")"
                + last.map(l -> "; last line: " + l).orElse("")));
    }

    private Optional<DeliveryState.Ended> ended(DeliveryState state) {
        try {
            return state.ended();
        } catch (IOException e) {
            LOG.warn("command hook {}: cannot read its status in {}: {}", name, state.directory(), e.getMessage());
            return Optional.empty();
        }
    }

    private HookResult result(String shown, DeliveryState.Ended ended, DeliveryState state, List<String> secrets) {
        return result(shown, ended, state, secrets, "");
    }

    private HookResult result(String shown, DeliveryState.Ended ended, DeliveryState state, List<String> secrets,
            String note) {
        if (ended instanceof DeliveryState.Unstartable) {
            return HookResult.error(shown + " could not start: " + SafeText.line(command.get(0), 80)
                    + " is not an executable file (nor found on PATH)" + note);
        }
        int exit = ((DeliveryState.Exited) ended).code();
        Optional<String> last = lastLine(state, secrets);
        if (exit == 0) {
            return HookResult.succeeded(shown + " exited 0" + note);
        }
        return HookResult.failed(shown + " exited " + exit + last.map(l -> ": " + l).orElse(" without output")
                + note);
    }

    /** The output's last line, masked; kept in the state (and the raw output deleted) the first time it is read. */
    private Optional<String> lastLine(DeliveryState state, List<String> secrets) {
        try {
            Optional<Optional<String>> kept = state.keptLastLine();
            if (kept.isPresent()) {
                return kept.get();
            }
            Optional<String> last = state.outputTail(TAIL_BYTES).flatMap(text -> {
                String[] lines = text.split("\\R");
                for (int i = lines.length - 1; i >= 0; i--) {
                    if (!lines[i].isBlank()) {
                        return Optional.of(mask(lines[i].strip(), secrets));
                    }
                }
                return Optional.empty();
            });
            state.keepLastLine(last);
            return last;
        } catch (IOException e) {
            LOG.warn("command hook {}: cannot read its output in {}: {}", name, state.directory(), e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Asks the process and every descendant to stop, then kills what is left after {@link #KILL_GRACE}. The tree is
     * taken before anything is stopped: once a parent dies its children are re-parented and no longer its
     * descendants.
     *
     * @return how many processes there were
     */
    static int stopTree(ProcessHandle process) {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(process);
        process.descendants().forEach(tree::add);
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + KILL_GRACE.toNanos();
        for (ProcessHandle h : tree) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                h.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        // Descendants started while the tree was being stopped are caught here, as long as their parent lives.
        List<ProcessHandle> late = new ArrayList<>();
        tree.stream().filter(ProcessHandle::isAlive).forEach(h -> h.descendants().forEach(late::add));
        tree.addAll(late);
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        return (int) tree.stream().map(ProcessHandle::pid).distinct().count();
    }

    private static String mask(String text, List<String> secrets) {
        String out = text;
        for (String s : secrets) {
            out = out.replace(s, Redaction.MASK);
        }
        return SafeText.line(Redaction.credentials(out), LINE_LIMIT);
    }

    /** Name, program, directory and timeout; never the arguments (they may name hosts or keys). */
    @Override
    public String toString() {
        return "CommandHook[" + name + ", " + Path.of(command.get(0)).getFileName() + " (" + (command.size() - 1)
                + " arguments)" + directory.map(d -> ", in " + d).orElse("") + ", timeout="
                + Format.duration(timeout) + "]";
    }

    /** Configures a {@link CommandHook}. Not thread-safe; {@link #build()} validates all at once and copies. */
    public static final class Builder {
        private String name;
        private List<String> command = List.of();
        private Optional<Path> directory = Optional.empty();
        private Duration timeout = DEFAULT_TIMEOUT;
        private final Set<String> removed = new LinkedHashSet<>();
        private Path stateDirectory = DEFAULT_STATE_DIRECTORY;
        private Optional<Path> shell = Files.isExecutable(SHELL) ? Optional.of(SHELL) : Optional.empty();

        private Builder() {
        }

        /** The hook's name (1 to 64 letters, digits, {@code .}, {@code _}, {@code -}). Required. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** The program and its arguments, run without a shell. Required, not empty. */
        public Builder command(List<String> command) {
            this.command = command == null ? List.of() : new ArrayList<>(command);
            return this;
        }

        /** The working directory, which must exist. Default: the CLI's. */
        public Builder directory(Path directory) {
            this.directory = Optional.ofNullable(directory);
            return this;
        }

        /** The command's time. Default {@link #DEFAULT_TIMEOUT}. */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** Variables the command must not inherit (credentials); their values are also masked in its last line. */
        public Builder removeVariables(java.util.Collection<String> variables) {
            removed.addAll(variables);
            return this;
        }

        /**
         * The directory that keeps, per delivery id, what the command's run left (its pid, exit status, last output
         * line; never its environment), so that a resume after a crash does not run it twice. Created when a command
         * first runs, owner-only. Default {@link #DEFAULT_STATE_DIRECTORY}; the CLI uses {@code .hooks} in the
         * evidence directory of a file store.
         */
        public Builder stateDirectory(Path stateDirectory) {
            this.stateDirectory = stateDirectory;
            return this;
        }

        /** The shell the wrapper runs in; empty runs the command directly (tests of a machine without one). */
        Builder shell(Optional<Path> shell) {
            this.shell = shell;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws InvalidConfigurationException listing every problem at once
         */
        public CommandHook build() {
            List<String> problems = new ArrayList<>();
            if (!Hooks.isValidName(name)) {
                problems.add("name: must be 1 to 64 letters, digits, '.', '_' or '-', got "
                        + (name == null ? "nothing" : "\"" + SafeText.line(name, 80) + "\""));
            }
            if (command.isEmpty() || command.get(0) == null || command.get(0).isBlank()) {
                problems.add("run: required, a list such as [./scripts/migrate.sh, down] (no shell: write "
                        + "[sh, -c, \"...\"] for one)");
            }
            for (int i = 0; i < command.size(); i++) {
                if (command.get(i) == null || command.get(i).indexOf('\0') >= 0) {
                    problems.add("run[" + i + "]: must be a text without NUL characters");
                }
            }
            directory.ifPresent(d -> {
                if (!Files.isDirectory(d)) {
                    problems.add("directory: " + SafeText.line(d.toString(), 200) + " is not a directory");
                }
            });
            if (stateDirectory == null) {
                problems.add("stateDirectory: required (default " + DEFAULT_STATE_DIRECTORY + ")");
            }
            if (timeout == null || timeout.isZero() || timeout.isNegative()) {
                problems.add("timeout: must be positive, got " + timeout);
            }
            if (!problems.isEmpty()) {
                throw new InvalidConfigurationException("CommandHook", problems);
            }
            return new CommandHook(this);
        }
    }
}
