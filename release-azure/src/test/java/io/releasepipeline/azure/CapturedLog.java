package io.releasepipeline.azure;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the code under test logs while it is open: slf4j-simple writes to whatever {@code System.err} is at the time
 * of each log call, so this tees {@code System.err} into a buffer (and still to the console) until closed.
 */
final class CapturedLog implements AutoCloseable {

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final PrintStream original = System.err;

    private CapturedLog() {
        System.setErr(new PrintStream(new Tee(captured, original), true, StandardCharsets.UTF_8));
    }

    /** Starts capturing. */
    static CapturedLog start() {
        return new CapturedLog();
    }

    /** Everything logged so far. */
    String text() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    /** The lines logged so far. */
    List<String> lines() {
        return text().lines().toList();
    }

    @Override
    public void close() {
        System.setErr(original);
    }

    private static final class Tee extends OutputStream {
        private final OutputStream capture;
        private final OutputStream original;

        Tee(OutputStream capture, OutputStream original) {
            this.capture = capture;
            this.original = original;
        }

        @Override
        public void write(int b) throws IOException {
            synchronized (capture) {
                capture.write(b);
            }
            original.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            synchronized (capture) {
                capture.write(b, off, len);
            }
            original.write(b, off, len);
        }
    }
}
