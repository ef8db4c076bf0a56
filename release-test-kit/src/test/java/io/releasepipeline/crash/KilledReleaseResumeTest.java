package io.releasepipeline.crash;

import static io.releasepipeline.crash.ReleaseChild.APP;
import static io.releasepipeline.crash.ReleaseChild.PR;
import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.evidence.EvidenceJson;
import io.releasepipeline.evidence.JournalEntry;
import io.releasepipeline.evidence.ReleaseOutcome;
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
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A release process killed with SIGKILL at a step boundary is finished by a fresh process: {@code resume} in a new
 * JVM ends the release as it would have ended, merges once, shifts traffic once, and leaves complete evidence
 * (what the killed process saw included) and no lock. The in-process twin, {@code CrashResumeScenarioTest}, throws an Error instead; here nothing of the
 * dying process runs after the kill (no finally block, no lock release, no buffered write), and the only state
 * that survives is what a real one would: the evidence directory, and the platform and CI system, which live in
 * this JVM and are served to the children over loopback HTTP ({@link ProviderRpc}).
 *
 * <p>Each case is a story in its own world (fakes, RPC server, directory); the stories are told a few at a time
 * from {@code @BeforeAll}, and each test judges its own.
 */
class KilledReleaseResumeTest {

    private static final String RELEASE = "pr123-killed";
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(30);
    /**
     * Stories told at once. A story spends most of its time starting JVMs and waiting on the wall clock (deploy
     * run, observation window), so three at a time take about half the time of one after the other.
     */
    private static final int AT_ONCE = 3;

    /** Journal states in the order a promotion writes them; the side effects happen between them. */
    private static final List<String> ORDER = List.of("STARTED", "GATES_PASSED", "MERGING", "MERGED",
            "CREATING_DEPLOYMENT", "DEPLOYMENT", "DEPLOYED", "NEW_REVISION", "SHIFTING", "OBSERVING", "STEP_PASSED",
            "FINISHING", "FINISHED");

    private static final String ROLLBACK = "rollback";

    @TempDir
    static Path tmp;

    private static ExecutorService storyteller;
    private static final Map<String, Future<Story>> stories = new ConcurrentHashMap<>();
    private static final List<World> worlds = Collections.synchronizedList(new ArrayList<>());

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

    /** Starts every case's story; each test waits for its own and judges it. */
    @BeforeAll
    static void tellEveryStory() {
        storyteller = Executors.newFixedThreadPool(AT_ONCE);
        boundaries().forEach(b -> {
            String state = (String) b.get()[0];
            String when = (String) b.get()[1];
            stories.put(state + " " + when, storyteller.submit(() -> tell(state + "-" + when, state, when,
                    List.of())));
        });
        stories.put(ROLLBACK, storyteller.submit(() -> tell(ROLLBACK, "ROLLING_BACK", "after",
                List.of("--smoke-fails", "v2"))));
    }

    @AfterAll
    static void endEveryWorld() {
        storyteller.shutdownNow();
        worlds.forEach(World::close);
    }

    @ParameterizedTest(name = "killed {1} journaling {0}: a fresh JVM resumes it to PROMOTED, nothing repeated")
    @MethodSource("boundaries")
    void aPromotionKilledAtABoundaryIsFinishedByAFreshProcess(String state, String when) throws Exception {
        Story story = story(state + " " + when);
        World world = story.world();
        Death death = story.death();

        assertThat(death.boundary()).isEqualTo(ReleaseChild.AT + state + " " + when);
        assertThat(death.exitStatus()).isEqualTo(ChildJvm.KILLED);
        // What the dead process left: its journal up to the boundary, its lock, and exactly the side effects that
        // precede the boundary.
        String lastJournaled = when.equals("after") ? state : ORDER.get(ORDER.indexOf(state) - 1);
        assertThat(death.lastJournaled()).isEqualTo(lastJournaled);
        assertThat(death.lockHeldBy()).contains(RELEASE);
        assertThat(death.merged()).isEqualTo(isPast(state, when, "MERGED"));
        assertThat(death.trafficHistory()).hasSize(isPast(state, when, "OBSERVING") ? 1 : 0);
        assertThat(death.evidenceWritten()).isEqualTo(isPast(state, when, "FINISHED"));

        assertThat(story.resumed()).isEqualTo(ReleaseChild.OUTCOME + ReleaseOutcome.PROMOTED);
        assertThat(world.ci.isMerged(PR)).isTrue();
        // The resumed release asks the pull request whether it merged before merging, so the merge is called once
        // whichever side of it the process died on.
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
        // The record keeps what the killed process did and saw: the engine carries it in the journal.
        assertThat(record.approvers()).containsExactly("alice");
        assertThat(record.trafficChanges()).singleElement().satisfies(c -> {
            assertThat(c.from()).isEqualTo(TrafficWeights.all("v1"));
            assertThat(c.to()).isEqualTo(TrafficWeights.all("v2"));
        });
        assertThat(record.smokeChecks()).isNotEmpty();
        assertThat(record.verdicts()).isNotEmpty();
        if (!state.equals("FINISHED")) {
            assertThat(record.notes()).anySatisfy(n -> assertThat(n).startsWith(
                    "resumed after the previous process stopped at " + lastJournaled + " "));
        }
        world.assertFinishedAndUnlocked();
    }

    @Test
    void aRollbackKilledAfterJournalingItIsFinishedByAFreshProcess() throws Exception {
        Story story = story(ROLLBACK);
        World world = story.world();
        assertThat(story.death().boundary()).isEqualTo(ReleaseChild.AT + "ROLLING_BACK after");
        assertThat(story.death().exitStatus()).isEqualTo(ChildJvm.KILLED);
        assertThat(story.death().trafficHistory()).containsExactly(TrafficWeights.all("v2"));

        assertThat(story.resumed()).isEqualTo(ReleaseChild.OUTCOME + ReleaseOutcome.ROLLED_BACK);
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

    /** True when the process died at or after the moment just before journaling {@code milestone}. */
    private static boolean isPast(String state, String when, String milestone) {
        int died = 2 * ORDER.indexOf(state) + (when.equals("after") ? 1 : 0);
        return died >= 2 * ORDER.indexOf(milestone);
    }

    /** What the world looked like right after the kill. */
    private record Death(String boundary, int exitStatus, String lastJournaled, Optional<String> lockHeldBy,
            boolean merged, List<TrafficWeights> trafficHistory, boolean evidenceWritten) {
    }

    /** One case: a promotion killed at a boundary, then resumed; {@code resumed} is the line the resumer printed. */
    private record Story(World world, Death death, String resumed) {
    }

    /** Promotes in a child, kills it with SIGKILL at the boundary, resumes in a fresh child. */
    private static Story tell(String name, String state, String when, List<String> childOptions) throws Exception {
        World world = new World(Files.createDirectories(tmp.resolve(name)), childOptions);
        worlds.add(world);
        ChildJvm dying = world.child("promote", "--kill-at", state, "--when", when);
        String boundary = dying.awaitLine(ReleaseChild.AT, CHILD_TIMEOUT);
        int exitStatus = dying.kill(CHILD_TIMEOUT);
        List<JournalEntry> journal = world.journal();
        Death death = new Death(boundary, exitStatus, journal.get(journal.size() - 1).state(),
                world.store.currentLock(APP).map(l -> l.releaseId()), world.ci.isMerged(PR),
                world.platform.trafficHistory(), world.store.read(APP, RELEASE).isPresent());

        ChildJvm resumer = world.child("resume");
        String resumed = resumer.awaitLine(ReleaseChild.OUTCOME, CHILD_TIMEOUT);
        assertThat(resumer.awaitExit(CHILD_TIMEOUT)).isZero();
        return new Story(world, death, resumed);
    }

    private static Story story(String name) throws Exception {
        try {
            return stories.get(name).get(5, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
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
        private final List<String> childOptions;
        private final List<ChildJvm> children = new ArrayList<>();

        World(Path tmp, List<String> childOptions) throws IOException {
            this.tmp = tmp;
            this.childOptions = childOptions;
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

        ChildJvm child(String command, String... options) throws IOException {
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
