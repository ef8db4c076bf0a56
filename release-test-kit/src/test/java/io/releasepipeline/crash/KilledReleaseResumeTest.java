package io.releasepipeline.crash;

import static io.releasepipeline.crash.ReleaseChild.APP;
import static io.releasepipeline.crash.ReleaseChild.PR;
import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.ReleaseOutcome;
import io.releasepipeline.evidence.EvidenceJson;
import io.releasepipeline.evidence.JournalEntry;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.RollbackDetails;
import io.releasepipeline.evidence.file.FileEvidenceStore;
import io.releasepipeline.gate.Gates;
import io.releasepipeline.spi.CiProvider;
import io.releasepipeline.spi.DeployRun;
import io.releasepipeline.spi.DeploymentState;
import io.releasepipeline.spi.PlatformProvider;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.testkit.FakeCi;
import io.releasepipeline.testkit.FakeEvidenceStore;
import io.releasepipeline.testkit.FakePlatform;
import io.releasepipeline.time.ReleaseClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A release process killed with SIGKILL at a step boundary is finished by a fresh process: {@code resume} in a new
 * JVM ends the release as it would have ended, merges once, shifts traffic once, and leaves complete evidence and
 * no lock. The in-process twin, {@code CrashResumeScenarioTest}, throws an Error instead; here nothing of the
 * dying process runs after the kill (no finally block, no lock release, no buffered write), and the only state
 * that survives is what a real one would: the evidence directory, and the platform and CI system, which live in
 * this JVM and are served to the children over loopback HTTP ({@link ProviderRpc}).
 */
class KilledReleaseResumeTest {

    private static final String RELEASE = "pr123-killed";
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(30);

    /** Journal states in the order a promotion writes them; the side effects happen between them. */
    private static final List<String> ORDER = List.of("STARTED", "GATES_PASSED", "MERGING", "MERGED", "DEPLOYMENT",
            "DEPLOYED", "NEW_REVISION", "SHIFTING", "OBSERVING", "STEP_PASSED", "FINISHED");

    @TempDir
    Path tmp;

    static Stream<Arguments> boundaries() {
        return Stream.of(
                Arguments.of("STARTED", "after"),
                Arguments.of("GATES_PASSED", "after"),
                Arguments.of("MERGING", "after"),
                Arguments.of("MERGED", "before"),      // merged, not journaled
                Arguments.of("MERGED", "after"),
                Arguments.of("DEPLOYMENT", "after"),
                Arguments.of("DEPLOYED", "after"),
                Arguments.of("NEW_REVISION", "after"),
                Arguments.of("SHIFTING", "after"),
                Arguments.of("OBSERVING", "before"),   // traffic shifted, not journaled
                Arguments.of("OBSERVING", "after"),
                Arguments.of("STEP_PASSED", "after"),
                Arguments.of("FINISHED", "before"));   // evidence written, not journaled
    }

    @ParameterizedTest(name = "killed {1} journaling {0}: a fresh JVM resumes it to PROMOTED, nothing repeated")
    @MethodSource("boundaries")
    void aPromotionKilledAtABoundaryIsFinishedByAFreshProcess(String state, String when) throws Exception {
        try (World world = new World(tmp)) {
            world.killAt(state, when);

            // What the dead process left: its journal up to the boundary, its lock, and exactly the side effects
            // that precede the boundary.
            String lastJournaled = when.equals("after") ? state : ORDER.get(ORDER.indexOf(state) - 1);
            assertThat(world.journal()).last().extracting(JournalEntry::state).isEqualTo(lastJournaled);
            assertThat(world.store.currentLock(APP)).hasValueSatisfying(l -> assertThat(l.releaseId())
                    .isEqualTo(RELEASE));
            assertThat(world.ci.isMerged(PR)).isEqualTo(isPast(state, when, "MERGED"));
            assertThat(world.platform.trafficHistory()).hasSize(isPast(state, when, "OBSERVING") ? 1 : 0);
            assertThat(world.store.read(APP, RELEASE).isPresent()).isEqualTo(isPast(state, when, "FINISHED"));

            assertThat(world.resume()).isEqualTo("OUTCOME PROMOTED");

            assertThat(world.ci.isMerged(PR)).isTrue();
            // The resumed release asks the pull request whether it merged before merging, so the merge is called
            // once whichever side of it the process died on.
            assertThat(world.ci.count("merge")).isEqualTo(1);
            assertThat(world.platform.trafficHistory()).containsExactly(TrafficWeights.all("v2"));
            assertThat(world.platform.currentWeights()).contains(TrafficWeights.all("v2"));
            assertThat(world.ci.deployments()).singleElement().satisfies(d -> assertThat(
                    world.ci.deploymentStatuses(d.id())).last().extracting(FakeCi.DeploymentStatus::state)
                    .isEqualTo(DeploymentState.SUCCESS));
            assertThat(world.ci.comments(PR)).isEmpty();

            ReleaseRecord record = world.evidenceFile();
            assertThat(record.outcome()).isEqualTo(ReleaseOutcome.PROMOTED);
            assertThat(record.newRevision()).contains("v2");
            assertThat(record.previousRevision()).contains("v1");
            assertThat(record.gates()).isNotEmpty().allMatch(g -> g.passed());
            if (!state.equals("FINISHED")) {
                assertThat(record.notes()).anySatisfy(n -> assertThat(n).startsWith(
                        "resumed after the previous process stopped at " + lastJournaled + " "));
            }
            world.assertFinishedAndUnlocked();
        }
    }

    @Test
    void aRollbackKilledAfterJournalingItIsFinishedByAFreshProcess() throws Exception {
        try (World world = new World(tmp)) {
            world.smokeFails("v2");
            world.killAt("ROLLING_BACK", "after");
            assertThat(world.platform.currentWeights()).contains(TrafficWeights.all("v2"));

            assertThat(world.resume()).isEqualTo("OUTCOME ROLLED_BACK");

            assertThat(world.platform.trafficHistory()).containsExactly(TrafficWeights.all("v2"),
                    TrafficWeights.all("v1"));
            assertThat(world.platform.currentWeights()).contains(TrafficWeights.all("v1"));
            assertThat(world.ci.count("merge")).isEqualTo(1);
            assertThat(world.ci.comments(PR)).singleElement().asString().contains("was rolled back");
            ReleaseRecord record = world.evidenceFile();
            assertThat(record.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
            assertThat(record.rollback()).hasValueSatisfying(r -> {
                assertThat(r.succeeded()).isTrue();
                assertThat(r.toRevision()).isEqualTo("v1");
                assertThat(r.reason()).startsWith("resumed rollback: ");
            });
            assertThat(record.rollback().flatMap(RollbackDetails::smoke)).hasValueSatisfying(s -> assertThat(
                    s.passed()).isTrue());
            assertThat(record.notes()).anySatisfy(n -> assertThat(n).startsWith(
                    "resumed after the previous process stopped at ROLLING_BACK "));
            world.assertFinishedAndUnlocked();
        }
    }

    /** True when the promotion had passed {@code before} journaling {@code milestone} when it died. */
    private static boolean isPast(String state, String when, String milestone) {
        int died = 2 * ORDER.indexOf(state) + (when.equals("after") ? 1 : 0);
        return died >= 2 * ORDER.indexOf(milestone);
    }

    /**
     * One case's world: the platform and CI system on the wall clock, served to the children; the evidence
     * directory the children share. Nothing is shared between cases.
     */
    private static final class World implements AutoCloseable {
        final FakeCi ci;
        final FakePlatform platform;
        final FileEvidenceStore store;
        private final ProviderRpc.Server server;
        private final Path tmp;
        private final List<String> childOptions = new ArrayList<>();
        private final List<ChildJvm> children = new ArrayList<>();

        World(Path tmp) throws IOException {
            this.tmp = tmp;
            ReleaseClock clock = ReleaseClock.system();
            ci = new FakeCi(clock);
            platform = new FakePlatform(APP, clock).withRevision("v1", clock.now().minus(Duration.ofDays(1)), true)
                    .serving("v1").deployRevisionOn(ci);
            ci.pr(PR).title("Add quote currency").body("## Summary\nQuotes in EUR.\n\n## Breaking changes\nNone\n")
                    .approvedBy("alice");
            Gates.DEFAULT_REQUIRED_CHECKS.forEach(name -> ci.pr(PR).checkPasses(name));
            ci.deployRunAppearsAfter(Duration.ofMillis(100)).deployRunQueuedFor(Duration.ofMillis(50))
                    .deployRunTakes(Duration.ofMillis(300), DeployRun.Conclusion.SUCCESS);
            store = FileEvidenceStore.of(tmp.resolve("evidence"));
            // The previous release, long stable: the stability gate passes.
            store.write(FakeEvidenceStore.promotedRecord(APP, "pr100-previous", "v1",
                    clock.now().minus(Duration.ofHours(3))));
            server = new ProviderRpc.Server().serve("platform", PlatformProvider.class, platform)
                    .serve("ci", CiProvider.class, ci);
        }

        void smokeFails(String revision) {
            childOptions.addAll(List.of("--smoke-fails", revision));
        }

        /** Promotes in a child, waits until it reaches the boundary, kills it with SIGKILL. */
        void killAt(String state, String when) throws Exception {
            ChildJvm dying = child("promote", "--kill-at", state, "--when", when);
            assertThat(dying.awaitLine(ReleaseChild.AT, CHILD_TIMEOUT)).isEqualTo(ReleaseChild.AT + state + " "
                    + when);
            assertThat(dying.kill(CHILD_TIMEOUT)).isEqualTo(ChildJvm.KILLED);
        }

        /** Resumes in a fresh child, waits for it to finish, returns the outcome it printed. */
        String resume() throws Exception {
            ChildJvm resumed = child("resume");
            String outcome = resumed.awaitLine(ReleaseChild.OUTCOME, CHILD_TIMEOUT);
            assertThat(resumed.awaitExit(CHILD_TIMEOUT)).isZero();
            return outcome;
        }

        List<JournalEntry> journal() {
            return store.journal(APP, RELEASE);
        }

        /** The release's evidence, read from its JSON file in the directory, not through the store. */
        ReleaseRecord evidenceFile() throws IOException {
            Path json;
            try (Stream<Path> files = Files.list(store.root())) {
                json = files.filter(f -> f.getFileName().toString().endsWith("-" + APP + "-" + RELEASE + ".json"))
                        .findFirst().orElseThrow(() -> new AssertionError("no evidence of " + RELEASE + " in "
                                + store.root()));
            }
            return EvidenceJson.fromBytes(Files.readAllBytes(json), ReleaseRecord.class);
        }

        void assertFinishedAndUnlocked() {
            assertThat(journal()).last().extracting(JournalEntry::state).isEqualTo("FINISHED");
            assertThat(store.root().resolve(".locks").resolve(APP + ".lock")).doesNotExist();
        }

        private ChildJvm child(String command, String... options) throws IOException {
            List<String> args = new ArrayList<>(List.of(command, RELEASE, "--evidence", store.root().toString(),
                    "--rpc", server.uri().toString()));
            args.addAll(childOptions);
            args.addAll(List.of(options));
            ChildJvm child = ChildJvm.start(ReleaseChild.class, args,
                    tmp.resolve("child-" + children.size() + "-" + command + ".log"));
            children.add(child);
            return child;
        }

        @Override
        public void close() {
            children.forEach(ChildJvm::close);
            server.close();
        }
    }
}
