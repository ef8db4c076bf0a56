package io.releasepipeline.hostile;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Captures what the library logs through slf4j-simple (the test binding, which writes to {@code System.err} at each
 * call; the capture takes it over, so nothing reaches the build's output meanwhile), with the named loggers lowered
 * to INFO for the capture: the test-kit's configuration keeps them at WARN, and
 * slf4j-simple fixes a logger's level when it is first made, so the capture sets it on the loggers themselves and puts
 * it back on {@link #close()}. Not thread-safe; one capture at a time.
 */
public final class LogCapture implements AutoCloseable {

    /** slf4j-simple's level numbers: TRACE 0, DEBUG 10, INFO 20. */
    private static final int INFO = 20;

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final PrintStream originalErr = System.err;
    private final Map<Logger, Integer> levels = new LinkedHashMap<>();

    private LogCapture(List<String> loggers) {
        for (String name : loggers) {
            Logger logger = LoggerFactory.getLogger(name);
            Integer level = level(logger);
            if (level != null) {
                levels.put(logger, level);
                setLevel(logger, Math.min(level, INFO));
            }
        }
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    /** Starts capturing, the named loggers at INFO at least. */
    public static LogCapture start(List<String> loggers) {
        return new LogCapture(loggers);
    }

    /** Everything logged so far. */
    public String text() {
        System.err.flush();
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        System.err.flush();
        System.setErr(originalErr);
        levels.forEach(LogCapture::setLevel);
    }

    private static Field levelField(Logger logger) {
        for (Class<?> c = logger.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField("currentLogLevel");
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException next) {
                // up the hierarchy
            }
        }
        return null;
    }

    private static Integer level(Logger logger) {
        Field f = levelField(logger);
        try {
            return f == null ? null : f.getInt(logger);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void setLevel(Logger logger, int level) {
        Field f = levelField(logger);
        if (f == null) {
            throw new IllegalStateException("not slf4j-simple: " + logger.getClass());
        }
        try {
            f.setInt(logger, level);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
