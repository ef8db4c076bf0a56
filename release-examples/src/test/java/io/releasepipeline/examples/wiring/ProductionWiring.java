package io.releasepipeline.examples.wiring;

import java.nio.file.Path;
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
}
