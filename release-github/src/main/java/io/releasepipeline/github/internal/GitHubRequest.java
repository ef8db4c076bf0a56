package io.releasepipeline.github.internal;

import java.util.Objects;
import java.util.Set;

/**
 * One call to GitHub's REST API, as the providers describe it to {@link GitHubClient}. Not public API.
 *
 * @param provider the provider name for errors, e.g. {@code "github"}
 * @param operation what is being done, for errors, e.g. {@code "merge(#42)"}
 * @param method the HTTP method
 * @param target a path under the API URL ({@code /repos/o/r/pulls/1}) or an absolute URL on the same host (a
 *        {@code Link} next page)
 * @param body the JSON body (a map or list Jackson can write), or null for none
 * @param retryable whether a server error or a timeout may be retried: true only for calls that are safe to repeat
 * @param handled statuses the caller interprets itself instead of having them thrown (e.g. 404, 405, 409)
 */
public record GitHubRequest(String provider, String operation, String method, String target, Object body,
        boolean retryable, Set<Integer> handled) {

    /** Validates and copies. */
    public GitHubRequest {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        handled = handled == null ? Set.of() : Set.copyOf(handled);
    }

    /** A read: idempotent, so retried on server errors and timeouts, and made conditional with its ETag. */
    public static GitHubRequest get(String provider, String operation, String target) {
        return new GitHubRequest(provider, operation, "GET", target, null, true, Set.of());
    }

    /** A write that must not be repeated after a server error (it may have been applied). */
    public static GitHubRequest write(String provider, String operation, String method, String target, Object body) {
        return new GitHubRequest(provider, operation, method, target, body, false, Set.of());
    }

    /** The same request, retried on server errors too (for writes that are idempotent, e.g. a pinned merge). */
    public GitHubRequest retried() {
        return new GitHubRequest(provider, operation, method, target, body, true, handled);
    }

    /** The same request, with these statuses returned to the caller instead of thrown. */
    public GitHubRequest handling(Integer... statuses) {
        return new GitHubRequest(provider, operation, method, target, body, retryable, Set.of(statuses));
    }

    /** True for GET. */
    public boolean isRead() {
        return "GET".equals(method);
    }
}
