package io.releasepipeline.github;

import com.fasterxml.jackson.databind.JsonNode;
import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.error.ProviderException;
import io.releasepipeline.format.FilterPatterns;
import io.releasepipeline.format.SafeText;
import io.releasepipeline.github.internal.GitHubClient;
import io.releasepipeline.github.internal.GitHubRequest;
import io.releasepipeline.github.internal.GitHubResponse;
import io.releasepipeline.spi.ChangedFiles;
import io.releasepipeline.spi.CheckResult;
import io.releasepipeline.spi.CiProvider;
import io.releasepipeline.spi.DeployMatch;
import io.releasepipeline.spi.DeployRun;
import io.releasepipeline.spi.DeploymentState;
import io.releasepipeline.spi.MergeRefusedException;
import io.releasepipeline.spi.PullRequest;
import io.releasepipeline.spi.Reviews;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The CI system on GitHub: pull requests, reviews, check runs and statuses, the pinned merge, the Actions deploy
 * run, the incident note (a pull request comment) and GitHub deployments, over the REST API.
 *
 * <pre>{@code
 * GitHubConnection github = GitHubConnection.builder()
 *         .repository("org/trade-nexus")
 *         .token(TokenSource.fromEnvironment("GITHUB_TOKEN"))
 *         .build();
 * CiProvider ci = GitHubCiProvider.builder(github)
 *         .deployWorkflow("backend-deploy.yml")
 *         .mergeMethod(MergeMethod.SQUASH)
 *         .build();
 * }</pre>
 *
 * <p>Whether a merge starts the deploy run ({@link #deployMatch}) is judged from the deploy workflow's own
 * {@code on.push} filter, read from the repository, unless {@link Builder#deployPaths} names the paths instead.
 *
 * <p>Polling is cheap: every read is a conditional request with the last ETag, and GitHub's 304 answers do not count
 * against the primary rate limit. Rate limits, server errors and timeouts are handled by the connection's client,
 * so {@link #retriesOwnCalls()} is true. Thread-safe; every call blocks on I/O and throws
 * {@link ProviderException} on failure, with a message that names the call and never the token.
 */
public final class GitHubCiProvider implements CiProvider {

    /** The provider name in logs, events and errors. */
    public static final String PROVIDER_NAME = "github";
    /** The runbook's deploy workflow file. */
    public static final String DEFAULT_DEPLOY_WORKFLOW = "backend-deploy.yml";
    /** One squashed commit per pull request. */
    public static final MergeMethod DEFAULT_MERGE_METHOD = MergeMethod.SQUASH;
    /** While GitHub is still computing mergeability ({@code mergeable: null}), ask again up to three times. */
    public static final int DEFAULT_MERGEABLE_RECHECKS = 3;
    /** Two seconds between those re-asks. */
    public static final Duration DEFAULT_MERGEABLE_RECHECK_DELAY = Duration.ofSeconds(2);
    /** GitHub lists at most this many files of a pull request ({@code GET .../pulls/{n}/files}). */
    public static final int MAX_LISTED_FILES = 3000;
    /** Where GitHub keeps workflow files. */
    public static final String WORKFLOWS_DIRECTORY = ".github/workflows/";
    /** A push of more commits than this runs a workflow without evaluating its path filter (GitHub's docs). */
    static final int MAX_COMMITS_FOR_PATH_FILTERS = 1000;

    /** The key of the release id in a deployment's payload, by which a repeated create finds the record. */
    public static final String PAYLOAD_RELEASE_ID = "release_id";

    private static final int DESCRIPTION_LIMIT = 140;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(GitHubCiProvider.class);
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private final GitHubConnection connection;
    private final GitHubClient client;
    private final String repo;
    private final String deployWorkflow;
    private final MergeMethod mergeMethod;
    private final int mergeableRechecks;
    private final Duration mergeableRecheckDelay;
    private final Optional<String> deployEvent;
    private final Optional<FilterPatterns> deployPaths;

    private GitHubCiProvider(Builder b) {
        this.connection = b.connection;
        this.client = b.connection.client();
        this.repo = b.connection.repositoryPath();
        this.deployWorkflow = b.deployWorkflow;
        this.mergeMethod = b.mergeMethod;
        this.mergeableRechecks = b.mergeableRechecks;
        this.mergeableRecheckDelay = b.mergeableRecheckDelay;
        this.deployEvent = Optional.ofNullable(b.deployEvent);
        this.deployPaths = Optional.ofNullable(b.deployPaths).map(FilterPatterns::of);
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

    @Override
    public String repository() {
        return connection.repository();
    }

    /**
     * The deploy workflow file (or workflow id) whose runs {@link #findDeployRun} looks for.
     *
     * @return the deploy workflow file (or workflow id) whose runs {@link #findDeployRun} looks for
     */
    public String deployWorkflow() {
        return deployWorkflow;
    }

    /**
     * The merge method {@link #merge} asks for.
     *
     * @return the merge method {@link #merge} asks for
     */
    public MergeMethod mergeMethod() {
        return mergeMethod;
    }

    /**
     * The deploy paths given instead of the workflow's filter, if any.
     *
     * @return the deploy paths given instead of the workflow's filter, if any
     */
    public Optional<FilterPatterns> deployPaths() {
        return deployPaths;
    }

    /**
     * {@inheritDoc}
     *
     * <p>GitHub computes mergeability in the background and answers {@code mergeable: null} until it is done. This
     * method then asks again, up to {@link Builder#mergeableRecheck} times, waiting on the connection's clock in
     * between; if it is still computing after that, {@link PullRequest#mergeable()} is empty and the caller may ask
     * again later. Each re-ask is a conditional request.
     */
    @Override
    public PullRequest pullRequest(int number) {
        String op = "pullRequest(#" + number + ")";
        JsonNode pr = get(op, repo + "/pulls/" + number);
        for (int i = 0; i < mergeableRechecks && stillComputing(pr); i++) {
            connection.clock().sleep(mergeableRecheckDelay);
            pr = get(op, repo + "/pulls/" + number);
        }
        return toPullRequest(pr);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Reads every review (paginated, {@code GET .../pulls/{n}/reviews}) and tallies each reviewer's latest verdict
     * with {@link Reviews#fromHistory}: {@code APPROVED} or {@code CHANGES_REQUESTED}; a {@code DISMISSED} review
     * withdraws the verdict it carried; {@code COMMENTED} and {@code PENDING} reviews are not verdicts. Reviewers
     * are identified by user id and named by login.
     *
     * <p>Who may write is asked of GitHub for each reviewer whose verdict would count, once per reviewer per call:
     * {@code GET .../collaborators/{login}/permission}, whose {@code permission} is the highest base role across the
     * repository, its teams, the organization and the enterprise ({@code maintain} and custom roles built on write
     * answer {@code write}). {@code admin} and {@code write} count, with the assigned {@code role_name} in the
     * reason; {@code read} (which includes triage) and {@code none} (also a 404) do not, as in GitHub's branch
     * protection, for approvals and requests for changes alike. The review's {@code author_association} is not used:
     * {@code MEMBER} says nothing about this repository, and an organization member whose membership is private
     * shows as {@code CONTRIBUTOR} to many tokens. A permission that cannot be read fails the call (the reviews gate
     * reports an error); it is never guessed. How many approvals pass is the reviews gate's setting, not the
     * provider's. Token: metadata read, which every token has.
     */
    @Override
    public Reviews reviews(int number, Optional<String> headSha) {
        String op = "reviews(#" + number + ")";
        List<Reviews.Submitted> history = new ArrayList<>();
        for (JsonNode review : client.getAll(GitHubRequest.get(PROVIDER_NAME, op,
                repo + "/pulls/" + number + "/reviews?per_page=100"), null)) {
            JsonNode user = review.path("user");
            Optional<Reviews.State> state = enumValue(Reviews.State.class, review.path("state").asText(""));
            String login = user.path("login").asText("");
            // A deleted account's review has no user: nobody's verdict, so nothing to count.
            if (login.isEmpty() || state.isEmpty()) {
                continue;
            }
            history.add(new Reviews.Submitted(user.path("id").asText(login), login, state.get(),
                    review.path("commit_id").asText("")));
        }
        return Reviews.fromHistory(history, headSha, login -> {
            GitHubTriggerChecks.Permission p = GitHubTriggerChecks.read(client, repo, PROVIDER_NAME,
                    op + " permissionOf(" + login + ")", login);
            return p.mayWrite() ? Reviews.Access.writer(p.roleName()) : Reviews.Access.denied(p.lacking());
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>Combines the latest check runs (paginated) with the legacy commit statuses. A commit with no legacy
     * statuses at all contributes nothing (GitHub then reports the combined state {@code pending}, which does not
     * mean a check is running). Statuses {@code error} and {@code failure} both map to
     * {@link CheckResult.Conclusion#FAILURE}.
     */
    @Override
    public List<CheckResult> checks(String commitSha) {
        String op = "checks(" + shortSha(commitSha) + ")";
        List<CheckResult> results = new ArrayList<>();
        for (JsonNode run : client.getAll(GitHubRequest.get(PROVIDER_NAME, op, repo + "/commits/"
                + GitHubClient.encode(commitSha) + "/check-runs?filter=latest&per_page=100"), "check_runs")) {
            boolean completed = "completed".equals(run.path("status").asText());
            results.add(new CheckResult(run.path("name").asText(),
                    completed ? CheckResult.State.COMPLETED : CheckResult.State.PENDING,
                    completed ? enumValue(CheckResult.Conclusion.class, run.path("conclusion").asText(""))
                            : Optional.empty(),
                    text(run, "html_url").or(() -> text(run, "details_url"))));
        }
        for (JsonNode status : client.getAll(GitHubRequest.get(PROVIDER_NAME, op, repo + "/commits/"
                + GitHubClient.encode(commitSha) + "/status?per_page=100"), "statuses")) {
            String state = status.path("state").asText("");
            Optional<CheckResult.Conclusion> conclusion = switch (state) {
                case "success" -> Optional.of(CheckResult.Conclusion.SUCCESS);
                case "failure", "error" -> Optional.of(CheckResult.Conclusion.FAILURE);
                default -> Optional.empty();
            };
            results.add(new CheckResult(status.path("context").asText(),
                    conclusion.isPresent() ? CheckResult.State.COMPLETED : CheckResult.State.PENDING, conclusion,
                    text(status, "target_url")));
        }
        return List.copyOf(results);
    }

    /**
     * The checks GitHub itself requires on {@code branch}: the branch protection's required status checks (none when
     * the branch is not protected) together with the {@code required_status_checks} rules of every ruleset that
     * applies to it. Use it to configure the required-checks gate from GitHub instead of by hand. Read-only.
     *
     * @param branch the base branch, e.g. {@code main}
     * @return the checks GitHub itself requires on {@code branch}: the branch protection's required status checks
     *     (none when the branch is not protected) together with the {@code required_status_checks} rules of every
     *     ruleset that applies to it
     * @throws ProviderException if a call fails, e.g. 403 when the token may not read branch protection
     */
    public List<String> requiredChecks(String branch) {
        String op = "requiredChecks(" + branch + ")";
        Set<String> names = new LinkedHashSet<>();
        GitHubResponse protection = client.send(GitHubRequest.get(PROVIDER_NAME, op, repo + "/branches/"
                + GitHubClient.encode(branch) + "/protection/required_status_checks").handling(404));
        if (protection.status() == 200) {
            protection.body().path("checks").forEach(c -> names.add(c.path("context").asText()));
            protection.body().path("contexts").forEach(c -> names.add(c.asText()));
        }
        for (JsonNode rule : client.getAll(GitHubRequest.get(PROVIDER_NAME, op, repo + "/rules/branches/"
                + GitHubClient.encode(branch) + "?per_page=100"), null)) {
            if ("required_status_checks".equals(rule.path("type").asText())) {
                rule.path("parameters").path("required_status_checks")
                        .forEach(c -> names.add(c.path("context").asText()));
            }
        }
        names.remove("");
        return List.copyOf(names);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Sends {@code sha = expectedHeadSha} with the configured merge method. GitHub's 409 (the head moved) is
     * {@link MergeRefusedException.Reason#HEAD_CHANGED}; 405 and 422 (not mergeable, e.g. a failing required check
     * or a merge method the repository forbids) are {@link MergeRefusedException.Reason#NOT_MERGEABLE}, unless the
     * pull request turns out to be merged already at that head, which returns its merge commit; 403 is
     * {@link MergeRefusedException.Reason#FORBIDDEN}. Because the merge is pinned, it is safe to repeat after a
     * server error or timeout, and the client does so.
     */
    @Override
    public String merge(int number, String expectedHeadSha) {
        String op = "merge(#" + number + ")";
        GitHubResponse response = client.send(GitHubRequest.write(PROVIDER_NAME, op, "PUT",
                repo + "/pulls/" + number + "/merge", Map.of("merge_method", mergeMethod.apiValue(), "sha",
                        expectedHeadSha)).retried().handling(403, 405, 409, 422));
        String said = response.message().isEmpty() ? "" : " (GitHub: " + response.message() + ")";
        switch (response.status()) {
            case 200:
                return response.body().path("sha").asText();
            case 409:
                throw new MergeRefusedException(PROVIDER_NAME, number, MergeRefusedException.Reason.HEAD_CHANGED,
                        "the head of #" + number + " moved since the gates judged " + shortSha(expectedHeadSha) + said
                                + "; nothing was merged; evaluate the gates again on the new head", 409);
            case 403:
                throw new MergeRefusedException(PROVIDER_NAME, number, MergeRefusedException.Reason.FORBIDDEN,
                        "the token from " + connection.client().settings().token().description()
                                + " may not merge #" + number + said + "; it needs contents: write and pull "
                                + "requests: write, or a bypass of the branch rules", 403);
            default:
                PullRequest pr = toPullRequest(get(op, repo + "/pulls/" + number));
                if (pr.state() == PullRequest.State.MERGED && pr.headSha().equals(expectedHeadSha)
                        && pr.mergeCommitSha().isPresent()) {
                    return pr.mergeCommitSha().get();
                }
                throw new MergeRefusedException(PROVIDER_NAME, number, MergeRefusedException.Reason.NOT_MERGEABLE,
                        "#" + number + " is not mergeable with method " + mergeMethod.apiValue() + said
                                + (pr.state() != PullRequest.State.OPEN ? "; it is " + pr.state().name()
                                        .toLowerCase(Locale.ROOT) : "")
                                + "; nothing was merged; check its conflicts, required checks and reviews on GitHub",
                        response.status());
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Reads {@code GET /repos/{o}/{r}/pulls/{n}/files} (paginated, 100 a page). A renamed file is listed under
     * its new and its previous name. GitHub lists at most {@value #MAX_LISTED_FILES} files of a pull request; a list
     * that long is reported as not {@link ChangedFiles#complete() complete}.
     */
    @Override
    public ChangedFiles changedFiles(int number) {
        List<JsonNode> entries = client.getAll(GitHubRequest.get(PROVIDER_NAME, "changedFiles(#" + number + ")",
                repo + "/pulls/" + number + "/files?per_page=100"), null);
        Set<String> paths = new LinkedHashSet<>();
        for (JsonNode entry : entries) {
            text(entry, "filename").ifPresent(paths::add);
            text(entry, "previous_filename").ifPresent(paths::add);
        }
        return new ChangedFiles(List.copyOf(paths), entries.size() < MAX_LISTED_FILES);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Judges by the {@code on.push} trigger of {@code .github/workflows/<deployWorkflow>} (a numeric workflow id is
     * first resolved to its file), read from the pull request's base branch with {@code GET .../contents/...?ref=}:
     * the branch filters against the base branch, the path filters against the files, with GitHub's pattern
     * semantics ({@link FilterPatterns}). When the pull request itself changes that workflow file, the file is read
     * at the pull request's head, since the merge carries that version. {@link Builder#deployPaths} replaces the
     * workflow's filter (the file is then not read).
     *
     * <p>Taken to deploy, whatever the paths: a workflow without a push trigger, a {@link Builder#deployEvent} other
     * than {@code push}, a list cut at {@value #MAX_LISTED_FILES} files with no listed file deciding, and a merge
     * method that pushes more than 1000 commits (GitHub then runs the workflow without evaluating its path filter).
     *
     * @throws ProviderException when the workflow file is missing (404, naming the file and the branch), is not a
     *     file, or is not a valid workflow; never a guess
     */
    @Override
    public DeployMatch deployMatch(PullRequest pullRequest, ChangedFiles files) {
        String op = "deployMatch(#" + pullRequest.number() + ")";
        String branch = pullRequest.baseRef();
        if (deployPaths.isPresent()) {
            return pushOfManyCommits(pullRequest, files, op).orElseGet(() -> DeployFilter.ofPaths(
                    "deployPaths (configured; the workflow file is not read)", deployPaths.get()).judge(branch, files));
        }
        String path = workflowPath(op);
        String ref = files.paths().contains(path) && pullRequest.state() == PullRequest.State.OPEN
                ? pullRequest.headSha() : branch;
        String source = path + "@" + (ref.equals(branch) ? branch : shortSha(ref));
        if (deployEvent.isPresent() && !deployEvent.get().equals("push")) {
            return DeployMatch.deploys(source + " (deploy runs started by " + deployEvent.get() + ")", List.of(),
                    files.paths().size(), "the deploy run is started by " + deployEvent.get() + ", not by a filtered "
                            + "push: taken to deploy (the release waits for the deploy run)");
        }
        DeployFilter filter;
        try {
            filter = DeployFilter.fromWorkflow(workflowText(op, path, ref), source);
        } catch (IllegalArgumentException e) {
            throw ProviderException.permanent(PROVIDER_NAME, op, e.getMessage() + "; fix the workflow, or name the "
                    + "deploy paths explicitly (deployPaths)", null);
        }
        return pushOfManyCommits(pullRequest, files, op).orElseGet(() -> filter.judge(branch, files));
    }

    /** The repository path of the deploy workflow file; a numeric workflow id is looked up. */
    private String workflowPath(String op) {
        if (!deployWorkflow.chars().allMatch(Character::isDigit)) {
            return WORKFLOWS_DIRECTORY + deployWorkflow;
        }
        String path = get(op, repo + "/actions/workflows/" + deployWorkflow).path("path").asText("");
        if (path.isEmpty()) {
            throw ProviderException.permanent(PROVIDER_NAME, op, "workflow " + deployWorkflow + " has no file path; "
                    + "configure the deploy workflow by its file name", null);
        }
        return path;
    }

    /** The workflow file's text at {@code ref}, from the contents API (base64). */
    private String workflowText(String op, String path, String ref) {
        String encodedPath = String.join("/", java.util.Arrays.stream(path.split("/")).map(GitHubClient::encode)
                .toList());
        GitHubResponse response = client.send(GitHubRequest.get(PROVIDER_NAME, op, repo + "/contents/" + encodedPath
                + "?ref=" + GitHubClient.encode(ref)).handling(404));
        if (response.status() == 404) {
            throw ProviderException.permanent(PROVIDER_NAME, op, "the deploy workflow " + path + " does not exist on "
                    + ref + " of " + connection.repository() + " (GitHub answered 404, or the token from "
                    + client.settings().token().description() + " cannot read it); check the deploy workflow's file "
                    + "name (" + deployWorkflow + "), or name the deploy paths explicitly (deployPaths)", null);
        }
        JsonNode file = response.body();
        if (!"file".equals(file.path("type").asText()) || !"base64".equals(file.path("encoding").asText())) {
            throw ProviderException.permanent(PROVIDER_NAME, op, path + "@" + ref + " is not a file GitHub returns "
                    + "with its content (type " + file.path("type").asText("?") + ", encoding "
                    + file.path("encoding").asText("?") + ")", null);
        }
        try {
            return new String(Base64.getMimeDecoder().decode(file.path("content").asText("")),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ProviderException.permanent(PROVIDER_NAME, op, path + "@" + ref + " came with content that is not "
                    + "base64: " + e.getMessage(), null);
        }
    }

    /**
     * GitHub runs a workflow without evaluating its path filter for a push of more than 1000 commits: a merge or
     * rebase of such a pull request deploys whatever it changes. A squash pushes one commit.
     */
    private Optional<DeployMatch> pushOfManyCommits(PullRequest pr, ChangedFiles files, String op) {
        if (mergeMethod == MergeMethod.SQUASH) {
            return Optional.empty();
        }
        int commits = get(op, repo + "/pulls/" + pr.number()).path("commits").asInt(0);
        if (commits <= MAX_COMMITS_FOR_PATH_FILTERS) {
            return Optional.empty();
        }
        return Optional.of(DeployMatch.deploys("on.push (path filters not evaluated)", List.of(),
                files.paths().size(), "a " + mergeMethod.apiValue() + " of " + commits + " commits pushes more than "
                        + MAX_COMMITS_FOR_PATH_FILTERS + ", and GitHub then runs the workflow whatever the paths"));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Lists the deploy workflow's runs for {@code head_sha = commitSha} (and the configured event, if any) and
     * returns the newest. Conditional: polling it until the run appears costs one counted request, then 304s.
     */
    @Override
    public Optional<DeployRun> findDeployRun(String commitSha) {
        String target = repo + "/actions/workflows/" + GitHubClient.encode(deployWorkflow) + "/runs?head_sha="
                + GitHubClient.encode(commitSha) + deployEvent.map(e -> "&event=" + GitHubClient.encode(e)).orElse("")
                + "&per_page=10";
        JsonNode runs = get("findDeployRun(" + shortSha(commitSha) + ")", target).path("workflow_runs");
        JsonNode newest = null;
        for (JsonNode run : runs) {
            if (newest == null || run.path("id").asLong() > newest.path("id").asLong()) {
                newest = run;
            }
        }
        return Optional.ofNullable(newest).map(GitHubCiProvider::toDeployRun);
    }

    /** {@inheritDoc} <p>Conditional: a poll of a run that has not changed is a 304. */
    @Override
    public DeployRun deployRun(String runId) {
        return toDeployRun(get("deployRun(" + runId + ")", repo + "/actions/runs/" + GitHubClient.encode(runId)));
    }

    /** {@inheritDoc} <p>Posts the body as given (the engine composes the incident note). Never repeated. */
    @Override
    public void comment(int number, String body) {
        client.send(GitHubRequest.write(PROVIDER_NAME, "comment(#" + number + ")", "POST",
                repo + "/issues/" + number + "/comments", Map.of("body", body)));
    }

    /**
     * {@inheritDoc}
     *
     * <p>First lists the deployments of {@code commitSha} to {@code environment} ({@code GET .../deployments?sha=
     * &environment=}, every page) and returns the one whose {@code payload.release_id} is {@code releaseId}, if any.
     * Otherwise creates it without auto-merge and without required contexts (the gates already judged the checks),
     * with {@code payload: {"release_id": releaseId}}. A create that fails transiently (a server error, a timeout:
     * GitHub may have created it anyway) is tried again, up to the connection's {@code maxAttempts}, each time
     * looking for the release's record first, so a lost answer never makes a second record. GitHub's 202 means it
     * created nothing (e.g. an auto-merge it would have needed): that is a permanent error.
     */
    @Override
    public String createDeployment(String commitSha, String environment, String releaseId, String description) {
        String op = "createDeployment(" + shortSha(commitSha) + ", " + environment + ", " + releaseId + ")";
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ref", commitSha);
        body.put("environment", environment);
        body.put("auto_merge", false);
        body.put("required_contexts", List.of());
        body.put("description", truncate(description));
        body.put("payload", Map.of(PAYLOAD_RELEASE_ID, releaseId));
        int maxAttempts = client.settings().maxAttempts();
        for (int attempt = 1; ; attempt++) {
            try {
                Optional<String> existing = findDeployment(op, commitSha, environment, releaseId);
                if (existing.isPresent()) {
                    if (attempt > 1) {
                        log.info("GitHub {}: the deployment was created by an earlier attempt: {}", op,
                                SafeText.line(existing.get()));
                    }
                    return existing.get();
                }
                GitHubResponse response = client.send(GitHubRequest.write(PROVIDER_NAME, op, "POST",
                        repo + "/deployments", body));
                if (response.status() != 201 || !response.body().has("id")) {
                    throw ProviderException.permanent(PROVIDER_NAME, op, "GitHub answered " + response.status()
                            + " and created no deployment" + (response.message().isEmpty() ? ""
                                    : " (" + response.message() + ")"), null);
                }
                return response.body().path("id").asText();
            } catch (ProviderException e) {
                if (!e.isTransient() || attempt >= maxAttempts) {
                    throw e;
                }
                Duration wait = client.backoff(attempt);
                log.warn("GitHub {} failed ({}), attempt {} of {}; looking for the release's deployment again in {}",
                        op, SafeText.line(e.getMessage()), attempt, maxAttempts, wait);
                connection.clock().sleep(wait);
            }
        }
    }

    /** The release's deployment of {@code sha} to {@code environment}, found by the release id in its payload. */
    private Optional<String> findDeployment(String op, String sha, String environment, String releaseId) {
        for (JsonNode deployment : client.getAll(GitHubRequest.get(PROVIDER_NAME, op, repo + "/deployments?sha="
                + GitHubClient.encode(sha) + "&environment=" + GitHubClient.encode(environment) + "&per_page=100"),
                null)) {
            if (releaseId.equals(payload(deployment).path(PAYLOAD_RELEASE_ID).asText(null))) {
                return Optional.of(deployment.path("id").asText());
            }
        }
        return Optional.empty();
    }

    /** A deployment's payload: GitHub returns the object it was given, or a string when it was given one. */
    private static JsonNode payload(JsonNode deployment) {
        JsonNode payload = deployment.path("payload");
        if (payload.isTextual()) {
            try {
                return JSON.readTree(payload.asText());
            } catch (java.io.IOException notJson) {
                return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
            }
        }
        return payload;
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code environmentUrl} becomes the status's {@code environment_url} (the app) and {@code logUrl} its
     * {@code log_url} (link it to the release evidence). A description longer than 140 characters is cut to fit.
     * Tried again after a server error or a timeout, like a read: a status recorded twice only repeats the latest.
     */
    @Override
    public void recordDeploymentStatus(String deploymentId, DeploymentState state, String description,
            Optional<String> environmentUrl, Optional<String> logUrl) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("state", state.name().toLowerCase(Locale.ROOT));
        body.put("description", truncate(description));
        environmentUrl.ifPresent(u -> body.put("environment_url", u));
        logUrl.ifPresent(u -> body.put("log_url", u));
        client.send(GitHubRequest.write(PROVIDER_NAME, "recordDeploymentStatus(" + deploymentId + ", "
                + body.get("state") + ")", "POST", repo + "/deployments/" + GitHubClient.encode(deploymentId)
                        + "/statuses", body).retried());
    }

    @Override
    public String toString() {
        return "GitHubCiProvider[" + connection + ", workflow " + deployWorkflow + ", " + mergeMethod.apiValue() + "]";
    }

    private JsonNode get(String operation, String target) {
        return client.send(GitHubRequest.get(PROVIDER_NAME, operation, target)).body();
    }

    private static boolean stillComputing(JsonNode pr) {
        return "open".equals(pr.path("state").asText()) && !pr.path("merged").asBoolean(false)
                && pr.path("mergeable").isNull();
    }

    private static PullRequest toPullRequest(JsonNode pr) {
        PullRequest.State state = pr.path("merged").asBoolean(false) || !pr.path("merged_at").isNull()
                && pr.has("merged_at") ? PullRequest.State.MERGED
                : "closed".equals(pr.path("state").asText()) ? PullRequest.State.CLOSED : PullRequest.State.OPEN;
        List<String> labels = new ArrayList<>();
        pr.path("labels").forEach(l -> labels.add(l.path("name").asText()));
        JsonNode mergeable = pr.path("mergeable");
        return new PullRequest(pr.path("number").asInt(), pr.path("title").asText(""),
                pr.path("head").path("sha").asText(), pr.path("base").path("ref").asText(""),
                pr.path("body").isTextual() ? pr.path("body").asText() : "", labels,
                pr.path("draft").asBoolean(false), state,
                mergeable.isBoolean() ? Optional.of(mergeable.asBoolean()) : Optional.empty(),
                state == PullRequest.State.MERGED ? text(pr, "merge_commit_sha") : Optional.empty(),
                pr.path("html_url").asText(""));
    }

    private static DeployRun toDeployRun(JsonNode run) {
        DeployRun.Status status = switch (run.path("status").asText("")) {
            case "completed" -> DeployRun.Status.COMPLETED;
            case "in_progress" -> DeployRun.Status.IN_PROGRESS;
            case "waiting" -> DeployRun.Status.WAITING;
            default -> DeployRun.Status.QUEUED; // queued, requested, pending
        };
        return new DeployRun(run.path("id").asText(), run.path("head_sha").asText(""), status,
                status == DeployRun.Status.COMPLETED
                        ? enumValue(DeployRun.Conclusion.class, run.path("conclusion").asText(""))
                        : Optional.empty(),
                run.path("html_url").asText(""));
    }

    static <E extends Enum<E>> Optional<E> enumValue(Class<E> type, String apiValue) {
        try {
            return apiValue.isEmpty() ? Optional.empty()
                    : Optional.of(Enum.valueOf(type, apiValue.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException unknown) {
            return Optional.empty();
        }
    }

    static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() && !value.asText().isEmpty() ? Optional.of(value.asText()) : Optional.empty();
    }

    private static String truncate(String description) {
        String d = description == null ? "" : description;
        return d.length() <= DESCRIPTION_LIMIT ? d : d.substring(0, DESCRIPTION_LIMIT - 1) + "\u2026";
    }

    private static String shortSha(String sha) {
        return sha.length() > 7 ? sha.substring(0, 7) : sha;
    }

    /**
     * Builds a {@link GitHubCiProvider}. Not thread-safe; {@link #build()} validates everything at once.
     */
    public static final class Builder {

        private final GitHubConnection connection;
        private String deployWorkflow = DEFAULT_DEPLOY_WORKFLOW;
        private MergeMethod mergeMethod = DEFAULT_MERGE_METHOD;
        private int mergeableRechecks = DEFAULT_MERGEABLE_RECHECKS;
        private Duration mergeableRecheckDelay = DEFAULT_MERGEABLE_RECHECK_DELAY;
        private String deployEvent;
        private List<String> deployPaths;

        private Builder(GitHubConnection connection) {
            this.connection = connection;
        }

        /**
         * The workflow file whose run deploys the merge commit (or the workflow's numeric id). Default
         * {@link #DEFAULT_DEPLOY_WORKFLOW}.
         *
         * @param deployWorkflow the workflow file whose run deploys the merge commit (or the workflow's numeric id)
         * @return this builder
         */
        public Builder deployWorkflow(String deployWorkflow) {
            this.deployWorkflow = deployWorkflow;
            return this;
        }

        /**
         * How pull requests are merged. Default {@link #DEFAULT_MERGE_METHOD}.
         *
         * @param mergeMethod how pull requests are merged
         * @return this builder
         */
        public Builder mergeMethod(MergeMethod mergeMethod) {
            this.mergeMethod = mergeMethod;
            return this;
        }

        /**
         * Only runs triggered by this event count as the deploy run, e.g. {@code push}. Default: any event.
         *
         * @param deployEvent only runs triggered by this event count as the deploy run, e.g. {@code push}
         * @return this builder
         */
        public Builder deployEvent(String deployEvent) {
            this.deployEvent = deployEvent;
            return this;
        }

        /**
         * The paths whose change deploys, as GitHub filter patterns ({@link FilterPatterns}, same semantics as
         * {@code on.push.paths}: {@code *}, {@code **}, {@code ?}, {@code +}, {@code []}, {@code !} in order), instead
         * of the deploy workflow's own {@code on.push} filter, which is then not read. Default: read the workflow.
         *
         * @param patterns the paths whose change deploys, as GitHub filter patterns ({@link FilterPatterns}, same
         *     semantics as {@code on.push.paths}: {@code *}, {@code **}, {@code ?}, {@code +}, {@code []}, {@code !}
         *     in order), instead of the deploy workflow's own {@code on.push} filter, which is then not read
         * @return this builder
         */
        public Builder deployPaths(List<String> patterns) {
            this.deployPaths = patterns == null ? null : new ArrayList<>(patterns);
            return this;
        }

        /**
         * How often {@link GitHubCiProvider#pullRequest} asks again while GitHub is still computing mergeability,
         * and how long it waits in between (on the connection's clock). Defaults
         * {@link #DEFAULT_MERGEABLE_RECHECKS} and {@link #DEFAULT_MERGEABLE_RECHECK_DELAY}; 0 never asks again.
         *
         * @param times how many times to ask again, at least 0
         * @param delay the wait between two asks, positive
         * @return this builder
         */
        public Builder mergeableRecheck(int times, Duration delay) {
            this.mergeableRechecks = times;
            this.mergeableRecheckDelay = delay;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return a new {@code GitHubCiProvider} with this builder's settings
         * @throws InvalidConfigurationException listing every problem at once
         */
        public GitHubCiProvider build() {
            List<String> problems = new ArrayList<>();
            if (connection == null) {
                problems.add("github.connection: required, from GitHubConnection.builder()...build()");
            }
            if (deployWorkflow == null || deployWorkflow.isBlank() || deployWorkflow.contains("/")) {
                problems.add("github.deployWorkflow: must be a workflow file name such as " + DEFAULT_DEPLOY_WORKFLOW
                        + " (not a path) or a workflow id, got " + deployWorkflow);
            }
            if (mergeMethod == null) {
                problems.add("github.mergeMethod: must not be null (default " + DEFAULT_MERGE_METHOD + ")");
            }
            if (deployEvent != null && deployEvent.isBlank()) {
                problems.add("github.deployEvent: must not be blank; leave it unset for any event");
            }
            if (deployPaths != null) {
                FilterPatterns.problems(deployPaths).forEach(p -> problems.add("github.deployPaths: " + p));
            }
            if (mergeableRechecks < 0) {
                problems.add("github.mergeableRecheck.times: must be zero or more, got " + mergeableRechecks);
            }
            if (mergeableRecheckDelay == null || mergeableRecheckDelay.isNegative()) {
                problems.add("github.mergeableRecheck.delay: must be zero or positive, got " + mergeableRecheckDelay);
            }
            if (!problems.isEmpty()) {
                throw new InvalidConfigurationException("GitHub CI provider", problems);
            }
            return new GitHubCiProvider(this);
        }
    }
}
