package io.releasepipeline.cli.hook;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * What one command hook delivery left on local disk, in a directory of its own named after the delivery id, so that a
 * CLI started again after a crash knows whether the command ran. Written by the CLI and by the {@link #WRAPPER} the
 * command runs under; read by the next run of the same delivery id.
 *
 * <pre>
 * &lt;state directory&gt;/&lt;delivery id, percent-encoded&gt;/
 *   process     pid=&lt;wrapper pid&gt; and started=&lt;its start instant&gt;, written by the CLI once it started
 *   output      the command's standard output and error, raw; deleted once its last line was kept
 *   last-line   that last line, credentials masked (absent when the command printed nothing)
 *   status      written by the wrapper once the command ended: its exit code, or "unstartable"
 * </pre>
 *
 * The environment and the arguments are never written. Every file is replaced atomically (a temporary file renamed),
 * so a crash leaves the old content or the new one. Not thread-safe: one delivery is run by one thread, and the
 * release lock keeps two CLIs off one release.
 */
final class DeliveryState {

    /**
     * The wrapper the command runs under, given to {@code sh -c} with the delivery's directory and then the command's
     * arguments as separate arguments (never put into the script: nothing in them is interpreted by this shell). It
     * waits for the CLI's {@code go} on its standard input (sent once the CLI recorded the wrapper's pid, so a command
     * never runs unrecorded; a CLI that dies before sends end-of-file, and the wrapper quits without running it), runs
     * the command as a separate program ({@code exec} in a subshell, standard input from /dev/null; output goes where
     * the wrapper's goes, the {@code output} file), then writes its exit status. The wrapper, not the CLI, writes the
     * status, so it is written also when the CLI died meanwhile.
     */
    static final String WRAPPER = String.join("\n",
            "d=$1; shift",
            "IFS= read -r go || exit 125",
            "[ \"$go\" = go ] || exit 125",
            "case $1 in",
            "  */*) [ -f \"$1\" ] && [ -x \"$1\" ] ;;",
            "  *) command -v -- \"$1\" >/dev/null 2>&1 ;;",
            "esac || { printf '%s\\n' unstartable >\"$d/status.tmp\" && mv -f \"$d/status.tmp\" \"$d/status\"; "
                    + "exit 127; }",
            "( exec \"$@\" ) </dev/null",
            "code=$?",
            "printf '%s\\n' \"$code\" >\"$d/status.tmp\" && mv -f \"$d/status.tmp\" \"$d/status\"",
            "exit \"$code\"");

    /** What a go-ahead line is. */
    static final String GO = "go\n";

    private static final String PROCESS = "process";
    private static final String OUTPUT = "output";
    private static final String LAST_LINE = "last-line";
    private static final String STATUS = "status";
    private static final String UNSTARTABLE = "unstartable";
    /** Start instants read by two JVMs may differ by the rounding of the boot time they are computed from. */
    private static final Duration SAME_START = Duration.ofSeconds(2);

    /** How the command ended, as its status file says. */
    sealed interface Ended permits Exited, Unstartable {
    }

    /** The command ran and exited with {@code code} (128 + n when signal n ended it). */
    record Exited(int code) implements Ended {
    }

    /** The program was not found or is not executable: the command never ran. */
    record Unstartable() implements Ended {
    }

    /** The wrapper the CLI started: its pid and start instant (the pair names one process, pids are reused). */
    record Started(long pid, Optional<Instant> at) {

        /** The process, if it is alive and is the one recorded (same start instant). */
        Optional<ProcessHandle> alive() {
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> {
                Optional<Instant> now = h.info().startInstant();
                // Without both instants the process cannot be told from another one that reused the pid: a
                // stranger is never waited for nor stopped.
                return at.isPresent() && now.isPresent()
                        && Duration.between(at.get(), now.get()).abs().compareTo(SAME_START) <= 0;
            });
        }
    }

    private final Path dir;

    private DeliveryState(Path dir) {
        this.dir = dir;
    }

    /** The state of {@code deliveryId} under {@code root} (made absolute: the command may run elsewhere). */
    static DeliveryState of(Path root, String deliveryId) {
        return new DeliveryState(root.toAbsolutePath().normalize().resolve(fileName(deliveryId)));
    }

    /**
     * A delivery id as one file name: letters, digits, {@code .}, {@code _} and {@code -} kept, every other byte
     * percent-encoded ({@code :} becomes {@code %3A}), so no id can name another directory.
     */
    static String fileName(String deliveryId) {
        StringBuilder out = new StringBuilder();
        for (byte b : deliveryId.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'
                    || (c == '.' && out.length() > 0)) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    /** The delivery's directory. */
    Path directory() {
        return dir;
    }

    /** Whether an earlier run of this delivery id left state. */
    boolean exists() {
        return Files.isDirectory(dir);
    }

    /** Makes the directory (owner-only where the file system has POSIX permissions) and removes an earlier run's. */
    void prepare() throws IOException {
        Path root = dir.getParent();
        if (!Files.isDirectory(root)) {
            Files.createDirectories(root, ownerOnly(root));
        }
        try {
            Files.createDirectory(dir, ownerOnly(root));
        } catch (FileAlreadyExistsException e) {
            for (String name : List.of(STATUS, STATUS + ".tmp", LAST_LINE, OUTPUT, PROCESS)) {
                Files.deleteIfExists(dir.resolve(name));
            }
        }
    }

    private static FileAttribute<?>[] ownerOnly(Path near) throws IOException {
        Path existing = near;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null && Files.getFileStore(existing).supportsFileAttributeView("posix")) {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------"))};
        }
        return new FileAttribute<?>[0];
    }

    /** Where the command's output goes. */
    Path output() {
        return dir.resolve(OUTPUT);
    }

    /** Records the started wrapper (or, without one, the command itself). */
    void recordStarted(ProcessHandle process) throws IOException {
        write(PROCESS, "pid=" + process.pid() + "\n"
                + process.info().startInstant().map(i -> "started=" + i + "\n").orElse(""));
    }

    /** The recorded process, if one was recorded and the record is readable. */
    Optional<Started> started() throws IOException {
        Optional<String> text = read(PROCESS);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Long pid = null;
        Instant at = null;
        for (String line : text.get().split("\n")) {
            try {
                if (line.startsWith("pid=")) {
                    pid = Long.parseLong(line.substring(4).strip());
                } else if (line.startsWith("started=")) {
                    at = Instant.parse(line.substring(8).strip());
                }
            } catch (NumberFormatException | DateTimeParseException e) {
                return Optional.empty();
            }
        }
        return pid == null ? Optional.empty() : Optional.of(new Started(pid, Optional.ofNullable(at)));
    }

    /** Records how the command ended: for a command run without the wrapper, the CLI writes it. */
    void recordEnded(Ended ended) throws IOException {
        write(STATUS, (ended instanceof Exited e ? Integer.toString(e.code()) : UNSTARTABLE) + "\n");
    }

    /** How the command ended, if its status was written (by the wrapper, or by the CLI without one). */
    Optional<Ended> ended() throws IOException {
        Optional<String> text = read(STATUS).map(String::strip);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (text.get().equals(UNSTARTABLE)) {
            return Optional.of(new Unstartable());
        }
        try {
            return Optional.of(new Exited(Integer.parseInt(text.get())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The last {@code bytes} of the command's output, if the output file is still there. */
    Optional<String> outputTail(int bytes) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(output().toFile(), "r")) {
            long start = Math.max(0, file.length() - bytes);
            byte[] tail = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(tail);
            return Optional.of(new String(tail, StandardCharsets.UTF_8));
        } catch (java.io.FileNotFoundException e) {
            return Optional.empty();
        }
    }

    /** Keeps the masked last line (none: the command printed nothing) and deletes the raw output. */
    void keepLastLine(Optional<String> masked) throws IOException {
        write(LAST_LINE, masked.orElse(""));
        Files.deleteIfExists(output());
    }

    /** The kept last line, if one was kept. */
    Optional<Optional<String>> keptLastLine() throws IOException {
        return read(LAST_LINE).map(l -> l.isEmpty() ? Optional.<String>empty() : Optional.of(l));
    }

    private void write(String name, String text) throws IOException {
        Path tmp = dir.resolve(name + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private Optional<String> read(String name) throws IOException {
        try {
            return Optional.of(Files.readString(dir.resolve(name), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }
}
