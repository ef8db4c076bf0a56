package io.releasepipeline.cli.wiring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A self-signed certificate for the HTTPS stand-ins, made once per test JVM with the JDK's {@code keytool}: a PKCS12
 * keystore with the key (for WireMock) and a PKCS12 truststore with the certificate alone (for the child process,
 * {@code -Djavax.net.ssl.trustStore}). Subject alternative names {@code ip:127.0.0.1} and {@code dns:localhost}, so
 * hostname verification passes as it would against a real endpoint. Deleted when the JVM exits. Thread-safe.
 */
final class TestCertificate {

    /** The store and key password; protects nothing but test files. */
    static final String PASSWORD = "stand-in-only";

    private static TestCertificate instance;

    final Path keystore;
    final Path truststore;

    private TestCertificate(Path keystore, Path truststore) {
        this.keystore = keystore;
        this.truststore = truststore;
    }

    /** The certificate, made on first use. */
    static synchronized TestCertificate get() {
        if (instance == null) {
            instance = make();
        }
        return instance;
    }

    /** The JVM options that make a child process trust the certificate (and nothing else). */
    List<String> trustOptions() {
        return List.of("-Djavax.net.ssl.trustStore=" + truststore, "-Djavax.net.ssl.trustStorePassword=" + PASSWORD,
                "-Djavax.net.ssl.trustStoreType=PKCS12");
    }

    private static TestCertificate make() {
        try {
            Path dir = Files.createTempDirectory("release-it-tls");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
            Path keystore = dir.resolve("stand-in.p12");
            Path certificate = dir.resolve("stand-in.cer");
            Path truststore = dir.resolve("trust.p12");
            keytool("-genkeypair", "-alias", "stand-in", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-keystore",
                    keystore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
            keytool("-exportcert", "-alias", "stand-in", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                    "-storepass", PASSWORD, "-file", certificate.toString());
            keytool("-importcert", "-noprompt", "-alias", "stand-in", "-file", certificate.toString(), "-keystore",
                    truststore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
            return new TestCertificate(keystore, truststore);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while keytool ran", e);
        } finally {
            p.destroyForcibly();
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // Best effort at JVM exit; the files are in the temp directory anyway.
        }
    }
}
