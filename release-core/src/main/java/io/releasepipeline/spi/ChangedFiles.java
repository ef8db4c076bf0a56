package io.releasepipeline.spi;

import java.util.List;
import java.util.Objects;

/**
 * The files a pull request changes, as the CI system lists them: what decides whether its merge starts the deploy
 * run. Immutable.
 *
 * @param paths repository-relative paths with {@code /} separators, in the CI system's order, without duplicates; a
 *     renamed file is listed under its new and its previous path (a move out of a deployed directory changes it)
 * @param complete false when the CI system lists only part of the change (GitHub lists at most 3000 files): a
 *     file that is not listed may still start the deploy run
 */
public record ChangedFiles(List<String> paths, boolean complete) {

    /**
     * Validates and copies.
     *
     * @param paths repository-relative paths with {@code /} separators, in the CI system's order, without duplicates;
     *     a renamed file is listed under its new and its previous path (a move out of a deployed directory changes it)
     * @param complete false when the CI system lists only part of the change (GitHub lists at most 3000 files): a file
     *     that is not listed may still start the deploy run
     */
    public ChangedFiles {
        paths = List.copyOf(Objects.requireNonNull(paths, "paths"));
    }

    /**
     * Every changed file, listed in full: {@code ChangedFiles.of("backend/app.py", "docs/README.md")}.
     *
     * @param paths repository-relative paths with {@code /} separators, in the CI system's order, without duplicates;
     *     a renamed file is listed under its new and its previous path (a move out of a deployed directory changes it)
     * @return every changed file, listed in full: {@code ChangedFiles.of("backend/app.py", "docs/README.md")}
     */
    public static ChangedFiles of(String... paths) {
        return new ChangedFiles(List.of(paths), true);
    }

    /**
     * The first part of a change the CI system did not list in full.
     *
     * @param paths repository-relative paths with {@code /} separators, in the CI system's order, without duplicates;
     *     a renamed file is listed under its new and its previous path (a move out of a deployed directory changes it)
     * @return the first part of a change the CI system did not list in full
     */
    public static ChangedFiles partial(List<String> paths) {
        return new ChangedFiles(paths, false);
    }
}
