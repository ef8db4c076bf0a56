package io.releasepipeline.azure.internal;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.releasepipeline.evidence.JournalEntry;
import io.releasepipeline.evidence.ReleaseLock;
import io.releasepipeline.evidence.ReleaseRecord;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one JSON form of evidence records and journal entries: the records' components by name, instants as
 * ISO-8601 strings, absent optionals as null, unknown properties ignored (so newer writers do not break older
 * readers). Meant to move to core so the filesystem store shares it. Thread-safe. Not public API.
 */
public final class EvidenceJson {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .registerModule(new Jdk8Module())
            // Record components only: helpers such as isReady() or passed() are not data.
            .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
            .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
            .setSerializationInclusion(JsonInclude.Include.ALWAYS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private EvidenceJson() {
    }

    /** A record as UTF-8 JSON. */
    public static byte[] write(ReleaseRecord record) {
        return bytes(record);
    }

    /** A journal entry as UTF-8 JSON. */
    public static byte[] write(JournalEntry entry) {
        return bytes(entry);
    }

    /** A lock holder as UTF-8 JSON. */
    public static byte[] write(ReleaseLock lock) {
        return bytes(lock);
    }

    /** A lock holder from UTF-8 JSON. @throws UncheckedIOException if it is not a lock holder */
    public static ReleaseLock readLock(byte[] json) {
        return read(json, ReleaseLock.class);
    }

    /** A record from UTF-8 JSON. @throws UncheckedIOException if it is not a record */
    public static ReleaseRecord readRecord(byte[] json) {
        return read(json, ReleaseRecord.class);
    }

    /** A journal entry from UTF-8 JSON. @throws UncheckedIOException if it is not an entry */
    public static JournalEntry readJournalEntry(byte[] json) {
        return read(json, JournalEntry.class);
    }

    private static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T read(byte[] json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
