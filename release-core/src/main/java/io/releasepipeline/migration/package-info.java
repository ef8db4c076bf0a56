/**
 * How a release is judged to carry a database migration (declared, changed files under configured paths, or a label
 * on the pull request), and what happens to such a release when it has no hook to undo the migration.
 */
package io.releasepipeline.migration;
