package io.releasepipeline.github;

import com.fasterxml.jackson.databind.JsonNode;
import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.github.internal.GitHubClient;
import io.releasepipeline.github.internal.GitHubRequest;
import io.releasepipeline.spi.Incident;
import io.releasepipeline.spi.IncidentProvider;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Open incidents as GitHub issues: an open issue carrying a severity's label ({@code SEV-1}, {@code SEV-2}) is an
 * open incident of that severity. Pull requests (which GitHub's issues API also lists) are left out.
 *
 * <pre>{@code
 * IncidentProvider incidents = GitHubIncidentProvider.builder(github)
 *         .severityLabel("SEV-1", "incident: sev1")   // only when the labels differ from the severities
 *         .build();
 * }</pre>
 *
 * <p>One conditional request per severity (GitHub ANDs several labels in one query). An issue labelled with two of
 * the requested severities is reported once, under the first severity in alphabetical order ({@code SEV-1} before
 * {@code SEV-2}). Thread-safe; blocks on I/O; read-only; failures are {@link
 * io.releasepipeline.error.ProviderException}s, never "no incidents". The connection's client retries, so {@link
 * #retriesOwnCalls()} is true.
 */
public final class GitHubIncidentProvider implements IncidentProvider {

    /** The provider name in logs, events and errors. */
    public static final String PROVIDER_NAME = "github-incidents";

    private final GitHubConnection connection;
    private final GitHubClient client;
    private final Map<String, String> labels;

    private GitHubIncidentProvider(GitHubConnection connection, Map<String, String> labels) {
        this.connection = connection;
        this.client = connection.client();
        this.labels = Map.copyOf(labels);
    }

    /**
     * A builder on {@code connection}; by default each severity's label is the severity itself.
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
     * The GitHub label that marks an issue as an incident of {@code severity}.
     *
     * @param severity the incident's severity, e.g. {@code SEV-1}
     * @return the GitHub label that marks an issue as an incident of {@code severity}
     */
    public String labelFor(String severity) {
        return labels.getOrDefault(severity.toUpperCase(Locale.ROOT), severity);
    }

    @Override
    public List<Incident> openIncidents(Set<String> severities) {
        Map<Long, Incident> found = new LinkedHashMap<>();
        for (String severity : new TreeSet<>(severities)) {
            String label = labelFor(severity);
            List<JsonNode> issues = client.getAll(GitHubRequest.get(PROVIDER_NAME, "openIncidents(" + severity + ")",
                    connection.repositoryPath() + "/issues?state=open&labels=" + GitHubClient.encode(label)
                            + "&per_page=100"), null);
            for (JsonNode issue : issues) {
                if (issue.has("pull_request")) {
                    continue;
                }
                found.putIfAbsent(issue.path("id").asLong(), new Incident("#" + issue.path("number").asInt(),
                        issue.path("title").asText(""), severity, issue.path("html_url").asText(""),
                        openedAt(issue)));
            }
        }
        return List.copyOf(found.values());
    }

    @Override
    public String toString() {
        return "GitHubIncidentProvider[" + connection + ", labels " + labels + "]";
    }

    private static Optional<Instant> openedAt(JsonNode issue) {
        try {
            return GitHubCiProvider.text(issue, "created_at").map(Instant::parse);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Builds a {@link GitHubIncidentProvider}. Not thread-safe; {@link #build()} validates everything at once. */
    public static final class Builder {

        private final GitHubConnection connection;
        private final Map<String, String> labels = new LinkedHashMap<>();

        private Builder(GitHubConnection connection) {
            this.connection = connection;
        }

        /**
         * The label that marks an incident of {@code severity}, when it is not the severity's own name. Severities
         * match case-insensitively.
         *
         * @param severity the severity, e.g. {@code SEV-1}
         * @param label the GitHub label that marks it
         * @return this builder
         */
        public Builder severityLabel(String severity, String label) {
            labels.put(severity == null ? null : severity.toUpperCase(Locale.ROOT), label);
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return a new {@code GitHubIncidentProvider} with this builder's settings
         * @throws InvalidConfigurationException listing every problem at once
         */
        public GitHubIncidentProvider build() {
            List<String> problems = new ArrayList<>();
            if (connection == null) {
                problems.add("github.connection: required, from GitHubConnection.builder()...build()");
            }
            labels.forEach((severity, label) -> {
                if (severity == null || severity.isBlank() || label == null || label.isBlank()) {
                    problems.add("github.severityLabel: severity and label must not be blank, got " + severity
                            + " -> " + label);
                }
            });
            if (!problems.isEmpty()) {
                throw new InvalidConfigurationException("GitHub incident provider", problems);
            }
            return new GitHubIncidentProvider(connection, labels);
        }
    }
}
