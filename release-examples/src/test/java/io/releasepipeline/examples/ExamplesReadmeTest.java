package io.releasepipeline.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The examples' README shows code that compiles: each {@code ```java} block is tagged
 * {@code <!-- snippet: NAME in PATH -->} and shows exactly the region {@code // tag::NAME[]} ...
 * {@code // end::NAME[]} of that file, indentation removed. To change a block, change the code and paste the region.
 */
class ExamplesReadmeTest {

    static final Path README = Path.of("README.md");
    static final Pattern BLOCK = Pattern.compile("(?:<!-- snippet: (\\S+) in (\\S+) -->\\n)?```java\\n(.*?)```",
            Pattern.DOTALL);

    @Test
    @DisplayName("every Java block of the examples' README is the tagged region of the code it names")
    void blocksMatchTheCode() throws IOException {
        Matcher m = BLOCK.matcher(Files.readString(README).replace("\r\n", "\n"));
        List<String> problems = new ArrayList<>();
        int blocks = 0;
        while (m.find()) {
            blocks++;
            if (m.group(1) == null) {
                problems.add("a ```java block without <!-- snippet: NAME in PATH --> before it: " + m.group(3).lines()
                        .findFirst().orElse(""));
                continue;
            }
            String region = region(Path.of(m.group(2)), m.group(1));
            if (!region.equals(m.group(3))) {
                problems.add("snippet " + m.group(1) + " differs from its region in " + m.group(2) + ":\n--- code\n"
                        + region + "--- README\n" + m.group(3));
            }
        }
        assertThat(blocks).as("Java blocks in the README").isEqualTo(2);
        assertThat(problems).isEmpty();
    }

    /** The lines between the tags, without the indentation of the opening tag. */
    static String region(Path file, String name) throws IOException {
        List<String> lines = Files.readAllLines(file);
        int start = -1;
        StringBuilder region = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.strip().equals("// tag::" + name + "[]")) {
                start = i;
                continue;
            }
            if (start >= 0 && line.strip().equals("// end::" + name + "[]")) {
                return region.toString();
            }
            if (start >= 0) {
                int indent = lines.get(start).indexOf("//");
                region.append(line.length() >= indent ? line.substring(indent) : line.strip()).append('\n');
            }
        }
        throw new AssertionError("no region " + name + " in " + file);
    }
}
