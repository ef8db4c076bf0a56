package io.releasepipeline.azure;

import io.releasepipeline.testkit.contract.PlatformProviderContract;
import java.time.Instant;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The platform contract, kept by the Container Apps provider over WireMock HTTPS with the stateful Resource Manager
 * stand-in: an app in Multiple revision mode, {@code backend--r1} active at 100%, {@code backend--r2} provisioned
 * but inactive. (In Single mode a provider cannot move traffic at all, which the contract's rollback sequence
 * needs; the provider's Single-mode behaviour is tested in {@code ContainerAppsPlatformTest}.)
 */
class ContainerAppsPlatformContractTest extends PlatformProviderContract {

    private static final ArmStandIn STAND_IN = new ArmStandIn();

    @RegisterExtension
    static final ArmStub arm = STAND_IN.serve();

    @Override
    protected PlatformFixture fixture() {
        STAND_IN.reset().revision("backend--r2", Instant.parse("2026-01-05T07:00:00Z"), false)
                .revision("backend--r1", Instant.parse("2026-01-05T08:00:00Z"), true).serving("backend--r1");
        return new PlatformFixture(arm.platform().build(), "backend--r1", "backend--r2");
    }
}
