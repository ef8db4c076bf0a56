package io.releasepipeline.crash;

import io.releasepipeline.ReleasePipeline;
import io.releasepipeline.ReleaseRequest;
import io.releasepipeline.ReleaseResult;
import io.releasepipeline.evidence.EvidenceStore;
import io.releasepipeline.evidence.JournalEntry;
import io.releasepipeline.evidence.file.FileEvidenceStore;
import io.releasepipeline.gate.Gates;
import io.releasepipeline.spi.CiProvider;
import io.releasepipeline.spi.PlatformProvider;
import io.releasepipeline.testkit.FakeHealthProbe;
import io.releasepipeline.testkit.FakeIncidents;
import io.releasepipeline.testkit.FakeSmokeCheck;
import io.releasepipeline.time.ReleaseClock;
import io.releasepipeline.trigger.Triggers;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A process that promotes or resumes one release and can be killed at a step boundary. The platform and the CI
 * system are the parent's fakes, reached through {@link ProviderRpc}, so their state outlives this process; the
 * evidence is a {@link FileEvidenceStore} in a directory the parent shares. Smoke check, health probe and
 * incidents are local fakes: they hold no release state.
 *
 * <pre>
 * ReleaseChild promote|resume RELEASE_ID --evidence DIR --rpc URI
 *              [--kill-at STATE --when before|after] [--smoke-fails REVISION]
 * </pre>
 *
 * With {@code --kill-at}, the first journal entry of {@code STATE} prints {@code AT STATE before} just before it
 * is appended (or {@code AT STATE after} just after), then blocks until the parent kills the process. Otherwise
 * the release runs to its end and prints {@code OUTCOME <outcome>}. Times are scaled so that a release takes
 * about two seconds of wall time; the parent's deploy run takes 300 ms.
 */
public final class ReleaseChild {

    static final String APP = "backend";
    static final int PR = 123;
    static final String AT = "AT ";
    static final String OUTCOME = "OUTCOME ";

    private ReleaseChild() {
    }

    /** Runs one command; exits 0 when the release ended (whatever its outcome), 2 when the command failed. */
    public static void main(String[] argv) {
        try {
            System.exit(run(argv));
        } catch (Throwable t) {
            t.printStackTrace();
            System.out.println("ERROR " + t);
            System.exit(2);
        }
    }

    private static int run(String[] argv) {
        String command = argv[0];
        String releaseId = argv[1];
        Map<String, String> options = new HashMap<>();
        for (int i = 2; i + 1 < argv.length; i += 2) {
            options.put(argv[i], argv[i + 1]);
        }
        URI rpc = URI.create(options.get("--rpc"));
        EvidenceStore evidence = FileEvidenceStore.of(Path.of(options.get("--evidence")));
        if (options.containsKey("--kill-at")) {
            evidence = stoppingAt(evidence, options.get("--kill-at"), "after".equals(options.get("--when")));
        }
        ReleaseClock clock = ReleaseClock.system();
        FakeSmokeCheck smoke = new FakeSmokeCheck(clock);
        if (options.containsKey("--smoke-fails")) {
            smoke.failing(options.get("--smoke-fails"));
        }
        ReleasePipeline pipeline = ReleasePipeline.builder()
                .platform(ProviderRpc.client(rpc, "platform", PlatformProvider.class))
                .ci(ProviderRpc.client(rpc, "ci", CiProvider.class))
                .evidence(evidence)
                .incidents(new FakeIncidents())
                .smokeCheck(smoke)
                .healthProbe(new FakeHealthProbe(clock))
                .gates(Gates.runbookDefaults())
                .rollbackTriggers(Triggers.builder()
                        .withoutErrorRateTrigger()
                        .smokeFailingFor(Duration.ofSeconds(1))
                        .smokeInterval(Duration.ofMillis(200))
                        .healthDownFor(Duration.ofMillis(500))
                        .healthProbeInterval(Duration.ofMillis(100))
                        .build())
                .observationWindow(Duration.ofSeconds(1))
                .deployPollInterval(Duration.ofMillis(50))
                .deployTimeout(Duration.ofSeconds(20))
                .revisionPollInterval(Duration.ofMillis(50))
                .revisionReadyTimeout(Duration.ofSeconds(10))
                .clock(clock)
                .host("child-" + ProcessHandle.current().pid())
                .build();
        ReleaseResult result = switch (command) {
            case "promote" -> pipeline.promote(ReleaseRequest.ofPullRequest(PR).withReleaseId(releaseId));
            case "resume" -> pipeline.resume(releaseId);
            default -> throw new IllegalArgumentException("promote or resume, not " + command);
        };
        System.out.println(OUTCOME + result.outcome());
        System.out.flush();
        return 0;
    }

    /**
     * {@code store}, except that the first journal entry of {@code state} reports the boundary on stdout and then
     * never returns: the process is left for the parent to kill exactly there.
     */
    static EvidenceStore stoppingAt(EvidenceStore store, String state, boolean afterAppending) {
        AtomicBoolean reached = new AtomicBoolean();
        return (EvidenceStore) Proxy.newProxyInstance(EvidenceStore.class.getClassLoader(),
                new Class<?>[] {EvidenceStore.class}, (self, method, args) -> {
                    boolean here = method.getName().equals("appendJournal")
                            && ((JournalEntry) args[0]).state().equals(state) && reached.compareAndSet(false, true);
                    if (here && !afterAppending) {
                        awaitKill(state + " before");
                    }
                    Object result;
                    try {
                        result = method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (here) {
                        awaitKill(state + " after");
                    }
                    return result;
                });
    }

    private static void awaitKill(String boundary) {
        System.out.println(AT + boundary);
        System.out.flush();
        // Only SIGKILL is meant to end this process here; should the test JVM die first, nobody would, so follow it.
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().join());
        Runtime.getRuntime().halt(3);
    }
}
