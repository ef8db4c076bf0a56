package io.releasepipeline.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.releasepipeline.azure.ArmStub.TOKEN;
import static io.releasepipeline.azure.ArmStub.appJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.error.ReleaseInterruptedException;
import io.releasepipeline.spi.TrafficWeights;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The overall deadline and the interruptibility of Resource Manager calls, against WireMock over HTTPS with a
 * traffic PATCH whose long-running operation stays InProgress for ever.
 */
class ContainerAppsDeadlineTest {

    private static final String TRAFFIC = "[{\"revisionName\":\"backend--r1\",\"weight\":100},"
            + "{\"revisionName\":\"backend--r2\",\"weight\":0}]";
    private static final String OPERATION =
            "/providers/Microsoft.App/locations/eastus/containerappOperationStatuses/op-stuck";

    @RegisterExtension
    static final ArmStub arm = new ArmStub();

    @BeforeEach
    void operationThatNeverEnds() {
        arm.reset();
        arm.app(appJson("Multiple", "backend--r2", "backend--r2", TRAFFIC));
        arm.stub(arm.onPatchApp(), aResponse().withStatus(202)
                .withHeader("Azure-AsyncOperation", arm.base() + OPERATION + "?api-version=2025-01-01"));
        arm.server.stubFor(get(urlPathEqualTo(OPERATION))
                .willReturn(okJson("{\"id\":\"op-stuck\",\"status\":\"InProgress\"}")));
    }

    @Test
    @DisplayName("a traffic change whose operation stays InProgress fails at operationTimeout, saying its state is "
            + "unknown and must be read back")
    void deadline() {
        ContainerAppsPlatform platform = arm.platform().operationTimeout(Duration.ofMillis(600)).build();

        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(
                () -> platform.setTraffic(TrafficWeights.split("backend--r1", "backend--r2", 10)))
                .isInstanceOfSatisfying(AzureProviderException.class, e -> {
                    assertThat(e.errorCode()).contains(ContainerAppsPlatform.OPERATION_TIMEOUT_CODE);
                    assertThat(e.isTransient()).isTrue();
                    assertThat(e.getMessage()).contains("setTraffic", "PT0.6S", "operationTimeout",
                            "state is unknown", "read the app's traffic and revisions back").doesNotContain(TOKEN);
                }));
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    @DisplayName("interrupting the caller (the engine's cancel) ends the wait at once: ReleaseInterruptedException, "
            + "the interrupt flag kept")
    void interrupt() throws Exception {
        ContainerAppsPlatform platform = arm.platform().operationTimeout(Duration.ofHours(1)).build();
        CountDownLatch polling = new CountDownLatch(2);
        arm.server.addMockServiceRequestListener((request, response) -> {
            if (request.getUrl().contains("op-stuck")) {
                polling.countDown();
            }
        });
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean flagAfter = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            try {
                platform.setTraffic(TrafficWeights.all("backend--r2"));
            } catch (Throwable t) {
                thrown.set(t);
            }
            flagAfter.set(Thread.currentThread().isInterrupted());
        }, "release-engine");
        caller.start();
        assertThat(polling.await(10, TimeUnit.SECONDS)).as("the operation is being polled").isTrue();

        caller.interrupt();
        caller.join(Duration.ofSeconds(5).toMillis());

        assertThat(caller.isAlive()).as("the caller still waits after the interrupt").isFalse();
        assertThat(thrown.get()).isInstanceOf(ReleaseInterruptedException.class)
                .hasMessageContaining("setTraffic").hasMessageContaining("state is unknown");
        assertThat(flagAfter).isTrue();
    }

    @Test
    @DisplayName("operationTimeout must be positive, reported with the other problems at build()")
    void validated() {
        assertThatThrownBy(() -> arm.platform().operationTimeout(Duration.ZERO).build())
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("operationTimeout");
        assertThat(ContainerAppsPlatform.builder().subscriptionId("s").resourceGroup("g").appName("a")
                .credential(ArmStub.credential()).build().operationTimeout())
                .isEqualTo(ContainerAppsPlatform.DEFAULT_OPERATION_TIMEOUT);
    }
}
