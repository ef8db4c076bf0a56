package io.releasepipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.ReleasePipeline;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link SignalStop} with signals the test sends itself (on the test's thread, so no wait is needed) and a pipeline
 * that only records {@code requestRollback}; {@link JvmSignals}' registrations. The packaged CLI under real signals
 * is {@code SignalIT}.
 */
class SignalStopTest {

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final List<Consumer<String>> handlers = new CopyOnWriteArrayList<>();
    private final CliContext context = new CliContext(new PrintStream(new ByteArrayOutputStream(), true),
            new PrintStream(err, true, StandardCharsets.UTF_8), () -> null, false, name -> null, handler -> {
                handlers.add(handler);
                return () -> handlers.remove(handler);
            });
    private final List<String> rollbacks = new ArrayList<>();
    /** A release in flight: every requestRollback is taken. */
    private final ReleasePipeline pipeline = (ReleasePipeline) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {ReleasePipeline.class}, (proxy, method, args) -> {
                if (method.getName().equals("requestRollback")) {
                    rollbacks.add((String) args[0]);
                    return true;
                }
                throw new UnsupportedOperationException(method.getName());
            });

    private void signal(String name) {
        handlers.forEach(h -> h.accept(name));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("the first signal stops the release once; a second only says so; closing stops listening")
    void secondSignal() {
        try (SignalStop stop = SignalStop.stopping(context, "promote", pipeline, new SignalStop.EarlyStop())) {
            String result = stop.run(() -> {
                signal("INT");
                signal("TERM");
                return "ended";
            });

            assertThat(result).isEqualTo("ended");
            assertThat(stop.received()).contains("SIGINT");
        }

        assertThat(rollbacks).singleElement().asString().contains("termination signal", "SIGINT");
        assertThat(err()).contains("release promote: SIGINT received: stopping the release",
                "release promote: SIGTERM received again: still finishing");
        assertThat(handlers).isEmpty();
    }

    @Test
    @DisplayName("a standalone rollback is not stopped: the signal is noted, the rollback goes on")
    void rollbackIsFinished() {
        try (SignalStop stop = SignalStop.finishing(context, "rollback")) {
            stop.run(() -> {
                signal("TERM");
                return null;
            });
            assertThat(stop.received()).contains("SIGTERM");
        }

        assertThat(err()).contains("release rollback: SIGTERM received: finishing the rollback in flight");
    }

    @Test
    @DisplayName("a standalone rollback's recovery watch is ended by the signal (asked once its lock is held); the "
            + "rollback itself goes on")
    void rollbackRecoveryWatchIsEnded() throws Exception {
        java.util.concurrent.CountDownLatch asked = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        List<String> reasons = new CopyOnWriteArrayList<>();
        ReleasePipeline rollingBack = (ReleasePipeline) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ReleasePipeline.class}, (proxy, method, args) -> {
                    if (method.getName().equals("requestRollback")) {
                        // Not in flight on the first ask (the lock not taken yet), in flight on the second.
                        if (attempts.incrementAndGet() < 2) {
                            return false;
                        }
                        reasons.add((String) args[0]);
                        asked.countDown();
                        return true;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        try (SignalStop stop = SignalStop.finishing(context, "rollback")) {
            stop.run(() -> {
                stop.watching(rollingBack);
                signal("TERM");
                try {
                    assertThat(asked.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                return null;
            });
        }

        assertThat(reasons).singleElement().asString().contains("termination signal", "SIGTERM");
        assertThat(err()).contains("its recovery watch, if any, ends unverified");
    }

    @Test
    @DisplayName("the failure quoted in that line stays one line, without a credential or a workflow command")
    void workThatThrowsOutsideText() {
        try (SignalStop stop = SignalStop.stopping(context, "resume", pipeline, new SignalStop.EarlyStop())) {
            assertThatThrownBy(() -> stop.run(() -> {
                signal("TERM");
                throw new IllegalStateException("proxy said: Authorization: Bearer ghp_abcdefghijklmnopqrstuvwxyz0123456789"
                        + "\n::set-output name=x::y");
            })).isInstanceOf(IllegalStateException.class);
        }

        assertThat(err()).doesNotContain("ghp_abcdefghijklmnopqrstuvwxyz0123456789").doesNotContainPattern("(?m)^::");
        assertThat(err().lines().filter(l -> l.startsWith("release resume: cancelled by SIGTERM"))).singleElement()
                .asString().contains("did not finish", "run `release resume`");
    }

    @Test
    @DisplayName("a release that throws after a signal: one line says it did not finish and to run `release resume`")
    void workThatThrows() {
        try (SignalStop stop = SignalStop.stopping(context, "resume", pipeline, new SignalStop.EarlyStop())) {
            assertThatThrownBy(() -> stop.run(() -> {
                signal("TERM");
                throw new IllegalStateException("the evidence store is gone");
            })).isInstanceOf(IllegalStateException.class);
        }

        assertThat(err().lines().filter(l -> l.startsWith("release resume: cancelled by SIGTERM"))).singleElement()
                .asString().contains("did not finish", "the evidence store is gone", "run `release resume`");
    }

    @Test
    @DisplayName("without a signal nothing is printed and nothing is stopped")
    void noSignal() {
        try (SignalStop stop = SignalStop.stopping(context, "promote", pipeline, new SignalStop.EarlyStop())) {
            assertThat(stop.run(() -> 7)).isEqualTo(7);
            assertThat(stop.received()).isEmpty();
        }

        assertThat(rollbacks).isEmpty();
        assertThat(err()).isEmpty();
    }

    @Test
    @DisplayName("JvmSignals: the handlers stay installed while any registration is open, and are restored after")
    void jvmRegistrations() {
        JvmSignals signals = JvmSignals.INSTANCE;
        CliContext.Registration first = signals.handle(name -> { });
        CliContext.Registration second = signals.handle(name -> { });
        assertThat(signals.installed()).isTrue();

        first.close();
        first.close();
        assertThat(signals.installed()).as("one registration is still open").isTrue();

        second.close();
        assertThat(signals.installed()).isFalse();
    }
}
