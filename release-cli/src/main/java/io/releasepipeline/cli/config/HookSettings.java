package io.releasepipeline.cli.config;

import io.releasepipeline.cli.hook.CommandHook;
import io.releasepipeline.format.Urls;
import io.releasepipeline.format.VariableNames;
import io.releasepipeline.github.GitHubWorkflowHook;
import io.releasepipeline.hook.Hooks;
import io.releasepipeline.hook.WebhookHook;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the {@code hooks:} section of {@code release.yaml}: for each point a list of hooks, each with a name, an
 * optional timeout and exactly one kind ({@code webhook}, {@code workflow} or {@code command}). Every problem is added
 * to the reader's list with its path; secrets are named by variable, never read here. Stateless.
 */
final class HookSettings {

    /** The points' keys, in the order of a release. */
    static final List<String> POINTS = List.of("beforeMerge", "afterPromotion", "onRollback", "onFreeze",
            "migrationRollback");
    private static final List<String> KINDS = List.of("webhook", "workflow", "command");

    private HookSettings() {
    }

    static CliConfig.Hooks read(Section s) {
        List<List<CliConfig.Hook>> lists = new ArrayList<>();
        // Every named item, valid or not, so that a duplicate name is reported with the hooks' other problems.
        List<List<Named>> names = new ArrayList<>();
        for (String point : POINTS) {
            List<Named> named = new ArrayList<>();
            lists.add(hooks(s, point, named));
            names.add(named);
        }
        s.rejectUnknownKeys();
        unique(s, "beforeMerge", "beforeMerge", names.get(0));
        unique(s, "afterPromotion", "afterPromotion", names.get(1));
        List<Named> rollback = new ArrayList<>(names.get(2));
        rollback.addAll(names.get(4));
        unique(s, "onRollback", "onRollback and migrationRollback", rollback);
        unique(s, "onFreeze", "onFreeze", names.get(3));
        return new CliConfig.Hooks(lists.get(0), lists.get(1), lists.get(2), lists.get(3), lists.get(4));
    }

    /** A hook item's path and name, whether or not the rest of it is valid. */
    private record Named(String path, String name) {
    }

    private static void unique(Section s, String key, String where, List<Named> hooks) {
        List<String> seen = new ArrayList<>();
        for (Named h : hooks) {
            if (!h.name().isEmpty() && seen.contains(h.name())) {
                s.problem(key, "two hooks of " + where + " are named \""
                        + h.name() + "\" (" + h.path() + " is the second); names must be unique per point: the "
                        + "delivery id is made of it");
            }
            seen.add(h.name());
        }
    }

    private static List<CliConfig.Hook> hooks(Section s, String point, List<Named> names) {
        List<CliConfig.Hook> out = new ArrayList<>();
        for (Section.Item item : s.items(point)) {
            if (item.section() == null) {
                s.problem(point, item.path() + " must be a mapping with name, timeout and one of webhook, workflow "
                        + "or command; got " + Section.describe(item.value()));
                continue;
            }
            hook(item.path(), item.section(), names).ifPresent(out::add);
        }
        return out;
    }

    private static Optional<CliConfig.Hook> hook(String path, Section h, List<Named> names) {
        String name = h.required("name", "migrate-down");
        names.add(new Named(path, name));
        if (!name.isEmpty() && !Hooks.isValidName(name)) {
            h.problem("name", "must be 1 to 64 letters, digits, '.', '_' or '-', got " + Section.shown(name));
        }
        List<String> kinds = KINDS.stream().filter(h::has).toList();
        if (kinds.size() != 1) {
            h.problemHere("give exactly one of webhook, workflow or command for each hook, got "
                    + (kinds.isEmpty() ? "none" : String.join(" and ", kinds)));
        }
        Optional<CliConfig.WebhookSettings> webhook = kinds.contains("webhook")
                ? webhook(h.section("webhook")) : Optional.empty();
        Optional<CliConfig.WorkflowSettings> workflow = kinds.contains("workflow")
                ? workflow(h.section("workflow"), name) : Optional.empty();
        Optional<CliConfig.CommandSettings> command = kinds.contains("command")
                ? command(h.section("command")) : Optional.empty();
        Duration fallback = workflow.isPresent() ? GitHubWorkflowHook.DEFAULT_TIMEOUT
                : command.isPresent() ? CommandHook.DEFAULT_TIMEOUT : WebhookHook.DEFAULT_TIMEOUT;
        Duration timeout = h.duration("timeout", fallback);
        h.rejectUnknownKeys();
        if (kinds.size() != 1) {
            return Optional.empty();
        }
        return Optional.of(new CliConfig.Hook(path, name, timeout, webhook, workflow, command));
    }

    private static Optional<CliConfig.WebhookSettings> webhook(Section w) {
        String text = w.required("url", "https://hooks.example.com/release");
        URI url = null;
        if (!text.isEmpty()) {
            try {
                url = new URI(text);
                Optional<String> problem = Urls.transportProblem(url, false);
                if (problem.isPresent()) {
                    w.problem("url", problem.get());
                    url = null;
                } else if (url.getRawFragment() != null) {
                    w.problem("url", "must not have a fragment, got " + Urls.redacted(url));
                    url = null;
                }
            } catch (URISyntaxException e) {
                w.problem("url", "not a valid URL (" + e.getReason() + "), got " + Section.shown(text));
            }
        }
        String variable = w.required("secretVariable", "RELEASE_WEBHOOK_SECRET");
        if (!variable.isEmpty()) {
            VariableNames.problem(w.pathOf("secretVariable"), variable).ifPresent(p -> w.problem("secretVariable",
                    p));
        }
        int retries = (int) w.number("retries", WebhookHook.DEFAULT_RETRIES, 0, WebhookHook.MAX_RETRIES);
        Duration attempt = w.duration("attemptTimeout", WebhookHook.DEFAULT_ATTEMPT_TIMEOUT);
        w.rejectUnknownKeys();
        return url == null ? Optional.empty()
                : Optional.of(new CliConfig.WebhookSettings(url, variable, retries, attempt));
    }

    private static Optional<CliConfig.WorkflowSettings> workflow(Section f, String name) {
        String file = f.required("file", "migration-rollback.yml");
        String ref = f.text("ref", GitHubWorkflowHook.DEFAULT_REF);
        Map<String, String> inputs = f.textMap("inputs");
        Duration poll = f.duration("pollInterval", GitHubWorkflowHook.DEFAULT_POLL_INTERVAL);
        f.rejectUnknownKeys();
        List<String> problems = GitHubWorkflowHook.problems(Hooks.isValidName(name) ? name : "hook", file, ref,
                inputs, GitHubWorkflowHook.DEFAULT_DELIVERY_ID_INPUT);
        if (file.isEmpty()) {
            problems.removeIf(p -> p.startsWith("workflow:"));
        }
        for (String p : problems) {
            int colon = p.indexOf(':');
            String key = p.substring(0, colon);
            f.problem(key.equals("workflow") ? "file" : key, p.substring(colon + 1).strip());
        }
        return problems.isEmpty() && !file.isEmpty()
                ? Optional.of(new CliConfig.WorkflowSettings(file, ref, inputs, poll)) : Optional.empty();
    }

    private static Optional<CliConfig.CommandSettings> command(Section c) {
        Optional<String> line = c.textIfText("run");
        if (line.isPresent()) {
            // One problem, with the list to write instead: the command runs without a shell, so a line is no use.
            String text = line.get().strip();
            String example = text.isEmpty() || text.length() > 60 || VariableNames.looksLikeSecret(text)
                    ? "[./scripts/migrate.sh, down]" : "[" + String.join(", ", text.split("\\s+")) + "]";
            c.problem("run", "must be a list: the program, then each argument, e.g. " + example + " (run without a "
                    + "shell; write [sh, -c, \"...\"] for one), got the text " + Section.shown(text));
            c.rejectUnknownKeys();
            return Optional.empty();
        }
        List<String> run = c.texts("run", List.of());
        if (run.isEmpty()) {
            c.problem("run", "required, a list such as [./scripts/migrate.sh, down] (run without a shell; write "
                    + "[sh, -c, \"...\"] for one)");
        }
        Optional<Path> directory = c.text("directory").map(Path::of);
        c.rejectUnknownKeys();
        return run.isEmpty() ? Optional.empty() : Optional.of(new CliConfig.CommandSettings(run, directory));
    }
}
