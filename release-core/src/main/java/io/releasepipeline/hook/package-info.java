/**
 * Hooks that always run: a team's own work at points of a release (before the merge, after a promotion, on
 * rollback, on freeze), run exactly once per release and point and recorded with their result.
 */
package io.releasepipeline.hook;
