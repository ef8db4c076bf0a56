package io.releasepipeline.github;

import io.releasepipeline.format.VariableNames;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where the GitHub token comes from: {@code GITHUB_TOKEN} in Actions, a personal access token, or a GitHub App
 * installation token that a supplier refreshes. The token is asked for once per request, so a supplier may rotate
 * it (installation tokens expire after an hour).
 *
 * <p>Implementations must be thread-safe and must never reveal the token in {@link Object#toString()} or in
 * {@link #description()}: both appear in logs and error messages.
 */
public interface TokenSource {

    /**
     * The current token, or empty when none is available (for instance an environment variable that is not set).
     * Called once per HTTP request; may block briefly (a supplier that refreshes an installation token).
     *
     * @return the current token, or empty when none is available (for instance an environment variable that is not
     *     set)
     */
    Optional<String> token();

    /**
     * Where the token comes from, for error messages, e.g. {@code "environment variable GITHUB_TOKEN"}. Never the
     * token itself.
     *
     * @return where the token comes from, for error messages, e.g. {@code "environment variable GITHUB_TOKEN"}
     */
    String description();

    /**
     * The token in the environment variable {@code name}, read on every request (so a variable set after start-up
     * is seen). An unset or blank variable yields no token, and requests fail with an error naming the variable.
     *
     * @param name the environment variable's name, e.g. {@code GITHUB_TOKEN}
     * @return the token in the environment variable {@code name}, read on every request (so a variable set after
     *     start-up is seen)
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is not a variable name or looks like a token pasted in its
     *         place; the message does not quote it
     */
    static TokenSource fromEnvironment(String name) {
        Objects.requireNonNull(name, "name");
        VariableNames.problem("TokenSource.fromEnvironment(name)", name).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        return new DescribedTokenSource("environment variable " + name, () -> System.getenv(name));
    }

    /**
     * The token a supplier returns, asked for on every request; a null or blank answer means "no token".
     *
     * @param supplier a thread-safe supplier, e.g. one that caches and refreshes a GitHub App installation token
     * @return the token a supplier returns, asked for on every request; a null or blank answer means "no token"
     * @throws NullPointerException if {@code supplier} is null
     */
    static TokenSource of(Supplier<String> supplier) {
        return new DescribedTokenSource("token supplier", Objects.requireNonNull(supplier, "supplier"));
    }

    /**
     * A fixed token, e.g. a personal access token read from a secret store.
     *
     * @param token the token; never logged nor shown by {@code toString()}
     * @return a fixed token, e.g. a personal access token read from a secret store
     * @throws NullPointerException if {@code token} is null
     */
    static TokenSource ofToken(String token) {
        Objects.requireNonNull(token, "token");
        return new DescribedTokenSource("configured token", () -> token);
    }
}
