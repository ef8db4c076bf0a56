package io.releasepipeline.evidence;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one JSON mapping of the evidence records ({@link ReleaseRecord}, {@link JournalEntry}, {@link ReleaseLock}
 * and everything they contain), shared by every evidence store so that a record written by one store can be read
 * by another.
 *
 * <p>The format: instants as ISO-8601 strings ({@code 2025-03-14T09:26:53Z}), durations as whole milliseconds in
 * properties whose names end in {@code Millis} ({@code "medianLatencyMillis" : 123}; the samples section keeps the
 * ISO-8601 strings its own format documents, {@code "window" : "PT5M"}), an empty {@code Optional} as an absent
 * property and a present one as its value, map entries sorted by key so that equal records serialize to equal
 * bytes, and only record components (no derived {@code isX()} properties). Unknown properties are ignored when
 * reading, so a record written by a newer version with an added field can still be read; {@code schemaVersion} says
 * which format a record was written in (a record of version 1, durations as ISO-8601 strings, still reads). The JSON
 * Schema of the record is {@code docs/schemas/evidence-record.schema.json}.
 *
 * <p>Thread-safe: the mapper is configured once and never changed.
 */
public final class EvidenceJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            // Derived accessors such as DeployRun.isCompleted() or TrafficWeights.isSplit() are not data.
            .visibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE)
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_ABSENT,
                    JsonInclude.Include.NON_ABSENT))
            .build();

    private EvidenceJson() {
    }

    /**
     * The shared mapper, for stores that stream or need a tree. Do not reconfigure it: it is shared by every
     * store in the process.
     *
     * @return the shared mapper, for stores that stream or need a tree
     */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Serializes an evidence value to indented UTF-8 JSON.
     *
     * @param value the value, e.g. a {@link ReleaseRecord}
     * @return the JSON, UTF-8
     * @throws UncheckedIOException if the value cannot be serialized (a bug, not an I/O condition)
     */
    public static byte[] toBytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }

    /**
     * Reads an evidence value from UTF-8 JSON.
     *
     * @param <T> the value's type
     * @param json the JSON, UTF-8
     * @param type the value's class
     * @return the value
     * @throws UncheckedIOException if the bytes are not valid JSON for {@code type} (for example a file that
     *         was cut short); the message names the type, never the content
     */
    public static <T> T fromBytes(byte[] json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException("not a valid " + type.getSimpleName() + " JSON document", e);
        }
    }

    /**
     * What is wrong with a document {@link #fromBytes} refused, in a few words a person can act on ("Unexpected
     * character ('o' (code 111)) at line 1, column 28"), without the document's content. Stateless.
     *
     * @param e what {@link #fromBytes} threw
     * @return what is wrong with a document {@link #fromBytes} refused, in a few words a person can act on
     *     ("Unexpected character ('o' (code 111)) at line 1, column 28"), without the document's content
     */
    public static String problem(UncheckedIOException e) {
        if (!(e.getCause() instanceof com.fasterxml.jackson.core.JsonProcessingException p)) {
            return e.getMessage();
        }
        String message = p.getOriginalMessage() == null ? "" : p.getOriginalMessage();
        message = message.lines().findFirst().orElse("");
        int source = message.indexOf("[Source");
        if (source >= 0) {
            message = message.substring(0, source);
        }
        message = message.replaceAll("\\s*\\(?(start marker )?at\\s*$", "").replaceAll("[\\s(:;,]+$", "").strip();
        if (message.length() > 120) {
            message = message.substring(0, 119) + "\u2026";
        }
        com.fasterxml.jackson.core.JsonLocation at = p.getLocation();
        String where = at != null && at.getLineNr() > 0 ? "line " + at.getLineNr() + ", column " + at.getColumnNr()
                : "";
        return message.isEmpty() ? (where.isEmpty() ? "not JSON" : where)
                : where.isEmpty() ? message : message + " at " + where;
    }
}
