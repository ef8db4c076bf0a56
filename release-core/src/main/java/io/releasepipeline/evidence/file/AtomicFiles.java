package io.releasepipeline.evidence.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Crash-safe file writes: the content goes to a temporary file in the target's directory, is forced to disk, and
 * only then appears under the target name in one atomic step, after which the directory entry is forced too. A
 * reader sees the whole file or no file, never part of one. Temporary files start with {@code .} and end with
 * {@code .tmp}, so listings that match real names never see them.
 */
final class AtomicFiles {

    private AtomicFiles() {
    }

    /**
     * Creates {@code target} with {@code bytes} unless it exists. The no-overwrite check and the creation are one
     * atomic step (a hard link), so two writers racing for the same name cannot both win.
     *
     * @return true if this call created the file, false if it already existed (nothing was changed)
     */
    static boolean writeNew(Path target, byte[] bytes) throws IOException {
        Path temp = writeTemp(target, bytes);
        try {
            try {
                Files.createLink(target, temp);
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (UnsupportedOperationException | FileSystemException e) {
                // No hard links on this file system: check then move. Callers hold the app's guard lock, which
                // keeps the check and the move together for every writer that goes through this store.
                if (Files.exists(target)) {
                    return false;
                }
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            }
            forceDirectory(target.getParent());
            return true;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Writes {@code target} with {@code bytes}, atomically replacing what was there. */
    static void replace(Path target, byte[] bytes) throws IOException {
        Path temp = writeTemp(target, bytes);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceDirectory(target.getParent());
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Deletes {@code target} if it exists and makes the deletion durable. */
    static boolean delete(Path target) throws IOException {
        boolean deleted = Files.deleteIfExists(target);
        if (deleted) {
            forceDirectory(target.getParent());
        }
        return deleted;
    }

    private static Path writeTemp(Path target, byte[] bytes) throws IOException {
        // Not Files.createTempFile: it makes the file owner-only (0600), and evidence is for people to read.
        Path temp = target.resolveSibling("." + target.getFileName() + "." + Long.toUnsignedString(
                ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
        FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try (channel) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        return temp;
    }

    /** Makes a directory's entries durable. Some platforms cannot open a directory; the rename is atomic anyway. */
    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Windows cannot open a directory as a channel; its renames are durable through NTFS's own journal.
        }
    }
}
