package io.releasepipeline.cli.readme;

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

/** The README's table of where the types live stays true: every class it names is in the package its row says. */
class ReadmePackagesTest {

    private static final Pattern ROW = Pattern.compile("^\\| `(io\\.releasepipeline[\\w.]*)`[^|]*\\| (.+) \\|$",
            Pattern.MULTILINE);
    private static final Pattern TYPE = Pattern.compile("`(\\w+)`");

    @Test
    @DisplayName("every type in the README's package table is in the package its row names")
    void packageTableIsTrue() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        int start = readme.indexOf("<!-- package table:");
        assertThat(start).as("the README's package table marker").isNotNegative();
        String table = readme.substring(start, readme.indexOf("\n\n", start));

        List<String> problems = new ArrayList<>();
        int types = 0;
        Matcher row = ROW.matcher(table);
        while (row.find()) {
            Matcher type = TYPE.matcher(row.group(2));
            while (type.find()) {
                types++;
                String name = row.group(1) + "." + type.group(1);
                try {
                    Class.forName(name, false, getClass().getClassLoader());
                } catch (ClassNotFoundException e) {
                    problems.add(name + " does not exist");
                }
            }
        }
        assertThat(types).as("types named in the table").isGreaterThan(20);
        assertThat(problems).isEmpty();
    }
}
