package io.releasepipeline.examples.cli.hook;

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
        return new HookContext(HookPoint.ON_ROLLBACK, HookContext.deliveryId("pr7-1", HookPoint.ON_ROLLBACK,
                "migrate"), "pr7-1", "backend", "production", Optional.of(7), Optional.of("abc123"),
                Optional.of("backend--v1"), Optional.of("backend--v2"), Optional.of("error rate 9%"), true,
                Optional.empty());
    }

    CommandHook.Builder sh(String script) {
        return CommandHook.builder().name("migrate").command(List.of("sh", "-c", script)).directory(dir)
                .timeout(Duration.ofSeconds(20));
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
                .build().run(context());
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
                .build().run(context());

        assertThat(result.status()).isEqualTo(HookResult.Status.ERROR);
        assertThat(result.summary()).startsWith("command no-such-tool could not start");
    }

    @Test
    @DisplayName("ten megabytes of output do not flood anything: only the last line, capped, is kept")
    void floodOfOutput() {
        HookResult result = sh("head -c 10000000 /dev/zero | tr '\\0' 'x'; echo; echo \"$(head -c 5000 /dev/zero "
                + "| tr '\\0' 'y')\"; exit 2").build().run(context());

        assertThat(result.status()).isEqualTo(HookResult.Status.FAILED);
        assertThat(result.summary()).contains("exited 2: yyy").hasSizeLessThan(CommandHook.LINE_LIMIT + 60);
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
