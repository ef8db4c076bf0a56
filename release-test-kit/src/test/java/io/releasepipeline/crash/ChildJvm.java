package io.releasepipeline.crash;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A JVM started from this one's classpath, running a main class; its stdout read line by line (waits have a
 * timeout), its stderr kept in a log file for failure messages. Not thread-safe.
 */
final class ChildJvm implements AutoCloseable {

    /** SIGKILL's exit status as the JVM reports it: 128 + 9. */
    static final int KILLED = 137;

    private static final String END_OF_OUTPUT = "\u0000end of output";

    private final Process process;
    private final Path log;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
        Thread reader = new Thread(this::readStdout, "stdout of child " + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code mainClass} with {@code args} in a new JVM with this JVM's classpath. Surefire, which runs the
     * tests from a manifest-only booter jar, sets {@code java.class.path} to the real test classpath; had it left
     * the booter jar there, the child would still load everything, as the launcher honours its {@code Class-Path}.
     */
    static ChildJvm start(Class<?> mainClass, List<String> args, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                // A short-lived JVM: start fast rather than run fast.
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                // The log is kept for failure messages only: make it say what happened, and when.
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
                mainClass.getName()));
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        process.getOutputStream().close();
        return new ChildJvm(process, log);
    }

    /** Waits until the child prints a line starting with {@code prefix} and returns it. */
    String awaitLine(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("child " + process.pid() + " printed no line starting with '" + prefix
                        + "' within " + timeout + describe());
            }
            if (line.equals(END_OF_OUTPUT)) {
                lines.add(END_OF_OUTPUT);
                throw new AssertionError("child " + process.pid() + " ended without a line starting with '" + prefix
                        + "'" + describe());
            }
            seen.add(line);
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    /** Kills the child with SIGKILL (no shutdown hook, no finally block runs) and returns its exit status. */
    int kill(Duration timeout) throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("child " + process.pid() + " still runs " + timeout + " after SIGKILL");
        }
        return process.exitValue();
    }

    /** Waits for the child to exit and returns its exit status. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("child " + process.pid() + " did not exit within " + timeout + describe());
        }
        return process.exitValue();
    }

    /** Kills the child if a failed test left it running. */
    @Override
    public void close() {
        process.destroyForcibly();
    }

    private void readStdout() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            // The child was killed mid-line: what it printed before is all there is.
        } finally {
            lines.add(END_OF_OUTPUT);
        }
    }

    private String describe() {
        return "\nstdout so far: " + seen + "\nstderr (" + log + "):\n" + tail(log).orElse("(unreadable)");
    }

    private static Optional<String> tail(Path file) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return Optional.of(String.join("\n", all.subList(Math.max(0, all.size() - 40), all.size())));
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }
}
