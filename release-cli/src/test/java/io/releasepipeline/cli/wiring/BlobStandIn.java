package io.releasepipeline.cli.wiring;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.Comparator;
import java.util.List;

/**
 * An empty evidence container in Azure Blob Storage, over HTTPS on 127.0.0.1 with the test certificate: the Blob
 * REST API's answers (x-ms-version 2025-01-05 shapes) to what {@code release status} asks of the Blob evidence store
 * (create the container if missing, list its evidence, read the lock blob's properties). Account
 * {@code devstoreaccount1}, path-style like the storage emulator. Close it to stop it.
 */
final class BlobStandIn implements AutoCloseable {

    static final String ACCOUNT = "devstoreaccount1";
    static final String CONTAINER = "release-evidence";

    final WireMockServer server;

    BlobStandIn(TestCertificate tls) {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().dynamicHttpsPort()
                .keystorePath(tls.keystore.toString()).keystoreType("PKCS12")
                .keystorePassword(TestCertificate.PASSWORD).keyManagerPassword(TestCertificate.PASSWORD));
        server.start();
        String container = "/" + ACCOUNT + "/" + CONTAINER;
        server.stubFor(put(urlPathEqualTo(container)).withQueryParam("restype", equalTo("container"))
                .willReturn(aResponse().withStatus(201).withHeader("ETag", "\"0x8DDB6B5D3C1E2F0\"")
                        .withHeader("Last-Modified", "Mon, 05 Jan 2026 09:00:00 GMT")
                        .withHeader("x-ms-request-id", "c1b4e0c4-001e-0000-0000-000000000000")
                        .withHeader("x-ms-version", "2025-01-05")));
        server.stubFor(get(urlPathEqualTo(container)).withQueryParam("restype", equalTo("container"))
                .withQueryParam("comp", equalTo("list"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/xml")
                        .withHeader("x-ms-version", "2025-01-05")
                        .withBody("<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults ServiceEndpoint=\""
                                + base() + "/" + ACCOUNT + "/\" ContainerName=\"" + CONTAINER + "\"><Prefix>evidence/"
                                + ProductionWorld.APP + "/</Prefix><Blobs /><NextMarker /></EnumerationResults>")));
        server.stubFor(head(urlPathMatching(container + "/.+"))
                .willReturn(aResponse().withStatus(404).withHeader("x-ms-error-code", "BlobNotFound")
                        .withHeader("x-ms-version", "2025-01-05")));
    }

    /**
     * Makes the container hold {@code records} (file name to the record's JSON) as the Blob evidence store lays them
     * out, {@code evidence/<app>/<name>}: listed, and each downloadable.
     */
    BlobStandIn holding(String app, java.util.Map<String, String> records) {
        String container = "/" + ACCOUNT + "/" + CONTAINER;
        StringBuilder blobs = new StringBuilder("<Blobs>");
        records.forEach((name, json) -> {
            String blob = "evidence/" + app + "/" + name;
            blobs.append("<Blob><Name>").append(blob).append("</Name><Properties><Last-Modified>Mon, 05 Jan 2026 "
                    + "09:00:00 GMT</Last-Modified><Etag>0x8DDB6B5D3C1E2F1</Etag><Content-Length>")
                    .append(json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).append("</Content-Length>"
                    + "<Content-Type>application/json</Content-Type><BlobType>BlockBlob</BlobType></Properties>"
                    + "</Blob>");
            // The SDK sends the blob name with its slashes encoded.
            server.stubFor(get(urlPathEqualTo(container + "/" + blob.replace("/", "%2F"))).atPriority(1)
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                            .withHeader("ETag", "\"0x8DDB6B5D3C1E2F1\"").withHeader("x-ms-blob-type", "BlockBlob")
                            .withHeader("Last-Modified", "Mon, 05 Jan 2026 09:00:00 GMT")
                            .withHeader("Content-Length", String.valueOf(json.getBytes(
                                    java.nio.charset.StandardCharsets.UTF_8).length))
                            .withHeader("x-ms-version", "2025-01-05").withBody(json)));
        });
        blobs.append("</Blobs>");
        server.stubFor(get(urlPathEqualTo(container)).atPriority(1).withQueryParam("restype", equalTo("container"))
                .withQueryParam("comp", equalTo("list"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/xml")
                        .withHeader("x-ms-version", "2025-01-05")
                        .withBody("<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults ServiceEndpoint=\""
                                + base() + "/" + ACCOUNT + "/\" ContainerName=\"" + CONTAINER + "\"><Prefix>evidence/"
                                + app + "/</Prefix>" + blobs + "<NextMarker /></EnumerationResults>")));
        return this;
    }

    /** {@code https://127.0.0.1:PORT}. */
    String base() {
        return "https://127.0.0.1:" + server.httpsPort();
    }

    /** The Blob service endpoint of the account, for {@code evidence.blob.endpoint}. */
    String endpoint() {
        return base() + "/" + ACCOUNT;
    }

    /** Every request served, oldest first. */
    List<LoggedRequest> requests() {
        return server.findAll(anyRequestedFor(anyUrl())).stream()
                .sorted(Comparator.comparing(LoggedRequest::getLoggedDate)).toList();
    }

    @Override
    public void close() {
        server.stop();
    }
}
