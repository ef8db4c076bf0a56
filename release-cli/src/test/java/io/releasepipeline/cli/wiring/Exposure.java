package io.releasepipeline.cli.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Everything the CLI wrote or sent during a test, searched for {@link Canaries}: its stdout and stderr, every file
 * under a directory (walked recursively, hidden files and every file type included, so a new kind of file cannot
 * escape), every request a stand-in received (URL, headers and body; the one Authorization header a service is meant
 * to get is the only thing skipped), and every blob of a container (name, metadata, content). {@link #assertClean()}
 * fails listing where each canary was found, with excerpts in which the canaries are replaced by their names. Not
 * thread-safe: one per test.
 */
final class Exposure {

    private final Canaries canaries;
    private final List<Canaries.Leak> leaks = new ArrayList<>();
    private final List<String> searched = new ArrayList<>();

    Exposure(Canaries canaries) {
        this.canaries = canaries;
    }

    /** Searches {@code text}, which came from {@code where}. */
    Exposure text(String where, String text) {
        searched.add(where);
        leaks.addAll(canaries.scan(where, text));
        return this;
    }

    /** Searches what a finished run printed on stdout and stderr. */
    Exposure run(String label, ReleaseProcess.Run run) {
        return text(label + " stdout", run.out()).text(label + " stderr", run.err());
    }

    /**
     * Searches every regular file under {@code root}, recursively, but the {@code inputs} the test wrote itself
     * (the config a canary was pasted into). Each file is searched byte for byte (as ISO-8859-1: the canaries are
     * ASCII), so a binary file is searched too.
     */
    Exposure files(Path root, Set<Path> inputs) {
        Set<Path> skip = inputs.stream().map(p -> p.toAbsolutePath().normalize()).collect(Collectors.toSet());
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                if (skip.contains(file.toAbsolutePath().normalize())) {
                    continue;
                }
                byte[] bytes = Files.readAllBytes(file);
                String where = "file " + root.relativize(file);
                text(where, new String(bytes, StandardCharsets.ISO_8859_1));
                leaks.addAll(canaries.scan("the name of " + where, file.toString()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /**
     * Searches every request {@code service} received: its URL, every header and its body. A header equal to
     * {@code allowedAuthorization} (the Authorization a service is meant to get, e.g. {@code Bearer <its token>})
     * is skipped; any other Authorization header is searched like the rest. {@code allowedAuthorization} may be null
     * (nothing allowed).
     */
    Exposure requests(String service, List<LoggedRequest> requests, String allowedAuthorization) {
        int n = 0;
        for (LoggedRequest r : requests) {
            n++;
            String where = service + " request " + n + " (" + r.getMethod().getName() + " "
                    + canaries.redacted(r.getUrl()) + ")";
            text(where + " URL", r.getAbsoluteUrl());
            for (HttpHeader h : r.getHeaders().all()) {
                for (String value : h.values()) {
                    if (h.keyEquals("Authorization") && value.equals(allowedAuthorization)) {
                        continue;
                    }
                    text(where + " header " + h.key(), value);
                }
            }
            text(where + " body", r.getBodyAsString());
        }
        return this;
    }

    /** Searches every blob of {@code container}: its name, metadata and content. */
    Exposure blobs(String where, BlobContainerClient container) {
        if (!container.exists()) {
            searched.add(where + " (never created)");
            return this;
        }
        for (BlobItem blob : container.listBlobs(new ListBlobsOptions().setDetails(
                new com.azure.storage.blob.models.BlobListDetails().setRetrieveMetadata(true)), null)) {
            String name = where + " blob " + blob.getName();
            text("the name of " + name, blob.getName());
            Map<String, String> metadata = blob.getMetadata() == null ? Map.of() : blob.getMetadata();
            text(name + " metadata", metadata.toString());
            text(name, container.getBlobClient(blob.getName()).downloadContent().toString());
        }
        return this;
    }

    /** Where was searched so far, in order. */
    List<String> searched() {
        return List.copyOf(searched);
    }

    /** Fails listing every canary found, where, in which form, with a redacted excerpt. */
    void assertClean() {
        assertThat(searched).as("nothing was searched").isNotEmpty();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " secret(s) found in what the CLI wrote or sent:\n"
                    + leaks.stream().map(l -> "  - " + l).collect(Collectors.joining("\n")));
        }
    }
}
