package io.releasepipeline.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static io.releasepipeline.azure.ArmStub.APP_PATH;
import static io.releasepipeline.azure.ArmStub.alertJson;
import static io.releasepipeline.azure.ArmStub.armError;
import static io.releasepipeline.azure.ArmStub.page;

import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.releasepipeline.testkit.contract.AlertSourceContract;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The alert source contract, kept by the polled Azure Monitor alerts against WireMock over HTTPS answering with the
 * Alerts Management list shape. The hooks change the stubbed answer: firing adds the rule's alert (Fired, New,
 * started at the instant given) to the app's list, resolving takes it out, as the service's
 * {@code monitorCondition=Fired} filter does once Azure Monitor resolves an alert. Any other query of the list is a
 * 400, so a source that asked for something else would fail rather than read a list meant for another query.
 */
class AzureMonitorAlertsContractTest extends AlertSourceContract {

    @RegisterExtension
    static final ArmStub arm = new ArmStub();

    @Override
    protected AlertFixture fixture() {
        arm.reset();
        arm.stub(arm.onAlerts().atPriority(9), armError(400, "BadRequest", "not the query the contract stubs"));
        AlertList list = new AlertList();
        list.publish();
        return new AlertFixture(arm.alerts().build(), list);
    }

    /** The app's alerts as the service lists them for the source's query; each change replaces the stubbed answer. */
    private static final class AlertList implements Alerting {

        private final Map<String, String> fired = new LinkedHashMap<>();
        private StubMapping answer;

        @Override
        public void fire(String rule, Instant at) {
            fired.put(rule, alertJson("guid-" + rule, rule, "Sev1", at, rule + " fired on " + ArmStub.APP));
            publish();
        }

        @Override
        public void resolve(String rule) {
            fired.remove(rule);
            publish();
        }

        void publish() {
            if (answer != null) {
                arm.server.removeStub(answer);
            }
            answer = arm.server.stubFor(arm.onAlerts().atPriority(1)
                    .withQueryParam("targetResource", equalTo(APP_PATH))
                    .withQueryParam("monitorCondition", equalTo("Fired"))
                    .withQueryParam("alertState", equalTo("New"))
                    .willReturn(okJson(page(new ArrayList<>(fired.values()), null))));
        }
    }
}
