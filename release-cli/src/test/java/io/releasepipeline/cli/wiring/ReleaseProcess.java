package io.releasepipeline.cli.wiring;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * The packaged {@code release.jar} running as a child process, exactly as a user runs it ({@code java -jar
 * release.jar ARGS}), with nothing but the given environment variables and JVM options, in a working directory of
 * the test's. Its stdout and stderr are collected on two threads; a test can wait for a stdout line. Close it to kill
 * it (if it still runs). Thread-safe.
 */
final class ReleaseProcess implements AutoCloseable {

    /** What a finished run printed and returned. */
    record Run(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private record LineWait(Predicate<String> matches, CompletableFuture<String> found) {
    }

    private final Process process;
    private final StringBuffer out = new StringBuffer();
    private final StringBuffer err = new StringBuffer();
    private final List<LineWait> waits = new CopyOnWriteArrayList<>();
    private final Thread outReader;
    private final Thread errReader;

    private ReleaseProcess(Process process) {
        this.process = process;
        this.outReader = reader(process.getInputStream(), out, true, "release-stdout");
        this.errReader = reader(process.getErrorStream(), err, false, "release-stderr");
    }

    /** The jar the build packaged: {@code -Drelease.jar} (set by failsafe), else {@code target/release.jar}. */
    static Path jar() {
        Path jar = Path.of(System.getProperty("release.jar", "target/release.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: these tests run the packaged CLI; run them with "
                    + "./mvnw verify (failsafe runs after package)");
        }
        return jar;
    }

    /**
     * Starts {@code java [jvmOptions] -jar release.jar args} in {@code directory} with exactly {@code environment}
     * (plus PATH, so that nothing else leaks in from the test's own environment).
     */
    static ReleaseProcess start(Path directory, Map<String, String> environment, List<String> jvmOptions,
            String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The engine's assertions on, as in the in-process tests: a record whose samples do not replay to its own
        // verdicts (the self-check each release runs before writing it) fails the run instead of adding a note.
        command.add("-ea:io.releasepipeline...");
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
        Map<String, String> env = builder.environment();
        String path = env.get("PATH");
        env.clear();
        if (path != null) {
            env.put("PATH", path);
        }
        env.putAll(environment);
        try {
            return new ReleaseProcess(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    private Thread reader(InputStream stream, StringBuffer into, boolean watch, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    into.append(line).append('\n');
                    if (watch) {
                        for (LineWait w : waits) {
                            if (!w.found().isDone() && w.matches().test(line)) {
                                w.found().complete(line);
                            }
                        }
                    }
                }
            } catch (IOException closed) {
                // The process was killed: its pipes close under the reader.
            } finally {
                waits.forEach(w -> w.found().completeExceptionally(new IllegalStateException(
                        "the process ended without printing the line awaited:\n" + this)));
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Waits up to {@code timeout} for a stdout line matching {@code line} (printed before or after this call). */
    String awaitLine(Predicate<String> line, Duration timeout) {
        CompletableFuture<String> found = new CompletableFuture<>();
        waits.add(new LineWait(line, found));
        for (String earlier : out.toString().split("\n")) {
            if (line.test(earlier)) {
                found.complete(earlier);
            }
        }
        try {
            return found.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no such line within " + timeout + ":\n" + this, e);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Waits for the process to end (killing it after {@code timeout}) and returns what it printed. */
    Run await(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                throw new AssertionError("release did not finish within " + timeout + "; killed:\n" + this);
            }
            outReader.join(TimeUnit.SECONDS.toMillis(10));
            errReader.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return new Run(process.exitValue(), out.toString(), err.toString());
    }

    /** The child's process id. */
    long pid() {
        return process.pid();
    }

    /**
     * Sends SIGTERM (what GitHub Actions sends 7.5 s after SIGINT on a cancel), without waiting for the process to
     * end. Through the {@link ProcessHandle}: {@link Process#destroy()} would also close the pipes this side reads,
     * losing what the process prints while it stops.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    /**
     * Sends SIGINT ({@code kill -INT pid}: what GitHub Actions sends first on a cancel or a timeout, and Ctrl-C in a
     * terminal), without waiting for the process to end. Fails if {@code kill} does not succeed.
     */
    void interrupt() {
        try {
            Process kill = new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).redirectErrorStream(true)
                    .start();
            String said = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill -INT " + process.pid() + " failed: " + said);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Whether the process still runs. */
    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits up to {@code timeout} for the process to exit; true if it has. */
    boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** SIGKILL on Linux ({@link Process#destroyForcibly()}): no shutdown hook, no finally block runs. */
    Run kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
            outReader.join(TimeUnit.SECONDS.toMillis(10));
            errReader.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Run(process.isAlive() ? -1 : process.exitValue(), out.toString(), err.toString());
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    @Override
    public String toString() {
        return "--- stdout\n" + out + "--- stderr\n" + err;
    }
}
