package io.releasepipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ReleaseIdTest {

    private static final Instant AT = Instant.parse("2026-12-01T10:15:00Z");

    @Test
    @DisplayName("ids started in the same second differ (two promotes at the same instant get two ids)")
    void uniqueWithinASecond() {
        Set<String> ids = new HashSet<>();
        IntStream.range(0, 2000).forEach(i -> ids.add(Engine.newReleaseId("pr42", AT)));

        assertThat(ids).hasSize(2000);
    }

    @Test
    @DisplayName("ids are readable, sort by start time, and are valid file and blob names")
    void readableAndSortable() {
        String id = Engine.newReleaseId("pr42", AT);
        String later = Engine.newReleaseId("pr42", AT.plusSeconds(1));

        assertThat(id).matches("pr42-20261201-101500-[a-z2-7]{6}");
        assertThat(List.of(later, id)).isSortedAccordingTo((a, b) -> b.compareTo(a));
        assertThat(Engine.newReleaseId("rollback", AT)).matches("rollback-20261201-101500-[a-z2-7]{6}");
    }
}
