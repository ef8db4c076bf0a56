package io.releasepipeline.examples.cli.hook;

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
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * <p>The output is never copied to the console: only its last {@value #TAIL_BYTES} bytes are kept, for the last
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

    private static final Logger LOG = LoggerFactory.getLogger(CommandHook.class);
    /** A removed variable's value is masked in output only from this length on: shorter ones are no credential. */
    private static final int MASK_FROM_LENGTH = 8;

    private final String name;
    private final List<String> command;
    private final Optional<Path> directory;
    private final Duration timeout;
    private final Set<String> removed;

    private CommandHook(Builder b) {
        this.name = b.name;
        this.command = List.copyOf(b.command);
        this.directory = b.directory;
        this.timeout = b.timeout;
        this.removed = Set.copyOf(b.removed);
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

    /**
     * Runs the command and waits for it, at most {@link #timeout()} (plus the grace to stop it).
     *
     * @throws ReleaseInterruptedException if the calling thread is interrupted (the process tree is killed first)
     */
    @Override
    public HookResult run(HookContext context) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        directory.ifPresent(d -> pb.directory(d.toFile()));
        Map<String, String> env = pb.environment();
        List<String> secrets = new ArrayList<>();
        for (String variable : removed) {
            String value = env.remove(variable);
            if (value != null && value.length() >= MASK_FROM_LENGTH) {
                secrets.add(value);
            }
        }
        context.values().forEach((k, v) -> env.put(PREFIX + k.toUpperCase(Locale.ROOT), v));
        env.put(PREFIX + "HOOK", name);
        String shown = "command " + SafeText.line(Path.of(command.get(0)).getFileName().toString(), 80);
        Process process;
        try {
            process = pb.start();
        } catch (IOException | RuntimeException e) {
            return HookResult.error(shown + " could not start: "
                    + mask(String.valueOf(e.getMessage()), secrets));
        }
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // A process that already closed its input does not need it.
        }
        Tail tail = new Tail(process.getInputStream());
        Thread reader = new Thread(tail, "command-hook-" + name);
        reader.setDaemon(true);
        reader.start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                int stopped = stopTree(process);
                LOG.warn("command hook {} timed out after {}; stopped {} process(es)", name,
                        Format.duration(timeout), stopped);
                return HookResult.error(shown + " timed out after "
                        + Format.duration(timeout) + "; stopped its process tree (" + stopped + " process"
                        + (stopped == 1 ? "" : "es") + ")" + lastLine(tail, reader, secrets).map(l -> "; last line: "
                                + l).orElse(""));
            }
        } catch (InterruptedException e) {
            stopTree(process);
            Thread.currentThread().interrupt();
            throw new ReleaseInterruptedException("interrupted while running command hook " + name, e);
        }
        int exit = process.exitValue();
        Optional<String> last = lastLine(tail, reader, secrets);
        if (exit == 0) {
            return HookResult.succeeded(shown + " exited 0");
        }
        return HookResult.failed(shown + " exited " + exit
                + last.map(l -> ": " + l).orElse(" without output"));
    }

    /**
     * Asks the process and every descendant to stop, then kills what is left after {@link #KILL_GRACE}. The tree is
     * taken before anything is stopped: once a parent dies its children are re-parented and no longer its
     * descendants.
     *
     * @return how many processes there were
     */
    static int stopTree(Process process) {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(process.toHandle());
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

    private static Optional<String> lastLine(Tail tail, Thread reader, List<String> secrets) {
        try {
            // A background process that kept the output open must not hold the release: read what there is.
            reader.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String text = tail.text();
        String[] lines = text.split("\\R");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (!lines[i].isBlank()) {
                return Optional.of(mask(lines[i].strip(), secrets));
            }
        }
        return Optional.empty();
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

    /** Reads a stream to its end, keeping its last {@link #TAIL_BYTES} bytes. */
    private static final class Tail implements Runnable {
        private final InputStream in;
        private final byte[] ring = new byte[TAIL_BYTES];
        private long total;

        Tail(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[4096];
            try (in) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    synchronized (this) {
                        for (int i = 0; i < n; i++) {
                            ring[(int) (total++ % TAIL_BYTES)] = buffer[i];
                        }
                    }
                }
            } catch (IOException closed) {
                // The process ended or was killed: what was read is kept.
            }
        }

        synchronized String text() {
            int size = (int) Math.min(total, TAIL_BYTES);
            byte[] out = new byte[size];
            long start = total - size;
            for (int i = 0; i < size; i++) {
                out[i] = ring[(int) ((start + i) % TAIL_BYTES)];
            }
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    /** Configures a {@link CommandHook}. Not thread-safe; {@link #build()} validates all at once and copies. */
    public static final class Builder {
        private String name;
        private List<String> command = List.of();
        private Optional<Path> directory = Optional.empty();
        private Duration timeout = DEFAULT_TIMEOUT;
        private final Set<String> removed = new LinkedHashSet<>();

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
