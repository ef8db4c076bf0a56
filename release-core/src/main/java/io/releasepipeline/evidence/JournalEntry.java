package io.releasepipeline.evidence;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One state transition of a release, journaled before the engine acts on it, so a process that dies can be
 * resumed without repeating a merge or a traffic shift.
 *
 * @param app the app
 * @param releaseId the release
 * @param sequence 1, 2, 3... within the release
 * @param at when
 * @param state the state entered, e.g. {@code MERGING}, {@code SHIFTING}
 * @param data what the state needs to be resumed (pull request, shas, revisions, weights), as strings
 */
public record JournalEntry(String app, String releaseId, int sequence, Instant at, String state,
        Map<String, String> data) {

    /** Validates and copies. */
    public JournalEntry {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(releaseId, "releaseId");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(state, "state");
        if (sequence < 1) {
            throw new IllegalArgumentException("journal sequence starts at 1, got " + sequence);
        }
        data = data == null ? Map.of() : Map.copyOf(data);
    }
}
