package io.releasepipeline.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.spi.Alert;
import io.releasepipeline.spi.AlertSource;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link AlertSource} keeps, as JUnit 5 tests. A provider's test extends this class and
 * implements {@link #fixture()}: the source, and {@link Alerting} hooks that make an alert rule fire at a given
 * instant and resolve it where the source reads alerts (push it to an inbox; for a polled source, change the
 * stubbed API's answer).
 *
 * <pre>{@code
 * class AlertInboxContractTest extends AlertSourceContract {
 *     protected AlertFixture fixture() {
 *         AlertInbox inbox = new AlertInbox(new VirtualClock());
 *         return new AlertFixture(inbox, new Alerting() { ...inbox.fired(...) / inbox.resolved(...)... });
 *     }
 * }
 * }</pre>
 *
 * <p>{@link #fixture()} is called before each test and must return a source over fresh state: nothing firing.
 * The kit's alerts fire around {@link #FIRED_AT}, in the past of any real clock.
 */
public abstract class AlertSourceContract {

    /** When the kit's alert fires. */
    protected static final Instant FIRED_AT = Instant.parse("2026-01-05T09:01:30Z");
    /** The start of the observation the kit reads: a little before {@link #FIRED_AT}. */
    protected static final Instant SINCE = FIRED_AT.minus(Duration.ofSeconds(90));

    /** Makes an alert rule fire or resolve where the source under test reads alerts. */
    public interface Alerting {

        /**
         * Alert rule {@code rule} fires at {@code at}, and is firing from then on.
         *
         * @param rule the alert rule's name
         * @param at when it fires
         */
        void fire(String rule, Instant at);

        /**
         * Alert rule {@code rule}'s alert resolves: it is no longer firing.
         *
         * @param rule the alert rule's name
         */
        void resolve(String rule);
    }

    /**
     * What the contract acts on.
     *
     * @param source the source under test, over fresh state
     * @param alerting makes alerts fire and resolve where {@code source} reads them
     */
    public record AlertFixture(AlertSource source, Alerting alerting) {

        /**
         * Validates.
         *
         * @param source the source under test, over fresh state
         * @param alerting makes alerts fire and resolve where {@code source} reads them
         */
        public AlertFixture {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(alerting, "alerting");
        }
    }

    /**
     * A source over fresh state with nothing firing, and its hooks. Called before each test.
     *
     * @return a source over fresh state with nothing firing, and its hooks
     */
    protected abstract AlertFixture fixture();

    private AlertFixture f;
    private AlertSource source;

    /** Takes a fresh fixture. */
    @BeforeEach
    void takeFixture() {
        f = fixture();
        source = f.source();
    }

    /** Reading the alerts firing since an instant. */
    @Nested
    @DisplayName("firing")
    class Firing {

        @Test
        @DisplayName("names itself")
        void names() {
            assertThat(source.providerName()).isNotBlank();
        }

        @Test
        @DisplayName("nothing firing reads as an empty list")
        void nothing() {
            assertThat(source.firing(SINCE)).isEmpty();
        }

        @Test
        @DisplayName("an alert that fired after since is listed with its rule's name and when it fired")
        void listed() {
            f.alerting().fire("backend-5xx-above-5pct", FIRED_AT);

            assertThat(source.firing(SINCE)).singleElement().satisfies(a -> {
                assertThat(a.name()).isEqualTo("backend-5xx-above-5pct");
                assertThat(a.firedAt()).isEqualTo(FIRED_AT);
                assertThat(a.id()).isNotBlank();
            });
        }

        @Test
        @DisplayName("an alert that fired exactly at since is listed: since is inclusive")
        void sinceInclusive() {
            f.alerting().fire("backend-5xx-above-5pct", FIRED_AT);

            assertThat(source.firing(FIRED_AT)).extracting(Alert::name).containsExactly("backend-5xx-above-5pct");
        }

        @Test
        @DisplayName("an alert that fired before since is not listed, though it still fires")
        void beforeSinceExcluded() {
            f.alerting().fire("backend-5xx-above-5pct", FIRED_AT);

            assertThat(source.firing(FIRED_AT.plusSeconds(1))).isEmpty();
            assertThat(source.firing(SINCE)).isNotEmpty();
        }

        @Test
        @DisplayName("of two firing alerts, only the one that fired at or after since is listed")
        void onlyRecent() {
            f.alerting().fire("backend-cpu-above-90pct", SINCE.minusSeconds(60));
            f.alerting().fire("backend-5xx-above-5pct", FIRED_AT);

            assertThat(source.firing(SINCE)).extracting(Alert::name).containsExactly("backend-5xx-above-5pct");
            assertThat(source.firing(SINCE.minusSeconds(60))).extracting(Alert::name)
                    .containsExactlyInAnyOrder("backend-cpu-above-90pct", "backend-5xx-above-5pct");
        }

        @Test
        @DisplayName("a resolved alert is not listed; the others still are")
        void resolved() {
            f.alerting().fire("backend-5xx-above-5pct", FIRED_AT);
            f.alerting().fire("backend-latency-p99", FIRED_AT.plusSeconds(30));
            f.alerting().resolve("backend-5xx-above-5pct");

            assertThat(source.firing(SINCE)).extracting(Alert::name).containsExactly("backend-latency-p99");
        }

        @Test
        @DisplayName("resolving an alert that is not firing changes nothing that fires")
        void resolvingWhatDoesNotFire() {
            f.alerting().fire("backend-5xx-above-5pct", FIRED_AT);
            f.alerting().resolve("backend-latency-p99");

            assertThat(source.firing(SINCE)).extracting(Alert::name).containsExactly("backend-5xx-above-5pct");
        }

        @Test
        @DisplayName("an alert that fires again after it resolved is listed again")
        void firesAgain() {
            f.alerting().fire("backend-5xx-above-5pct", FIRED_AT);
            f.alerting().resolve("backend-5xx-above-5pct");
            f.alerting().fire("backend-5xx-above-5pct", FIRED_AT.plusSeconds(60));

            assertThat(source.firing(SINCE)).singleElement().satisfies(a -> {
                assertThat(a.name()).isEqualTo("backend-5xx-above-5pct");
                assertThat(a.firedAt()).isEqualTo(FIRED_AT.plusSeconds(60));
            });
        }

        @Test
        @DisplayName("reads are idempotent: reading twice lists the same alerts")
        void idempotent() {
            f.alerting().fire("backend-5xx-above-5pct", FIRED_AT);
            f.alerting().fire("backend-latency-p99", FIRED_AT.plusSeconds(30));

            assertThat(source.firing(SINCE)).hasSize(2).isEqualTo(source.firing(SINCE));
        }
    }
}
