package io.releasepipeline.cli.wiring;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.releasepipeline.cli.wiring.ProductionWorld.APP;
import static io.releasepipeline.cli.wiring.ProductionWorld.NEW;
import static io.releasepipeline.cli.wiring.ProductionWorld.PR;
import static io.releasepipeline.cli.wiring.ProductionWorld.STABLE;
import static io.releasepipeline.cli.wiring.ProductionWorld.split;
import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.cli.ReleaseCli;
import io.releasepipeline.evidence.JournalEntry;
import io.releasepipeline.evidence.ReleaseOutcome;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.evidence.file.FileEvidenceStore;
import io.releasepipeline.testkit.local.RevisionServer.Behaviour;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What a cancelled or timed-out GitHub Actions run does to the packaged CLI (production wiring): SIGINT, then
 * SIGTERM 7.5 s later, then a kill. A release observing a canary at 10% goes back to the stable revision within 5 s
 * of the signal (measured from the signal to Resource Manager's stand-in applying the PATCH), the process waits for
 * the release to end however long that takes, exits with the code of how it ended (3, rolled back), prints one
 * summary line on stderr, and leaves a complete record: the record and its journal's FINISHED entry, the deployment
 * status on GitHub, the incident note, the lock free. A standalone rollback in flight is finished, not abandoned.
 */
class SignalIT extends ProductionWiring {

    private static final Duration WAIT = Duration.ofSeconds(90);
    /** What the issue asks: traffic back on the stable revision within 5 s of the signal. */
    private static final Duration BACK_TO_STABLE = Duration.ofSeconds(5);
    private static final String STATUSES = GitHubStandIn.API + "/deployments/1/statuses";

    @BeforeEach
    void app() {
        stableAppAndGreenPr(40);
        world.mergeDeploys(Behaviour.HEALTHY).section("traffic", """
                traffic:
                  steps: [10, 100]
                  stepPause: 10m
                """);
    }

    @Test
    @DisplayName("SIGTERM while a canary at 10% is observed: back on stable within 5 s, exit 3, one summary line, a full record")
    void sigtermDuringCanary() {
        assertCancelledCleanly(ReleaseProcess::terminate, "SIGTERM", Map.of());
    }

    @Test
    @DisplayName("SIGINT while a canary at 10% is observed: back on stable within 5 s, exit 3, one summary line, a full record")
    void sigintDuringCanary() {
        assertCancelledCleanly(ReleaseProcess::interrupt, "SIGINT", Map.of());
    }

    @Test
    @DisplayName("SIGINT, then SIGTERM while the rollback runs, and a GitHub answering in 8 s: the rollback and its "
            + "record are finished anyway; the process waits for them, not for a fixed time")
    void secondSignalDoesNotCutTheRollbackShort() {
        // The runner's SIGTERM comes 7.5 s after SIGINT, the kill 2.5 s later; this one comes while the rollback
        // runs (the moment its PATCH lands), and the release's last GitHub call takes longer than the 7 s the
        // process used to wait before exiting regardless.
        world.section("github", """
                github:
                  repository: %s
                  apiUrl: %s
                  tokenVariable: %s
                  minWriteInterval: 100ms
                  requestTimeout: 20s
                """.formatted(GitHubStandIn.REPO, world.github.baseUrl(), ProductionWorld.GITHUB_TOKEN_VARIABLE));
        world.github.server.stubFor(post(urlPathEqualTo(STATUSES))
                .withRequestBody(matchingJsonPath("$.state", equalTo("failure")))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":2,\"state\":\"failure\"}").withFixedDelay(8_000)));

        ReleaseProcess.Run run = assertCancelledCleanly(ReleaseProcess::interrupt, "SIGINT",
                Map.of(split(STABLE, 100), ReleaseProcess::terminate));

        assertThat(run.err()).contains("SIGTERM received again");
    }

    @Test
    @DisplayName("SIGTERM while a resumed release observes its canary at 10% again: rolled back, exit 3, a full record")
    void sigtermDuringResume() {
        ReleaseProcess promote = world.start("promote", "--pr", String.valueOf(PR));
        String releaseId = releaseId(promote.awaitLine(STARTED.asPredicate(), WAIT));
        promote.awaitLine(l -> l.contains("observing " + NEW + " at 10%"), WAIT);
        world.checked(promote.kill());
        CompletableFuture<Long> backOnStable = backOnStable();

        ReleaseProcess resume = world.start("resume");
        resume.awaitLine(l -> l.contains("Resuming release " + releaseId), WAIT);
        resume.awaitLine(l -> l.contains("observing " + NEW + " at 10%"), WAIT);
        long signalled = System.nanoTime();
        resume.terminate();
        long stableAfter = awaitNanos(backOnStable, resume) - signalled;
        ReleaseProcess.Run run = world.checked(resume.await(WAIT));

        assertThat(Duration.ofNanos(stableAfter)).as("from SIGTERM to the PATCH back on %s", STABLE)
                .isLessThan(BACK_TO_STABLE);
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.ROLLED_BACK);
        assertThat(world.patchedTraffic()).containsExactly(split(STABLE, 90, NEW, 10), split(STABLE, 100));
        assertThat(summaryLine(run, "resume", "SIGTERM")).contains("release " + releaseId + " ROLLED_BACK",
                "traffic: " + STABLE + "=100%", "evidence: ");
        assertRecorded(releaseId, "SIGTERM");
    }

    @Test
    @DisplayName("SIGTERM while a standalone rollback moves traffic: it is finished (smoke check, record, incident "
            + "note, lock), exit 0, one summary line")
    void standaloneRollbackIsFinished() throws Exception {
        world.revision(NEW, Duration.ofHours(1), true, Behaviour.FAILING).serving(NEW);
        CompletableFuture<ReleaseProcess> rollback = new CompletableFuture<>();
        world.standIn.onTrafficChange(s -> {
            if (s.equals(Map.of(STABLE, 100))) {
                rollback.thenAccept(ReleaseProcess::terminate);
            }
        });

        ReleaseProcess process = world.start("rollback", "--reason", "checkout is broken", "--pr", "123",
                "--output", "json");
        rollback.complete(process);
        ReleaseProcess.Run run = world.checked(process.await(WAIT));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(world.patchedTraffic()).containsExactly(split(STABLE, 100));
        assertThat(ProductionWorld.json(run).path("signalledBy").asText()).isEqualTo("SIGTERM");
        assertThat(ProductionWorld.json(run).path("outcome").asText()).isEqualTo("ROLLED_BACK");
        assertThat(summaryLine(run, "rollback", "SIGTERM")).contains("which was finished first: ROLLED_BACK",
                "traffic: " + STABLE + "=100%", "evidence: ");
        assertThat(world.github.writes()).containsExactly("POST " + GitHubStandIn.API + "/issues/123/comments");
        FileEvidenceStore store = evidence();
        assertThat(store.currentLock(APP)).as("the lock").isEmpty();
        List<ReleaseRecord> records = store.latest(APP, 10);
        assertThat(records).filteredOn(r -> r.releaseId().startsWith("rollback-")).singleElement()
                .satisfies(r -> assertThat(r.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK))
                // Traffic went back; the minutes-long watch of the error rate that follows was cut short.
                .satisfies(r -> assertThat(r.rollback().flatMap(d -> d.recovery()).orElseThrow().detail())
                        .startsWith("recovery watch stopped (cancelled: the release process received a termination "
                                + "signal (SIGTERM))"));
        String id = records.stream().filter(r -> r.releaseId().startsWith("rollback-")).findFirst().orElseThrow()
                .releaseId();
        assertFinishedInJournal(store, id);
    }

    /**
     * Starts a promotion, sends {@code signal} once the canary at 10% is observed, sends each of {@code then} when
     * the stand-in applies its split, and asserts the clean end every cancel must have. Returns the run.
     */
    private ReleaseProcess.Run assertCancelledCleanly(Consumer<ReleaseProcess> signal, String name,
            Map<Map<String, Integer>, Consumer<ReleaseProcess>> then) {
        CompletableFuture<Long> backOnStable = backOnStable();
        CompletableFuture<ReleaseProcess> started = new CompletableFuture<>();
        world.standIn.onTrafficChange(s -> {
            Consumer<ReleaseProcess> next = then.get(s);
            if (next != null) {
                started.thenAccept(next);
            }
        });
        ReleaseProcess promote = world.start("promote", "--pr", String.valueOf(PR));
        started.complete(promote);
        String releaseId = releaseId(promote.awaitLine(STARTED.asPredicate(), WAIT));
        promote.awaitLine(l -> l.contains("observing " + NEW + " at 10%"), WAIT);

        long signalled = System.nanoTime();
        signal.accept(promote);
        long stableAfter = awaitNanos(backOnStable, promote) - signalled;
        ReleaseProcess.Run run = world.checked(promote.await(WAIT));

        assertThat(Duration.ofNanos(stableAfter)).as("from %s to the PATCH back on %s", name, STABLE)
                .isLessThan(BACK_TO_STABLE);
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ReleaseCli.ROLLED_BACK);
        assertThat(world.patchedTraffic()).containsExactly(split(STABLE, 90, NEW, 10), split(STABLE, 100));
        assertThat(world.standIn.traffic()).containsExactly(Map.entry(STABLE, 100));
        String summary = summaryLine(run, "promote", name);
        assertThat(summary).contains("release " + releaseId + " ROLLED_BACK", "traffic: " + STABLE + "=100%");
        Matcher evidence = Pattern.compile("evidence: (\\S+\\.md)").matcher(summary);
        assertThat(evidence.find()).as(summary).isTrue();
        assertThat(Path.of(evidence.group(1))).isRegularFile();

        assertRecorded(releaseId, name);
        return run;
    }

    /**
     * The release's end is on record: the record (ROLLED_BACK, by the signal), the journal's FINISHED entry, the
     * deployment's last status {@code failure} (not left {@code in_progress}), the incident note, the lock free.
     */
    private void assertRecorded(String releaseId, String signal) {
        FileEvidenceStore store = evidence();
        assertThat(store.currentLock(APP)).as("the lock").isEmpty();
        ReleaseRecord record = store.read(APP, releaseId).orElseThrow();
        assertThat(record.outcome()).isEqualTo(ReleaseOutcome.ROLLED_BACK);
        assertThat(record.rollback().orElseThrow().reason()).contains("termination signal", signal);
        assertFinishedInJournal(store, releaseId);
        List<String> states = world.github.requests().stream().filter(r -> r.getUrl().equals(STATUSES))
                .map(r -> ProductionWorld.body(r).path("state").asText()).toList();
        assertThat(states).as("the deployment's statuses").last().isEqualTo("failure");
        assertThat(states).as("the deployment's statuses").containsOnly("in_progress", "failure");
        assertThat(world.github.writes()).contains("POST " + GitHubStandIn.API + "/issues/" + PR + "/comments");
    }

    /** Completes with {@link System#nanoTime()} when the stand-in applies a PATCH that puts all traffic on stable. */
    private static CompletableFuture<Long> backOnStable() {
        CompletableFuture<Long> at = new CompletableFuture<>();
        world.standIn.onTrafficChange(s -> {
            if (s.equals(Map.of(STABLE, 100))) {
                at.complete(System.nanoTime());
            }
        });
        return at;
    }

    private static long awaitNanos(CompletableFuture<Long> at, ReleaseProcess process) {
        try {
            return at.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("traffic never went back to " + STABLE + ":\n" + process, e);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The one line on stderr that says how a cancelled command ended. */
    private static String summaryLine(ReleaseProcess.Run run, String command, String signal) {
        // The notices printed as each signal arrives ("release promote: SIGINT received: ...") are not the summary.
        List<String> lines = run.err().lines().filter(l -> l.startsWith("release " + command + ": ")
                && !l.matches("release " + command + ": SIG[A-Z]+ received.*")).toList();
        assertThat(lines).as(run.toString()).hasSize(1);
        assertThat(lines.get(0)).contains(signal);
        return lines.get(0);
    }

    private static void assertFinishedInJournal(FileEvidenceStore store, String releaseId) {
        List<JournalEntry> journal = store.journal(APP, releaseId);
        assertThat(journal).as("the journal of " + releaseId).isNotEmpty();
        assertThat(String.valueOf(journal.get(journal.size() - 1).state())).contains("FINISHED");
    }

    private FileEvidenceStore evidence() {
        return FileEvidenceStore.of(dir.resolve(FileEvidenceStore.DEFAULT_ROOT));
    }
}
