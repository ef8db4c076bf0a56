package io.releasepipeline.examples.wiring;

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
