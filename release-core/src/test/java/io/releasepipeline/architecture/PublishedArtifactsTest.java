package io.releasepipeline.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What a Maven repository and a team adopting the library need from the build: the POM metadata every published
 * artifact carries, sources and javadoc jars for the library modules (javadoc with doclint, warnings failing the
 * build), and a repository that stands alone (license, changelog, contributing guide, no POM comment pointing
 * outside it). Reads the POMs as written; the effective model follows from Maven's inheritance rules.
 */
class PublishedArtifactsTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String URL = "https://github.com/releasepipeline/release-pipeline";
    private static final List<String> LIBRARIES =
            List.of("release-core", "release-test-kit", "release-azure", "release-github");
    private static final List<String> APPLICATIONS =
            List.of("release-cli", "release-examples", "release-benchmarks");

    @Test
    void theParentPomCarriesTheMetadataEveryModuleInheritsWithoutAppendedPaths() throws Exception {
        Element project = pom(ROOT.resolve("pom.xml"));
        assertMetadata(project);
        assertThat(project.getAttribute("child.project.url.inherit.append.path")).isEqualTo("false");
        Element scm = child(project, "scm");
        assertThat(scm.getAttribute("child.scm.connection.inherit.append.path")).isEqualTo("false");
        assertThat(scm.getAttribute("child.scm.developerConnection.inherit.append.path")).isEqualTo("false");
        assertThat(scm.getAttribute("child.scm.url.inherit.append.path")).isEqualTo("false");
        assertThat(texts(child(project, "modules"), "module")).containsAll(LIBRARIES).containsAll(APPLICATIONS)
                .contains("release-bom");
    }

    @Test
    void theBomHasNoParentSoItCarriesTheSameMetadataItself() throws Exception {
        Element bom = pom(ROOT.resolve("release-bom/pom.xml"));
        assertThat(children(bom, "parent")).isEmpty();
        assertMetadata(bom);
    }

    @Test
    void everyLibraryModuleBuildsSourcesAndJavadocJarsWithDoclintAndNoWarnings() throws Exception {
        Element management = child(child(child(pom(ROOT.resolve("pom.xml")), "build"), "pluginManagement"), "plugins");
        Element sources = plugin(management, "maven-source-plugin");
        assertThat(text(sources, "version")).isEqualTo("3.4.0");
        assertThat(goals(sources)).containsExactly("jar-no-fork");
        Element javadoc = plugin(management, "maven-javadoc-plugin");
        assertThat(text(javadoc, "version")).isEqualTo("3.12.0");
        assertThat(goals(javadoc)).containsExactly("jar");
        assertThat(text(child(child(javadoc, "executions"), "execution"), "phase"))
                .as("built by verify, not by the demo's package -DskipTests").isEqualTo("verify");
        Element configuration = child(javadoc, "configuration");
        assertThat(text(configuration, "doclint")).isEqualTo("all");
        assertThat(text(configuration, "failOnWarnings")).isEqualTo("true");
        assertThat(children(configuration, "links")).as("javadoc builds offline: no links to the internet").isEmpty();
        assertThat(text(configuration, "detectJavaApiLink")).isEqualTo("false");
        assertThat(text(configuration, "detectLinks")).isEqualTo("false");

        Element clean = plugin(management, "maven-clean-plugin");
        assertThat(goals(clean)).as("javadoc runs on every verify, not only when its options change")
                .containsExactly("clean");
        assertThat(child(clean, "executions").getTextContent()).contains("maven-javadoc-plugin-stale-data.txt");

        for (String module : LIBRARIES) {
            Element plugins = child(child(pom(ROOT.resolve(module).resolve("pom.xml")), "build"), "plugins");
            assertThat(artifactIds(plugins)).as(module)
                    .contains("maven-source-plugin", "maven-javadoc-plugin", "maven-clean-plugin");
        }
        for (String module : APPLICATIONS) {
            Path file = ROOT.resolve(module).resolve("pom.xml");
            assertThat(Files.readString(file)).as(module + " is an application: its javadoc is not part of verify")
                    .doesNotContain("maven-javadoc-plugin");
        }
    }

    @Test
    void noPomCommentPointsOutsideTheRepository() throws Exception {
        List<Path> poms = new ArrayList<>(List.of(ROOT.resolve("pom.xml")));
        for (String module : texts(child(pom(ROOT.resolve("pom.xml")), "modules"), "module")) {
            poms.add(ROOT.resolve(module).resolve("pom.xml"));
        }
        for (Path file : poms) {
            for (String comment : comments(pom(file).getOwnerDocument())) {
                assertThat(comment).as(ROOT.relativize(file).toString())
                        .doesNotContain("shared/", "notes/", "/work", "../");
            }
        }
    }

    @Test
    void theRepositoryHasItsLicenseChangelogAndContributingGuide() throws IOException {
        String license = Files.readString(ROOT.resolve("LICENSE"), StandardCharsets.UTF_8);
        assertThat(license).contains("Apache License", "Version 2.0, January 2004",
                "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION", "END OF TERMS AND CONDITIONS",
                "Copyright 2026 The release-pipeline authors");
        String changelog = Files.readString(ROOT.resolve("CHANGELOG.md"), StandardCharsets.UTF_8);
        assertThat(changelog).contains("## [Unreleased]", "## [0.1.0]");
        assertThat(changelog.indexOf("## [Unreleased]")).isLessThan(changelog.indexOf("## [0.1.0]"));
        assertThat(ROOT.resolve("CONTRIBUTING.md")).isRegularFile();
        assertThat(ROOT.resolve("SECURITY.md")).isRegularFile();
    }

    private static void assertMetadata(Element project) {
        assertThat(text(project, "url")).isEqualTo(URL);
        Element license = child(child(project, "licenses"), "license");
        assertThat(text(license, "name")).isEqualTo("Apache-2.0");
        assertThat(text(license, "url")).isEqualTo("https://www.apache.org/licenses/LICENSE-2.0.txt");
        Element scm = child(project, "scm");
        assertThat(text(scm, "connection")).isEqualTo("scm:git:" + URL + ".git");
        assertThat(text(scm, "developerConnection"))
                .isEqualTo("scm:git:git@github.com:releasepipeline/release-pipeline.git");
        assertThat(text(scm, "url")).isEqualTo(URL);
        assertThat(text(child(child(project, "developers"), "developer"), "name"))
                .isEqualTo("The release-pipeline authors");
        assertThat(text(child(project, "issueManagement"), "url")).isEqualTo(URL + "/issues");
    }

    private static Element pom(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document document = factory.newDocumentBuilder().parse(file.toFile());
        return document.getDocumentElement();
    }

    private static Element plugin(Element plugins, String artifactId) {
        return children(plugins, "plugin").stream().filter(p -> artifactId.equals(text(p, "artifactId")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + artifactId + " in pluginManagement"));
    }

    private static List<String> artifactIds(Element plugins) {
        return children(plugins, "plugin").stream().map(p -> text(p, "artifactId")).toList();
    }

    private static List<String> goals(Element plugin) {
        List<String> goals = new ArrayList<>();
        for (Element execution : children(child(plugin, "executions"), "execution")) {
            goals.addAll(texts(child(execution, "goals"), "goal"));
        }
        return goals;
    }

    private static List<String> comments(Node node) {
        List<String> comments = new ArrayList<>();
        NodeList nodes = node.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node n = nodes.item(i);
            if (n.getNodeType() == Node.COMMENT_NODE) {
                comments.add(n.getNodeValue());
            } else {
                comments.addAll(comments(n));
            }
        }
        return comments;
    }

    private static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        assertThat(found).as("<%s> in <%s>", name, parent.getTagName()).hasSize(1);
        return found.get(0);
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element e && e.getTagName().equals(name)) {
                found.add(e);
            }
        }
        return found;
    }

    private static String text(Element parent, String name) {
        return child(parent, name).getTextContent().trim();
    }

    private static List<String> texts(Element parent, String name) {
        return children(parent, name).stream().map(e -> e.getTextContent().trim()).toList();
    }
}
