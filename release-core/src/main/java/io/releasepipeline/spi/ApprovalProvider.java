package io.releasepipeline.spi;

import java.util.Optional;

/**
 * Where a person approves or rejects a traffic step (GitHub environment protection, an API call in an embedding
 * service, a chat bot). The engine asks once with {@link #request}, then polls {@link #decision} on its own clock
 * until a decision arrives or its timeout passes.
 *
 * <p>Contract: thread-safe; calls block on I/O; {@code request} is idempotent for the same {@link ApprovalRequest}
 * (asking twice does not ask a person twice); {@code decision} is read-only. Failures are
 * {@link io.releasepipeline.error.ProviderException}s; a failed read is never taken as a decision.
 */
public interface ApprovalProvider extends Provider {

    /**
     * Asks for a decision (posts the question where people will see it). Idempotent.
     *
     * @param request what is asked, of whom
     */
    void request(ApprovalRequest request);

    /**
     * The decision, once someone has taken it.
     *
     * @param request the request asked before
     * @return the decision, once someone has taken it
     */
    Optional<ApprovalDecision> decision(ApprovalRequest request);
}
