package io.releasepipeline.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.spi.Incident;
import io.releasepipeline.spi.IncidentProvider;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link IncidentProvider} keeps, as JUnit 5 tests. A provider's test extends this class and
 * implements {@link #fixture()}: a source with one known open incident (e.g. a GitHub issue labelled
 * {@code SEV-1} in a WireMock stub).
 */
public abstract class IncidentProviderContract {

    /**
     * What the contract reads.
     *
     * @param provider the provider under test
     * @param openIncidentId the id of an open incident
     * @param severity its severity, e.g. {@code SEV-1}
     */
    public record IncidentFixture(IncidentProvider provider, String openIncidentId, String severity) {

        /**
         * Validates.
         *
         * @param provider the provider under test
         * @param openIncidentId the id of an open incident
         * @param severity its severity, e.g. {@code SEV-1}
         */
        public IncidentFixture {
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(openIncidentId, "openIncidentId");
            Objects.requireNonNull(severity, "severity");
        }
    }

    /**
     * A provider with the fixture's open incident. Called before each test.
     *
     * @return a provider with the fixture's open incident
     */
    protected abstract IncidentFixture fixture();

    /** A severity no source uses. */
    protected static final String UNUSED_SEVERITY = "SEV-UNUSED-9";

    private IncidentFixture f;

    /** Takes a fresh fixture. */
    @BeforeEach
    void takeFixture() {
        f = fixture();
    }

    /** Filtering open incidents by severity. */
    @Nested
    @DisplayName("open incidents")
    class OpenIncidents {

        @Test
        @DisplayName("names itself")
        void names() {
            assertThat(f.provider().providerName()).isNotBlank();
        }

        @Test
        @DisplayName("an open incident of a wanted severity is reported with its id and severity")
        void reportsOpen() {
            assertThat(f.provider().openIncidents(Set.of(f.severity())))
                    .anySatisfy(i -> {
                        assertThat(i.id()).isEqualTo(f.openIncidentId());
                        assertThat(i.severity()).isEqualToIgnoringCase(f.severity());
                    });
        }

        @Test
        @DisplayName("severities match ignoring case")
        void ignoresCase() {
            assertThat(f.provider().openIncidents(Set.of(f.severity().toLowerCase(Locale.ROOT))))
                    .extracting(Incident::id).contains(f.openIncidentId());
            assertThat(f.provider().openIncidents(Set.of(f.severity().toUpperCase(Locale.ROOT))))
                    .extracting(Incident::id).contains(f.openIncidentId());
        }

        @Test
        @DisplayName("only wanted severities are reported")
        void filters() {
            assertThat(f.provider().openIncidents(Set.of(UNUSED_SEVERITY))).isEmpty();
            assertThat(f.provider().openIncidents(Set.of(f.severity())))
                    .allSatisfy(i -> assertThat(i.severity()).isEqualToIgnoringCase(f.severity()));
        }

        @Test
        @DisplayName("no severity asked, no incident reported")
        void noSeverities() {
            assertThat(f.provider().openIncidents(Set.of())).isEmpty();
        }
    }
}
