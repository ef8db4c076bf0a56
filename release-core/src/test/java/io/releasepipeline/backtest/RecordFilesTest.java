package io.releasepipeline.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.file.FileEvidenceStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordFilesTest {

    private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

    @TempDir
    Path dir;

    private static ReleaseRecord record(String app, String releaseId, Instant startedAt) {
        return ReleaseRecord.builder(releaseId, app, ReleaseRecord.Kind.PROMOTION, startedAt)
                .outcome(ReleaseOutcome.PROMOTED).finishedAt(startedAt.plusSeconds(840)).build();
    }

    private static List<String> ids(Iterable<ReleaseRecord> records) {
        List<String> ids = new ArrayList<>();
        records.forEach(r -> ids.add(r.releaseId()));
        return ids;
    }

    @Test
    @DisplayName("reads the records a file evidence store wrote, in name order, and nothing else in the directory")
    void readsTheStoresRecords() throws IOException {
        FileEvidenceStore store = FileEvidenceStore.of(dir);
        store.write(record("orders", "pr2", T0.plusSeconds(86_400)));
        store.write(record("orders", "pr1", T0));
        store.write(record("billing", "pr7", T0));
        Files.writeString(dir.resolve("notes.json"), "{}");
        Files.createDirectories(dir.resolve("backtests"));

        RecordFiles records = RecordFiles.stream(dir);

        assertThat(records.files()).extracting(p -> p.getFileName().toString()).containsExactly(
                "2026-01-05-billing-pr7.json", "2026-01-05-orders-pr1.json", "2026-01-06-orders-pr2.json");
        assertThat(ids(records)).containsExactly("pr7", "pr1", "pr2");
        assertThat(records).first().isEqualTo(store.read("billing", "pr7").orElseThrow());
    }

    @Test
    @DisplayName("parses each record when the iterator reaches it: a file damaged later fails only when it is reached")
    void lazy() throws IOException {
        FileEvidenceStore store = FileEvidenceStore.of(dir);
        store.write(record("orders", "pr1", T0));
        store.write(record("orders", "pr2", T0.plusSeconds(60)));
        Iterator<ReleaseRecord> it = RecordFiles.stream(dir).iterator();

        assertThat(it.next().releaseId()).isEqualTo("pr1");
        Files.writeString(dir.resolve("2026-01-05-orders-pr2.json"), "{\"releaseId\": \"pr2\", \"sche",
                StandardCharsets.UTF_8);

        assertThatThrownBy(it::hasNext).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("2026-01-05-orders-pr2.json")
                .hasMessageContaining("is not a valid release record")
                .hasMessageContaining("restore it or move it out of the directory");
    }

    @Test
    @DisplayName("skippingUnreadable reports a damaged file by name, without its content, and goes on")
    void skipsUnreadable() throws IOException {
        FileEvidenceStore store = FileEvidenceStore.of(dir);
        store.write(record("orders", "pr1", T0));
        store.write(record("orders", "pr3", T0.plusSeconds(120)));
        Files.writeString(dir.resolve("2026-01-05-orders-pr2.json"), "not json: token=s3cret");
        List<String> reported = new ArrayList<>();

        List<String> ids = ids(RecordFiles.stream(dir).skippingUnreadable((file, problem) -> reported.add(
                file.getFileName() + ": " + problem)));

        assertThat(ids).containsExactly("pr1", "pr3");
        assertThat(reported).singleElement().satisfies(r -> assertThat(r)
                .startsWith("2026-01-05-orders-pr2.json: is not a valid release record").doesNotContain("s3cret"));
    }

    @Test
    @DisplayName("a damaged record's problem is a short cause with its line and column, and the advice: no parser "
            + "source excerpt, no parser setting names")
    void shortCause() throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("2026-01-05-orders-pr2.json"), "{\"releaseId\": \"pr2\",\n  \"sche");
        Files.writeString(dir.resolve("2026-01-05-orders-pr3.json"), "{\"releaseId\": \"pr3\", oops}");
        List<String> reported = new ArrayList<>();

        ids(RecordFiles.stream(dir).skippingUnreadable((file, problem) -> reported.add(problem)));

        assertThat(reported).hasSize(2).allSatisfy(p -> assertThat(p).startsWith("is not a valid release record (")
                .contains(" at line ", ", column ").endsWith("); it was edited or damaged outside the store: restore "
                        + "it or move it out of the directory")
                .doesNotContain("Source", "StreamReadFeature", "REDACTED", "[", "\n").hasSizeLessThan(260));
        assertThat(reported).anySatisfy(p -> assertThat(p).contains("at line 1, column "));
    }

    @Test
    @DisplayName("a file holding JSON null is reported like any other non-record, never passed over in silence")
    void jsonNull() throws IOException {
        FileEvidenceStore store = FileEvidenceStore.of(dir);
        store.write(record("orders", "pr1", T0));
        Files.writeString(dir.resolve("2026-01-05-orders-pr2.json"), "null");
        List<String> reported = new ArrayList<>();

        List<String> ids = ids(RecordFiles.stream(dir).skippingUnreadable((file, problem) -> reported.add(
                file.getFileName() + ": " + problem)));

        assertThat(ids).containsExactly("pr1");
        assertThat(reported).singleElement().asString().startsWith("2026-01-05-orders-pr2.json: is not a release "
                + "record (it holds JSON null)");
        assertThatThrownBy(() -> ids(RecordFiles.stream(dir))).hasMessageContaining("JSON null");
    }

    @Test
    @DisplayName("a directory that does not exist is refused before anything is read, saying what to give")
    void missingDirectory() {
        assertThatThrownBy(() -> RecordFiles.stream(dir.resolve("nowhere")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no evidence directory at " + dir.resolve("nowhere"))
                .hasMessageContaining("the file store's root");
    }

    @Test
    @DisplayName("each iteration lists the directory anew: a record written since is read")
    void iteratesAnew() {
        FileEvidenceStore store = FileEvidenceStore.of(dir);
        store.write(record("orders", "pr1", T0));
        RecordFiles records = RecordFiles.stream(dir);
        assertThat(ids(records)).containsExactly("pr1");

        store.write(record("orders", "pr2", T0.plusSeconds(60)));

        assertThat(ids(records)).containsExactly("pr1", "pr2");
    }

    @Test
    @DisplayName("filter keeps the files whose name passes, before anything is parsed")
    void filter() throws IOException {
        FileEvidenceStore store = FileEvidenceStore.of(dir);
        store.write(record("orders", "pr1", T0));
        store.write(record("billing", "pr7", T0));
        Files.writeString(dir.resolve("2026-01-05-billing-pr8.json"), "damaged");

        RecordFiles orders = RecordFiles.stream(dir).filter(p -> p.getFileName().toString().contains("-orders-"));

        assertThat(ids(orders)).containsExactly("pr1");
        assertThat(orders.files()).hasSize(1);
    }
}
