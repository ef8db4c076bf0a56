package io.releasepipeline.testkit;

import io.releasepipeline.spi.ChangedFiles;
import io.releasepipeline.spi.CheckResult;
import io.releasepipeline.spi.CiProvider;
import io.releasepipeline.spi.DeployMatch;
import io.releasepipeline.spi.DeployRun;
import io.releasepipeline.spi.DeploymentState;
import io.releasepipeline.spi.MergeRefusedException;
import io.releasepipeline.spi.PullRequest;
import io.releasepipeline.spi.Reviews;
import io.releasepipeline.time.ClockAware;
import io.releasepipeline.time.ReleaseClock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * An in-memory GitHub repository: pull requests with reviews and checks, a compare-and-swap merge, the deploy
 * workflow's run in virtual time, comments and deployment records.
 *
 * <pre>{@code
 * FakeCi ci = new FakeCi(clock);
 * ci.pr(123).body("no breaking changes").approvedBy("alice").checkPasses("tests").checkPasses("lint");
 * ci.deployRunTakes(Duration.ofMinutes(4), DeployRun.Conclusion.SUCCESS);
 * platform.deployRevisionOn(ci);            // a successful run creates the next revision
 * ...
 * assertThat(ci.isMerged(123)).isFalse();   // "no merge happened"
 * assertThat(ci.comments(123)).singleElement().asString().contains("rolled back");
 * }</pre>
 *
 * <p>Like GitHub, a merge starts a deploy run only if the deploy filter ({@link #deployFilter}; by default none, so
 * every change deploys) selects one of the pull request's changed files ({@link PullRequestScript#changes}; by
 * default {@link #DEFAULT_CHANGED_FILE}). A pull request that changes files the filter does not select merges
 * without one: {@code ci.deploysOnlyUnder("backend"); ci.pr(7).changes("docs/README.md")}.
 *
 * <p>The deploy run of a merge appears {@link #DEFAULT_DEPLOY_RUN_APPEARS_AFTER} after it, is {@code QUEUED} for
 * {@link #DEFAULT_DEPLOY_RUN_QUEUED_FOR}, then {@code IN_PROGRESS}, then {@code COMPLETED} with the scripted
 * conclusion at merge time plus the scripted duration (default {@link #DEFAULT_DEPLOY_RUN_DURATION}, success).
 * The script in place at merge time applies. States are computed from the clock when read.
 *
 * <p>Reviews count as on GitHub ({@link Reviews#fromHistory}): only reviewers who may write count, and every reviewer
 * may write unless scripted otherwise with {@link #collaborator}: {@code ci.collaborator("mallory", "read")}.
 *
 * <p>Operations for {@link #failNext}: {@code pullRequest, reviews, permission} (a reviewer's permission, read by
 * {@code reviews}){@code , checks, changedFiles, deployMatch, merge,
 * findDeployRun, deployRun, comment, createDeployment, recordDeploymentStatus}. {@link #calls()} logs {@code
 * merge(#123, abc1234)}, {@code comment(#123)}, {@code createDeployment(abc1234, production)},
 * {@code recordDeploymentStatus(deployment-1, SUCCESS)}. Thread-safe.
 */
public final class FakeCi extends ScriptedFake implements CiProvider, ClockAware {

    /** The repository unless told otherwise. */
    public static final String DEFAULT_REPOSITORY = "org/trade-nexus";
    /** How long after a merge its deploy run appears: 10 s. */
    public static final Duration DEFAULT_DEPLOY_RUN_APPEARS_AFTER = Duration.ofSeconds(10);
    /** How long a deploy run stays queued once it appeared: 5 s. */
    public static final Duration DEFAULT_DEPLOY_RUN_QUEUED_FOR = Duration.ofSeconds(5);
    /** How long a deploy run takes from the merge to its completion: 4 min (the runbook expects 3-5). */
    public static final Duration DEFAULT_DEPLOY_RUN_DURATION = Duration.ofMinutes(4);
    /** The role of a reviewer whose permission was not scripted with {@link #collaborator}. */
    public static final String DEFAULT_REVIEWER_ROLE = "write";
    /** The roles that may write to the repository, as GitHub's base roles and their named refinements. */
    public static final Set<String> WRITING_ROLES = Set.of("admin", "maintain", "write");

    /** The file a pull request changes unless scripted otherwise: a backend change, as in the runbook. */
    public static final String DEFAULT_CHANGED_FILE = "backend/app/main.py";
    /** How the deploy filter is described while none is scripted. */
    public static final String NO_DEPLOY_FILTER = "the deploy workflow's push trigger (no paths filter)";

    private static final Set<String> OPERATIONS = Set.of("pullRequest", "reviews", "permission", "checks",
            "changedFiles",
            "deployMatch", "merge", "findDeployRun", "deployRun", "comment", "createDeployment",
            "recordDeploymentStatus");

    private static final int MAX_STATUS_DESCRIPTION = 140;

    /**
     * A deployment record created through {@link #createDeployment}.
     *
     * @param id its id
     * @param commitSha the commit deployed
     * @param environment the environment, e.g. {@code production}
     * @param releaseId the release it records
     * @param description what was said about it
     */
    public record Deployment(String id, String commitSha, String environment, String releaseId, String description) { }

    /**
     * A status recorded through {@link #recordDeploymentStatus}.
     *
     * @param deploymentId the deployment
     * @param state the state
     * @param description at most 140 characters
     * @param environmentUrl the environment's URL, if given
     * @param logUrl the log's URL, if given
     * @param at when it was recorded, by the fake's clock
     */
    public record DeploymentStatus(String deploymentId, DeploymentState state, String description,
            Optional<String> environmentUrl, Optional<String> logUrl, Instant at) { }

    private record Review(String reviewer, Reviews.State state, String commitSha) { }

    private record Run(String id, String commitSha, Instant appearsAt, Instant startsAt, Instant completesAt,
            DeployRun.Conclusion conclusion, String url) { }

    private final String repository;
    private final ReleaseClock clock;
    private final Map<Integer, Pr> pullRequests = new LinkedHashMap<>();
    private final Map<String, String> roles = new HashMap<>();
    private final Map<String, Map<String, CheckResult>> checksBySha = new HashMap<>();
    private final Map<String, Run> runsBySha = new HashMap<>();
    private final Map<String, Run> runsById = new HashMap<>();
    private final Map<Integer, List<String>> comments = new HashMap<>();
    private final List<Deployment> deployments = new ArrayList<>();
    private final Map<String, List<DeploymentStatus>> statuses = new HashMap<>();
    private final List<BiConsumer<String, Instant>> deployListeners = new ArrayList<>();
    private Duration runAppearsAfter = DEFAULT_DEPLOY_RUN_APPEARS_AFTER;
    private Duration runQueuedFor = DEFAULT_DEPLOY_RUN_QUEUED_FOR;
    private Duration runDuration = DEFAULT_DEPLOY_RUN_DURATION;
    private DeployRun.Conclusion runConclusion = DeployRun.Conclusion.SUCCESS;
    private boolean runNeverAppears;
    private int runSequence;
    private String deployFilter = NO_DEPLOY_FILTER;
    private Predicate<String> deploySelects;

    /**
     * A repository {@link #DEFAULT_REPOSITORY} on {@code clock}, with no pull request yet.
     *
     * @param clock the clock deploy runs and timestamps follow
     */
    public FakeCi(ReleaseClock clock) {
        this(DEFAULT_REPOSITORY, clock);
    }

    /**
     * A repository {@code owner/name} on {@code clock}, with no pull request yet.
     *
     * @param repository the repository, {@code owner/name}
     * @param clock the clock deploy runs and timestamps follow
     */
    public FakeCi(String repository, ReleaseClock clock) {
        super("fake-ci", OPERATIONS);
        this.repository = Objects.requireNonNull(repository, "repository");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The clock this fake's checks, deploy runs and merges are timed on: the pipeline must run on it
     * ({@code .clock(clock)}), which its {@code build()} checks.
     *
     * @return the clock given at construction
     */
    @Override
    public ReleaseClock clock() {
        return clock;
    }

    /**
     * A deterministic 40-hex-digit commit sha derived from {@code seed}: {@code FakeCi.sha("feature-1")}.
     *
     * @param seed any text; equal seeds give equal shas
     * @return a deterministic 40-hex-digit commit sha derived from {@code seed}: {@code FakeCi.sha("feature-1")}
     */
    public static String sha(String seed) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(seed.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }

    // ---------------------------------------------------------------- scripting

    /**
     * {@code login}'s role on the repository, as GitHub's collaborator permission API names it: {@code admin},
     * {@code maintain} or {@code write} may write, so their reviews count; {@code triage}, {@code read} and
     * {@code none} (not a collaborator) may not. Unscripted reviewers have {@link #DEFAULT_REVIEWER_ROLE}.
     *
     * @param login the collaborator's GitHub login
     * @param role the permission, e.g. {@code write} or {@code read}
     * @return this fake, for chaining
     */
    public synchronized FakeCi collaborator(String login, String role) {
        roles.put(Objects.requireNonNull(login, "login"), Objects.requireNonNull(role, "role"));
        return this;
    }

    /**
     * Scripts pull request {@code number}, creating it if new as an open, mergeable pull request into {@code main}
     * with head {@code sha("head-of-#<number>")}, no review and no check:
     * {@code ci.pr(123).headSha(sha).approvedBy("alice").checkPasses("tests")}.
     *
     * @param number the pull request's number
     * @return the pull request's script
     */
    public synchronized PullRequestScript pr(int number) {
        pullRequests.computeIfAbsent(number, n -> new Pr(n, sha("head-of-#" + n)));
        return new PullRequestScript(number);
    }

    /**
     * Reports a check on any commit: {@code ci.check(sha, CheckResult.pending("tests"))}.
     *
     * @param commitSha the commit the check ran on
     * @param check the check's name, status and conclusion
     * @return this {@code FakeCi}, for chaining
     */
    public synchronized FakeCi check(String commitSha, CheckResult check) {
        checksBySha.computeIfAbsent(commitSha, s -> new LinkedHashMap<>()).put(check.name(), check);
        return this;
    }

    /**
     * Deploy runs of later merges take {@code duration} from the merge to completion and end with
     * {@code conclusion}: {@code ci.deployRunTakes(Duration.ofMinutes(4), DeployRun.Conclusion.SUCCESS)}.
     *
     * @param duration how long from the merge to the run's completion
     * @param conclusion how the runs end
     * @return this {@code FakeCi}, for chaining
     */
    public synchronized FakeCi deployRunTakes(Duration duration, DeployRun.Conclusion conclusion) {
        this.runDuration = notNegative(duration);
        this.runConclusion = Objects.requireNonNull(conclusion, "conclusion");
        this.runNeverAppears = false;
        return this;
    }

    /**
     * The deploy workflow's path filter: later merges start a deploy run only if {@code selects} accepts one of the
     * pull request's changed files (or its list is incomplete), and {@link #deployMatch} answers by it.
     * {@code description} is the filter as the answer names it, e.g. {@code on.push.paths [backend/**]}.
     *
     * @param description the filter as answers name it
     * @param selects true for a changed file's path that the filter selects
     * @return this {@code FakeCi}, for chaining
     */
    public synchronized FakeCi deployFilter(String description, Predicate<String> selects) {
        this.deployFilter = Objects.requireNonNull(description, "description");
        this.deploySelects = Objects.requireNonNull(selects, "selects");
        return this;
    }

    /**
     * Only changes under {@code directory} deploy: {@code ci.deploysOnlyUnder("backend")} is {@code backend/**}.
     *
     * @param directory only changes under {@code directory} deploy: {@code ci.deploysOnlyUnder("backend")} is {@code
     *     backend/**}
     * @return this {@code FakeCi}, for chaining
     */
    public FakeCi deploysOnlyUnder(String directory) {
        String prefix = directory.endsWith("/") ? directory : directory + "/";
        return deployFilter("on.push.paths [" + prefix + "**]", path -> path.startsWith(prefix));
    }

    /**
     * Later merges start no deploy run at all: {@code findDeployRun} stays empty.
     *
     * @return this {@code FakeCi}, for chaining
     */
    public synchronized FakeCi deployRunNeverAppears() {
        this.runNeverAppears = true;
        return this;
    }

    /**
     * Deploy runs of later merges appear this long after the merge (default 10 s).
     *
     * @param delay how long after the merge a run appears
     * @return this {@code FakeCi}, for chaining
     */
    public synchronized FakeCi deployRunAppearsAfter(Duration delay) {
        this.runAppearsAfter = notNegative(delay);
        return this;
    }

    /**
     * Deploy runs of later merges stay queued this long once they appeared (default 5 s).
     *
     * @param queued how long a run stays queued
     * @return this {@code FakeCi}, for chaining
     */
    public synchronized FakeCi deployRunQueuedFor(Duration queued) {
        this.runQueuedFor = notNegative(queued);
        return this;
    }

    /**
     * Calls {@code listener(mergeCommitSha, completesAt)} on each merge whose deploy run will succeed, as the
     * merge happens (so listeners can act lazily at {@code completesAt}). {@link FakePlatform#deployRevisionOn}
     * uses it.
     *
     * @param listener called with the merge commit's sha and the run's completion time
     * @return this {@code FakeCi}, for chaining
     */
    public synchronized FakeCi onSuccessfulDeploy(BiConsumer<String, Instant> listener) {
        deployListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    // ---------------------------------------------------------------- inspection (never counted)

    /**
     * True when pull request {@code number} is merged.
     *
     * @param number the pull request's number
     * @return true when pull request {@code number} is merged
     */
    public synchronized boolean isMerged(int number) {
        Pr pr = pullRequests.get(number);
        return pr != null && pr.state == PullRequest.State.MERGED;
    }

    /**
     * The merge commit of {@code number}, once merged.
     *
     * @param number the pull request's number
     * @return the merge commit of {@code number}, once merged
     */
    public synchronized Optional<String> mergeCommitSha(int number) {
        Pr pr = pullRequests.get(number);
        return pr == null ? Optional.empty() : Optional.ofNullable(pr.mergeSha);
    }

    /**
     * The comments posted on {@code number}, in order.
     *
     * @param number the pull request's number
     * @return the comments posted on {@code number}, in order
     */
    public synchronized List<String> comments(int number) {
        return List.copyOf(comments.getOrDefault(number, List.of()));
    }

    /**
     * Every deployment record created, in order.
     *
     * @return every deployment record created, in order
     */
    public synchronized List<Deployment> deployments() {
        return List.copyOf(deployments);
    }

    /**
     * The statuses recorded on a deployment, in order.
     *
     * @param deploymentId the deployment
     * @return the statuses recorded on a deployment, in order
     */
    public synchronized List<DeploymentStatus> deploymentStatuses(String deploymentId) {
        return List.copyOf(statuses.getOrDefault(deploymentId, List.of()));
    }

    // ---------------------------------------------------------------- SPI

    @Override
    public String repository() {
        return repository;
    }

    @Override
    public synchronized PullRequest pullRequest(int number) {
        call("pullRequest");
        Pr pr = require("pullRequest", number);
        return new PullRequest(number, pr.title, pr.headSha, pr.baseRef, pr.body, pr.labels, pr.draft, pr.state,
                Optional.ofNullable(pr.mergeable), Optional.ofNullable(pr.mergeSha),
                "https://github.com/" + repository + "/pull/" + number);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Tallied by {@link Reviews#fromHistory}, with each reviewer's role from {@link #collaborator} (default
     * {@link #DEFAULT_REVIEWER_ROLE}); each permission read is the operation {@code permission}, which
     * {@link #failNext} can fail.
     */
    @Override
    public synchronized Reviews reviews(int number, Optional<String> headSha) {
        call("reviews");
        Pr pr = require("reviews", number);
        List<Reviews.Submitted> history = new ArrayList<>();
        for (Review r : pr.reviews) {
            history.add(new Reviews.Submitted(r.reviewer(), r.reviewer(), r.state(), r.commitSha()));
        }
        return Reviews.fromHistory(history, headSha, reviewer -> {
            call("permission");
            String role = roles.getOrDefault(reviewer, DEFAULT_REVIEWER_ROLE);
            return WRITING_ROLES.contains(role) ? Reviews.Access.writer(role)
                    : Reviews.Access.denied(role.equals("none") ? "no access to the repository" : role + " permission");
        });
    }

    @Override
    public synchronized List<CheckResult> checks(String commitSha) {
        call("checks");
        return List.copyOf(checksBySha.getOrDefault(commitSha, Map.of()).values());
    }

    @Override
    public synchronized ChangedFiles changedFiles(int number) {
        call("changedFiles");
        Pr pr = require("changedFiles", number);
        return new ChangedFiles(pr.files, pr.filesComplete);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Judges by the scripted {@link #deployFilter}: without one every change deploys (as a workflow without a
     * paths filter); with one, the merge deploys if it selects a listed file or the list is incomplete.
     */
    @Override
    public synchronized DeployMatch deployMatch(PullRequest pullRequest, ChangedFiles files) {
        call("deployMatch");
        return judge(files);
    }

    private DeployMatch judge(ChangedFiles files) {
        int n = files.paths().size();
        if (deploySelects == null) {
            return DeployMatch.deploys(deployFilter, files.paths(), n, "every push deploys (no paths filter)");
        }
        List<String> selected = files.paths().stream().filter(deploySelects).toList();
        if (!selected.isEmpty()) {
            return DeployMatch.deploys(deployFilter, selected, n, n == 1 ? "its one changed file matches"
                    : selected.size() + " of the " + n + " changed files match");
        }
        if (!files.complete()) {
            return DeployMatch.deploys(deployFilter, List.of(), n, "none of the " + n + " listed files matches, but "
                    + "the list is incomplete and an unlisted file may");
        }
        return DeployMatch.nothingToDeploy(deployFilter, files.paths(), n, n == 1
                ? "its one changed file does not match" : "none of the " + n + " changed files matches");
    }

    @Override
    public String merge(int number, String expectedHeadSha) {
        Merged merged;
        synchronized (this) {
            call("merge", "merge(#" + number + ", " + shortSha(expectedHeadSha) + ")");
            Pr pr = require("merge", number);
            if (pr.headMovesBeforeMerge != null) {
                pr.headSha = pr.headMovesBeforeMerge;
                pr.headMovesBeforeMerge = null;
            }
            if (pr.state == PullRequest.State.MERGED) {
                if (pr.mergedHead.equals(expectedHeadSha)) {
                    return pr.mergeSha;
                }
                throw refusal(number, MergeRefusedException.Reason.HEAD_CHANGED, 409,
                        "already merged at " + shortSha(pr.mergedHead));
            }
            if (pr.forbidden) {
                throw refusal(number, MergeRefusedException.Reason.FORBIDDEN, 403, "the token may not merge");
            }
            if (pr.state == PullRequest.State.CLOSED || pr.draft || !Boolean.TRUE.equals(pr.mergeable)) {
                throw refusal(number, MergeRefusedException.Reason.NOT_MERGEABLE, 405, "pull request #" + number
                        + " is not mergeable (" + (pr.draft ? "draft" : pr.state + ", mergeable=" + pr.mergeable)
                        + ")");
            }
            if (!pr.headSha.equals(expectedHeadSha)) {
                throw refusal(number, MergeRefusedException.Reason.HEAD_CHANGED, 409, "head moved from "
                        + shortSha(expectedHeadSha) + " to " + shortSha(pr.headSha));
            }
            merged = mergeNow(pr);
        }
        merged.notifyListeners();
        applied("merge");
        return merged.sha();
    }

    /** A merge done: its commit, and the deploy listeners to tell (outside the lock) when its run succeeds. */
    private record Merged(String sha, List<BiConsumer<String, Instant>> listeners, Instant completesAt) {
        void notifyListeners() {
            // Outside the lock: listeners (the platform) take their own.
            for (BiConsumer<String, Instant> listener : listeners) {
                listener.accept(sha, completesAt);
            }
        }
    }

    /** Merges at the current head and starts the deploy run, as GitHub and the deploy workflow do. */
    private Merged mergeNow(Pr pr) {
        String mergeSha = sha("merge-of-#" + pr.number + "-at-" + pr.headSha);
        pr.state = PullRequest.State.MERGED;
        pr.mergeSha = mergeSha;
        pr.mergedHead = pr.headSha;
        List<BiConsumer<String, Instant>> notify = List.of();
        Instant completesAt = null;
        if (!runNeverAppears && judge(new ChangedFiles(pr.files, pr.filesComplete)).deploys()) {
            Instant now = clock.now();
            completesAt = now.plus(runDuration);
            Instant appearsAt = min(now.plus(runAppearsAfter), completesAt);
            String id = "run-" + (++runSequence);
            Run run = new Run(id, mergeSha, appearsAt, min(appearsAt.plus(runQueuedFor), completesAt),
                    completesAt, runConclusion, "https://github.com/" + repository + "/actions/runs/" + id);
            runsBySha.put(mergeSha, run);
            runsById.put(id, run);
            if (runConclusion == DeployRun.Conclusion.SUCCESS) {
                notify = List.copyOf(deployListeners);
            }
        }
        return new Merged(mergeSha, notify, completesAt);
    }

    @Override
    public synchronized Optional<DeployRun> findDeployRun(String commitSha) {
        call("findDeployRun");
        Run run = runsBySha.get(commitSha);
        Instant now = clock.now();
        return run == null || now.isBefore(run.appearsAt()) ? Optional.empty() : Optional.of(view(run, now));
    }

    @Override
    public synchronized DeployRun deployRun(String runId) {
        call("deployRun");
        Run run = runsById.get(runId);
        Instant now = clock.now();
        if (run == null || now.isBefore(run.appearsAt())) {
            throw refused("deployRun", 404, "no workflow run " + runId + " in " + repository);
        }
        return view(run, now);
    }

    @Override
    public synchronized void comment(int number, String body) {
        call("comment", "comment(#" + number + ")");
        require("comment", number);
        comments.computeIfAbsent(number, n -> new ArrayList<>()).add(body);
        applied("comment");
    }

    /**
     * {@inheritDoc}
     *
     * <p>Returns the existing record of {@code releaseId} for that commit and environment, if there is one; a
     * scripted failure strikes before that look-up, so {@link #failNextAfterApplying} loses the answer of a create
     * and the retry finds it.
     */
    @Override
    public synchronized String createDeployment(String commitSha, String environment, String releaseId,
            String description) {
        call("createDeployment", "createDeployment(" + shortSha(commitSha) + ", " + environment + ")");
        Optional<Deployment> existing = deployments.stream().filter(d -> d.commitSha().equals(commitSha)
                && d.environment().equals(environment) && d.releaseId().equals(releaseId)).findFirst();
        if (existing.isPresent()) {
            return existing.get().id();
        }
        String id = "deployment-" + (deployments.size() + 1);
        deployments.add(new Deployment(id, commitSha, environment, releaseId, description));
        applied("createDeployment");
        return id;
    }

    @Override
    public synchronized void recordDeploymentStatus(String deploymentId, DeploymentState state, String description,
            Optional<String> environmentUrl, Optional<String> logUrl) {
        call("recordDeploymentStatus", "recordDeploymentStatus(" + deploymentId + ", " + state + ")");
        if (deployments.stream().noneMatch(d -> d.id().equals(deploymentId))) {
            throw refused("recordDeploymentStatus", 404, "no deployment " + deploymentId);
        }
        if (description.length() > MAX_STATUS_DESCRIPTION) {
            throw refused("recordDeploymentStatus", 422, "description is " + description.length()
                    + " characters; at most " + MAX_STATUS_DESCRIPTION);
        }
        statuses.computeIfAbsent(deploymentId, d -> new ArrayList<>())
                .add(new DeploymentStatus(deploymentId, state, description, environmentUrl, logUrl, clock.now()));
        applied("recordDeploymentStatus");
    }

    @Override
    public synchronized String toString() {
        return "FakeCi[" + repository + ", pull requests " + pullRequests.keySet() + "]";
    }

    // ---------------------------------------------------------------- internals

    private Pr require(String operation, int number) {
        Pr pr = pullRequests.get(number);
        if (pr == null) {
            throw refused(operation, 404, "no pull request #" + number + " in " + repository);
        }
        return pr;
    }

    private MergeRefusedException refusal(int number, MergeRefusedException.Reason reason, int status, String message) {
        return new MergeRefusedException(providerName(), number, reason, message, status);
    }

    private static DeployRun view(Run run, Instant now) {
        if (now.isBefore(run.startsAt())) {
            return new DeployRun(run.id(), run.commitSha(), DeployRun.Status.QUEUED, Optional.empty(), run.url());
        }
        if (now.isBefore(run.completesAt())) {
            return new DeployRun(run.id(), run.commitSha(), DeployRun.Status.IN_PROGRESS, Optional.empty(),
                    run.url());
        }
        return new DeployRun(run.id(), run.commitSha(), DeployRun.Status.COMPLETED, Optional.of(run.conclusion()),
                run.url());
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static String shortSha(String sha) {
        return sha.length() > 7 ? sha.substring(0, 7) : sha;
    }

    /** Mutable state of one pull request; guarded by the enclosing fake. */
    private static final class Pr {
        final int number;
        String title;
        String headSha;
        String baseRef = "main";
        String body = "";
        List<String> labels = List.of();
        boolean draft;
        PullRequest.State state = PullRequest.State.OPEN;
        Boolean mergeable = Boolean.TRUE;
        String mergeSha;
        String mergedHead;
        String headMovesBeforeMerge;
        boolean forbidden;
        List<String> files = List.of(DEFAULT_CHANGED_FILE);
        boolean filesComplete = true;
        final List<Review> reviews = new ArrayList<>();

        Pr(int number, String headSha) {
            this.number = number;
            this.title = "Pull request #" + number;
            this.headSha = headSha;
        }
    }

    /**
     * Scripts one pull request; every method applies at once and returns this script for chaining. Thread-safe
     * (it locks the fake).
     */
    public final class PullRequestScript {

        private final int number;

        private PullRequestScript(int number) {
            this.number = number;
        }

        /**
         * The pull request's current head sha: {@code String head = ci.pr(1).head()}.
         *
         * @return the pull request's current head sha: {@code String head = ci.pr(1).head()}
         */
        public String head() {
            synchronized (FakeCi.this) {
                return pr().headSha;
            }
        }

        /**
         * Sets the title.
         *
         * @param title the title, untrusted text as a person typed it
         * @return this {@code PullRequestScript}, for chaining
         */
        public PullRequestScript title(String title) {
            return edit(pr -> pr.title = title);
        }

        /**
         * Sets the head sha (before the gates run); reviews and checks added later apply to it.
         *
         * @param sha the head commit's sha
         * @return this {@code PullRequestScript}, for chaining
         */
        public PullRequestScript headSha(String sha) {
            return edit(pr -> pr.headSha = sha);
        }

        /**
         * Sets the base branch (default {@code main}).
         *
         * @param ref the base branch's name
         * @return this {@code PullRequestScript}, for chaining
         */
        public PullRequestScript baseRef(String ref) {
            return edit(pr -> pr.baseRef = ref);
        }

        /**
         * Sets the description: {@code .body("## Breaking changes\nNone")}.
         *
         * @param body the description, Markdown
         * @return this {@code PullRequestScript}, for chaining
         */
        public PullRequestScript body(String body) {
            return edit(pr -> pr.body = body);
        }

        /**
         * Sets the labels: {@code .labels("backend", "db-migration")}.
         *
         * @param labels the label names, replacing earlier ones
         * @return this {@code PullRequestScript}, for chaining
         */
        public PullRequestScript labels(String... labels) {
            return edit(pr -> pr.labels = List.of(labels));
        }

        /**
         * The files it changes, replacing the default {@link #DEFAULT_CHANGED_FILE}:
         * {@code .changes("docs/README.md", "frontend/app.ts")}.
         *
         * @param paths the files it changes, replacing the default {@link #DEFAULT_CHANGED_FILE}: {@code
         *     .changes("docs/README.md", "frontend/app.ts")}
         * @return this {@code PullRequestScript}, for chaining
         */
        public PullRequestScript changes(String... paths) {
            List<String> files = List.of(paths);
            return edit(pr -> pr.files = files);
        }

        /**
         * The CI system lists only part of its changed files (GitHub lists at most 3000).
         *
         * @return this {@code PullRequestScript}, for chaining
         */
        public PullRequestScript changesMoreThanListed() {
            return edit(pr -> pr.filesComplete = false);
        }

        /**
         * Marks it a draft (drafts cannot be merged).
         *
         * @param draft true for a draft
         * @return this {@code PullRequestScript}, for chaining
         */
        public PullRequestScript draft(boolean draft) {
            return edit(pr -> pr.draft = draft);
        }

        /**
         * Sets whether GitHub considers it mergeable (default true).
         *
         * @param mergeable false when GitHub reports a conflict
         * @return this {@code PullRequestScript}, for chaining
         */
        public PullRequestScript mergeable(boolean mergeable) {
            return edit(pr -> pr.mergeable = mergeable);
        }

        /**
         * GitHub is still computing mergeability: {@code mergeable} reads empty and a merge is refused.
         *
         * @return this {@code PullRequestScript}, for chaining
         */
        public PullRequestScript mergeabilityUnknown() {
            return edit(pr -> pr.mergeable = null);
        }

        /**
         * Closes it without merging.
         *
         * @return this {@code PullRequestScript}, for chaining
         */
        public PullRequestScript closed() {
            return edit(pr -> pr.state = PullRequest.State.CLOSED);
        }

        /**
         * Someone merges it now, outside any release (GitHub's merge button, branch protection doing the checks): it
         * reads merged with a merge commit, and the deploy run starts as after a release's merge. No {@code merge}
         * call is logged, so a test can assert that the release never merged. Returns the merge commit.
         *
         * @return the merge commit's sha
         */
        public String mergedOutsideRelease() {
            Merged merged;
            synchronized (FakeCi.this) {
                Pr pr = pr();
                if (pr.state != PullRequest.State.OPEN) {
                    throw new IllegalStateException("pull request #" + number + " is " + pr.state + ", not open");
                }
                merged = mergeNow(pr);
            }
            merged.notifyListeners();
            return merged.sha();
        }

        /**
         * The token may not merge it: a merge is refused with {@code FORBIDDEN}.
         *
         * @return this {@code PullRequestScript}, for chaining
         */
        public PullRequestScript mergeForbidden() {
            return edit(pr -> pr.forbidden = true);
        }

        /**
         * Each reviewer approves the current head: {@code .approvedBy("alice", "bob")}.
         *
         * @param reviewers each reviewer approves the current head: {@code .approvedBy("alice", "bob")}
         * @return this {@code PullRequestScript}, for chaining
         */
        public PullRequestScript approvedBy(String... reviewers) {
            return reviewed(Reviews.State.APPROVED, reviewers);
        }

        /**
         * Each reviewer requests changes on the current head: {@code .changesRequestedBy("carol")}.
         *
         * @param reviewers each reviewer requests changes on the current head: {@code .changesRequestedBy("carol")}
         * @return this {@code PullRequestScript}, for chaining
         */
        public PullRequestScript changesRequestedBy(String... reviewers) {
            return reviewed(Reviews.State.CHANGES_REQUESTED, reviewers);
        }

        /**
         * Each reviewer's review is dismissed (by a maintainer, or by the branch rule that dismisses stale approvals
         * on a push), withdrawing their verdict: {@code .dismissed("alice")}.
         *
         * @param reviewers each reviewer's review is dismissed (by a maintainer, or by the branch rule that dismisses
         *     stale approvals on a push), withdrawing their verdict: {@code .dismissed("alice")}
         * @return this {@code PullRequestScript}, for chaining
         */
        public PullRequestScript dismissed(String... reviewers) {
            return reviewed(Reviews.State.DISMISSED, reviewers);
        }

        /**
         * Each reviewer comments on the current head, which is no verdict: {@code .commentedBy("bob")}.
         *
         * @param reviewers each reviewer comments on the current head, which is no verdict: {@code
         *     .commentedBy("bob")}
         * @return this {@code PullRequestScript}, for chaining
         */
        public PullRequestScript commentedBy(String... reviewers) {
            return reviewed(Reviews.State.COMMENTED, reviewers);
        }

        private PullRequestScript reviewed(Reviews.State state, String... reviewers) {
            return edit(pr -> {
                for (String r : reviewers) {
                    pr.reviews.add(new Review(r, state, pr.headSha));
                }
            });
        }

        /**
         * A completed check on the current head: {@code .check("tests", CheckResult.Conclusion.NEUTRAL)}.
         *
         * @param name the check's name
         * @param conclusion how it completed
         * @return this {@code PullRequestScript}, for chaining
         */
        public PullRequestScript check(String name, CheckResult.Conclusion conclusion) {
            return edit(pr -> FakeCi.this.check(pr.headSha, CheckResult.completed(name, conclusion)));
        }

        /**
         * A successful check on the current head: {@code .checkPasses("tests")}.
         *
         * @param name the check's name
         * @return this {@code PullRequestScript}, for chaining
         */
        public PullRequestScript checkPasses(String name) {
            return check(name, CheckResult.Conclusion.SUCCESS);
        }

        /**
         * A failed check on the current head: {@code .checkFails("tests")}.
         *
         * @param name the check's name
         * @return this {@code PullRequestScript}, for chaining
         */
        public PullRequestScript checkFails(String name) {
            return check(name, CheckResult.Conclusion.FAILURE);
        }

        /**
         * A check still running on the current head: {@code .checkPending("tests")}.
         *
         * @param name the check's name
         * @return this {@code PullRequestScript}, for chaining
         */
        public PullRequestScript checkPending(String name) {
            return edit(pr -> FakeCi.this.check(pr.headSha, CheckResult.pending(name)));
        }

        /**
         * Someone pushes {@code newSha} now: earlier reviews and checks stay on the old head.
         *
         * @param newSha the new head commit's sha
         * @return this {@code PullRequestScript}, for chaining
         */
        public PullRequestScript pushes(String newSha) {
            return edit(pr -> pr.headSha = newSha);
        }

        /**
         * Someone pushes {@code newSha} just before the next merge call, after the gates read the head: the merge
         * is refused with {@code HEAD_CHANGED}.
         *
         * @param newSha the new head commit's sha
         * @return this {@code PullRequestScript}, for chaining
         */
        public PullRequestScript headMovesBeforeMerge(String newSha) {
            return edit(pr -> pr.headMovesBeforeMerge = newSha);
        }

        private Pr pr() {
            return pullRequests.get(number);
        }

        private PullRequestScript edit(Consumer<Pr> change) {
            synchronized (FakeCi.this) {
                change.accept(pr());
            }
            return this;
        }
    }
}
