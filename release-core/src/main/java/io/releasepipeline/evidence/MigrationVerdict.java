package io.releasepipeline.evidence;

import java.util.List;
import java.util.Objects;

/**
 * Whether a release carries a database migration, and why it was judged so: the caller declared it, changed files
 * matched the configured path patterns, or the pull request carries a configured label. Decided before the merge and
 * journaled, so a resumed release keeps it. Immutable.
 *
 * @param migration whether the release is treated as carrying a database migration
 * @param declared whether the caller declared it ({@code ReleaseRequest.withDatabaseMigration()})
 * @param files changed files that matched a path pattern, each as {@code path (pattern)}; at most
 *     {@link #MAX_FILES}
 * @param labels the pull request's labels that marked it
 * @param rollForwardOnly whether the migration policy made the release roll-forward-only (no migration-rollback
 *     hook was configured)
 * @param reason one sentence for the record, the report and the notes
 */
public record MigrationVerdict(boolean migration, boolean declared, List<String> files, List<String> labels,
        boolean rollForwardOnly, String reason) {

    /** At most this many matching files are kept. */
    public static final int MAX_FILES = 20;

    /**
     * Validates and copies.
     *
     * @param migration whether the release is treated as carrying a database migration
     * @param declared whether the caller declared it ({@code ReleaseRequest.withDatabaseMigration()})
     * @param files changed files that matched a path pattern, each as {@code path (pattern)}; at most {@link
     *     #MAX_FILES}
     * @param labels the pull request's labels that marked it
     * @param rollForwardOnly whether the migration policy made the release roll-forward-only (no migration-rollback
     *     hook was configured)
     * @param reason one sentence for the record, the report and the notes
     */
    public MigrationVerdict {
        files = List.copyOf(Objects.requireNonNull(files, "files").subList(0, Math.min(files.size(), MAX_FILES)));
        labels = List.copyOf(Objects.requireNonNull(labels, "labels"));
        Objects.requireNonNull(reason, "reason");
    }
}
