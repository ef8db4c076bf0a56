package io.releasepipeline.cli.hook;

import io.releasepipeline.hook.HookResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A CLI stand-in for {@link CommandHookTest}: runs the test's command hook in a JVM of its own, which the test kills
 * with SIGKILL while the command runs, as a runner kills the CLI. Arguments: state directory, working directory, the
 * {@code sh -c} script, the timeout in seconds.
 */
public final class CommandHookCrashMain {

    private CommandHookCrashMain() {
    }

    /** Runs the hook once and prints its result. */
    public static void main(String[] args) {
        HookResult result = CommandHook.builder().name("migrate").command(List.of("sh", "-c", args[2]))
                .directory(Path.of(args[1])).stateDirectory(Path.of(args[0]))
                .timeout(Duration.ofSeconds(Long.parseLong(args[3]))).build().run(CommandHookTest.context());
        System.out.println(result);
    }
}
