package io.releasepipeline.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.management.profile.AzureProfile;
import com.azure.core.util.Context;
import com.azure.resourcemanager.appcontainers.ContainerAppsApiManager;
import com.azure.resourcemanager.appcontainers.fluent.models.ContainerAppInner;
import com.azure.resourcemanager.appcontainers.models.Configuration;
import com.azure.resourcemanager.appcontainers.models.Ingress;
import com.azure.resourcemanager.appcontainers.models.TrafficWeight;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Review of issue 16: what the SDK's own {@code update(...)} (the path before issue 16) reports for an operation
 * that ends Canceled with an error body, to compare with {@link ContainerAppsPlatform}'s report now.
 */
class Review16SdkCanceledTest {

    private static final String OP = "/providers/Microsoft.App/locations/eastus/containerappOperationStatuses/op-c";

    @RegisterExtension
    static final ArmStub arm = new ArmStub();

    @Test
    @DisplayName("the SDK's own update() on an operation Canceled with {error:{code:OperationCanceled}} reports "
            + "USER_CANCELLED too: the provider's Canceled code is as before issue 16")
    void sdkUpdateOnCanceled() {
        arm.stub(arm.onPatchApp(), aResponse().withStatus(202)
                .withHeader("Azure-AsyncOperation", arm.base() + OP + "?api-version=2025-01-01"));
        arm.server.stubFor(get(urlPathEqualTo(OP)).willReturn(okJson("{\"status\":\"Canceled\",\"error\":{\"code\":"
                + "\"OperationCanceled\",\"message\":\"superseded by another operation\"}}")));
        ContainerAppsApiManager manager = ContainerAppsApiManager.configure().withHttpClient(ArmStub.httpClient())
                .withDefaultPollInterval(Duration.ofMillis(20))
                .authenticate(ArmStub.credential(), new AzureProfile("t", ArmStub.SUBSCRIPTION, new AzureEnvironment(
                        Map.of("resourceManagerEndpointUrl", arm.base(), "managementEndpointUrl", arm.base()))));

        Throwable thrown = catchThrowable(() -> manager.serviceClient().getContainerApps().update(ArmStub.GROUP,
                ArmStub.APP, new ContainerAppInner().withConfiguration(new Configuration().withIngress(new Ingress()
                        .withTraffic(List.of(new TrafficWeight().withRevisionName("r2").withWeight(100))))),
                Context.NONE));

        System.out.println("SDK update() threw " + thrown);
        assertThat(thrown).isInstanceOfSatisfying(ManagementException.class,
                e -> assertThat(e.getValue().getCode()).isEqualTo("USER_CANCELLED"));
    }
}
