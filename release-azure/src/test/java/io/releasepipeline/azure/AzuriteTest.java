package io.releasepipeline.azure;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Blob tests' Azurite starter fails, never skips, on a machine without Node.js, and says what to install or set.
 */
class AzuriteTest {

    @Test
    void withoutNpmTheFailureSaysToInstallNodeOrSetAzuriteDir(@TempDir Path home) {
        assertThatThrownBy(() -> Azurite.install(home, "npm-that-is-not-installed-" + ProcessHandle.current().pid()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Azurite is not installed")
                .hasMessageContaining("install Node.js with npm")
                .hasMessageContaining("set AZURITE_DIR")
                .hasMessageContaining("npm install azurite@" + Azurite.VERSION)
                .hasMessageContaining(home.toString());
    }

    @Test
    void aFailedNpmInstallSaysTheSame(@TempDir Path home) {
        // 'false' takes any arguments and exits 1, as an npm install that cannot reach its registry does.
        assertThatThrownBy(() -> Azurite.install(home, "false"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("npm install azurite@" + Azurite.VERSION + " into " + home + " failed")
                .hasMessageContaining("install Node.js with npm")
                .hasMessageContaining("set AZURITE_DIR");
    }
}
