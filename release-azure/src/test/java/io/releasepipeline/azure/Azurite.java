package io.releasepipeline.azure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real Azurite Blob service (the npm package {@code azurite}), started on a free loopback port and stopped by the
 * test. Azurite is looked for in, in order: system property {@code azurite.dir}, environment variable
 * {@code AZURITE_DIR}, {@code target/azurite} of this module; when {@code node_modules/.bin/azurite-blob} is not
 * there, it is installed with {@code npm install azurite@3.37.0 --prefix <dir>}. Public for the CLI's
 * production-wiring tests, which run one with an account of their own ({@link #withAccount}).
 */
public final class Azurite implements AutoCloseable {

    static final String VERSION = "3.37.0";
    /** Microsoft's published development-storage key; not a secret. */
    private static final String DEV_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private final Process process;
    private final int port;

    Azurite(Path workDir) throws IOException {
        this(workDir, null);
    }

    /** {@code accounts}: Azurite's {@code AZURITE_ACCOUNTS} ({@code name:base64key}), or null for the default. */
    private Azurite(Path workDir, String accounts) throws IOException {
        Path home = home();
        Path bin = home.resolve("node_modules/.bin/azurite-blob");
        if (!Files.isExecutable(bin)) {
            install(home);
        }
        port = freePort();
        Path data = Files.createDirectories(workDir.resolve("azurite-data"));
        ProcessBuilder builder = new ProcessBuilder(List.of(bin.toString(), "--blobHost", "127.0.0.1", "--blobPort",
                String.valueOf(port), "--location", data.toString(), "--skipApiVersionCheck", "--loose"))
                .redirectErrorStream(true);
        if (accounts != null) {
            builder.environment().put("AZURITE_ACCOUNTS", accounts);
        }
        process = builder.start();
        awaitListening();
    }

    /**
     * Starts an Azurite of its own, its data under {@code workDir}, whose one storage account is {@code account} with
     * key {@code key} (Base64) instead of the published development account. Close it to stop it.
     *
     * @throws IOException if it cannot be installed or started
     */
    public static Azurite withAccount(Path workDir, String account, String key) throws IOException {
        return new Azurite(workDir, account + ":" + key);
    }

    /** The Blob service endpoint of {@code account}: {@code http://127.0.0.1:PORT/account}. */
    public String blobEndpoint(String account) {
        return "http://127.0.0.1:" + port + "/" + account;
    }

    private static Azurite shared;

    /**
     * One Azurite for every test class of this JVM, started on first use and stopped when the JVM exits; tests
     * isolate themselves with a container of their own.
     */
    static synchronized Azurite shared() throws IOException {
        if (shared == null) {
            Path data = Files.createDirectories(Path.of("target", "azurite-runs"));
            shared = new Azurite(Files.createTempDirectory(data.toAbsolutePath(), "run-"));
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "azurite-stop"));
        }
        return shared;
    }

    String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + DEV_KEY
                + ";BlobEndpoint=http://127.0.0.1:" + port + "/devstoreaccount1;";
    }

    static String devKey() {
        return DEV_KEY;
    }

    static Path home() {
        String dir = System.getProperty("azurite.dir", System.getenv("AZURITE_DIR"));
        return (dir == null || dir.isBlank() ? Path.of("target", "azurite") : Path.of(dir)).toAbsolutePath();
    }

    /** What to do when Azurite is not there and cannot be installed: these tests never skip themselves. */
    static String remedy(Path home) {
        return "The Blob evidence tests run against Azurite, the Azure Storage emulator, which comes from npm: install "
                + "Node.js with npm (https://nodejs.org), or set AZURITE_DIR to a directory where "
                + "'npm install azurite@" + VERSION + " --prefix <dir>' was run (it must hold "
                + "node_modules/.bin/azurite-blob; looked in " + home + ")";
    }

    private static void install(Path home) throws IOException {
        install(home, "npm");
    }

    static void install(Path home, String npmCommand) throws IOException {
        Files.createDirectories(home);
        Process npm;
        try {
            npm = new ProcessBuilder(npmCommand, "install", "azurite@" + VERSION, "--prefix", home.toString(),
                    "--no-audit", "--no-fund").redirectErrorStream(true).start();
        } catch (IOException notFound) {
            throw new IOException("Azurite is not installed and '" + npmCommand + "' cannot be run ("
                    + notFound.getMessage() + "). " + remedy(home), notFound);
        }
        String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!npm.waitFor(10, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                throw new IllegalStateException("npm install azurite@" + VERSION + " into " + home
                        + " failed:\n" + output + "\n" + remedy(home));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Reads Azurite's output until it says it listens; fails if it exits or stays silent for 60 s. */
    private void awaitListening() throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        CompletableFuture<Boolean> listening = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    seen.append(line).append('\n');
                    if (line.contains("successfully listen")) {
                        return true;
                    }
                }
                return false;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            if (!listening.get(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("Azurite exited before listening (is Node.js installed? its "
                        + "azurite-blob runs on node):\n" + seen);
            }
        } catch (Exception e) {
            close();
            throw new IllegalStateException("Azurite did not start on port " + port + ":\n" + seen, e);
        }
        // Keep draining its output so it never blocks on a full pipe.
        CompletableFuture.runAsync(() -> {
            try {
                while (out.readLine() != null) {
                    // discard
                }
            } catch (IOException closed) {
                // Azurite stopped.
            }
        });
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Stops it (its process and the processes it started). */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
