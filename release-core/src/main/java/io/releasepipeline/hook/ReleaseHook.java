package io.releasepipeline.hook;

import java.time.Duration;

/**
 * Work a team wants done at a {@link HookPoint} of every release: undo a migration on rollback, tell a chat, ask an
 * outside system for a go-ahead before the merge. The engine runs each hook exactly once per release and point, even
 * across a crash and {@code resume} (journaled before and after), and records its result and duration in the release
 * record, the report and the notes.
 *
 * <p>Contract: thread-safe (one instance serves every release of a pipeline); blocks until the work is done, it
 * failed, or {@link #timeout()} passed; answers a failure as a {@link HookResult} rather than by throwing (a thrown
 * exception is recorded as {@link HookResult.Status#ERROR}). Since a crash between "started" and "finished" makes
 * the engine run the hook again on resume, the work should be idempotent per {@link HookContext#deliveryId()}.
 */
public interface ReleaseHook {

    /**
     * The hook's name in records, reports and logs, e.g. {@code migration-rollback}: 1 to 64 characters of letters,
     * digits, {@code .}, {@code _} and {@code -}, unique among the hooks of one point.
     *
     * @return the hook's name in records, reports and logs, e.g. {@code migration-rollback}: 1 to 64 characters of
     *     letters, digits, {@code .}, {@code _} and {@code -}, unique among the hooks of one point
     */
    String name();

    /**
     * What kind of hook it is, for the record: {@code webhook}, {@code workflow}, {@code command}, ...
     *
     * @return what kind of hook it is, for the record: {@code webhook}, {@code workflow}, {@code command}, ..
     */
    default String kind() {
        return getClass().getSimpleName();
    }

    /**
     * How long one run may take, all retries included; past it the run is an {@link HookResult.Status#ERROR}.
     *
     * @return how long one run may take, all retries included; past it the run is an {@link HookResult.Status#ERROR}
     */
    Duration timeout();

    /**
     * Runs the hook for one release at one point. Never null.
     *
     * @param context the release, the point and the delivery id
     * @return how the hook ended
     */
    HookResult run(HookContext context);
}
