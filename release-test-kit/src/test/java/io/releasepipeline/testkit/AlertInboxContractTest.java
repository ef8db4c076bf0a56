package io.releasepipeline.testkit;

import io.releasepipeline.spi.Alert;
import io.releasepipeline.testkit.contract.AlertSourceContract;
import io.releasepipeline.trigger.AlertInbox;
import java.time.Instant;
import java.util.Optional;

/**
 * {@link AlertInbox} keeps the alert source contract: a webhook's fired alert is pushed to it with the rule's name
 * as its id, and resolving clears that id. Its own bounds (time, cap, expiry, out-of-order) are in
 * {@link AlertInboxTest}.
 */
class AlertInboxContractTest extends AlertSourceContract {

    @Override
    protected AlertFixture fixture() {
        AlertInbox inbox = new AlertInbox(new VirtualClock());
        return new AlertFixture(inbox, new Alerting() {
            @Override
            public void fire(String rule, Instant at) {
                inbox.fired(new Alert("alert/" + rule, rule, "Sev1", at, rule + " fired", Optional.empty()));
            }

            @Override
            public void resolve(String rule) {
                inbox.resolved("alert/" + rule);
            }
        });
    }
}
