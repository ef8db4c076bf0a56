package io.releasepipeline.time;

/**
 * A provider that knows the clock it runs on: a fake or a local stand-in whose scripted behaviour ("ready after
 * 90 s", "failing from t+3m") is computed from that clock. {@code ReleasePipeline.builder().build()} compares this
 * clock with the pipeline's (the system clock unless {@code .clock(clock)} was called) and refuses, with the
 * configuration's other problems, a pairing on which time would not agree: a pipeline on the system clock with
 * fakes on a virtual clock would wait in real time for virtual time that never comes, and the reverse would race
 * through its timeouts while the fakes wait for the wall clock. Two clocks agree when
 * {@link ReleaseClock#keepsTimeWith(ReleaseClock)} says so, or, for a provider that {@link #wakesClock() wakes its
 * clock}, when they are the same clock.
 *
 * <p>Production providers, which take time from the platform they call, need not implement it. Implementations
 * must return the same clock on every call, from any thread.
 */
public interface ClockAware {

    /**
     * The clock this provider's behaviour is computed from; never null, the same on every call.
     *
     * @return the clock given to this provider when it was built
     */
    ReleaseClock clock();

    /**
     * True when this provider calls {@link ReleaseClock#wakeUp()} on its clock so that a waiting release reacts at
     * once (an approval given, an alert pushed). Its clock must then be the pipeline's very clock: another system
     * clock keeps the same time but wakes nobody, and the release would only notice at its next poll. Default false.
     *
     * @return whether this provider wakes its clock
     */
    default boolean wakesClock() {
        return false;
    }
}
