package io.releasepipeline.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.spi.ErrorRateReading;
import io.releasepipeline.spi.HealthSignalProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link HealthSignalProvider} keeps, as JUnit 5 tests. A provider's test extends this class
 * and implements {@link #fixture()}: a window in which one revision received requests and another none (e.g. an
 * Azure Monitor metrics response stubbed in WireMock).
 */
public abstract class HealthSignalProviderContract {

    /**
     * What the contract reads.
     *
     * @param provider the provider under test
     * @param busyRevision a revision that received requests between {@code from} and {@code to}
     * @param idleRevision a revision that received none in that window
     * @param from the window's start
     * @param to the window's end, not in the future
     */
    public record HealthFixture(HealthSignalProvider provider, String busyRevision, String idleRevision,
            Instant from, Instant to) {

        /**
         * Validates.
         *
         * @param provider the provider under test
         * @param busyRevision a revision that received requests between {@code from} and {@code to}
         * @param idleRevision a revision that received none in that window
         * @param from the window's start
         * @param to the window's end, not in the future
         */
        public HealthFixture {
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(busyRevision, "busyRevision");
            Objects.requireNonNull(idleRevision, "idleRevision");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            if (!from.isBefore(to)) {
                throw new IllegalArgumentException("the window needs from < to");
            }
        }
    }

    /**
     * A provider with the fixture's busy and idle revisions. Called before each test.
     *
     * @return a provider with the fixture's busy and idle revisions
     */
    protected abstract HealthFixture fixture();

    /**
     * How far behind the window asked for the provider is expected to read, e.g. a log source's ingestion delay: its
     * {@link HealthSignalProvider#readsBehind()} must say so, and its readings name the interval it judged, the window
     * shifted back by this much. Default: zero, the window as asked.
     *
     * @return how far behind the window asked for the provider is expected to read, e.g. a log source's ingestion
     *     delay: its {@link HealthSignalProvider#readsBehind()} must say so, and its readings name the interval it
     *     judged, the window shifted back by this much
     */
    protected Duration readsBehind() {
        return Duration.ZERO;
    }

    private HealthFixture f;

    /** Takes a fresh fixture. */
    @BeforeEach
    void takeFixture() {
        f = fixture();
    }

    /** Error-rate readings. */
    @Nested
    @DisplayName("error rate")
    class ErrorRate {

        @Test
        @DisplayName("names itself")
        void names() {
            assertThat(f.provider().providerName()).isNotBlank();
        }

        @Test
        @DisplayName("a window without requests is NoData, never a zero rate")
        void idleIsNoData() {
            assertThat(f.provider().errorRate(f.idleRevision(), f.from(), f.to()))
                    .isInstanceOf(ErrorRateReading.NoData.class);
        }

        @Test
        @DisplayName("a window with requests is measured: 1 <= requests and 0 <= 5xx <= requests")
        void busyIsMeasured() {
            assertThat(f.provider().errorRate(f.busyRevision(), f.from(), f.to()))
                    .isInstanceOfSatisfying(ErrorRateReading.Measured.class, m -> {
                        assertThat(m.requests()).isPositive();
                        assertThat(m.serverErrors()).isBetween(0L, m.requests());
                        assertThat(m.rate()).isBetween(0.0, 1.0);
                    });
        }

        @Test
        @DisplayName("a reading names the revision asked for and the window it judged: the one asked for, shifted "
                + "back by readsBehind()")
        void echoesQuery() {
            for (String revision : new String[] {f.busyRevision(), f.idleRevision()}) {
                ErrorRateReading r = f.provider().errorRate(revision, f.from(), f.to());
                assertThat(r.revision()).isEqualTo(revision);
                assertThat(r.from()).isEqualTo(f.from().minus(readsBehind()));
                assertThat(r.to()).isEqualTo(f.to().minus(readsBehind()));
            }
        }

        @Test
        @DisplayName("readsBehind() says how far behind the window asked for it reads, as its readings show")
        void saysHowFarBehindItReads() {
            assertThat(f.provider().readsBehind()).isEqualTo(readsBehind());
            ErrorRateReading r = f.provider().errorRate(f.busyRevision(), f.from(), f.to());
            assertThat(Duration.between(r.to(), f.to())).isEqualTo(f.provider().readsBehind());
        }

        @Test
        @DisplayName("reads are idempotent: the same window reads the same")
        void idempotent() {
            assertThat(f.provider().errorRate(f.busyRevision(), f.from(), f.to()))
                    .isEqualTo(f.provider().errorRate(f.busyRevision(), f.from(), f.to()));
        }
    }
}
