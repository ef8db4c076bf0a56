package io.releasepipeline.scenario;

import static io.releasepipeline.testkit.Simulation.NEW;
import static io.releasepipeline.testkit.Simulation.PR;
import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.event.ReleaseEvent;
import io.releasepipeline.evidence.EvidenceLink;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.file.FileEvidenceStore;
import io.releasepipeline.testkit.FakeCi;
import io.releasepipeline.testkit.FakeEvidenceStore;
import io.releasepipeline.testkit.Simulation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Public pull-request notes and deployment statuses never show a local path: they link the evidence when there is a
 * public link (Blob storage's URL, a CI run's page), and otherwise name the evidence file alone. The operator's
 * events keep the full location.
 */
class EvidenceLinkScenarioTest {

    private final Simulation sim = new Simulation();

    @TempDir
    Path dir;

    /** A filesystem store at an absolute path, with the previous release on record (the stability gate). */
    private static FileEvidenceStore store(Simulation sim, Path dir) {
        FileEvidenceStore store = FileEvidenceStore.of(dir.toAbsolutePath());
        store.write(FakeEvidenceStore.promotedRecord(Simulation.APP, "pr100-previous", Simulation.STABLE,
                sim.clock.now().minus(Duration.ofHours(3))));
        return store;
    }

    private ReleaseResult rolledBack(EvidenceLink link) {
        sim.smoke.failingFrom(NEW, Duration.ZERO);
        ReleaseResult result = sim.builder().evidence(store(sim, dir)).evidenceLink(link).build()
                .promote(ReleaseRequest.ofPullRequest(PR));
        assertThat(result.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        return result;
    }

    private List<FakeCi.DeploymentStatus> statuses() {
        return sim.ci.deploymentStatuses(sim.ci.deployments().get(0).id());
    }

    @Test
    @DisplayName("evidence on local disk: the note names the file alone, the status links nothing; the event keeps "
            + "the path")
    void localFileNamedAlone() {
        ReleaseResult result = rolledBack(EvidenceLink.ofLocation());

        String location = result.evidenceLocation().orElseThrow();
        String file = Path.of(location).getFileName().toString();
        assertThat(location).startsWith(dir.toAbsolutePath().toString());
        assertThat(sim.ci.comments(PR)).singleElement().satisfies(note -> assertThat(note)
                .contains("**Evidence:** `" + file + "`\n").doesNotContain(dir.toAbsolutePath().toString())
                .doesNotContain(System.getProperty("user.home")));
        assertThat(statuses()).last().satisfies(s -> assertThat(s.logUrl()).isEmpty());
        assertThat(sim.events(ReleaseEvent.EvidenceRecorded.class)).singleElement()
                .satisfies(e -> assertThat(e.location()).isEqualTo(location));
    }

    @Test
    @DisplayName("evidence uploaded with a CI run: the note links the run's page under the file's name, and so does "
            + "the deployment status")
    void linksThePublicPage() {
        String run = "https://github.com/org/trade-nexus/actions/runs/42";

        ReleaseResult result = rolledBack(EvidenceLink.orPage(run));

        String file = Path.of(result.evidenceLocation().orElseThrow()).getFileName().toString();
        assertThat(sim.ci.comments(PR)).singleElement().satisfies(note -> assertThat(note)
                .contains("**Evidence:** [`" + file + "`](" + run + ")").doesNotContain(dir.toString()));
        assertThat(statuses()).last().satisfies(s -> assertThat(s.logUrl()).contains(run));
    }

    @Test
    @DisplayName("a link hook that fails or gives no http(s) URL leaves the file name alone, with a warning for a "
            + "failure")
    void badLinks() {
        ReleaseResult result = rolledBack(location -> {
            throw new IllegalStateException("no run id");
        });

        String file = Path.of(result.evidenceLocation().orElseThrow()).getFileName().toString();
        assertThat(sim.ci.comments(PR)).singleElement().satisfies(note -> assertThat(note)
                .contains("**Evidence:** `" + file + "`\n"));
        assertThat(sim.events(ReleaseEvent.Warning.class)).anySatisfy(w -> assertThat(w.message())
                .contains("the evidence link could not be made").contains("no run id"));

        Simulation other = new Simulation();
        other.smoke.failingFrom(NEW, Duration.ZERO);
        other.builder().evidence(store(other, dir.resolve("b")))
                .evidenceLink(location -> Optional.of("file:///etc/passwd")).build()
                .promote(ReleaseRequest.ofPullRequest(PR));
        assertThat(other.ci.comments(PR)).singleElement().satisfies(note -> assertThat(note)
                .doesNotContain("file:///").doesNotContain(dir.toString()));
    }
}
