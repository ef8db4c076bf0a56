package io.releasepipeline.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.evidence.GateStatus;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BreakingChangesGateTest {

    private final BreakingChangesGate gate = new BreakingChangesGate();

    @Test
    void passesWhenTheSectionListsChanges() {
        GateResult r = gate.judge("""
                ## Summary
                New pricing endpoint.

                ## Breaking changes
                - `/v1/quotes` now requires `currency`
                - removed `/v1/legacy`

                ## Testing
                unit tests
                """, List.of());
        assertThat(r.status()).isEqualTo(GateStatus.PASS);
        assertThat(r.reason()).contains("documents 2 lines");
    }

    @ParameterizedTest
    @ValueSource(strings = {"None", "none.", "N/A", "- [x] None", "No breaking changes"})
    void passesWhenTheSectionSaysNone(String none) {
        GateResult r = gate.judge("### Breaking Changes\n" + none + "\n", List.of());
        assertThat(r.status()).isEqualTo(GateStatus.PASS);
        assertThat(r.reason()).contains("declares none");
    }

    @Test
    void acceptsAnInlineAnswer() {
        assertThat(gate.judge("Breaking changes: none", List.of()).passed()).isTrue();
        assertThat(gate.judge("**Breaking changes**\nthe quote API drops XML", List.of()).passed()).isTrue();
    }

    @Test
    void failsWithoutTheSection() {
        GateResult r = gate.judge("## Summary\nsmall fix\n", List.of());
        assertThat(r.status()).isEqualTo(GateStatus.FAIL);
        assertThat(r.reason()).contains("no \"Breaking changes\" section");
    }

    @Test
    void failsWhenTheSectionIsEmptyOrOnlyTheTemplateComment() {
        GateResult r = gate.judge("## Breaking changes\n<!-- list them or write None -->\n- [ ]\n\n## Testing\nx",
                List.of());
        assertThat(r.status()).isEqualTo(GateStatus.FAIL);
        assertThat(r.reason()).contains("empty");
    }

    @Test
    void aBreakingLabelContradictsNone() {
        GateResult r = gate.judge("## Breaking changes\nNone\n", List.of("breaking-change"));
        assertThat(r.status()).isEqualTo(GateStatus.FAIL);
        assertThat(r.reason()).contains("labelled as breaking");
    }

    @Test
    void aCommentMentioningTheHeadingDoesNotCount() {
        GateResult r = gate.judge("<!--\n## Breaking changes\nNone\n-->\nfix", List.of());
        assertThat(r.passed()).isFalse();
    }
}
