package io.releasepipeline.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.evidence.EvidenceTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code evidence.template} in {@code release.yaml}: the default file when it exists, an explicit one that must. */
class EvidenceTemplateConfigTest {

    private static final String MINIMAL = """
            app: {subscription: sub-1, resourceGroup: trade-nexus, name: trade-nexus-backend}
            github: {repository: octo-org/trade-nexus}
            smoke: {baseUrl: "https://backend.example.com"}
            """;

    @TempDir
    Path dir;

    private Path config(String yaml) throws IOException {
        return Files.writeString(dir.resolve("release.yaml"), yaml);
    }

    private Path defaultTemplate(String text) throws IOException {
        Path file = dir.resolve(EvidenceTemplate.DEFAULT_PATH);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    @Test
    @DisplayName("no key and no .ops/templates/release-evidence.md: the built-in report")
    void noTemplate() throws IOException {
        assertThat(ConfigReader.read(config(MINIMAL), dir).evidence().template()).isEmpty();
    }

    @Test
    @DisplayName("no key, and .ops/templates/release-evidence.md exists: it is the template")
    void defaultTemplateUsedWhenItExists() throws IOException {
        defaultTemplate("# {{app}} {{release_id}}\n");

        assertThat(ConfigReader.read(config(MINIMAL), dir).evidence().template()).hasValueSatisfying(t ->
                assertThat(t.name()).isEqualTo(dir.resolve(EvidenceTemplate.DEFAULT_PATH).toString()));
    }

    @Test
    @DisplayName("an explicit evidence.template that does not exist is a problem listed with the others")
    void explicitMissingFile() throws IOException {
        Path yaml = config(MINIMAL + "evidence: {template: forms/evidence.md}\nobservation: {window: 0s}\n");

        assertThatThrownBy(() -> ConfigReader.read(yaml, dir))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .contains("evidence.template: " + dir.resolve("forms/evidence.md") + ": no such file; create "
                                + "the evidence template there, or point at an existing one")
                        .anySatisfy(p -> assertThat(p).startsWith("observation.window")));
    }

    @Test
    @DisplayName("unknown placeholders in the default template are listed with line and column, with the others")
    void unknownPlaceholderInDefaultTemplate() throws IOException {
        Path template = defaultTemplate("# {{app}}\n\nMerged as {{merge_commit}}\n");
        Path yaml = config(MINIMAL + "github: {repository: octo-org/trade-nexus}\n");

        assertThatThrownBy(() -> ConfigReader.read(yaml, dir))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).startsWith("evidence.template: (the default, found) "
                                + template + " line 3, column 11: unknown placeholder {{merge_commit}} (the known "
                                + "placeholders are {{release_id}}"))
                        .anySatisfy(p -> assertThat(p).startsWith("github: appears twice")));
    }
}
