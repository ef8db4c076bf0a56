package io.releasepipeline.cli.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.cli.backtest.BacktestHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code release backtest} through the packaged jar with the records in Azure Blob Storage (the evidence store
 * release.yaml configures; the Blob REST API answered on 127.0.0.1 over HTTPS): the store's own listing is read
 * with the storage token, and the reports, which the Blob store does not keep, go to {@code ./backtests}.
 */
class BacktestBlobIT extends ProductionWiring {

    private static final String STORAGE_TOKEN_VARIABLE = "AZURE_STORAGE_TOKEN";
    private BlobStandIn blob;

    @AfterEach
    void stopBlob() {
        if (blob != null) {
            blob.close();
        }
    }

    @Test
    @DisplayName("without --evidence, the Blob store's records are backtested (one that is no record named and "
            + "skipped); the reports are local files, and the output says where")
    void blobRecords() throws IOException {
        Path history = dir.resolve("history");
        BacktestHistory.write(history);
        Map<String, String> records = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(history)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                records.put(f.getFileName().toString(), Files.readString(f));
            }
        }
        records.put("2026-01-12-backend-pr208.json", "{\"releaseId\": \"pr208\", truncated by a bad copy");
        blob = new BlobStandIn(world.tls).holding(ProductionWorld.APP, records);
        String storageToken = ProductionWorld.jwt("https://storage.azure.com", Instant.now().plus(Duration.ofHours(1)));
        world.env(STORAGE_TOKEN_VARIABLE, storageToken, true).section("evidence", """
                evidence:
                  blob:
                    endpoint: %s
                    tokenVariable: %s
                """.formatted(blob.endpoint(), STORAGE_TOKEN_VARIABLE)).section("rollback", """
                rollback:
                  errorRate:
                    threshold: 0.02
                """);

        ReleaseProcess.Run run = world.run("backtest");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).contains("release backtest: skipped evidence/" + ProductionWorld.APP
                + "/2026-01-12-backend-pr208.json: is not a valid release record (", "at line 1, column 24); it was "
                + "edited or damaged outside the store: restore it or delete the blob");
        assertThat(run.out()).contains("8 releases: 4 agree, 3 rollbacks added (1 on known-bad releases, 2 would-be "
                + "false rollbacks)", "determinism: the live policy reproduced 7/8 records")
                .contains("report written to backtests/", "Blob storage keeps release records only; the reports are local "
                        + "files");
        try (Stream<Path> reports = Files.list(world.dir.resolve("backtests"))) {
            assertThat(reports.map(p -> p.getFileName().toString())).anySatisfy(n -> assertThat(n)
                    .matches(".*-" + ProductionWorld.APP + "-backtest-\\d{6}\\.md"));
        }
        assertThat(blob.requests()).isNotEmpty().allSatisfy(r -> assertThat(r.getHeader("Authorization"))
                .isEqualTo("Bearer " + storageToken));
    }
}
