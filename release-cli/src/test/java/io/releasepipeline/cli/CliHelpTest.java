package io.releasepipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.cli.CliWorld.Run;
import io.releasepipeline.evidence.ReleaseOutcome;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The help tells every exit code a command can return, the README's tables agree, and a usage error is short. The
 * codes a command can return are read from the code: {@link ReleaseCli}'s constants, the ones each command's source
 * names, the outcomes of a release, not from a list copied here.
 */
class CliHelpTest {

    /** Surefire runs in the module directory. */
    private static final Path SOURCES = Path.of("src", "main", "java", "io", "releasepipeline", "cli");
    private static final Path README = Path.of("..", "README.md");
    private static final Pattern HELP_CODE = Pattern.compile("(?m)^ {2}(\\d+) {2,}\\S");

    @Test
    @DisplayName("release --help lists every exit code ReleaseCli defines")
    void topLevelHelpListsEveryCode() {
        assertThat(helpCodes(cli("--help").out())).containsExactlyElementsOf(constants().values().stream()
                .sorted().distinct().toList());
    }

    @Test
    @DisplayName("each command's --help lists every exit code its code can return, and only codes ReleaseCli defines")
    void everyCommandListsWhatItCanReturn() throws IOException {
        Map<String, Set<Integer>> commands = commandCodes();

        assertThat(commands).containsKeys("promote", "rollback", "resume", "demo", "unlock", "backtest");
        commands.forEach((command, listed) -> {
            try {
                assertThat(listed).as("release %s --help's exit codes", command)
                        .containsAll(returnable(command))
                        .isSubsetOf(constants().values());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    @DisplayName("the README's command table gives each command the exit codes its help lists, and its exit-code "
            + "table every code")
    void readmeAgrees() throws IOException {
        String readme = Files.readString(README);
        Map<String, Set<Integer>> inReadme = new LinkedHashMap<>();
        Matcher row = Pattern.compile("(?m)^\\| `release ([a-z-]+)[^|]*\\|.*\\| ([^|]+) \\|$").matcher(readme);
        while (row.find()) {
            Set<Integer> codes = inReadme.computeIfAbsent(row.group(1), c -> new TreeSet<>());
            String cell = row.group(2);
            if (cell.startsWith("as promote") || cell.startsWith("as above")) {
                codes.addAll(inReadme.get("promote"));
            }
            Matcher n = Pattern.compile("\\b\\d+\\b").matcher(cell);
            while (n.find()) {
                codes.add(Integer.parseInt(n.group()));
            }
        }

        assertThat(inReadme).as("the README's commands table").isEqualTo(commandCodes());
        for (int code : constants().values()) {
            assertThat(readme).as("the README's exit-code table").containsPattern("(?m)^\\| " + code + " \\| ");
        }
    }

    @Test
    @DisplayName("an unknown option: the error, the closest option and where the usage is, three lines, exit 64")
    void unknownOptionIsShort() {
        Run run = cli("promote", "--prr", "3");

        assertThat(run.exitCode()).isEqualTo(ReleaseCli.USAGE);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines()).containsExactly("release promote: Unknown options: '--prr', '3'",
                "Did you mean '--pr'?", "Run 'release promote --help' for usage.");
    }

    @Test
    @DisplayName("a missing option: the error and where the usage is, not the 25-line usage, exit 64")
    void missingOptionIsShort() {
        Run run = cli("promote");

        assertThat(run.exitCode()).isEqualTo(ReleaseCli.USAGE);
        assertThat(run.err().lines()).containsExactly("release promote: Missing required argument (specify one of "
                + "these): (--pr=N | --event=FILE)", "Run 'release promote --help' for usage.");
    }

    @Test
    @DisplayName("an unknown command names the closest commands; a token pasted into the arguments is not echoed")
    void unknownCommandAndPastedToken() {
        Run unknown = cli("promot");
        Run token = cli("status", "--token", "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB");

        assertThat(unknown.exitCode()).isEqualTo(ReleaseCli.USAGE);
        assertThat(unknown.err().lines()).hasSize(3).element(1).asString().startsWith("Did you mean 'promote'");
        assertThat(unknown.err().lines().toList().get(2)).isEqualTo("Run 'release --help' for usage.");
        assertThat(token.exitCode()).isEqualTo(ReleaseCli.USAGE);
        assertThat(token.err()).startsWith("release status: Unknown options: '--token'")
                .doesNotContain("0123456789abcdefghijklmnopqrstuvwxyzAB");
    }

    /** Every code a command's code can return. */
    private static Set<Integer> returnable(String command) throws IOException {
        String source = Files.readString(SOURCES.resolve(className(command) + ".java"));
        // --help is 0; bad input is 64 (every command's exitCodeOnInvalidInput, the usage tests below); an exception
        // out of any command is 64 or 69 (ReleaseCli.failed: a bad config or argument, a provider or internal error).
        Set<Integer> codes = new TreeSet<>(List.of(ReleaseCli.OK, ReleaseCli.USAGE, ReleaseCli.UNAVAILABLE));
        Matcher named = Pattern.compile("ReleaseCli\\.([A-Z_]+)\\b").matcher(source);
        while (named.find()) {
            codes.add(constants().get(named.group(1)));
        }
        if (source.contains("release(pipeline")) {
            // CliCommand.release: the exit code of how the release ended.
            Arrays.stream(ReleaseOutcome.values()).map(ReleaseCli::exitCode).forEach(codes::add);
        }
        if (source.contains("gatesExitCode(") || source.contains("release(pipeline")) {
            codes.addAll(List.of(ReleaseCli.OK, ReleaseCli.GATES_FAILED, ReleaseCli.UNAVAILABLE));
        }
        if (Pattern.compile("pipeline\\.(promote|resume|rollback)\\(").matcher(source).find()) {
            // The ReleasePipeline calls that throw ReleaseInProgressException, which ReleaseCli.failed makes 75.
            codes.add(ReleaseCli.IN_PROGRESS);
        }
        return codes;
    }

    /** The commands the top-level help lists, each with the exit codes its own help lists. */
    private static Map<String, Set<Integer>> commandCodes() {
        String top = cli("--help").out();
        String commands = top.substring(top.indexOf("Commands:"), top.indexOf("Exit codes:"));
        Map<String, Set<Integer>> codes = new LinkedHashMap<>();
        Matcher name = Pattern.compile("(?m)^ {2}([a-z-]+) ").matcher(commands);
        while (name.find()) {
            codes.put(name.group(1), helpCodes(cli(name.group(1), "--help").out()));
        }
        return codes;
    }

    /** The codes under a help's "Exit codes:" heading. */
    private static Set<Integer> helpCodes(String help) {
        assertThat(help).contains("Exit codes:");
        Matcher m = HELP_CODE.matcher(help.substring(help.indexOf("Exit codes:")));
        Set<Integer> codes = new TreeSet<>();
        while (m.find()) {
            codes.add(Integer.parseInt(m.group(1)));
        }
        return codes;
    }

    /** {@code smoke-check} is {@code SmokeCheckCommand}. */
    private static String className(String command) {
        StringBuilder sb = new StringBuilder();
        for (String part : command.split("-")) {
            sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return sb.append("Command").toString();
    }

    /** ReleaseCli's exit-code constants by name. */
    private static Map<String, Integer> constants() {
        Map<String, Integer> constants = new LinkedHashMap<>();
        for (Field f : ReleaseCli.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
                try {
                    constants.put(f.getName(), f.getInt(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return constants;
    }

    private static Run cli(String... args) {
        return CliWorld.runProduction(args);
    }

}
