package io.releasepipeline.evidence;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One state transition of a release as it is stored, journaled before the engine acts on it, so a process that
 * dies can be resumed without repeating a merge or a traffic shift. Evidence stores keep entries as opaque,
 * human-readable JSON; the engine writes and reads them only through {@link JournalCodec}, which turns them into
 * {@link JournalState}s.
 *
 * @param format the journal format the entry was written in: {@link JournalCodec#LEGACY_FORMAT} (1) for entries
 *     written before the format was versioned (they carry no {@code format} property), {@link JournalCodec#FORMAT}
 *     for entries written by this version
 * @param app the app
 * @param releaseId the release
 * @param sequence 1, 2, 3... within the release
 * @param at when
 * @param state the state entered, e.g. {@code MERGING}, {@code SHIFTING} (see {@link JournalState#name()})
 * @param data what the state needs to be resumed (pull request, shas, revisions, weights), as strings
 */
public record JournalEntry(int format, String app, String releaseId, int sequence, Instant at, String state,
        Map<String, String> data) {

    /**
     * Validates and copies. A {@code format} of 0 (an entry read from JSON that has no {@code format} property, i.e.
     * written before journals were versioned) becomes {@link JournalCodec#LEGACY_FORMAT}.
     *
     * @param format the journal format the entry was written in: {@link JournalCodec#LEGACY_FORMAT} (1) for entries
     *     written before the format was versioned (they carry no {@code format} property), {@link JournalCodec#FORMAT}
     *     for entries written by this version
     * @param app the app
     * @param releaseId the release
     * @param sequence 1, 2, 3... within the release
     * @param at when
     * @param state the state entered, e.g. {@code MERGING}, {@code SHIFTING} (see {@link JournalState#name()})
     * @param data what the state needs to be resumed (pull request, shas, revisions, weights), as strings
     */
    @JsonCreator
    public JournalEntry(@JsonProperty("format") int format, @JsonProperty("app") String app,
            @JsonProperty("releaseId") String releaseId, @JsonProperty("sequence") int sequence,
            @JsonProperty("at") Instant at, @JsonProperty("state") String state,
            @JsonProperty("data") Map<String, String> data) {
        this.format = format == 0 ? JournalCodec.LEGACY_FORMAT : format;
        this.app = Objects.requireNonNull(app, "app");
        this.releaseId = Objects.requireNonNull(releaseId, "releaseId");
        this.at = Objects.requireNonNull(at, "at");
        this.state = Objects.requireNonNull(state, "state");
        if (sequence < 1) {
            throw new IllegalArgumentException("journal sequence starts at 1, got " + sequence);
        }
        this.sequence = sequence;
        this.data = data == null ? Map.of() : Map.copyOf(data);
    }

    /**
     * An entry in the previous, unversioned format ({@link JournalCodec#LEGACY_FORMAT}): what releases wrote before
     * journal states were typed. Kept for stores and tests that build such journals; the engine writes
     * {@link JournalCodec#encode} entries.
     *
     * @param app the app
     * @param releaseId the release
     * @param sequence 1, 2, 3... within the release
     * @param at when
     * @param state the state entered, e.g. {@code MERGING}, {@code SHIFTING} (see {@link JournalState#name()})
     * @param data what the state needs to be resumed (pull request, shas, revisions, weights), as strings
     */
    public JournalEntry(String app, String releaseId, int sequence, Instant at, String state,
            Map<String, String> data) {
        this(JournalCodec.LEGACY_FORMAT, app, releaseId, sequence, at, state, data);
    }
}
