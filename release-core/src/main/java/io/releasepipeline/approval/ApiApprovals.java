package io.releasepipeline.approval;

import io.releasepipeline.spi.ApprovalDecision;
import io.releasepipeline.spi.ApprovalProvider;
import io.releasepipeline.spi.ApprovalRequest;
import io.releasepipeline.time.ClockAware;
import io.releasepipeline.time.ReleaseClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Approvals through an API call, for services that embed the pipeline: the engine's question is handed to a
 * listener (post it to chat, show it in a UI), and whoever decides calls {@link #approve} or {@link #reject} from
 * any thread; the waiting release wakes up at once. Thread-safe.
 *
 * <pre>{@code
 * ApiApprovals approvals = new ApiApprovals(clock, question -> chat.post(question.summary()));
 * ... later, from the chat bot's thread:
 * approvals.approve(releaseId, 100, "alice", "numbers look fine");
 * }</pre>
 */
public final class ApiApprovals implements ApprovalProvider, ClockAware {

    private final ReleaseClock clock;
    private final Consumer<ApprovalRequest> onRequest;
    private final Map<String, ApprovalRequest> pending = new ConcurrentHashMap<>();
    private final Map<String, ApprovalDecision> decisions = new ConcurrentHashMap<>();

    /**
     * @param clock the pipeline's clock: decisions are stamped with it and wake it up
     * @param onRequest told about each new question (once per release and step)
     */
    public ApiApprovals(ReleaseClock clock, Consumer<ApprovalRequest> onRequest) {
        this.clock = clock;
        this.onRequest = onRequest;
    }

    /**
     * The clock this provider stamps decisions with and wakes; {@code build()} requires it to be the pipeline's
     * very clock.
     *
     * @return the clock given at construction
     */
    @Override
    public ReleaseClock clock() {
        return clock;
    }

    /**
     * True: a decision wakes the clock so the waiting release reacts at once.
     *
     * @return true
     */
    @Override
    public boolean wakesClock() {
        return true;
    }

    private static String key(String releaseId, int weight) {
        return releaseId + "@" + weight;
    }

    @Override
    public String providerName() {
        return "api-approvals";
    }

    @Override
    public void request(ApprovalRequest request) {
        if (pending.putIfAbsent(key(request.releaseId(), request.weight()), request) == null) {
            onRequest.accept(request);
        }
    }

    @Override
    public Optional<ApprovalDecision> decision(ApprovalRequest request) {
        return Optional.ofNullable(decisions.get(key(request.releaseId(), request.weight())));
    }

    /**
     * The questions waiting for a decision.
     *
     * @return the questions waiting for a decision
     */
    public List<ApprovalRequest> pending() {
        List<ApprovalRequest> waiting = new ArrayList<>();
        pending.forEach((k, r) -> {
            if (!decisions.containsKey(k)) {
                waiting.add(r);
            }
        });
        return waiting;
    }

    /**
     * Approves step {@code weight} of a release. The first decision wins; returns false if one was taken.
     *
     * @param releaseId the release
     * @param weight the step's traffic weight, in percent
     * @param by who approves
     * @param comment what they say
     * @return true if this decision was taken, false if an earlier one was
     */
    public boolean approve(String releaseId, int weight, String by, String comment) {
        return decide(releaseId, weight, true, by, comment);
    }

    /**
     * Rejects step {@code weight} of a release (it rolls back). The first decision wins.
     *
     * @param releaseId the release
     * @param weight the step's traffic weight, in percent
     * @param by who rejects
     * @param comment what they say
     * @return true if this decision was taken, false if an earlier one was
     */
    public boolean reject(String releaseId, int weight, String by, String comment) {
        return decide(releaseId, weight, false, by, comment);
    }

    private boolean decide(String releaseId, int weight, boolean approved, String by, String comment) {
        if (by == null || by.isBlank()) {
            throw new IllegalArgumentException("say who decided: the evidence records it");
        }
        boolean first = decisions.putIfAbsent(key(releaseId, weight),
                new ApprovalDecision(approved, by, clock.now(), comment)) == null;
        clock.wakeUp();
        return first;
    }
}
