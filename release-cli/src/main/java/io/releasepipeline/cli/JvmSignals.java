package io.releasepipeline.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The process's SIGINT and SIGTERM, routed to the handlers registered with {@link #handle}. While one is registered
 * the two signals call it instead of starting the JVM's shutdown, which would run every library's shutdown hooks
 * (the Azure SDK shuts its executors down in one) at the same time as the rollback the signal asked for, and end the
 * process with 130 or 143 whatever the release's outcome. When the last registration is closed the JVM's own
 * handling comes back: a signal outside a release stops the process at once, as before.
 *
 * <p>Where the JVM does not let a program handle these signals ({@code java -Xrs}, under which they stop the process
 * without even running shutdown hooks), registering does nothing: a signal then stops the process as it would any
 * program, and {@code release resume} finishes the release from its journal. Thread-safe.
 */
final class JvmSignals implements CliContext.Signals {

    /** The one instance: signal handlers are process-wide. */
    static final JvmSignals INSTANCE = new JvmSignals();
    private static final List<String> NAMES = List.of("INT", "TERM");

    private final List<Consumer<String>> handlers = new CopyOnWriteArrayList<>();
    private final Map<String, SignalHandler> previous = new HashMap<>();

    private JvmSignals() {
    }

    @Override
    public synchronized CliContext.Registration handle(Consumer<String> handler) {
        // A wrapper of its own, so that registering one handler twice still gives two registrations.
        Consumer<String> registered = handler::accept;
        if (handlers.isEmpty() && !install()) {
            return () -> { };
        }
        handlers.add(registered);
        return () -> unregister(registered);
    }

    private synchronized void unregister(Consumer<String> registered) {
        if (handlers.remove(registered) && handlers.isEmpty()) {
            restore();
        }
    }

    /** Whether this class's handlers are the JVM's for SIGINT and SIGTERM now. */
    synchronized boolean installed() {
        return !previous.isEmpty();
    }

    private boolean install() {
        try {
            for (String name : NAMES) {
                previous.put(name, Signal.handle(new Signal(name), signal -> dispatch(name)));
            }
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError refused) {
            // -Xrs, or a platform without these signals.
            restore();
            return false;
        }
    }

    private void restore() {
        previous.forEach((name, handler) -> Signal.handle(new Signal(name), handler));
        previous.clear();
    }

    private void dispatch(String name) {
        for (Consumer<String> handler : new ArrayList<>(handlers)) {
            handler.accept(name);
        }
    }
}
