package io.releasepipeline.cli.hook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.hook.HookContext;
import io.releasepipeline.hook.HookPoint;
import io.releasepipeline.hook.HookResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local command hook, running real processes ({@code sh}) in a temporary directory. */
class CommandHookTest {

    @TempDir
    Path dir;

    static HookContext context() {
        return context("pr7-1");
    }

    /** The context of another release: another delivery id. */
    static HookContext context(String releaseId) {
        return new HookContext(HookPoint.ON_ROLLBACK, HookContext.deliveryId(releaseId, HookPoint.ON_ROLLBACK,
                "migrate"), releaseId, "backend", "production", Optional.of(7), Optional.of("abc123"),
                Optional.of("backend--v1"), Optional.of("backend--v2"), Optional.of("error rate 9%"), true,
                Optional.empty());
    }

    CommandHook.Builder sh(String script) {
        return CommandHook.builder().name("migrate").command(List.of("sh", "-c", script)).directory(dir)
                .stateDirectory(dir.resolve("state")).timeout(Duration.ofSeconds(20));
    }

    @Test
    @DisplayName("exit 0 is SUCCEEDED; the context arrives as RELEASE_<KEY> variables, in the working directory")
    void succeedsWithContextInTheEnvironment() throws Exception {
        HookResult result = sh("printf '%s|%s|%s|%s|%s' \"$RELEASE_DELIVERY_ID\" \"$RELEASE_POINT\" "
                + "\"$RELEASE_HOOK\" \"$RELEASE_NEW_REVISION\" \"$RELEASE_DATABASE_MIGRATION\" > seen.txt").build()
                .run(context());

        assertThat(result.status()).as(result.summary()).isEqualTo(HookResult.Status.SUCCEEDED);
        assertThat(Files.readString(dir.resolve("seen.txt")))
                .isEqualTo("pr7-1:on_rollback:migrate|on_rollback|migrate|backend--v2|true");
    }

    @Test
    @DisplayName("a non-zero exit is FAILED with the last line printed, credentials masked, on one line")
    void nonZeroExitIsFailedWithTheLastLine() {
        HookResult result = sh("echo starting; echo 'down failed: token ghp_abcdefghijklmnopqrstuvwxyz0123456789' "
                + ">&2; echo; exit 3").build().run(context());

        assertThat(result.status()).isEqualTo(HookResult.Status.FAILED);
        assertThat(result.summary()).startsWith("command sh exited 3: down failed: token ***")
                .doesNotContain("ghp_").doesNotContain("\n");
    }

    @Test
    @DisplayName("a removed variable is not inherited, and its value is masked in the output")
    void removedVariablesAreNotInherited() {
        String home = System.getenv("HOME");
        HookResult result = sh("echo \"home=${HOME-unset} path=${PATH:+set}\"; echo \"" + home + "\"; exit 1")
                .removeVariables(List.of("HOME")).build().run(context());

        assertThat(result.status()).isEqualTo(HookResult.Status.FAILED);
        if (home != null && home.length() >= 8) {
            assertThat(result.summary()).endsWith(": ***");
        }
        HookResult env = sh("echo \"home=${HOME-unset} path=${PATH:+set}\"; exit 1").removeVariables(List.of("HOME"))
                .build().run(context("pr7-2"));
        assertThat(env.summary()).endsWith("home=unset path=set");
    }

    @Test
    @DisplayName("past the timeout the whole process tree is stopped, the background child too: ERROR")
    void timeoutKillsTheTree() throws Exception {
        HookResult result = sh("sleep 300 & echo $! > child.pid; sleep 300").timeout(Duration.ofMillis(700))
                .build().run(context());

        assertThat(result.status()).isEqualTo(HookResult.Status.ERROR);
        assertThat(result.summary()).contains("timed out after 700ms").contains("stopped its process tree");
        long child = Long.parseLong(Files.readString(dir.resolve("child.pid")).strip());
        Optional<ProcessHandle> handle = ProcessHandle.of(child);
        if (handle.isPresent()) {
            handle.get().onExit().get(10, TimeUnit.SECONDS);
        }
        assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
    }

    @Test
    @DisplayName("a command that cannot start is ERROR")
    void cannotStart() {
        HookResult result = CommandHook.builder().name("x").command(List.of(dir.resolve("no-such-tool").toString()))
                .stateDirectory(dir.resolve("state")).build().run(context());

        assertThat(result.status()).isEqualTo(HookResult.Status.ERROR);
        assertThat(result.summary()).startsWith("command no-such-tool could not start");
        HookResult direct = CommandHook.builder().name("y").command(List.of(dir.resolve("no-such-tool").toString()))
                .stateDirectory(dir.resolve("state")).shell(Optional.empty()).build().run(context("pr7-2"));
        assertThat(direct.status()).isEqualTo(HookResult.Status.ERROR);
        assertThat(direct.summary()).startsWith("command no-such-tool could not start");
    }

    @Test
    @DisplayName("ten megabytes of output do not flood anything: only the last line, capped, is kept")
    void floodOfOutput() {
        HookResult result = sh("head -c 10000000 /dev/zero | tr '\\0' 'x'; echo; echo \"$(head -c 5000 /dev/zero "
                + "| tr '\\0' 'y')\"; exit 2").build().run(context());

        assertThat(result.status()).isEqualTo(HookResult.Status.FAILED);
        assertThat(result.summary()).contains("exited 2: yyy").hasSizeLessThan(CommandHook.LINE_LIMIT + 60);
    }

    /** Blocks until {@code release} exists in the working directory, logging its start and end. */
    static final String UNTIL_RELEASED = "echo start >> runs.log; while [ ! -e release ]; do sleep 0.05; done; "
            + "echo end >> runs.log; echo 'undone, token ghp_abcdefghijklmnopqrstuvwxyz0123456789'; exit 3";

    Path stateOf(HookContext context) {
        return dir.resolve("state").resolve(DeliveryState.fileName(context.deliveryId()));
    }

    /** Starts a JVM that runs the hook, waits until the command started, then kills the JVM (SIGKILL). */
    void crashWhileTheCommandRuns() throws Exception {
        List<String> java = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), CommandHookCrashMain.class.getName(),
                dir.resolve("state").toString(), dir.toString(), UNTIL_RELEASED, "60");
        Process cli = new ProcessBuilder(java).redirectErrorStream(true)
                .redirectOutput(dir.resolve("cli.out").toFile()).start();
        try {
            await("the command started", () -> runs().contains("start"));
        } finally {
            cli.destroyForcibly();
            cli.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(runs()).as("the command outlived the CLI, still running").isEqualTo("start\n");
        assertThat(Files.readString(dir.resolve("cli.out"))).doesNotContain("HookResult");
    }

    String runs() {
        try {
            return Files.exists(dir.resolve("runs.log")) ? Files.readString(dir.resolve("runs.log")) : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void await(String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited 30s for: " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    @Test
    @DisplayName("after a crash, a command still running is waited for, not started again, and its result returned")
    void crashedWhileRunningIsAwaitedNotRunAgain() throws Exception {
        crashWhileTheCommandRuns();
        java.util.concurrent.atomic.AtomicReference<HookResult> second = new java.util.concurrent.atomic
                .AtomicReference<>();
        Thread resume = new Thread(() -> second.set(sh(UNTIL_RELEASED).build().run(context())), "resume");
        resume.start();
        // The resume is waiting for the orphan (parked in its wait) before the orphan may finish.
        await("the resume waits for the running command", () -> resume.getState() == Thread.State.TIMED_WAITING);
        assertThat(runs()).isEqualTo("start\n");
        Files.createFile(dir.resolve("release"));
        resume.join(TimeUnit.SECONDS.toMillis(30));

        HookResult result = second.get();
        assertThat(result).isNotNull();
        assertThat(result.status()).as(result.summary()).isEqualTo(HookResult.Status.FAILED);
        assertThat(result.summary()).contains("was still running from before the crash", "waited for it, not run "
                + "again", "exited 3: undone, token ***").doesNotContain("ghp_");
        assertThat(runs()).as("ran exactly once").isEqualTo("start\nend\n");
        assertStateHoldsNoSecret(context());
    }

    @Test
    @DisplayName("after a crash, a command that finished meanwhile is not run again: its recorded result is returned")
    void finishedBeforeTheCrashIsNotRunAgain() throws Exception {
        crashWhileTheCommandRuns();
        Files.createFile(dir.resolve("release"));
        await("the orphaned command recorded its status", () -> Files.exists(stateOf(context()).resolve("status")));

        HookResult result = sh(UNTIL_RELEASED).build().run(context());

        assertThat(result.status()).as(result.summary()).isEqualTo(HookResult.Status.FAILED);
        assertThat(result.summary()).contains("finished before the crash, not run again", "exited 3: undone, token ***");
        assertThat(runs()).as("ran exactly once").isEqualTo("start\nend\n");
        assertStateHoldsNoSecret(context());
        // And so on for every later run of this delivery id.
        assertThat(sh(UNTIL_RELEASED).build().run(context()).summary()).isEqualTo(result.summary());
        assertThat(runs()).isEqualTo("start\nend\n");
    }

    @Test
    @DisplayName("after a crash, a command that died without a status (killed) is run again, and the summary says so")
    void diedWithoutAStatusIsRunAgain() throws Exception {
        crashWhileTheCommandRuns();
        String process = Files.readString(stateOf(context()).resolve("process"));
        long pid = Long.parseLong(process.lines().filter(l -> l.startsWith("pid=")).findFirst().orElseThrow()
                .substring(4));
        ProcessHandle wrapper = ProcessHandle.of(pid).orElseThrow();
        CommandHook.stopTree(wrapper);
        wrapper.onExit().get(30, TimeUnit.SECONDS);
        Files.createFile(dir.resolve("release"));

        HookResult result = sh(UNTIL_RELEASED).build().run(context());

        assertThat(result.status()).as(result.summary()).isEqualTo(HookResult.Status.FAILED);
        assertThat(result.summary()).startsWith("command sh exited 3: undone, token ***")
                .endsWith("(run again: the run started before the crash ended without a status)");
        assertThat(runs()).as("the killed run, then the whole run").isEqualTo("start\nstart\nend\n");
    }

    @Test
    @DisplayName("a run's state keeps pid, start, exit status and masked last line, never the environment")
    void stateHoldsNoEnvironment() throws Exception {
        HookResult result = sh("echo \"$RELEASE_SHA\"; echo ghp_abcdefghijklmnopqrstuvwxyz0123456789; exit 5")
                .build().run(context());

        assertThat(result.summary()).isEqualTo("command sh exited 5: ***");
        Path state = stateOf(context());
        assertThat(Files.readString(state.resolve("status"))).isEqualTo("5\n");
        assertThat(Files.readString(state.resolve("last-line"))).isEqualTo("***");
        assertThat(Files.readString(state.resolve("process"))).matches("pid=\\d+\nstarted=\\S+\n");
        assertThat(state.resolve("output")).as("the raw output is deleted once read").doesNotExist();
        assertStateHoldsNoSecret(context());
    }

    @Test
    @DisplayName("without /bin/sh the command runs directly, its status recorded, and the summary says what a crash "
            + "would do")
    void withoutAShell() throws Exception {
        HookResult result = sh("echo ran >> runs.log; exit 0").shell(Optional.empty()).build().run(context());

        assertThat(result.status()).as(result.summary()).isEqualTo(HookResult.Status.SUCCEEDED);
        assertThat(result.summary()).startsWith("command sh exited 0").contains("no /bin/sh here");
        assertThat(Files.readString(stateOf(context()).resolve("status"))).isEqualTo("0\n");
        assertThat(sh("echo ran >> runs.log; exit 0").shell(Optional.empty()).build().run(context()).summary())
                .contains("finished before the crash, not run again");
        assertThat(runs()).isEqualTo("ran\n");
    }

    @Test
    @DisplayName("an argument is passed to the command as it is, never interpreted by the wrapper's shell")
    void argumentsAreNotInterpreted() throws Exception {
        String hostile = "$(touch pwned); `touch pwned2`; \"'; touch pwned3 #";
        HookResult result = CommandHook.builder().name("migrate").command(List.of("sh", "-c",
                "printf '%s' \"$1\" > arg.txt", "sh", hostile)).directory(dir).stateDirectory(dir.resolve("state"))
                .build().run(context());

        assertThat(result.status()).as(result.summary()).isEqualTo(HookResult.Status.SUCCEEDED);
        assertThat(Files.readString(dir.resolve("arg.txt"))).isEqualTo(hostile);
        assertThat(dir.resolve("pwned")).doesNotExist();
        assertThat(dir.resolve("pwned2")).doesNotExist();
        assertThat(dir.resolve("pwned3")).doesNotExist();
    }

    @Test
    @DisplayName("delivery ids become one safe file name each")
    void deliveryIdsAsFileNames() {
        assertThat(DeliveryState.fileName("pr7-1:on_rollback:migrate")).isEqualTo("pr7-1%3Aon_rollback%3Amigrate");
        assertThat(DeliveryState.fileName("../x/..")).isEqualTo("%2E.%2Fx%2F..");
        assertThat(DeliveryState.of(dir, "../../etc:p:h").directory().getParent()).isEqualTo(dir.toAbsolutePath());
    }

    void assertStateHoldsNoSecret(HookContext context) throws Exception {
        try (var files = Files.walk(stateOf(context))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f)).as(f.toString()).doesNotContain("ghp_").doesNotContain("PATH=");
            }
        }
    }

    @Test
    @DisplayName("build() lists every problem at once")
    void validation() {
        assertThatThrownBy(() -> CommandHook.builder().name("bad name").command(List.of())
                .directory(dir.resolve("missing")).timeout(Duration.ZERO).build())
                .isInstanceOf(InvalidConfigurationException.class)
                .satisfies(e -> assertThat(((InvalidConfigurationException) e).problems()).hasSize(4));
    }
}
