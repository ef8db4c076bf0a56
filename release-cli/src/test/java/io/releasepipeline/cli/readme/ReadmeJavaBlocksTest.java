package io.releasepipeline.cli.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The README's {@code ```java} blocks and the code in {@link ReadmeSnippetsTest} that compiles and runs them cannot
 * drift apart: every block is tagged {@code <!-- snippet: NAME -->}, and shows exactly the region
 * {@code // tag::NAME[]} ... {@code // end::NAME[]} of that test, by the rules of {@link ReadmeSnippets}. To change a
 * snippet, change the test, run it, and paste the region (without its {@code // readme:hidden} lines) into the README.
 */
class ReadmeJavaBlocksTest {

    static final Path README = Path.of("..", "README.md");
    static final Path SNIPPETS = Path.of("src", "test", "java", "io", "releasepipeline", "cli", "readme",
            "ReadmeSnippetsTest.java");

    static String readme() throws IOException {
        return Files.readString(README).replace("\r\n", "\n");
    }

    static Map<String, String> regions() throws IOException {
        return ReadmeSnippets.regions(Files.readString(SNIPPETS).replace("\r\n", "\n"));
    }

    @Test
    @DisplayName("every ```java block of the README is tagged with the snippet that runs it")
    void everyBlockIsTagged() throws IOException {
        List<ReadmeSnippets.Block> blocks = ReadmeSnippets.javaBlocks(readme());

        assertThat(blocks).as("the README's Java blocks").hasSizeGreaterThanOrEqualTo(6);
        assertThat(blocks).filteredOn(b -> b.name().isEmpty()).extracting(ReadmeSnippets.Block::describe)
                .as("put <!-- snippet: NAME --> before each, and // tag::NAME[] ... // end::NAME[] around the same "
                        + "code in ReadmeSnippetsTest")
                .isEmpty();
    }

    @Test
    @DisplayName("every tagged README block shows exactly its region of ReadmeSnippetsTest")
    void everyBlockMatchesItsRegion() throws IOException {
        Map<String, String> regions = regions();
        List<String> problems = new ArrayList<>();
        for (ReadmeSnippets.Block block : ReadmeSnippets.javaBlocks(readme())) {
            if (block.name().isEmpty()) {
                continue;
            }
            String region = regions.get(block.name().get());
            if (region == null) {
                problems.add(block.describe() + " names no region of " + SNIPPETS.getFileName() + " (regions: "
                        + regions.keySet() + ")");
            } else if (!region.equals(block.text())) {
                problems.add(block.describe() + " differs from its region in " + SNIPPETS.getFileName()
                        + " (- only in the test, + only in the README):\n" + ReadmeSnippets.diff(region, block.text()));
            }
        }
        assertThat(problems).as("README blocks that drifted from the code that runs them").isEmpty();
    }

    @Test
    @DisplayName("every region of ReadmeSnippetsTest is shown by exactly one README block")
    void everyRegionIsShownOnce() throws IOException {
        List<String> shown = ReadmeSnippets.javaBlocks(readme()).stream().flatMap(b -> b.name().stream()).toList();

        assertThat(shown).as("README snippet names").doesNotHaveDuplicates();
        assertThat(shown).as("regions of %s the README shows", SNIPPETS.getFileName())
                .containsExactlyInAnyOrderElementsOf(regions().keySet());
    }

    @Nested
    @DisplayName("the comparison")
    class TheComparison {

        private static final String SOURCE = """
                class X {
                    void run() {
                        // tag::demo[]
                        Thing thing = Thing.builder()
                            .name("a")            // shown
                            .clock(clock)         // readme:hidden

                            .build();
                        // end::demo[]
                    }
                }
                """;

        @Test
        @DisplayName("removes hidden lines, the common indentation and trailing spaces, and keeps blank lines")
        void region() {
            assertThat(ReadmeSnippets.regions(SOURCE)).containsExactly(Map.entry("demo", """
                    Thing thing = Thing.builder()
                        .name("a")            // shown

                        .build();"""));
        }

        @Test
        @DisplayName("finds each ```java block with the name on the line before it, and no name without a marker")
        void blocks() {
            String markdown = "Intro\n\n<!-- snippet: demo -->\n```java\nint a = 1;  \n```\n\nText\n```java\n"
                    + "int b;\n```\n```yaml\nx: 1\n```\n";

            assertThat(ReadmeSnippets.javaBlocks(markdown)).containsExactly(
                    new ReadmeSnippets.Block(4, Optional.of("demo"), "int a = 1;"),
                    new ReadmeSnippets.Block(9, Optional.empty(), "int b;"));
        }

        @Test
        @DisplayName("a changed line shows up in the diff as removed from the test and added in the README")
        void diff() {
            assertThat(ReadmeSnippets.diff("a\nb\nc", "a\nB\nc")).isEqualTo("  a\n- b\n+ B\n  c\n");
            assertThat(ReadmeSnippets.diff("a\nb", "a\nb")).isEmpty();
        }

        @Test
        @DisplayName("an unclosed, nested, stray or repeated tag is an error naming its line")
        void malformedRegions() {
            assertThatThrownBy(() -> ReadmeSnippets.regions("// tag::a[]\nx\n"))
                    .hasMessageContaining("region 'a' opened at line 1 is never closed");
            assertThatThrownBy(() -> ReadmeSnippets.regions("// tag::a[]\n// tag::b[]\n"))
                    .hasMessageContaining("line 2: tag::b[] opens inside region 'a'");
            assertThatThrownBy(() -> ReadmeSnippets.regions("x\n// end::a[]\n"))
                    .hasMessageContaining("line 2: end::a[] closes no open region");
            assertThatThrownBy(() -> ReadmeSnippets.regions("// tag::a[]\n// end::a[]\n// tag::a[]\n// end::a[]\n"))
                    .hasMessageContaining("line 3: region 'a' is tagged twice");
        }
    }
}
