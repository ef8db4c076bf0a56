package io.releasepipeline.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.spi.Alert;
import io.releasepipeline.trigger.AlertInbox;
import io.releasepipeline.trigger.AlertInbox.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The bounds of {@link AlertInbox}: time bounds on what arrives, expiry, the cap, out-of-order deliveries and
 * concurrent use. Time is the virtual clock's.
 */
class AlertInboxTest {

    private VirtualClock clock;
    private AlertInbox inbox;
    private Instant now;

    @BeforeEach
    void setUp() {
        clock = new VirtualClock();
        inbox = new AlertInbox(clock);
        now = clock.now();
    }

    private static Alert alert(String id, Instant firedAt) {
        return new Alert(id, "rule-" + id, "Sev1", firedAt, "", Optional.empty());
    }

    private List<String> firingIds() {
        return inbox.firing(Instant.EPOCH).stream().map(Alert::id).toList();
    }

    @Test
    @DisplayName("an alert fired in 2099 is rejected, saying why; one a few minutes ahead (clock skew) fires")
    void futureAlertsRejected() {
        AlertInbox.Receipt future = inbox.fired(alert("a", Instant.parse("2099-01-01T00:00:00Z")));

        assertThat(future.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(future.message()).contains("2099-01-01T00:00:00Z", "more than 5m after now", "maxClockSkew");
        assertThat(inbox.fired(alert("b", now.plus(Duration.ofMinutes(5)).plusSeconds(1))).outcome())
                .isEqualTo(Outcome.REJECTED);
        assertThat(firingIds()).isEmpty();
        assertThat(inbox.size()).isZero();

        assertThat(inbox.fired(alert("c", now.plus(Duration.ofMinutes(4)))).outcome()).isEqualTo(Outcome.FIRING);
        assertThat(firingIds()).containsExactly("c");

        AlertInbox strict = AlertInbox.builder(clock).maxClockSkew(Duration.ZERO).build();
        assertThat(strict.fired(alert("d", now.plusSeconds(1))).outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(strict.fired(alert("d", now)).outcome()).isEqualTo(Outcome.FIRING);
    }

    @Test
    @DisplayName("an alert fired more than the max age ago (24 h) is rejected; a resolve in the future too")
    void oldAlertsAndFutureResolvesRejected() {
        AlertInbox.Receipt old = inbox.fired(alert("a", now.minus(Duration.ofHours(25))));

        assertThat(old.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(old.message()).contains("more than 24h before now", "maxAge");
        assertThat(inbox.fired(alert("b", now.minus(Duration.ofHours(23)))).outcome()).isEqualTo(Outcome.FIRING);

        AlertInbox.Receipt futureResolve = inbox.resolved("b", Instant.parse("2099-01-01T00:00:00Z"));
        assertThat(futureResolve.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(firingIds()).as("a rejected resolve changes nothing").containsExactly("b");
        assertThat(inbox.resolved("b", now.minus(Duration.ofHours(30))).outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(firingIds()).containsExactly("b");
    }

    @Test
    @DisplayName("a firing alert expires after the max age even if it never resolves; a resolved one is forgotten")
    void expiry() {
        inbox.fired(alert("never-resolved", now));
        inbox.fired(alert("resolved", now));
        inbox.resolved("resolved", now.plusSeconds(60));

        clock.advance(Duration.ofHours(24).minusSeconds(1));
        assertThat(firingIds()).containsExactly("never-resolved");
        assertThat(inbox.size()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(2));
        assertThat(firingIds()).isEmpty();
        assertThat(inbox.size()).as("the resolved one is remembered for 24 h after it resolved").isEqualTo(1);

        clock.advance(Duration.ofMinutes(1));
        assertThat(inbox.size()).isZero();

        AlertInbox hourly = AlertInbox.builder(clock).maxAge(Duration.ofHours(1)).build();
        hourly.fired(alert("x", clock.now()));
        clock.advance(Duration.ofMinutes(61));
        assertThat(hourly.firing(Instant.EPOCH)).isEmpty();
    }

    @Test
    @DisplayName("a flood of 20,000 distinct ids leaves the cap (1,000), logs one warning, keeps the newest")
    void capUnderFlood() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            for (int i = 0; i < 20_000; i++) {
                inbox.fired(alert("flood-" + i, now));
            }
        } finally {
            System.setErr(original);
        }

        assertThat(inbox.size()).isEqualTo(AlertInbox.DEFAULT_MAX_ENTRIES);
        assertThat(inbox.evictions()).isEqualTo(19_000);
        assertThat(firingIds()).hasSize(1_000).first().isEqualTo("flood-19000");
        assertThat(firingIds()).last().isEqualTo("flood-19999");
        assertThat(err.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("AlertInbox is full")))
                .singleElement().satisfies(l -> assertThat(l).contains("WARN", "1000", "maxEntries"));
    }

    @Test
    @DisplayName("when full, remembered resolved alerts make room before firing ones")
    void resolvedEvictedFirst() {
        AlertInbox small = AlertInbox.builder(clock).maxEntries(3).build();
        small.fired(alert("firing-1", now));
        small.fired(alert("gone", now));
        small.resolved("gone", now.plusSeconds(1));
        small.fired(alert("firing-2", now));

        small.fired(alert("firing-3", now));
        assertThat(small.firing(Instant.EPOCH)).extracting(Alert::id)
                .containsExactly("firing-1", "firing-2", "firing-3");

        small.fired(alert("firing-4", now));
        assertThat(small.firing(Instant.EPOCH)).extracting(Alert::id)
                .containsExactly("firing-2", "firing-3", "firing-4");
        assertThat(small.size()).isEqualTo(3);
        assertThat(small.evictions()).isEqualTo(2);
    }

    @Test
    @DisplayName("a Fired delivered after its Resolved (late or repeated) does not fire again; a later firing does")
    void lateFiredAfterResolved() {
        Instant fired = now.minusSeconds(600);
        inbox.fired(alert("a", fired));
        assertThat(inbox.resolved("a", now.minusSeconds(60)).outcome()).isEqualTo(Outcome.RESOLVED);

        AlertInbox.Receipt late = inbox.fired(alert("a", fired));
        assertThat(late.outcome()).isEqualTo(Outcome.IGNORED);
        assertThat(late.message()).contains("already resolved");
        assertThat(firingIds()).isEmpty();

        assertThat(inbox.fired(alert("a", now)).outcome()).as("fired after it resolved: firing again")
                .isEqualTo(Outcome.FIRING);
        assertThat(firingIds()).containsExactly("a");
    }

    @Test
    @DisplayName("a Resolved overtaking its Fired: a no-op for what fires, and the Fired that follows is ignored")
    void resolvedBeforeFired() {
        inbox.fired(alert("other", now));

        AlertInbox.Receipt early = inbox.resolved("a", now.minusSeconds(30));
        assertThat(early.outcome()).isEqualTo(Outcome.IGNORED);
        assertThat(early.message()).contains("not firing");
        assertThat(firingIds()).containsExactly("other");

        assertThat(inbox.fired(alert("a", now.minusSeconds(300))).outcome()).isEqualTo(Outcome.IGNORED);
        assertThat(firingIds()).containsExactly("other");
        assertThat(inbox.resolved("unknown").outcome()).isEqualTo(Outcome.IGNORED);
        assertThat(firingIds()).containsExactly("other");
    }

    @Test
    @DisplayName("a late Resolved of an earlier firing does not clear the alert firing again since")
    void lateResolvedOfEarlierFiring() {
        inbox.fired(alert("a", now));

        assertThat(inbox.resolved("a", now.minusSeconds(120)).outcome()).isEqualTo(Outcome.IGNORED);
        assertThat(firingIds()).containsExactly("a");
        assertThat(inbox.resolved("a").outcome()).as("resolved now").isEqualTo(Outcome.RESOLVED);
        assertThat(firingIds()).isEmpty();
    }

    @Test
    @DisplayName("thread-safe: eight threads firing and resolving 2,000 ids each while others read stay within the cap")
    void concurrentUse() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(10);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                work.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 2_000; i++) {
                        inbox.fired(alert(thread + "-" + i, now));
                        if (i % 3 == 0) {
                            inbox.resolved(thread + "-" + i, now.plusSeconds(1));
                        }
                    }
                    return null;
                }));
            }
            for (int r = 0; r < 2; r++) {
                work.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 500; i++) {
                        assertThat(inbox.firing(Instant.EPOCH).size()).isLessThanOrEqualTo(1_000);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : work) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(inbox.size()).isEqualTo(1_000);
        // A resolve can re-add an id another thread's firing evicted in between: at least every surplus id went.
        assertThat(inbox.evictions()).isGreaterThanOrEqualTo(8 * 2_000 - 1_000);
    }

    @Test
    @DisplayName("the builder reports every bad bound at once")
    void builderValidation() {
        assertThatThrownBy(() -> AlertInbox.builder(clock).maxEntries(0).maxAge(Duration.ofSeconds(5))
                .maxClockSkew(Duration.ofMinutes(-1)).build())
                .isInstanceOf(InvalidConfigurationException.class)
                .satisfies(e -> assertThat(((InvalidConfigurationException) e).problems()).hasSize(3));
        assertThatThrownBy(() -> AlertInbox.builder(null)).isInstanceOf(NullPointerException.class);
        assertThat(new AlertInbox(clock).toString()).isEqualTo("AlertInbox[maxEntries=1000, maxAge=24h, "
                + "maxClockSkew=5m]");
    }
}
