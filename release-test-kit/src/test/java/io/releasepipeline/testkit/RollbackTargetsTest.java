package io.releasepipeline.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.RollbackTargets;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.spi.AppTraffic;
import io.releasepipeline.spi.Revision;
import io.releasepipeline.spi.RevisionMode;
import io.releasepipeline.spi.TrafficWeights;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The previous revision with the fewest reads: the history's latest good revision is looked up alone, and the
 * revisions are listed (every page) only when it cannot be used; the answer is the one the full list gives.
 */
class RollbackTargetsTest {

    private static final Instant NOW = Instant.parse("2026-01-05T09:00:00Z");
    private static final AppTraffic SERVING_V3 = new AppTraffic(RevisionMode.MULTIPLE, TrafficWeights.all("v3"),
            Optional.of("v3"), Optional.of("v3"));

    private final List<String> reads = new ArrayList<>();

    private static Revision revision(String name, int ageDays, boolean failed) {
        return new Revision(name, NOW.minus(Duration.ofDays(ageDays)), true, 0, Revision.Health.HEALTHY,
                failed ? Revision.Provisioning.FAILED : Revision.Provisioning.PROVISIONED,
                failed ? Revision.Running.FAILED : Revision.Running.RUNNING, Optional.empty(), Optional.empty());
    }

    private Function<String, Optional<Revision>> lookup(List<Revision> platform) {
        return name -> {
            reads.add("revision(" + name + ")");
            return platform.stream().filter(r -> r.name().equals(name)).findFirst();
        };
    }

    private Supplier<List<Revision>> list(List<Revision> platform) {
        return () -> {
            reads.add("listRevisions");
            return platform;
        };
    }

    private static List<ReleaseRecord> history(String... promoted) {
        List<ReleaseRecord> records = new ArrayList<>();
        for (int i = 0; i < promoted.length; i++) {
            records.add(FakeEvidenceStore.promotedRecord("app", "r" + i, promoted[i], NOW.minus(Duration.ofHours(i))));
        }
        return records;
    }

    @Test
    @DisplayName("the history's latest good revision, usable: one lookup, no list")
    void oneLookup() {
        List<Revision> platform = List.of(revision("v1", 3, false), revision("v2", 2, false), revision("v3", 1,
                false));

        assertThat(RollbackTargets.previous(SERVING_V3, lookup(platform), list(platform), history("v3", "v2")))
                .contains("v2");
        assertThat(reads).containsExactly("revision(v2)");
    }

    @Test
    @DisplayName("that revision failed or is gone: the list decides, and gives what the list alone gives")
    void fallsBackToTheList() {
        List<Revision> failed = List.of(revision("v1", 3, false), revision("v2", 2, true), revision("v3", 1, false));
        List<Revision> gone = List.of(revision("v1", 3, false), revision("v3", 1, false));
        for (List<Revision> platform : List.of(failed, gone)) {
            reads.clear();
            Optional<String> fewer = RollbackTargets.previous(SERVING_V3, lookup(platform), list(platform),
                    history("v3", "v2", "v1"));

            assertThat(fewer).contains("v1");
            assertThat(reads).containsExactly("revision(v2)", "listRevisions");
            assertThat(RollbackTargets.previous(SERVING_V3, () -> platform, history("v3", "v2", "v1")))
                    .isEqualTo(fewer);
        }
    }

    @Test
    @DisplayName("no history: the list alone, read once, the newest revision older than the serving one")
    void noHistory() {
        List<Revision> platform = List.of(revision("v1", 3, false), revision("v2", 2, false), revision("v3", 1,
                false));

        assertThat(RollbackTargets.previous(SERVING_V3, lookup(platform), list(platform), List.of())).contains("v2");
        assertThat(reads).containsExactly("listRevisions");
        reads.clear();
        assertThat(RollbackTargets.previous(SERVING_V3, list(platform), List.of())).contains("v2");
        assertThat(reads).as("the list-only form lists once too").containsExactly("listRevisions");
    }
}
