package io.releasepipeline.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.error.ProviderException;
import io.releasepipeline.spi.AppTraffic;
import io.releasepipeline.spi.PlatformProvider;
import io.releasepipeline.spi.Revision;
import io.releasepipeline.spi.RevisionMode;
import io.releasepipeline.spi.TrafficWeights;
import java.util.Objects;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link PlatformProvider} keeps, as JUnit 5 tests. A provider's test extends this class and
 * implements {@link #fixture()}; every test here then runs against it.
 *
 * <pre>{@code
 * class AzurePlatformContractTest extends PlatformProviderContract {
 *     @RegisterExtension static WireMockExtension arm = ...;   // stateful stubs of the Container Apps API
 *     protected PlatformFixture fixture() {
 *         return new PlatformFixture(new AzurePlatform(...arm.baseUrl()...), "backend--v1", "backend--v2");
 *     }
 * }
 * }</pre>
 *
 * <p>Tests change traffic and activation, so {@link #fixture()} is called before each test and must return a
 * provider over fresh state.
 */
public abstract class PlatformProviderContract {

    /**
     * What the contract acts on.
     *
     * @param provider the provider under test
     * @param stableRevision a ready, active revision serving 100% of the traffic
     * @param secondRevision another ready revision, active or not, with no traffic
     */
    public record PlatformFixture(PlatformProvider provider, String stableRevision, String secondRevision) {

        /**
         * Validates.
         *
         * @param provider the provider under test
         * @param stableRevision a ready, active revision serving 100% of the traffic
         * @param secondRevision another ready revision, active or not, with no traffic
         */
        public PlatformFixture {
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(stableRevision, "stableRevision");
            Objects.requireNonNull(secondRevision, "secondRevision");
            if (stableRevision.equals(secondRevision)) {
                throw new IllegalArgumentException("the fixture needs two different revisions");
            }
        }
    }

    /**
     * A provider over fresh state whose app has {@code stableRevision} active at 100% and a second ready revision
     * without traffic. Called before each test.
     *
     * @return a provider over fresh state whose app has {@code stableRevision} active at 100% and a second ready
     *     revision without traffic
     */
    protected abstract PlatformFixture fixture();

    private PlatformProvider platform;
    private String stable;
    private String second;

    /** Takes a fresh fixture. */
    @BeforeEach
    void takeFixture() {
        PlatformFixture f = fixture();
        platform = f.provider();
        stable = f.stableRevision();
        second = f.secondRevision();
    }

    /** A revision name no platform has. */
    protected static final String UNKNOWN_REVISION = "no-such-revision-7f3a";

    /** Reading revisions. */
    @Nested
    @DisplayName("reading revisions")
    class Reading {

        @Test
        @DisplayName("names itself and its app")
        void names() {
            assertThat(platform.providerName()).isNotBlank();
            assertThat(platform.appName()).isNotBlank();
        }

        @Test
        @DisplayName("listRevisions returns every revision, active or not")
        void listsBoth() {
            assertThat(platform.listRevisions()).extracting(Revision::name).contains(stable, second);
        }

        @Test
        @DisplayName("revision(name) returns the revision with its traffic weight")
        void readsOne() {
            Revision r = platform.revision(stable).orElseThrow();
            assertThat(r.name()).isEqualTo(stable);
            assertThat(r.active()).isTrue();
            assertThat(r.trafficWeight()).isEqualTo(100);
            assertThat(r.isReady()).isTrue();
            assertThat(platform.revision(second)).get().extracting(Revision::trafficWeight).isEqualTo(0);
        }

        @Test
        @DisplayName("revision(unknown) is empty, not an exception")
        void unknownIsEmpty() {
            assertThat(platform.revision(UNKNOWN_REVISION)).isEmpty();
        }

        @Test
        @DisplayName("reads are idempotent")
        void readsTwice() {
            assertThat(platform.revision(stable)).isEqualTo(platform.revision(stable));
            assertThat(platform.traffic()).isEqualTo(platform.traffic());
        }
    }

    /** Reading and changing the traffic split. */
    @Nested
    @DisplayName("traffic")
    class Traffic {

        @Test
        @DisplayName("traffic() reports weights summing to 100, all of it on the stable revision")
        void sumsTo100() {
            AppTraffic t = platform.traffic();
            assertThat(t.weights().weights().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(100);
            assertThat(t.weights().withoutZeros()).isEqualTo(TrafficWeights.all(stable));
        }

        @Test
        @DisplayName("the revisions' weights sum to 100 as well")
        void revisionWeightsSumTo100() {
            assertThat(platform.listRevisions().stream().mapToInt(Revision::trafficWeight).sum()).isEqualTo(100);
        }

        @Test
        @DisplayName("setTraffic is read back by traffic() and by the revisions (a split is refused in Single mode)")
        void readBack() {
            platform.activate(second);
            TrafficWeights canary = TrafficWeights.split(stable, second, 10);
            if (platform.traffic().mode() == RevisionMode.SINGLE) {
                assertThatThrownBy(() -> platform.setTraffic(canary)).isInstanceOf(ProviderException.class);
                assertThat(platform.traffic().weights().withoutZeros()).isEqualTo(TrafficWeights.all(stable));
                return;
            }
            platform.setTraffic(canary);
            assertThat(platform.traffic().weights().withoutZeros()).isEqualTo(canary);
            assertThat(platform.revision(second)).get().extracting(Revision::trafficWeight).isEqualTo(10);
            assertThat(platform.revision(stable)).get().extracting(Revision::trafficWeight).isEqualTo(90);
        }

        @Test
        @DisplayName("setTraffic answers what the platform confirmed: the split in place, as traffic() then reports it "
                + "(the engine's confirmation of a change)")
        void answersTheSplitApplied() {
            platform.activate(second);
            TrafficWeights canary = TrafficWeights.split(stable, second, 10);
            if (platform.traffic().mode() == RevisionMode.SINGLE) {
                return; // no split to apply in Single mode; readBack covers the refusal
            }
            AppTraffic confirmed = platform.setTraffic(canary);
            assertThat(confirmed).as("setTraffic's answer").isNotNull();
            assertThat(confirmed.weights().withoutZeros()).isEqualTo(canary);
            AppTraffic read = platform.traffic();
            assertThat(confirmed.weights().withoutZeros()).isEqualTo(read.weights().withoutZeros());
            assertThat(confirmed.mode()).isEqualTo(read.mode());
        }

        @Test
        @DisplayName("setTraffic given the traffic last read does what setTraffic does, and answers the same way")
        void givenWhatWasRead() {
            platform.activate(second);
            AppTraffic read = platform.traffic();
            TrafficWeights target = read.mode() == RevisionMode.SINGLE ? read.weights()
                    : TrafficWeights.split(stable, second, 50);
            AppTraffic confirmed = platform.setTraffic(target, read);
            assertThat(confirmed.weights().withoutZeros()).isEqualTo(target.withoutZeros());
            assertThat(platform.traffic().weights().withoutZeros()).isEqualTo(target.withoutZeros());
        }

        @Test
        @DisplayName("moving traffic is possible in Multiple mode (a platform may also allow it in Single mode)")
        void canMoveTrafficInMultipleMode() {
            assertThat(platform.canMoveTraffic(RevisionMode.MULTIPLE)).isTrue();
        }

        @Test
        @DisplayName("setTraffic is idempotent: sending the split in place succeeds and changes nothing")
        void idempotent() {
            TrafficWeights all = TrafficWeights.all(stable);
            platform.setTraffic(all);
            platform.setTraffic(all);
            assertThat(platform.traffic().weights().withoutZeros()).isEqualTo(all);
        }

        @Test
        @DisplayName("setTraffic to an unknown revision is refused and leaves the split in place")
        void unknownRefused() {
            assertThatThrownBy(() -> platform.setTraffic(TrafficWeights.all(UNKNOWN_REVISION)))
                    .isInstanceOf(ProviderException.class);
            assertThat(platform.traffic().weights().withoutZeros()).isEqualTo(TrafficWeights.all(stable));
        }

        @Test
        @DisplayName("a rollback, activate(previous) then setTraffic(all(previous)), ends with all traffic on it; a "
                + "platform that says it cannot move traffic in the app's mode refuses it and keeps the split")
        void rollbackSequence() {
            if (!platform.canMoveTraffic(platform.traffic().mode())) {
                assertThatThrownBy(() -> platform.setTraffic(TrafficWeights.all(second)))
                        .isInstanceOf(ProviderException.class);
                assertThat(platform.traffic().weights().withoutZeros()).isEqualTo(TrafficWeights.all(stable));
                return;
            }
            platform.activate(second);
            platform.setTraffic(TrafficWeights.all(second));
            assertThat(platform.traffic().weights().withoutZeros()).isEqualTo(TrafficWeights.all(second));

            platform.activate(stable);
            platform.setTraffic(TrafficWeights.all(stable));

            assertThat(platform.traffic().weights().withoutZeros()).isEqualTo(TrafficWeights.all(stable));
            assertThat(platform.revision(stable)).get().extracting(Revision::trafficWeight).isEqualTo(100);
            assertThat(platform.revision(second)).get().extracting(Revision::trafficWeight).isEqualTo(0);
        }
    }

    /** Activating and deactivating revisions. */
    @Nested
    @DisplayName("activation")
    class Activation {

        @Test
        @DisplayName("activate is idempotent: activating an active revision succeeds")
        void activateTwice() {
            platform.activate(second);
            platform.activate(second);
            assertThat(platform.revision(second)).get().extracting(Revision::active).isEqualTo(true);
        }

        @Test
        @DisplayName("deactivate is idempotent and keeps the revision listed")
        void deactivateTwice() {
            platform.activate(second);
            platform.deactivate(second);
            platform.deactivate(second);
            assertThat(platform.revision(second)).get().extracting(Revision::active).isEqualTo(false);
            assertThat(platform.listRevisions()).extracting(Revision::name).contains(second);
        }

        @Test
        @DisplayName("activate(unknown) fails with a ProviderException")
        void activateUnknown() {
            assertThatThrownBy(() -> platform.activate(UNKNOWN_REVISION)).isInstanceOf(ProviderException.class);
        }
    }
}
