package io.releasepipeline.github;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.releasepipeline.format.FilterPatterns;
import io.releasepipeline.spi.ChangedFiles;
import io.releasepipeline.spi.DeployMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which pushes start the deploy workflow: its {@code on.push} trigger with its branch and path filters, read from the
 * workflow file ({@link #fromWorkflow}) or given as paths ({@link #ofPaths}), and judged against a pull request's
 * changed files as GitHub documents it ("Workflow syntax for GitHub Actions": {@code on.push.<branches|tags>},
 * {@code on.push.<paths|paths-ignore>}):
 *
 * <ul>
 *   <li>{@code on} may be one event ({@code on: push}), a list ({@code on: [push, workflow_dispatch]}) or a map; a
 *       {@code push} without filters runs for every push;
 *   <li>{@code branches} selects the base branch, {@code branches-ignore} must not; with only {@code tags} or
 *       {@code tags-ignore} a push to a branch does not start it; with both a branch and a path filter, both must
 *       be satisfied;
 *   <li>{@code paths}: it runs when at least one changed file is selected; {@code paths-ignore}: when at least one
 *       changed file is not ignored; no changed file at all starts nothing;
 *   <li>{@code paths} with {@code paths-ignore} (or {@code branches} with {@code branches-ignore}, {@code tags} with
 *       {@code tags-ignore}) is a workflow GitHub rejects: an error here too.
 * </ul>
 *
 * <p>A workflow without a push trigger (started by {@code workflow_run} or by hand) cannot be judged from a filter:
 * it is taken to deploy, as the release did before this check. A change GitHub lists only in part deploys when none
 * of its listed files decides otherwise. Immutable and thread-safe.
 */
final class DeployFilter {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** A filter key and its patterns, e.g. {@code paths-ignore: [docs/**]}. */
    private record Named(String key, FilterPatterns patterns) {
        boolean ignores() {
            return key.endsWith("-ignore");
        }

        @Override
        public String toString() {
            return key + " " + patterns;
        }
    }

    private final String source;
    private final boolean pushTrigger;
    private final String otherTriggers;
    private final Optional<Named> branches;
    private final boolean tagsOnly;
    private final Optional<Named> paths;

    private DeployFilter(String source, boolean pushTrigger, String otherTriggers, Optional<Named> branches,
            boolean tagsOnly, Optional<Named> paths) {
        this.source = source;
        this.pushTrigger = pushTrigger;
        this.otherTriggers = otherTriggers;
        this.branches = branches;
        this.tagsOnly = tagsOnly;
        this.paths = paths;
    }

    /** Paths given explicitly instead of the workflow's filter; {@code source} says where they come from. */
    static DeployFilter ofPaths(String source, FilterPatterns paths) {
        return new DeployFilter(source, true, "", Optional.empty(), false, Optional.of(new Named("paths", paths)));
    }

    /**
     * The push trigger of a workflow file.
     *
     * @param yaml the file's content
     * @param source where it was read, e.g. {@code .github/workflows/backend-deploy.yml@main}
     * @throws IllegalArgumentException naming every problem: not YAML, no {@code on}, a filter that is not a list
     *     of patterns, both a filter and its {@code -ignore} twin, a pattern that is not valid
     */
    static DeployFilter fromWorkflow(String yaml, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw new IllegalArgumentException(source + " is not valid YAML" + where + ": " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(source + " is not a workflow: its top level is not a mapping");
        }
        // YAML 1.1 reads an unquoted key "on" as the boolean true; accept either spelling.
        JsonNode on = root.has("on") ? root.get("on") : root.path("true");
        if (on.isMissingNode() || on.isNull()) {
            throw new IllegalArgumentException(source + " has no 'on' key, so no event starts it");
        }
        if (on.isTextual()) {
            return on.asText().equals("push") ? everyPush(source) : noPush(source, "[" + on.asText() + "]");
        }
        if (on.isArray()) {
            List<String> events = new ArrayList<>();
            on.forEach(e -> events.add(e.asText()));
            return events.contains("push") ? everyPush(source) : noPush(source, events.toString());
        }
        if (!on.isObject()) {
            throw new IllegalArgumentException(source + ": 'on' must be an event, a list of events or a mapping");
        }
        if (!on.has("push")) {
            List<String> events = new ArrayList<>();
            on.fieldNames().forEachRemaining(events::add);
            return noPush(source, events.toString());
        }
        JsonNode push = on.get("push");
        if (push.isNull() || push.isObject() && push.isEmpty()) {
            return everyPush(source);
        }
        if (!push.isObject()) {
            throw new IllegalArgumentException(source + ": on.push must be a mapping of filters or empty");
        }
        List<String> problems = new ArrayList<>();
        Optional<Named> branches = pair(push, "branches", problems);
        Optional<Named> tags = pair(push, "tags", problems);
        Optional<Named> paths = pair(push, "paths", problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(source + ": " + String.join("; ", problems));
        }
        return new DeployFilter(source, true, "", branches, branches.isEmpty() && tags.isPresent(), paths);
    }

    private static DeployFilter everyPush(String source) {
        return new DeployFilter(source, true, "", Optional.empty(), false, Optional.empty());
    }

    private static DeployFilter noPush(String source, String events) {
        return new DeployFilter(source, false, events, Optional.empty(), false, Optional.empty());
    }

    /** {@code key} or {@code key-ignore}, not both (GitHub rejects such a workflow). */
    private static Optional<Named> pair(JsonNode push, String key, List<String> problems) {
        Optional<Named> include = patterns(push, key, problems);
        Optional<Named> ignore = patterns(push, key + "-ignore", problems);
        if (include.isPresent() && ignore.isPresent()) {
            problems.add("on.push has both " + key + " and " + key + "-ignore, which GitHub does not allow (the "
                    + "workflow never runs); use " + key + " with '!' patterns instead");
            return Optional.empty();
        }
        return include.or(() -> ignore);
    }

    private static Optional<Named> patterns(JsonNode push, String key, List<String> problems) {
        JsonNode node = push.get(key);
        if (node == null) {
            return Optional.empty();
        }
        List<String> patterns = new ArrayList<>();
        if (node.isTextual()) {
            patterns.add(node.asText());
        } else if (node.isArray()) {
            for (JsonNode p : node) {
                if (!p.isValueNode() || p.isNull()) {
                    problems.add("on.push." + key + " holds " + p + ", which is not a pattern");
                    return Optional.empty();
                }
                patterns.add(p.asText());
            }
        } else {
            problems.add("on.push." + key + " must be a list of patterns, got " + node);
            return Optional.empty();
        }
        List<String> invalid = FilterPatterns.problems(patterns);
        if (!invalid.isEmpty()) {
            invalid.forEach(p -> problems.add("on.push." + key + ": " + p));
            return Optional.empty();
        }
        return Optional.of(new Named(key, FilterPatterns.of(patterns)));
    }

    /** The filter in words, e.g. {@code .github/workflows/backend-deploy.yml@main on.push.paths [backend/**]}. */
    String describe() {
        if (!pushTrigger) {
            return source + " on: " + otherTriggers + " (no push trigger)";
        }
        List<String> parts = new ArrayList<>();
        branches.ifPresent(b -> parts.add("on.push." + b));
        if (tagsOnly) {
            parts.add("on.push tags only");
        }
        paths.ifPresent(p -> parts.add("on.push." + p));
        return source + " " + (parts.isEmpty() ? "on.push (no branch or path filter)" : String.join(", ", parts));
    }

    /** Whether a push of {@code files} to {@code branch} starts the workflow, and why. */
    DeployMatch judge(String branch, ChangedFiles files) {
        String filter = describe();
        List<String> listed = files.paths();
        int n = listed.size();
        if (!pushTrigger) {
            return DeployMatch.deploys(filter, List.of(), n, "the workflow has no push trigger, so a filter cannot "
                    + "tell whether the merge starts it: taken to deploy (the release waits for the deploy run)");
        }
        if (tagsOnly) {
            return DeployMatch.nothingToDeploy(filter, listed, n, "on.push filters only tags, so a push to the branch "
                    + branch + " does not start it");
        }
        if (branches.isPresent() && branches.get().patterns().selects(branch) == branches.get().ignores()) {
            return DeployMatch.nothingToDeploy(filter, listed, n, "a push to " + branch + " does not start it: "
                    + "on.push." + branches.get() + (branches.get().ignores() ? " ignores " : " does not select ")
                    + branch);
        }
        if (paths.isEmpty()) {
            return DeployMatch.deploys(filter, listed, n, "every push to " + branch + " starts it (no path filter)");
        }
        Named p = paths.get();
        List<String> deciding = listed.stream().filter(f -> p.patterns().selects(f) != p.ignores()).toList();
        String noun = n == 1 ? "changed file" : "changed files";
        if (!deciding.isEmpty()) {
            return DeployMatch.deploys(filter, deciding, n, deciding.size() + " of the " + n + " " + noun
                    + (p.ignores() ? (deciding.size() == 1 ? " is" : " are") + " not ignored"
                            : (deciding.size() == 1 ? " matches" : " match")));
        }
        if (!files.complete()) {
            return DeployMatch.deploys(filter, List.of(), n, "none of the " + n + " listed files "
                    + (p.ignores() ? "escapes " : "matches ") + p.key() + ", but GitHub lists only the first "
                    + GitHubCiProvider.MAX_LISTED_FILES + " files of a pull request and an unlisted one may: taken "
                    + "to deploy");
        }
        String why;
        if (n == 0) {
            why = "the pull request changes no file";
        } else if (p.ignores()) {
            why = n == 1 ? "its one changed file is ignored" : "all " + n + " changed files are ignored";
        } else {
            why = n == 1 ? "its one changed file does not match" : "none of the " + n + " changed files matches";
        }
        return DeployMatch.nothingToDeploy(filter, listed, n, why);
    }
}
