package io.releasepipeline.testkit.faults;

import java.time.Duration;

/**
 * What goes wrong at one provider call of a release: the fault matrix's second dimension. Each fault is applied to
 * one {@link CallSite} (a provider method and its occurrence) of the first process running the release; what it means
 * there is stated on each constant.
 */
public enum Fault {

    /** This one call fails with a transient {@code ProviderException} (a 503, a timeout); a retry succeeds. */
    TRANSIENT("transient failure"),
    /**
     * This call and every later call of the same method fail with a permanent {@code ProviderException} (a 403, a
     * missing role): a provider that stays broken for the rest of the process's life.
     */
    PERMANENT("permanent failure"),
    /** This one call throws an {@link AssertionError} (any {@code Error}: out of memory, a missing class). */
    ERROR("Error"),
    /**
     * This call hangs past its deadline: it blocks for {@link #HANG_DEADLINE} of virtual time (the provider's own
     * total deadline) and then fails with a transient timeout; on an interrupted thread it fails at once.
     */
    HANG("hang past its deadline"),
    /**
     * The release thread is interrupted during this call (a cancel, {@code shutdownNow()}): the call fails with a
     * {@code ReleaseInterruptedException} and the thread's interrupt flag is set. From then on, like a real provider
     * (every Azure SDK call goes through {@code Mono.block()}), any call on an interrupted thread fails at once, and
     * so does a sleep on the clock. A call the engine makes off the release's thread (an approval poll) is not
     * interrupted itself: the release's thread is, while the call goes on.
     */
    INTERRUPT("interrupt"),
    /** This call succeeds; from then on every journal append of the process fails (permanently). */
    JOURNAL_FAILURE("journal write failure"),
    /**
     * Just before this call, the release's lock is taken away (its lease expired or someone forced a takeover) and
     * another holder takes it. The process must stop before its next side effect; then the other holder lets go and
     * a fresh pipeline resumes the release.
     */
    LOCK_LOST("lock lost"),
    /**
     * The process dies during this call, after the call took effect and before it saw the answer: the call throws a
     * private {@code Error} the harness catches, and every later call of that process fails the same way (a dead
     * process does nothing more, not even unlock). Then a fresh pipeline on the same stores, platform and CI runs
     * {@code resume}.
     */
    KILLED("process killed");

    /** How long a hanging call blocks (virtual time) before its deadline fails it: 2 minutes. */
    public static final Duration HANG_DEADLINE = Duration.ofMinutes(2);

    private final String label;

    Fault(String label) {
        this.label = label;
    }

    /**
     * The fault in words, as the README's failure-semantics table names it.
     *
     * @return the fault in words, as the README's failure-semantics table names it
     */
    public String label() {
        return label;
    }
}
