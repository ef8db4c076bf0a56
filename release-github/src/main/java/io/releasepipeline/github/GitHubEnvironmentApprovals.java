package io.releasepipeline.github;

import com.fasterxml.jackson.databind.JsonNode;
import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.error.ProviderException;
import io.releasepipeline.format.SafeText;
import io.releasepipeline.github.internal.GitHubClient;
import io.releasepipeline.github.internal.GitHubRequest;
import io.releasepipeline.github.internal.GitHubResponse;
import io.releasepipeline.spi.ApprovalDecision;
import io.releasepipeline.spi.ApprovalProvider;
import io.releasepipeline.spi.ApprovalRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Manual approval of traffic steps through a GitHub environment's required reviewers. The repository holds a small
 * approval workflow, started by {@code workflow_dispatch}, whose single job targets a protected environment; GitHub
 * notifies the environment's reviewers, and they approve or reject the job in GitHub's UI ("Review deployments").
 * Their review is the decision.
 *
 * <pre>{@code
 * ApprovalProvider approvals = GitHubEnvironmentApprovals.builder(github)   // the shared GitHubConnection
 *         .workflow("release-approval.yml")
 *         .environment("production-approval")
 *         .build();
 * ReleasePipeline.builder()...
 *         .trafficPlan(TrafficPlan.canary(10, 50, 100).withApprovalBefore(100))
 *         .approvals(approvals)
 *         .approvalTimeout(Duration.ofMinutes(30), ApprovalTimeoutAction.REJECT)
 * }</pre>
 *
 * <p>The workflow (see the README section "Manual approval with GitHub environments") takes the inputs
 * {@code release_id}, {@code weight}, {@code revision} and {@code summary}, and its {@code run-name} must contain the
 * release id and the weight followed by {@code %}, e.g. {@code run-name: "Approve ${{ inputs.release_id }} to
 * ${{ inputs.weight }}%"}: that title is how a run is matched to its question, since GitHub's dispatch answers
 * without the run it started.
 *
 * <p>{@link #request} is idempotent across processes: it dispatches the workflow only when no run of it, among the
 * newest {@value #RUN_SEARCH_LIMIT} {@code workflow_dispatch} runs, carries the release id and the step in its title;
 * within one process it never dispatches the same question twice (a new run takes a few seconds to be listed).
 * {@link #decision} reads the run, then its review history; a review for the configured environment is the decision
 * (a rejection wins over an approval). While the run waits, it also reads the run's pending deployments to check that
 * the run waits on that environment. The review history has no timestamp, so a decision is dated when this provider
 * first sees it, on the connection's clock (at most one poll late).
 *
 * <p>Who may approve is enforced by GitHub, not by this provider: only the environment's required reviewers can
 * review its pending deployment (GitHub refuses anyone else, and "Prevent self-review" also refuses the person who
 * started the run), and a run's review history ({@code GET .../actions/runs/{id}/approvals}) holds only their reviews.
 * The decision is read from that history alone, for the configured environment alone: no pull request or issue
 * comment, no workflow input, not the run's conclusion (a run of an environment without required reviewers
 * completes unreviewed, which is an error, never an approval), not the pending deployment's
 * {@code current_user_can_approve}. So configure the environment with required reviewers, and leave "Allow
 * administrators to bypass configured protection rules" off unless admins may approve.
 *
 * <p>Token permissions: {@code actions: write} to dispatch, {@code actions: read} for runs, reviews and pending
 * deployments, and {@code contents: read} (metadata) for the default branch when no {@link Builder#ref} is set.
 *
 * <p>Every read is a conditional request with the last ETag, so polling a waiting run costs 304s, which do not count
 * against the primary rate limit. The connection's client handles rate limits, server errors and timeouts, so
 * {@link #retriesOwnCalls()} is true; the dispatch itself is never repeated. Thread-safe; every call blocks on I/O and
 * throws {@link ProviderException} on failure, with a message that names the call and never the token.
 */
public final class GitHubEnvironmentApprovals implements ApprovalProvider {

    /** The provider name in logs, events and errors. */
    public static final String PROVIDER_NAME = "github-approvals";
    /** The approval workflow file. */
    public static final String DEFAULT_WORKFLOW = "release-approval.yml";
    /** The protected environment the approval job targets. */
    public static final String DEFAULT_ENVIRONMENT = "production-approval";
    /** How many of the newest {@code workflow_dispatch} runs are searched for a question's run (one page). */
    public static final int RUN_SEARCH_LIMIT = 100;
    /** When a dispatched run has not been listed after this long, a warning suggests checking its run-name. */
    public static final Duration RUN_APPEARANCE_WARNING = Duration.ofMinutes(2);
    /** The longest summary sent as a workflow input; longer ones are cut to fit. */
    public static final int SUMMARY_LIMIT = 1000;

    private static final Logger log = LoggerFactory.getLogger(GitHubEnvironmentApprovals.class);

    private final GitHubConnection connection;
    private final GitHubClient client;
    private final String repo;
    private final String workflow;
    private final String environment;
    private final Optional<String> ref;
    private final Map<String, Question> questions = new ConcurrentHashMap<>();
    private volatile String defaultBranch;

    private GitHubEnvironmentApprovals(Builder b) {
        this.connection = b.connection;
        this.client = b.connection.client();
        this.repo = b.connection.repositoryPath();
        this.workflow = b.workflow;
        this.environment = b.environment;
        this.ref = Optional.ofNullable(b.ref);
    }

    /**
     * A builder on {@code connection}, with the defaults above.
     *
     * @param connection the repository, token, clock and retries every call goes through
     * @return a new builder
     */
    public static Builder builder(GitHubConnection connection) {
        return new Builder(connection);
    }

    @Override
    public String providerName() {
        return PROVIDER_NAME;
    }

    /** True: the connection's client retries rate limits, server errors and timeouts itself. */
    @Override
    public boolean retriesOwnCalls() {
        return true;
    }

    /**
     * The approval workflow file (or workflow id).
     *
     * @return the approval workflow file (or workflow id)
     */
    public String workflow() {
        return workflow;
    }

    /**
     * The protected environment whose reviews are the decisions.
     *
     * @return the protected environment whose reviews are the decisions
     */
    public String environment() {
        return environment;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Lists the approval workflow's newest {@code workflow_dispatch} runs; if one carries this release id and
     * step in its title, asks nothing more. Otherwise dispatches the workflow on {@link Builder#ref} (default: the
     * repository's default branch) with the inputs {@code release_id}, {@code weight}, {@code revision} and
     * {@code summary} (cut to {@value #SUMMARY_LIMIT} characters). A failed dispatch is not repeated here.
     *
     * @throws ProviderException naming the workflow file when it does not exist (404) or refuses the dispatch
     *         (422: no {@code workflow_dispatch} trigger, other inputs, or an unknown ref)
     */
    @Override
    public void request(ApprovalRequest request) {
        Question question = question(request);
        synchronized (question) {
            if (question.runId != null || question.dispatchedAt != null) {
                return;
            }
            Optional<JsonNode> existing = findRun(request, "request");
            if (existing.isPresent()) {
                question.runId = existing.get().path("id").asText();
                log.info("approval run {} for release {} step {}% already exists; not dispatching again",
                        SafeText.line(question.runId), request.releaseId(), request.weight());
                return;
            }
            dispatch(request);
            question.dispatchedAt = connection.clock().now();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Empty until the run is listed and while its job waits for review. A review for another environment is
     * ignored, as are comments without a verdict ({@code pending}).
     *
     * @throws ProviderException when the run waits on other environments than the configured one, or completed
     *         without a review for it (the environment has no required reviewers, or the run was cancelled): no
     *         person can decide through it any more, so the release waits for its timeout
     */
    @Override
    public Optional<ApprovalDecision> decision(ApprovalRequest request) {
        Question question = question(request);
        String op = operation("decision", request);
        JsonNode run;
        synchronized (question) {
            if (question.runId == null) {
                Optional<JsonNode> listed = findRun(request, "decision");
                if (listed.isEmpty()) {
                    warnIfRunNeverAppears(request, question);
                    return Optional.empty();
                }
                question.runId = listed.get().path("id").asText();
                run = listed.get();
            } else {
                run = get(op, repo + "/actions/runs/" + GitHubClient.encode(question.runId));
            }
        }
        String runId = run.path("id").asText();
        Optional<ApprovalDecision> decided = review(op, runId, question);
        if (decided.isPresent()) {
            return decided;
        }
        String status = run.path("status").asText("");
        if ("waiting".equals(status)) {
            List<String> waitingOn = new ArrayList<>();
            get(op, repo + "/actions/runs/" + runId + "/pending_deployments")
                    .forEach(p -> waitingOn.add(p.path("environment").path("name").asText()));
            if (!waitingOn.isEmpty() && !waitingOn.contains(environment)) {
                throw ProviderException.permanent(PROVIDER_NAME, op, "approval run " + runId + " ("
                        + run.path("html_url").asText("") + ") waits on environment(s) " + waitingOn + ", not on "
                        + environment + ": the job of " + workflow + " must target environment " + environment
                        + ", or configure environment(" + waitingOn.get(0) + ")", null);
            }
        } else if ("completed".equals(status)) {
            throw ProviderException.permanent(PROVIDER_NAME, op, "approval run " + runId + " ("
                    + run.path("html_url").asText("") + ") completed (" + run.path("conclusion").asText("no conclusion")
                    + ") without a review for environment " + environment + ": the environment has no required "
                    + "reviewers, or the run was cancelled; nobody can approve through it, so the release waits for "
                    + "its approval timeout", null);
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "GitHubEnvironmentApprovals[" + connection + ", workflow " + workflow + ", environment " + environment
                + "]";
    }

    /** The decision in run {@code runId}'s review history for the configured environment, if any. */
    private Optional<ApprovalDecision> review(String op, String runId, Question question) {
        ApprovalDecision approval = null;
        for (JsonNode entry : get(op, repo + "/actions/runs/" + runId + "/approvals")) {
            boolean forEnvironment = false;
            for (JsonNode env : entry.path("environments")) {
                forEnvironment |= environment.equals(env.path("name").asText());
            }
            String state = entry.path("state").asText("");
            if (!forEnvironment || !("approved".equals(state) || "rejected".equals(state))) {
                continue;
            }
            ApprovalDecision d = new ApprovalDecision("approved".equals(state),
                    entry.path("user").path("login").asText("unknown GitHub user"), decidedAt(question),
                    entry.path("comment").isTextual() ? entry.path("comment").asText() : "");
            // A "no" must never be outvoted: it stops the release even if someone else approved.
            if (!d.approved()) {
                return Optional.of(d);
            }
            if (approval == null) {
                approval = d;
            }
        }
        return Optional.ofNullable(approval);
    }

    /** When this provider first saw a decision for the question: the same instant on every later poll. */
    private Instant decidedAt(Question question) {
        synchronized (question) {
            if (question.decidedAt == null) {
                question.decidedAt = connection.clock().now();
            }
            return question.decidedAt;
        }
    }

    /** The newest listed {@code workflow_dispatch} run whose title names this release and step. */
    private Optional<JsonNode> findRun(ApprovalRequest request, String operation) {
        String op = operation(operation, request);
        String runs = workflowPath() + "/runs?event=workflow_dispatch&per_page=" + RUN_SEARCH_LIMIT;
        GitHubResponse response = client.send(GitHubRequest.get(PROVIDER_NAME, op, runs).handling(404));
        if (response.status() == 404) {
            throw workflowMissing(op, "GET " + runs);
        }
        Pattern releaseId = Pattern.compile("(?<![A-Za-z0-9._-])" + Pattern.quote(request.releaseId())
                + "(?![A-Za-z0-9._-])");
        Pattern weight = Pattern.compile("(?<![0-9.])" + request.weight() + "%");
        JsonNode newest = null;
        for (JsonNode run : response.body().path("workflow_runs")) {
            String title = run.path("display_title").asText("");
            if (releaseId.matcher(title).find() && weight.matcher(title).find()
                    && (newest == null || run.path("id").asLong() > newest.path("id").asLong())) {
                newest = run;
            }
        }
        return Optional.ofNullable(newest);
    }

    private void dispatch(ApprovalRequest request) {
        String op = operation("request", request);
        String onRef = ref.orElseGet(() -> defaultBranch(op));
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("release_id", request.releaseId());
        inputs.put("weight", String.valueOf(request.weight()));
        inputs.put("revision", request.revision());
        inputs.put("summary", request.summary().length() <= SUMMARY_LIMIT ? request.summary()
                : request.summary().substring(0, SUMMARY_LIMIT - 1) + "\u2026");
        String dispatches = workflowPath() + "/dispatches";
        GitHubResponse response = client.send(GitHubRequest.write(PROVIDER_NAME, op, "POST", dispatches,
                Map.of("ref", onRef, "inputs", inputs)).handling(404, 422));
        if (response.status() == 404) {
            throw workflowMissing(op, "POST " + dispatches);
        }
        if (response.status() == 422) {
            throw ProviderException.permanent(PROVIDER_NAME, op, "GitHub refused to dispatch approval workflow "
                    + workflow + " on " + onRef + " (422: " + response.message() + "); the workflow must have an "
                    + "on: workflow_dispatch trigger with exactly the inputs release_id, weight, revision and summary, "
                    + "on ref " + onRef, null);
        }
        log.info("dispatched approval workflow {} on {} for release {} step {}%; reviewers of environment {} decide "
                + "on GitHub", workflow, SafeText.line(onRef), request.releaseId(), request.weight(), environment);
    }

    private String defaultBranch(String op) {
        String branch = defaultBranch;
        if (branch == null) {
            branch = get(op, repo).path("default_branch").asText("");
            if (branch.isEmpty()) {
                throw ProviderException.permanent(PROVIDER_NAME, op, "GitHub named no default branch for "
                        + connection.repository() + "; configure the approval workflow's ref", null);
            }
            defaultBranch = branch;
        }
        return branch;
    }

    private void warnIfRunNeverAppears(ApprovalRequest request, Question question) {
        if (question.dispatchedAt != null && !question.warnedMissing && !connection.clock().now()
                .isBefore(question.dispatchedAt.plus(RUN_APPEARANCE_WARNING))) {
            question.warnedMissing = true;
            log.warn("approval workflow {} was dispatched for release {} step {}% at {}, but no run titled with both "
                    + "has been listed since; its run-name must contain ${{ inputs.release_id }} and "
                    + "${{ inputs.weight }}%", workflow, request.releaseId(), request.weight(),
                    question.dispatchedAt);
        }
    }

    private ProviderException workflowMissing(String op, String call) {
        return ProviderException.permanent(PROVIDER_NAME, op, "approval workflow " + workflow + " was not found in "
                + connection.repository() + " (" + call + " answered 404): add "
                + ".github/workflows/" + workflow + " (on: workflow_dispatch) to the default branch, or check that "
                + "the token may read Actions (actions: read; actions: write to dispatch)", null);
    }

    private String workflowPath() {
        return repo + "/actions/workflows/" + GitHubClient.encode(workflow);
    }

    private JsonNode get(String operation, String target) {
        return client.send(GitHubRequest.get(PROVIDER_NAME, operation, target)).body();
    }

    private Question question(ApprovalRequest request) {
        return questions.computeIfAbsent(request.releaseId() + "@" + request.weight(), k -> new Question());
    }

    private static String operation(String what, ApprovalRequest request) {
        return what + "(" + request.releaseId() + ", " + request.weight() + "%)";
    }

    /** What this process knows about one question; guarded by its own monitor. */
    private static final class Question {
        private String runId;
        private Instant dispatchedAt;
        private boolean warnedMissing;
        private Instant decidedAt;
    }

    /** Builds a {@link GitHubEnvironmentApprovals}. Not thread-safe; {@link #build()} validates everything at once. */
    public static final class Builder {

        private final GitHubConnection connection;
        private String workflow = DEFAULT_WORKFLOW;
        private String environment = DEFAULT_ENVIRONMENT;
        private String ref;

        private Builder(GitHubConnection connection) {
            this.connection = connection;
        }

        /**
         * The approval workflow file name (or workflow id). Default {@link #DEFAULT_WORKFLOW}.
         *
         * @param workflow the approval workflow file name (or workflow id)
         * @return this builder
         */
        public Builder workflow(String workflow) {
            this.workflow = workflow;
            return this;
        }

        /**
         * The protected environment the approval job targets; only reviews for it count. Default
         * {@link #DEFAULT_ENVIRONMENT}.
         *
         * @param environment the protected environment the approval job targets; only reviews for it count
         * @return this builder
         */
        public Builder environment(String environment) {
            this.environment = environment;
            return this;
        }

        /**
         * The branch or tag the workflow is dispatched on. Default: the repository's default branch.
         *
         * @param ref the branch or tag the workflow is dispatched on
         * @return this builder
         */
        public Builder ref(String ref) {
            this.ref = ref;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return a new {@code GitHubEnvironmentApprovals} with this builder's settings
         * @throws InvalidConfigurationException listing every problem at once
         */
        public GitHubEnvironmentApprovals build() {
            List<String> problems = new ArrayList<>();
            if (connection == null) {
                problems.add("github.connection: required, from GitHubConnection.builder()...build()");
            }
            if (workflow == null || workflow.isBlank() || workflow.contains("/")) {
                problems.add("github.approvals.workflow: must be a workflow file name such as " + DEFAULT_WORKFLOW
                        + " (not a path) or a workflow id, got " + workflow);
            }
            if (environment == null || environment.isBlank()) {
                problems.add("github.approvals.environment: must name the protected environment, e.g. "
                        + DEFAULT_ENVIRONMENT + ", got " + environment);
            }
            if (ref != null && ref.isBlank()) {
                problems.add("github.approvals.ref: must not be blank; leave it unset for the default branch");
            }
            if (!problems.isEmpty()) {
                throw new InvalidConfigurationException("GitHub environment approvals", problems);
            }
            return new GitHubEnvironmentApprovals(this);
        }
    }
}
