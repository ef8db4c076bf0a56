package io.releasepipeline.cli.wiring;

import static io.releasepipeline.cli.wiring.ProductionWorld.PR;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lifecycle every production-wiring test class shares: one {@link ProductionWorld} per class (its HTTPS and
 * HTTP stand-ins), a fresh working directory and fresh app per test, and everything stopped after each test and
 * after the class, whether or not the test passed.
 */
abstract class ProductionWiring {

    /** The checks the test config requires of the pull request. */
    static final List<String> CHECKS = List.of("lint", "typecheck", "tests", "contract-governance");
    /** The line the CLI logs as a promotion starts; group 1 is the release id. */
    static final Pattern STARTED = Pattern.compile("release (\\S+): promoting pull request #" + PR);

    static ProductionWorld world;

    @TempDir
    Path dir;

    @BeforeAll
    static void startWorld() {
        world = new ProductionWorld();
    }

    @AfterAll
    static void stopWorld() {
        if (world != null) {
            world.close();
            world = null;
        }
    }

    @BeforeEach
    void beginTest() {
        world.begin(dir);
    }

    @AfterEach
    void endTest() {
        world.end();
    }

    /**
     * The usual starting point: the stable app under {@code perSecond} requests a second ({@link
     * ProductionWorld#stableApp}) and pull request #{@value ProductionWorld#PR} with every {@link #CHECKS check}
     * green. Returns GitHub's stand-in, to script more.
     */
    static GitHubStandIn stableAppAndGreenPr(int perSecond) {
        world.stableApp(perSecond);
        return world.github.pullRequest(PR, CHECKS, "success");
    }

    /** The release id in a line matched by {@link #STARTED}. */
    static String releaseId(String line) {
        Matcher m = STARTED.matcher(line);
        assertThat(m.find()).as(line).isTrue();
        return m.group(1);
    }
}
