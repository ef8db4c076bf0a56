package io.releasepipeline.examples.tool;

import io.releasepipeline.backtest.RecordFiles;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.RollbackDetails;
import io.releasepipeline.evidence.TrafficChange;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A release digest, a small internal tool built on the public API: reads the evidence records of a directory (as
 * the file evidence store writes them) and tells, per app, how many releases there were, how many were promoted
 * and rolled back, which triggers rolled them back, the median lead time (a release's start to its promotion) and
 * the time from a trigger firing to the traffic being all back on the stable revision.
 *
 * <pre>
 * java -cp ... io.releasepipeline.examples.tool.ReleaseDigest .ops/evidence
 * </pre>
 *
 * <p>A file that is not a valid record is skipped, named on stderr, and the digest of the others is printed.
 * Exit codes: {@value #OK} printed (or {@code --help}), {@value #USAGE} bad arguments, {@value #NO_INPUT} no such directory,
 * {@value #IO_ERROR} the directory could not be listed.
 *
 * <p>Immutable and thread-safe once built.
 *
 * @param apps the digest of each app, by app name
 * @param skipped the files passed over because they are not valid records, each with what is wrong
 */
public record ReleaseDigest(SortedMap<String, AppDigest> apps, List<String> skipped) {

    /** Exit code: the digest was printed. */
    public static final int OK = 0;
    /** Exit code: the arguments are wrong (sysexits' EX_USAGE). */
    public static final int USAGE = 64;
    /** Exit code: the directory does not exist or is not a directory (EX_NOINPUT). */
    public static final int NO_INPUT = 66;
    /** Exit code: the directory could not be listed (EX_IOERR). */
    public static final int IO_ERROR = 74;

    private static final String USAGE_LINE = "usage: release-digest EVIDENCE_DIR   (the directory holding the "
            + "records' .json files, e.g. .ops/evidence)";

    /**
     * Copies.
     *
     * @param apps the digest of each app, by app name
     * @param skipped the files passed over, each with what is wrong
     */
    public ReleaseDigest {
        apps = new TreeMap<>(apps);
        skipped = List.copyOf(skipped);
    }

    /**
     * One app's figures.
     *
     * @param app the app
     * @param releases promotions started (standalone rollbacks not counted)
     * @param promoted releases that ended promoted
     * @param rolledBack releases that ended with a rollback, successful or not
     * @param rollbacksByTrigger the rolled-back releases by the trigger that rolled them back ({@code manual} for a
     *     person's request; {@code approval-rejected} when a person rejected a step); name order
     * @param standaloneRollbacks rollbacks run on their own (the runbook's {@code rollback.sh})
     * @param leadTimes each promoted release's time from start to promotion, in record order
     * @param timesToRestore each rolled-back release's time from the trigger firing to all traffic on the stable
     *     revision, in record order
     */
    public record AppDigest(String app, int releases, int promoted, int rolledBack,
            SortedMap<String, Integer> rollbacksByTrigger, int standaloneRollbacks, List<Duration> leadTimes,
            List<Duration> timesToRestore) {

        /**
         * Copies.
         *
         * @param app the app
         * @param releases promotions started
         * @param promoted releases that ended promoted
         * @param rolledBack releases that ended with a rollback
         * @param rollbacksByTrigger the rolled-back releases by trigger
         * @param standaloneRollbacks rollbacks run on their own
         * @param leadTimes each promoted release's time from start to promotion
         * @param timesToRestore each rolled-back release's time from trigger to traffic restored
         */
        public AppDigest {
            Objects.requireNonNull(app, "app");
            rollbacksByTrigger = new TreeMap<>(rollbacksByTrigger);
            leadTimes = List.copyOf(leadTimes);
            timesToRestore = List.copyOf(timesToRestore);
        }

        /**
         * The median lead time.
         *
         * @return the median of {@link #leadTimes()}; empty when none was promoted
         */
        public Optional<Duration> medianLeadTime() {
            return median(leadTimes);
        }

        /**
         * The median time from trigger to traffic restored.
         *
         * @return the median of {@link #timesToRestore()}; empty when nothing was rolled back by a trigger
         */
        public Optional<Duration> medianTimeToRestore() {
            return median(timesToRestore);
        }

        /**
         * The longest time from trigger to traffic restored.
         *
         * @return the maximum of {@link #timesToRestore()}; empty when nothing was rolled back by a trigger
         */
        public Optional<Duration> maxTimeToRestore() {
            return timesToRestore.stream().max(Duration::compareTo);
        }
    }

    /**
     * The digest of {@code records}.
     *
     * @param records the records, e.g. {@code RecordFiles.stream(dir).skippingUnreadable(...)}
     * @param skipped the files passed over, each with what is wrong, to carry into the digest
     * @return the digest
     */
    public static ReleaseDigest of(Iterable<ReleaseRecord> records, List<String> skipped) {
        Map<String, Tally> tallies = new TreeMap<>();
        for (ReleaseRecord r : records) {
            tallies.computeIfAbsent(r.app(), Tally::new).add(r);
        }
        SortedMap<String, AppDigest> apps = new TreeMap<>();
        tallies.forEach((app, t) -> apps.put(app, t.digest()));
        return new ReleaseDigest(apps, skipped);
    }

    /**
     * Reads the records of {@code dir}, skipping (and listing) the files that are not valid records.
     *
     * @param dir the evidence directory
     * @return the digest
     * @throws IllegalArgumentException when {@code dir} is not a directory
     * @throws UncheckedIOException when the directory cannot be listed
     */
    public static ReleaseDigest read(Path dir) {
        List<String> skipped = new ArrayList<>();
        RecordFiles files = RecordFiles.stream(dir)
                .skippingUnreadable((file, problem) -> skipped.add(file.getFileName() + " " + problem));
        return of(files, skipped);
    }

    /**
     * The digest as text.
     *
     * @return one block per app, in name order, each line ending in a newline
     */
    public String text() {
        StringBuilder out = new StringBuilder();
        if (apps.isEmpty()) {
            out.append("No release records.\n");
        }
        apps.values().forEach(a -> {
            out.append(a.app()).append('\n');
            out.append("  releases             ").append(a.releases()).append(" (").append(a.promoted())
                    .append(" promoted, ").append(a.rolledBack()).append(" rolled back, ")
                    .append(a.releases() - a.promoted() - a.rolledBack()).append(" other)\n");
            out.append("  rollbacks by trigger ").append(a.rollbacksByTrigger().isEmpty() ? "none"
                    : String.join(", ", a.rollbacksByTrigger().entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).toList())).append('\n');
            out.append("  standalone rollbacks ").append(a.standaloneRollbacks()).append('\n');
            out.append("  median lead time     ").append(a.medianLeadTime().map(ReleaseDigest::format).orElse("-"))
                    .append(" (start to promoted)\n");
            out.append("  trigger to restored  ").append(a.medianTimeToRestore().map(ReleaseDigest::format)
                    .map(m -> "median " + m + ", max " + format(a.maxTimeToRestore().orElseThrow())).orElse("-"))
                    .append('\n');
        });
        return out.toString();
    }

    /**
     * Runs the tool: prints the digest of the directory named by the one argument on {@code out}, and problems on
     * {@code err}.
     *
     * @param args the arguments: one evidence directory
     * @param out where the digest goes
     * @param err where problems go, with what to do
     * @return the exit code ({@link #OK}, {@link #USAGE}, {@link #NO_INPUT}, {@link #IO_ERROR})
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.println(USAGE_LINE);
            return OK;
        }
        if (args.length != 1 || args[0].isBlank() || args[0].startsWith("-")) {
            err.println("release-digest: give exactly one evidence directory"
                    + (args.length > 1 ? " (got " + args.length + " arguments)" : "")
                    + (args.length == 1 && args[0].startsWith("-") ? " (there are no options; got " + args[0] + ")"
                    : "") + "\n" + USAGE_LINE);
            return USAGE;
        }
        Path dir;
        try {
            dir = Path.of(args[0]);
        } catch (InvalidPathException e) {
            err.println("release-digest: \"" + args[0] + "\" is not a path: " + e.getReason() + "\n" + USAGE_LINE);
            return USAGE;
        }
        if (!Files.isDirectory(dir)) {
            err.println("release-digest: " + (Files.exists(dir) ? "not a directory: " : "no such directory: ")
                    + dir.toAbsolutePath() + "; give the directory that holds the records' .json files (the file "
                    + "evidence store's root, .ops/evidence by default)");
            return NO_INPUT;
        }
        ReleaseDigest digest;
        try {
            digest = read(dir);
        } catch (UncheckedIOException e) {
            err.println("release-digest: " + e.getMessage() + " (" + e.getCause().getMessage() + "); check the "
                    + "directory's permissions");
            return IO_ERROR;
        }
        digest.skipped().forEach(s -> err.println("release-digest: skipped " + s));
        out.print(digest.text());
        return OK;
    }

    /**
     * Prints the digest of an evidence directory and exits with {@link #run}'s code.
     *
     * @param args one evidence directory
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    // ---- figures -----------------------------------------------------------------------------------------------

    /** One app's counts while the records stream by. Not thread-safe. */
    private static final class Tally {
        final String app;
        int releases;
        int promoted;
        int rolledBack;
        int standaloneRollbacks;
        final SortedMap<String, Integer> byTrigger = new TreeMap<>();
        final List<Duration> leadTimes = new ArrayList<>();
        final List<Duration> timesToRestore = new ArrayList<>();

        Tally(String app) {
            this.app = app;
        }

        void add(ReleaseRecord r) {
            if (r.kind() == ReleaseRecord.Kind.ROLLBACK) {
                standaloneRollbacks++;
                return;
            }
            releases++;
            if (r.outcome() == ReleaseOutcome.PROMOTED) {
                promoted++;
                r.finishedAt().ifPresent(end -> leadTimes.add(Duration.between(r.startedAt(), end)));
            } else if (r.rolledBack()) {
                rolledBack++;
                Optional<RollbackDetails> rollback = r.rollback();
                String trigger = rollback.flatMap(RollbackDetails::trigger).map(v -> v.trigger())
                        .orElse(r.approvals().stream().anyMatch(a -> !a.approved()) ? "approval-rejected" : "other");
                byTrigger.merge(trigger, 1, Integer::sum);
                rollback.flatMap(rb -> timeToRestore(r, rb)).ifPresent(timesToRestore::add);
            }
        }

        AppDigest digest() {
            return new AppDigest(app, releases, promoted, rolledBack, byTrigger, standaloneRollbacks, leadTimes,
                    timesToRestore);
        }
    }

    /** From the verdict that fired to the first traffic change after it that put everything on the stable revision. */
    private static Optional<Duration> timeToRestore(ReleaseRecord r, RollbackDetails rb) {
        if (rb.trigger().isEmpty()) {
            return Optional.empty();
        }
        Instant fired = rb.trigger().get().at();
        return r.trafficChanges().stream()
                .filter(c -> !c.at().isBefore(fired) && c.to().weightOf(rb.toRevision()) == 100)
                .map(TrafficChange::at).findFirst().map(restored -> Duration.between(fired, restored));
    }

    private static Optional<Duration> median(List<Duration> values) {
        if (values.isEmpty()) {
            return Optional.empty();
        }
        List<Duration> sorted = values.stream().sorted().toList();
        int mid = sorted.size() / 2;
        return Optional.of(sorted.size() % 2 == 1 ? sorted.get(mid)
                : sorted.get(mid - 1).plus(sorted.get(mid)).dividedBy(2));
    }

    /** {@code 14m 02s}, {@code 45s}, {@code 1.2s}. */
    static String format(Duration d) {
        long seconds = d.toSeconds();
        if (seconds < 10 && d.toMillis() % 1000 != 0) {
            return String.format(java.util.Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
        }
        if (seconds < 60) {
            return seconds + "s";
        }
        return d.toHours() > 0 ? String.format(java.util.Locale.ROOT, "%dh %02dm", d.toHours(), d.toMinutesPart())
                : String.format(java.util.Locale.ROOT, "%dm %02ds", d.toMinutes(), d.toSecondsPart());
    }
}
