package io.releasepipeline.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TrafficWeightsTest {

    @Test
    void mustSumToOneHundred() {
        assertThatThrownBy(() -> new TrafficWeights(Map.of("a", 60, "b", 30)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sum to 100, got 90");
        assertThatThrownBy(() -> new TrafficWeights(Map.of("a", 110, "b", -10)))
                .hasMessageContaining("0..100");
        assertThatThrownBy(() -> new TrafficWeights(Map.of())).hasMessageContaining("at least one");
    }

    @Test
    void splitAndSole() {
        TrafficWeights canary = TrafficWeights.split("v1", "v2", 10);
        assertThat(canary.weightOf("v1")).isEqualTo(90);
        assertThat(canary.weightOf("v2")).isEqualTo(10);
        assertThat(canary.isSplit()).isTrue();
        assertThat(canary.soleRevision()).isEmpty();
        assertThat(TrafficWeights.split("v1", "v2", 100)).isEqualTo(TrafficWeights.all("v2"));
        assertThat(TrafficWeights.all("v2").soleRevision()).contains("v2");
    }

    @Test
    void zerosDoNotMakeADifferentRoute() {
        TrafficWeights withZero = new TrafficWeights(Map.of("v1", 0, "v2", 100));
        assertThat(withZero).isNotEqualTo(TrafficWeights.all("v2"));
        assertThat(withZero.withoutZeros()).isEqualTo(TrafficWeights.all("v2"));
        assertThat(withZero.isSplit()).isFalse();
        assertThat(withZero.toString()).isEqualTo("v1=0%, v2=100%");
    }
}
