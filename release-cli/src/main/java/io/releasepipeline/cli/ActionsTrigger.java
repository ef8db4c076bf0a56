package io.releasepipeline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.releasepipeline.cli.config.CliConfig;
import io.releasepipeline.error.ProviderException;
import io.releasepipeline.github.GitHubTriggerChecks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a GitHub Actions event asks of {@code release promote --event FILE}: the pull request to release, nothing
 * (with the reason), or a refusal. The event name is {@code GITHUB_EVENT_NAME} (or {@code --event-name}) and the file
 * is {@code GITHUB_EVENT_PATH}, the webhook payload GitHub hands the job.
 *
 * <ul>
 * <li>{@code workflow_dispatch}: the input {@code pr}.</li>
 * <li>{@code issue_comment}: a new comment {@code /release} on a pull request, from a person with write, maintain or
 * admin permission (asked of GitHub, since anyone may comment on a public repository); anyone else is refused, and a
 * permission GitHub will not say is a {@link ProviderException} (nothing is done). An edited or deleted comment, a
 * comment on an issue, and a comment by a bot ask for nothing.</li>
 * <li>{@code workflow_run}: a run of the configured deploy workflow for a push to the default branch, requested, in
 * progress or completed successfully; its {@code head_sha} is mapped to the merged pull request by GitHub's
 * commit-to-pull-request API. (The payload's {@code pull_requests} lists pull requests whose head is the run's
 * branch, which for a push to {@code main} are not the merged one, so it is not used.)</li>
 * <li>{@code push} to the default branch: the pushed commit ({@code after}) mapped the same way.</li>
 * <li>{@code pull_request} closed and merged.</li>
 * </ul>
 *
 * A commit that came from no merged pull request (a direct push) is "nothing to release". Every check runs before
 * any side effect; a payload that is unreadable, from another repository, or from an event it does not know is an
 * {@link IllegalArgumentException} saying what to fix. Stateless; the reads go through the given
 * {@link GitHubTriggerChecks}, asked for only when needed.
 */
final class ActionsTrigger {

    /** How an event resolves. */
    sealed interface Outcome permits Release, Nothing, Refused { }

    /**
     * Release this pull request.
     *
     * @param pullRequest its number
     * @param why the event, for the log and the JSON document
     */
    record Release(int pullRequest, String why) implements Outcome { }

    /**
     * The event asks for no release; nothing was done.
     *
     * @param why the reason, for people
     */
    record Nothing(String why) implements Outcome { }

    /**
     * Someone without the right asked for a release; nothing was done.
     *
     * @param why the reason, naming the person and what they lack
     */
    record Refused(String why) implements Outcome { }

    /** The comment that asks for a release. */
    static final String COMMAND = "/release";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ActionsTrigger() {
    }

    /**
     * Resolves an event.
     *
     * @param eventName {@code GITHUB_EVENT_NAME}
     * @param payloadFile {@code GITHUB_EVENT_PATH}
     * @param config the release configuration (repository, deploy workflow)
     * @param checks the GitHub reads, made on first use
     * @throws IllegalArgumentException for an unreadable payload, another repository's event, or an event this
     *     command does not handle
     * @throws io.releasepipeline.error.ProviderException if GitHub cannot be asked
     */
    static Outcome resolve(String eventName, Path payloadFile, CliConfig config,
            Supplier<GitHubTriggerChecks> checks) {
        JsonNode event = read(payloadFile);
        String repository = event.path("repository").path("full_name").asText("");
        if (!repository.equalsIgnoreCase(config.github().repository())) {
            throw new IllegalArgumentException("the " + eventName + " event in " + payloadFile + " is from repository '"
                    + repository + "', but release.yaml's github.repository is '" + config.github().repository()
                    + "'; run the workflow in that repository or fix github.repository");
        }
        String defaultBranch = event.path("repository").path("default_branch").asText("main");
        return switch (eventName) {
            case "workflow_dispatch" -> dispatch(event);
            case "issue_comment" -> comment(event, checks);
            case "workflow_run" -> workflowRun(event, config, defaultBranch, checks);
            case "push" -> push(event, defaultBranch, checks);
            case "pull_request", "pull_request_target" -> pullRequest(event);
            default -> throw new IllegalArgumentException("release promote --event does not handle '" + eventName
                    + "' events; trigger the workflow with workflow_dispatch, issue_comment (/release), workflow_run "
                    + "(the deploy workflow), push or pull_request (closed)");
        };
    }

    private static JsonNode read(Path file) {
        try {
            JsonNode node = JSON.readTree(Files.readAllBytes(file));
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("the event payload " + file + " is not a JSON object; pass "
                        + "--event \"$GITHUB_EVENT_PATH\"");
            }
            return node;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the event payload " + file + " (" + e.getClass()
                    .getSimpleName() + "); pass --event \"$GITHUB_EVENT_PATH\"");
        }
    }

    private static Outcome dispatch(JsonNode event) {
        JsonNode input = event.path("inputs").path("pr");
        String text = input.isNumber() ? input.asText() : input.asText("").trim().replaceFirst("^#", "");
        if (!text.matches("[1-9][0-9]{0,8}")) {
            throw new IllegalArgumentException("the workflow_dispatch input 'pr' must be a pull request number, got "
                    + (input.isMissingNode() ? "nothing (declare the input 'pr' in the workflow)" : "'" + text + "'"));
        }
        return new Release(Integer.parseInt(text), "workflow_dispatch by "
                + event.path("sender").path("login").asText("someone") + " for #" + text);
    }

    private static Outcome comment(JsonNode event, Supplier<GitHubTriggerChecks> checks) {
        String action = event.path("action").asText("");
        int number = event.path("issue").path("number").asInt();
        if (!action.equals("created")) {
            return new Nothing("the comment on #" + number + " was " + action + "; only a new " + COMMAND
                    + " comment asks for a release");
        }
        if (!event.path("issue").has("pull_request")) {
            return new Nothing("#" + number + " is an issue, not a pull request");
        }
        String body = event.path("comment").path("body").asText("").strip();
        if (!body.equals(COMMAND)) {
            return new Nothing("the comment on #" + number + " is not " + COMMAND);
        }
        JsonNode user = event.path("comment").path("user");
        String login = user.path("login").asText("");
        if (user.path("type").asText("").equals("Bot") || login.endsWith("[bot]")) {
            // A bot may echo a person's words (a quote, a template); only a person asks for a release.
            return new Nothing("the " + COMMAND + " comment on #" + number + " is by a bot (" + login
                    + "); only a person asks for a release");
        }
        GitHubTriggerChecks.Permission permission;
        try {
            permission = checks.get().permissionOf(login);
        } catch (ProviderException e) {
            throw new ProviderException(e.provider(), e.operation(), "could not check whether @" + login
                    + " may ask for a release of #" + number + ", so nothing was done (" + e.detail() + "); "
                    + COMMAND + " needs write, maintain or admin: comment again once GitHub answers, or start the "
                    + "release with Run workflow", e.isTransient(), e.retryAfter().orElse(null), e.statusCode(), e);
        }
        if (!permission.mayRelease()) {
            return new Refused("@" + login + " asked for a release of #" + number + " but has '"
                    + permission.roleName() + "' permission on the repository; " + COMMAND
                    + " needs write, maintain or admin. Nothing was done");
        }
        return new Release(number, COMMAND + " on #" + number + " by @" + login + " (" + permission.roleName() + ")");
    }

    private static Outcome workflowRun(JsonNode event, CliConfig config, String defaultBranch,
            Supplier<GitHubTriggerChecks> checks) {
        JsonNode run = event.path("workflow_run");
        String configured = config.github().deployWorkflow();
        String path = run.path("path").asText("");
        String file = path.substring(path.lastIndexOf('/') + 1).replaceFirst("@.*$", "");
        boolean isDeployWorkflow = file.equals(configured) || run.path("workflow_id").asText("").equals(configured);
        if (!isDeployWorkflow) {
            throw new IllegalArgumentException("the workflow_run event is for " + (path.isEmpty() ? "an unnamed "
                    + "workflow" : path) + ", but release.yaml's github.deployWorkflow is " + configured
                    + "; list only the deploy workflow under on.workflow_run.workflows, or fix github.deployWorkflow");
        }
        String url = run.path("html_url").asText("the deploy run");
        if (!run.path("event").asText("").equals("push")
                || !run.path("head_branch").asText("").equals(defaultBranch)) {
            return new Nothing("the deploy run " + url + " was started by " + run.path("event").asText("?") + " on "
                    + run.path("head_branch").asText("?") + ", not by a push to " + defaultBranch);
        }
        String action = event.path("action").asText("");
        if (action.equals("completed")) {
            String conclusion = run.path("conclusion").asText("none");
            if (!conclusion.equals("success")) {
                return new Nothing("the deploy run " + url + " ended " + conclusion + ": nothing was deployed");
            }
        } else if (!action.equals("requested") && !action.equals("in_progress")) {
            return new Nothing("workflow_run action '" + action + "' asks for no release");
        }
        return ofCommit(run.path("head_sha").asText(""), "deploy run " + url + " (" + action + ")", checks);
    }

    private static Outcome push(JsonNode event, String defaultBranch, Supplier<GitHubTriggerChecks> checks) {
        String ref = event.path("ref").asText("");
        if (!ref.equals("refs/heads/" + defaultBranch)) {
            return new Nothing("the push is to " + ref + ", not to " + defaultBranch);
        }
        if (event.path("deleted").asBoolean(false)) {
            return new Nothing("the push deleted " + ref);
        }
        return ofCommit(event.path("after").asText(""), "push to " + defaultBranch, checks);
    }

    private static Outcome pullRequest(JsonNode event) {
        JsonNode pr = event.path("pull_request");
        int number = pr.path("number").asInt(event.path("number").asInt());
        if (!event.path("action").asText("").equals("closed") || !pr.path("merged").asBoolean(false)) {
            return new Nothing("pull request #" + number + " was " + event.path("action").asText("?")
                    + (pr.path("merged").asBoolean(false) ? "" : " without being merged") + "; only a merge is released");
        }
        return new Release(number, "pull request #" + number + " merged");
    }

    /** The merged pull request that brought {@code sha}: the one whose merge commit it is, else any merged one. */
    private static Outcome ofCommit(String sha, String why, Supplier<GitHubTriggerChecks> checks) {
        List<GitHubTriggerChecks.CommitPullRequest> prs = checks.get().pullRequestsOf(sha);
        Optional<GitHubTriggerChecks.CommitPullRequest> merged = prs.stream()
                .filter(GitHubTriggerChecks.CommitPullRequest::merged)
                .min(Comparator.comparing(p -> p.mergeCommitSha().equals(Optional.of(sha)) ? 0 : 1));
        String shortSha = sha.length() > 7 ? sha.substring(0, 7) : sha;
        if (merged.isEmpty()) {
            return new Nothing("commit " + shortSha + " (" + why + ") came from no merged pull request (a direct "
                    + "push?): nothing to release" + (prs.isEmpty() ? "" : "; open pull requests containing it: "
                    + prs.stream().map(p -> "#" + p.number()).toList()));
        }
        return new Release(merged.get().number(), why + ": commit " + shortSha + " of pull request #"
                + merged.get().number());
    }

    /** The event name from the option, else the environment; an error naming both when neither is set. */
    static String eventName(Optional<String> option, java.util.function.Function<String, String> environment) {
        String name = option.orElseGet(() -> environment.apply("GITHUB_EVENT_NAME"));
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("--event needs the event's name: give --event-name, or run in GitHub "
                    + "Actions where GITHUB_EVENT_NAME is set");
        }
        return name.trim().toLowerCase(Locale.ROOT);
    }
}
