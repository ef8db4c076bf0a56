package io.releasepipeline.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.error.ProviderException;
import io.releasepipeline.spi.Incident;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FakeIncidentsTest {

    @Test
    void anIncidentResolvedMidReleaseIsNoLongerReported() {
        VirtualClock clock = new VirtualClock();
        FakeIncidents incidents = new FakeIncidents().open("INC-7", "SEV-2").open("INC-8", "SEV-3");
        clock.scheduleAt(Duration.ofMinutes(3), () -> incidents.resolve("INC-7"));

        assertThat(incidents.openIncidents(Set.of("sev-1", "sev-2"))).extracting(Incident::id)
                .containsExactly("INC-7");
        clock.advance(Duration.ofMinutes(3));
        assertThat(incidents.openIncidents(Set.of("SEV-1", "SEV-2"))).isEmpty();
    }

    @Test
    void aSourceThatIsDownFailsInsteadOfReportingNoIncident() {
        FakeIncidents incidents = new FakeIncidents();
        incidents.failAlways("openIncidents");
        assertThatThrownBy(() -> incidents.openIncidents(Set.of("SEV-1"))).isInstanceOf(ProviderException.class);
    }
}
