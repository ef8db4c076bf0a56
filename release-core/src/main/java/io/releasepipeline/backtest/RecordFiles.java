package io.releasepipeline.backtest;

import io.releasepipeline.evidence.EvidenceJson;
import io.releasepipeline.evidence.ReleaseRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The release records in a directory laid out as the file evidence store lays it out
 * ({@code YYYY-MM-DD-<app>-<releaseId>.json}, see {@link io.releasepipeline.evidence.file.FileEvidenceStore}), read
 * one at a time: what {@link Backtest#run(Iterable)} streams, so a backtest of 10,000 releases holds one parsed
 * record at a time, never all of them.
 *
 * <pre>{@code
 * BacktestReport report = Backtest.of(candidate).run(RecordFiles.stream(Path.of(".ops/evidence")));
 * }</pre>
 *
 * <p>Each iteration lists the directory (the names only, in name order: by date, then app and release id) and parses
 * each file when the iterator reaches it. Files that do not carry the date prefix, subdirectories (the journal, the
 * locks) and the {@code .md}/{@code .svg} twins are not records and are passed over. A file that is not a valid
 * record fails the iteration with an {@link UncheckedIOException} naming it, unless {@link #skippingUnreadable}
 * says to report it and go on.
 *
 * <p>Immutable and thread-safe; each iterator is for one thread.
 */
public final class RecordFiles implements Iterable<ReleaseRecord> {

    private static final Pattern RECORD_NAME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}-.+\\.json");

    private final Path dir;
    private final BiConsumer<Path, String> onUnreadable;
    private final Predicate<Path> files;

    private RecordFiles(Path dir, BiConsumer<Path, String> onUnreadable, Predicate<Path> files) {
        this.dir = dir;
        this.onUnreadable = onUnreadable;
        this.files = files;
    }

    /**
     * The records in {@code dir}, read lazily; an unreadable one fails the iteration.
     *
     * @param dir the directory of records
     * @return the records in {@code dir}, read lazily; an unreadable one fails the iteration
     * @throws IllegalArgumentException when {@code dir} is not a directory (nothing is read)
     * @throws NullPointerException when {@code dir} is null
     */
    public static RecordFiles stream(Path dir) {
        Objects.requireNonNull(dir, "dir");
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no evidence directory at " + dir.toAbsolutePath()
                    + ": give the directory that holds the records' .json files (the file store's root, "
                    + ".ops/evidence by default)");
        }
        return new RecordFiles(dir, null, p -> true);
    }

    /**
     * The same records, passing over a file that cannot be read or is not a valid record after telling
     * {@code report} its path and what is wrong (never the file's content).
     *
     * @param report told each skipped file's path and what is wrong with it
     * @return the same records, passing over a file that cannot be read or is not a valid record after telling {@code
     *     report} its path and what is wrong (never the file's content)
     */
    public RecordFiles skippingUnreadable(BiConsumer<Path, String> report) {
        return new RecordFiles(dir, Objects.requireNonNull(report, "report"), files);
    }

    /**
     * The same records, only from the files whose path passes {@code filter}, judged on the name before anything
     * is parsed: e.g. to split a directory between threads by app, as each app's records (its releases and the
     * standalone rollbacks that label them) must stay together in one {@link Backtest#run}.
     *
     * @param filter true for a file to read
     * @return the same records, only from the files whose path passes {@code filter}, judged on the name before
     *     anything is parsed: e.g. to split a directory between threads by app, as each app's records (its releases
     *     and the standalone rollbacks that label them) must stay together in one {@link Backtest#run}
     */
    public RecordFiles filter(Predicate<Path> filter) {
        return new RecordFiles(dir, onUnreadable, files.and(Objects.requireNonNull(filter, "filter")));
    }

    /**
     * The directory read.
     *
     * @return the directory read
     */
    public Path dir() {
        return dir;
    }

    /**
     * The record files (those that pass the {@link #filter}, if any), in name order, as they are now.
     *
     * @return the record files (those that pass the {@link #filter}, if any), in name order, as they are now
     * @throws UncheckedIOException when the directory cannot be listed
     */
    public List<Path> files() {
        try (Stream<Path> listing = Files.list(dir)) {
            return listing.filter(p -> RECORD_NAME.matcher(p.getFileName().toString()).matches())
                    .filter(files).filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the evidence directory " + dir, e);
        }
    }

    /**
     * Lists the directory and returns an iterator that parses each record when it is reached.
     *
     * @throws UncheckedIOException when the directory cannot be listed; from {@code next()}, when a file is not a
     *     valid record (unless skipping)
     */
    @Override
    public Iterator<ReleaseRecord> iterator() {
        Iterator<Path> files = files().iterator();
        return new Iterator<>() {
            private ReleaseRecord next;

            @Override
            public boolean hasNext() {
                while (next == null && files.hasNext()) {
                    next = read(files.next());
                }
                return next != null;
            }

            @Override
            public ReleaseRecord next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                ReleaseRecord r = next;
                next = null;
                return r;
            }
        };
    }

    /** The record in {@code file}, or null when it is skipped. */
    private ReleaseRecord read(Path file) {
        String problem;
        UncheckedIOException failure;
        try {
            ReleaseRecord record = EvidenceJson.fromBytes(Files.readAllBytes(file), ReleaseRecord.class);
            if (record != null) {
                return record;
            }
            problem = "is not a release record (it holds JSON null); restore it or move it out of the directory";
            failure = new UncheckedIOException("evidence record " + file + " " + problem,
                    new IOException("JSON null"));
        } catch (IOException e) {
            problem = "cannot be read (" + e.getClass().getSimpleName() + ")";
            failure = new UncheckedIOException("evidence record " + file + " " + problem, e);
        } catch (UncheckedIOException e) {
            problem = "is not a valid release record (" + EvidenceJson.problem(e) + "); it was edited or damaged outside "
                    + "the store: restore it or move it out of the directory";
            failure = new UncheckedIOException("evidence record " + file + " " + problem, e.getCause());
        }
        if (onUnreadable == null) {
            throw failure;
        }
        onUnreadable.accept(file, problem);
        return null;
    }
}
