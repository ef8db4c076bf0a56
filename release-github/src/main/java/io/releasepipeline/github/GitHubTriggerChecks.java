package io.releasepipeline.github;

import com.fasterxml.jackson.databind.JsonNode;
import io.releasepipeline.github.internal.GitHubClient;
import io.releasepipeline.github.internal.GitHubRequest;
import io.releasepipeline.github.internal.GitHubResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The two reads a GitHub Actions trigger needs before a release starts: may the person who asked for it (a
 * {@code /release} comment) release, and which pull request a pushed or deployed commit came from.
 *
 * <pre>{@code
 * GitHubTriggerChecks checks = new GitHubTriggerChecks(github);
 * if (!checks.permissionOf("octocat").mayRelease()) { ... refuse ... }
 * List<GitHubTriggerChecks.CommitPullRequest> prs = checks.pullRequestsOf(sha);
 * }</pre>
 *
 * <p>Both are reads on the connection's client (conditional requests, rate limits and retries handled there); the
 * token needs metadata read (every {@code GITHUB_TOKEN} has it) and pull requests read. Thread-safe; blocks on I/O;
 * failures are {@link io.releasepipeline.error.ProviderException}s whose messages never carry the token.
 */
public final class GitHubTriggerChecks {

    /** The provider name in errors. */
    public static final String PROVIDER_NAME = "github-triggers";
    /**
     * The legacy base permissions that may ask for a release: GitHub maps the maintain role (and custom roles built
     * on write) to {@code write}, and triage to {@code read}.
     */
    public static final Set<String> RELEASING_PERMISSIONS = Set.of("admin", "write");
    /** The legacy base permissions GitHub answers with. */
    private static final Set<String> KNOWN_PERMISSIONS = Set.of("admin", "write", "read", "none");
    /** GitHub logins: letters, digits and hyphens; managed users (EMU) add "_shortcode"; apps end in "[bot]". */
    private static final Pattern LOGIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,99}(?:\\[bot\\])?");
    private static final Pattern SHA = Pattern.compile("[0-9a-fA-F]{7,64}");

    private final GitHubConnection connection;
    private final GitHubClient client;

    /**
     * Checks on {@code connection}'s repository.
     *
     * @param connection the repository, token, clock and retries every call goes through
     */
    public GitHubTriggerChecks(GitHubConnection connection) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.client = connection.client();
    }

    /**
     * A person's permission on the repository ({@code GET /repos/{o}/{r}/collaborators/{user}/permission}), the
     * highest across repository, team, organization and enterprise grants. A login GitHub does not know (404) has
     * permission {@code none}.
     *
     * @param login the person
     * @return a person's permission on the repository ({@code GET /repos/{o}/{r}/collaborators/{user}/permission}),
     *     the highest across repository, team, organization and enterprise grants
     * @throws IllegalArgumentException if {@code login} is not a GitHub login (nothing is sent)
     * @throws io.releasepipeline.error.ProviderException if GitHub cannot be asked
     */
    public Permission permissionOf(String login) {
        return read(client, connection.repositoryPath(), PROVIDER_NAME, "permissionOf(" + login + ")", login);
    }

    /**
     * {@code login}'s permission on {@code repositoryPath}, read with {@code client} (shared with the reviews of
     * {@link GitHubCiProvider}). A 404 (GitHub knows no such collaborator) is {@code none}; a missing or unknown
     * {@code permission} field is {@code none} too, never a guess upwards.
     */
    static Permission read(GitHubClient client, String repositoryPath, String provider, String operation,
            String login) {
        if (login == null || !LOGIN.matcher(login).matches()) {
            throw new IllegalArgumentException("not a GitHub login: \"" + login + "\"");
        }
        GitHubResponse response = client.send(GitHubRequest.get(provider, operation,
                repositoryPath + "/collaborators/" + GitHubClient.encode(login) + "/permission").handling(404));
        if (response.status() == 404) {
            return new Permission(login, "none", "none");
        }
        JsonNode body = response.body();
        String permission = body.path("permission").asText("none").toLowerCase(Locale.ROOT);
        if (!KNOWN_PERMISSIONS.contains(permission)) {
            permission = "none";
        }
        String role = body.path("role_name").asText("");
        return new Permission(login, permission, role.isBlank() ? permission : role);
    }

    /**
     * The pull requests GitHub associates with a commit ({@code GET /repos/{o}/{r}/commits/{sha}/pulls}): for a
     * commit on the default branch, the merged pull request that brought it; otherwise open and merged ones that
     * contain it. Empty when the commit came from no pull request (a direct push).
     *
     * @param commitSha the commit's full SHA
     * @return the pull requests GitHub associates with a commit ({@code GET /repos/{o}/{r}/commits/{sha}/pulls}): for
     *     a commit on the default branch, the merged pull request that brought it; otherwise open and merged ones that
     *     contain it
     * @throws IllegalArgumentException if {@code commitSha} is not a hexadecimal sha (nothing is sent)
     * @throws io.releasepipeline.error.ProviderException if GitHub cannot be asked (an unknown commit is 422 there)
     */
    public List<CommitPullRequest> pullRequestsOf(String commitSha) {
        if (commitSha == null || !SHA.matcher(commitSha).matches()) {
            throw new IllegalArgumentException("not a commit sha: \"" + commitSha + "\"");
        }
        List<JsonNode> pulls = client.getAll(GitHubRequest.get(PROVIDER_NAME, "pullRequestsOf(" + commitSha + ")",
                connection.repositoryPath() + "/commits/" + commitSha + "/pulls?per_page=100"), null);
        List<CommitPullRequest> found = new ArrayList<>();
        for (JsonNode pr : pulls) {
            found.add(new CommitPullRequest(pr.path("number").asInt(),
                    GitHubCiProvider.text(pr, "merged_at").isPresent(),
                    GitHubCiProvider.text(pr, "merge_commit_sha"),
                    pr.path("base").path("ref").asText(""), pr.path("html_url").asText("")));
        }
        return List.copyOf(found);
    }

    @Override
    public String toString() {
        return "GitHubTriggerChecks[" + connection + "]";
    }

    /**
     * A person's permission on the repository.
     *
     * @param login the person
     * @param permission the legacy base permission: {@code admin}, {@code write}, {@code read} or {@code none}
     * @param roleName the role as assigned ({@code maintain}, {@code triage}, a custom role...), for messages
     */
    public record Permission(String login, String permission, String roleName) {

        /**
         * Validates.
         *
         * @param login the person
         * @param permission the legacy base permission: {@code admin}, {@code write}, {@code read} or {@code none}
         * @param roleName the role as assigned ({@code maintain}, {@code triage}, a custom role...), for messages
         */
        public Permission {
            Objects.requireNonNull(login, "login");
            Objects.requireNonNull(permission, "permission");
            Objects.requireNonNull(roleName, "roleName");
        }

        /**
         * True for admin, maintain and write (and custom roles built on write).
         *
         * @return true for admin, maintain and write (and custom roles built on write)
         */
        public boolean mayRelease() {
            return mayWrite();
        }

        /**
         * True for admin, maintain and write (and custom roles built on write): who may push, merge, and whose
         * reviews GitHub's branch protection counts.
         *
         * @return true for admin, maintain and write (and custom roles built on write): who may push, merge, and whose
         *     reviews GitHub's branch protection counts
         */
        public boolean mayWrite() {
            return RELEASING_PERMISSIONS.contains(permission);
        }

        /**
         * Why this permission is not enough to write, for people: {@code read permission}, {@code triage
         * permission}, or {@code no access to the repository} for {@code none}.
         *
         * @return the missing permission, said for people
         */
        public String lacking() {
            return permission.equals("none") ? "no access to the repository" : roleName + " permission";
        }
    }

    /**
     * A pull request associated with a commit.
     *
     * @param number its number
     * @param merged whether it is merged
     * @param mergeCommitSha its merge commit, once merged
     * @param baseRef the branch it targets
     * @param url where to read it
     */
    public record CommitPullRequest(int number, boolean merged, Optional<String> mergeCommitSha, String baseRef,
            String url) {

        /**
         * Validates.
         *
         * @param number its number
         * @param merged whether it is merged
         * @param mergeCommitSha its merge commit, once merged
         * @param baseRef the branch it targets
         * @param url where to read it
         */
        public CommitPullRequest {
            mergeCommitSha = mergeCommitSha == null ? Optional.empty() : mergeCommitSha;
            baseRef = baseRef == null ? "" : baseRef;
            url = url == null ? "" : url;
        }
    }
}
