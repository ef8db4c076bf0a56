package io.releasepipeline.testkit;

import io.releasepipeline.hook.HookContext;
import io.releasepipeline.hook.HookResult;
import io.releasepipeline.hook.ReleaseHook;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A {@link ReleaseHook} for tests: records every context it is run with and counts runs per delivery id (what a
 * receiver that dedupes would see), and answers as scripted: succeed (the default), fail, error, throw, or hang
 * until its thread is interrupted (the engine's timeout abandons it). One instance may be shared by the pipelines of
 * two "processes" (a crash and a resume) to count runs across both.
 *
 * <pre>{@code
 * RecordingHook undo = RecordingHook.named("undo-migration").answering(ctx -> HookResult.succeeded("schema 41"));
 * sim.builder().migrationRollbackHook(undo).build();
 * assertThat(undo.runs()).isEqualTo(1);
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class RecordingHook implements ReleaseHook {

    private final String name;
    private final String kind;
    private final Duration timeout;
    private final Function<HookContext, HookResult> answer;
    private final Consumer<HookContext> before;
    private final List<HookContext> contexts = new ArrayList<>();
    private final Map<String, Integer> runsByDelivery = new LinkedHashMap<>();

    private RecordingHook(String name, String kind, Duration timeout, Function<HookContext, HookResult> answer,
            Consumer<HookContext> before) {
        this.name = name;
        this.kind = kind;
        this.timeout = timeout;
        this.answer = answer;
        this.before = before;
    }

    /**
     * A hook that succeeds, with a 30 s timeout.
     *
     * @param name the hook's name
     * @return a hook that succeeds, with a 30 s timeout
     */
    public static RecordingHook named(String name) {
        return new RecordingHook(Objects.requireNonNull(name, "name"), "recording", Duration.ofSeconds(30),
                ctx -> HookResult.succeeded(name + " done for " + ctx.deliveryId()), ctx -> { });
    }

    /**
     * The same hook, answering with {@code answer}.
     *
     * @param answer computes each run's result from its context
     * @return the same hook, answering with {@code answer}
     */
    public RecordingHook answering(Function<HookContext, HookResult> answer) {
        return new RecordingHook(name, kind, timeout, answer, before);
    }

    /**
     * The same hook, failing (it ran and said no) with {@code summary}.
     *
     * @param summary what the hook says
     * @return the same hook, failing (it ran and said no) with {@code summary}
     */
    public RecordingHook failing(String summary) {
        return answering(ctx -> HookResult.failed(summary));
    }

    /**
     * The same hook, throwing {@code error} (a RuntimeException or an Error) on every run.
     *
     * @param error what every run throws
     * @return the same hook, throwing {@code error} (a RuntimeException or an Error) on every run
     */
    public RecordingHook throwing(Throwable error) {
        return answering(ctx -> {
            if (error instanceof RuntimeException e) {
                throw e;
            }
            throw (Error) error;
        });
    }

    /**
     * The same hook, hanging until its thread is interrupted (then it answers success, which the engine must
     * ignore: it abandoned the run at its timeout).
     *
     * @return the same hook, hanging until its thread is interrupted (then it answers success, which the engine must
     *     ignore: it abandoned the run at its timeout)
     */
    public RecordingHook hanging() {
        return answering(ctx -> {
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return HookResult.succeeded("woke up after being abandoned");
        });
    }

    /**
     * The same hook, running {@code action} first on every run (after counting it), e.g. to simulate a crash.
     *
     * @param action runs first on every run
     * @return the same hook, running {@code action} first on every run (after counting it), e.g. to simulate a crash
     */
    public RecordingHook before(Consumer<HookContext> action) {
        return new RecordingHook(name, kind, timeout, answer, action);
    }

    /**
     * The same hook with another timeout.
     *
     * @param timeout how long a run may take
     * @return the same hook with another timeout
     */
    public RecordingHook timeout(Duration timeout) {
        return new RecordingHook(name, kind, timeout, answer, before);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    @Override
    public HookResult run(HookContext context) {
        synchronized (this) {
            contexts.add(context);
            runsByDelivery.merge(context.deliveryId(), 1, Integer::sum);
        }
        before.accept(context);
        return answer.apply(context);
    }

    /**
     * How many times it ran, over every delivery id.
     *
     * @return how many times it ran, over every delivery id
     */
    public synchronized int runs() {
        return contexts.size();
    }

    /**
     * How many times it ran per delivery id, in the order first seen.
     *
     * @return how many times it ran per delivery id, in the order first seen
     */
    public synchronized Map<String, Integer> runsByDelivery() {
        return Map.copyOf(runsByDelivery);
    }

    /**
     * Every context it ran with, in order.
     *
     * @return every context it ran with, in order
     */
    public synchronized List<HookContext> contexts() {
        return List.copyOf(contexts);
    }
}
