package io.releasepipeline.trigger;

import io.releasepipeline.spi.Alert;
import io.releasepipeline.spi.AlertSource;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Fires when a monitoring alert (an Azure Monitor metric alert on 5xx, a log alert) fires for the app while a step
 * is observed: CodeDeploy's alarm rollback. Immutable.
 *
 * @param source where alerts come from (polled, or pushed into an {@link AlertInbox})
 */
public record AlertTrigger(AlertSource source) implements RollbackTrigger {

    /** The name in verdicts and evidence; also {@link Triggers}{@code .}ALERT. */
    public static final String NAME = "alert";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<Signal> signals() {
        return Set.of(Signal.ALERTS);
    }

    @Override
    public TriggerVerdict evaluate(Observations observations, Instant now) {
        if (observations.alerts().isEmpty()) {
            return new TriggerVerdict(NAME, TriggerState.OK, "no alert fired since " + observations.start(), now);
        }
        String alerts = observations.alerts().stream().map(AlertTrigger::describe).collect(Collectors.joining("; "));
        return new TriggerVerdict(NAME, TriggerState.FIRING, alerts, now);
    }

    private static String describe(Alert a) {
        return "alert \"" + a.name() + "\"" + (a.severity().isEmpty() ? "" : " (" + a.severity() + ")") + " fired at "
                + a.firedAt() + (a.description().isEmpty() ? "" : ": " + a.description());
    }
}
