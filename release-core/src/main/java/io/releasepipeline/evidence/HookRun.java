package io.releasepipeline.evidence;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.releasepipeline.hook.HookPoint;
import io.releasepipeline.hook.HookResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One run of a {@link io.releasepipeline.hook.ReleaseHook} at a point of a release, as recorded in the evidence.
 * Immutable.
 *
 * <p>In JSON the duration is whole milliseconds, a number named {@code durationMillis}; a record written before that,
 * with an ISO-8601 string under {@code duration}, still reads.
 *
 * @param point where in the release it ran
 * @param name the hook's name
 * @param kind what kind of hook it is ({@code webhook}, {@code workflow}, ...)
 * @param deliveryId the id the hook was given: the same in every run of this hook at this point of this release
 * @param status how it ended
 * @param summary one line: what was done or what went wrong
 * @param link where to see more, when the hook gave one
 * @param startedAt when it started (the release's clock)
 * @param duration how long it ran (real time: a hook's work happens in the real world, even when the release runs
 *     on a virtual clock)
 * @param attempt {@code 1}, or {@code 2} and up when a resumed release ran it again because a stopped process had
 *     started it without journaling its end (a receiver dedupes on {@code deliveryId})
 * @param migrationRollback whether it was one of the hooks that undo a database migration
 */
public record HookRun(HookPoint point, String name, String kind, String deliveryId, HookResult.Status status,
        String summary, Optional<String> link, Instant startedAt,
        @JsonProperty("durationMillis") @JsonAlias("duration")
        @JsonFormat(shape = JsonFormat.Shape.NUMBER_INT, without = {
            JsonFormat.Feature.WRITE_DATE_TIMESTAMPS_AS_NANOSECONDS,
            JsonFormat.Feature.READ_DATE_TIMESTAMPS_AS_NANOSECONDS}) Duration duration,
        int attempt,
        boolean migrationRollback) {

    /**
     * Validates.
     *
     * @param point where in the release it ran
     * @param name the hook's name
     * @param kind what kind of hook it is ({@code webhook}, {@code workflow}, ...)
     * @param deliveryId the id the hook was given: the same in every run of this hook at this point of this release
     * @param status how it ended
     * @param summary one line: what was done or what went wrong
     * @param link where to see more, when the hook gave one
     * @param startedAt when it started (the release's clock)
     * @param duration how long it ran (real time: a hook's work happens in the real world, even when the release runs
     *     on a virtual clock)
     * @param attempt {@code 1}, or {@code 2} and up when a resumed release ran it again because a stopped process had
     *     started it without journaling its end (a receiver dedupes on {@code deliveryId})
     * @param migrationRollback whether it was one of the hooks that undo a database migration
     */
    public HookRun {
        Objects.requireNonNull(point, "point");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(deliveryId, "deliveryId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(summary, "summary");
        link = link == null ? Optional.empty() : link;
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(duration, "duration");
    }

    /**
     * True when the hook's work was done.
     *
     * @return true when the hook's work was done
     */
    public boolean succeeded() {
        return status == HookResult.Status.SUCCEEDED;
    }
}
