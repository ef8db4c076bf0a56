package io.releasepipeline.github.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpHeaders;
import java.util.Objects;

/**
 * A GitHub answer. Not public API.
 *
 * @param status the HTTP status of the answer the body came from (200 for a body served from the ETag cache)
 * @param body the parsed JSON body ({@code MissingNode} when there was none)
 * @param headers the headers of the answer the body came from
 * @param notModified true when GitHub answered 304 and the body is the cached one
 */
public record GitHubResponse(int status, JsonNode body, HttpHeaders headers, boolean notModified) {

    /** Validates. */
    public GitHubResponse {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(headers, "headers");
    }

    /** The same answer, marked as served from the cache after a 304. */
    GitHubResponse asNotModified() {
        return new GitHubResponse(status, body, headers, true);
    }

    /** GitHub's {@code message} field, or empty. */
    public String message() {
        return body.path("message").asText("");
    }
}
