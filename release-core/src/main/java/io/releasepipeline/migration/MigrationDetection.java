package io.releasepipeline.migration;

import io.releasepipeline.evidence.MigrationVerdict;
import io.releasepipeline.format.FilterPatterns;
import io.releasepipeline.spi.ChangedFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a release is judged to carry a database migration, before the merge: the caller declared it
 * ({@code ReleaseRequest.withDatabaseMigration()}), or one of the pull request's changed files matches a path
 * pattern, or the pull request carries one of the labels. The record says which ({@link MigrationVerdict}).
 *
 * <pre>
 * ReleasePipeline.builder()
 *     .migrations(MigrationDetection.paths("backend/**&#47;migrations/**").orLabels("db-migration")
 *         .withoutRollbackHook(MigrationDetection.WithoutRollbackHook.ROLL_FORWARD_ONLY))
 * </pre>
 *
 * <p>Path patterns have GitHub's filter-pattern semantics ({@link FilterPatterns}): {@code *} matches within one
 * directory, {@code **} across directories (<code>backend/**&#47;migrations/**</code> matches
 * {@code backend/migrations/0042.sql} and {@code backend/app/db/migrations/0042.sql}), a leading {@code !} excludes,
 * the last matching pattern decides, and a pattern matches the whole path from the repository's root,
 * case-sensitively. Labels match case-insensitively, as GitHub's label names do. When the CI system lists only part
 * of a change and no listed file matches, the release is not judged a migration, and the verdict says that it could
 * not be ruled out.
 *
 * <p>Default: {@link #declaredOnly()} (nothing is detected; only a declaration counts) and
 * {@link WithoutRollbackHook#WARN}. Immutable and thread-safe.
 */
public final class MigrationDetection {

    /** What a migration release with no migration-rollback hook does. */
    public enum WithoutRollbackHook {
        /**
         * Release as usual; a rollback puts traffic back and says loudly, in the record and the incident note, that
         * the schema was not rolled back (the default, as before migrations were detected).
         */
        WARN,
        /**
         * The release is roll-forward-only: a firing trigger freezes traffic where it is and pages someone
         * ({@code FROZEN}) instead of moving traffic back onto a revision that may not work with the new schema.
         */
        ROLL_FORWARD_ONLY
    }

    private static final MigrationDetection DECLARED_ONLY = new MigrationDetection(List.of(), List.of(),
            WithoutRollbackHook.WARN);

    private final List<String> paths;
    private final List<String> labels;
    private final WithoutRollbackHook withoutRollbackHook;

    private MigrationDetection(List<String> paths, List<String> labels, WithoutRollbackHook withoutRollbackHook) {
        this.paths = List.copyOf(paths);
        this.labels = List.copyOf(labels);
        this.withoutRollbackHook = withoutRollbackHook;
    }

    /**
     * Nothing is detected: only a release declared with {@code withDatabaseMigration()} carries a migration.
     *
     * @return a detection that detects nothing
     */
    public static MigrationDetection declaredOnly() {
        return DECLARED_ONLY;
    }

    /**
     * A release whose changed files match {@code patterns} (GitHub filter patterns) carries a migration.
     *
     * @param patterns GitHub filter patterns, e.g. {@code db/migrations/**}
     * @return a detection by which a release whose changed files match {@code patterns} (GitHub filter patterns)
     *     carries a migration
     */
    public static MigrationDetection paths(String... patterns) {
        return DECLARED_ONLY.orPaths(patterns);
    }

    /**
     * A release whose pull request carries one of {@code labels} carries a migration.
     *
     * @param labels pull request labels, e.g. {@code db-migration}
     * @return a detection by which a release whose pull request carries one of {@code labels} carries a migration
     */
    public static MigrationDetection labels(String... labels) {
        return DECLARED_ONLY.orLabels(labels);
    }

    /**
     * The same detection, also matching changed files against {@code patterns}, after the patterns given before.
     *
     * @param patterns GitHub filter patterns
     * @return the same detection, also matching changed files against {@code patterns}, after the patterns given
     *     before
     */
    public MigrationDetection orPaths(String... patterns) {
        List<String> next = new ArrayList<>(paths);
        next.addAll(java.util.Arrays.asList(Objects.requireNonNull(patterns, "patterns")));
        return new MigrationDetection(next, labels, withoutRollbackHook);
    }

    /**
     * The same detection, also matching the pull request's labels against {@code labels}.
     *
     * @param labels pull request labels
     * @return the same detection, also matching the pull request's labels against {@code labels}
     */
    public MigrationDetection orLabels(String... labels) {
        List<String> next = new ArrayList<>(this.labels);
        next.addAll(java.util.Arrays.asList(Objects.requireNonNull(labels, "labels")));
        return new MigrationDetection(paths, next, withoutRollbackHook);
    }

    /**
     * The same detection with {@code policy} for a migration release that has no migration-rollback hook.
     *
     * @param policy what a migration release without a rollback hook does
     * @return the same detection with {@code policy} for a migration release that has no migration-rollback hook
     */
    public MigrationDetection withoutRollbackHook(WithoutRollbackHook policy) {
        return new MigrationDetection(paths, labels, Objects.requireNonNull(policy, "policy"));
    }

    /**
     * The path patterns, in order; empty when files are not looked at.
     *
     * @return the path patterns, in order; empty when files are not looked at
     */
    public List<String> pathPatterns() {
        return paths;
    }

    /**
     * The labels that mark a migration; empty when labels are not looked at.
     *
     * @return the labels that mark a migration; empty when labels are not looked at
     */
    public List<String> labelNames() {
        return labels;
    }

    /**
     * What a migration release with no migration-rollback hook does.
     *
     * @return what a migration release with no migration-rollback hook does
     */
    public WithoutRollbackHook policy() {
        return withoutRollbackHook;
    }

    /**
     * True when the pull request's changed files must be read to judge.
     *
     * @return true when the pull request's changed files must be read to judge
     */
    public boolean readsFiles() {
        return !paths.isEmpty();
    }

    /**
     * What is wrong with this detection, each problem prefixed with {@code key}; empty when valid.
     *
     * @param key the configuration key problems are prefixed with
     * @return what is wrong with this detection, each problem prefixed with {@code key}; empty when valid
     */
    public List<String> problems(String key) {
        List<String> problems = new ArrayList<>();
        if (!paths.isEmpty()) {
            FilterPatterns.problems(paths).forEach(p -> problems.add(key + ".paths: " + p));
        }
        for (String label : labels) {
            if (label == null || label.isBlank()) {
                problems.add(key + ".labels: an empty label; give a pull-request label such as 'db-migration'");
            }
        }
        return problems;
    }

    /**
     * Judges a release.
     *
     * @param declared whether the caller declared a migration
     * @param prLabels the pull request's labels
     * @param files the pull request's changed files, when {@link #readsFiles()}
     * @param hasRollbackHook whether a migration-rollback hook is configured
     * @return whether the release carries a migration, and why
     * @throws IllegalStateException if the patterns are not valid (see {@link #problems})
     */
    public MigrationVerdict judge(boolean declared, List<String> prLabels, Optional<ChangedFiles> files,
            boolean hasRollbackHook) {
        List<String> matchedFiles = new ArrayList<>();
        boolean partial = false;
        if (!paths.isEmpty() && files.isPresent()) {
            FilterPatterns all = FilterPatterns.of(paths);
            List<Map.Entry<String, FilterPatterns>> positive = paths.stream().filter(p -> !p.startsWith("!"))
                    .map(p -> Map.entry(p, FilterPatterns.of(p))).toList();
            for (String path : files.get().paths()) {
                if (all.selects(path)) {
                    matchedFiles.add(path + " (" + decidingPattern(positive, path) + ")");
                }
            }
            partial = !files.get().complete();
        }
        List<String> matchedLabels = prLabels.stream().filter(l -> labels.stream()
                .anyMatch(m -> m.toLowerCase(Locale.ROOT).equals(l.toLowerCase(Locale.ROOT)))).toList();
        boolean migration = declared || !matchedFiles.isEmpty() || !matchedLabels.isEmpty();
        boolean rollForwardOnly = migration && !hasRollbackHook
                && withoutRollbackHook == WithoutRollbackHook.ROLL_FORWARD_ONLY;
        List<String> why = new ArrayList<>();
        if (declared) {
            why.add("declared by the caller (withDatabaseMigration)");
        }
        if (!matchedLabels.isEmpty()) {
            why.add("the pull request is labelled " + matchedLabels);
        }
        if (!matchedFiles.isEmpty()) {
            why.add(matchedFiles.size() + " changed file" + (matchedFiles.size() == 1 ? " matches" : "s match")
                    + " the migration paths: " + String.join(", ", matchedFiles.subList(0,
                            Math.min(matchedFiles.size(), 5))) + (matchedFiles.size() > 5 ? ", ..." : ""));
        }
        String reason;
        if (migration) {
            reason = "database migration: " + String.join("; ", why);
            if (rollForwardOnly) {
                reason += "; no migration-rollback hook is configured, so by policy (roll-forward-only) the release "
                        + "is frozen instead of rolled back if it goes bad";
            }
        } else if (paths.isEmpty() && labels.isEmpty()) {
            reason = "no database migration: none declared (no detection configured)";
        } else {
            reason = "no database migration: none declared"
                    + (paths.isEmpty() ? "" : ", no changed file matches " + paths)
                    + (labels.isEmpty() ? "" : ", no label in " + labels)
                    + (partial ? " (the CI system listed the change only in part: a migration among the files it "
                            + "did not list could not be ruled out)" : "");
        }
        return new MigrationVerdict(migration, declared, matchedFiles, matchedLabels, rollForwardOnly, reason);
    }

    /** The last of the {@code positive} patterns (compiled once per judgement) that matches {@code path}. */
    private static String decidingPattern(List<Map.Entry<String, FilterPatterns>> positive, String path) {
        String deciding = "";
        for (Map.Entry<String, FilterPatterns> p : positive) {
            if (p.getValue().selects(path)) {
                deciding = p.getKey();
            }
        }
        return deciding;
    }

    @Override
    public String toString() {
        return "MigrationDetection[paths=" + paths + ", labels=" + labels + ", withoutRollbackHook="
                + withoutRollbackHook + "]";
    }
}
